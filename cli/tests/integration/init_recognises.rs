//! `assure init` recognises evidence by its structure and says what it did
//! not declare, and why; `assure check` then reads what `init` declared.
//! The SBOMs are real generators' output (`engine/tests/fixtures/generated`,
//! see PROVENANCE.md there).

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

use std::path::{Path, PathBuf};

use predicates::prelude::*;

use crate::common::{assure, example, root};

const AS_OF: &str = "2025-09-22T00:00:00Z";

fn generated(file: &str) -> PathBuf {
    root().join("engine/tests/fixtures/generated").join(file)
}

/// Runs `assure check --format json` and returns the decision, asserting the
/// exit code.
fn check_json(folder: &Path, code: i32) -> serde_json::Value {
    let output = assure()
        .args(["check", "--format", "json", "--as-of", AS_OF])
        .arg(folder)
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&output).unwrap()
}

/// A supplier's folder: the SBOM cyclonedx-py wrote for CareFlow Lite
/// (its keys sorted, `bomFormat` last), the needs-evidence example's
/// security.txt, and a JSON file of no format assure reads.
fn cyclonedx_py_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        generated("careflow-lite.cdx.json"),
        dir.path().join("sbom.json"),
    )
    .unwrap();
    std::fs::copy(
        example("needs-evidence").join("security.txt"),
        dir.path().join("security.txt"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("notes.json"),
        r#"{"author": "procurement", "status": "draft"}"#,
    )
    .unwrap();
    dir
}

/// The manifest `assure init` wrote, with its product filled in as the SBOM
/// names it and the profile answered.
fn fill_in(folder: &Path) {
    let path = folder.join("submission.toml");
    let manifest = std::fs::read_to_string(&path)
        .unwrap()
        .replace("CHANGE ME: product name", "careflow-lite")
        .replace("CHANGE ME: version", "0.9.0")
        .replace("CHANGE ME: supplier legal name", "Northwind Health Ltd");
    std::fs::write(path, manifest).unwrap();
}

