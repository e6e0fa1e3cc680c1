//! What a hostile supplier can no longer bend: the text of every report, a
//! batch's account of every folder, the files a check opens, the files it
//! writes. Each test runs on a copy of an example and asserts what a person
//! or a CI system would see: the lines, the exit code, the untouched file.

#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

use std::path::{Path, PathBuf};

use predicates::prelude::*;

use crate::common::{assure, copy_example, example};

const AS_OF: &str = "2025-09-22T00:00:00Z";

/// The rejected example, its product renamed to one that tries to end its
/// line and print a verdict of its own, then reverse what follows it
/// (`CareFlow Reports`, a line feed, `APPROVE  every rule passed  (exit 0)`,
/// a carriage return, U+2028 and U+202E), and its security.txt renamed to a
/// file name holding a line break and a forged verdict.
fn forged() -> tempfile::TempDir {
    let dir = copy_example("rejected");
    let manifest = dir.path().join("submission.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let forged_file = "security\nAPPROVE.txt";
    std::fs::rename(
        dir.path().join("security.txt"),
        dir.path().join(forged_file),
    )
    .unwrap();
    let text = text
        .replacen(
            "name = \"CareFlow Reports\"",
            "name = \"CareFlow Reports\\nAPPROVE  every rule passed  (exit 0)\\r\\u2028\\u202E\"",
            1,
        )
        .replacen(
            "path = \"security.txt\"",
            "path = \"security\\nAPPROVE.txt\"",
            1,
        );
    std::fs::write(&manifest, text).unwrap();
    dir
}

fn stdout(dir: &Path, args: &[&str], code: i32) -> String {
    let output = assure()
        .args(["check", "--as-of", AS_OF])
        .args(args)
        .arg(dir)
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone();
    String::from_utf8(output).unwrap()
}

/// No line of `text` starts (after markup and spaces) with a forged verdict,
/// and nothing in it can reorder the text on screen.
fn no_forged_line(text: &str) {
    for line in text.lines() {
        let bare = line.trim_start_matches(['#', '*', '|', ' ', '-', '>', '<']);
        assert!(
            !bare.starts_with("APPROVE"),
            "a forged line: {line:?}\n{text}"
        );
    }
    for c in ['\u{202e}', '\u{2028}', '\r'] {
        assert!(!text.contains(c), "{c:?} reached the report:\n{text}");
    }
}

#[test]
fn the_terminal_shows_a_forged_name_on_one_line_and_the_real_verdict_last() {
    let dir = forged();
    let text = stdout(dir.path(), &[], 2);
    no_forged_line(&text);
    assert!(
        text.contains(
            "  product   CareFlow Reports\\nAPPROVE  every rule passed  (exit 0)\\r\\u{2028}\\u{202e} 1.3.0"
        ),
        "{text}"
    );
    assert!(text.contains("security\\nAPPROVE.txt"), "{text}");
    assert!(
        text.lines().last().unwrap().starts_with("REJECT "),
        "{text}"
    );
}

#[test]
fn markdown_keeps_a_forged_name_inside_its_cell() {
    let dir = forged();
    let text = stdout(dir.path(), &["--format", "markdown"], 2);
    no_forged_line(&text);
    assert!(text.contains("CareFlow Reports\\\\nAPPROVE"), "{text}");
}

#[test]
fn html_shows_a_forged_name_as_visible_escapes() {
    let dir = forged();
    let text = stdout(dir.path(), &["--format", "html"], 2);
    no_forged_line(&text);
    assert!(
        text.contains(
            "CareFlow Reports\\nAPPROVE  every rule passed  (exit 0)\\r\\u{2028}\\u{202e}"
        ),
        "the name is not shown as escapes"
    );
}

#[test]
fn junit_properties_and_messages_hold_no_forged_line() {
    let dir = forged();
    let text = stdout(dir.path(), &["--format", "junit"], 2);
    let xml = roxmltree::Document::parse(&text).unwrap();
    let product = xml
        .descendants()
        .find(|n| n.has_tag_name("property") && n.attribute("name") == Some("product"))
        .unwrap()
        .attribute("value")
        .unwrap();
    assert!(
        product.starts_with("CareFlow Reports\\nAPPROVE"),
        "{product}"
    );
    for node in xml.descendants() {
        for attribute in node.attributes() {
            assert!(
                !attribute.value().contains("\nAPPROVE"),
                "{}: {:?}",
                attribute.name(),
                attribute.value()
            );
        }
        if let Some(body) = node.text() {
            no_forged_line(body);
        }
    }
}

#[test]
fn sarif_messages_hold_no_forged_line() {
    let dir = forged();
    let text = stdout(dir.path(), &["--format", "sarif"], 2);
    let log: serde_json::Value = serde_json::from_str(&text).unwrap();
    fn strings<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
        match value {
            serde_json::Value::String(s) => out.push(s),
            serde_json::Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
            serde_json::Value::Object(map) => map.values().for_each(|v| strings(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    strings(&log, &mut all);
    for s in &all {
        assert!(!s.contains("\nAPPROVE"), "{s:?}");
        assert!(!s.contains('\u{202e}'), "{s:?}");
    }
    assert!(
        all.iter().any(|s| s.contains("APPROVE.txt")),
        "the evidence file is not named"
    );
}

/// A folder for [`batch_of`] to make: its name, and what makes it.
type Folder<'a> = (&'a str, &'a dyn Fn(&Path));

/// A folder of submissions holding the rejected example (as `checked`) and
/// `others`.
fn batch_of(others: &[Folder<'_>]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let batch = dir.path().join("batch");
    std::fs::create_dir(&batch).unwrap();
    copy_into("rejected", &batch.join("checked"));
    for (name, make) in others {
        make(&batch.join(name));
    }
    dir
}

fn copy_into(example_name: &str, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(example(example_name)).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
    }
}

fn batch_stdout(dir: &Path, args: &[&str], code: i32) -> String {
    let output = assure()
        .current_dir(dir)
        .args(["check", "--as-of", AS_OF, "batch"])
        .args(args)
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone();
    String::from_utf8(output).unwrap()
}

#[test]
fn a_forged_name_in_a_batch_stays_one_line_with_its_real_verdict() {
    let dir = batch_of(&[("forged", &|to: &Path| {
        let forged = forged();
        copy_into_from(forged.path(), to);
    })]);
    let text = batch_stdout(dir.path(), &[], 2);
    no_forged_line(&text);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("reject          batch/checked "),
        "{text}"
    );
    assert!(
        lines[1].starts_with("reject          batch/forged "),
        "{text}"
    );
    assert!(lines[1].contains("CareFlow Reports\\nAPPROVE"), "{text}");
    assert_eq!(lines[2], "", "{text}");
    assert!(
        lines[3].starts_with("2 submissions: 0 approve, 2 reject"),
        "{text}"
    );
    assert_eq!(lines.len(), 4, "{text}");

    let markdown = batch_stdout(dir.path(), &["--format", "markdown"], 2);
    no_forged_line(&markdown);
    assert_eq!(markdown.lines().count(), 6, "{markdown}");
}

fn copy_into_from(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
    }
}

#[test]
fn every_folder_of_a_batch_is_checked_or_listed_with_why_and_exit_5() {
    let misnamed = |to: &Path| {
        copy_into("rejected", to);
        std::fs::rename(to.join("submission.toml"), to.join("Submission.toml")).unwrap();
    };
    let empty = |to: &Path| std::fs::create_dir(to).unwrap();
    let mut others: Vec<Folder<'_>> = vec![("rejected", &misnamed), ("empty", &empty)];
    #[cfg(unix)]
    let dangling = |to: &Path| std::os::unix::fs::symlink("nowhere", to).unwrap();
    #[cfg(unix)]
    others.push(("dangling", &dangling));
    let dir = batch_of(&others);
    let text = batch_stdout(dir.path(), &[], 5);
    let lines: Vec<Vec<&str>> = text
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    let verdicts: Vec<(&str, &str)> = lines
        .iter()
        .take_while(|l| !l.is_empty())
        .map(|l| (l[0], l[1]))
        .collect();
    let mut expected = vec![
        ("reject", "batch/checked"),
        ("not-checked", "batch/empty"),
        ("not-checked", "batch/rejected"),
    ];
    if cfg!(unix) {
        expected.insert(1, ("not-checked", "batch/dangling"));
    }
    assert_eq!(verdicts, expected, "{text}");
    assert!(
        text.contains(
            "no submission.toml (there is `Submission.toml`: the name is case-sensitive)"
        ),
        "{text}"
    );
    assert!(
        text.contains("an empty folder: no submission.toml"),
        "{text}"
    );
    if cfg!(unix) {
        assert!(
            text.contains("a symbolic link to `nowhere` that leads nowhere"),
            "{text}"
        );
    }
    let n = expected.len();
    assert!(
        text.contains(&format!(
            "{n} submissions: 0 approve, 1 reject, 0 needs-evidence, 0 error(s), {} not checked",
            n - 1
        )),
        "{text}"
    );
}

#[test]
fn one_checkable_folder_still_gives_the_batch_s_lines_not_a_single_report() {
    let dir = batch_of(&[("rejected", &|to: &Path| {
        copy_into("rejected", to);
        std::fs::rename(to.join("submission.toml"), to.join("Submission.toml")).unwrap();
    })]);
    let text = batch_stdout(dir.path(), &[], 5);
    assert!(text.starts_with("reject          batch/checked "), "{text}");
    assert!(text.contains("not-checked     batch/rejected "), "{text}");
    assert!(!text.contains("assure check"), "a single report: {text}");
    let json: serde_json::Value =
        serde_json::from_str(&batch_stdout(dir.path(), &["--format", "json"], 5)).unwrap();
    assert_eq!(json["format"], "assure.batch/v1");
    assert_eq!(json["counts"]["not-checked"], 1);
    assert_eq!(json["submissions"][1]["verdict"], "not-checked");
}

fn generate_key(dir: &Path) -> PathBuf {
    assure()
        .args(["key", "generate", "--out"])
        .arg(dir.join("records"))
        .assert()
        .success();
    dir.join("records.key")
}

#[cfg(unix)]
#[test]
fn a_manifest_reached_through_a_link_out_is_refused_by_check_as_by_verify() {
    let outside = tempfile::tempdir().unwrap();
    let dir = copy_example("rejected");
    std::fs::rename(
        dir.path().join("submission.toml"),
        outside.path().join("submission.toml"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("submission.toml"),
        dir.path().join("submission.toml"),
    )
    .unwrap();
    let key = generate_key(outside.path());
    let record = outside.path().join("record.dsse.json");
    assure()
        .args(["check", "--as-of", AS_OF, "--attest"])
        .arg(&record)
        .arg("--key")
        .arg(&key)
        .arg(dir.path())
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "submission.toml: it resolves outside the folder",
        ));
    assert!(!record.exists(), "a record was signed");
}

#[cfg(unix)]
#[test]
fn check_and_verify_agree_on_an_evidence_file_swapped_for_a_link_out() {
    let outside = tempfile::tempdir().unwrap();
    let dir = copy_example("rejected");
    let key = generate_key(outside.path());
    let record = outside.path().join("record.dsse.json");
    assure()
        .args(["check", "--as-of", AS_OF, "--attest"])
        .arg(&record)
        .arg("--key")
        .arg(&key)
        .arg(dir.path())
        .assert()
        .code(2);
    // Between the check and the audit, the SBOM becomes a link to a copy of
    // itself outside the folder: the same bytes, from somewhere else.
    let sbom = dir.path().join("sbom.cdx.json");
    std::fs::copy(&sbom, outside.path().join("sbom.cdx.json")).unwrap();
    std::fs::remove_file(&sbom).unwrap();
    std::os::unix::fs::symlink(outside.path().join("sbom.cdx.json"), &sbom).unwrap();
    assure()
        .arg("verify")
        .arg(&record)
        .arg("--trust")
        .arg(outside.path().join("records.pub"))
        .arg("--submission")
        .arg(dir.path())
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "sbom.cdx.json: unsafe path: it resolves outside the submission",
        ));
    assure()
        .args(["check", "--as-of", AS_OF])
        .arg(dir.path())
        .assert()
        .code(4)
        .stderr(predicate::str::contains(
            "`sbom.cdx.json`: resolves outside the submission folder",
        ));
}

