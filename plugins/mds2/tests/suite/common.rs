//! The plugin under test, through the SDK's harness
//! (`assure_plugin_sdk::testing`), and the helpers every test file shares.

#![allow(dead_code, reason = "each test file uses a different subset")]

use assure_plugin_sdk::testing;
pub use assure_plugin_sdk::testing::{Harness, notes, place};
use assure_plugin_sdk::{ExtractError, Extraction, Fact};

/// The plugin, as the tests run it.
pub const PLUGIN: Harness = Harness {
    name: "mds2.csv",
    media_type: "application/vnd.assure.mds2+csv",
    extract: assure_plugin_mds2::extract,
};

/// Runs the plugin over `bytes`.
pub fn run(bytes: &[u8]) -> Result<Extraction, ExtractError> {
    PLUGIN.run(bytes)
}

/// Runs the plugin and expects an extraction.
pub fn ok(bytes: &[u8]) -> Result<Extraction, String> {
    PLUGIN.ok(bytes)
}

/// Runs the plugin and expects an error.
pub fn err(bytes: &[u8]) -> Result<ExtractError, String> {
    PLUGIN.err(bytes)
}

/// A fact path as the plugin writes it: `mds2.` and `path`.
fn full(path: &str) -> String {
    format!("mds2.{path}")
}

/// The one fact at `path` (`mds2.` is added).
pub fn fact<'a>(x: &'a Extraction, path: &str) -> Result<&'a Fact, String> {
    testing::fact(&x.facts, &full(path))
}

/// Whether there is a fact at `path` (`mds2.` is added).
pub fn has(x: &Extraction, path: &str) -> bool {
    testing::has(&x.facts, &full(path))
}

pub fn long(x: &Extraction, path: &str) -> Result<i64, String> {
    testing::long(&x.facts, &full(path))
}

pub fn boolean(x: &Extraction, path: &str) -> Result<bool, String> {
    testing::boolean(&x.facts, &full(path))
}

pub fn text(x: &Extraction, path: &str) -> Result<String, String> {
    testing::text(&x.facts, &full(path))
}

pub fn datetime(x: &Extraction, path: &str) -> Result<String, String> {
    testing::datetime(&x.facts, &full(path))
}

pub fn text_set(x: &Extraction, path: &str) -> Result<Vec<String>, String> {
    testing::text_set(&x.facts, &full(path))
}

/// Where a fact came from: "line N" or "whole".
pub fn at(x: &Extraction, path: &str) -> Result<String, String> {
    Ok(place(&fact(x, path)?.location))
}

/// Whether some note is at `place` and contains `text`.
pub fn noted(x: &Extraction, place: &str, text: &str) -> bool {
    testing::noted(x, place, &[text])
}
