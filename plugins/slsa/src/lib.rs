//! The assure evidence plugin for SLSA build provenance.
//!
//! It reads one in-toto Statement whose `predicateType` is SLSA provenance
//! (`https://slsa.dev/provenance/v1`), either bare or wrapped in a DSSE
//! envelope (`payloadType` `application/vnd.in-toto+json`, `payload` the
//! statement in base64, `signatures[]`), and emits the `Provenance` record:
//!
//! - `provenance.predicate_type`: the `predicateType`, as given;
//! - `provenance.subject_digests`: every subject digest as `<alg>:<hex>`, lower
//!   case, e.g. "sha256:fe4f…" (the engine matches them against the declared
//!   artefact digests);
//! - `provenance.subject_names`: the subjects' names;
//! - `provenance.builder_id`: `predicate.runDetails.builder.id`;
//! - `provenance.build_type`: `predicate.buildDefinition.buildType`;
//! - `provenance.dsse`: whether the statement came in a DSSE envelope.
//!
//! Also read, each with a note: an in-toto Statement v0.1, a statement without
//! `_type` (as the SLSA specification's own examples are), the draft
//! `https://slsa.dev/provenance/v1?draft`, the SLSA provenance v0.2 predicate
//! (whose builder id is `predicate.builder.id` and build type
//! `predicate.buildType`), a Sigstore bundle's `dsseEnvelope`, and the npm
//! registry's attestations list (`{"attestations": [{"predicateType",
//! "bundle"}, …]}`, what `npm audit signatures` reads), of which the SLSA
//! provenance attestation's bundle is read, and PyPI's attestations (PEP
//! 740): an attestation object (`envelope.statement`, base64) or the
//! provenance object PyPI's integrity API serves, of whose
//! `attestation_bundles[].attestations[]` the SLSA provenance is read (a
//! provenance object holding only PyPI publish attestations is an error that
//! says so).
//!
//! Signatures are not verified here: the plugin has no keys and no clock, and
//! whether evidence is signed by whom it should be is the engine's business.
//! An envelope without signatures gets a note.
//!
//! Locations are JSON Pointers. Inside an envelope they continue through the
//! `payload` string into the decoded statement: `/payload/subject/0/digest/sha256`
//! is `/subject/0/digest/sha256` of the statement the payload decodes to.
//!
//! A statement that is not SLSA provenance (a verification summary, an SBOM,
//! …) is an error saying what it is, as are a wrong `payloadType`, a payload
//! that is not base64 or not a statement, no subjects, and a digest that is
//! not hexadecimal of the algorithm's length. The plugin never panics, whatever
//! the input.

mod base64;
mod envelope;
mod extract;
mod pypi;
mod statement;

pub use extract::extract;

use assure_plugin_sdk::{Document, ExtractError, Extraction, Guest, PluginInfo};

/// The media type of a bare in-toto statement (also used for envelopes).
pub const IN_TOTO_MEDIA_TYPE: &str = "application/vnd.in-toto+json";

/// The media type of a DSSE envelope.
pub const DSSE_MEDIA_TYPE: &str = "application/vnd.dsse.envelope.v1+json";

/// Every fact path the plugin may emit. `provenance.subject_matches_artifact`
/// is the engine's to set.
pub const FACT_PATHS: &[&str] = &[
    "provenance.predicate_type",
    "provenance.subject_digests",
    "provenance.subject_names",
    "provenance.builder_id",
    "provenance.build_type",
    "provenance.dsse",
];

/// The SLSA plugin, as exported to the host.
pub struct Slsa;

impl Guest for Slsa {
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
        name: "slsa".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        media_types: vec![IN_TOTO_MEDIA_TYPE.to_owned(), DSSE_MEDIA_TYPE.to_owned()],
        fact_paths: FACT_PATHS.iter().map(|p| (*p).to_owned()).collect(),
    }
}

#[cfg(target_arch = "wasm32")]
assure_plugin_sdk::bindings::export!(Slsa);