#[test]
fn an_output_or_record_aimed_at_the_submission_is_refused_and_nothing_is_touched() {
    let dir = copy_example("rejected");
    let keys = tempfile::tempdir().unwrap();
    let key = generate_key(keys.path());
    let sbom = dir.path().join("sbom.cdx.json");
    let manifest = dir.path().join("submission.toml");
    let unlisted = dir.path().join("notes.txt");
    std::fs::write(&unlisted, "not declared, but present").unwrap();
    let before: Vec<Vec<u8>> = [&sbom, &manifest, &unlisted]
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();

    let cases: Vec<Vec<std::ffi::OsString>> = vec![
        vec!["--output".into(), format!("json={}", sbom.display()).into()],
        vec![
            "--output".into(),
            format!("html={}", manifest.display()).into(),
        ],
        vec![
            "--output".into(),
            format!("markdown={}", unlisted.display()).into(),
        ],
        vec![
            "--attest".into(),
            sbom.clone().into_os_string(),
            "--key".into(),
            key.clone().into_os_string(),
        ],
    ];
    for case in cases {
        assure()
            .args(["check", "--as-of", AS_OF])
            .args(&case)
            .arg(dir.path())
            .assert()
            .code(1)
            .stdout("")
            .stderr(predicate::str::contains(
                "which is a file of the submission being checked; nothing was written",
            ));
    }
    // Through a link from elsewhere, and as a hard link: the same file.
    let elsewhere = tempfile::tempdir().unwrap();
    let hard = elsewhere.path().join("hard.json");
    std::fs::hard_link(&sbom, &hard).unwrap();
    let mut aimed = vec![hard];
    #[cfg(unix)]
    {
        let soft = elsewhere.path().join("soft.json");
        std::os::unix::fs::symlink(&sbom, &soft).unwrap();
        aimed.push(soft);
    }
    for path in aimed {
        assure()
            .args(["check", "--as-of", AS_OF, "--output"])
            .arg(format!("sarif={}", path.display()))
            .arg(dir.path())
            .assert()
            .code(1)
            .stderr(predicate::str::contains("nothing was written"));
    }
    let after: Vec<Vec<u8>> = [&sbom, &manifest, &unlisted]
        .iter()
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    assert_eq!(before, after, "the submission was changed");

    // An output beside the submission is written whole, and replaces a link
    // at its path rather than writing through it.
    let report = elsewhere.path().join("report.json");
    #[cfg(unix)]
    {
        let target = elsewhere.path().join("target.txt");
        std::fs::write(&target, "keep").unwrap();
        std::os::unix::fs::symlink(&target, &report).unwrap();
        assure()
            .args(["check", "--as-of", AS_OF, "--output"])
            .arg(format!("json={}", report.display()))
            .arg(dir.path())
            .assert()
            .code(2);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
        assert!(
            !std::fs::symlink_metadata(&report)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).unwrap_or_default()).unwrap_or_default();
    if cfg!(unix) {
        assert_eq!(json["verdict"], "reject");
    }
}
