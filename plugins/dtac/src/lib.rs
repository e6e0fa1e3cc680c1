//! The assure evidence plugin for NHS DTAC answers (`dtac-answers/1`).
//!
//! It reads a supplier's answers to the NHS Digital Technology Assessment
//! Criteria, v1.0 or v2.0, in assure's own JSON format (`"assure_format":
//! "dtac-answers/1"`, answers keyed by question id; see the crate README and
//! `schema/dtac-answers.schema.json`) and emits product facts under `dtac.*`,
//! named by topic rather than question id so that policies read both versions
//! alike:
//!
//! - what the answers are about, for the engine to bind to the submission:
//!   `dtac.product_name`, `dtac.product_version`, `dtac.supplier_name` and
//!   `dtac.completed` (see [`SUBJECT_FACTS`]);
//! - `dtac.version`, from `dtac_version` or told from the question ids;
//! - one fact per row of [`mapping::MAPPING`]: yes/no answers normalised to
//!   booleans, the DSPT status normalised to one of five names, and text
//!   (registrations, the ODS code, the legal basis for data leaving the UK).
//!
//! "n/a", "unknown" and answers that are not what the question asks give no
//! fact, with a note; so does a v2.0 supplier who signed the NHS supplier
//! cyber charter and skipped C3.3 to C3.6. A document that mixes the two
//! versions' numbering, or contradicts its declared version, is an error.
//!
//! Every fact carries a JSON Pointer to the answer member it came from. The
//! plugin never panics, whatever the input.
//!
//! It also reads the completed form itself, as the supplier sends it: a
//! Word (DOCX) or OpenDocument (ODT) file, each answer located at its table
//! cell (see [`form`]).

mod answers;
mod detect;
mod extract;
pub mod form;
pub mod forms;
pub mod interpret;
pub mod mapping;

pub use extract::{MAX_DOCUMENT_BYTES, extract};

use assure_plugin_sdk::{Document, ExtractError, Extraction, Guest, PluginInfo};

/// The media type of the JSON answers this plugin reads.
pub const MEDIA_TYPE: &str = "application/vnd.assure.dtac+json";

/// Every media type this plugin reads: the JSON answers, and the completed
/// form itself as a Word (DOCX) or OpenDocument (ODT) document.
pub const MEDIA_TYPES: &[&str] = &[
    MEDIA_TYPE,
    assure_plugin_sdk::office::DOCX_MEDIA_TYPE,
    assure_plugin_sdk::office::ODT_MEDIA_TYPE,
];

/// The `assure_format` marker of the documents this plugin reads.
pub const FORMAT: &str = "dtac-answers/1";

/// The top-level members a document must have.
pub const REQUIRED_MEMBERS: &[&str] = &["assure_format", "product", "answers"];

/// Every top-level member a document may have.
pub const KNOWN_MEMBERS: &[&str] = &[
    "assure_format",
    "dtac_version",
    "product",
    "product_version",
    "supplier",
    "completed",
    "answers",
];

/// The members an answer object must have.
pub const REQUIRED_ANSWER_MEMBERS: &[&str] = &["answer"];

pub use mapping::ANSWER_MEMBERS;

/// The facts saying what the answers are about, from the top-level members,
/// for the engine to bind to the submission: `dtac.product_name` (from
/// `product`, always), `dtac.product_version`, `dtac.supplier_name` (from
/// `supplier`) and `dtac.completed` (a date-time; a bare date is midnight
/// UTC), each when given.
pub const SUBJECT_FACTS: &[&str] = &[
    "dtac.product_name",
    "dtac.product_version",
    "dtac.supplier_name",
    "dtac.completed",
];

/// Every fact path the plugin may emit: the subject's, `dtac.version`, then
/// the mapping's.
pub fn fact_paths() -> Vec<String> {
    SUBJECT_FACTS
        .iter()
        .copied()
        .chain(std::iter::once("dtac.version"))
        .chain(mapping::MAPPING.iter().map(|row| row.fact))
        .map(str::to_owned)
        .collect()
}

/// The DTAC plugin, as exported to the host.
pub struct Dtac;

impl Guest for Dtac {
    fn describe() -> PluginInfo {
        describe()
    }

    fn extract(doc: Document) -> Result<Extraction, ExtractError> {
        read(&doc)
    }
}

/// Reads one document: a completed form (DOCX or ODT, told by its media
/// type or its zip signature) or the JSON answers.
///
/// # Errors
///
/// As [`extract`] for JSON answers and [`form::extract`] for a form.
pub fn read(doc: &Document) -> Result<Extraction, ExtractError> {
    if doc.media_type != MEDIA_TYPE && form::is_office(&doc.bytes) {
        form::extract(doc)
    } else {
        extract(doc)
    }
}

/// Who the plugin is and what it reads.
pub fn describe() -> PluginInfo {
    PluginInfo {
        name: "dtac".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        media_types: MEDIA_TYPES.iter().map(|m| (*m).to_owned()).collect(),
        fact_paths: fact_paths(),
    }
}

// The SDK generates `export!` inside its `bindings` module.
#[cfg(target_arch = "wasm32")]
assure_plugin_sdk::bindings::export!(Dtac);
