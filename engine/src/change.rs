//! How decisions change over time, for anything that keeps a portfolio
//! current (`assure serve`, `assure recheck`):
//!
//! - [`substance_digest`]: what a decision says, without when it was made —
//!   two decisions with the same digest say the same thing, so a new one is
//!   stored (and anyone notified) only when it differs;
//! - [`Transition`]: what changed from one decision to the next, in words a
//!   person can act on;
//! - [`next_change`]: the next instant the decision can change by itself,
//!   with nothing new submitted — a certificate entering its last 30 days, a
//!   penetration test turning 365 days old, a waiver or the bundle expiring,
//!   reference data passing its maximum age.

use std::collections::BTreeSet;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::bundle::Bundle;
use crate::decision::{Decision, Finding, Verdict};
use crate::facts::FactValue;

/// The parts of a decision's JSON that say when it was made rather than
/// what it says: the evaluation time, the summary and what missing evidence
/// asks for (both count days), which copy of the reference data was used
/// and its age in days, and each waiver's days to run.
fn substance(decision: &Decision) -> serde_json::Value {
    let mut value = serde_json::to_value(decision).unwrap_or(serde_json::Value::Null);
    // Findings and facts cite the reference data by its file, digest and
    // place in it: cited by name instead.
    let mut copies: Vec<(String, String)> = Vec::new();
    for d in &decision.inputs.reference_data {
        let name = format!("reference data {}", d.name);
        copies.push((d.sha256.clone(), name.clone()));
        copies.push((format!("bundle:{}", d.path), name.clone()));
        copies.push((format!("reference:{}", d.path), name));
    }
    fn rename(v: &mut serde_json::Value, copies: &[(String, String)]) {
        match v {
            serde_json::Value::String(s) => {
                if let Some((_, name)) = copies.iter().find(|(copy, _)| copy == s) {
                    name.clone_into(s);
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|i| rename(i, copies)),
            serde_json::Value::Object(map) => {
                map.values_mut().for_each(|i| rename(i, copies));
                let cites_data = map
                    .get("document")
                    .and_then(serde_json::Value::as_str)
                    .is_some_and(|d| d.starts_with("reference data "));
                if cites_data {
                    map.remove("location");
                    map.remove("region");
                }
            }
            _ => {}
        }
    }
    rename(&mut value, &copies);
    if let Some(object) = value.as_object_mut() {
        object.remove("evaluated_at");
        object.remove("summary");
        // Which copy of the reference data was used is recorded, not said:
        // a newer catalogue that changes no finding changes nothing. Whether
        // it was too old to judge with is said.
        if let Some(data) = object
            .get_mut("inputs")
            .and_then(|i| i.get_mut("reference_data"))
            .and_then(serde_json::Value::as_array_mut)
        {
            for d in data {
                if let Some(d) = d.as_object_mut() {
                    d.retain(|k, _| k == "name" || k == "stale" || k == "max_age_days");
                }
            }
        }
        // What missing evidence asks for counts days (`… is 46 days old on
        // …`): compared by what is missing and which rules wait for it.
        if let Some(missing) = object
            .get_mut("missing_evidence")
            .and_then(serde_json::Value::as_array_mut)
        {
            for m in missing {
                if let Some(m) = m.as_object_mut() {
                    m.remove("ask");
                }
            }
        }
        if let Some(waivers) = object
            .get_mut("waivers")
            .and_then(serde_json::Value::as_array_mut)
        {
            for w in waivers {
                if let Some(w) = w.as_object_mut() {
                    w.remove("expires_in_days");
                    w.remove("message");
                }
            }
        }
    }
    value
}

/// The SHA-256 (hex) of what a decision says, leaving out when it was made
/// (see the module's documentation): equal digests, same decision.
pub fn substance_digest(decision: &Decision) -> String {
    let bytes = serde_json::to_vec(&substance(decision)).unwrap_or_default();
    hex::encode(Sha256::digest(bytes))
}

/// A finding as compared between decisions: its rule and subject.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FindingChange {
    /// The rule.
    pub rule: String,
    /// The rule's title.
    pub title: String,
    /// What it is about (`kind:id`).
    pub subject: String,
    /// Whether it blocks (not advisory, not waived).
    pub blocking: bool,
    /// What the finding says.
    pub message: String,
    /// What the facts it read say, where that explains it (`CVE-… was added
    /// to the known-exploited list on 2025-09-01`), and the facts it read.
    pub because: Vec<String>,
}

