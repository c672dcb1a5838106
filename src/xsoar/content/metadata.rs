//! `pack_metadata.json`: who made the pack, its version, where it is listed, and the name
//! prefixes its items may use.

use serde_json::{Value, json};

/// What `pack_metadata.json` says.
#[derive(Debug, Clone, Copy)]
pub struct PackMetadata<'a> {
    /// The pack's display name.
    pub name: &'a str,
    /// One paragraph.
    pub description: &'a str,
    /// `xsoar`, `partner` or `community`.
    pub support: &'a str,
    /// `MAJOR.MINOR.PATCH`.
    pub current_version: &'a str,
    /// Who maintains it.
    pub author: &'a str,
    /// Where to get help.
    pub url: &'a str,
    /// When the pack was first published, ISO 8601.
    pub created: &'a str,
    /// Marketplace categories (from the approved list).
    pub categories: &'a [&'a str],
    /// Marketplace search keywords.
    pub keywords: &'a [&'a str],
    /// `xsoar`, `marketplacev2`, ...
    pub marketplaces: &'a [&'a str],
    /// Prefixes the pack's incident fields may start with besides the pack's name.
    pub item_prefix: &'a [&'a str],
}

/// The `pack_metadata.json` document.
pub fn pack_metadata_json(meta: &PackMetadata<'_>) -> Value {
    json!({
        "name": meta.name,
        "description": meta.description,
        "support": meta.support,
        "currentVersion": meta.current_version,
        "author": meta.author,
        "url": meta.url,
        "email": "",
        "created": meta.created,
        "categories": meta.categories,
        "tags": [],
        "useCases": [],
        "keywords": meta.keywords,
        "marketplaces": meta.marketplaces,
        "itemPrefix": meta.item_prefix,
        "dependencies": {},
    })
}
