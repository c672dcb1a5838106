//! The HelloWorld content pack (`Packs/HelloWorldRust/`): the integration in package form with
//! its image and README, the "HelloWorld Alert" incident type with its fields, classifier,
//! mapper and layout, the scan and triage playbooks, the pack's metadata and README. Everything is rendered from the declarations ([`crate::commands::COMMANDS`],
//! [`fields::ALERT_FIELDS`], the playbooks), so no item can drift from what the code does.

pub mod fields;
mod image;
pub mod playbooks;
mod readme;

use serde_json::{Value, json};

use self::fields::{ALERT_FIELDS, CLASSIFIER_KEY, Card};
use crate::commands::{BRIDGE_SCRIPT, IDENTITY, params::PARAMS, specs};
use crate::xsoar::content::incident::{IncidentType, incident_field_json, incident_type_json};
use crate::xsoar::content::layout::{Layout, Section, layouts_container_json};
use crate::xsoar::content::mapping::{
    Classifier, IncomingMapper, classifier_json, incoming_mapper_json,
};
use crate::xsoar::content::metadata::{PackMetadata, pack_metadata_json};
use crate::xsoar::content::package::{Package, split};
use crate::xsoar::content::{PackFile, file_stem};
use crate::xsoar::manifest::integration_document;

/// The pack's folder under `Packs/`.
pub const PACK_FOLDER: &str = "HelloWorldRust";
/// The pack's display name (the classic pack is "HelloWorld").
pub const PACK_NAME: &str = "HelloWorld Rust";
/// The pack's version. A new pack carries no release notes (demisto-sdk's RN108 rejects them);
/// each later version adds `ReleaseNotes/<MAJOR>_<MINOR>_<PATCH>.md`.
pub const PACK_VERSION: &str = "1.0.0";
/// The incident type of HelloWorld alerts.
pub const INCIDENT_TYPE: &str = "HelloWorld Alert";
/// The classifier's name and id.
pub const CLASSIFIER_NAME: &str = "HelloWorld Rust - Classifier";
/// The incoming mapper's name and id.
pub const MAPPER_NAME: &str = "HelloWorld Rust - Incoming Mapper";

/// The integration in package form, as the pack holds it: the generated yml split, with the
/// pack's classifier and mapper as the instance defaults.
pub fn integration_package() -> Package {
    let unified = integration_document(&IDENTITY, PARAMS, &specs(), BRIDGE_SCRIPT);
    let mut package = split(&unified);
    if let Some(yml) = package.yml.as_object_mut() {
        yml.insert("defaultclassifier".to_owned(), json!(CLASSIFIER_NAME));
        yml.insert("defaultmapperin".to_owned(), json!(MAPPER_NAME));
    }
    package
}

/// The incoming mapper document.
pub fn mapper() -> Value {
    let fields: Vec<(&str, &str)> = ALERT_FIELDS
        .iter()
        .map(|field| (field.field.name, field.path))
        .collect();
    incoming_mapper_json(&IncomingMapper {
        id: MAPPER_NAME,
        name: MAPPER_NAME,
        description: "Maps HelloWorld alerts (the incident's rawJSON) to the HelloWorld Alert fields.",
        incident_type: INCIDENT_TYPE,
        fields: &fields,
        from_version: IDENTITY.from_version,
    })
}

/// The classifier document.
pub fn classifier() -> Value {
    classifier_json(&Classifier {
        id: CLASSIFIER_NAME,
        name: CLASSIFIER_NAME,
        description: "Classifies HelloWorld alerts by their type; every type goes to HelloWorld Alert unless the map says otherwise.",
        key: CLASSIFIER_KEY,
        key_type_map: &[],
        default_type: INCIDENT_TYPE,
        from_version: IDENTITY.from_version,
    })
}

fn layout() -> Value {
    let card = |card: Card| {
        ALERT_FIELDS
            .iter()
            .filter(|field| field.card == card)
            .map(fields::AlertField::cli_name)
            .collect()
    };
    let incident = ["type", "severity", "owner", "occurred", "details"]
        .map(str::to_owned)
        .to_vec();
    layouts_container_json(&Layout {
        name: INCIDENT_TYPE,
        tab: INCIDENT_TYPE,
        sections: vec![
            Section {
                name: "Alert",
                fields: card(Card::Alert),
            },
            Section {
                name: "Entities",
                fields: card(Card::Entities),
            },
            Section {
                name: "Incident",
                fields: incident,
            },
        ],
        from_version: IDENTITY.from_version,
    })
}

