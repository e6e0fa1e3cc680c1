//! The plugin over real Scorecard files (see `fixtures/README.md`).

use crate::common::*;

const CHECK3: &[u8] = include_bytes!("../fixtures/scorecard-testdata_check3.json");
const SCHEMA: &[u8] = include_bytes!("../fixtures/scorecard_json.v2.schema");

#[test]
fn check3() -> Result<(), String> {
    let x = ok("check3.json", CHECK3)?;
    let f = &x.facts;
    assert_eq!(text(f, "scorecard.repo")?, "org/name");
    assert_eq!(at(f, "scorecard.repo")?, "/repo/name");
    assert_eq!(datetime(f, "scorecard.date")?, "2023-03-02T10:30:43-06:00");
    assert_eq!(at(f, "scorecard.date")?, "/date");
    assert_eq!(decimal(f, "scorecard.score")?, "0.0");
    assert_eq!(at(f, "scorecard.score")?, "/score");
    assert_eq!(text_set(f, "scorecard.inconclusive")?, ["Check-Name3"]);
    assert_eq!(at(f, "scorecard.inconclusive")?, "/checks");
    assert_eq!(
        text_set(f, "scorecard.low_checks")?,
        ["Check-Name", "Check-Name2"]
    );
    assert_eq!(at(f, "scorecard.low_checks")?, "/checks");
    assert_eq!(f.len(), 5);
    assert!(x.entities.is_empty());
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    Ok(())
}

#[test]
fn the_schema_is_not_a_result() -> Result<(), String> {
    let e = err(SCHEMA)?;
    assert!(
        e.message.contains("not an OpenSSF Scorecard result"),
        "{}",
        e.message
    );
    assert_eq!(pointer(&e.location)?, "");
    Ok(())
}

#[test]
fn same_bytes_same_output() -> Result<(), String> {
    let first = format!("{:?}", ok("a.json", CHECK3)?);
    let second = format!("{:?}", ok("a.json", CHECK3)?);
    assert_eq!(first, second);
    Ok(())
}

#[test]
fn describe_lists_every_emitted_path() -> Result<(), String> {
    let info = assure_plugin_scorecard::describe();
    assert_eq!(info.name, "scorecard");
    assert_eq!(info.media_types, ["application/vnd.ossf.scorecard+json"]);
    let x = ok("a.json", CHECK3)?;
    assert_eq!(x.facts.len(), info.fact_paths.len());
    for fact in &x.facts {
        assert!(info.fact_paths.contains(&fact.path), "{}", fact.path);
    }
    Ok(())
}