impl FindingChange {
    fn of(f: &Finding, decision: &Decision) -> Self {
        let mut because = Vec::new();
        let details = &f.subject_details;
        if let Some(cve) = &details.vulnerability
            && details.known_exploited == Some(true)
        {
            let added = decision
                .facts
                .entities
                .iter()
                .find(|e| e.kind == "Vulnerability" && &e.id == cve)
                .and_then(|e| e.facts.get("date_added"))
                .map(|r| match &r.value {
                    FactValue::Datetime(d) | FactValue::Text(d) => {
                        d.get(..10).unwrap_or(d).to_owned()
                    }
                    other => format!("{other:?}"),
                });
            let components = if details.components.is_empty() {
                String::new()
            } else {
                format!(", in {}", details.components.join(", "))
            };
            because.push(match added {
                Some(date) => {
                    format!("{cve} was added to the known-exploited list on {date}{components}")
                }
                None => format!("{cve} is on the known-exploited list{components}"),
            });
        }
        for c in &f.evidence {
            because.push(format!("{} = {} ({})", c.fact, c.value, c.document));
        }
        Self {
            rule: f.rule.clone(),
            title: f.title.clone(),
            subject: format!("{}:{}", f.subject.kind, f.subject.id),
            blocking: !f.advisory && f.waiver.is_none(),
            message: f.message.clone(),
            because,
        }
    }

    fn key(&self) -> (String, String, bool) {
        (self.rule.clone(), self.subject.clone(), self.blocking)
    }
}

/// A rule id's numbers, for ordering (`R30.2` → `[30, 2]`), then its text.
fn rule_number(rule: &str) -> (Vec<u64>, String) {
    let numbers = rule
        .trim_start_matches(|c: char| !c.is_ascii_digit())
        .split('.')
        .map_while(|part| part.parse().ok())
        .collect();
    (numbers, rule.to_owned())
}

/// What changed from one decision to the next.
#[derive(Debug, Clone, Serialize)]
pub struct Transition {
    /// The earlier verdict.
    pub from: Verdict,
    /// The later verdict.
    pub to: Verdict,
    /// Findings the later decision has that the earlier did not.
    pub appeared: Vec<FindingChange>,
    /// Findings of the earlier decision the later no longer has.
    pub cleared: Vec<FindingChange>,
    /// Evidence the later decision asks for that the earlier did not.
    pub missing_added: Vec<String>,
    /// Evidence the earlier decision asked for that the later does not.
    pub missing_answered: Vec<String>,
    /// Waivers (by file) in their warning period now that were not before.
    pub waivers_expiring: Vec<String>,
    /// Whether the bundle differs.
    pub bundle_changed: bool,
    /// Reference data whose version or content differs (`kev 2025.08.25 → 2025.09.01`).
    pub reference_data_changed: Vec<String>,
}

