//! The plugin under test, through the SDK's harness
//! (`assure_plugin_sdk::testing`), and the helpers every test file shares.

#![allow(dead_code, reason = "each test file uses a different subset")]

pub use assure_plugin_sdk::testing::json_schema as schema;
pub use assure_plugin_sdk::testing::*;
use assure_plugin_sdk::{ExtractError, Extraction};

/// The plugin, as the tests run it.
pub const PLUGIN: Harness = Harness {
    name: "cyber-essentials.json",
    media_type: assure_plugin_cyber_essentials::MEDIA_TYPE,
    extract: assure_plugin_cyber_essentials::extract,
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

/// Runs the plugin, expects an error, and returns its pointer and message.
pub fn err_at(bytes: &[u8]) -> Result<(String, String), String> {
    PLUGIN.err_at(bytes)
}
