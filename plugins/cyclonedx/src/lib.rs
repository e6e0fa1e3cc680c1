//! The assure evidence plugin for CycloneDX JSON documents (SBOM and VEX),
//! spec 1.2 to 1.6.
//!
//! It reads one CycloneDX JSON document (`bomFormat` "CycloneDX", `specVersion`
//! "1.2" to "1.6"; a newer 1.N is read as 1.6 with a note) and emits:
//!
//! - product facts under `sbom.*`: format and spec version, the metadata
//!   timestamp, whether a supplier is named (and who), the number of
//!   components at any depth, the share of components with a purl and with a
//!   strong hash (whole percentages), whether there is a dependency graph and
//!   how many of its references name no declared `bom-ref`, the subject's name
//!   and version, the generating tools, and the lifecycle phases the BOM
//!   was made in (`metadata.lifecycles`, 1.5 and later);
//! - one `Component` entity per component (nested ones too, with their parent),
//!   identified by its purl where it has one, with its name, version, purl,
//!   bom-ref, type, scope, supplier, licences, hashes, whether it has a
//!   strong hash, and its end of support where a `properties[]` entry
//!   `cdx:lifecycle:milestone:endOfSupport` (the CycloneDX property taxonomy)
//!   states it;
//! - one `Exposure` entity per `vulnerabilities[]` entry and each of its
//!   `affects[].ref` (CycloneDX VEX), identified by
//!   `assure_plugin_sdk::vex::exposure_id` ("CVE-… @ ref"). Its
//!   `product_refs` hold the ref, the purl of the component it names, and —
//!   when it names the document's subject (`metadata.component`) —
//!   `product:<name>@<version>`, which the engine matches against the
//!   submitted product.
//!
//! A document with vulnerabilities but no components is a VEX document, not an
//! SBOM: it yields its `Exposure` entities and no `sbom.*` facts, and a note
//! says so. An SBOM with vulnerabilities (embedded VEX) yields both, plus
//! `sbom.embedded_vex_statements` (the number of `Exposure` entities) and
//! `sbom.advisory_refs` (every `vulnerabilities[].advisories[].url`).
//!
//! How a VEX statement is read:
//!
//! - `status` is `analysis.state` in the one VEX model
//!   (`assure_plugin_sdk::vex::Status`), and `status_source` the state as
//!   written. A vulnerability without `analysis.state` is an unanalysed
//!   finding: status "affected", status_source "no analysis", with a note
//!   (fail closed). A state CycloneDX does not define is an error.
//! - `justification` is `analysis.justification`; `impact_statement` is
//!   `analysis.detail`; `action_statement` is `analysis.response` joined with
//!   ", ", then `; ` and the vulnerability's `recommendation`.
//! - `product_refs` is the `affects[].ref` as written (a bom-ref, purl or
//!   BOM-Link `urn:cdx:…`), plus the purl of the component in the same
//!   document whose bom-ref it is.
//! - `product_scope` is the product the statement is about: when the BOM
//!   has a `metadata.component` (an SBOM's subject, or the product a VEX BOM
//!   speaks of), every exposure from it carries that component's purl, CPE,
//!   bom-ref and `product:<name>@<version>` (`product:<name>` without a
//!   version), located at `/metadata/component`. The engine uses it to set
//!   aside a statement about another product (a VEX BOM about someone
//!   else's product that clears a component we share). A BOM without
//!   `metadata.component` gives no `product_scope`.
//! - `timestamp` is `analysis.lastUpdated`, else `updated`, else `published`.
//! - `cvss_score` is the highest `ratings[].score` (0 to 10; a Cedar decimal
//!   made from the number's text with integer maths), and `severity` that
//!   rating's severity.
//! - When two statements name the same vulnerability and reference (and so,
//!   in one document, the same `product_scope`), the one with the later
//!   timestamp stands; with equal timestamps, or when either has none, the
//!   later in the document. A note names the one superseded.
//! - A vulnerability without `affects` yields no `Exposure`, and a note.
//! - `matched` and `known_exploited` are the engine's to set, and so are the
//!   Exposure's parents.
//! - No `fix_available`: no CycloneDX field says when a fix was released
//!   (`published` and `updated` date the vulnerability record,
//!   `analysis.firstIssued` and `lastUpdated` the analysis, `recommendation`
//!   is undated text), so none is read as one.
//!
//! Every fact carries a JSON Pointer to where it came from; coverage facts
//! point at the first component that lacks what they count. A text value
//! longer than 16 MiB is refused. The plugin never panics, whatever the input,
//! and uses integer arithmetic only.

mod components;
mod extract;
mod graph;
mod metadata;
mod values;
mod vulnerabilities;

pub use extract::extract;

use assure_plugin_sdk::{Document, ExtractError, Extraction, Guest, PluginInfo};

/// The media type this plugin reads.
pub const MEDIA_TYPE: &str = "application/vnd.cyclonedx+json";

/// Every fact path the plugin may emit: product facts, then `Component` and
/// `Exposure` facts.
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
    "sbom.tool_named",
    "sbom.lifecycles",
    "sbom.advisory_refs",
    "sbom.embedded_vex_statements",
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
    "Component.end_of_support",
    "Exposure.vulnerability",
    "Exposure.status",
    "Exposure.status_source",
    "Exposure.justification",
    "Exposure.impact_statement",
    "Exposure.action_statement",
    "Exposure.format",
    "Exposure.product_refs",
    "Exposure.product_scope",
    "Exposure.timestamp",
    "Exposure.cvss_score",
    "Exposure.severity",
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
