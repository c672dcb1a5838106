//! `helloworld pack`: the tree it writes, what it refuses, the integration inside it equal to the
//! generated integration.yml, and the mapper and classifier checked against the rawJSON of
//! incidents really fetched from the simulator.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use helloworld::commands::pack::fields::ALERT_FIELDS;
use helloworld::sim::SimConfig;
use helloworld::xsoar::content::package::{Package, unify};
use helloworld::xsoar::content::png::dimensions;
use serde_json::{Value, json};

use crate::support::{Sim, helloworld, run, run_with, temp_dir};

const PACK: &str = "Packs/HelloWorldRust";

/// Writes the pack into a new folder and returns the pack folder.
fn written_pack() -> PathBuf {
    let out = temp_dir("pack");
    let result = run(&["pack", "--out", out.to_str().unwrap()]);
    assert_eq!(result.status, Some(0), "{}", result.stderr);
    out.join(PACK)
}

fn read_json(pack: &Path, path: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(pack.join(path)).unwrap()).unwrap()
}

fn files_under(dir: &Path, base: &Path, found: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, base, found);
        } else {
            let relative = path.strip_prefix(base).unwrap();
            found.insert(relative.to_string_lossy().replace('\\', "/"));
        }
    }
}

#[test]
fn pack_writes_the_standard_layout_and_lists_it() {
    let out = temp_dir("pack-tree");
    let result = run(&["pack", "--out", out.to_str().unwrap()]);
    assert_eq!(result.status, Some(0), "{}", result.stderr);
    let pack = out.join(PACK);
    let mut found = BTreeSet::new();
    files_under(&pack, &pack, &mut found);
    for expected in [
        "pack_metadata.json",
        "README.md",
        "Integrations/HelloWorldRust/HelloWorldRust.yml",
        "Integrations/HelloWorldRust/HelloWorldRust.py",
        "Integrations/HelloWorldRust/HelloWorldRust_description.md",
        "Integrations/HelloWorldRust/HelloWorldRust_image.png",
        "Integrations/HelloWorldRust/README.md",
        "IncidentTypes/incidenttype-HelloWorld_Alert.json",
        "IncidentFields/incidentfield-HelloWorld_Alert_ID.json",
        "IncidentFields/incidentfield-HelloWorld_Alert_Assignee.json",
        "Classifiers/classifier-HelloWorldRust.json",
        "Classifiers/classifier-mapper-incoming-HelloWorldRust.json",
        "Layouts/layoutscontainer-HelloWorld_Alert.json",
        "Playbooks/playbook-HelloWorld_Rust_Scan.yml",
        "Playbooks/playbook-HelloWorld_Rust_Alert_Triage.yml",
    ] {
        assert!(
            found.contains(expected),
            "{expected} missing from {found:?}"
        );
    }
    let fields = found
        .iter()
        .filter(|path| path.starts_with("IncidentFields/"))
        .count();
    assert_eq!(fields, ALERT_FIELDS.len());
    // The listing names every file written, and nothing else was written.
    for file in &found {
        assert!(
            result.stdout.contains(&format!("  {file}\n")),
            "{file} not listed"
        );
    }
    assert!(
        result
            .stdout
            .starts_with(&format!("wrote {} files to ", found.len()))
    );

    let metadata = read_json(&pack, "pack_metadata.json");
    assert_eq!(metadata["name"], "HelloWorld Rust");
    assert_ne!(metadata["name"], "HelloWorld", "the classic pack's name");
    let image =
        std::fs::read(pack.join("Integrations/HelloWorldRust/HelloWorldRust_image.png")).unwrap();
    assert_eq!(dimensions(&image), Some((120, 50)));
    let playbook: Value = serde_norway::from_str(
        &std::fs::read_to_string(pack.join("Playbooks/playbook-HelloWorld_Rust_Scan.yml")).unwrap(),
    )
    .unwrap();
    assert_eq!(playbook["id"], "HelloWorld Rust Scan");
}

#[test]
fn pack_replaces_an_existing_pack_only_with_force() {
    let out = temp_dir("pack-force");
    let out_arg = out.to_str().unwrap();
    assert_eq!(run(&["pack", "--out", out_arg]).status, Some(0));
    let stale = out.join(PACK).join("Playbooks/playbook-Old.yml");
    std::fs::write(&stale, "old").unwrap();

    let again = run(&["pack", "--out", out_arg]);
    assert_eq!(again.status, Some(2));
    assert!(
        again
            .stderr
            .contains("already exists and is not empty; add --force to replace it"),
        "{}",
        again.stderr
    );
    assert!(stale.exists(), "a refused run must not touch the folder");

    let forced = run(&["pack", "--out", out_arg, "--force"]);
    assert_eq!(forced.status, Some(0), "{}", forced.stderr);
    assert!(!stale.exists(), "--force replaces the pack folder");
}

