//! Every public document the plugins are tested on (`plugins/*/tests/fixtures`,
//! each with its provenance there) is recognised, by its structure alone, as
//! a media type its plugin reads; and so is every document of the
//! every-format submission.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test fails on the first surprise"
)]

use std::path::{Path, PathBuf};

use assure_engine::media::{self, Recognition};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The media types each plugin reads, as `plugins/README.md` lists them.
fn reads(plugin: &str) -> &'static [&'static str] {
    match plugin {
        "cyclonedx" => &[media::CYCLONEDX_JSON],
        "spdx" => &[media::SPDX_JSON],
        "openvex" => &[media::OPENVEX_JSON],
        "csaf" => &[media::CSAF_JSON],
        "security-txt" => &[media::SECURITY_TXT],
        "dtac" => &[media::DTAC_JSON, media::DOCX, media::ODT],
        "mds2" => &[media::CSV],
        "cyber-essentials" => &[media::CYBER_ESSENTIALS_JSON],
        "pentest" => &[media::PENTEST_JSON],
        "supplier-assurance" => &[media::SUPPLIER_ASSURANCE_JSON],
        "slsa" => &[media::IN_TOTO_JSON, media::DSSE_JSON],
        "scorecard" => &[media::SCORECARD_JSON],
        other => panic!("no media types listed for plugin `{other}`"),
    }
}

/// Fixtures that are not documents a plugin reads, and why.
const NOT_EVIDENCE: &[(&str, &str)] = &[
    (
        "csaf2.0_provider-metadata-example-01.json",
        "a CSAF provider's metadata, not a CSAF document",
    ),
    ("scorecard_json.v2.schema", "the JSON schema of the format"),
];

fn files(folder: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            !name.ends_with(".md") && name != "submission.toml"
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_plugin_fixture_is_recognised_as_its_plugin_reads() {
    let mut seen = 0;
    let mut plugins: Vec<PathBuf> = std::fs::read_dir(root().join("plugins"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("tests/fixtures").is_dir())
        .collect();
    plugins.sort();
    for plugin in plugins {
        let name = plugin.file_name().unwrap().to_string_lossy().into_owned();
        for file in files(&plugin.join("tests/fixtures")) {
            let file_name = file.file_name().unwrap().to_string_lossy().into_owned();
            let recognition = media::recognise(&file_name, &std::fs::read(&file).unwrap());
            if let Some((_, why)) = NOT_EVIDENCE.iter().find(|(f, _)| *f == file_name) {
                assert!(
                    matches!(recognition, Recognition::Unrecognised { .. }),
                    "{name}/{file_name} is {why}, yet recognised: {recognition:?}"
                );
                continue;
            }
            assert!(
                matches!(&recognition, Recognition::Recognised { media_type, .. } if reads(&name).contains(media_type)),
                "{name}/{file_name}: {recognition:?}"
            );
            seen += 1;
        }
    }
    assert!(seen >= 30, "only {seen} fixtures found");
}

#[test]
fn every_format_submission_is_recognised_but_its_covering_letter() {
    let folder = root().join("tests/fixtures/every-format");
    let manifest: toml::Value =
        toml::from_str(&std::fs::read_to_string(folder.join("submission.toml")).unwrap()).unwrap();
    let mut recognised = 0;
    for entry in manifest["evidence"].as_array().unwrap() {
        let path = entry["path"].as_str().unwrap();
        let bytes = std::fs::read(folder.join(path)).unwrap();
        match (media::recognise(path, &bytes), path) {
            (Recognition::Unrecognised { reason, .. }, "covering-letter.txt") => {
                assert!(
                    reason.starts_with("text, neither a security.txt"),
                    "{reason}"
                );
            }
            (Recognition::Recognised { .. }, "covering-letter.txt") => {
                panic!("the covering letter is recognised")
            }
            (Recognition::Recognised { .. }, _) => recognised += 1,
            (other, _) => panic!("{path}: {other:?}"),
        }
    }
    assert_eq!(recognised, 13);
}
