//! The assure evidence plugin for OpenSSF Scorecard results (JSON v2).
//!
//! It reads the output of `scorecard --format json` (`date`, `repo{name,
//! commit}`, `score`, `checks[]{name, score, …}`) and the same result as
//! deps.dev serves it, which renames `repo` to `repository` and `score` to
//! `overallScore` (the list is also accepted as `check`, and a check's score
//! as a whole number written as text). Three deps.dev responses are read
//! whole: the v3 (and v3alpha) project response, `GET /v3/projects/{id}`,
//! with the result under `scorecard`; and the response of deps.dev's web API
//! for a package version, with the result under
//! `version.projects[N].scorecardV2`. Each project there is a different
//! repository: with several, the one `version.links.repo` names as the
//! package's source is read, else each is listed in an error. A v3 version
//! response, or a response with no result, is an error that says where
//! deps.dev keeps one. A result whose repository is not the project deps.dev
//! files it under is an error. It emits the `Scorecard` record:
//!
//! - `scorecard.repo`: the repository the result is about, e.g.
//!   "github.com/ossf/scorecard" (from the result, else its deps.dev
//!   project); the engine binds it to the product's declared identifiers;
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
    let found = locate(&root)?;
    let (result, at) = (found.result, &found.at);
    if !result.is_object() {
        return Err(error("a Scorecard result must be a JSON object", at));
    }
    let ours = [REPO, SCORE, CHECKS].concat();
    if !ours.iter().any(|name| result.get(name).is_some()) {
        return Err(error(
            "not an OpenSSF Scorecard result: it has no `repo`, `score` or `checks`",
            at,
        ));
    }
    let mut out = Facts::new();
    for (note, at) in found.notes {
        out.note(note, at);
    }
    read_repo(result, at, found.project, &mut out)?;
    read_date(result, at, &mut out)?;
    read_score(result, at, &mut out)?;
    read_checks(result, at, &mut out)?;
    Ok(out.finish())
}

/// Where the Scorecard result is in a document, and what the document says
/// about the repository it is for.
struct Found<'a> {
    result: &'a Json,
    at: Pointer,
    /// The repository deps.dev files the result under ("github.com/o/r"),
    /// with where it says so; used when the result names none itself.
    project: Option<(String, Pointer)>,
    notes: Vec<(String, Pointer)>,
}

impl<'a> Found<'a> {
    fn at(result: &'a Json, at: Pointer) -> Self {
        Self {
            result,
            at,
            project: None,
            notes: Vec::new(),
        }
    }
}

/// Finds the Scorecard result: the document itself (Scorecard's own
/// output), or where deps.dev serves it — `scorecard` in a project response
/// (`GET /v3/projects/{id}`, also v3alpha), or `scorecardV2` of one of
/// `version.projects[]` in the response of deps.dev's web API for a package
/// version. A deps.dev response without a result is an error that says so
/// and where to get one.
fn locate(root: &Json) -> Result<Found<'_>, ExtractError> {
    let top = Pointer::root();
    if let Some(version) = root.get("version").filter(|v| v.is_object())
        && let Some(projects) = version.get("projects")
    {
        return web_version(version, projects, &top.key("version"));
    }
    if let Some(key) = root.get("projectKey") {
        let id = key.get("id").and_then(Json::as_str).unwrap_or_default();
        let id_at = top.key("projectKey").key("id");
        return match root.get("scorecard") {
            Some(result) => {
                let mut found = Found::at(result, top.key("scorecard"));
                if !id.is_empty() {
                    found.project = Some((id.to_owned(), id_at));
                }
                Ok(found)
            }
            None => Err(error(
                format!(
                    "the deps.dev project response has no `scorecard` for project `{}`: deps.dev has no OpenSSF Scorecard result for it; run Scorecard on the repository and submit its JSON output",
                    printable(id)
                ),
                top,
            )),
        };
    }
    if root.get("versionKey").is_some() {
        return Err(version_without_result(root, &top));
    }
    // deps.dev's project response carries the result under `scorecard`; in a
    // plain result `scorecard` is the tool's own `{version, commit}`.
    match root.get("scorecard") {
        Some(inner) if inner.get("checks").is_some() || inner.get("overallScore").is_some() => {
            Ok(Found::at(inner, top.key("scorecard")))
        }
        _ => Ok(Found::at(root, top)),
    }
}

