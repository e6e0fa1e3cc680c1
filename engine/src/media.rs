//! Media types: validating declared ones and recognising undeclared ones.
//!
//! A document whose manifest entry declares no media type is recognised by
//! its structure, never by a byte window or its name alone: JSON is parsed
//! (bounded, see [`recognise`]) and told apart by its top-level members and
//! their values; text by its lines (security.txt fields, an MDS2 CSV's
//! question ids); an office document by the members of its ZIP archive. A
//! document that matches no format, or more than one, or carries a format's
//! marker without the structure that goes with it, is not recognised, and
//! [`Recognition::Unrecognised`] says why.

mod json;
mod shape;
mod text;
mod zip;

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

    fn unrecognised(media_type: &'static str, reason: impl Into<String>) -> Self {
        Self::Unrecognised {
            media_type,
            reason: reason.into(),
        }
    }
}

/// Whether `s` looks like `type/subtype` (parameters allowed).
pub fn is_valid(s: &str) -> bool {
    let essence = s.split(';').next().unwrap_or("").trim();
    let mut parts = essence.splitn(2, '/');
    let ok = |p: Option<&str>| {
        p.is_some_and(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
        })
    };
    ok(parts.next()) && ok(parts.next())
}

/// The essence of a media type, lower-cased, without parameters.
pub fn normalise(s: &str) -> String {
    s.split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Whether a media type is JSON (`…/json` or `…+json`): such documents are
/// checked for nesting depth before a plugin reads them.
pub fn is_json(media_type: &str) -> bool {
    let essence = normalise(media_type);
    essence.ends_with("/json") || essence.ends_with("+json")
}

/// Whether a media type is one the recogniser gives a document it did not
/// recognise (`application/json`, `text/plain`…): a manifest that declares
/// one of these has most likely been written by an older `assure init`.
pub fn is_generic(media_type: &str) -> bool {
    matches!(
        normalise(media_type).as_str(),
        JSON | TEXT | OCTET_STREAM | "application/xml" | "text/xml"
    )
}

/// The media type a document is routed by when the manifest declares none:
/// [`recognise`]'s.
pub fn sniff(name: &str, bytes: &[u8]) -> &'static str {
    recognise(name, bytes).media_type()
}

/// Recognises a document by its structure. `name` (its path) only words the
/// reasons ("named security.txt, but …"); it never decides the format.
///
/// JSON is parsed once, with `serde_json`'s nesting limit (128 levels), and
/// only its top levels are kept (a bounded summary: the first items of each
/// array, short strings); a document over [`MAX_RECOGNISED_BYTES`], or that
/// does not parse, is not recognised. A document that looks like two formats
/// is not recognised either: it says which two, and its media type must be
/// declared.
pub fn recognise(name: &str, bytes: &[u8]) -> Recognition {
    if bytes.len() > MAX_RECOGNISED_BYTES {
        return Recognition::unrecognised(
            OCTET_STREAM,
            format!(
                "{} bytes, more than the {} MiB the recogniser reads (the largest document a \
                 plugin reads by default)",
                bytes.len(),
                MAX_RECOGNISED_BYTES / (1024 * 1024)
            ),
        );
    }
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let Some(first) = body.iter().find(|b| !b.is_ascii_whitespace()) else {
        return Recognition::unrecognised(TEXT, "an empty file");
    };
    if matches!(first, b'{' | b'[') {
        return json::recognise(body);
    }
    if body.starts_with(b"%PDF-") {
        return Recognition::unrecognised(
            "application/pdf",
            "a PDF document, which no plugin reads",
        );
    }
    if body.starts_with(b"PK\x03\x04") {
        return zip::recognise(body);
    }
    match std::str::from_utf8(body) {
        Ok(text) => text::recognise(name, text),
        Err(_) => Recognition::unrecognised(
            OCTET_STREAM,
            "binary data, neither JSON, text nor an office document",
        ),
    }
}

#[cfg(test)]
mod tests;
