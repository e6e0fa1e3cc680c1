//! The assure evidence plugin for OpenSSF Scorecard results (JSON v2).
//!
//! It reads the output of `scorecard --format json` (`date`, `repo{name,
//! commit}`, `score`, `checks[]{name, score, …}`) and the same result as
//! deps.dev serves it, which renames `repo` to `repository` and `score` to
//! `overallScore` (the list is also accepted as `check`); a deps.dev
//! project response, with the result under `scorecard`, is read too. It emits
//! the `Scorecard` record:
//!
//! - `scorecard.repo`: the repository's name, e.g. "github.com/ossf/scorecard";
//! - `scorecard.date`: when Scorecard ran;
//! - `scorecard.score`: the aggregate, 0 to 10, as a Cedar decimal ("5.6"). An
//!   aggregate of -1 (inconclusive) or none at all gives no fact and a note;
//! - `scorecard.inconclusive`: the checks scoring -1, by name;
//! - `scorecard.low_checks`: the checks scoring 0 to 4, by name.
//!
//! A score outside -1 to 10 is an error, as is a text value over 1 MiB
//! anywhere in the document. Every fact points (JSON Pointer) at
//! the member it was read from.
//!
//! This crate is the worked example in `plugins/README.md`: one file, parsing
//! with the SDK's [`json::parse`], locations with [`Pointer`], facts through
//! [`Facts`], problems as [`error`]s (unreadable) or notes (survivable).

use assure_plugin_sdk::json::{self, Value as Json};
use assure_plugin_sdk::{
    Document, ExtractError, Extraction, FactSink, Facts, Guest, PluginInfo, Pointer, error,
};

/// The media type this plugin reads.
pub const MEDIA_TYPE: &str = "application/vnd.ossf.scorecard+json";

/// Every fact path the plugin may emit.
pub const FACT_PATHS: &[&str] = &[
    "scorecard.repo",
    "scorecard.date",
    "scorecard.score",
    "scorecard.inconclusive",
    "scorecard.low_checks",
];

/// The Scorecard plugin, as exported to the host.
pub struct Scorecard;

impl Guest for Scorecard {
    fn describe() -> PluginInfo {
        describe()
    }

    fn extract(doc: Document) -> Result<Extraction, ExtractError> {
        extract(&doc)
    }
}

/// Who the plugin is and what it reads.
pub fn describe() -> PluginInfo {
    PluginInfo {
        name: "scorecard".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        media_types: vec![MEDIA_TYPE.to_owned()],
        fact_paths: FACT_PATHS.iter().map(|p| (*p).to_owned()).collect(),
    }
}

// Where the two dialects differ: each member under its Scorecard name, then
// under its deps.dev name.
const REPO: &[&str] = &["repo", "repository"];
const SCORE: &[&str] = &["score", "overallScore"];
const CHECKS: &[&str] = &["checks", "check"];

/// Reads one Scorecard result.
///
/// # Errors
///
/// When the document is not JSON, not an object, has none of the members of a
/// Scorecard result, has a member of the wrong type, or has a score outside
/// -1 to 10.
pub fn extract(doc: &Document) -> Result<Extraction, ExtractError> {
    let root = json::parse(&doc.bytes)?;
    // No member of a result is megabytes long: refuse one anywhere.
    json::refuse_long_text(&root, 1 << 20)?;
    // deps.dev's project response carries the result under `scorecard`; in a
    // plain result `scorecard` is the tool's own `{version, commit}`.
    let (result, at) = match root.get("scorecard") {
        Some(inner) if inner.get("checks").is_some() || inner.get("overallScore").is_some() => {
            (inner, Pointer::root().key("scorecard"))
        }
        _ => (&root, Pointer::root()),
    };
    if !result.is_object() {
        return Err(error("a Scorecard result must be a JSON object", &at));
    }
    let ours = [REPO, SCORE, CHECKS].concat();
    if !ours.iter().any(|name| result.get(name).is_some()) {
        return Err(error(
            "not an OpenSSF Scorecard result: it has no `repo`, `score` or `checks`",
            &at,
        ));
    }
    let mut out = Facts::new();
    read_repo(result, &at, &mut out)?;
    read_date(result, &at, &mut out)?;
    read_score(result, &at, &mut out)?;
    read_checks(result, &at, &mut out)?;
    Ok(out.finish())
}

/// `scorecard.repo`, from `repo.name`.
fn read_repo(result: &Json, at: &Pointer, out: &mut Facts) -> Result<(), ExtractError> {
    let name = match member(result, REPO, at) {
        Some((Json::Object(repo), at)) => repo.get("name").map(|name| (name, at.key("name"))),
        Some((_, at)) => return Err(error("the repository must be an object with a `name`", at)),
        None => None,
    };
    match name {
        Some((Json::String(name), at)) => out.text("scorecard.repo", name, at),
        Some((_, at)) => return Err(error("the repository `name` must be text", at)),
        // Required by the schema, but the document lacks it: say so and let
        // the engine report the missing evidence.
        None => out.note("no repository name: `scorecard.repo` not emitted", at),
    }
    Ok(())
}

/// `scorecard.date`. Only its shape is checked here; the host checks the
/// calendar (no 30 February) when it reads the fact.
fn read_date(result: &Json, at: &Pointer, out: &mut Facts) -> Result<(), ExtractError> {
    match member(result, &["date"], at) {
        Some((Json::String(date), at)) if looks_like_date(date) => {
            out.datetime("scorecard.date", date, at);
        }
        Some((Json::String(_), at)) => {
            out.note("`date` is not an RFC 3339 date or date-time: ignored", at);
        }
        Some((_, at)) => return Err(error("`date` must be text such as \"2024-05-01\"", at)),
        None => {}
    }
    Ok(())
}