/// The issue's "show it": an SBOM written by cyclonedx-py is declared as
/// CycloneDX by `init` and read by `check`.
#[test]
fn init_declares_a_cyclonedx_py_sbom_and_check_reads_it() {
    let dir = cyclonedx_py_folder();
    assure()
        .arg("init")
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("3 evidence file(s)"))
        .stdout(predicate::str::contains(
            "recognised:\n  sbom.json: CycloneDX 1.6 JSON\n  security.txt: security.txt (8 fields)\n",
        ))
        .stdout(predicate::str::contains(
            "  notes.json: JSON, but no member says which format (it has `author`, `status`)\n",
        ));
    let manifest = std::fs::read_to_string(dir.path().join("submission.toml")).unwrap();
    assert!(
        manifest.contains(
            "# CycloneDX 1.6 JSON\n[[evidence]]\npath = \"sbom.json\"\nmedia_type = \"application/vnd.cyclonedx+json\"\n"
        ),
        "{manifest}"
    );
    // The unrecognised file is listed with its digest, without a media type,
    // and the manifest says why.
    assert!(
        manifest.contains(
            "# not recognised: JSON, but no member says which format (it has `author`, `status`).\n"
        ),
        "{manifest}"
    );
    assert!(
        manifest.contains("[[evidence]]\npath = \"notes.json\"\nsha256 = \""),
        "{manifest}"
    );
    fill_in(dir.path());
    // Read, the SBOM is judged: cyclonedx-py names no supplier and records
    // no hashes, which two rules refuse (exit 2), citing the SBOM.
    let decision = check_json(dir.path(), 2);
    for (rule, fact, location) in [
        ("R5.1", "sbom.supplier_present", "/metadata"),
        ("R5.3", "sbom.strong_hash_percent", "/components/0"),
    ] {
        let finding = decision["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule)
            .unwrap_or_else(|| panic!("no finding {rule}: {:#}", decision["findings"]));
        let cited = &finding["evidence"][0];
        assert_eq!(cited["document"], "sbom.json", "{finding:#}");
        assert_eq!(cited["fact"], fact, "{finding:#}");
        assert_eq!(cited["location"], location, "{finding:#}");
        assert_eq!(cited["plugin"], "cyclonedx", "{finding:#}");
    }
    // The SBOM was read by the CycloneDX plugin, into `sbom.*` facts.
    let contribution = decision["facts"]["contributions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["document"] == "sbom.json")
        .unwrap_or_else(|| panic!("no contribution from sbom.json: {decision:#}"));
    assert_eq!(contribution["plugin"], "cyclonedx");
    let product = decision["facts"]["product"].as_object().unwrap();
    assert!(
        product.keys().any(|k| k.starts_with("sbom.")),
        "no sbom.* fact: {product:?}"
    );
    // Its three components are entities of the decision.
    let components = decision["facts"]["entities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e.to_string().contains("pkg:pypi/"))
        .count();
    assert!(components >= 3, "{:#}", decision["facts"]["entities"]);
    // The only document error is the unrecognised notes.json, saying why.
    let errors = decision["document_errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["document"], "notes.json");
    assert_eq!(errors[0]["kind"], "unrecognised");
    let message = errors[0]["message"].as_str().unwrap();
    assert!(
        message.contains(
            "(not recognised: JSON, but no member says which format (it has `author`, `status`); \
             declare `media_type` in submission.toml if a plugin reads it)"
        ),
        "{message}"
    );
}

/// A manifest an older `init` wrote declared the cyclonedx-py SBOM as plain
/// JSON: `init` run again declares it as what it is, and says so.
#[test]
fn init_declares_again_what_an_older_init_took_for_plain_json() {
    let dir = cyclonedx_py_folder();
    assure().arg("init").arg(dir.path()).assert().code(0);
    let path = dir.path().join("submission.toml");
    let old = std::fs::read_to_string(&path)
        .unwrap()
        .replace("application/vnd.cyclonedx+json", "application/json");
    std::fs::write(&path, old).unwrap();
    assure()
        .arg("init")
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "declared again, as what they are now recognised as:\n  sbom.json: declared \
             `application/json` before, recognised now as CycloneDX 1.6 JSON \
             (`application/vnd.cyclonedx+json`)\n",
        ));
    let manifest = std::fs::read_to_string(&path).unwrap();
    assert!(
        manifest.contains("path = \"sbom.json\"\nmedia_type = \"application/vnd.cyclonedx+json\""),
        "{manifest}"
    );
}

/// A symbolic link and a FIFO are not evidence: `init` leaves them out of
/// the manifest and names each, with the reason, on the terminal and in the
/// manifest. (Opening the FIFO would block: it must not be read.)
#[test]
fn init_names_a_link_and_a_fifo_it_left_out() {
    let dir = cyclonedx_py_folder();
    std::os::unix::fs::symlink(dir.path().join("sbom.json"), dir.path().join("linked.json"))
        .unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(dir.path().join("pipe"))
        .status()
        .unwrap();
    assert!(status.success());
    assure()
        .arg("init")
        .arg(dir.path())
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(0)
        .stdout(predicate::str::contains("3 evidence file(s)"))
        .stdout(predicate::str::contains(
            "left out of the manifest:\n  linked.json: a symbolic link (or in a linked folder): \
             a link is not evidence the supplier vouches for; copy the file itself into the \
             folder\n  pipe: a FIFO (named pipe), not a regular file: only files are evidence\n",
        ));
    let manifest = std::fs::read_to_string(dir.path().join("submission.toml")).unwrap();
    assert!(
        manifest.contains(
            "# Left out of this manifest by `assure init`:\n#   linked.json: a symbolic link"
        ),
        "{manifest}"
    );
    assert!(
        manifest.contains("#   pipe: a FIFO (named pipe), not a regular file"),
        "{manifest}"
    );
    assert!(!manifest.contains("path = \"pipe\""), "{manifest}");
    assert!(!manifest.contains("path = \"linked.json\""), "{manifest}");
    // With --dry-run the manifest is on stdout and the notes on stderr.
    assure()
        .args(["init", "--dry-run"])
        .arg(dir.path())
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("# assure submission manifest"))
        .stderr(predicate::str::contains(
            "  pipe: a FIFO (named pipe), not a regular file",
        ));
}
