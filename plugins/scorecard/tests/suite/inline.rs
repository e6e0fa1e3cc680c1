//! The plugin over small inline documents: the deps.dev dialect, aggregate
//! scores, malformed checks and hostile shapes.

use crate::common::*;
use assure_plugin_sdk::Location;

/// A Scorecard v2 result with the given aggregate and checks.
fn result(score: &str, checks: &str) -> Vec<u8> {
    format!(
        r#"{{"date":"2024-05-06","repo":{{"name":"github.com/acme/app","commit":"abc"}},
            "scorecard":{{"version":"v5.0.0","commit":"def"}},
            "score":{score},"checks":{checks},"metadata":[]}}"#
    )
    .into_bytes()
}

const CHECKS: &str = r#"[
    {"name":"Binary-Artifacts","score":10,"reason":"","details":[],"documentation":{"short":"","url":""}},
    {"name":"Code-Review","score":4,"reason":"","details":[],"documentation":{"short":"","url":""}},
    {"name":"Fuzzing","score":0},
    {"name":"Packaging","score":-1},
    {"name":"License","score":5}
]"#;

#[test]
fn scorecard_v2_result() -> Result<(), String> {
    let x = ok("scorecard.json", &result("5.6", CHECKS))?;
    let f = &x.facts;
    assert_eq!(text(f, "scorecard.repo")?, "github.com/acme/app");
    assert_eq!(datetime(f, "scorecard.date")?, "2024-05-06");
    assert_eq!(decimal(f, "scorecard.score")?, "5.6");
    assert_eq!(text_set(f, "scorecard.inconclusive")?, ["Packaging"]);
    assert_eq!(
        text_set(f, "scorecard.low_checks")?,
        ["Code-Review", "Fuzzing"]
    );
    assert!(x.notes.is_empty(), "{:?}", notes(&x));
    Ok(())
}

#[test]
fn aggregate_is_a_decimal_from_the_text() -> Result<(), String> {
    for (json, expected) in [
        ("7", "7.0"),
        ("10", "10.0"),
        ("10.0", "10.0"),
        ("0.25", "0.25"),
        ("9.9999", "9.9999"),
        ("3.50", "3.5"),
        ("1e0", "1.0"),
    ] {
        let x = ok("s.json", &result(json, "[]"))?;
        assert_eq!(decimal(&x.facts, "scorecard.score")?, expected, "{json}");
    }
    Ok(())
}

#[test]
fn inconclusive_or_absent_aggregate_is_a_note() -> Result<(), String> {
    for score in ["-1", "-1.0"] {
        let x = ok("s.json", &result(score, CHECKS))?;
        assert!(!has(&x.facts, "scorecard.score"));
        assert_eq!(
            notes(&x),
            ["/score: the aggregate score is -1 (inconclusive): no score"]
        );
    }
    let x = ok("s.json", br#"{"repo":{"name":"r"},"checks":[]}"#)?;
    assert!(!has(&x.facts, "scorecard.score"));
    assert!(!has(&x.facts, "scorecard.date"));
    assert_eq!(
        notes(&x),
        [": no aggregate score: `scorecard.score` not emitted"]
    );
    Ok(())
}

#[test]
fn aggregate_outside_the_range_is_an_error() -> Result<(), String> {
    for score in [
        "10.5", "11", "-2", "-0.5", "100", "1e300", "0.00001", "7.12345", "-1.5",
    ] {
        let e = err(&result(score, "[]"))?;
        assert_eq!(pointer(&e.location)?, "/score", "{score}");
        assert!(e.message.contains("from 0 to 10"), "{}", e.message);
    }
    for score in [r#""5.6""#, "null", "[5]", "{}"] {
        let e = err(&result(score, "[]"))?;
        assert_eq!(pointer(&e.location)?, "/score", "{score}");
        assert!(e.message.contains("must be a number"), "{}", e.message);
    }
    Ok(())
}

#[test]
fn deps_dev_names() -> Result<(), String> {
    let doc = br#"{"date":"2024-06-03T00:00:00Z",
        "repository":{"name":"github.com/acme/app","commit":"abc"},
        "scorecard":{"version":"v5.0.0","commit":"def"},
        "overallScore":6.3,
        "check":[{"name":"Maintained","documentation":{"shortDescription":"x","url":"u"},
                  "score":-1,"reason":"","details":[]},
                 {"name":"SAST","score":3}],
        "metadata":[]}"#;
    let x = ok("deps.json", doc)?;
    let f = &x.facts;
    assert_eq!(text(f, "scorecard.repo")?, "github.com/acme/app");
    assert_eq!(at(f, "scorecard.repo")?, "/repository/name");
    assert_eq!(datetime(f, "scorecard.date")?, "2024-06-03T00:00:00Z");
    assert_eq!(decimal(f, "scorecard.score")?, "6.3");
    assert_eq!(at(f, "scorecard.score")?, "/overallScore");
    assert_eq!(text_set(f, "scorecard.inconclusive")?, ["Maintained"]);
    assert_eq!(text_set(f, "scorecard.low_checks")?, ["SAST"]);
    assert_eq!(at(f, "scorecard.low_checks")?, "/check");
    Ok(())
}

