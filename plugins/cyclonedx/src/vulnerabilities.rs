//! `vulnerabilities`: CycloneDX VEX. One `Exposure` entity per vulnerability
//! and affected reference, with its status in the one VEX model.

use std::collections::BTreeMap;

use assure_plugin_sdk::json::{self, Value as Json};
use assure_plugin_sdk::vex::{Status, exposure_id};
use assure_plugin_sdk::{ExtractError, FactSink, Facts, Pointer, error};

use assure_plugin_sdk::text::{member, quote};
use assure_plugin_sdk::time::Instant;

use crate::values::{cedar_decimal, instant, scaled_decimal};

/// What `status_source` says when a vulnerability carries no analysis state.
const NO_ANALYSIS: &str = "no analysis";

/// How deep nested components are searched for bom-refs. The JSON parser
/// stops at 128 levels already; this bounds the recursion whatever it allows.
const MAX_DEPTH: usize = 128;

/// Scores outside 0 to 10 are not CVSS scores.
const MAX_SCORE: i64 = 100_000;

/// What the SBOM facts need from the vulnerabilities.
#[derive(Debug, Default)]
pub(crate) struct Summary {
    /// The number of `Exposure` entities emitted.
    pub(crate) exposures: u64,
    /// `vulnerabilities[].advisories[].url`, with pointers, in document order.
    pub(crate) advisories: Vec<(String, Pointer)>,
}

/// Emits an `Exposure` for each entry of `vulnerabilities` (at
/// `/vulnerabilities`) and each of its `affects[].ref`; when two give the same
/// vulnerability and reference, the later statement is kept.
///
/// # Errors
///
/// When an `analysis` is not an object, or its `state` is not one of
/// CycloneDX's impact analysis states.
pub(crate) fn read(
    root: &Json,
    vulnerabilities: &[Json],
    out: &mut Facts,
) -> Result<Summary, ExtractError> {
    let purls = purls_by_bom_ref(root);
    let subject = subject_ref(root);
    let scope = product_scope(root);
    let at = Pointer::root().key("vulnerabilities");
    let mut summary = Summary::default();
    let mut read: Vec<Vulnerability> = Vec::new();
    let mut statements: Vec<Statement> = Vec::new();
    for (i, item) in vulnerabilities.iter().enumerate() {
        let here = at.index(i);
        if !item.is_object() {
            out.note("vulnerability is not an object: skipped", &here);
            continue;
        }
        summary.advisories.extend(advisories(item, &here, out));
        let Some(vulnerability) = Vulnerability::read(item, &here, out)? else {
            continue;
        };
        let index = read.len();
        let refs = affects(item, &vulnerability.id, &here, out);
        if !refs.is_empty() && vulnerability.status_source == NO_ANALYSIS {
            out.note(
                format!(
                    "{} has no `analysis.state`: read as an unanalysed finding, status affected",
                    quote(&vulnerability.id)
                ),
                &here,
            );
        }
        for (reference, entry_at) in refs {
            statements.push(Statement {
                vulnerability: index,
                ref_at: entry_at.key("ref"),
                at: entry_at,
                reference,
            });
        }
        read.push(vulnerability);
    }

    let live = supersede(&statements, &read, out);
    for (statement, live) in statements.iter().zip(live) {
        if !live {
            continue;
        }
        let Some(vulnerability) = read.get(statement.vulnerability) else {
            continue;
        };
        let purl = purls.get(statement.reference.as_str()).copied();
        let product = subject
            .as_ref()
            .filter(|(bom_ref, _)| *bom_ref == statement.reference)
            .map(|(_, named)| named.as_str());
        vulnerability.emit(statement, purl, product, scope.as_ref(), out);
        summary.exposures = summary.exposures.saturating_add(1);
    }
    Ok(summary)
}