impl Transition {
    /// What changed from `old` to `new`.
    pub fn between(old: &Decision, new: &Decision) -> Self {
        let findings = |d: &Decision| -> Vec<FindingChange> {
            d.findings
                .iter()
                .chain(&d.advisories)
                .map(|f| FindingChange::of(f, d))
                .collect()
        };
        let (a, b) = (findings(old), findings(new));
        let keys_a: BTreeSet<_> = a.iter().map(FindingChange::key).collect();
        let keys_b: BTreeSet<_> = b.iter().map(FindingChange::key).collect();
        let mut appeared: Vec<_> = b
            .iter()
            .filter(|f| !keys_a.contains(&f.key()))
            .cloned()
            .collect();
        let mut cleared: Vec<_> = a
            .iter()
            .filter(|f| !keys_b.contains(&f.key()))
            .cloned()
            .collect();
        // Blocking first, then by rule number (R6.1 before R30.2).
        let order = |f: &FindingChange| (!f.blocking, rule_number(&f.rule), f.subject.clone());
        appeared.sort_by_key(order);
        appeared.dedup();
        cleared.sort_by_key(order);
        cleared.dedup();
        let missing = |d: &Decision| -> BTreeSet<String> {
            d.missing_evidence
                .iter()
                .map(|m| format!("{} ({})", m.title, m.evidence))
                .collect()
        };
        let (ma, mb) = (missing(old), missing(new));
        let expiring = |d: &Decision| -> BTreeSet<String> {
            d.waivers
                .iter()
                .filter(|w| w.expiring)
                .map(|w| w.file.clone())
                .collect()
        };
        let data = |d: &Decision| -> Vec<(String, String, String)> {
            d.inputs
                .reference_data
                .iter()
                .map(|r| (r.name.clone(), r.version.clone(), r.sha256.clone()))
                .collect()
        };
        let old_data = data(old);
        let reference_data_changed = data(new)
            .into_iter()
            .filter(|n| !old_data.contains(n))
            .map(|(name, version, _)| {
                let before = old_data
                    .iter()
                    .find(|o| o.0 == name)
                    .map_or_else(|| "none".to_owned(), |o| o.1.clone());
                format!("{name} {before} → {version}")
            })
            .collect();
        Self {
            from: old.verdict,
            to: new.verdict,
            appeared,
            cleared,
            missing_added: mb.difference(&ma).cloned().collect(),
            missing_answered: ma.difference(&mb).cloned().collect(),
            waivers_expiring: expiring(new).difference(&expiring(old)).cloned().collect(),
            bundle_changed: old.bundle.digest != new.bundle.digest,
            reference_data_changed,
        }
    }

    /// Whether the verdict changed.
    pub fn verdict_changed(&self) -> bool {
        self.from != self.to
    }

    /// Whether a blocking finding appeared.
    pub fn new_blocking(&self) -> bool {
        self.appeared.iter().any(|f| f.blocking)
    }

    /// What changed, one line each, the most important first: the verdict,
    /// each rule that now fires (with what it says), each that no longer
    /// does, evidence asked for and answered, waivers entering their warning
    /// period, and what the change was judged with.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if self.verdict_changed() {
            lines.push(format!(
                "verdict {} → {}",
                self.from.as_str(),
                self.to.as_str()
            ));
        }
        for f in &self.appeared {
            let kind = if f.blocking {
                "now fires"
            } else {
                "now advises"
            };
            lines.push(format!("{} {kind} on {}: {}", f.rule, f.subject, f.message));
        }
        for f in &self.cleared {
            lines.push(format!("{} no longer fires on {}", f.rule, f.subject));
        }
        for m in &self.missing_added {
            lines.push(format!("now asks for evidence: {m}"));
        }
        for m in &self.missing_answered {
            lines.push(format!("no longer asks: {m}"));
        }
        for w in &self.waivers_expiring {
            lines.push(format!("waiver {w} expires soon"));
        }
        if self.bundle_changed {
            lines.push("judged with another bundle".into());
        }
        for d in &self.reference_data_changed {
            lines.push(format!("reference data {d}"));
        }
        lines
    }
}

/// The next instant a decision can change by itself, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextChange {
    /// When: a boundary, or a millisecond after one (a rule `now < d` turns
    /// at `d`, a rule `d < now` a millisecond later).
    #[serde(serialize_with = "as_text")]
    pub at: jiff::Timestamp,
    /// What passes a boundary then (`cyber_essentials.expires − 30d`).
    pub reason: String,
}

