//! A list of named parties: the one typed member the SDK's readers
//! (`assure_plugin_sdk::text`) do not cover, kept here because its message
//! is about this format's parties.

use assure_plugin_sdk::json::{Map, Value as Json};
use assure_plugin_sdk::text::{bounded, kind};
use assure_plugin_sdk::{ExtractError, Pointer, error};

/// A required array of text, each item trimmed and not empty, at most
/// `max` items (an empty array is allowed: it says "none").
pub(crate) fn required_text_list<'a>(
    object: &'a Map<String, Json>,
    key: &str,
    max: usize,
    at: &Pointer,
) -> Result<Vec<&'a str>, ExtractError> {
    let list_at = at.key(key);
    let items = match object.get(key) {
        Some(Json::Array(items)) => items,
        Some(other) => {
            return Err(error(
                format!("`{key}` must be an array of text, not {}", kind(other)),
                list_at,
            ));
        }
        None => return Err(error(format!("`{key}` is missing"), list_at)),
    };
    if items.len() > max {
        return Err(error(
            format!("`{key}` lists {} items: at most {max}", items.len()),
            list_at,
        ));
    }
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let item_at = list_at.index(i);
        match item {
            Json::String(s) => {
                let s = bounded(s, key, &item_at)?.trim();
                if s.is_empty() {
                    return Err(error(
                        format!("`{key}` item {i} is empty: name the party"),
                        item_at,
                    ));
                }
                out.push(s);
            }
            other => {
                return Err(error(
                    format!("`{key}` item {i} must be text, not {}", kind(other)),
                    item_at,
                ));
            }
        }
    }
    Ok(out)
}