/// Which statements stand: when two name the same vulnerability and
/// reference, the one with the later timestamp, or (equal or missing
/// timestamps) the later in the document. Each superseded one is noted. Every
/// statement of one document is about the same product (its
/// `metadata.component`, the `product_scope`), so statements that share a
/// vulnerability and reference share their scope too: statements about
/// different products, which never supersede each other, come from different
/// documents.
fn supersede(statements: &[Statement], read: &[Vulnerability], out: &mut Facts) -> Vec<bool> {
    let mut live = vec![true; statements.len()];
    let mut kept: BTreeMap<String, usize> = BTreeMap::new();
    for (index, statement) in statements.iter().enumerate() {
        let Some(vulnerability) = read.get(statement.vulnerability) else {
            continue;
        };
        let id = exposure_id(&vulnerability.id, &statement.reference);
        let Some(earlier) = kept.get(&id).copied() else {
            kept.insert(id, index);
            continue;
        };
        let Some(old) = statements.get(earlier) else {
            continue;
        };
        let old_time = read
            .get(old.vulnerability)
            .and_then(|v| v.timestamp.as_ref())
            .map(|t| t.instant);
        let new_time = vulnerability.timestamp.as_ref().map(|t| t.instant);
        let (old_wins, reason) = match (old_time, new_time) {
            (Some(old_time), Some(new_time)) if old_time > new_time => {
                (true, "it has the later timestamp")
            }
            (Some(old_time), Some(new_time)) if old_time == new_time => (
                false,
                "the timestamps are equal and it comes later in the document",
            ),
            (Some(_), Some(_)) => (false, "it has the later timestamp"),
            _ => (
                false,
                "it comes later in the document (both need a timestamp to compare them by time)",
            ),
        };
        let (loser, winner) = if old_wins {
            (index, earlier)
        } else {
            (earlier, index)
        };
        let (Some(loser_at), Some(winner_at)) = (
            statements.get(loser).map(|s| &s.at),
            statements.get(winner).map(|s| &s.at),
        ) else {
            continue;
        };
        out.note(
            format!(
                "the statement at {loser_at} about {} for \"{}\" is superseded by the one at {winner_at}: {reason}",
                quote(&vulnerability.id),
                quote(&statement.reference)
            ),
            loser_at,
        );
        if let Some(flag) = live.get_mut(loser) {
            *flag = false;
        }
        kept.insert(id, winner);
    }
    live
}

/// One vulnerability × affected reference.
struct Statement {
    /// Index of the vulnerability in the list read.
    vulnerability: usize,
    /// The `affects[]` entry.
    at: Pointer,
    /// `affects[].ref` as given.
    reference: String,
    ref_at: Pointer,
}

/// A text value and where it is.
type Located = (String, Pointer);

/// The product the document's statements are about (`metadata.component`):
/// its identifiers, sorted, and where it is.
struct Scope {
    refs: Vec<String>,
    at: Pointer,
}

/// What one `vulnerabilities[]` entry says, shared by its statements.
struct Vulnerability {
    id: String,
    at: Pointer,
    status: Status,
    status_source: String,
    /// `analysis/state`, or the vulnerability when it has none.
    status_at: Pointer,
    justification: Option<Located>,
    impact: Option<Located>,
    action: Option<Located>,
    timestamp: Option<Timestamp>,
    score: Option<Score>,
}

struct Timestamp {
    text: String,
    at: Pointer,
    instant: Instant,
}

/// The highest usable score, with its rating's severity; or, when no
/// rating has a usable score, only the worst severity any rating states
/// (an open vulnerability rated critical with no score is still critical).
struct Score {
    decimal: Option<String>,
    at: Pointer,
    severity: Option<Located>,
}