/// The result in deps.dev's web API response for a package version: the
/// `scorecardV2` of one of `version.projects[]`. Each project is a different
/// repository; with several, the one deps.dev names as the package's source
/// (`version.links.repo`) is read, and when none or more than one is, each
/// is listed in an error rather than one picked.
fn web_version<'a>(
    version: &'a Json,
    projects: &'a Json,
    at: &Pointer,
) -> Result<Found<'a>, ExtractError> {
    let projects_at = at.key("projects");
    let Json::Array(projects) = projects else {
        return Err(error(
            "`projects` in a deps.dev version response must be an array",
            projects_at,
        ));
    };
    let mut scored = Vec::new();
    let mut unscored = Vec::new();
    for (i, project) in projects.iter().enumerate() {
        let name = project_repo(project);
        let here = projects_at.index(i);
        match project.get("scorecardV2") {
            Some(result) => scored.push((result, here.key("scorecardV2"), name, here)),
            None => unscored.push(name.unwrap_or_else(|| format!("at {here}"))),
        }
    }
    // At most ten names in a message, however many projects there are.
    let listed = |names: &[String]| {
        let mut shown: Vec<String> = names
            .iter()
            .take(10)
            .map(|n| format!("`{}`", printable(n)))
            .collect();
        if names.len() > 10 {
            shown.push(format!("and {} more", names.len() - 10));
        }
        shown.join(", ")
    };
    if scored.is_empty() {
        let what = if unscored.is_empty() {
            "no project".to_owned()
        } else {
            format!("no `scorecardV2` for project {}", listed(&unscored))
        };
        return Err(error(
            format!(
                "the deps.dev response has {what}: deps.dev has no OpenSSF Scorecard result for this package version; run Scorecard on the product's repository and submit its JSON output"
            ),
            projects_at,
        ));
    }
    let source = version
        .get("links")
        .and_then(|l| l.get("repo"))
        .and_then(Json::as_str)
        .map(repository_key);
    let chosen: Vec<usize> = if scored.len() == 1 {
        vec![0]
    } else {
        scored
            .iter()
            .enumerate()
            .filter(|(_, (_, _, name, _))| {
                source.is_some() && name.as_deref().map(repository_key) == source
            })
            .map(|(i, _)| i)
            .collect()
    };
    let [only] = chosen.as_slice() else {
        let each: Vec<String> = scored
            .iter()
            .map(|(_, at, name, _)| format!("{} at {at}", name.as_deref().unwrap_or("(unnamed)")))
            .collect();
        return Err(error(
            format!(
                "the deps.dev response holds Scorecard results for {} repositories ({}), and `version.links.repo` does not single out the package's own: submit the result for the product's repository alone",
                scored.len(),
                listed(&each)
            ),
            projects_at,
        ));
    };
    let Some((result, result_at, name, project_at)) = scored.into_iter().nth(*only) else {
        return Err(error("no Scorecard result found", projects_at));
    };
    let mut found = Found::at(result, result_at);
    if projects.len() > 1 {
        found.notes.push((
            format!(
                "the deps.dev response lists {} projects: read the Scorecard result of `{}`, the package's source repository (`version.links.repo`)",
                projects.len(),
                printable(name.as_deref().unwrap_or_default())
            ),
            project_at.clone(),
        ));
    }
    found.project = name.map(|n| (n, project_at.key("name")));
    Ok(found)
}

