//! The assure evidence plugin for CSAF 2.0 JSON documents.
//!
//! It reads one CSAF 2.0 document — a VEX (`csaf_vex`), a security advisory
//! (`csaf_security_advisory`) or any other category, read as `csaf_base` —
//! and emits one `Exposure` entity per vulnerability and product that a
//! `product_status` list names (`recommended` is advice, not a status, and is
//! skipped). The product tree (branches at any depth up to a bound,
//! `full_product_names`, relationships, product groups) gives each product id
//! its purl, CPE and other identifiers; the exposure is identified as
//! `CVE-… @ <purl>`, else `@ <cpe>`, else `@ csaf:<product_id>`.
//!
//! Each exposure carries the vulnerability (`cve`, else the first `ids`
//! text) and its other ids (the `ids` texts) as aliases, the normalised
//! status and the `product_status` member it came from, the justification (a
//! flag's label), the impact statement (`impact` threats), the action
//! statement (remediations, as `category: details`), the format ("CSAF"),
//! every identifier of the product — and, for a product defined in a branch,
//! `product:<name>@<version>` from the `product_name` and `product_version`
//! branches above it (`product:<name>` when there is neither a version nor a
//! version range), which the engine matches against the submitted product —
//! the timestamp (`document.tracking.current_release_date`, else the
//! vulnerability's `release_date`) and the highest CVSS v3 base score
//! covering the product (else v2), as written, with its severity in lower
//! case. `fix_available` is when a fix was released for the product: the
//! earliest `date` of a `vendor_fix` remediation naming it (by product id or
//! product group), which CSAF defines as "the date from which the
//! remediation is available"; other categories (`mitigation`, `workaround`,
//! `none_available`, `no_fix_planned`) are not fixes and give none.
//!
//! A product a `product_tree.relationships[]` entry defines
//! (`default_component_of`, `optional_component_of`, `external_component_of`,
//! `installed_on`, `installed_with`) is a component (`product_reference`) in
//! or on another product (`relates_to_product_reference`). Its statement's
//! subject is the component: the exposure is identified by the component's
//! purl, else its CPE (else as above), and `product_refs` also holds the
//! component's identifiers. `product_scope` then says which product the
//! statement is about: `csaf:<id>` of the related product, its purl, CPE and
//! other identifiers, and what its branch path names it —
//! `product:<name>@<version>`, `product:<name>@<range as written>` under a
//! `product_version_range`, or `product:<name>` — located where that product
//! is defined. (When the related product is itself a relationship's, its
//! component's identifiers are added too.) The engine uses it to set aside a
//! statement about a component of some other product. A product defined in
//! the branches or `full_product_names` is itself the subject and has no
//! `product_scope`.
//!
//! Two statements about the same vulnerability and product id: the first is
//! read and the other noted. Products about different related products may
//! share an exposure id, each with its own scope; two products about the same
//! one (or none) that share an identifier are told apart by product id, with
//! a note.
//!
//! It emits no product facts and sets no parents: the engine joins each
//! statement to SBOM components and to the known-exploited catalogue. A
//! provider-metadata.json, an aggregator or a ROLIE feed is refused with a
//! message saying it is not an advisory, as is any CSAF version but 2.0 and
//! a product listed under contradicting statuses. Every fact carries a JSON
//! Pointer to where it came from. The plugin never panics, whatever the
//! input, and uses integer arithmetic only.

mod extract;
mod score;
mod tree;
mod vulnerability;

pub use extract::extract;

use assure_plugin_sdk::{Document, ExtractError, Extraction, Guest, PluginInfo};

/// The media type this plugin reads.
pub const MEDIA_TYPE: &str = "application/csaf+json";

/// Every fact path the plugin may emit, all of them `Exposure` facts.
pub const FACT_PATHS: &[&str] = &[
    "Exposure.vulnerability",
    "Exposure.aliases",
    "Exposure.status",
    "Exposure.status_source",
    "Exposure.justification",
    "Exposure.impact_statement",
    "Exposure.action_statement",
    "Exposure.format",
    "Exposure.product_refs",
    "Exposure.product_scope",
    "Exposure.timestamp",
    "Exposure.fix_available",
    "Exposure.cvss_score",
    "Exposure.severity",
];

/// The CSAF plugin, as exported to the host.
pub struct Csaf;

impl Guest for Csaf {
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
        name: "csaf".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        media_types: vec![MEDIA_TYPE.to_owned()],
        fact_paths: FACT_PATHS.iter().map(|p| (*p).to_owned()).collect(),
    }
}

#[cfg(target_arch = "wasm32")]
assure_plugin_sdk::bindings::export!(Csaf);