impl Vulnerability {
    /// Reads one entry; `None` (with a note) when it has no id.
    fn read(item: &Json, at: &Pointer, out: &mut Facts) -> Result<Option<Self>, ExtractError> {
        let Some(id) = member(item, "id", at, out) else {
            out.note(
                "vulnerability without an `id`: no Exposure can be made from it",
                at,
            );
            return Ok(None);
        };
        if let Some(rejected) = member(item, "rejected", at, out) {
            out.note(
                format!(
                    "{} is marked rejected ({}): its statements are still read",
                    quote(&id),
                    quote(&rejected)
                ),
                at.key("rejected"),
            );
        }
        let analysis_at = at.key("analysis");
        let empty = Json::Null;
        let analysis = match item.get("analysis") {
            None | Some(Json::Null) => &empty,
            Some(analysis @ Json::Object(_)) => analysis,
            Some(_) => {
                return Err(error(
                    "`analysis` must be an object with a `state`",
                    analysis_at,
                ));
            }
        };
        let state_at = analysis_at.key("state");
        let (status, status_source, status_at) = match analysis.get("state") {
            None | Some(Json::Null) => (Status::Affected, NO_ANALYSIS.to_owned(), at.clone()),
            Some(Json::String(state)) => match Status::from_cyclonedx(state) {
                Some(status) => (status, state.trim().to_owned(), state_at),
                None => {
                    return Err(error(
                        format!(
                            "`analysis.state` \"{}\" is not a CycloneDX impact analysis state (resolved, resolved_with_pedigree, exploitable, in_triage, false_positive, not_affected)",
                            quote(state)
                        ),
                        state_at,
                    ));
                }
            },
            Some(_) => {
                return Err(error(
                    "`analysis.state` must be text such as \"not_affected\"",
                    state_at,
                ));
            }
        };
        let justification = member(analysis, "justification", &analysis_at, out)
            .map(|j| (j, analysis_at.key("justification")));
        let impact =
            member(analysis, "detail", &analysis_at, out).map(|d| (d, analysis_at.key("detail")));
        Ok(Some(Self {
            action: action(item, analysis, at, out),
            timestamp: timestamp(item, analysis, at, out),
            score: score(item, at, out),
            id,
            at: at.clone(),
            status,
            status_source,
            status_at,
            justification,
            impact,
        }))
    }

    fn emit(
        &self,
        statement: &Statement,
        purl: Option<&str>,
        product: Option<&str>,
        scope: Option<&Scope>,
        out: &mut Facts,
    ) {
        let id = exposure_id(&self.id, &statement.reference);
        let entity = out.entity("Exposure", id, &statement.at);
        entity.text("vulnerability", self.id.clone(), self.at.key("id"));
        entity.text("status", self.status.as_str(), &self.status_at);
        entity.text("status_source", self.status_source.clone(), &self.status_at);
        let texts = [
            ("justification", &self.justification),
            ("impact_statement", &self.impact),
            ("action_statement", &self.action),
        ];
        for (path, value) in texts {
            if let Some((text, at)) = value {
                entity.text(path, text.clone(), at);
            }
        }
        entity.text("format", "CycloneDX", Pointer::root().key("bomFormat"));
        let refs = std::iter::once(statement.reference.clone())
            .chain(purl.map(str::to_owned))
            .chain(product.map(str::to_owned));
        entity.text_set("product_refs", refs, &statement.ref_at);
        if let Some(scope) = scope {
            entity.text_set("product_scope", scope.refs.iter().cloned(), &scope.at);
        }
        if let Some(timestamp) = &self.timestamp {
            entity.datetime("timestamp", timestamp.text.clone(), &timestamp.at);
        }
        if let Some(score) = &self.score {
            if let Some(decimal) = &score.decimal {
                entity.decimal("cvss_score", decimal.clone(), &score.at);
            }
            if let Some((severity, at)) = &score.severity {
                entity.text("severity", severity.clone(), at);
            }
        }
    }
}

/// `advisories[].url` of one vulnerability.
fn advisories(item: &Json, at: &Pointer, out: &mut Facts) -> Vec<Located> {
    let advisories_at = at.key("advisories");
    if item
        .get("advisories")
        .is_some_and(|a| !a.is_array() && !a.is_null())
    {
        out.note("`advisories` is not an array: ignored", &advisories_at);
    }
    json::array_at(item, "advisories")
        .iter()
        .enumerate()
        .filter_map(|(j, advisory)| {
            json::str_at(advisory, "url")
                .map(|url| (url.to_owned(), advisories_at.index(j).key("url")))
        })
        .collect()
}

