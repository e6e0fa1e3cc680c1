//! The plugin over the SLSA specification's example (see `fixtures/README.md`),
//! bare and wrapped in a DSSE envelope.

use crate::common::*;

const EXAMPLE: &[u8] = include_bytes!("../fixtures/slsa_github-actions-workflow_v1_example.json");

const BUILDER: &str = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml@refs/tags/v0.0.1";
const BUILD_TYPE: &str = "https://slsa.dev/github-actions-workflow/v1?draft";
const DIGEST: &str = "sha256:fe4fe40ac7250263c5dbe1cf3138912f3f416140aa248637a60d65fe22c47da4";

#[test]
fn github_actions_example() -> Result<(), String> {
    let x = ok("provenance.json", EXAMPLE)?;
    let f = &x.facts;
    assert_eq!(
        text(f, "provenance.predicate_type")?,
        "https://slsa.dev/provenance/v1?draft"
    );
    assert_eq!(at(f, "provenance.predicate_type")?, "/predicateType");
    assert_eq!(text_set(f, "provenance.subject_digests")?, [DIGEST]);
    assert_eq!(at(f, "provenance.subject_digests")?, "/subject");
    assert_eq!(text_set(f, "provenance.subject_names")?, ["_"]);
    assert_eq!(text(f, "provenance.builder_id")?, BUILDER);
    assert_eq!(
        at(f, "provenance.builder_id")?,
        "/predicate/runDetails/builder/id"
    );
    assert_eq!(text(f, "provenance.build_type")?, BUILD_TYPE);
    assert_eq!(
        at(f, "provenance.build_type")?,
        "/predicate/buildDefinition/buildType"
    );
    assert!(!boolean(f, "provenance.dsse")?);
    assert!(!has(f, "provenance.subject_matches_artifact"));
    assert_eq!(f.len(), 6);
    assert!(x.entities.is_empty());
    assert_eq!(
        notes(&x),
        [
            ": no `_type`: read as an in-toto statement (`https://in-toto.io/Statement/v1`)",
            "/predicateType: the draft of SLSA provenance v1: read as v1",
        ]
    );
    Ok(())
}

#[test]
fn github_actions_example_in_dsse() -> Result<(), String> {
    for doc in [
        envelope(EXAMPLE),
        // The URL-safe alphabet without padding, which DSSE also allows.
        format!(
            r#"{{"payloadType":"application/vnd.in-toto+json","payload":"{}","signatures":[{{"sig":"x"}}]}}"#,
            base64(EXAMPLE, true)
        )
        .into_bytes(),
    ] {
        let x = ok("provenance.dsse.json", &doc)?;
        let f = &x.facts;
        assert!(boolean(f, "provenance.dsse")?);
        assert_eq!(at(f, "provenance.dsse")?, "");
        assert_eq!(text_set(f, "provenance.subject_digests")?, [DIGEST]);
        assert_eq!(at(f, "provenance.subject_digests")?, "/payload/subject");
        assert_eq!(text(f, "provenance.builder_id")?, BUILDER);
        assert_eq!(
            at(f, "provenance.builder_id")?,
            "/payload/predicate/runDetails/builder/id"
        );
        assert_eq!(text(f, "provenance.build_type")?, BUILD_TYPE);
        assert_eq!(
            text(f, "provenance.predicate_type")?,
            "https://slsa.dev/provenance/v1?draft"
        );
        assert_eq!(
            notes(&x),
            [
                "/payload: no `_type`: read as an in-toto statement (`https://in-toto.io/Statement/v1`)",
                "/payload/predicateType: the draft of SLSA provenance v1: read as v1",
            ]
        );
    }
    Ok(())
}

#[test]
fn bare_and_wrapped_give_the_same_facts() -> Result<(), String> {
    let bare = ok("a.json", EXAMPLE)?;
    let wrapped = ok("a.json", &envelope(EXAMPLE))?;
    let values = |x: &assure_plugin_sdk::Extraction| -> Vec<String> {
        x.facts
            .iter()
            .filter(|f| f.path != "provenance.dsse")
            .map(|f| format!("{} {:?}", f.path, f.value))
            .collect()
    };
    assert_eq!(values(&bare), values(&wrapped));
    Ok(())
}

#[test]
fn same_bytes_same_output() -> Result<(), String> {
    for doc in [EXAMPLE.to_vec(), envelope(EXAMPLE)] {
        let first = format!("{:?}", ok("a.json", &doc)?);
        let second = format!("{:?}", ok("a.json", &doc)?);
        assert_eq!(first, second);
    }
    Ok(())
}

#[test]
fn describe_lists_every_emitted_path() -> Result<(), String> {
    let info = assure_plugin_slsa::describe();
    assert_eq!(info.name, "slsa");
    assert_eq!(
        info.media_types,
        [
            "application/vnd.in-toto+json",
            "application/vnd.dsse.envelope.v1+json"
        ]
    );
    assert!(
        !info
            .fact_paths
            .iter()
            .any(|p| p == "provenance.subject_matches_artifact")
    );
    let x = ok("a.json", EXAMPLE)?;
    assert_eq!(x.facts.len(), info.fact_paths.len());
    for fact in &x.facts {
        assert!(info.fact_paths.contains(&fact.path), "{}", fact.path);
    }
    Ok(())
}
