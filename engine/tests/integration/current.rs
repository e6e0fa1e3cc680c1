//! What keeps a portfolio current, on the examples: extractions kept in a
//! facts store are the bytes a fresh extraction gives and are used instead
//! of the plugins; a kept entry that does not verify is discarded; what a
//! decision says does not depend on which copy of the reference data it was
//! made with when the copies agree on it; and the next instant a decision
//! can change by itself is never later than a change.

#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use assure_engine::change::{next_change, substance_digest};
use assure_engine::factcache::{FactsStore, MemoryFacts};
use assure_engine::jiff::{SignedDuration, Timestamp};
use assure_engine::{CheckOptions, Decision, Engine, LoadOptions, Submission, TrustedBundle};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn as_of() -> Timestamp {
    "2025-09-22T00:00:00Z".parse().unwrap()
}

fn engine() -> &'static Engine {
    static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(TrustedBundle::builtin().unwrap()).unwrap())
}

fn load(example: &str) -> Submission {
    Submission::load(
        &root().join("examples").join(example),
        &LoadOptions::default(),
    )
    .unwrap()
}

fn decide(engine: &Engine, submission: &Submission, options: &CheckOptions) -> Decision {
    engine.check(submission, options).unwrap().0
}

#[test]
fn kept_facts_are_the_bytes_a_fresh_extraction_gives_and_no_plugin_runs() {
    let engine = engine();
    let submission = load("approved");
    let first = Arc::new(MemoryFacts::default());
    let fresh = decide(
        engine,
        &submission,
        &CheckOptions::at(as_of()).with_facts(first.clone()),
    );
    let written = first.written();
    assert_eq!(written.len(), engine.facts_keys(&submission).len());
    assert_eq!(first.stats().misses, written.len());

    // A second store, filled by extracting again: the same bytes.
    let second = Arc::new(MemoryFacts::default());
    decide(
        engine,
        &submission,
        &CheckOptions::at(as_of()).with_facts(second.clone()),
    );
    assert!(
        second.written() == written,
        "a second extraction gave other bytes"
    );

    // Decided from the kept facts: every extraction taken from the store,
    // none made, and the same decision.
    let kept = Arc::new(MemoryFacts::with(written.clone()));
    let (again, timings) = engine
        .check(
            &submission,
            &CheckOptions::at(as_of()).with_facts(kept.clone()),
        )
        .unwrap();
    assert_eq!(kept.stats().hits, written.len());
    assert_eq!(kept.stats().misses, 0);
    assert!(kept.written().is_empty());
    assert!(
        timings
            .stages
            .iter()
            .all(|(stage, _)| !stage.starts_with("extract ")),
        "{:?}",
        timings.stages
    );
    assert_eq!(again.to_json(), fresh.to_json());
}

#[test]
fn a_kept_entry_that_does_not_verify_is_discarded_and_the_plugin_runs_again() {
    let engine = engine();
    let submission = load("approved");
    let store = Arc::new(MemoryFacts::default());
    let fresh = decide(
        engine,
        &submission,
        &CheckOptions::at(as_of()).with_facts(store.clone()),
    );
    let mut entries = store.written();
    // A fact rewritten after the entry was made (its digest no longer
    // matches), and another entry moved under the wrong key.
    let (_, ref mut forged) = entries[0];
    let text = String::from_utf8(forged.clone()).unwrap();
    let changed = text.replacen("\"Text\":\"", "\"Text\":\"forged ", 1);
    assert_ne!(changed, text, "the entry holds a text fact to forge");
    *forged = changed.into_bytes();
    let moved = entries[2].1.clone();
    entries[1].1 = moved;
    let bad: Vec<String> = entries[..2].iter().map(|(k, _)| k.clone()).collect();
    let kept = Arc::new(MemoryFacts::with(entries.clone()));
    let again = decide(
        engine,
        &submission,
        &CheckOptions::at(as_of()).with_facts(kept.clone()),
    );
    assert_eq!(again.to_json(), fresh.to_json());
    let mut discarded = kept.discarded();
    discarded.sort();
    let mut expected = bad.clone();
    expected.sort();
    assert_eq!(discarded, expected);
    assert_eq!(kept.stats().misses, 2);
    // Made again, the entries are the true ones.
    for key in &bad {
        assert_eq!(
            kept.get(key),
            store
                .written()
                .into_iter()
                .find(|(k, _)| k == key)
                .map(|(_, e)| e)
        );
    }
}

