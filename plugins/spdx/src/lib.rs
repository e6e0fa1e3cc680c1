//! The assure evidence plugin for SPDX 2.2 and 2.3 JSON SBOMs.
//!
//! It reads one SPDX JSON document (`spdxVersion` "SPDX-2.2" or "SPDX-2.3";
//! any other version is refused) and emits the same product facts as the
//! CycloneDX plugin:
//!
//! - under `sbom.*`: format ("SPDX") and spec version, `creationInfo.created`
//!   as the timestamp, the `Tool:` creators, the subject's name, version and
//!   supplier, the number of components, the share of components with a purl
//!   and with a strong checksum (whole percentages), whether relationships
//!   make a dependency graph among packages, how many relationship ends name
//!   no element of the document, and every `advisory` external reference;
//! - one `Component` entity per package other than the subject, identified by
//!   its purl where it has one (else `<document name>#<SPDXID>`), with its
//!   name, version, purl, SPDXID, CPE, purpose, supplier, licences, checksums,
//!   whether it has a strong checksum, its advisory references, and its end
//!   of support (`validUntilDate`, SPDX 2.3: "the end of the support period
//!   for a package from the supplier").
//!
//! SPDX 2.3 has no field for the lifecycle phase an SBOM was generated in
//! (CycloneDX `metadata.lifecycles`), so no `sbom.lifecycles` is emitted.
//!
//! The document's **subject** is what it describes: the packages named by
//! `documentDescribes` and by `DESCRIBES` relationships from the document (or
//! `DESCRIBED_BY` relationships to it). The subject is the product, not a
//! component; when several packages are described, all are the subject and
//! the first gives the subject facts. A document that describes no package
//! has every package read as a component, and a note says so.
//!
//! Reading rules:
//!
//! - `NOASSERTION` and `NONE` are never values: a member holding one is
//!   treated as absent.
//! - A supplier is the name in `Organization: Name (email)` or
//!   `Person: Name (email)`. When a package's `supplier` is absent or
//!   `NOASSERTION`, its `originator` names the supplier instead: the NTIA
//!   minimum elements define the supplier as the entity that creates the
//!   component, which is what SPDX's originator records. The fact's pointer
//!   says which member it came from.
//! - Checksums SHA256, SHA384, SHA512, SHA3-256/384/512, BLAKE2b-256/384/512
//!   and BLAKE3 are strong; SHA1, SHA224, MD5 and the rest are not. Hashes
//!   are given as "ALGORITHM:value", the algorithm as the document spells it.
//! - A component's licences are its `licenseConcluded` and `licenseDeclared`
//!   expressions; its `component_type` is `primaryPackagePurpose` in lower
//!   case (`library`, `application`, ...); its CPE is the first `cpe23Type`
//!   reference, else the first `cpe22Type`.
//! - Relationship types that make a dependency graph (when both ends are
//!   packages): `DEPENDS_ON`, `DEPENDENCY_OF` and its build/dev/optional/
//!   provided/test/runtime variants, `CONTAINS`, `CONTAINED_BY`,
//!   `DYNAMIC_LINK`, `STATIC_LINK`, `HAS_PREREQUISITE`, `PREREQUISITE_FOR`.
//! - Dangling references are relationship ends and `documentDescribes`
//!   entries that name no `SPDXID` of the document's packages, files or
//!   snippets, nor the document itself. `NONE`, `NOASSERTION` and references
//!   into other documents (`DocumentRef-x:SPDXRef-y`) are not dangling.
//!
//! Every fact carries a JSON Pointer to where it came from; coverage facts
//! point at the first package that lacks what they count. A text value longer
//! than 16 MiB is refused. The plugin never panics, whatever the input, and
//! uses integer arithmetic only.

mod creation;
mod extract;
mod packages;
mod relationships;
mod text;

pub use extract::extract;

use assure_plugin_sdk::{Document, ExtractError, Extraction, Guest, PluginInfo};

/// The media type this plugin reads.
pub const MEDIA_TYPE: &str = "application/spdx+json";

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
    "sbom.tool_named",
    "sbom.advisory_refs",
    "Component.name",
    "Component.version",
    "Component.purl",
    "Component.cpe",
    "Component.spdx_id",
    "Component.component_type",
    "Component.supplier",
    "Component.licenses",
    "Component.hashes",
    "Component.strong_hash",
    "Component.end_of_support",
    "Component.advisories",
];

/// The SPDX plugin, as exported to the host.
pub struct Spdx;

impl Guest for Spdx {
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
        name: "spdx".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        media_types: vec![MEDIA_TYPE.to_owned()],
        fact_paths: FACT_PATHS.iter().map(|p| (*p).to_owned()).collect(),
    }
}

// The SDK generates `export!` inside its `bindings` module (it is not
// re-exported at the crate root).
#[cfg(target_arch = "wasm32")]
assure_plugin_sdk::bindings::export!(Spdx);