/// `.pack-ignore`: the validations the pack opts out of, each with its reason. Playbook
/// images (`doc_files/<playbook>.png`) are screenshots of the canvas taken in XSOAR; a generated
/// pack has none (RM116).
fn pack_ignore(playbooks: &[crate::xsoar::content::playbook::Playbook]) -> String {
    playbooks
        .iter()
        .map(|playbook| {
            format!(
                "[file:playbook-{}.yml]\nignore=RM116\n",
                file_stem(playbook.name)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every file of the pack, with its path inside `Packs/HelloWorldRust/`.
pub fn files() -> Vec<PackFile> {
    let playbooks = playbooks::playbooks();
    let name = IDENTITY.id;
    let integration = format!("Integrations/{name}/{name}");
    let package = integration_package();
    let metadata = PackMetadata {
        name: PACK_NAME,
        description: "HelloWorld alerts as incidents of their own type, with fields, classifier, mapper, layout, and scan and triage playbooks, from an integration written in Rust.",
        support: "community",
        current_version: PACK_VERSION,
        author: "HelloWorld Rust contributors",
        url: "",
        created: "2025-11-20T00:00:00Z",
        categories: &[IDENTITY.category],
        keywords: &["HelloWorld", "Rust"],
        marketplaces: &["xsoar"],
        item_prefix: &["HelloWorld"],
    };
    let mut files = vec![
        PackFile::json("pack_metadata.json", &pack_metadata_json(&metadata)),
        PackFile::text("README.md", readme::pack_readme(&playbooks)),
        PackFile::text(".pack-ignore", pack_ignore(&playbooks)),
        PackFile::text(".secrets-ignore", ""),
        PackFile::yaml(format!("{integration}.yml"), &package.yml),
        PackFile::text(format!("{integration}.py"), package.code),
        PackFile::text(format!("{integration}_description.md"), package.description),
        PackFile {
            path: format!("{integration}_image.png"),
            bytes: image::png(),
        },
        PackFile::text(
            format!("Integrations/{name}/README.md"),
            readme::integration_readme(&specs()),
        ),
        PackFile::json(
            format!(
                "IncidentTypes/incidenttype-{}.json",
                file_stem(INCIDENT_TYPE)
            ),
            &incident_type_json(&IncidentType {
                name: INCIDENT_TYPE,
                color: "#CE422B",
                playbook: playbooks::TRIAGE,
                layout: INCIDENT_TYPE,
                from_version: IDENTITY.from_version,
            }),
        ),
    ];
    for field in ALERT_FIELDS {
        files.push(PackFile::json(
            format!(
                "IncidentFields/incidentfield-{}.json",
                file_stem(field.field.name)
            ),
            &incident_field_json(&field.field, &[INCIDENT_TYPE], IDENTITY.from_version),
        ));
    }
    files.push(PackFile::json(
        format!("Classifiers/classifier-{PACK_FOLDER}.json"),
        &classifier(),
    ));
    files.push(PackFile::json(
        format!("Classifiers/classifier-mapper-incoming-{PACK_FOLDER}.json"),
        &mapper(),
    ));
    files.push(PackFile::json(
        format!("Layouts/layoutscontainer-{}.json", file_stem(INCIDENT_TYPE)),
        &layout(),
    ));
    for playbook in &playbooks {
        let stem = format!("Playbooks/playbook-{}", file_stem(playbook.name));
        files.push(PackFile::yaml(format!("{stem}.yml"), &playbook.document()));
        files.push(PackFile::text(
            format!("{stem}_README.md"),
            readme::playbook_readme(playbook),
        ));
    }
    files
}

/// Problems that would make the pack wrong: broken command declarations or playbook graphs.
pub fn problems() -> Vec<String> {
    let mut problems = crate::xsoar::spec::declaration_problems("helloworld", &specs());
    for playbook in playbooks::playbooks() {
        problems.extend(playbook.graph_problems());
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xsoar::content::layout::layout_fields;
    use crate::xsoar::content::mapping::mapper_paths;

    fn file(path: &str) -> PackFile {
        files()
            .into_iter()
            .find(|file| file.path == path)
            .unwrap_or_else(|| panic!("no {path} in the pack"))
    }

    fn json_file(path: &str) -> Value {
        serde_json::from_slice(&file(path).bytes).unwrap()
    }

    #[test]
    fn the_pack_is_sound_and_paths_are_unique() {
        assert!(problems().is_empty(), "{:?}", problems());
        let mut paths: Vec<String> = files().into_iter().map(|file| file.path).collect();
        let count = paths.len();
        paths.sort_unstable();
        paths.dedup();
        assert_eq!(paths.len(), count);
    }

    #[test]
    fn the_mapper_reads_every_declared_path_into_its_field() {
        let mapper = json_file("Classifiers/classifier-mapper-incoming-HelloWorldRust.json");
        let expected: Vec<&str> = ALERT_FIELDS.iter().map(|field| field.path).collect();
        assert_eq!(mapper_paths(&mapper), expected);
        assert_eq!(
            mapper["mapping"][INCIDENT_TYPE]["internalMapping"]["HelloWorld Alert ID"]["simple"],
            "id"
        );
    }

    #[test]
    fn fields_type_layout_and_playbook_point_at_each_other() {
        let incident_type = json_file("IncidentTypes/incidenttype-HelloWorld_Alert.json");
        assert_eq!(incident_type["playbookId"], playbooks::TRIAGE);
        assert_eq!(incident_type["layout"], INCIDENT_TYPE);
        let field = json_file("IncidentFields/incidentfield-HelloWorld_Alert_ID.json");
        assert_eq!(field["cliName"], "helloworldalertid");
        assert_eq!(field["associatedTypes"], json!([INCIDENT_TYPE]));
        let shown = layout_fields(&json_file("Layouts/layoutscontainer-HelloWorld_Alert.json"));
        for field in ALERT_FIELDS {
            assert!(
                shown.contains(&field.cli_name()),
                "{} not shown",
                field.field.name
            );
        }
        let classifier = json_file("Classifiers/classifier-HelloWorldRust.json");
        assert_eq!(classifier["defaultIncidentType"], INCIDENT_TYPE);
    }

    #[test]
    fn the_integration_defaults_to_the_pack_classifier_and_mapper() {
        let package = integration_package();
        assert_eq!(package.yml["script"]["script"], "-");
        assert_eq!(package.yml["defaultclassifier"], CLASSIFIER_NAME);
        assert_eq!(package.yml["defaultmapperin"], MAPPER_NAME);
        assert_eq!(package.code, BRIDGE_SCRIPT);
    }
}
