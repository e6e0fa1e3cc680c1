//! The assure evidence plugin for OpenVEX JSON documents.
//!
//! It reads one OpenVEX document — the 0.2.0 shape (`@context`
//! `https://openvex.dev/ns/v0.2.0`, `vulnerability` an object, `products`
//! objects with `@id`, `identifiers` and `subcomponents`) and the legacy
//! pre-0.2 one (`vulnerability` and `products` plain text) — and emits one
//! `Exposure` entity per vulnerability and product (or, when a product lists
//! subcomponents, per subcomponent), identified as `CVE-… @ <product id>`,
//! with its facts: the vulnerability (`vulnerability.name`) and its other
//! ids (`vulnerability.aliases`), the normalised status and the word the
//! document used, the justification, impact and action statements, the
//! format ("OpenVEX"), every identifier of the product (`@id`, purl, CPEs —
//! plus `product:<@id>` when a product's `@id` is a bare name, not a purl,
//! CPE or IRI, for the engine to match the submitted product) and the
//! statement's timestamp (else the document's).
//!
//! When the statement's product lists subcomponents, each subcomponent is
//! the subject and `product_scope` says which product it is part of: every
//! identifier of that product (`@id`, purl, CPEs, and `product:<@id>` for a
//! bare name — the same forms `product_refs` has for a product), located at
//! the product (`/statements/i/products/j`). Before 0.2, subcomponents were
//! listed once for the whole statement: each is read once per product, with
//! that product as its scope. A product without subcomponents is itself the
//! subject and has no `product_scope`. The engine uses the scope to set aside
//! a statement about a part of some other product (a `not_affected` about
//! log4j-core in another vendor's product says nothing about ours).
//!
//! It emits no product facts and sets no parents: the engine joins each
//! statement to the SBOM components it names and to the known-exploited
//! catalogue. Of several statements about one vulnerability, subject and
//! product (`product_scope`, as a set) only the latest (by timestamp, then
//! document order) is kept; each superseded one is noted. Statements about
//! the same subcomponent of two different products never supersede each
//! other: both are emitted, under the same entity id, each with its scope.
//! A statement that names no product, and a `not_affected` statement with
//! neither justification nor impact statement, are noted too.
//!
//! It emits no `fix_available`: OpenVEX 0.2.0's `action_statement_timestamp`
//! is "the timestamp when the action statement was issued", and the action
//! may be a mitigation or a workaround, not the release of a fix, so it does
//! not start the Cyber Essentials 14-day clock (R2.4).
//!
//! Every fact carries a JSON Pointer to where it came from. The plugin never
//! panics, whatever the input.

mod exposure;
mod extract;
mod statement;

pub use extract::extract;

use assure_plugin_sdk::{Document, ExtractError, Extraction, Guest, PluginInfo};

/// The media type this plugin reads.
pub const MEDIA_TYPE: &str = "application/openvex+json";

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
];

/// The OpenVEX plugin, as exported to the host.
pub struct OpenVex;

impl Guest for OpenVex {
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
        name: "openvex".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        media_types: vec![MEDIA_TYPE.to_owned()],
        fact_paths: FACT_PATHS.iter().map(|p| (*p).to_owned()).collect(),
    }
}

#[cfg(target_arch = "wasm32")]
assure_plugin_sdk::bindings::export!(OpenVex);
