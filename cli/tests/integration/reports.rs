//! The report formats as a user gets them from `assure check --output`:
//! SARIF that validates against the official SARIF 2.1.0 schema and points at
//! the line holding each cited value; JUnit with one test case per rule;
//! Markdown for CI summaries; and an HTML page that a real browser shows
//! without making a single request. Each test names what it guards.
//!
//! Each example is checked once (`OnceLock`), writing every format; the
//! tests share the result.

#![allow(
    clippy::disallowed_macros,
    reason = "a test reports what it measured or skipped"
)]
#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{assure, root};

const AS_OF: &str = "2025-09-22T00:00:00Z";

/// Every report of one `assure check` run, and the JSON decision it printed.
struct Reports {
    json: String,
    sarif: String,
    junit: String,
    markdown: String,
    html: String,
}

impl Reports {
    fn decision(&self) -> Value {
        serde_json::from_str(&self.json).unwrap()
    }
}

/// Runs `assure check` on `folder` (from `cwd`) with the JSON decision on
/// stdout and every other format written by `--output`.
fn check(folder: &Path, cwd: &Path, code: i32) -> Reports {
    let out = tempfile::tempdir().unwrap();
    let file = |name: &str| out.path().join(name);
    let mut cmd = assure();
    cmd.current_dir(cwd)
        .args(["check", "--as-of", AS_OF, "--format", "json"]);
    for (format, name) in [
        ("sarif", "report.sarif"),
        ("junit", "report.xml"),
        ("markdown", "report.md"),
        ("html", "report.html"),
    ] {
        cmd.arg("--output")
            .arg(format!("{format}={}", file(name).display()));
    }
    let json = cmd
        .arg(folder)
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone();
    let read = |name: &str| std::fs::read_to_string(file(name)).unwrap();
    Reports {
        json: String::from_utf8(json).unwrap(),
        sarif: read("report.sarif"),
        junit: read("report.xml"),
        markdown: read("report.md"),
        html: read("report.html"),
    }
}

/// An example, checked as the README shows: from the repository root.
fn example(name: &str, code: i32) -> Reports {
    check(&Path::new("examples").join(name), &root(), code)
}

fn rejected() -> &'static Reports {
    static REPORTS: OnceLock<Reports> = OnceLock::new();
    REPORTS.get_or_init(|| example("rejected", 2))
}

fn approved() -> &'static Reports {
    static REPORTS: OnceLock<Reports> = OnceLock::new();
    REPORTS.get_or_init(|| example("approved", 0))
}

fn needs_evidence() -> &'static Reports {
    static REPORTS: OnceLock<Reports> = OnceLock::new();
    REPORTS.get_or_init(|| example("needs-evidence", 3))
}

