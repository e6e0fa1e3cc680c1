//! Where SARIF results point: the evidence files and the bundle's data as
//! artifacts under `SUBMISSION` and `BUNDLE`, and each citation at the
//! region the engine located.

use std::collections::BTreeMap;

use assure_engine::decision::{Citation, Decision, Region};
use serde_json::{Value, json};

/// The base of the evidence files' URIs.
pub(super) const SUBMISSION: &str = "SUBMISSION";

/// The base of the bundle's reference data URIs.
pub(super) const BUNDLE: &str = "BUNDLE";

/// The manifest, where results without an evidence file are located.
pub(super) const MANIFEST: &str = "submission.toml";

/// How a bundle citation's document starts.
pub(super) const BUNDLE_PREFIX: &str = "bundle:";

/// A location in the manifest, line 1.
pub(super) fn manifest_location(artifacts: &Artifacts, message: &str) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": artifacts.location(SUBMISSION, MANIFEST),
            "region": { "startLine": 1, "startColumn": 1 },
        },
        "message": { "text": message },
    })
}

/// A cited fact's value as JSON.
pub(super) fn fact_value(citation: &Citation) -> Value {
    serde_json::to_value(&citation.value).unwrap_or(Value::Null)
}

/// A location in an evidence file: the line and column of the cited value.
pub(super) fn evidence_location(
    citation: &Citation,
    artifacts: &Artifacts,
    positions: &Positions,
) -> Value {
    let mut properties = json!({
        "fact": citation.fact,
        "value": fact_value(citation),
        "plugin": citation.plugin,
        "documentSha256": citation.document_sha256,
    });
    let region = if citation.location.starts_with('/') {
        let span = positions.find(&citation.document, &citation.location);
        if let Some(map) = properties.as_object_mut() {
            map.insert("jsonPointer".to_owned(), json!(citation.location));
            if span.is_none() {
                map.insert("pointerNotFound".to_owned(), json!(true));
            }
        }
        match span {
            Some(s) => json!({
                "startLine": s.start_line, "startColumn": s.start_column,
                "endLine": s.end_line, "endColumn": s.end_column,
            }),
            None => json!({ "startLine": 1, "startColumn": 1 }),
        }
    } else if let Some(line) = citation
        .location
        .strip_prefix("line ")
        .and_then(|n| n.trim().parse::<u64>().ok())
        .filter(|n| *n >= 1)
    {
        json!({ "startLine": line, "startColumn": 1 })
    } else {
        // The whole document (or a place this report cannot read).
        if !citation.location.is_empty()
            && let Some(map) = properties.as_object_mut()
        {
            map.insert("place".to_owned(), json!(citation.location));
        }
        json!({ "startLine": 1, "startColumn": 1 })
    };
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": artifacts.location(SUBMISSION, &citation.document),
            "region": region,
        },
    });
    if let Some(map) = location.as_object_mut() {
        if citation.location.starts_with('/') {
            map.insert(
                "logicalLocations".to_owned(),
                json!([{ "fullyQualifiedName": citation.location, "kind": "value" }]),
            );
        }
        map.insert(
            "message".to_owned(),
            json!({ "text": format!("{} = {} (read by {})", citation.fact, citation.value, citation.plugin) }),
        );
        map.insert("properties".to_owned(), properties);
    }
    location
}

/// A location in the bundle's reference data (not in the submission).
pub(super) fn bundle_location(path: &str, citation: &Citation, artifacts: &Artifacts) -> Value {
    let mut location = json!({
        "physicalLocation": { "artifactLocation": artifacts.location(BUNDLE, path) },
        "message": { "text": format!("{} = {} (reference data in the bundle)", citation.fact, citation.value) },
        "properties": {
            "fact": citation.fact,
            "value": fact_value(citation),
            "documentSha256": citation.document_sha256,
        },
    });
    if !citation.location.is_empty()
        && let Some(map) = location.as_object_mut()
    {
        map.insert(
            "logicalLocations".to_owned(),
            json!([{ "fullyQualifiedName": citation.location, "kind": "value" }]),
        );
    }
    location
}

/// Where in a submitted document a problem is: the region of a JSON Pointer
/// or `line N`, else line 1; nothing for a document outside the submission.
pub(super) fn evidence_place(
    artifacts: &Artifacts,
    positions: &Positions,
    document: &str,
    location: &str,
) -> Vec<Value> {
    if !artifacts.submitted(document) {
        return Vec::new();
    }
    let region = if location.starts_with('/') {
        positions.find(document, location).map_or_else(
            || json!({ "startLine": 1, "startColumn": 1 }),
            |s| json!({ "startLine": s.start_line, "startColumn": s.start_column }),
        )
    } else if let Some(line) = location
        .strip_prefix("line ")
        .and_then(|n| n.trim().parse::<u64>().ok())
        .filter(|n| *n >= 1)
    {
        json!({ "startLine": line, "startColumn": 1 })
    } else {
        json!({ "startLine": 1, "startColumn": 1 })
    };
    vec![json!({ "physicalLocation": {
        "artifactLocation": artifacts.location(SUBMISSION, document),
        "region": region,
    } })]
}

