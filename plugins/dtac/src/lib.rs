//! The assure evidence plugin for dtac (being written).

use assure_plugin_sdk::{Document, ExtractError, Extraction, Guest, Location, PluginInfo};

/// The plugin, as exported to the host.
pub struct Plugin;

impl Guest for Plugin {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "dtac".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            media_types: Vec::new(),
            fact_paths: Vec::new(),
        }
    }

    fn extract(_doc: Document) -> Result<Extraction, ExtractError> {
        Err(assure_plugin_sdk::error(
            "not implemented yet",
            Location::Whole,
        ))
    }
}

#[cfg(target_arch = "wasm32")]
assure_plugin_sdk::bindings::export!(Plugin);
