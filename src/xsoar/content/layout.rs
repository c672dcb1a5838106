//! Layout containers (`Layouts/layoutscontainer-*.json`): what an incident's page shows. One
//! custom tab of field sections first, then the standard tabs (War Room, Work Plan, ...).

use serde_json::{Value, json};

/// A card of fields on the custom tab.
#[derive(Debug, Clone)]
pub struct Section<'a> {
    /// Its title.
    pub name: &'a str,
    /// The machine names (`cliName`) of its fields, top to bottom.
    pub fields: Vec<String>,
}

/// A layout container for incidents.
#[derive(Debug, Clone)]
pub struct Layout<'a> {
    /// Name and id; an incident type names it in `layout`.
    pub name: &'a str,
    /// The custom tab's title.
    pub tab: &'a str,
    /// The custom tab's cards, laid out three to a row.
    pub sections: Vec<Section<'a>>,
    /// The oldest XSOAR version it works on.
    pub from_version: &'a str,
}

/// The tabs XSOAR builds itself, after the custom one.
const STANDARD_TABS: [(&str, &str); 5] = [
    ("warRoom", "War Room"),
    ("workPlan", "Work Plan"),
    ("evidenceBoard", "Evidence Board"),
    ("relatedIncidents", "Related Incidents"),
    ("canvas", "Canvas"),
];

/// Cards per row of the custom tab.
const COLUMNS: usize = 3;

/// The layout container document.
pub fn layouts_container_json(layout: &Layout<'_>) -> Value {
    let tab_id = "summary-custom";
    let sections: Vec<Value> = layout
        .sections
        .iter()
        .enumerate()
        .map(|(index, section)| {
            let section_id = format!("{tab_id}-{index}");
            let items: Vec<Value> = section
                .fields
                .iter()
                .enumerate()
                .map(|(row, field)| {
                    json!({
                        "id": format!("{section_id}-{field}"),
                        "fieldId": field,
                        "index": row,
                        "sectionItemType": "field",
                        "startCol": 0,
                        "endCol": 2,
                        "height": 22,
                    })
                })
                .collect();
            json!({
                "i": section_id,
                "name": section.name,
                "displayType": "ROW",
                "isVisible": true,
                "items": items,
                "x": index % COLUMNS,
                "y": (index / COLUMNS) * 2,
                "w": 1,
                "h": 2,
                "minH": 1,
                "moved": false,
                "static": false,
            })
        })
        .collect();
    let mut tabs = vec![json!({
        "id": tab_id,
        "name": layout.tab,
        "type": "custom",
        "hidden": false,
        "sections": sections,
    })];
    tabs.extend(
        STANDARD_TABS
            .iter()
            .map(|(id, name)| json!({"id": id, "name": name, "type": id})),
    );
    json!({
        "id": layout.name,
        "version": -1,
        "name": layout.name,
        "group": "incident",
        "description": "",
        "detailsV2": {"tabs": tabs},
        "fromVersion": layout.from_version,
    })
}

/// The machine names of the fields a layout container document shows, in order.
pub fn layout_fields(document: &Value) -> Vec<String> {
    document["detailsV2"]["tabs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|tab| tab["sections"].as_array())
        .flatten()
        .filter_map(|section| section["items"].as_array())
        .flatten()
        .filter_map(|item| item["fieldId"].as_str().map(str::to_owned))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_sit_three_to_a_row_on_the_custom_tab_before_the_standard_tabs() {
        let sections = (0..4)
            .map(|n| Section {
                name: "S",
                fields: vec![format!("field{n}")],
            })
            .collect();
        let document = layouts_container_json(&Layout {
            name: "Alert",
            tab: "Alert",
            sections,
            from_version: "6.10.0",
        });
        let tabs = document["detailsV2"]["tabs"].as_array().unwrap();
        assert_eq!(tabs.len(), 1 + STANDARD_TABS.len());
        assert_eq!(tabs[1]["type"], "warRoom");
        let cards = tabs[0]["sections"].as_array().unwrap();
        assert_eq!(
            (cards[3]["x"].clone(), cards[3]["y"].clone()),
            (json!(0), json!(2))
        );
        assert_eq!(
            layout_fields(&document),
            ["field0", "field1", "field2", "field3"]
        );
    }
}
