//! Classifiers and incoming mappers (`Classifiers/`): the classifier picks an incident type from
//! a key of the incoming JSON (the incident's `rawJSON`); the mapper copies paths of that JSON
//! into incident fields.

use serde_json::{Map, Value, json};

/// A classifier keyed on one path of the incoming JSON.
#[derive(Debug, Clone, Copy)]
pub struct Classifier<'a> {
    /// Id.
    pub id: &'a str,
    /// Display name.
    pub name: &'a str,
    /// What it does.
    pub description: &'a str,
    /// The path of the incoming JSON whose value selects the type.
    pub key: &'a str,
    /// Values of the key and the incident type each selects.
    pub key_type_map: &'a [(&'a str, &'a str)],
    /// The type of incidents whose key is not in the map.
    pub default_type: &'a str,
    /// The oldest XSOAR version it works on.
    pub from_version: &'a str,
}

/// The classifier document.
pub fn classifier_json(classifier: &Classifier<'_>) -> Value {
    let map: Map<String, Value> = classifier
        .key_type_map
        .iter()
        .map(|(key, incident_type)| ((*key).to_owned(), json!(incident_type)))
        .collect();
    json!({
        "id": classifier.id,
        "version": -1,
        "name": classifier.name,
        "type": "classification",
        "description": classifier.description,
        "defaultIncidentType": classifier.default_type,
        "keyTypeMap": map,
        "transformer": {"simple": classifier.key, "complex": null},
        "fromVersion": classifier.from_version,
    })
}

/// An incoming mapper for one incident type.
#[derive(Debug, Clone, Copy)]
pub struct IncomingMapper<'a> {
    /// Id.
    pub id: &'a str,
    /// Display name.
    pub name: &'a str,
    /// What it does.
    pub description: &'a str,
    /// The incident type whose fields it fills.
    pub incident_type: &'a str,
    /// Each incident field's name and the path of the incoming JSON it is copied from.
    pub fields: &'a [(&'a str, &'a str)],
    /// The oldest XSOAR version it works on.
    pub from_version: &'a str,
}

/// The mapper document.
pub fn incoming_mapper_json(mapper: &IncomingMapper<'_>) -> Value {
    let internal: Map<String, Value> = mapper
        .fields
        .iter()
        .map(|(field, path)| {
            (
                (*field).to_owned(),
                json!({"simple": path, "complex": null}),
            )
        })
        .collect();
    json!({
        "id": mapper.id,
        "version": -1,
        "name": mapper.name,
        "type": "mapping-incoming",
        "description": mapper.description,
        "defaultIncidentType": mapper.incident_type,
        "mapping": {
            mapper.incident_type: {"dontMapEventToLabels": false, "internalMapping": internal},
        },
        "fromVersion": mapper.from_version,
    })
}

/// The paths of the incoming JSON a mapper document reads, in its order.
pub fn mapper_paths(document: &Value) -> Vec<String> {
    document["mapping"]
        .as_object()
        .into_iter()
        .flat_map(|types| types.values())
        .filter_map(|mapping| mapping["internalMapping"].as_object())
        .flat_map(|internal| internal.values())
        .filter_map(|source| source["simple"].as_str().map(str::to_owned))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_classifier_sends_keys_to_types_and_the_rest_to_the_default() {
        let document = classifier_json(&Classifier {
            id: "C",
            name: "C",
            description: "d",
            key: "type",
            key_type_map: &[("Bug", "Bug Alert")],
            default_type: "Alert",
            from_version: "6.10.0",
        });
        assert_eq!(document["type"], "classification");
        assert_eq!(document["transformer"]["simple"], "type");
        assert_eq!(document["keyTypeMap"], json!({"Bug": "Bug Alert"}));
        assert_eq!(document["defaultIncidentType"], "Alert");
    }

    #[test]
    fn the_mapper_maps_paths_to_fields_of_its_type_and_lists_them_back() {
        let document = incoming_mapper_json(&IncomingMapper {
            id: "M",
            name: "M",
            description: "d",
            incident_type: "Alert",
            fields: &[("Alert ID", "id"), ("Alert Status", "status")],
            from_version: "6.10.0",
        });
        assert_eq!(
            document["mapping"]["Alert"]["internalMapping"]["Alert ID"],
            json!({"simple": "id", "complex": null})
        );
        assert_eq!(mapper_paths(&document), ["id", "status"]);
    }
}
