//! Helpers shared by the integration tests: run the plugin, find facts.

#![allow(dead_code, reason = "each test file uses a different subset")]

use assure_plugin_scorecard::extract;
use assure_plugin_sdk::{Document, ExtractError, Extraction, Fact, Location, Value};

/// Runs the plugin over `bytes`, named `name`.
pub fn run(name: &str, bytes: &[u8]) -> Result<Extraction, ExtractError> {
    extract(&Document {
        name: name.to_owned(),
        media_type: "application/vnd.ossf.scorecard+json".to_owned(),
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

pub fn text(facts: &[Fact], path: &str) -> Result<String, String> {
    match &fact(facts, path)?.value {
        Value::Text(s) => Ok(s.clone()),
        other => Err(format!("{path} is {other:?}, not text")),
    }
}

pub fn decimal(facts: &[Fact], path: &str) -> Result<String, String> {
    match &fact(facts, path)?.value {
        Value::Decimal(s) => Ok(s.clone()),
        other => Err(format!("{path} is {other:?}, not a decimal")),
    }
}

pub fn datetime(facts: &[Fact], path: &str) -> Result<String, String> {
    match &fact(facts, path)?.value {
        Value::Datetime(s) => Ok(s.clone()),
        other => Err(format!("{path} is {other:?}, not a datetime")),
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
