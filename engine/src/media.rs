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
mod types;
mod zip;

pub use types::*;

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