/// The run's artifacts: the manifest, every evidence file and the bundle's
/// reference data, each with its SHA-256.
pub(super) struct Artifacts {
    pub(super) list: Vec<Value>,
    index: BTreeMap<(&'static str, String), usize>,
}

impl Artifacts {
    pub(super) fn of(decision: &Decision) -> Self {
        let mut list = Vec::new();
        let mut index = BTreeMap::new();
        let mut add = |base: &'static str, path: &str, artifact: Value| {
            if let std::collections::btree_map::Entry::Vacant(slot) =
                index.entry((base, path.to_owned()))
            {
                slot.insert(list.len());
                list.push(artifact);
            }
        };
        add(
            SUBMISSION,
            MANIFEST,
            json!({
                "location": { "uri": MANIFEST, "uriBaseId": SUBMISSION },
                "description": { "text": "The submission manifest" },
                "hashes": { "sha-256": decision.inputs.manifest_sha256 },
            }),
        );
        for e in &decision.inputs.evidence {
            let mut artifact = json!({
                "location": { "uri": uri_path(&e.path), "uriBaseId": SUBMISSION },
                "length": e.size,
                "roles": ["analysisTarget"],
                "hashes": { "sha-256": e.sha256 },
                "properties": { "plugins": e.plugins, "mediaTypeDeclared": e.media_type_declared },
            });
            if is_media_type(&e.media_type)
                && let Some(map) = artifact.as_object_mut()
            {
                map.insert("mimeType".to_owned(), json!(e.media_type));
            }
            add(SUBMISSION, &e.path, artifact);
        }
        for d in &decision.inputs.reference_data {
            add(
                BUNDLE,
                &d.path,
                json!({
                    "location": { "uri": uri_path(&d.path), "uriBaseId": BUNDLE },
                    "description": { "text": format!(
                        "Reference data {} version {} ({} entries, released {})",
                        d.name, d.version, d.entries, d.released
                    ) },
                    "hashes": { "sha-256": d.sha256 },
                }),
            );
        }
        Self { list, index }
    }

    /// Whether `document` is a file of the submission (the manifest or an evidence file).
    pub(super) fn submitted(&self, document: &str) -> bool {
        self.index.contains_key(&(SUBMISSION, document.to_owned()))
    }

    /// An artifact location, with its index in the run's artifacts when listed.
    pub(super) fn location(&self, base: &'static str, path: &str) -> Value {
        match self.index.get(&(base, path.to_owned())) {
            Some(i) => json!({ "uri": uri_path(path), "uriBaseId": base, "index": i }),
            None => json!({ "uri": uri_path(path), "uriBaseId": base }),
        }
    }
}

/// Whether a media type is `type/subtype`, as SARIF's `mimeType` requires.
pub(super) fn is_media_type(text: &str) -> bool {
    text.split_once('/')
        .is_some_and(|(t, s)| !t.is_empty() && !s.is_empty())
}

/// A relative path as a URI reference: every byte outside the unreserved
/// and path characters percent-encoded (a colon too, so the first segment
/// never reads as a scheme).
pub(super) fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The regions the engine located for JSON Pointer citations, notes and
/// document errors, by (document, pointer) made inert as the report shows
/// them.
pub(super) struct Positions {
    spans: BTreeMap<(String, String), Region>,
}

impl Positions {
    /// Every region the decision carries.
    pub(super) fn of(decision: &Decision) -> Self {
        let located = decision
            .findings
            .iter()
            .chain(&decision.advisories)
            .flat_map(|f| &f.evidence)
            .map(|c| (&c.document, &c.location, c.region))
            .chain(
                decision
                    .notes
                    .iter()
                    .map(|n| (&n.document, &n.location, n.region)),
            )
            .chain(
                decision
                    .document_errors
                    .iter()
                    .map(|e| (&e.document, &e.location, e.region)),
            );
        let mut spans = BTreeMap::new();
        for (document, pointer, region) in located {
            if let Some(region) = region {
                spans.insert(
                    (
                        crate::inert::inert(document).into_owned(),
                        crate::inert::inert(pointer).into_owned(),
                    ),
                    region,
                );
            }
        }
        Self { spans }
    }

    /// Where a pointer's value is in a document, if it was found.
    pub(super) fn find(&self, document: &str, pointer: &str) -> Option<Region> {
        self.spans
            .get(&(document.to_owned(), pointer.to_owned()))
            .copied()
    }
}