fn strs(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

/// The rule ids of the decision with an outcome.
fn rules_with(decision: &Value, outcome: &str) -> Vec<String> {
    decision["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["outcome"] == outcome)
        .map(|r| r["rule"].as_str().unwrap().to_owned())
        .collect()
}

// SARIF

/// Where a SARIF log breaks the official schema (formats checked too).
fn schema_errors(log: &Value) -> Vec<String> {
    static SCHEMA: OnceLock<jsonschema::Validator> = OnceLock::new();
    let validator = SCHEMA.get_or_init(|| {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif-schema-2.1.0.json");
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .should_validate_formats(true)
            .build(&schema)
            .unwrap()
    });
    validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// Validates a SARIF log against the official schema, and the SARIF rules
/// a schema cannot say.
fn assert_valid_sarif(text: &str, decision: &Value) -> Value {
    let log: Value = serde_json::from_str(text).unwrap();
    let errors = schema_errors(&log);
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );

    assert_eq!(log["version"], "2.1.0");
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let run = &log["runs"][0];
    assert_eq!(log["runs"].as_array().unwrap().len(), 1);
    assert_eq!(run["tool"]["driver"]["name"], "assure");
    assert_eq!(run["properties"]["verdict"], decision["verdict"]);
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    // One reporting descriptor per rule of the bundle, in rule order, then
    // the engine's own three (unreadable evidence, fact problems, rules that
    // failed to evaluate).
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut expected: Vec<&str> = decision["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    expected.extend([
        "assure.document-unread",
        "assure.fact-problem",
        "assure.evaluation-error",
    ]);
    assert_eq!(ids, expected);
    for rule in rules {
        let severity = rule["properties"]["security-severity"].as_str().unwrap();
        assert!(severity.parse::<f64>().is_ok(), "{severity}");
    }
    // Every result names its rule by id and index; SARIF §3.27.10: a
    // result that is not `fail` has level `none`.
    let results = run["results"].as_array().unwrap();
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        if result["kind"] != "fail" {
            assert_eq!(result["level"], "none", "{result}");
        }
        assert!(result["partialFingerprints"]["assureFinding/v1"].is_string());
    }
    let fingerprints: BTreeSet<&str> = results
        .iter()
        .map(|r| {
            r["partialFingerprints"]["assureFinding/v1"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(fingerprints.len(), results.len(), "fingerprints are unique");
    let count = |key: &str| decision[key].as_array().unwrap().len();
    assert_eq!(
        results.len(),
        count("findings")
            + count("advisories")
            + rules_with(decision, "undecided").len()
            + count("document_errors")
            + count("fact_problems")
            + count("evaluation_errors")
    );
    // Every evidence file is an artifact, with its SHA-256.
    let artifacts: BTreeMap<&str, &str> = run["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["location"]["uri"].as_str().unwrap(),
                a["hashes"]["sha-256"].as_str().unwrap(),
            )
        })
        .collect();
    for evidence in decision["inputs"]["evidence"].as_array().unwrap() {
        assert_eq!(
            artifacts.get(evidence["path"].as_str().unwrap()),
            Some(&evidence["sha256"].as_str().unwrap()),
        );
    }
    log
}

/// The text between two SARIF positions (lines and columns from 1, columns
/// in characters, the end exclusive).
fn text_between(text: &str, region: &Value) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let (start_line, start_column) = (
        region["startLine"].as_u64().unwrap() as usize,
        region["startColumn"].as_u64().unwrap() as usize,
    );
    let (end_line, end_column) = (
        region["endLine"].as_u64().unwrap() as usize,
        region["endColumn"].as_u64().unwrap() as usize,
    );
    let mut out = String::new();
    for n in start_line..=end_line {
        let line = n.checked_sub(1).and_then(|i| lines.get(i));
        assert!(line.is_some(), "line {n} of {region} is not in the file");
        let chars: Vec<char> = line.unwrap().chars().collect();
        let from = if n == start_line { start_column - 1 } else { 0 };
        let to = if n == end_line {
            end_column - 1
        } else {
            chars.len()
        };
        let part = chars.get(from..to);
        assert!(
            part.is_some(),
            "columns {from}..{to} of line {n} are not in the file"
        );
        out.extend(part.unwrap());
        if n != end_line {
            out.push('\n');
        }
    }
    out
}

#[test]
fn rejected_sarif_validates_against_the_official_sarif_schema() {
    let reports = rejected();
    let log = assert_valid_sarif(&reports.sarif, &reports.decision());
    let results = log["runs"][0]["results"].as_array().unwrap();
    let r1 = results.iter().find(|r| r["ruleId"] == "R1").unwrap();
    assert_eq!(r1["kind"], "fail");
    assert_eq!(r1["level"], "error");
    let message = r1["message"]["text"].as_str().unwrap();
    assert!(message.contains("CVE-2021-44228"), "{message}");
    assert!(message.contains("VEX status affected"), "{message}");
    assert!(
        message.contains("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"),
        "{message}"
    );
    let advisory = results.iter().find(|r| r["ruleId"] == "R3.2").unwrap();
    assert_eq!(advisory["level"], "note");
}

#[test]
fn the_schema_check_catches_a_log_that_breaks_the_schema() {
    let mut log: Value = serde_json::from_str(&rejected().sarif).unwrap();
    log["runs"][0]["results"][0]["level"] = "fatal".into();
    log["runs"][0]["artifacts"][1]["mimeType"] = "no media type".into();
    log["runs"][0]["tool"]["driver"]["informationUri"] = "not a uri".into();
    let errors = schema_errors(&log);
    assert_eq!(errors.len(), 3, "{errors:#?}");
}

#[test]
fn approved_and_needs_evidence_sarif_validate_against_the_official_sarif_schema() {
    let approved = approved();
    let log = assert_valid_sarif(&approved.sarif, &approved.decision());
    // Approved: nothing but advisories (R21.2: a DTAC v1.0 form does not ask
    // about the Software Security Code of Practice), as notes.
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(
        results
            .iter()
            .all(|r| r["level"] == "note" && r["ruleId"] == "R21.2"),
        "{results:#?}"
    );
    let needs = needs_evidence();
    assert_valid_sarif(&needs.sarif, &needs.decision());
}

