//! The doors between the rooms of `src/` open one way (DEVELOPERS.md): `client` knows no
//! XSOAR, `xsoar` knows no vendor, hosts know no commands, and nothing but the CLI may use the
//! simulator. Checked on the source text, so a wrong `use` fails here before review.

use std::path::{Path, PathBuf};

/// Each room and the rooms it must not reach.
const FORBIDDEN: &[(&str, &[&str])] = &[
    ("client", &["xsoar", "host", "commands", "cli", "sim"]),
    ("xsoar", &["client", "host", "commands", "cli", "sim"]),
    ("host", &["client", "commands", "cli", "sim"]),
    ("commands", &["cli", "sim"]),
    ("sim", &["client", "xsoar", "host", "commands", "cli"]),
];

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            files.push(path);
        }
    }
    files
}

#[test]
fn rooms_only_use_what_they_may() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut violations = Vec::new();
    for (room, forbidden) in FORBIDDEN {
        for file in rust_files(&src.join(room)) {
            let text = std::fs::read_to_string(&file).unwrap();
            for other in *forbidden {
                let path = format!("crate::{other}");
                if text.contains(&format!("{path}::")) || text.contains(&format!("{path};")) {
                    violations.push(format!("{} uses {path}", file.display()));
                }
            }
        }
    }
    assert!(
        violations.is_empty(),
        "one-way doors broken:\n{}",
        violations.join("\n")
    );
}
