//! The plugin over the real documents in `corpus/` (see `corpus/PROVENANCE.md`):
//! each test asserts what a reviewer reads off the document by hand.

use crate::common::*;

fn sorted(mut names: Vec<String>) -> Vec<String> {
    names.sort();
    names
}

fn names(list: &[&str]) -> Vec<String> {
    sorted(list.iter().map(|s| (*s).to_owned()).collect())
}

#[test]
fn deps_dev_web_response_for_a_go_module() -> Result<(), String> {
    let x = ok(
        "hb-go-pkg.json",
        include_bytes!("../corpus/depsdev-web_go_hb-go-pkg_v0.0.2.json"),
    )?;
    let f = &x.facts;
    assert_eq!(text(f, "scorecard.repo")?, "github.com/hb-go/pkg");
    assert_eq!(
        at(f, "scorecard.repo")?,
        "/version/projects/0/scorecardV2/repo/name"
    );
    assert_eq!(datetime(f, "scorecard.date")?, "2022-04-11");
    assert_eq!(decimal(f, "scorecard.score")?, "4.8");
    assert_eq!(
        at(f, "scorecard.score")?,
        "/version/projects/0/scorecardV2/score"
    );
    assert_eq!(
        sorted(text_set(f, "scorecard.inconclusive")?),
        names(&["Webhooks", "Signed-Releases", "Packaging"])
    );
    assert_eq!(
        sorted(text_set(f, "scorecard.low_checks")?),
        names(&[
            "Maintained",
            "Code-Review",
            "CII-Best-Practices",
            "Dependency-Update-Tool",
            "Security-Policy",
            "Fuzzing",
            "Branch-Protection"
        ])
    );
    assert_eq!(
        at(f, "scorecard.low_checks")?,
        "/version/projects/0/scorecardV2/check"
    );
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    Ok(())
}

#[test]
fn deps_dev_web_response_for_a_maven_artifact() -> Result<(), String> {
    let x = ok(
        "spring-context.json",
        include_bytes!("../corpus/depsdev-web_maven_spring-context_5.3.20.json"),
    )?;
    let f = &x.facts;
    assert_eq!(
        text(f, "scorecard.repo")?,
        "github.com/spring-projects/spring-framework"
    );
    assert_eq!(datetime(f, "scorecard.date")?, "2022-07-18");
    assert_eq!(decimal(f, "scorecard.score")?, "5.4");
    assert_eq!(
        sorted(text_set(f, "scorecard.inconclusive")?),
        names(&["Webhooks", "Signed-Releases", "Packaging"])
    );
    assert_eq!(
        sorted(text_set(f, "scorecard.low_checks")?),
        names(&[
            "Code-Review",
            "CII-Best-Practices",
            "Branch-Protection",
            "Token-Permissions",
            "Dependency-Update-Tool",
            "Pinned-Dependencies"
        ])
    );
    Ok(())
}

#[test]
fn deps_dev_web_response_without_a_scorecard_says_so() -> Result<(), String> {
    let e = err(include_bytes!("../corpus/depsdev-web_go_hb-chen-deps.json"))?;
    assert!(
        e.message.contains(
            "the deps.dev response has no `scorecardV2` for project `github.com/hb-chen/deps`"
        ),
        "{}",
        e.message
    );
    assert_eq!(pointer(&e.location)?, "/version/projects");
    Ok(())
}

#[test]
fn scorecard_s_own_output() -> Result<(), String> {
    let x = ok(
        "check3.json",
        include_bytes!("../corpus/scorecard-testdata_check3.json"),
    )?;
    let f = &x.facts;
    assert_eq!(text(f, "scorecard.repo")?, "org/name");
    assert_eq!(datetime(f, "scorecard.date")?, "2023-03-02T10:30:43-06:00");
    assert_eq!(decimal(f, "scorecard.score")?, "0.0");
    assert_eq!(text_set(f, "scorecard.inconclusive")?, ["Check-Name3"]);
    assert_eq!(
        sorted(text_set(f, "scorecard.low_checks")?),
        names(&["Check-Name", "Check-Name2"])
    );
    Ok(())
}