#[test]
fn rejected_sarif_locates_each_finding_at_the_line_of_the_cited_value() {
    let reports = rejected();
    let decision = reports.decision();
    let log: Value = serde_json::from_str(&reports.sarif).unwrap();
    let submitted: BTreeSet<&str> = decision["inputs"]["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    let folder = root().join("examples/rejected");
    let mut checked = 0;
    for result in log["runs"][0]["results"].as_array().unwrap() {
        let locations = result["locations"].as_array().unwrap();
        assert!(!locations.is_empty(), "{result}");
        for location in locations {
            let physical = &location["physicalLocation"];
            let uri = physical["artifactLocation"]["uri"].as_str().unwrap();
            assert_eq!(physical["artifactLocation"]["uriBaseId"], "SUBMISSION");
            // A finding about the submission as a whole points at its manifest.
            assert!(
                submitted.contains(uri) || uri == "submission.toml",
                "{uri} is not a submitted document"
            );
            let Some(pointer) = location["properties"]["jsonPointer"].as_str() else {
                continue;
            };
            // The region holds exactly the value the pointer names.
            let text = std::fs::read_to_string(folder.join(uri)).unwrap();
            let document: Value = serde_json::from_str(&text).unwrap();
            let cited = document.pointer(pointer).unwrap();
            let region = &physical["region"];
            let held: Value = serde_json::from_str(&text_between(&text, region)).unwrap();
            assert_eq!(&held, cited, "{uri}#{pointer} at {region}");
            // And its first line is the line the value starts on.
            let line = text
                .split('\n')
                .nth(region["startLine"].as_u64().unwrap() as usize - 1);
            let first = serde_json::to_string_pretty(cited).unwrap();
            assert!(
                line.unwrap().contains(first.lines().next().unwrap()),
                "{uri}#{pointer}: line {region} is {line:?}"
            );
            checked += 1;
        }
        // The bundle's reference data is related, never the location.
        for related in result["relatedLocations"].as_array().into_iter().flatten() {
            assert_eq!(
                related["physicalLocation"]["artifactLocation"]["uriBaseId"],
                "BUNDLE"
            );
        }
    }
    // R1, R2.1 (two citations) and R3.2: every pointer was checked.
    assert!(checked >= 4, "only {checked} locations checked");
    let results = log["runs"][0]["results"].as_array().unwrap();
    let r1 = results.iter().find(|r| r["ruleId"] == "R1").unwrap();
    assert_eq!(
        r1["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "data/kev.json"
    );
}

#[test]
fn sarif_of_every_evidence_format_validates_and_puts_line_citations_on_their_line() {
    // Every plugin, `line N` citations (MDS2 CSV) and an unreadable document.
    let reports = check(&root().join("tests/fixtures/every-format"), &root(), 2);
    let decision = reports.decision();
    let log = assert_valid_sarif(&reports.sarif, &decision);
    let run = &log["runs"][0];
    let mut lines = 0;
    for finding in decision["findings"]
        .as_array()
        .unwrap()
        .iter()
        .chain(decision["advisories"].as_array().unwrap())
    {
        let result = run["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["ruleId"] == finding["rule"])
            .unwrap();
        for citation in finding["evidence"].as_array().unwrap() {
            let Some(line) = citation["location"].as_str().unwrap().strip_prefix("line ") else {
                continue;
            };
            let held = result["locations"].as_array().unwrap().iter().any(|l| {
                l["physicalLocation"]["artifactLocation"]["uri"] == citation["document"]
                    && l["physicalLocation"]["region"]["startLine"] == line.parse::<u64>().unwrap()
            });
            assert!(
                held,
                "{} line {line} is not a location of {}",
                citation["document"], finding["rule"]
            );
            lines += 1;
        }
    }
    assert!(lines > 0, "no line citation checked");
    // The document no plugin reads is a notification, located at the file.
    let unread = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["descriptor"]["id"] == "document-unread")
        .unwrap();
    assert_eq!(
        unread["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "covering-letter.txt"
    );
}

#[test]
fn needs_evidence_sarif_has_an_open_result_per_undecided_rule_at_the_manifest() {
    let reports = needs_evidence();
    let decision = reports.decision();
    let log: Value = serde_json::from_str(&reports.sarif).unwrap();
    let undecided = rules_with(&decision, "undecided");
    let open: Vec<&Value> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "open")
        .collect();
    let ids: Vec<&str> = open.iter().map(|r| r["ruleId"].as_str().unwrap()).collect();
    assert_eq!(ids, undecided);
    let r6 = open.iter().find(|r| r["ruleId"] == "R6.1").unwrap();
    let location = &r6["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "submission.toml");
    assert_eq!(location["region"]["startLine"], 1);
    let message = r6["message"]["text"].as_str().unwrap();
    assert!(
        message.contains("missing evidence: Cyber Essentials certificate"),
        "{message}"
    );
}

// JUnit

/// A JUnit report's suite, with its counts checked against its test cases.
fn junit_counts(text: &str) -> (usize, usize, usize, usize, Vec<(String, String)>) {
    let doc = roxmltree::Document::parse(text).unwrap();
    let suites = doc.root_element();
    assert_eq!(suites.tag_name().name(), "testsuites");
    let suite = suites
        .children()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    let cases: Vec<roxmltree::Node> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let with = |tag: &str| {
        cases
            .iter()
            .filter(|c| c.children().any(|n| n.has_tag_name(tag)))
            .count()
    };
    let counts = (cases.len(), with("failure"), with("error"), with("skipped"));
    for element in [suites, suite] {
        let attribute = |name: &str| element.attribute(name).unwrap().parse::<usize>().unwrap();
        assert_eq!(
            (
                attribute("tests"),
                attribute("failures"),
                attribute("errors"),
                attribute("skipped")
            ),
            counts,
            "the counts on <{}>",
            element.tag_name().name()
        );
    }
    let names = cases
        .iter()
        .map(|c| {
            (
                c.attribute("classname").unwrap().to_owned(),
                c.attribute("name").unwrap().to_owned(),
            )
        })
        .collect();
    (counts.0, counts.1, counts.2, counts.3, names)
}

#[test]
fn rejected_junit_has_a_test_case_per_rule_and_fails_the_failed_rules() {
    let reports = rejected();
    let decision = reports.decision();
    let (tests, failures, errors, skipped, names) = junit_counts(&reports.junit);
    // One per rule, and one for the evidence being readable and consistent.
    assert_eq!(tests, decision["rules"].as_array().unwrap().len() + 1);
    assert_eq!(failures, rules_with(&decision, "failed").len());
    assert_eq!(failures, 2);
    assert_eq!((errors, skipped), (0, 0));
    assert_eq!(
        names[0],
        (
            "nhs-baseline.vulnerabilities".to_owned(),
            "R1 No known-exploited vulnerability left open".to_owned()
        )
    );
    let doc = roxmltree::Document::parse(&reports.junit).unwrap();
    let r1 = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("name").unwrap().starts_with("R1 "))
        .unwrap();
    let failure = r1.children().find(|n| n.has_tag_name("failure")).unwrap();
    assert_eq!(failure.attribute("type"), Some("critical"));
    let text = failure.text().unwrap();
    assert!(text.contains("sbom.cdx.json#/vulnerabilities/0"), "{text}");
    assert!(text.contains("fix: "), "{text}");
}

#[test]
fn needs_evidence_junit_has_an_error_per_undecided_rule() {
    let reports = needs_evidence();
    let decision = reports.decision();
    let (tests, failures, errors, _, _) = junit_counts(&reports.junit);
    assert_eq!(tests, decision["rules"].as_array().unwrap().len() + 1);
    assert_eq!(failures, 0);
    assert_eq!(errors, rules_with(&decision, "undecided").len());
    assert!(errors > 0);
    let doc = roxmltree::Document::parse(&reports.junit).unwrap();
    for error in doc.descendants().filter(|n| n.has_tag_name("error")) {
        assert_eq!(error.attribute("type"), Some("needs-evidence"));
        assert!(
            error
                .attribute("message")
                .unwrap()
                .contains("missing evidence: ")
        );
    }
}

// Markdown

#[test]
fn markdown_shows_the_verdict_the_findings_table_and_the_missing_evidence() {
    let rejected = &rejected().markdown;
    assert!(
        rejected.starts_with("## ❌ REJECT: CareFlow Reports 1.3.0\n"),
        "{rejected}"
    );
    for rule in ["R1", "R2.1"] {
        let row = rejected
            .lines()
            .find(|l| l.starts_with(&format!("| **{rule}** ")));
        assert!(row.is_some(), "no row for {rule}:\n{rejected}");
        let row = row.unwrap();
        // Four cells: rule, severity, subject, message (escaped pipes excepted).
        assert_eq!(row.replace("\\|", "").matches('|').count(), 5, "{row}");
        assert!(row.contains("| critical |"), "{row}");
        assert!(row.contains("CVE-2021-44228"), "{row}");
    }

    let reports = needs_evidence();
    let decision = reports.decision();
    let markdown = &reports.markdown;
    assert!(
        markdown.starts_with("## ⚠️ NEEDS-EVIDENCE: CareFlow Lite"),
        "{markdown}"
    );
    let missing = decision["missing_evidence"].as_array().unwrap();
    assert!(markdown.contains(&format!("### Missing evidence ({})\n", missing.len())));
    for m in missing {
        let title = m["title"].as_str().unwrap();
        let item = markdown
            .lines()
            .find(|l| l.starts_with(&format!("- **{title}**")));
        assert!(item.is_some(), "no item for {title}:\n{markdown}");
        let item = item.unwrap();
        for rule in strs(&m["rules"]) {
            assert!(item.contains(rule), "{rule} missing from {item}");
        }
    }
}

// Determinism

#[test]
fn every_report_is_byte_identical_across_runs_and_invocations() {
    // The second run reads the same folder by its absolute path from
    // elsewhere: nothing about the invocation may leak into a report.
    let elsewhere = tempfile::tempdir().unwrap();
    let again = check(&root().join("examples/rejected"), elsewhere.path(), 2);
    let first = rejected();
    for (format, a, b) in [
        ("json", &first.json, &again.json),
        ("sarif", &first.sarif, &again.sarif),
        ("junit", &first.junit, &again.junit),
        ("markdown", &first.markdown, &again.markdown),
        ("html", &first.html, &again.html),
    ] {
        assert!(a == b, "the {format} report differs between two runs");
    }
    assert!(!first.sarif.contains(&*root().to_string_lossy()));
}

// HTML, in a real browser

/// The browser, or `None` (with a skip line) when it is not installed and
/// `ASSURE_REQUIRE_BROWSER=1` is not set.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("ASSURE_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var("ASSURE_REQUIRE_BROWSER").as_deref() != Ok("1"),
        "ASSURE_REQUIRE_BROWSER=1 but there is no browser at {}",
        path.display()
    );
    eprintln!(
        "skipped: no browser at {} (set ASSURE_REQUIRE_BROWSER=1 to require one)",
        path.display()
    );
    None
}

