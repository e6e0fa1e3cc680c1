//! The media types assure routes documents by, and what recognising a
//! document found.

/// CycloneDX JSON.
pub const CYCLONEDX_JSON: &str = "application/vnd.cyclonedx+json";
/// SPDX JSON.
pub const SPDX_JSON: &str = "application/spdx+json";
/// OpenVEX JSON.
pub const OPENVEX_JSON: &str = "application/openvex+json";
/// CSAF JSON.
pub const CSAF_JSON: &str = "application/csaf+json";
/// in-toto statements (SLSA provenance).
pub const IN_TOTO_JSON: &str = "application/vnd.in-toto+json";
/// DSSE envelopes.
pub const DSSE_JSON: &str = "application/vnd.dsse.envelope.v1+json";
/// security.txt (RFC 9116).
pub const SECURITY_TXT: &str = "text/security.txt";
/// OpenSSF Scorecard results.
pub const SCORECARD_JSON: &str = "application/vnd.ossf.scorecard+json";
/// DTAC answers (assure's format, `dtac-answers/1`).
pub const DTAC_JSON: &str = "application/vnd.assure.dtac+json";
/// A Cyber Essentials certificate (assure's format, `cyber-essentials/1`).
pub const CYBER_ESSENTIALS_JSON: &str = "application/vnd.assure.cyber-essentials+json";
/// A penetration test summary (assure's format, `pentest-summary/1`).
pub const PENTEST_JSON: &str = "application/vnd.assure.pentest+json";
/// The supplier's own assurance statement (assure's format,
/// `supplier-assurance/1`).
pub const SUPPLIER_ASSURANCE_JSON: &str = "application/vnd.assure.supplier-assurance+json";
/// CSV (an MDS2 form's export).
pub const CSV: &str = "text/csv";
/// A word-processing document in Office Open XML (`.docx`).
pub const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
/// An OpenDocument text document (`.odt`).
pub const ODT: &str = "application/vnd.oasis.opendocument.text";
/// Any other JSON.
pub const JSON: &str = "application/json";
/// Plain text.
pub const TEXT: &str = "text/plain";
/// Unknown bytes.
pub const OCTET_STREAM: &str = "application/octet-stream";

/// The largest document the recogniser reads: the default for the largest
/// document handed to a plugin (`limits.input_bytes`), which no plugin could
/// read past anyway.
pub const MAX_RECOGNISED_BYTES: usize = 128 * 1024 * 1024;

/// What the recogniser made of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recognition {
    /// It is a format a bundled plugin reads.
    Recognised {
        /// The format's media type, which routes the document to its plugin.
        media_type: &'static str,
        /// What it is, for people: "CycloneDX 1.6 JSON".
        format: String,
    },
    /// It is none of them, or it cannot be told which.
    Unrecognised {
        /// A generic media type no bundled plugin reads (`application/json`,
        /// `text/plain`, `application/pdf`…).
        media_type: &'static str,
        /// Why: "JSON, but no member says which format (…)".
        reason: String,
    },
}

impl Recognition {
    /// The media type to route the document by.
    pub fn media_type(&self) -> &'static str {
        match self {
            Self::Recognised { media_type, .. } | Self::Unrecognised { media_type, .. } => {
                media_type
            }
        }
    }

    /// Why it was not recognised, if it was not.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::Recognised { .. } => None,
            Self::Unrecognised { reason, .. } => Some(reason),
        }
    }

    pub(super) fn unrecognised(media_type: &'static str, reason: impl Into<String>) -> Self {
        Self::Unrecognised {
            media_type,
            reason: reason.into(),
        }
    }
}
