//! What ships to XSOAR agrees with the code: the committed integration.yml and the README's
//! command reference are exactly what the declarations generate, and the Dockerfile, the bridge
//! and the yml agree on the binary's path and the image's tag.

use crate::support::run;

fn repo_file(name: &str) -> String {
    std::fs::read_to_string(format!("{}/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn the_committed_integration_yml_is_what_the_declarations_generate() {
    let generated = run(&["manifest"]);
    assert_eq!(generated.status, Some(0), "{}", generated.stderr);
    assert!(
        generated.stdout == repo_file("integration.yml"),
        "integration.yml is stale: regenerate it with `cargo run -- manifest > integration.yml`"
    );
}

#[test]
fn the_readme_command_reference_is_what_the_declarations_generate() {
    let generated = run(&["manifest", "--readme"]);
    assert_eq!(generated.status, Some(0), "{}", generated.stderr);
    let readme = repo_file("README.md");
    let start = readme
        .find("<!-- command-reference:start -->\n")
        .expect("the README has the start marker");
    let end = readme
        .find("<!-- command-reference:end -->")
        .expect("the README has the end marker");
    let section = &readme[start + "<!-- command-reference:start -->\n".len()..end];
    assert!(
        section == generated.stdout,
        "the README's command reference is stale: replace the text between the command-reference markers with `cargo run -- manifest --readme`"
    );
}

#[test]
fn the_image_the_bridge_and_the_yml_agree() {
    let yml: serde_json::Value = serde_norway::from_str(&repo_file("integration.yml")).unwrap();
    let image = yml["script"]["dockerimage"].as_str().unwrap();
    assert!(
        !image.ends_with(":latest") && image.contains(':'),
        "the image must be pinned to a tag: {image}"
    );
    let dockerfile = repo_file("docker/Dockerfile");
    assert!(
        dockerfile.contains(&format!("-t {image} ")),
        "docker/Dockerfile's build command does not tag {image}"
    );
    let binary = "/usr/local/bin/helloworld";
    assert!(dockerfile.contains(&format!(
        "COPY --from=build /src/target/release/helloworld {binary}"
    )));
    let bridge = repo_file("bridge/helloworld_bridge.py");
    assert!(
        bridge.contains(binary),
        "the bridge does not start {binary}"
    );
    assert_eq!(
        yml["script"]["script"].as_str().unwrap(),
        bridge,
        "the yml must embed the bridge as it is"
    );
    assert_eq!(
        (
            yml["script"]["type"].as_str(),
            yml["script"]["subtype"].as_str()
        ),
        (Some("python"), Some("python3"))
    );
}