/// The built-in catalogue with one CVE added that no example ships.
fn kev_with_an_unrelated_addition() -> Vec<u8> {
    let mut kev: serde_json::Value = serde_json::from_slice(
        &std::fs::read(root().join("policies/nhs-baseline/data/kev.json")).unwrap(),
    )
    .unwrap();
    kev["catalogVersion"] = "2025.09.01".into();
    kev["dateReleased"] = "2025-09-01T12:00:00.000Z".into();
    let list = kev["vulnerabilities"].as_array_mut().unwrap();
    // Inserted first, so every other entry's place in the file moves.
    list.insert(
        0,
        serde_json::json!({"cveID": "CVE-1999-0001", "vendorProject": "x", "product": "x",
            "vulnerabilityName": "x", "dateAdded": "2025-09-01", "dueDate": "2025-09-22",
            "knownRansomwareCampaignUse": "Unknown"}),
    );
    kev["count"] = list.len().into();
    serde_json::to_vec(&kev).unwrap()
}

#[test]
fn a_newer_catalogue_that_changes_no_finding_changes_nothing_a_decision_says() {
    let newer = Engine::builder(TrustedBundle::builtin().unwrap())
        .reference("kev", "kev.json", kev_with_an_unrelated_addition())
        .build()
        .unwrap();
    for example in ["approved", "rejected", "needs-evidence"] {
        let submission = load(example);
        let a = decide(engine(), &submission, &CheckOptions::at(as_of()));
        let b = decide(&newer, &submission, &CheckOptions::at(as_of()));
        assert_ne!(a.to_json(), b.to_json(), "{example}: the record differs");
        assert_eq!(
            substance_digest(&a),
            substance_digest(&b),
            "{example}: what it says does not"
        );
        // Nor does a later evaluation time alone, within the same day's facts.
        let later = as_of().checked_add(SignedDuration::from_hours(1)).unwrap();
        let c = decide(engine(), &submission, &CheckOptions::at(later));
        let next = next_change(engine().bundle(), &a).unwrap();
        if next.at > later {
            assert_eq!(substance_digest(&a), substance_digest(&c), "{example}");
        }
    }
}

#[test]
fn no_decision_changes_by_itself_before_its_next_change() {
    // From each example's decision, follow the next changes for 400 days:
    // at the middle of each interval and just before its end the decision
    // says what it said at its start. A missed boundary would show here.
    let engine = engine();
    for example in ["approved", "rejected", "needs-evidence"] {
        let submission = load(example);
        let mut at = as_of();
        let end = at
            .checked_add(SignedDuration::from_hours(24 * 400))
            .unwrap();
        let mut steps = 0;
        while at < end {
            let start = decide(engine, &submission, &CheckOptions::at(at));
            let Some(next) = next_change(engine.bundle(), &start) else {
                break;
            };
            assert!(next.at > at, "{example}: {next:?} after {at}");
            let span = next.at.duration_since(at);
            for probe in [
                at.checked_add(span / 2).unwrap(),
                next.at.checked_sub(SignedDuration::from_millis(1)).unwrap(),
            ] {
                if probe <= at {
                    continue;
                }
                let d = decide(engine, &submission, &CheckOptions::at(probe));
                assert_eq!(
                    substance_digest(&d),
                    substance_digest(&start),
                    "{example}: changed at {probe}, before the next change {} ({}) after {at}",
                    next.at,
                    next.reason
                );
            }
            at = next.at;
            steps += 1;
            assert!(steps < 200, "{example}: too many changes");
        }
        assert!(steps > 0, "{example}: nothing in it is dated");
    }
}