#[test]
fn deps_dev_project_response() -> Result<(), String> {
    let doc = br#"{"projectKey":{"id":"github.com/acme/app"},"starsCount":3,
        "scorecard":{"date":"2024-06-03T00:00:00Z",
            "repository":{"name":"github.com/acme/app","commit":"abc"},
            "scorecard":{"version":"v5.0.0","commit":"def"},
            "checks":[{"name":"Token-Permissions","score":0}],
            "overallScore":4.1,"metadata":[]}}"#;
    let x = ok("project.json", doc)?;
    let f = &x.facts;
    assert_eq!(text(f, "scorecard.repo")?, "github.com/acme/app");
    assert_eq!(at(f, "scorecard.repo")?, "/scorecard/repository/name");
    assert_eq!(decimal(f, "scorecard.score")?, "4.1");
    assert_eq!(at(f, "scorecard.score")?, "/scorecard/overallScore");
    assert_eq!(text_set(f, "scorecard.low_checks")?, ["Token-Permissions"]);
    assert_eq!(at(f, "scorecard.low_checks")?, "/scorecard/checks");
    Ok(())
}

#[test]
fn check_scores_are_whole_numbers_from_minus_one_to_ten() -> Result<(), String> {
    for check in [
        r#"{"name":"A","score":11}"#,
        r#"{"name":"A","score":-2}"#,
        r#"{"name":"A","score":5.5}"#,
        r#"{"name":"A","score":"five"}"#,
        r#"{"name":"A","score":"11"}"#,
        r#"{"name":"A"}"#,
    ] {
        let e = err(&result(
            "5",
            &format!(r#"[{{"name":"ok","score":1}},{check}]"#),
        ))?;
        assert_eq!(pointer(&e.location)?, "/checks/1/score", "{check}");
        assert!(e.message.contains("-1 to 10"), "{}", e.message);
    }
    for check in [r#"{"score":3}"#, r#"{"name":7,"score":3}"#, "3", "null"] {
        let e = err(&result("5", &format!("[{check}]")))?;
        assert_eq!(pointer(&e.location)?, "/checks/0/name", "{check}");
    }
    Ok(())
}

#[test]
fn wrong_types_are_errors_with_pointers() -> Result<(), String> {
    let cases: [(&[u8], &str); 6] = [
        (br#"{"repo":"github.com/a/b","checks":[]}"#, "/repo"),
        (br#"{"repo":{"name":5},"checks":[]}"#, "/repo/name"),
        (br#"{"repo":{"name":"r"},"checks":{"A":3}}"#, "/checks"),
        (br#"{"repo":{"name":"r"},"checks":"none"}"#, "/checks"),
        (br#"{"repo":{"name":"r"},"date":20240506}"#, "/date"),
        (
            br#"{"repo":{"name":"r"},"overallScore":"high"}"#,
            "/overallScore",
        ),
    ];
    for (doc, expected) in cases {
        let e = err(doc)?;
        assert_eq!(pointer(&e.location)?, expected);
    }
    Ok(())
}

#[test]
fn missing_members_are_notes() -> Result<(), String> {
    let x = ok("s.json", br#"{"score":3}"#)?;
    assert_eq!(decimal(&x.facts, "scorecard.score")?, "3.0");
    assert_eq!(x.facts.len(), 1);
    assert_eq!(
        notes(&x),
        [
            ": no repository name: `scorecard.repo` not emitted",
            ": no checks: inconclusive and low checks not emitted"
        ]
    );
    let x = ok("s.json", br#"{"repo":{"commit":"abc"},"checks":[]}"#)?;
    assert!(!has(&x.facts, "scorecard.repo"));
    assert!(text_set(&x.facts, "scorecard.low_checks")?.is_empty());
    Ok(())
}

#[test]
fn date_that_is_not_a_date_is_a_note() -> Result<(), String> {
    for date in ["yesterday", "06/05/2024", "", "2024-05-06 10:00:00"] {
        let doc = format!(r#"{{"repo":{{"name":"r"}},"score":1,"date":"{date}"}}"#);
        let x = ok("s.json", doc.as_bytes())?;
        assert!(!has(&x.facts, "scorecard.date"));
        assert!(
            notes(&x).iter().any(|n| n.starts_with("/date: ")),
            "{:?}",
            notes(&x)
        );
    }
    Ok(())
}

#[test]
fn not_a_scorecard_result() -> Result<(), String> {
    for doc in [&b"[]"[..], b"null", b"5", b"\"x\""] {
        let e = err(doc)?;
        assert!(e.message.contains("JSON object"), "{}", e.message);
    }
    let e = err(br#"{"bomFormat":"CycloneDX","specVersion":"1.6"}"#)?;
    assert!(e.message.contains("not an OpenSSF Scorecard result"));
    Ok(())
}

#[test]
fn broken_documents_are_errors_not_panics() -> Result<(), String> {
    let whole = result("5.6", CHECKS);
    let truncated = whole.get(..whole.len() / 2).ok_or("short")?;
    let e = err(truncated)?;
    assert!(e.message.contains("ends early"), "{}", e.message);
    assert!(matches!(e.location, Location::Line(_)), "{:?}", e.location);

    let e = err(b"{\"repo\":{\"name\":\"r\xff\"}}")?;
    assert!(e.message.contains("invalid unicode"), "{}", e.message);
    assert!(matches!(e.location, Location::Line(1)), "{:?}", e.location);

    let deep = format!(
        r#"{{"repo":{{"name":"r"}},"checks":{}{}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let e = err(deep.as_bytes())?;
    assert!(e.message.contains("recursion limit"), "{}", e.message);
    Ok(())
}

#[test]
fn huge_string_values_are_refused_where_they_are() -> Result<(), String> {
    let big = "x".repeat(50 * 1024 * 1024);
    // Anywhere in the document, read or not: an error naming the place,
    // whose message does not quote the value.
    for (doc, place) in [
        (
            format!(
                r#"{{"repo":{{"name":"r"}},"score":1,"checks":[{{"name":"{big}","score":2}}]}}"#
            ),
            "/checks/0/name",
        ),
        (
            format!(r#"{{"repo":{{"name":"r"}},"score":1,"date":"{big}"}}"#),
            "/date",
        ),
        (
            format!(r#"{{"repo":{{"name":"r"}},"score":1,"metadata":["{big}"]}}"#),
            "/metadata/0",
        ),
    ] {
        let e = err(doc.as_bytes())?;
        assert!(e.message.len() < 200, "{}", e.message);
        assert_eq!(pointer(&e.location)?, place);
    }
    // Just under the limit is read.
    let long = "x".repeat(1 << 20);
    let doc =
        format!(r#"{{"repo":{{"name":"r"}},"score":1,"checks":[{{"name":"{long}","score":2}}]}}"#);
    let x = ok("s.json", doc.as_bytes())?;
    assert_eq!(text_set(&x.facts, "scorecard.low_checks")?.len(), 1);
    Ok(())
}

#[test]
fn byte_order_mark_is_accepted() -> Result<(), String> {
    let mut doc = b"\xEF\xBB\xBF".to_vec();
    doc.extend(result("8", "[]"));
    let x = ok("s.json", &doc)?;
    assert_eq!(decimal(&x.facts, "scorecard.score")?, "8.0");
    Ok(())
}

#[test]
fn deps_dev_v3_writes_check_scores_as_text() -> Result<(), String> {
    let x = ok(
        "a.json",
        &result(
            "5",
            r#"[{"name":"A","score":"3"},{"name":"B","score":"-1"}]"#,
        ),
    )?;
    assert_eq!(text_set(&x.facts, "scorecard.low_checks")?, ["A"]);
    assert_eq!(text_set(&x.facts, "scorecard.inconclusive")?, ["B"]);
    Ok(())
}

/// deps.dev's web API response for a package version, with `projects`.
fn web(links_repo: &str, projects: &str) -> Vec<u8> {
    format!(
        r#"{{"package":{{"system":"NPM","name":"acme-app"}},"version":{{"version":"1.0.0",
            "links":{{"repo":"{links_repo}"}},"projects":{projects}}}}}"#
    )
    .into_bytes()
}

fn project(name: &str, repo: &str, score: &str) -> String {
    format!(
        r#"{{"type":"GITHUB","name":"{name}","scorecardV2":{{"date":"2024-05-01",
            "repo":{{"name":"{repo}"}},"check":[{{"name":"Maintained","score":10}}],"score":{score}}}}}"#
    )
}

#[test]
fn deps_dev_web_response_with_several_projects_reads_the_package_s_source() -> Result<(), String> {
    let doc = web(
        "git+https://github.com/Acme/App.git",
        &format!(
            "[{},{}]",
            project("other/lib", "github.com/other/lib", "9.9"),
            project("acme/app", "github.com/acme/app", "3.2")
        ),
    );
    let x = ok("web.json", &doc)?;
    assert_eq!(text(&x.facts, "scorecard.repo")?, "github.com/acme/app");
    assert_eq!(decimal(&x.facts, "scorecard.score")?, "3.2");
    assert_eq!(
        at(&x.facts, "scorecard.score")?,
        "/version/projects/1/scorecardV2/score"
    );
    assert!(
        notes(&x)
            .iter()
            .any(|n| n.starts_with("/version/projects/1: ") && n.contains("`github.com/acme/app`")),
        "{:?}",
        notes(&x)
    );
    Ok(())
}

#[test]
fn deps_dev_web_response_with_several_projects_and_no_source_lists_each() -> Result<(), String> {
    let doc = web(
        "https://example.com/elsewhere",
        &format!(
            "[{},{}]",
            project("other/lib", "github.com/other/lib", "9.9"),
            project("acme/app", "github.com/acme/app", "3.2")
        ),
    );
    let e = err(&doc)?;
    assert_eq!(pointer(&e.location)?, "/version/projects");
    for part in [
        "2 repositories",
        "github.com/other/lib at /version/projects/0/scorecardV2",
        "github.com/acme/app at /version/projects/1/scorecardV2",
    ] {
        assert!(e.message.contains(part), "{part}: {}", e.message);
    }
    Ok(())
}

#[test]
fn deps_dev_web_result_for_another_repository_than_its_project_is_an_error() -> Result<(), String> {
    let doc = web(
        "https://github.com/acme/app",
        &format!(
            "[{}]",
            project("acme/app", "github.com/someone/else", "9.0")
        ),
    );
    let e = err(&doc)?;
    assert_eq!(
        pointer(&e.location)?,
        "/version/projects/0/scorecardV2/repo/name"
    );
    assert!(e.message.contains("contradicts itself"), "{}", e.message);
    Ok(())
}

#[test]
fn deps_dev_web_result_without_a_repo_names_its_project() -> Result<(), String> {
    let doc = web(
        "https://github.com/acme/app",
        r#"[{"type":"GITHUB","name":"acme/app","scorecardV2":{"date":"2024-05-01","check":[],"score":6}}]"#,
    );
    let x = ok("web.json", &doc)?;
    assert_eq!(text(&x.facts, "scorecard.repo")?, "github.com/acme/app");
    assert_eq!(at(&x.facts, "scorecard.repo")?, "/version/projects/0/name");
    Ok(())
}

#[test]
fn deps_dev_v3_version_response_points_at_the_project() -> Result<(), String> {
    let doc = br#"{"versionKey":{"system":"NPM","name":"acme-app","version":"1.0.0"},
        "relatedProjects":[{"projectKey":{"id":"github.com/acme/app"},
            "relationProvenance":"UNVERIFIED_METADATA","relationType":"SOURCE_REPO"}]}"#;
    let e = err(doc)?;
    assert_eq!(pointer(&e.location)?, "");
    for part in [
        "the deps.dev version response has no Scorecard result",
        "/v3/projects/{id}",
        "`github.com/acme/app`",
    ] {
        assert!(e.message.contains(part), "{part}: {}", e.message);
    }
    Ok(())
}

#[test]
fn deps_dev_v3_project_response_without_a_scorecard_says_so() -> Result<(), String> {
    let e = err(br#"{"projectKey":{"id":"github.com/acme/app"},"starsCount":"3"}"#)?;
    assert!(
        e.message.contains(
            "the deps.dev project response has no `scorecard` for project `github.com/acme/app`"
        ),
        "{}",
        e.message
    );
    Ok(())
}

#[test]
fn deps_dev_v3_project_result_for_another_repository_is_an_error() -> Result<(), String> {
    let doc = br#"{"projectKey":{"id":"github.com/acme/app"},
        "scorecard":{"repository":{"name":"github.com/other/lib"},"checks":[],"overallScore":9.5}}"#;
    let e = err(doc)?;
    assert_eq!(pointer(&e.location)?, "/scorecard/repository/name");
    Ok(())
}

#[test]
fn deps_dev_web_response_with_many_projects_lists_ten() -> Result<(), String> {
    let projects: Vec<String> = (0..25)
        .map(|i| project(&format!("o/r{i}"), &format!("github.com/o/r{i}"), "5"))
        .collect();
    let e = err(&web(
        "https://example.com/none",
        &format!("[{}]", projects.join(",")),
    ))?;
    assert!(e.message.contains("25 repositories"), "{}", e.message);
    assert!(e.message.contains("and 15 more"), "{}", e.message);
    assert!(!e.message.contains("github.com/o/r10 "), "{}", e.message);
    Ok(())
}
