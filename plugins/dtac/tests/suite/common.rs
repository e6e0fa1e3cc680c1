//! Helpers shared by the integration tests: run the plugin, find facts.

#![allow(dead_code, reason = "each test file uses a different subset")]

// One checker for every plugin whose format has a JSON Schema of ours.
#[path = "../../../sdk/testing/json_schema.rs"]
pub mod schema;

use assure_plugin_dtac::{MEDIA_TYPE, extract};
use assure_plugin_sdk::{Document, ExtractError, Extraction, Fact, Location, Value};

/// Runs the plugin over `bytes`.
pub fn run(bytes: &[u8]) -> Result<Extraction, ExtractError> {
    extract(&Document {
        name: "dtac.json".to_owned(),
        media_type: MEDIA_TYPE.to_owned(),
        bytes: bytes.to_vec(),
    })
}

/// Runs the plugin and expects an extraction.
pub fn ok(bytes: &[u8]) -> Result<Extraction, String> {
    run(bytes).map_err(|e| format!("unexpected error: {} at {:?}", e.message, e.location))
}

/// Runs the plugin and expects an error.
pub fn err(bytes: &[u8]) -> Result<ExtractError, String> {
    match run(bytes) {
        Ok(extraction) => Err(format!("expected an error, got {extraction:?}")),
        Err(e) => Ok(e),
    }
}

/// Runs the plugin, expects an error, and returns its pointer and message.
pub fn err_at(bytes: &[u8]) -> Result<(String, String), String> {
    let e = err(bytes)?;
    Ok((pointer(&e.location)?, e.message))
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

pub fn long(facts: &[Fact], path: &str) -> Result<i64, String> {
    match fact(facts, path)?.value {
        Value::Long(n) => Ok(n),
        ref other => Err(format!("{path} is {other:?}, not a long")),
    }
}

pub fn datetime(facts: &[Fact], path: &str) -> Result<String, String> {
    match &fact(facts, path)?.value {
        Value::Datetime(s) => Ok(s.clone()),
        other => Err(format!("{path} is {other:?}, not a datetime")),
    }
}

pub fn decimal(facts: &[Fact], path: &str) -> Result<String, String> {
    match &fact(facts, path)?.value {
        Value::Decimal(s) => Ok(s.clone()),
        other => Err(format!("{path} is {other:?}, not a decimal")),
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

/// Whether some note starts with `pointer: ` and contains every one of `words`.
pub fn noted(extraction: &Extraction, pointer: &str, words: &[&str]) -> bool {
    let prefix = format!("{pointer}: ");
    notes(extraction)
        .iter()
        .any(|n| n.starts_with(&prefix) && words.iter().all(|w| n.contains(w)))
}
