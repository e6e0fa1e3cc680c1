//! The plugin under test, through the SDK's harness
//! (`assure_plugin_sdk::testing`), and the helpers every test file shares.

#![allow(dead_code, reason = "each test file uses a different subset")]
#![expect(
    clippy::indexing_slicing,
    reason = "tests: fixed-size arrays indexed by construction"
)]

pub use assure_plugin_sdk::testing::*;
use assure_plugin_sdk::{ExtractError, Extraction};

/// The plugin, as the tests run it.
pub const PLUGIN: Harness = Harness {
    name: "doc.json",
    media_type: "application/vnd.in-toto+json",
    extract: assure_plugin_slsa::extract,
};

/// Runs the plugin over `bytes`, named `name`.
pub fn run(name: &str, bytes: &[u8]) -> Result<Extraction, ExtractError> {
    PLUGIN.run_named(name, bytes)
}

/// Runs the plugin and expects an extraction.
pub fn ok(name: &str, bytes: &[u8]) -> Result<Extraction, String> {
    PLUGIN.ok_named(name, bytes)
}

/// Runs the plugin and expects an error.
pub fn err(bytes: &[u8]) -> Result<ExtractError, String> {
    PLUGIN.err(bytes)
}

/// Runs the plugin, expects an error, and returns its pointer and message.
pub fn err_at(bytes: &[u8]) -> Result<(String, String), String> {
    PLUGIN.err_at(bytes)
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
