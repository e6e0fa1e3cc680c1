//! Guest-side helpers for writing assure evidence plugins.
//!
//! A plugin is a WebAssembly component implementing the `extractor` world in
//! `plugins/wit/extractor.wit`. This crate generates the bindings for that world
//! once, and gives plugin authors what every plugin needs, so that a plugin is
//! mostly its parsing logic:
//!
//! - [`Facts`], a builder for an [`Extraction`] (product facts, entities, notes);
//! - [`Pointer`], JSON Pointers (RFC 6901) for fact locations;
//! - [`json::parse`], JSON parsing whose errors carry a line and column;
//! - [`text`], document text read strictly (typed members, length limits,
//!   lines) and quoted back in messages;
//! - [`time`], dates and RFC 3339 date-times checked, ordered and moved on
//!   by calendar months, without a clock;
//! - [`vex`], one VEX status model for every dialect;
//! - `office` (cargo feature `office`), the tables of a DOCX or ODT document,
//!   for plugins that read completed forms;
//! - `testing` (cargo feature `testing`, for plugins' dev-dependencies), a
//!   harness that runs a plugin's `extract` in tests and reads facts back.
//!
//! ```
//! use assure_plugin_sdk::{FactSink, Facts, Location, Pointer};
//!
//! let mut facts = Facts::new();
//! facts.boolean("sbom.supplier_present", true, Pointer::root().key("metadata").key("supplier"));
//! facts.long("sbom.component_count", 3, Pointer::root().key("components"));
//! let component = facts.entity("Component", "pkg:npm/left-pad@1.3.0", Pointer::root().key("components").index(0));
//! component.text("name", "left-pad", Location::Whole);
//! let extraction = facts.finish();
//! assert_eq!(extraction.facts.len(), 2);
//! assert_eq!(extraction.entities.len(), 1);
//! ```
//!
//! A plugin crate implements [`Guest`] and exports it:
//!
//! ```ignore
//! struct MyPlugin;
//! impl assure_plugin_sdk::Guest for MyPlugin { /* describe, extract */ }
//! assure_plugin_sdk::bindings::export!(MyPlugin);
//! ```

/// The generated bindings for the `extractor` world.
#[expect(missing_docs, reason = "generated code; the WIT file documents it")]
pub mod bindings {
    wit_bindgen::generate!({
        world: "extractor",
        path: "../wit",
        pub_export_macro: true,
        export_macro_name: "export",
        default_bindings_module: "assure_plugin_sdk::bindings",
    });
}

pub use bindings::{
    Document, Entity, EntityRef, ExtractError, Extraction, Fact, Guest, Location, Note, PluginInfo,
    Value,
};

pub mod json;
#[cfg(feature = "office")]
pub mod office;
mod pointer;
#[cfg(feature = "testing")]
pub mod testing;
pub mod text;
pub mod time;
pub mod vex;

pub use pointer::Pointer;

impl From<Pointer> for Location {
    fn from(pointer: Pointer) -> Self {
        Location::Pointer(pointer.into_string())
    }
}

impl From<&Pointer> for Location {
    fn from(pointer: &Pointer) -> Self {
        Location::Pointer(pointer.as_str().to_owned())
    }
}

/// Builds an [`Extraction`]: product facts, entities and notes.
#[derive(Debug, Default)]
pub struct Facts {
    facts: Vec<Fact>,
    entities: Vec<Entity>,
    notes: Vec<Note>,
}

/// Adds typed facts to a list; shared by the product and by entities.
pub trait FactSink {
    /// Adds one fact.
    fn push(&mut self, path: &str, value: Value, location: Location);

    /// Adds a boolean fact.
    fn boolean(&mut self, path: &str, value: bool, location: impl Into<Location>) {
        self.push(path, Value::Boolean(value), location.into());
    }

    /// Adds a whole-number fact.
    fn long(&mut self, path: &str, value: i64, location: impl Into<Location>) {
        self.push(path, Value::Long(value), location.into());
    }

    /// Adds a text fact.
    fn text(&mut self, path: &str, value: impl Into<String>, location: impl Into<Location>) {
        self.push(path, Value::Text(value.into()), location.into());
    }

    /// Adds a set-of-text fact. Order and duplicates do not matter.
    fn text_set(
        &mut self,
        path: &str,
        values: impl IntoIterator<Item = String>,
        location: impl Into<Location>,
    ) {
        let mut values: Vec<String> = values.into_iter().collect();
        values.sort();
        values.dedup();
        self.push(path, Value::TextSet(values), location.into());
    }

    /// Adds a date-time fact, given as RFC 3339 text.
    fn datetime(&mut self, path: &str, value: impl Into<String>, location: impl Into<Location>) {
        self.push(path, Value::Datetime(value.into()), location.into());
    }

    /// Adds a decimal fact, given as a decimal literal ("7.5").
    fn decimal(&mut self, path: &str, value: impl Into<String>, location: impl Into<Location>) {
        self.push(path, Value::Decimal(value.into()), location.into());
    }
}

impl FactSink for Facts {
    fn push(&mut self, path: &str, value: Value, location: Location) {
        self.facts.push(Fact {
            path: path.to_owned(),
            value,
            location,
        });
    }
}

impl FactSink for Entity {
    fn push(&mut self, path: &str, value: Value, location: Location) {
        self.facts.push(Fact {
            path: path.to_owned(),
            value,
            location,
        });
    }
}

impl Facts {
    /// An empty extraction.
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts an entity and returns it for its facts.
    pub fn entity(
        &mut self,
        kind: &str,
        id: impl Into<String>,
        location: impl Into<Location>,
    ) -> &mut Entity {
        let index = self.entities.len();
        self.entities.push(Entity {
            kind: kind.to_owned(),
            id: id.into(),
            location: location.into(),
            facts: Vec::new(),
            parents: Vec::new(),
        });
        // The entity was pushed just above, so the index is in bounds.
        match self.entities.get_mut(index) {
            Some(entity) => entity,
            None => unreachable_entity(),
        }
    }

    /// Records something a person should see that is not a fact.
    pub fn note(&mut self, message: impl Into<String>, location: impl Into<Location>) {
        self.notes.push(Note {
            message: message.into(),
            location: location.into(),
        });
    }

    /// The number of entities added so far.
    pub fn entity_count(&self) -> usize {
        self.entities.len()
    }

    /// The finished extraction.
    pub fn finish(self) -> Extraction {
        Extraction {
            facts: self.facts,
            entities: self.entities,
            notes: self.notes,
        }
    }
}

#[cold]
fn unreachable_entity() -> ! {
    // A plugin that aborts makes the host report the document as unreadable,
    // which is the safe outcome; this cannot happen in practice.
    std::process::abort()
}

/// Adds a parent to an entity.
pub fn add_parent(entity: &mut Entity, kind: &str, id: impl Into<String>) {
    entity.parents.push(EntityRef {
        kind: kind.to_owned(),
        id: id.into(),
    });
}

/// An extraction error at a location.
pub fn error(message: impl Into<String>, location: impl Into<Location>) -> ExtractError {
    ExtractError {
        message: message.into(),
        location: location.into(),
    }
}