#[test]
fn pack_refuses_an_out_that_is_a_file_or_cannot_be_written_clearly() {
    let dir = temp_dir("pack-bad-out");
    let file = dir.join("a-file");
    std::fs::write(&file, "x").unwrap();
    let on_file = run(&["pack", "--out", file.to_str().unwrap()]);
    assert_eq!(on_file.status, Some(2));
    assert!(
        on_file.stderr.contains("is a file; give a folder"),
        "{}",
        on_file.stderr
    );

    let below_file = run(&["pack", "--out", file.join("sub").to_str().unwrap()]);
    assert_eq!(below_file.status, Some(2));
    assert!(
        below_file.stderr.contains("cannot create")
            && below_file.stderr.contains("choose another --out folder"),
        "{}",
        below_file.stderr
    );
    let missing = run(&["pack"]);
    assert_eq!(missing.status, Some(2));
    assert!(missing.stderr.contains("--out"), "{}", missing.stderr);
}

#[test]
fn the_pack_integration_is_the_generated_integration_yml_in_package_form() {
    let pack = written_pack();
    let folder = pack.join("Integrations/HelloWorldRust");
    let read = |name: &str| std::fs::read_to_string(folder.join(name)).unwrap();
    let mut yml: Value = serde_norway::from_str(&read("HelloWorldRust.yml")).unwrap();
    assert_eq!(yml["script"]["script"], "-");
    // The pack adds its classifier and mapper as the instance defaults; nothing else differs.
    let object = yml.as_object_mut().unwrap();
    assert_eq!(
        object.remove("defaultclassifier"),
        Some(json!("HelloWorld Rust - Classifier"))
    );
    assert_eq!(
        object.remove("defaultmapperin"),
        Some(json!("HelloWorld Rust - Incoming Mapper"))
    );
    let unified = unify(&Package {
        yml,
        code: read("HelloWorldRust.py"),
        description: read("HelloWorldRust_description.md"),
    });
    let committed: Value = serde_norway::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/integration.yml")).unwrap(),
    )
    .unwrap();
    assert!(
        unified == committed,
        "the pack's integration differs from integration.yml"
    );
}

/// The alerts (rawJSON) of incidents fetched from a simulator with a backlog, one alert of which
/// an analyst has assigned first.
async fn fetched_alerts() -> Vec<Value> {
    let sim = Sim::start(SimConfig {
        alerts: 400,
        ..SimConfig::new(23)
    })
    .await;
    let (status, page) = sim.get_json("/api/v2/alerts?status=ACTIVE&limit=1").await;
    assert_eq!(status, 200, "{page}");
    let first = page["alerts"][0]["id"].as_str().unwrap().to_owned();
    let response = sim
        .authed(reqwest::Method::PATCH, &format!("/api/v2/alerts/{first}"))
        .json(&json!({"assignee": "soc-analyst"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let (url, key) = (sim.running.url.clone(), sim.running.api_key.clone());
    let result = tokio::task::spawn_blocking(move || {
        run_with(
            helloworld()
                .args(["run", "fetch-incidents", "--json", "-p"])
                .arg(format!("url={url}"))
                .args(["-p", "max_fetch=200"])
                .env("HELLOWORLD_API_KEY", key),
        )
    })
    .await
    .unwrap();
    assert_eq!(result.status, Some(0), "{}", result.stderr);
    let document: Value = serde_json::from_str(&result.stdout).unwrap();
    let incidents = document["incidents"].as_array().unwrap();
    assert_eq!(incidents.len(), 200);
    incidents
        .iter()
        .map(|incident| serde_json::from_str(incident["rawJSON"].as_str().unwrap()).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_mapper_path_and_the_classifier_key_resolve_in_fetched_raw_json() {
    let alerts = fetched_alerts().await;
    let pack = tokio::task::spawn_blocking(written_pack).await.unwrap();
    let mapper = read_json(
        &pack,
        "Classifiers/classifier-mapper-incoming-HelloWorldRust.json",
    );
    let mapping = mapper["mapping"]["HelloWorld Alert"]["internalMapping"]
        .as_object()
        .unwrap();
    assert_eq!(mapping.len(), ALERT_FIELDS.len());
    for (field, source) in mapping {
        let path = source["simple"].as_str().unwrap();
        let declared = ALERT_FIELDS
            .iter()
            .find(|declared| declared.field.name == field)
            .unwrap_or_else(|| panic!("the mapper fills {field}, which the pack does not declare"));
        assert_eq!(declared.path, path);
        let present = alerts.iter().filter(|alert| !alert[path].is_null()).count();
        if declared.always {
            assert_eq!(
                present,
                alerts.len(),
                "`{path}` is missing from some fetched alerts"
            );
        } else {
            assert!(present > 0, "`{path}` ({field}) is in no fetched alert");
        }
    }
    let classifier = read_json(&pack, "Classifiers/classifier-HelloWorldRust.json");
    let key = classifier["transformer"]["simple"].as_str().unwrap();
    assert!(
        alerts.iter().all(|alert| alert[key].is_string()),
        "the classifier key `{key}` is missing from some fetched alerts"
    );
    assert_eq!(classifier["defaultIncidentType"], "HelloWorld Alert");
}