fn as_text<S: serde::Serializer>(at: &jiff::Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(at)
}

/// The next instant after `decision.evaluated_at` at which `decision` can
/// change with nothing new submitted, judged by `bundle`'s rules: every
/// date-time fact the decision holds, against every duration and date-time
/// the bundle's policies compare the evaluation time with (a rule
/// `d < context.now.offset(duration("-365d"))` turns at `d + 365d`); each
/// waiver's start, warning period and end; the bundle's expiry; each
/// reference dataset passing its maximum age. `None` when nothing in the
/// decision is dated. The instant is a candidate, strictly after the
/// decision's time: re-deciding then may find nothing changed, and the next
/// candidate follows. No decision changes before it (a test follows the
/// examples' decisions for 400 days to show it).
pub fn next_change(bundle: &Bundle, decision: &Decision) -> Option<NextChange> {
    let as_of: jiff::Timestamp = decision.evaluated_at.parse().ok()?;
    let (offsets, instants) = policy_times(bundle);
    let mut best: Option<NextChange> = None;
    // A boundary `c` turns `now < c` at `c` and `c < now` a millisecond
    // later (Cedar compares milliseconds): both are candidates.
    let mut consider = |c: jiff::Timestamp, reason: &dyn Fn() -> String| {
        let after = c.checked_add(jiff::SignedDuration::from_millis(1)).ok();
        for at in std::iter::once(c).chain(after) {
            if at > as_of && best.as_ref().is_none_or(|b| at < b.at) {
                best = Some(NextChange {
                    at,
                    reason: reason(),
                });
            }
        }
    };
    let mut dated = |path: &str, d: jiff::Timestamp| {
        consider(d, &|| path.to_owned());
        for (text, span) in &offsets {
            if let Ok(at) = d.checked_sub(*span) {
                consider(at, &|| {
                    if let Some(positive) = text.strip_prefix('-') {
                        format!("{path} + {positive}")
                    } else {
                        format!("{path} − {text}")
                    }
                });
            }
        }
    };
    let facts = &decision.facts;
    for (path, record) in &facts.product {
        if let FactValue::Datetime(text) = &record.value
            && let Ok(d) = text.parse::<jiff::Timestamp>()
        {
            dated(path, d);
        }
    }
    for entity in &facts.entities {
        for (path, record) in &entity.facts {
            if let FactValue::Datetime(text) = &record.value
                && let Ok(d) = text.parse::<jiff::Timestamp>()
            {
                dated(&format!("{}[{}].{path}", entity.kind, entity.id), d);
            }
        }
    }
    for (text, at) in &instants {
        consider(*at, &|| format!("the rules' date {text}"));
    }
    let warn_days = bundle.waivers.as_ref().map_or(0, |w| w.warn_days);
    for w in &decision.waivers {
        let Some(p) = &w.waiver else { continue };
        if let Ok(created) = p.created.parse::<jiff::Timestamp>() {
            consider(created, &|| format!("waiver {} starts", w.file));
        }
        if let Ok(expires) = p.expires.parse::<jiff::Timestamp>() {
            consider(expires, &|| format!("waiver {} expires", w.file));
            // In its warning period once fewer than `warn_days` whole days
            // are left, counted in seconds (`waiver::apply`).
            let warn = i64::from(warn_days) * 86_400;
            if let Ok(at) = jiff::Timestamp::from_second(expires.as_second() - warn + 1) {
                consider(at, &|| {
                    format!("waiver {} enters its last {warn_days} days", w.file)
                });
            }
        }
    }
    if let Some(signed) = &decision.bundle.signed
        && let Ok(expires) = signed.expires.parse::<jiff::Timestamp>()
    {
        consider(expires, &|| "the bundle expires".to_owned());
    }
    for data in &decision.inputs.reference_data {
        let Some(released) = crate::time::normalise_datetime(&data.released)
            .and_then(|t| t.parse::<jiff::Timestamp>().ok())
        else {
            continue;
        };
        // Stale once more than `max_age_days` have passed, counted in whole
        // seconds (`ReferenceData::stale`): from the second after the limit.
        let limit = i64::from(data.max_age_days) * 86_400;
        if let Ok(at) = jiff::Timestamp::from_second(released.as_second() + limit + 1) {
            consider(at, &|| {
                format!(
                    "reference data {} {} passes its maximum age of {} days",
                    data.name, data.version, data.max_age_days
                )
            });
        }
    }
    best
}

