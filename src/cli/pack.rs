//! `helloworld pack --out DIR`: writes the content pack to `DIR/Packs/HelloWorldRust/` and lists
//! what it wrote. An existing, non-empty pack folder is replaced only with `--force`, so a
//! mistyped `--out` never deletes someone's work.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::UsageError;
use crate::commands::pack::{PACK_FOLDER, files, problems};
use crate::host::cli::println_stdout;

/// The flags of `helloworld pack`.
#[derive(Debug, Args)]
pub(super) struct PackArgs {
    /// The folder to write `Packs/HelloWorldRust/` into; created when missing.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Replace an existing, non-empty `Packs/HelloWorldRust/` there.
    #[arg(long)]
    force: bool,
}

/// Writes the pack and prints one line per file.
pub(super) fn run(args: &PackArgs) -> Result<ExitCode, UsageError> {
    let written = write(&args.out, args.force)?;
    println_stdout(&format!(
        "wrote {} files to {}:",
        written.files.len(),
        written.folder.display()
    ));
    for file in &written.files {
        println_stdout(&format!("  {file}"));
    }
    Ok(ExitCode::SUCCESS)
}

/// What [`write`] wrote.
#[derive(Debug)]
pub(super) struct Written {
    /// `DIR/Packs/HelloWorldRust`.
    pub(super) folder: PathBuf,
    /// The files, relative to the pack folder, in the order written.
    pub(super) files: Vec<String>,
}

/// Writes the pack under `out`, replacing an existing pack folder only when `force` is set.
pub(super) fn write(out: &Path, force: bool) -> Result<Written, UsageError> {
    let broken = problems();
    if !broken.is_empty() {
        return Err(UsageError::new(format!(
            "the pack's declarations are broken:\n{}",
            broken.join("\n")
        )));
    }
    if out.exists() && !out.is_dir() {
        return Err(UsageError::new(format!(
            "--out {} is a file; give a folder",
            out.display()
        )));
    }
    let folder = out.join("Packs").join(PACK_FOLDER);
    let occupied = std::fs::read_dir(&folder).is_ok_and(|mut entries| entries.next().is_some());
    if occupied {
        if !force {
            return Err(UsageError::new(format!(
                "{} already exists and is not empty; add --force to replace it",
                folder.display()
            )));
        }
        std::fs::remove_dir_all(&folder).map_err(|error| cannot("replace", &folder, &error))?;
    }
    let mut written = Vec::new();
    for file in files() {
        let path = folder.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|error| cannot("create", parent, &error))?;
        }
        std::fs::write(&path, &file.bytes).map_err(|error| cannot("write", &path, &error))?;
        written.push(file.path);
    }
    Ok(Written {
        folder,
        files: written,
    })
}

/// The files of `written`, one line per folder, for the demo.
pub(super) fn by_folder(written: &Written) -> String {
    let mut folders: Vec<(&str, Vec<&str>)> = Vec::new();
    for file in &written.files {
        let (folder, name) = file.rsplit_once('/').unwrap_or(("", file.as_str()));
        match folders.iter_mut().find(|(known, _)| *known == folder) {
            Some((_, names)) => names.push(name),
            None => folders.push((folder, vec![name])),
        }
    }
    folders
        .iter()
        .map(|(folder, names)| {
            let folder = if folder.is_empty() {
                String::new()
            } else {
                format!("{folder}/: ")
            };
            format!("  {folder}{}\n", names.join(", "))
        })
        .collect()
}

fn cannot(action: &str, path: &Path, error: &std::io::Error) -> UsageError {
    UsageError::new(format!(
        "cannot {action} {}: {error}; choose another --out folder",
        path.display()
    ))
}
