//! The assure evidence plugin for CycloneDX JSON documents, spec 1.2 to 1.6.
//!
//! It reads one CycloneDX JSON document (`bomFormat` "CycloneDX", `specVersion`
//! "1.2" to "1.6"; a newer 1.N is read as 1.6 with a note) and emits:
//!
//! - product facts under `sbom.*`: format and spec version, the metadata
//!   timestamp, whether a supplier is named (and who), the number of
//!   components at any depth, the share of components with a purl and with a
//!   strong hash (whole percentages), whether there is a dependency graph and
//!   how many of its references name no declared `bom-ref`, the subject's name
//!   and version, and the generating tools;
//! - one `Component` entity per component (nested ones too, with their parent),
//!   identified by its purl where it has one, with its name, version, purl,
//!   bom-ref, type, scope, supplier, licences, hashes and whether it has a
//!   strong hash.
//!
//! A document with vulnerabilities but no components is a VEX document, not an
//! SBOM: it yields no facts, only a note saying so.
//!
//! Every fact carries a JSON Pointer to where it came from; coverage facts
//! point at the first component that lacks what they count. The plugin never
//! panics, whatever the input, and uses integer arithmetic only.

mod components;
mod extract;
mod graph;
mod metadata;
mod text;

pub use extract::extract;

use assure_plugin_sdk::{Document, ExtractError, Extraction, Guest, PluginInfo};

/// The media type this plugin reads.
pub const MEDIA_TYPE: &str = "application/vnd.cyclonedx+json";

/// Every fact path the plugin may emit: product facts, then `Component` facts.
pub const FACT_PATHS: &[&str] = &[
    "sbom.format",
    "sbom.spec_version",
    "sbom.spec_major",
    "sbom.spec_minor",
    "sbom.timestamp",
    "sbom.component_count",
    "sbom.supplier_present",
    "sbom.supplier_name",
    "sbom.purl_percent",
    "sbom.strong_hash_percent",
    "sbom.dependency_graph",
    "sbom.dangling_refs",
    "sbom.subject_name",
    "sbom.subject_version",
    "sbom.tools",
    "Component.name",
    "Component.version",
    "Component.purl",
    "Component.bom_ref",
    "Component.component_type",
    "Component.scope",
    "Component.supplier",
    "Component.licenses",
    "Component.hashes",
    "Component.strong_hash",
];

/// The CycloneDX plugin, as exported to the host.
pub struct CycloneDx;

impl Guest for CycloneDx {
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
        name: "cyclonedx".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        media_types: vec![MEDIA_TYPE.to_owned()],
        fact_paths: FACT_PATHS.iter().map(|p| (*p).to_owned()).collect(),
    }
}

// The SDK generates `export!` inside its `bindings` module (it is not
// re-exported at the crate root).
#[cfg(target_arch = "wasm32")]
assure_plugin_sdk::bindings::export!(CycloneDx);