/// A duration a policy offsets the evaluation time by, with its text.
type Offset = (String, jiff::SignedDuration);
/// A date-time a policy compares the evaluation time with, with its text.
type Instant = (String, jiff::Timestamp);

/// The durations and date-times the bundle's policies use, each with its
/// text: `duration("-365d")`, `datetime("2025-11-01T00:00:00Z")`.
fn policy_times(bundle: &Bundle) -> (Vec<Offset>, Vec<Instant>) {
    let mut durations = BTreeSet::new();
    let mut datetimes = BTreeSet::new();
    for policy in bundle.policies.policies() {
        let text = policy.to_string();
        durations.extend(literals(&text, "duration(\""));
        datetimes.extend(literals(&text, "datetime(\""));
    }
    let offsets = durations
        .into_iter()
        .filter_map(|d| cedar_duration(&d).map(|span| (d, span)))
        .collect();
    let instants = datetimes
        .into_iter()
        .filter_map(|d| {
            let at = crate::time::normalise_datetime(&d)?.parse().ok()?;
            Some((d, at))
        })
        .collect();
    (offsets, instants)
}

/// The string literals following each `prefix` in `text`.
fn literals(text: &str, prefix: &str) -> Vec<String> {
    text.match_indices(prefix)
        .filter_map(|(i, _)| {
            let rest = text.get(i + prefix.len()..)?;
            Some(rest.get(..rest.find('"')?)?.to_owned())
        })
        .collect()
}

/// A Cedar duration (`-365d`, `1d12h`, `90m`, `30s`, `500ms`).
fn cedar_duration(text: &str) -> Option<jiff::SignedDuration> {
    let (negative, mut rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text),
    };
    if rest.is_empty() {
        return None;
    }
    let mut millis: i64 = 0;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit())?;
        let n: i64 = rest.get(..digits)?.parse().ok()?;
        rest = rest.get(digits..)?;
        let (unit, len) = if rest.starts_with("ms") {
            (1, 2)
        } else {
            let unit = match rest.chars().next()? {
                'd' => 86_400_000,
                'h' => 3_600_000,
                'm' => 60_000,
                's' => 1_000,
                _ => return None,
            };
            (unit, 1)
        };
        rest = rest.get(len..)?;
        millis = millis.checked_add(n.checked_mul(unit)?)?;
    }
    Some(jiff::SignedDuration::from_millis(if negative {
        -millis
    } else {
        millis
    }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn cedar_durations() {
        assert_eq!(
            cedar_duration("-365d"),
            Some(jiff::SignedDuration::from_hours(-365 * 24))
        );
        assert_eq!(
            cedar_duration("1d12h"),
            Some(jiff::SignedDuration::from_hours(36))
        );
        assert_eq!(
            cedar_duration("500ms"),
            Some(jiff::SignedDuration::from_millis(500))
        );
        assert_eq!(cedar_duration("30x"), None);
        assert_eq!(cedar_duration("-"), None);
    }

    #[test]
    fn literals_are_found() {
        let text = r#"when { a < context.now.offset(duration("-365d")) && datetime("2025-11-01T00:00:00Z") <= context.now && b < context.now.offset(duration("30d")) }"#;
        assert_eq!(literals(text, "duration(\""), vec!["-365d", "30d"]);
        assert_eq!(literals(text, "datetime(\""), vec!["2025-11-01T00:00:00Z"]);
    }
}