/// A deps.dev v3 version response (`GET /v3/systems/…/versions/…`): it
/// names the related projects but carries no Scorecard result.
fn version_without_result(root: &Json, top: &Pointer) -> ExtractError {
    let related: Vec<String> = match root.get("relatedProjects") {
        Some(Json::Array(projects)) => projects
            .iter()
            .filter_map(|p| p.get("projectKey")?.get("id")?.as_str())
            .map(|id| format!("`{}`", printable(id)))
            .collect(),
        _ => Vec::new(),
    };
    let hint = if related.is_empty() {
        "it names no related project".to_owned()
    } else {
        format!(
            "fetch `GET https://api.deps.dev/v3/projects/{{id}}` for the product's repository among {} and submit that response",
            related.join(", ")
        )
    };
    error(
        format!(
            "the deps.dev version response has no Scorecard result (deps.dev serves it with the project, not the version): {hint}"
        ),
        top.clone(),
    )
}

/// The repository a deps.dev web API project names, as Scorecard names
/// repositories: `github.com/owner/name` for `{"type": "GITHUB", "name":
/// "owner/name"}` (GitLab and Bitbucket alike), else its `link`.
fn project_repo(project: &Json) -> Option<String> {
    let name = project.get("name").and_then(Json::as_str)?;
    let host = match project.get("type").and_then(Json::as_str)? {
        "GITHUB" => "github.com",
        "GITLAB" => "gitlab.com",
        "BITBUCKET" => "bitbucket.org",
        _ => {
            return project
                .get("link")
                .and_then(Json::as_str)
                .map(repository_key);
        }
    };
    Some(format!("{host}/{name}"))
}

/// A repository URL or name as `host/owner/name`, lower case: without a
/// scheme, `git+`, user, `www.`, `.git` or trailing slash, so that
/// `git+ssh://git@github.com/O/R.git` and `github.com/o/r` are the same.
fn repository_key(text: &str) -> String {
    let text = text.trim().to_ascii_lowercase();
    let text = text.strip_prefix("git+").unwrap_or(&text);
    let text = text.split_once("://").map_or(text, |(_, rest)| rest);
    let text = text.split_once('@').map_or(text, |(_, rest)| rest);
    let text = text.strip_prefix("www.").unwrap_or(text);
    let text = text.trim_end_matches('/');
    let text = text.strip_suffix(".git").unwrap_or(text);
    text.replacen(':', "/", 1)
}

/// `text` with control characters replaced, for a message.
fn printable(text: &str) -> String {
    text.chars()
        .take(200)
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

/// `scorecard.repo`, from `repo.name` (`repository.name` at deps.dev),
/// else from the project deps.dev files the result under.
fn read_repo(
    result: &Json,
    at: &Pointer,
    project: Option<(String, Pointer)>,
    out: &mut Facts,
) -> Result<(), ExtractError> {
    let name = match member(result, REPO, at) {
        Some((Json::Object(repo), at)) => repo.get("name").map(|name| (name, at.key("name"))),
        Some((_, at)) => return Err(error("the repository must be an object with a `name`", at)),
        None => None,
    };
    match (name, project) {
        (Some((Json::String(name), at)), Some((filed, filed_at)))
            if repository_key(name) != repository_key(&filed) =>
        {
            return Err(error(
                format!(
                    "the Scorecard result is for `{}`, but deps.dev files it under project `{}` (at {filed_at}): the response contradicts itself",
                    printable(name),
                    printable(&filed)
                ),
                at,
            ));
        }
        (Some((Json::String(name), at)), _) => out.text("scorecard.repo", name, at),
        (Some((_, at)), _) => return Err(error("the repository `name` must be text", at)),
        (None, Some((filed, filed_at))) => out.text("scorecard.repo", filed, filed_at),
        // Required by the schema, but the document lacks it: say so and let
        // the engine report the missing evidence.
        (None, None) => out.note("no repository name: `scorecard.repo` not emitted", at),
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
    // deps.dev's JSON may write a whole number as text ("7").
    let score = match check.get("score") {
        Some(Json::String(text)) => text.trim().parse::<i64>().ok(),
        Some(other) => other.as_i64(),
        None => None,
    };
    match score {
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