/// `affects[].ref` of one vulnerability, as given, with the pointer of its
/// `affects` entry. A vulnerability that affects nothing is noted.
fn affects(item: &Json, id: &str, at: &Pointer, out: &mut Facts) -> Vec<Located> {
    let affects_at = at.key("affects");
    let entries = match item.get("affects") {
        None | Some(Json::Null) => &[][..],
        Some(Json::Array(entries)) => entries.as_slice(),
        Some(_) => {
            out.note("`affects` is not an array: ignored", &affects_at);
            &[]
        }
    };
    let mut refs = Vec::new();
    for (j, entry) in entries.iter().enumerate() {
        let here = affects_at.index(j);
        match entry.get("ref") {
            Some(Json::String(reference)) if !reference.trim().is_empty() => {
                refs.push((reference.trim().to_owned(), here));
            }
            _ => out.note("`affects` entry without a text `ref`: ignored", &here),
        }
    }
    if refs.is_empty() {
        out.note(
            format!(
                "{} names nothing it affects (no `affects[].ref`): no Exposure is made from it",
                quote(id)
            ),
            at,
        );
    }
    refs
}

/// `analysis.response` joined with ", ", then the vulnerability's
/// `recommendation`, separated by "; ".
fn action(item: &Json, analysis: &Json, at: &Pointer, out: &mut Facts) -> Option<Located> {
    let response_at = at.key("analysis").key("response");
    let responses: Vec<&str> = match analysis.get("response") {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::Array(responses)) => responses
            .iter()
            .enumerate()
            .filter_map(|(k, response)| match response {
                Json::String(s) if !s.trim().is_empty() => Some(s.trim()),
                _ => {
                    out.note(
                        "`analysis.response` entry is not text: ignored",
                        response_at.index(k),
                    );
                    None
                }
            })
            .collect(),
        Some(_) => {
            out.note("`analysis.response` is not an array: ignored", &response_at);
            Vec::new()
        }
    };
    let recommendation = member(item, "recommendation", at, out);
    match (responses.is_empty(), recommendation) {
        (true, None) => None,
        (true, Some(recommendation)) => Some((recommendation, at.key("recommendation"))),
        (false, None) => Some((responses.join(", "), response_at)),
        (false, Some(recommendation)) => Some((
            format!("{}; {recommendation}", responses.join(", ")),
            response_at,
        )),
    }
}

/// `analysis.lastUpdated`, else `updated`, else `published`: the first that
/// is an RFC 3339 date-time. One that is there but is not is noted.
fn timestamp(item: &Json, analysis: &Json, at: &Pointer, out: &mut Facts) -> Option<Timestamp> {
    let analysis_at = at.key("analysis");
    let candidates = [
        (
            analysis,
            "lastUpdated",
            &analysis_at,
            "analysis.lastUpdated",
        ),
        (item, "updated", at, "updated"),
        (item, "published", at, "published"),
    ];
    candidates
        .into_iter()
        .find_map(|(object, key, parent, name)| {
            let text = member(object, key, parent, out)?;
            match instant(&text) {
                Some(instant) => Some(Timestamp {
                    text,
                    at: parent.key(key),
                    instant,
                }),
                None => {
                    out.note(
                        format!(
                            "`{name}` \"{}\" is not an RFC 3339 date-time: ignored",
                            quote(&text)
                        ),
                        parent.key(key),
                    );
                    None
                }
            }
        })
}

/// The highest `ratings[].score` (the first of equals), as a Cedar decimal,
/// with that rating's severity.
fn score(item: &Json, at: &Pointer, out: &mut Facts) -> Option<Score> {
    let ratings_at = at.key("ratings");
    if item
        .get("ratings")
        .is_some_and(|r| !r.is_array() && !r.is_null())
    {
        out.note("`ratings` is not an array: ignored", &ratings_at);
    }
    let mut best: Option<(i64, Pointer, &Json)> = None;
    for (k, rating) in json::array_at(item, "ratings").iter().enumerate() {
        let rating_at = ratings_at.index(k);
        let scaled = match rating.get("score") {
            None | Some(Json::Null) => continue,
            Some(Json::Number(n)) => scaled_decimal(&n.to_string()),
            Some(Json::String(s)) => scaled_decimal(s),
            Some(_) => None,
        };
        let Some(scaled) = scaled.filter(|s| (0..=MAX_SCORE).contains(s)) else {
            out.note(
                "rating `score` is not a number from 0 to 10: ignored",
                rating_at.key("score"),
            );
            continue;
        };
        if best.as_ref().is_none_or(|(top, _, _)| scaled > *top) {
            best = Some((scaled, rating_at, rating));
        }
    }
    let Some((scaled, rating_at, rating)) = best else {
        return worst_severity(item, &ratings_at, out);
    };
    let severity = member(rating, "severity", &rating_at, out)
        .map(|severity| (severity, rating_at.key("severity")));
    Some(Score {
        decimal: Some(cedar_decimal(scaled)),
        at: rating_at.key("score"),
        severity,
    })
}