/// `scorecard.score`: the aggregate, unless it is -1 (inconclusive).
fn read_score(result: &Json, at: &Pointer, out: &mut Facts) -> Result<(), ExtractError> {
    match member(result, SCORE, at) {
        Some((Json::Number(number), at)) => match cedar_decimal(number) {
            Some(score) if score.starts_with('-') => {
                out.note("the aggregate score is -1 (inconclusive): no score", at);
            }
            Some(score) => out.decimal("scorecard.score", score, at),
            None => {
                let why = "is not from 0 to 10 with at most four decimal places (or -1)";
                return Err(error(format!("the aggregate score `{number}` {why}"), at));
            }
        },
        Some((_, at)) => return Err(error("the aggregate score must be a number", at)),
        None => out.note("no aggregate score: `scorecard.score` not emitted", at),
    }
    Ok(())
}

/// `scorecard.inconclusive` (checks scoring -1) and `scorecard.low_checks`
/// (0 to 4), both by check name.
fn read_checks(result: &Json, at: &Pointer, out: &mut Facts) -> Result<(), ExtractError> {
    match member(result, CHECKS, at) {
        Some((Json::Array(checks), at)) => {
            let (mut inconclusive, mut low) = (Vec::new(), Vec::new());
            for (i, check) in checks.iter().enumerate() {
                let (name, score) = read_check(check, &at.index(i))?;
                match score {
                    -1 => inconclusive.push(name),
                    0..=4 => low.push(name),
                    _ => {}
                }
            }
            out.text_set("scorecard.inconclusive", inconclusive, &at);
            out.text_set("scorecard.low_checks", low, at);
        }
        Some((_, at)) => return Err(error("the checks must be an array", at)),
        None => out.note("no checks: inconclusive and low checks not emitted", at),
    }
    Ok(())
}

/// The first of `names` that `object` has, with its pointer.
fn member<'a>(object: &'a Json, names: &[&str], at: &Pointer) -> Option<(&'a Json, Pointer)> {
    names
        .iter()
        .find_map(|name| Some((object.get(*name)?, at.key(name))))
}

/// A check's name and its score: a whole number from -1 to 10.
fn read_check(check: &Json, at: &Pointer) -> Result<(String, i64), ExtractError> {
    let Some(Json::String(name)) = check.get("name") else {
        return Err(error("a check must have a `name` (text)", at.key("name")));
    };
    match check.get("score").and_then(Json::as_i64) {
        Some(score @ -1..=10) => Ok((name.clone(), score)),
        _ => Err(error(
            "a check's `score` must be a whole number from -1 to 10",
            at.key("score"),
        )),
    }
}

/// The aggregate as a Cedar decimal literal ("5.6", "7.0", "-1.0"), written
/// from the number's text, if it is -1 or from 0 to 10 with at most four
/// decimal places.
fn cedar_decimal(number: &serde_json::Number) -> Option<String> {
    // serde_json writes the shortest text that reads back the same: 5.6 → "5.6".
    let text = number.to_string();
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let in_range = match whole {
        "-1" | "10" => fraction.bytes().all(|b| b == b'0'),
        _ => whole.len() == 1 && digits(whole),
    };
    (in_range && digits(fraction) && fraction.len() <= 4).then(|| format!("{whole}.{fraction}"))
}

/// Whether `text` is a date ("2023-03-02"), alone or followed by a time
/// ("T10:30:43-06:00").
fn looks_like_date(text: &str) -> bool {
    let date = text.get(..10).unwrap_or_default();
    let shape = date.len() == 10
        && date.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    shape
        && text
            .get(10..)
            .is_some_and(|time| time.is_empty() || time.starts_with(['T', 't']))
}

#[cfg(target_arch = "wasm32")]
assure_plugin_sdk::bindings::export!(Scorecard);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_come_from_the_text() -> Result<(), String> {
        let read = |json: &str| -> Result<Option<String>, String> {
            let value = json::parse(json.as_bytes()).map_err(|e| e.message)?;
            Ok(cedar_decimal(value.as_number().ok_or("not a number")?))
        };
        for (json, decimal) in [
            ("5.6", "5.6"),
            ("0", "0.0"),
            ("10", "10.0"),
            ("10.00", "10.0"),
            ("9.1234", "9.1234"),
            ("-1", "-1.0"),
        ] {
            assert_eq!(read(json)?.as_deref(), Some(decimal), "{json}");
        }
        for json in [
            "0.00001", "1e30", "7.12345", "10.5", "-0.5", "-1.5", "11", "-2",
        ] {
            assert_eq!(read(json)?, None, "{json}");
        }
        Ok(())
    }

    #[test]
    fn date_shapes() {
        assert!(looks_like_date("2023-03-02T10:30:43-06:00"));
        assert!(looks_like_date("2021-08-24"));
        assert!(!looks_like_date("2021-08-2"));
        assert!(!looks_like_date("2021/08/24"));
        assert!(!looks_like_date("2021-08-24 10:30"));
        assert!(!looks_like_date("yesterday"));
        assert!(!looks_like_date("2021-08-24é"));
        assert!(!looks_like_date("2021-08-é4"));
    }
}