/// What a browser did with a page: the DOM it built, and every URL it
/// requested on the page's behalf.
struct Browsed {
    dom: String,
    requests: Vec<String>,
}

/// Opens `html` in headless Chromium with a NetLog, and returns the DOM and
/// the page's requests. Chromium's own background traffic (update checks,
/// account lookups: requests whose initiator is "not an origin", outside the
/// page's network isolation key) is not the page's and is left out; every
/// other request counts, whatever its scheme.
fn browse(chromium: &Path, html: &str) -> Browsed {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    std::fs::write(&page, html).unwrap();
    let page_url = format!("file://{}", page.display());
    let net_log = dir.path().join("net.json");
    let dom_file = dir.path().join("dom.html");
    let mut child = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--log-net-log={}", net_log.display()))
        .arg("--dump-dom")
        .arg(&page_url)
        .stdout(std::fs::File::create(&dom_file).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut timed_out = false;
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(120) {
            child.kill().unwrap();
            child.wait().unwrap();
            timed_out = true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!timed_out, "the browser did not finish in 120 s");
    let dom = std::fs::read_to_string(&dom_file).unwrap();
    let log = std::fs::read_to_string(&net_log).unwrap();
    // A log cut short (the browser killed) lacks its closing brackets.
    let log: Value = serde_json::from_str(&log)
        .or_else(|_| serde_json::from_str(&format!("{}]}}", log.trim_end().trim_end_matches(','))))
        .unwrap();
    let url_request = &log["constants"]["logSourceType"]["URL_REQUEST"];
    let mut requests: BTreeMap<u64, (BTreeSet<String>, Option<String>, String)> = BTreeMap::new();
    for event in log["events"].as_array().unwrap() {
        if &event["source"]["type"] != url_request {
            continue;
        }
        let entry = requests
            .entry(event["source"]["id"].as_u64().unwrap())
            .or_default();
        let params = &event["params"];
        if let Some(url) = params["url"].as_str() {
            entry.0.insert(url.to_owned());
        }
        if let Some(initiator) = params["initiator"].as_str() {
            entry.1 = Some(initiator.to_owned());
        }
        if let Some(key) = params["network_isolation_key"].as_str() {
            entry.2 = key.to_owned();
        }
    }
    let requests = requests
        .into_values()
        .filter(|(_, initiator, key)| {
            initiator.as_deref() != Some("not an origin") || key.starts_with("file://")
        })
        .flat_map(|(urls, _, _)| urls)
        .filter(|url| *url != page_url)
        .collect();
    Browsed { dom, requests }
}

/// Every `src`, `href` and CSS `url(…)` in a DOM: none may leave the page.
fn assert_no_outside_reference(dom: &str) {
    for marker in [" src=\"", " href=\"", " xlink:href=\"", "url(", "@import"] {
        for (at, _) in dom.match_indices(marker) {
            let rest = &dom[at + marker.len()..];
            assert!(
                rest.starts_with('#') || rest.starts_with("data:"),
                "the page refers outside itself: {}",
                &dom[at..(at + 80).min(dom.len())]
            );
        }
    }
}

#[test]
fn html_report_in_a_browser_shows_verdict_rules_and_digests_and_requests_nothing() {
    let Some(chromium) = chromium() else { return };
    let reports = rejected();
    let decision = reports.decision();
    let browsed = browse(&chromium, &reports.html);
    let dom = &browsed.dom;
    let verdict_at = dom.find("id=\"verdict\"");
    assert!(verdict_at.is_some(), "no verdict banner");
    let verdict_at = verdict_at.unwrap();
    assert!(dom[verdict_at..].contains("REJECT"));
    for rule in rules_with(&decision, "failed") {
        assert!(
            dom.contains(&format!("class=\"finding\" data-rule=\"{rule}\"")),
            "no finding for {rule}"
        );
    }
    assert_eq!(rules_with(&decision, "failed"), ["R1", "R2.1"]);
    for evidence in decision["inputs"]["evidence"].as_array().unwrap() {
        let digest = evidence["sha256"].as_str().unwrap();
        assert!(
            dom.contains(&format!("class=\"digest\">{digest}</td>")),
            "no digest for {}",
            evidence["path"]
        );
    }
    assert!(dom.contains("Content-Security-Policy"));
    assert_no_outside_reference(dom);
    assert!(
        browsed.requests.is_empty(),
        "the page made requests: {:?}",
        browsed.requests
    );
}

#[test]
fn the_browser_harness_detects_a_request_to_another_host() {
    let Some(chromium) = chromium() else { return };
    let page = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>t</title></head>\
                <body><p>hello</p><img src=\"http://127.0.0.1:9/x.png\" alt=\"\"></body></html>";
    let browsed = browse(&chromium, page);
    assert!(browsed.dom.contains("hello"));
    assert_eq!(browsed.requests, ["http://127.0.0.1:9/x.png"]);
}

#[test]
fn a_hostile_component_name_renders_as_text() {
    // The supplier names a component `<script>alert(1)</script>`.
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("examples/rejected")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    let sbom = dir.path().join("sbom.cdx.json");
    let text = std::fs::read_to_string(&sbom).unwrap();
    assert!(text.contains("\"name\": \"log4j-core\""));
    std::fs::write(
        &sbom,
        text.replace(
            "\"name\": \"log4j-core\"",
            "\"name\": \"<script>alert(1)</script>\"",
        ),
    )
    .unwrap();
    let manifest = dir.path().join("submission.toml");
    let stripped: String = std::fs::read_to_string(&manifest)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("sha256"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&manifest, stripped).unwrap();

    let html = assure()
        .args(["check", "--as-of", AS_OF, "--format", "html"])
        .arg(dir.path())
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let html = String::from_utf8(html).unwrap();
    let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;";
    assert!(html.contains(escaped), "the name is not shown");
    assert!(!html.contains("<script"), "the page holds a script element");

    let Some(chromium) = chromium() else { return };
    let browsed = browse(&chromium, &html);
    assert!(
        browsed.dom.contains(escaped),
        "the browser does not show the name as text"
    );
    assert!(
        !browsed.dom.contains("<script"),
        "the browser built a script element"
    );
    assert!(browsed.requests.is_empty(), "{:?}", browsed.requests);
}

#[test]
fn an_unreadable_document_is_never_a_clean_junit_or_sarif_report() {
    // The approved example with its VEX cut short: no rule fails or is
    // undecided (the exposure rules have nothing to judge), yet the verdict
    // is needs-evidence — and both CI reports must say so.
    let copy = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("examples/approved")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), copy.path().join(entry.file_name())).unwrap();
    }
    std::fs::write(
        copy.path().join("vex.openvex.json"),
        "{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [\n",
    )
    .unwrap();
    let manifest = copy.path().join("submission.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let mut kept = String::new();
    let mut in_vex = false;
    for line in text.lines() {
        if line.starts_with("path") {
            in_vex = line.contains("vex.openvex.json");
        }
        if !(in_vex && line.starts_with("sha256")) {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    std::fs::write(&manifest, kept).unwrap();

    let reports = check(copy.path(), copy.path(), 3);
    let decision = reports.decision();
    assert!(rules_with(&decision, "failed").is_empty());
    assert!(rules_with(&decision, "undecided").is_empty());
    assert_eq!(decision["document_errors"].as_array().unwrap().len(), 1);

    let (_, failures, errors, _, _) = junit_counts(&reports.junit);
    assert_eq!((failures, errors), (0, 1), "{}", reports.junit);
    let doc = roxmltree::Document::parse(&reports.junit).unwrap();
    let case = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("testcase")
                && n.attribute("name") == Some("evidence read and consistent")
        })
        .unwrap();
    let error = case.children().find(|n| n.has_tag_name("error")).unwrap();
    assert!(
        error
            .text()
            .unwrap()
            .contains("vex.openvex.json could not be read")
    );

    let log = assert_valid_sarif(&reports.sarif, &decision);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let unread: Vec<&Value> = results
        .iter()
        .filter(|r| r["ruleId"] == "assure.document-unread")
        .collect();
    assert_eq!(unread.len(), 1, "{results:#?}");
    assert_eq!(unread[0]["kind"], "fail");
    assert_eq!(unread[0]["level"], "error");
    let location = &unread[0]["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "vex.openvex.json");
    assert_eq!(location["region"]["startLine"], 2);
}

#[test]
fn sarif_message_braces_are_doubled_as_the_spec_requires() {
    // A supplier's file named `vex{1}.openvex.json` that cannot be read: its
    // name reaches result messages, and `{1}` must not be read as a
    // placeholder (SARIF §3.11.5).
    let copy = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root().join("examples/approved")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), copy.path().join(entry.file_name())).unwrap();
    }
    std::fs::remove_file(copy.path().join("vex.openvex.json")).unwrap();
    std::fs::write(
        copy.path().join("vex{1}.openvex.json"),
        "{\"statements\": [\n",
    )
    .unwrap();
    let manifest = copy.path().join("submission.toml");
    let mut kept = String::new();
    let mut in_vex = false;
    for line in std::fs::read_to_string(&manifest).unwrap().lines() {
        if line.starts_with("path") {
            in_vex = line.contains("vex.openvex.json");
        }
        if in_vex && line.starts_with("sha256") {
            continue;
        }
        kept.push_str(&line.replace("vex.openvex.json", "vex{1}.openvex.json"));
        kept.push('\n');
    }
    std::fs::write(&manifest, kept).unwrap();
    let reports = check(copy.path(), copy.path(), 3);
    let log: Value = serde_json::from_str(&reports.sarif).unwrap();
    let mut texts = Vec::new();
    fn walk<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(map) => {
                for (k, v) in map {
                    match (k.as_str(), v) {
                        ("text" | "markdown", Value::String(s)) => out.push(s),
                        _ => walk(v, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
            _ => {}
        }
    }
    walk(&log, &mut texts);
    assert!(
        texts.iter().any(|t| t.contains("vex{{1}}.openvex.json")),
        "the file's name reaches a message"
    );
    for text in texts {
        // Every brace is doubled: removing the pairs leaves none.
        let rest = text.replace("{{", "").replace("}}", "");
        assert!(!rest.contains(['{', '}']), "{text}");
    }
}
