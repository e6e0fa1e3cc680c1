//! Test helpers for plugin crates (cargo feature `testing`, for
//! dev-dependencies only): run a plugin's `extract` natively over bytes,
//! expect an extraction or an error, and read facts, entities and notes back
//! with messages that say what was there instead.
//!
//! ```
//! use assure_plugin_sdk::testing::{self, Harness};
//! use assure_plugin_sdk::{Document, ExtractError, Extraction, FactSink, Facts, Location};
//!
//! fn extract(doc: &Document) -> Result<Extraction, ExtractError> {
//!     let mut facts = Facts::new();
//!     facts.long("demo.bytes", i64::try_from(doc.bytes.len()).unwrap_or(0), Location::Whole);
//!     Ok(facts.finish())
//! }
//!
//! const PLUGIN: Harness = Harness { name: "demo.json", media_type: "application/json", extract };
//! let extraction = PLUGIN.ok(b"{}")?;
//! assert_eq!(testing::long(&extraction.facts, "demo.bytes")?, 2);
//! # Ok::<(), String>(())
//! ```

pub mod json_schema;

use crate::{Document, Entity, ExtractError, Extraction, Fact, Location, Value};

/// A plugin's `extract` function.
pub type Extract = fn(&Document) -> Result<Extraction, ExtractError>;

/// A plugin under test: its `extract`, the media type it is given and the
/// document name used when a test does not name one.
#[derive(Clone, Copy)]
pub struct Harness {
    /// The document name used by [`Harness::run`], [`Harness::ok`] and
    /// [`Harness::err`].
    pub name: &'static str,
    /// The media type every document is given.
    pub media_type: &'static str,
    /// The plugin's `extract`.
    pub extract: Extract,
}

impl Harness {
    /// Runs the plugin over `bytes`, named `name`.
    pub fn run_named(&self, name: &str, bytes: &[u8]) -> Result<Extraction, ExtractError> {
        (self.extract)(&Document {
            name: name.to_owned(),
            media_type: self.media_type.to_owned(),
            bytes: bytes.to_vec(),
        })
    }

    /// Runs the plugin over `bytes`.
    pub fn run(&self, bytes: &[u8]) -> Result<Extraction, ExtractError> {
        self.run_named(self.name, bytes)
    }

    /// Runs the plugin over `bytes`, named `name`, and expects an extraction.
    pub fn ok_named(&self, name: &str, bytes: &[u8]) -> Result<Extraction, String> {
        self.run_named(name, bytes)
            .map_err(|e| format!("unexpected error: {} at {:?}", e.message, e.location))
    }

    /// Runs the plugin and expects an extraction.
    pub fn ok(&self, bytes: &[u8]) -> Result<Extraction, String> {
        self.ok_named(self.name, bytes)
    }

    /// Runs the plugin and expects an error.
    pub fn err(&self, bytes: &[u8]) -> Result<ExtractError, String> {
        match self.run(bytes) {
            Ok(extraction) => Err(format!("expected an error, got {extraction:?}")),
            Err(e) => Ok(e),
        }
    }

    /// Runs the plugin, expects an error at a JSON Pointer, and returns the
    /// pointer and the message.
    pub fn err_at(&self, bytes: &[u8]) -> Result<(String, String), String> {
        let e = self.err(bytes)?;
        Ok((pointer(&e.location)?, e.message))
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

/// The whole number at `path`.
pub fn long(facts: &[Fact], path: &str) -> Result<i64, String> {
    match fact(facts, path)?.value {
        Value::Long(n) => Ok(n),
        ref other => Err(format!("{path} is {other:?}, not a long")),
    }
}

/// The true/false at `path`.
pub fn boolean(facts: &[Fact], path: &str) -> Result<bool, String> {
    match fact(facts, path)?.value {
        Value::Boolean(b) => Ok(b),
        ref other => Err(format!("{path} is {other:?}, not a boolean")),
    }
}

/// The text at `path`.
pub fn text(facts: &[Fact], path: &str) -> Result<String, String> {
    match &fact(facts, path)?.value {
        Value::Text(s) => Ok(s.clone()),
        other => Err(format!("{path} is {other:?}, not text")),
    }
}

/// The date-time at `path`, as the plugin wrote it.
pub fn datetime(facts: &[Fact], path: &str) -> Result<String, String> {
    match &fact(facts, path)?.value {
        Value::Datetime(s) => Ok(s.clone()),
        other => Err(format!("{path} is {other:?}, not a datetime")),
    }
}

/// The decimal at `path`, as the plugin wrote it.
pub fn decimal(facts: &[Fact], path: &str) -> Result<String, String> {
    match &fact(facts, path)?.value {
        Value::Decimal(s) => Ok(s.clone()),
        other => Err(format!("{path} is {other:?}, not a decimal")),
    }
}

/// The set of text at `path` (sorted, without duplicates).
pub fn text_set(facts: &[Fact], path: &str) -> Result<Vec<String>, String> {
    match &fact(facts, path)?.value {
        Value::TextSet(s) => Ok(s.clone()),
        other => Err(format!("{path} is {other:?}, not a set of text")),
    }
}

/// The JSON Pointer a fact's location names.
pub fn at(facts: &[Fact], path: &str) -> Result<String, String> {
    pointer(&fact(facts, path)?.location)
}

/// The JSON Pointer a location names.
pub fn pointer(location: &Location) -> Result<String, String> {
    match location {
        Location::Pointer(p) => Ok(p.clone()),
        other => Err(format!("{other:?} is not a pointer")),
    }
}

/// A location as a test reads it: the JSON Pointer itself, "line N" or
/// "whole".
pub fn place(location: &Location) -> String {
    match location {
        Location::Pointer(p) => p.clone(),
        Location::Line(n) => format!("line {n}"),
        Location::Whole => "whole".to_owned(),
    }
}

/// The one entity with `id`.
pub fn entity<'a>(extraction: &'a Extraction, id: &str) -> Result<&'a Entity, String> {
    let mut found = extraction.entities.iter().filter(|e| e.id == id);
    match (found.next(), found.next()) {
        (Some(entity), None) => Ok(entity),
        (None, _) => Err(format!("no entity {id}")),
        (Some(_), Some(_)) => Err(format!("more than one entity {id}")),
    }
}

/// Every entity with `id` (statements about one subject of different
/// products share it).
pub fn entities<'a>(extraction: &'a Extraction, id: &str) -> Vec<&'a Entity> {
    extraction.entities.iter().filter(|e| e.id == id).collect()
}

/// Notes as "place: message" (see [`place`]).
pub fn notes(extraction: &Extraction) -> Vec<String> {
    extraction
        .notes
        .iter()
        .map(|n| format!("{}: {}", place(&n.location), n.message))
        .collect()
}

/// Whether some note is at `place` (see [`place`]) and contains every one
/// of `words`.
pub fn noted(extraction: &Extraction, place: &str, words: &[&str]) -> bool {
    let prefix = format!("{place}: ");
    notes(extraction)
        .iter()
        .any(|n| n.starts_with(&prefix) && words.iter().all(|w| n.contains(w)))
}

/// A list of text, owned.
pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}