/// CycloneDX's severities, worst first.
const SEVERITIES: &[&str] = &["critical", "high", "medium", "low", "info", "none"];

/// When no rating has a usable score: the worst `severity` of any rating,
/// with no score. An unknown or unlisted severity word is not a rating.
fn worst_severity(item: &Json, ratings_at: &Pointer, out: &mut Facts) -> Option<Score> {
    let mut worst: Option<(usize, String, Pointer)> = None;
    for (k, rating) in json::array_at(item, "ratings").iter().enumerate() {
        let rating_at = ratings_at.index(k);
        let Some(word) = member(rating, "severity", &rating_at, out) else {
            continue;
        };
        let Some(rank) = SEVERITIES
            .iter()
            .position(|s| s.eq_ignore_ascii_case(word.trim()))
        else {
            continue;
        };
        if worst.as_ref().is_none_or(|(best, _, _)| rank < *best) {
            worst = Some((rank, word, rating_at.key("severity")));
        }
    }
    let (_, word, at) = worst?;
    Some(Score {
        decimal: None,
        at: at.clone(),
        severity: Some((word, at)),
    })
}

/// The document's subject (`metadata.component`): its bom-ref, and the
/// product reference the engine matches against the submission,
/// `product:<name>@<version>` (or `product:<name>` without a version).
fn subject_ref(root: &Json) -> Option<(String, String)> {
    let subject = root.get("metadata").and_then(|m| m.get("component"))?;
    let bom_ref = json::str_at(subject, "bom-ref")?;
    Some((bom_ref.to_owned(), product_name(subject)?))
}

/// `product:<name>@<version>`, or `product:<name>` without a version, for a
/// component with a name.
fn product_name(component: &Json) -> Option<String> {
    let name = json::str_at(component, "name")?;
    Some(match json::str_at(component, "version") {
        Some(version) => format!("product:{name}@{version}"),
        None => format!("product:{name}"),
    })
}

/// The product every statement in the document is about: the identifiers of
/// `metadata.component` (purl, CPE, bom-ref, `product:<name>@<version>`),
/// sorted, and where it is. `None` when the document has no subject, or one
/// that carries none of them.
fn product_scope(root: &Json) -> Option<Scope> {
    let subject = root.get("metadata").and_then(|m| m.get("component"))?;
    if !subject.is_object() {
        return None;
    }
    let mut refs: Vec<String> = ["purl", "cpe", "bom-ref"]
        .into_iter()
        .filter_map(|key| json::str_at(subject, key).map(str::to_owned))
        .chain(product_name(subject))
        .collect();
    refs.sort();
    refs.dedup();
    (!refs.is_empty()).then(|| Scope {
        refs,
        at: Pointer::root().key("metadata").key("component"),
    })
}

/// The purl of each component (and of `metadata.component`) by bom-ref, at
/// any depth. The first component with a bom-ref wins.
fn purls_by_bom_ref(root: &Json) -> BTreeMap<&str, &str> {
    let mut purls = BTreeMap::new();
    if let Some(subject) = root.get("metadata").and_then(|m| m.get("component")) {
        collect(subject, &mut purls, 0);
    }
    for component in json::array_at(root, "components") {
        collect(component, &mut purls, 0);
    }
    purls
}

fn collect<'a>(component: &'a Json, purls: &mut BTreeMap<&'a str, &'a str>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    if let (Some(bom_ref), Some(purl)) = (
        json::str_at(component, "bom-ref"),
        json::str_at(component, "purl"),
    ) {
        purls.entry(bom_ref).or_insert(purl);
    }
    for nested in json::array_at(component, "components") {
        collect(nested, purls, depth + 1);
    }
}
