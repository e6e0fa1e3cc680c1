//! The assure evidence plugin for Cyber Essentials certificates
//! (`cyber-essentials/1`).
//!
//! It reads a certificate sidecar in assure's own JSON format (`"assure_format":
//! "cyber-essentials/1"`; see the crate README and
//! `schema/cyber-essentials.schema.json`) and emits the product facts of the
//! `CyberEssentials` record under `cyber_essentials.*`: the level (normalised
//! from "CE", "CE+", "CE Plus", …) and whether it is Plus, the organisation,
//! certificate number, issue date, expiry, scope (when stated), whether the
//! whole organisation is in scope, the certification body, and the version
//! of the NCSC "Cyber Essentials: Requirements for IT Infrastructure" the
//! assessment used (read from "3.3", "v3.3" or the IASME question set's name,
//! "Danzell") with that question set's name.
//!
//! `cyber_essentials.expires` is the earlier of the stated expiry and 12
//! calendar months from issue (a certificate is valid for 12 months), in
//! integer date arithmetic, with a note when the stated expiry is later or
//! absent. A certificate that expires before it was issued is an error.
//!
//! Every fact carries a JSON Pointer to the member it came from. The plugin
//! never panics, whatever the input.

mod extract;

pub use extract::{
    CYBER_ESSENTIALS, CYBER_ESSENTIALS_PLUS, MAX_DOCUMENT_BYTES, REQUIREMENTS, VALID_MONTHS,
    extract,
};

use assure_plugin_sdk::{Document, ExtractError, Extraction, Guest, PluginInfo};

/// The media type this plugin reads.
pub const MEDIA_TYPE: &str = "application/vnd.assure.cyber-essentials+json";

/// The `assure_format` marker of the documents this plugin reads.
pub const FORMAT: &str = "cyber-essentials/1";

/// The members a document must have.
pub const REQUIRED_MEMBERS: &[&str] = &[
    "assure_format",
    "organisation",
    "level",
    "certificate_number",
    "issued",
    "whole_organisation",
    "certification_body",
];

/// Every member a document may have.
pub const KNOWN_MEMBERS: &[&str] = &[
    "assure_format",
    "organisation",
    "level",
    "certificate_number",
    "issued",
    "expires",
    "scope",
    "whole_organisation",
    "certification_body",
    "requirements_version",
];

/// Every fact path the plugin emits, in the schema's order.
pub const FACT_PATHS: &[&str] = &[
    "cyber_essentials.level",
    "cyber_essentials.plus",
    "cyber_essentials.organisation",
    "cyber_essentials.certificate_number",
    "cyber_essentials.issued",
    "cyber_essentials.expires",
    "cyber_essentials.scope",
    "cyber_essentials.whole_organisation",
    "cyber_essentials.certification_body",
    "cyber_essentials.requirements_version",
    "cyber_essentials.requirements_name",
];

/// The Cyber Essentials plugin, as exported to the host.
pub struct CyberEssentials;

impl Guest for CyberEssentials {
    fn describe() -> PluginInfo {
        describe()
    }

    fn extract(doc: Document) -> Result<Extraction, ExtractError> {
        extract(&doc)
    }
}

/// Who the plugin is and what it reads.
pub fn describe() -> PluginInfo {
    PluginInfo {
        name: "cyber-essentials".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        media_types: vec![MEDIA_TYPE.to_owned()],
        fact_paths: FACT_PATHS.iter().map(|p| (*p).to_owned()).collect(),
    }
}

// The SDK generates `export!` inside its `bindings` module.
#[cfg(target_arch = "wasm32")]
assure_plugin_sdk::bindings::export!(CyberEssentials);
