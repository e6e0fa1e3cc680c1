//! Helpers shared by the integration tests: run the plugin, find facts.

#![allow(dead_code, reason = "each test file uses a different subset")]
#![expect(
    clippy::indexing_slicing,
    reason = "tests: fixed-size arrays indexed by construction"
)]

use assure_plugin_sdk::{Document, ExtractError, Extraction, Fact, Location, Value};
use assure_plugin_slsa::extract;

/// Runs the plugin over `bytes`, named `name`.
pub fn run(name: &str, bytes: &[u8]) -> Result<Extraction, ExtractError> {
    extract(&Document {
        name: name.to_owned(),
        media_type: "application/vnd.in-toto+json".to_owned(),
        bytes: bytes.to_vec(),
    })
}

/// Runs the plugin and expects an extraction.
pub fn ok(name: &str, bytes: &[u8]) -> Result<Extraction, String> {
    run(name, bytes).map_err(|e| format!("unexpected error: {} at {:?}", e.message, e.location))
}

/// Runs the plugin and expects an error.
pub fn err(bytes: &[u8]) -> Result<ExtractError, String> {
    match run("doc.json", bytes) {
        Ok(extraction) => Err(format!("expected an error, got {extraction:?}")),
        Err(e) => Ok(e),
    }
}

/// The one fact at `path`.
pub fn fact<'a>(facts: &'a [Fact], path: &str) -> Result<&'a Fact, String> {
    let mut found = facts.iter().filter(|f| f.path == path);
    match (found.next(), found.next()) {
        (Some(fact), None) => Ok(fact),
        (None, _) => Err(format!("no fact {path}")),
        (Some(_), Some(_)) => Err(format!("more than one fact {path}")),
    }
}

/// Whether there is a fact at `path`.
pub fn has(facts: &[Fact], path: &str) -> bool {
    facts.iter().any(|f| f.path == path)
}

pub fn boolean(facts: &[Fact], path: &str) -> Result<bool, String> {
    match fact(facts, path)?.value {
        Value::Boolean(b) => Ok(b),
        ref other => Err(format!("{path} is {other:?}, not a boolean")),
    }
}

pub fn text(facts: &[Fact], path: &str) -> Result<String, String> {
    match &fact(facts, path)?.value {
        Value::Text(s) => Ok(s.clone()),
        other => Err(format!("{path} is {other:?}, not text")),
    }
}

pub fn text_set(facts: &[Fact], path: &str) -> Result<Vec<String>, String> {
    match &fact(facts, path)?.value {
        Value::TextSet(s) => Ok(s.clone()),
        other => Err(format!("{path} is {other:?}, not a text set")),
    }
}

/// The JSON Pointer a fact's location names.
pub fn at(facts: &[Fact], path: &str) -> Result<String, String> {
    pointer(&fact(facts, path)?.location)
}

pub fn pointer(location: &Location) -> Result<String, String> {
    match location {
        Location::Pointer(p) => Ok(p.clone()),
        other => Err(format!("{other:?} is not a pointer")),
    }
}

/// Notes as "pointer: message".
pub fn notes(extraction: &Extraction) -> Vec<String> {
    extraction
        .notes
        .iter()
        .map(|n| match &n.location {
            Location::Pointer(p) => format!("{p}: {}", n.message),
            other => format!("{other:?}: {}", n.message),
        })
        .collect()
}

/// Base64 (RFC 4648): the standard alphabet with padding, or the URL-safe
/// one without. Written here, apart from the plugin's decoder, so that the
/// tests do not check the decoder against itself.
pub fn base64(bytes: &[u8], url_safe: bool) -> String {
    let alphabet: &[u8; 64] = if url_safe {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    } else {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    };
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        let sextets = [n >> 18, n >> 12, n >> 6, n];
        for (i, sextet) in sextets.iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(alphabet[(sextet & 63) as usize]));
            } else if !url_safe {
                out.push('=');
            }
        }
    }
    out
}

/// A DSSE envelope around `statement`, with one (unverified) signature.
pub fn envelope(statement: &[u8]) -> Vec<u8> {
    format!(
        r#"{{"payloadType":"application/vnd.in-toto+json","payload":"{}","signatures":[{{"keyid":"","sig":"MEUCIQ=="}}]}}"#,
        base64(statement, false)
    )
    .into_bytes()
}
