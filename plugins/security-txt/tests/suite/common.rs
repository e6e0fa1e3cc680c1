//! Helpers shared by the integration tests: run the plugin, find facts.

#![allow(dead_code, reason = "each test file uses a different subset")]

use assure_plugin_sdk::{Document, ExtractError, Extraction, Fact, Location, Value};
use assure_plugin_security_txt::extract;

/// Runs the plugin over `bytes`.
pub fn run(bytes: &[u8]) -> Result<Extraction, ExtractError> {
    extract(&Document {
        name: ".well-known/security.txt".to_owned(),
        media_type: "text/security.txt".to_owned(),
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

/// The one fact at `path` (`security_txt.` is added).
pub fn fact<'a>(x: &'a Extraction, path: &str) -> Result<&'a Fact, String> {
    let path = format!("security_txt.{path}");
    let mut found = x.facts.iter().filter(|f| f.path == path);
    match (found.next(), found.next()) {
        (Some(fact), None) => Ok(fact),
        (None, _) => Err(format!("no fact {path}")),
        (Some(_), Some(_)) => Err(format!("more than one fact {path}")),
    }
}

/// Whether there is a fact at `path` (`security_txt.` is added).
pub fn has(x: &Extraction, path: &str) -> bool {
    x.facts
        .iter()
        .any(|f| f.path == format!("security_txt.{path}"))
}

pub fn long(x: &Extraction, path: &str) -> Result<i64, String> {
    match fact(x, path)?.value {
        Value::Long(n) => Ok(n),
        ref other => Err(format!("{path} is {other:?}, not a long")),
    }
}

pub fn boolean(x: &Extraction, path: &str) -> Result<bool, String> {
    match fact(x, path)?.value {
        Value::Boolean(b) => Ok(b),
        ref other => Err(format!("{path} is {other:?}, not a boolean")),
    }
}

pub fn text(x: &Extraction, path: &str) -> Result<String, String> {
    match &fact(x, path)?.value {
        Value::Text(s) => Ok(s.clone()),
        other => Err(format!("{path} is {other:?}, not text")),
    }
}

pub fn datetime(x: &Extraction, path: &str) -> Result<String, String> {
    match &fact(x, path)?.value {
        Value::Datetime(s) => Ok(s.clone()),
        other => Err(format!("{path} is {other:?}, not a datetime")),
    }
}

pub fn text_set(x: &Extraction, path: &str) -> Result<Vec<String>, String> {
    match &fact(x, path)?.value {
        Value::TextSet(s) => Ok(s.clone()),
        other => Err(format!("{path} is {other:?}, not a text set")),
    }
}

/// The problems, sorted.
pub fn problems(x: &Extraction) -> Result<Vec<String>, String> {
    text_set(x, "problems")
}

/// Where a fact came from: "line N" or "whole".
pub fn at(x: &Extraction, path: &str) -> Result<String, String> {
    Ok(place(&fact(x, path)?.location))
}

pub fn place(location: &Location) -> String {
    match location {
        Location::Line(n) => format!("line {n}"),
        Location::Whole => "whole".to_owned(),
        Location::Pointer(p) => format!("pointer {p}"),
    }
}

/// Notes as "line N: message" or "whole: message".
pub fn notes(x: &Extraction) -> Vec<String> {
    x.notes
        .iter()
        .map(|n| format!("{}: {}", place(&n.location), n.message))
        .collect()
}

/// Whether some note is at `place` and contains `text`.
pub fn noted(x: &Extraction, place: &str, text: &str) -> bool {
    notes(x)
        .iter()
        .any(|n| n.starts_with(&format!("{place}: ")) && n.contains(text))
}

/// A list of text.
pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

/// The facts and notes, for comparing two extractions.
pub fn summary(x: &Extraction) -> String {
    format!("{:?}\n{:?}", x.facts, x.notes)
}
