//! `creationInfo`: when the document was made, and by which tools.

use std::collections::BTreeSet;

use assure_plugin_sdk::json::Value as Json;
use assure_plugin_sdk::{FactSink, Facts, Pointer};

use assure_plugin_sdk::text::quote;
use assure_plugin_sdk::time::looks_like_rfc3339;

/// Reads `creationInfo.created` into `sbom.timestamp` and the `Tool:`
/// creators into `sbom.tools` (and `sbom.tool_named`).
pub(crate) fn read(root: &Json, out: &mut Facts) {
    let at = Pointer::root().key("creationInfo");
    let info = match root.get("creationInfo") {
        Some(info @ Json::Object(_)) => info,
        None | Some(Json::Null) => {
            out.note(
                "no `creationInfo`: the document says neither when nor by what it was made",
                Pointer::root(),
            );
            out.boolean("sbom.tool_named", false, Pointer::root());
            return;
        }
        Some(_) => {
            out.note("`creationInfo` is not an object: ignored", &at);
            out.boolean("sbom.tool_named", false, &at);
            return;
        }
    };
    created(info, &at, out);
    tools(info, &at, out);
}

fn created(info: &Json, info_at: &Pointer, out: &mut Facts) {
    let at = info_at.key("created");
    match info.get("created") {
        None | Some(Json::Null) => {
            out.note("`creationInfo.created` is missing: no timestamp", info_at)
        }
        Some(Json::String(s)) if looks_like_rfc3339(s.trim()) => {
            out.datetime("sbom.timestamp", s.trim(), &at);
        }
        Some(Json::String(s)) => out.note(
            format!(
                "`creationInfo.created` \"{}\" is not an RFC 3339 date-time: ignored",
                quote(s)
            ),
            &at,
        ),
        Some(_) => out.note("`creationInfo.created` is not text: ignored", &at),
    }
}

/// `creators` entries `Tool: name-version`, as the text after `Tool:`;
/// `sbom.tool_named` says whether there is any.
fn tools(info: &Json, info_at: &Pointer, out: &mut Facts) {
    let at = info_at.key("creators");
    let creators = match info.get("creators") {
        None | Some(Json::Null) => {
            out.boolean("sbom.tool_named", false, info_at);
            return;
        }
        Some(Json::Array(creators)) => creators,
        Some(_) => {
            out.note("`creationInfo.creators` is not an array: ignored", &at);
            out.boolean("sbom.tool_named", false, &at);
            return;
        }
    };
    let names: BTreeSet<String> = creators
        .iter()
        .filter_map(Json::as_str)
        .filter_map(|creator| {
            let creator = creator.trim();
            let head = creator.get(..5)?;
            head.eq_ignore_ascii_case("Tool:")
                .then(|| creator.get(5..).unwrap_or_default().trim())
                .filter(|name| !name.is_empty())
                .map(str::to_owned)
        })
        .collect();
    out.boolean("sbom.tool_named", !names.is_empty(), &at);
    if !names.is_empty() {
        out.text_set("sbom.tools", names, at);
    }
}
