//! Severity: a rating for each exposure from its CVSS score or its
//! advisory's words, on one scale.

use super::read::text;
use crate::facts::{Assembly, FactProblem, FactValue, Provenance};

/// The CVSS v3 qualitative rating of a base score (FIRST, CVSS v3.1
/// specification, table 14); `None` outside 0.0–10.0.
pub(super) fn rating_of_score(score: &str) -> Option<&'static str> {
    // Tenths, without floating point: "9.8" → 98.
    let (whole, fraction) = score.split_once('.').unwrap_or((score, "0"));
    let whole: u32 = whole.parse().ok()?;
    let tenths: u32 = fraction.get(..1).unwrap_or("0").parse().ok()?;
    let rest_zero = fraction
        .get(1..)
        .unwrap_or_default()
        .bytes()
        .all(|b| b == b'0');
    let value = whole.checked_mul(10)?.checked_add(tenths)?;
    if value > 100 || (value == 100 && !rest_zero) {
        return None;
    }
    // A score of 8.95 is above 8.9: round the band boundary up.
    let value = if rest_zero { value } else { value + 1 };
    Some(match value {
        0 => "none",
        1..=39 => "low",
        40..=69 => "medium",
        70..=89 => "high",
        _ => "critical",
    })
}

/// A document's severity word, in the CVSS v3 rating scale.
pub(super) fn rating_of_word(word: &str) -> Option<&'static str> {
    match crate::identity::folded(word).as_str() {
        "critical" => Some("critical"),
        "high" | "important" => Some("high"),
        "medium" | "moderate" => Some("medium"),
        "low" => Some("low"),
        "none" | "info" | "informational" => Some("none"),
        _ => None,
    }
}

pub(super) const RATINGS: [&str; 5] = ["none", "low", "medium", "high", "critical"];

/// `severity_rating` of an open statement (affected or under
/// investigation): the worse of its CVSS score's rating and its severity
/// word's. A score outside 0–10 is a problem and not used; with neither
/// usable, the rating is absent and the rules that need it are undecided —
/// unknown severity is never low severity.
pub(super) fn severity(assembly: &mut Assembly, key: &(String, String)) {
    let Some(entity) = assembly.entities.get(key) else {
        return;
    };
    let open = matches!(
        text(&entity.facts, "status").as_deref(),
        Some("affected" | "under_investigation")
    );
    let score = entity
        .facts
        .get("cvss_score")
        .and_then(|record| match &record.value {
            FactValue::Decimal(d) => Some((d.clone(), record.provenance.clone())),
            _ => None,
        });
    let word = entity
        .facts
        .get("severity")
        .and_then(|record| match &record.value {
            FactValue::Text(t) => Some((t.clone(), record.provenance.clone())),
            _ => None,
        });
    let mut provenance = Vec::new();
    let mut best: Option<&'static str> = None;
    let mut consider = |rating: &'static str, at: Vec<Provenance>| {
        let rank = |r: &str| RATINGS.iter().position(|x| *x == r);
        if best.is_none_or(|b| rank(rating) > rank(b)) {
            best = Some(rating);
        }
        provenance.extend(at);
    };
    if let Some((score, at)) = score {
        match rating_of_score(&score) {
            Some(rating) => consider(rating, at),
            None => {
                let first = at.first().cloned().unwrap_or_default();
                assembly.problems.push(FactProblem {
                    plugin: first.plugin,
                    document: first.document,
                    fact: format!("Exposure[{}].cvss_score", key.1),
                    message: format!(
                        "the CVSS score `{score}` is outside 0.0–10.0: it is not used"
                    ),
                });
                if let Some(entity) = assembly.entities.get_mut(key) {
                    entity.facts.remove("cvss_score");
                }
            }
        }
    }
    if let Some((word, at)) = word
        && let Some(rating) = rating_of_word(&word)
    {
        consider(rating, at);
    }
    if let (true, Some(rating)) = (open, best) {
        assembly.set_derived(
            Some(key),
            "severity_rating",
            FactValue::Text(rating.to_owned()),
            provenance,
        );
    }
}
