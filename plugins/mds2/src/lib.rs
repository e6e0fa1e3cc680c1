//! The assure evidence plugin for MDS2 forms (Manufacturer Disclosure
//! Statement for Medical Device Security, ANSI/NEMA HN 1-2019), read from
//! their CSV export.
//!
//! The export has one row per question: `id, answer, note`. A header row is
//! optional; when there is one, it says which column is which (`id` or
//! `question id`; `answer` or `response`; `note` or `comments`, …) and other
//! columns (the question's text, say) are ignored. Quoting is RFC 4180's,
//! with commas, quotes and line breaks inside quoted cells; a byte-order mark,
//! CRLF line ends, blank lines and extra columns are all fine, and a file
//! whose first line has more `;` or tabs than commas is read with that
//! delimiter.
//!
//! What the form is about comes from its DOC section, read from the answer
//! cell: DOC-1 Manufacturer Name (`mds2.manufacturer`), DOC-2 Device
//! Description (`mds2.device`), DOC-3 Device Model (`mds2.device_model`),
//! DOC-4 Document ID (`mds2.document_id`) and DOC-7 Document Release Date
//! (`mds2.release_date`, a date-time at midnight UTC; see `date.rs` for the
//! spellings read). Rows whose id is `manufacturer`, `device` or
//! `document_id` (any case; `document-id`, `document id` and `doc_id` too)
//! give the same metadata; a `device` row (the device's name) is preferred
//! to DOC-2's description, with a note when they differ. A form giving two
//! different manufacturers, models, document ids or release dates (case and
//! spacing aside) is an error: which one it describes cannot be told, and
//! the engine binds the form to the submission by them. Every other row's
//! id must be a question id,
//! `SECTION-n(.n)*` with an HN 1-2019 section code (matched in any case,
//! spaces trimmed); a row that is neither is noted and ignored.
//!
//! Answers are normalised to "yes", "no", "na" or "unknown": "Yes", "Y",
//! "yes,LDAP", "Yes - see note" are yes; "No", "N" are no; "N/A", "NA",
//! "N/A: No default accounts", "Not applicable" are na; an empty answer, "See
//! note", "TBD", "Unknown", "Yes/No" and anything else are unknown. The note
//! cell, and any text after the answer word ("LDAP"), are kept as the
//! question's note.
//!
//! It emits the product facts of the schema's `Mds2` record: `mds2.manufacturer`,
//! `mds2.device`, `mds2.device_model`, `mds2.document_id`,
//! `mds2.release_date`, `mds2.answered` (the number of questions the form has
//! rows for, all sections), and for each question the schema lists (PAUT-1.1,
//! PAUT-8, DOC-8, RMOT-1, …) `mds2.<id>` (`mds2.paut_1_1`) with the
//! normalised answer and `mds2.<id>_note` when there is note text. Every fact
//! carries the line its row starts on.
//!
//! The plugin never panics and uses no floating point. Invalid UTF-8, a line
//! over 64 KiB, more than 100,000 lines, a quoted cell never closed (a
//! truncated file), a header with no answer column, a file with no question
//! row, a question answered twice with different answers, and two different
//! values for the manufacturer, model, document id or release date are errors
//! naming the line.

mod answer;
mod csv;
mod date;
mod extract;
mod question;
mod text;

pub use extract::extract;

use assure_plugin_sdk::{Document, ExtractError, Extraction, Guest, PluginInfo};

/// The media types this plugin reads.
pub const MEDIA_TYPES: &[&str] = &["text/csv", "application/vnd.assure.mds2+csv"];

/// Every fact path the plugin may emit.
pub const FACT_PATHS: &[&str] = &[
    "mds2.manufacturer",
    "mds2.device",
    "mds2.device_model",
    "mds2.document_id",
    "mds2.release_date",
    "mds2.answered",
    "mds2.paut_1_1",
    "mds2.paut_1_1_note",
    "mds2.paut_3",
    "mds2.paut_3_note",
    "mds2.paut_4",
    "mds2.paut_4_note",
    "mds2.paut_5",
    "mds2.paut_5_note",
    "mds2.paut_8",
    "mds2.paut_8_note",
    "mds2.paut_9",
    "mds2.paut_9_note",
    "mds2.sahd_3_2",
    "mds2.sahd_3_2_note",
    "mds2.sahd_6",
    "mds2.sahd_6_note",
    "mds2.stcf_1",
    "mds2.stcf_1_note",
    "mds2.stcf_1_2",
    "mds2.stcf_1_2_note",
    "mds2.txcf_2",
    "mds2.txcf_2_note",
    "mds2.conn_7",
    "mds2.conn_7_note",
    "mds2.audt_1",
    "mds2.audt_1_note",
    "mds2.audt_5_2",
    "mds2.audt_5_2_note",
    "mds2.audt_7",
    "mds2.audt_7_note",
    "mds2.sbom_1",
    "mds2.sbom_1_note",
    "mds2.doc_8",
    "mds2.doc_8_note",
    "mds2.csup_7",
    "mds2.csup_7_note",
    "mds2.csup_11",
    "mds2.csup_11_note",
    "mds2.rdmp_1",
    "mds2.rdmp_1_note",
    "mds2.rdmp_3",
    "mds2.rdmp_3_note",
    "mds2.rdmp_4",
    "mds2.rdmp_4_note",
    "mds2.rmot_1",
    "mds2.rmot_1_note",
    "mds2.rmot_1_1",
    "mds2.rmot_1_1_note",
    "mds2.rmot_1_2",
    "mds2.rmot_1_2_note",
    "mds2.dtbk_6",
    "mds2.dtbk_6_note",
];

/// The MDS2 plugin, as exported to the host.
pub struct Mds2;

impl Guest for Mds2 {
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
        name: "mds2".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        media_types: MEDIA_TYPES.iter().map(|m| (*m).to_owned()).collect(),
        fact_paths: FACT_PATHS.iter().map(|p| (*p).to_owned()).collect(),
    }
}

// The SDK generates `export!` inside its `bindings` module (it is not
// re-exported at the crate root).
#[cfg(target_arch = "wasm32")]
assure_plugin_sdk::bindings::export!(Mds2);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::question::{FACT_QUESTIONS, fact_path};

    #[test]
    fn fact_paths_cover_every_fact_question() {
        for q in FACT_QUESTIONS {
            let path = fact_path(q);
            assert!(FACT_PATHS.contains(&path.as_str()), "{path}");
            assert!(
                FACT_PATHS.contains(&format!("{path}_note").as_str()),
                "{path}_note"
            );
        }
        assert_eq!(FACT_PATHS.len(), 6 + 2 * FACT_QUESTIONS.len());
    }
}
