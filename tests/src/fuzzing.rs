//! The fuzz targets' bodies, shared by the cargo-fuzz crate in `fuzz/` and by
//! the stable replay of its corpora (`tests/tests/integration/fuzz_corpora.rs`), so the
//! fuzzer and CI run the same code.
//!
//! Every function takes arbitrary bytes and must return without panicking,
//! hanging or exhausting memory: errors are the expected outcome for almost
//! every input. The few assertions are properties that no input may break
//! (a signature the fuzzer cannot forge never verifies; what we sign always
//! verifies; what validates survives a round trip).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use arbitrary::{Arbitrary, Unstructured};
use assure_engine::facts::{Assembly, Provenance};
use assure_engine::plugin::{self, Extraction};
use assure_engine::submission::{self, Evidence, Manifest, Product, Profile};
use assure_engine::{Bundle, Engine, Evaluation, LoadOptions, Submission, Timings, TrustedBundle};
use assure_trust::keys::PrivateKey;
use serde::{Deserialize, Serialize};

/// The plugins with a fuzz target each (`plugin_<name>`, `-` as `_`).
pub const PLUGINS: [&str; 12] = [
    "cyclonedx",
    "spdx",
    "openvex",
    "csaf",
    "security-txt",
    "dtac",
    "mds2",
    "cyber-essentials",
    "pentest",
    "supplier-assurance",
    "slsa",
    "scorecard",
];

/// The deadline of one plugin call while fuzzing: short, so that a slow
/// input is a limit error rather than a libFuzzer timeout.
pub const PLUGIN_DEADLINE: Duration = Duration::from_millis(1_000);

/// The fixed signing key of the signature targets (never a trusted key).
fn key() -> PrivateKey {
    PrivateKey::from_seed(&[7; 32])
}

/// The product every fuzzed submission is about.
fn product() -> Product {
    Product {
        name: "Fuzzed Product".to_owned(),
        version: "1.0.0".to_owned(),
        supplier: "Fuzz Ltd".to_owned(),
        identifiers: Vec::new(),
        artifact_sha256: Vec::new(),
    }
}

/// One engine with the built-in bundle and a short plugin deadline, shared
/// by every call in the process (plugins compile on first use).
fn engine() -> Result<&'static Engine, String> {
    static ENGINE: OnceLock<Result<Engine, String>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let bundle = TrustedBundle::builtin().map_err(|e| e.to_string())?;
            let deadline_ms = u64::try_from(PLUGIN_DEADLINE.as_millis()).unwrap_or(u64::MAX);
            Engine::builder(bundle)
                .limit("deadline_ms", deadline_ms)
                .threads(1)
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(Clone::clone)
}

// ----- submission manifest -------------------------------------------------

/// `manifest`: a `submission.toml` parsed and validated as the loader does.
pub fn manifest(data: &[u8]) {
    let path = std::path::Path::new(submission::MANIFEST);
    for require_digests in [false, true] {
        let options = LoadOptions {
            require_digests,
            ..LoadOptions::default()
        };
        if let Ok(manifest) = submission::validate_manifest(path, data, &options) {
            // What validates is written back out the way `assure init` does.
            let _ = assure_engine::init::manifest_to_toml(&manifest);
        }
    }
}

// ----- trust ----------------------------------------------------------------

/// The limits the archive target loads with: small, so that a bomb stops
/// quickly.
const ARCHIVE_LIMITS: assure_trust::bundle::ArchiveLimits = assure_trust::bundle::ArchiveLimits {
    max_entries: 1_000,
    max_entry_size: 8 << 20,
    max_total_size: 32 << 20,
};

/// `bundle_archive`: a `.bundle` (gzip'd tar) read into memory.
pub fn bundle_archive(data: &[u8]) {
    if let Ok(bundle) = assure_trust::bundle::load_archive("fuzzed.bundle", data, &ARCHIVE_LIMITS) {
        let _ = bundle.digest();
        if let Some(manifest) = bundle.manifest_bytes() {
            bundle_manifest(manifest);
        }
        let now = crate::as_of().as_of;
        let key = key().public_key();
        let mut state = assure_trust::state::State::in_memory();
        let verified = assure_trust::bundle::verify(&bundle, &[key], 1, now, &mut state);
        assert!(verified.is_err(), "a fuzzed bundle verified by signature");
        // Pinned to its own manifest's digest: every other check runs.
        if let Some(manifest) = bundle.manifest_bytes() {
            let pin = assure_trust::bundle::sha256_hex(manifest);
            let _ = assure_trust::bundle::verify_pinned(&bundle, &pin, now, &mut state);
        }
    }
}

/// `bundle_manifest`: a `bundle.json` parsed and validated.
pub fn bundle_manifest(data: &[u8]) {
    let Ok(manifest) = assure_trust::bundle::BundleManifest::parse(data) else {
        return;
    };
    if manifest.validate().is_ok() {
        let _ = manifest.plugin_signer_public_keys();
        let again = assure_trust::bundle::BundleManifest::parse(&manifest.to_json());
        assert!(
            again.as_ref().is_ok_and(|m| *m == manifest),
            "a valid bundle.json does not survive its own serialisation: {again:?}"
        );
    }
}

/// `dsse`: a DSSE envelope parsed, and verified against a key that signed
/// nothing the fuzzer can see: it must never verify.
pub fn dsse(data: &[u8]) {
    let Ok(envelope) = assure_trust::dsse::Envelope::from_json(data) else {
        return;
    };
    let key = key().public_key();
    let verified = assure_trust::dsse::verify(
        &envelope,
        assure_trust::dsse::BUNDLE_PAYLOAD_TYPE,
        std::slice::from_ref(&key),
        1,
    );
    assert!(verified.is_err(), "a fuzzed envelope verified");
    // What it serialises to parses again and still does not verify.
    let again = assure_trust::dsse::Envelope::from_json(&envelope.to_json());
    if let Ok(again) = again {
        assert!(
            assure_trust::dsse::verify(&again, &again.payload_type, &[key], 1).is_err(),
            "a re-serialised fuzzed envelope verified"
        );
    }
}

/// `wasm_signature`: the signature section of arbitrary module bytes:
/// unsigned by the fixed key, so never verified by it; once signed with it,
/// always verified.
pub fn wasm_signature(data: &[u8]) {
    let private = key();
    let public = private.public_key();
    assert!(
        assure_trust::wasmsig::verify("fuzzed", data, std::slice::from_ref(&public)).is_err(),
        "fuzzed module bytes verified against the fixed key"
    );
    let _ = assure_trust::wasmsig::signers("fuzzed", data, std::slice::from_ref(&public));
    if let Ok(signed) = assure_trust::wasmsig::sign(data, &private) {
        let verified = assure_trust::wasmsig::verify("fuzzed", &signed, &[public]);
        assert!(
            verified.is_ok(),
            "a module signed with the fixed key does not verify: {verified:?}"
        );
    }
}

// ----- engine bundle --------------------------------------------------------

/// The line that starts each file in a `bundle_load` input: `>>> path`.
pub const FILE_MARK: &str = ">>> ";

/// Splits a `bundle_load` input into files: each starts with a line
/// `>>> path`; its content runs to the next such line.
pub fn split_files(data: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut current: Option<(String, Vec<u8>)> = None;
    for line in data.split_inclusive(|&b| b == b'\n') {
        if let Some(rest) = line.strip_prefix(FILE_MARK.as_bytes()) {
            if let Some((path, bytes)) = current.take() {
                files.insert(path, bytes);
            }
            let name = String::from_utf8_lossy(rest).trim_end().to_owned();
            current = Some((name, Vec::new()));
        } else if let Some((_, bytes)) = current.as_mut() {
            bytes.extend_from_slice(line);
        }
    }
    if let Some((path, bytes)) = current {
        files.insert(path, bytes);
    }
    files
}

/// Joins files into a `bundle_load` input (the inverse of [`split_files`]
/// for files whose lines do not start with `>>> `).
pub fn join_files(files: &BTreeMap<String, Vec<u8>>) -> Vec<u8> {
    let mut out = Vec::new();
    for (path, bytes) in files {
        out.extend_from_slice(FILE_MARK.as_bytes());
        out.extend_from_slice(path.as_bytes());
        out.push(b'\n');
        out.extend_from_slice(bytes);
    }
    out
}

/// `bundle_load`: the engine's bundle from a file map (bundle.toml, schema,
/// policies, reference data), split out of the input by [`split_files`].
/// Plugin binaries are placeholders: loading a bundle does not read them.
pub fn bundle_load(data: &[u8]) {
    let mut files = split_files(data);
    for name in PLUGINS {
        files
            .entry(format!("plugins/{name}.wasm"))
            .or_insert_with(|| b"\0asm\x0d\0\x01\0".to_vec());
    }
    if let Ok(bundle) = Bundle::from_files("fuzzed bundle", files) {
        let _ = bundle.resources_of("judge");
        for rule in &bundle.rules {
            let _ = bundle.rule(&rule.id);
        }
    }
}

// ----- facts ----------------------------------------------------------------

/// A plugin's extraction as data: what the `facts` target decodes, either as
/// JSON (the seeds: real plugins' output) or, for any other input, with
/// `arbitrary`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Arbitrary)]
pub struct FuzzExtraction {
    /// Facts about the product.
    #[serde(default)]
    pub facts: Vec<FuzzFact>,
    /// Other entities.
    #[serde(default)]
    pub entities: Vec<FuzzEntity>,
    /// Notes.
    #[serde(default)]
    pub notes: Vec<(String, FuzzLocation)>,
}

/// A fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Arbitrary)]
pub struct FuzzFact {
    /// Dot-separated path.
    pub path: String,
    /// Its value.
    pub value: FuzzValue,
    /// Where.
    #[serde(default)]
    pub location: FuzzLocation,
}

/// A fact's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Arbitrary)]
#[serde(rename_all = "snake_case")]
pub enum FuzzValue {
    /// A boolean.
    Boolean(bool),
    /// A whole number.
    Long(i64),
    /// Text.
    Text(String),
    /// A set of text.
    TextSet(Vec<String>),
    /// A decimal literal.
    Decimal(String),
    /// A date-time.
    Datetime(String),
}

/// Where in a document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, Arbitrary)]
#[serde(rename_all = "snake_case")]
pub enum FuzzLocation {
    /// The whole document.
    #[default]
    Whole,
    /// A JSON Pointer.
    Pointer(String),
    /// A line.
    Line(u32),
}

/// An entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Arbitrary)]
pub struct FuzzEntity {
    /// Its kind.
    pub kind: String,
    /// Its id.
    pub id: String,
    /// Where.
    #[serde(default)]
    pub location: FuzzLocation,
    /// Its facts.
    #[serde(default)]
    pub facts: Vec<FuzzFact>,
    /// Its parents (kind, id).
    #[serde(default)]
    pub parents: Vec<(String, String)>,
}

impl From<FuzzLocation> for plugin::Location {
    fn from(l: FuzzLocation) -> Self {
        match l {
            FuzzLocation::Whole => Self::Whole,
            FuzzLocation::Pointer(p) => Self::Pointer(p),
            FuzzLocation::Line(n) => Self::Line(n),
        }
    }
}

impl From<plugin::Location> for FuzzLocation {
    fn from(l: plugin::Location) -> Self {
        match l {
            plugin::Location::Whole => Self::Whole,
            plugin::Location::Pointer(p) => Self::Pointer(p),
            plugin::Location::Line(n) => Self::Line(n),
        }
    }
}

impl From<FuzzFact> for plugin::Fact {
    fn from(f: FuzzFact) -> Self {
        Self {
            path: f.path,
            value: match f.value {
                FuzzValue::Boolean(b) => plugin::Value::Boolean(b),
                FuzzValue::Long(n) => plugin::Value::Long(n),
                FuzzValue::Text(s) => plugin::Value::Text(s),
                FuzzValue::TextSet(s) => plugin::Value::TextSet(s),
                FuzzValue::Decimal(s) => plugin::Value::Decimal(s),
                FuzzValue::Datetime(s) => plugin::Value::Datetime(s),
            },
            location: f.location.into(),
        }
    }
}

impl From<plugin::Fact> for FuzzFact {
    fn from(f: plugin::Fact) -> Self {
        Self {
            path: f.path,
            value: match f.value {
                plugin::Value::Boolean(b) => FuzzValue::Boolean(b),
                plugin::Value::Long(n) => FuzzValue::Long(n),
                plugin::Value::Text(s) => FuzzValue::Text(s),
                plugin::Value::TextSet(s) => FuzzValue::TextSet(s),
                plugin::Value::Decimal(s) => FuzzValue::Decimal(s),
                plugin::Value::Datetime(s) => FuzzValue::Datetime(s),
            },
            location: f.location.into(),
        }
    }
}

impl From<FuzzExtraction> for Extraction {
    fn from(x: FuzzExtraction) -> Self {
        Self {
            facts: x.facts.into_iter().map(Into::into).collect(),
            entities: x
                .entities
                .into_iter()
                .map(|e| plugin::Entity {
                    kind: e.kind,
                    id: e.id,
                    location: e.location.into(),
                    facts: e.facts.into_iter().map(Into::into).collect(),
                    parents: e
                        .parents
                        .into_iter()
                        .map(|(kind, id)| plugin::EntityRef { kind, id })
                        .collect(),
                })
                .collect(),
            notes: x
                .notes
                .into_iter()
                .map(|(message, location)| plugin::Note {
                    message,
                    location: location.into(),
                })
                .collect(),
        }
    }
}

impl From<Extraction> for FuzzExtraction {
    fn from(x: Extraction) -> Self {
        Self {
            facts: x.facts.into_iter().map(Into::into).collect(),
            entities: x
                .entities
                .into_iter()
                .map(|e| FuzzEntity {
                    kind: e.kind,
                    id: e.id,
                    location: e.location.into(),
                    facts: e.facts.into_iter().map(Into::into).collect(),
                    parents: e.parents.into_iter().map(|p| (p.kind, p.id)).collect(),
                })
                .collect(),
            notes: x
                .notes
                .into_iter()
                .map(|n| (n.message, n.location.into()))
                .collect(),
        }
    }
}

/// Decodes a `facts` input: one or more extractions (from one document each)
/// as a JSON array, or anything else through `arbitrary`.
pub fn decode_extractions(data: &[u8]) -> Vec<FuzzExtraction> {
    if let Ok(list) = serde_json::from_slice::<Vec<FuzzExtraction>>(data) {
        return list;
    }
    Vec::<FuzzExtraction>::arbitrary_take_rest(Unstructured::new(data)).unwrap_or_default()
}

/// `facts`: extractions assembled into facts with the built-in bundle's
/// vocabulary, turned into Cedar entities and decided on.
pub fn facts(data: &[u8]) {
    let Ok(engine) = engine() else {
        return;
    };
    let bundle = engine.bundle();
    let product = product();
    let mut assembly = Assembly::default();
    for (i, extraction) in decode_extractions(data).into_iter().enumerate() {
        let source = Provenance {
            document: format!("document-{i}.json"),
            document_sha256: String::new(),
            plugin: PLUGINS
                .get(i % PLUGINS.len())
                .copied()
                .unwrap_or("plugin")
                .to_owned(),
            plugin_sha256: String::new(),
            location: String::new(),
        };
        assembly.add(&bundle.vocabulary, &source, extraction.into());
    }
    assembly.finish(&product);
    let _ = assembly.to_entities(&product);
    let _ = engine.evaluate(
        &assembly,
        Evaluation {
            product: &product,
            profile: &Profile::answered(false, false, false, false),
            as_of: crate::as_of().as_of,
            manifest_sha256: String::new(),
            document_errors: Vec::new(),
            notes: Vec::new(),
            unmatched_statements: Vec::new(),
            evidence: Vec::new(),
            plugins: Vec::new(),
            contributions: Vec::new(),
            unlisted: Vec::new(),
            judge_data_age: true,
            waivers: Vec::new(),
        },
        &mut Timings::default(),
    );
}

// ----- plugins through the host ----------------------------------------------

/// The media type a plugin's target hands its input as: the one the engine
/// sniffs when the plugin takes it, else the plugin's first.
fn media_type_for(bundle: &Bundle, name: &str, data: &[u8]) -> Option<String> {
    let plugin = bundle.plugins.iter().find(|p| p.name == name)?;
    let sniffed = assure_engine::media::sniff("document", data);
    if plugin.media_types.iter().any(|m| m == sniffed) {
        return Some(sniffed.to_owned());
    }
    plugin.media_types.first().cloned()
}

/// A one-document submission: the fuzzed bytes as the plugin's media type.
fn submission(media_type: String, data: &[u8]) -> Submission {
    let manifest = Manifest {
        product: product(),
        profile: Profile::answered(true, true, true, true),
        evidence: Vec::new(),
    };
    Submission {
        root: PathBuf::from("fuzzed-submission"),
        manifest,
        manifest_sha256: String::new(),
        manifest_bytes: Arc::from(&[][..]),
        evidence: vec![Evidence {
            path: "document".to_owned(),
            media_type,
            media_type_declared: true,
            sha256: submission::sha256_hex(data),
            bytes: Arc::from(data),
        }],
        unlisted: Vec::new(),
        unlisted_stopped_at: None,
        waivers: Vec::new(),
    }
}

/// `plugin_<name>`: the plugin's `extract` through the engine's host (the
/// committed `plugins/dist/<name>.wasm`, embedded in the built-in bundle,
/// compiled once per process) on the bytes as a document of its media type,
/// with a short deadline; then fact assembly, the VEX join and the decision,
/// as a check does. A plugin's error is a finding about the document; only
/// a host panic is a bug.
pub fn plugin(name: &str, data: &[u8]) {
    let Ok(engine) = engine() else {
        return;
    };
    let Some(media_type) = media_type_for(engine.bundle(), name, data) else {
        return;
    };
    let _ = engine.check(&submission(media_type, data), &crate::as_of());
}

/// The target named `target` (as in `fuzz/fuzz_targets/`), or `None`.
pub fn target(target: &str) -> Option<fn(&[u8])> {
    let f: fn(&[u8]) = match target {
        "manifest" => manifest,
        "bundle_archive" => bundle_archive,
        "bundle_manifest" => bundle_manifest,
        "dsse" => dsse,
        "wasm_signature" => wasm_signature,
        "bundle_load" => bundle_load,
        "facts" => facts,
        "plugin_cyclonedx" => |d: &[u8]| plugin("cyclonedx", d),
        "plugin_spdx" => |d: &[u8]| plugin("spdx", d),
        "plugin_openvex" => |d: &[u8]| plugin("openvex", d),
        "plugin_csaf" => |d: &[u8]| plugin("csaf", d),
        "plugin_security_txt" => |d: &[u8]| plugin("security-txt", d),
        "plugin_dtac" => |d: &[u8]| plugin("dtac", d),
        "plugin_mds2" => |d: &[u8]| plugin("mds2", d),
        "plugin_cyber_essentials" => |d: &[u8]| plugin("cyber-essentials", d),
        "plugin_pentest" => |d: &[u8]| plugin("pentest", d),
        "plugin_supplier_assurance" => |d: &[u8]| plugin("supplier-assurance", d),
        "plugin_slsa" => |d: &[u8]| plugin("slsa", d),
        "plugin_scorecard" => |d: &[u8]| plugin("scorecard", d),
        _ => return None,
    };
    Some(f)
}

/// Every target's name.
pub const TARGETS: [&str; 19] = [
    "manifest",
    "bundle_archive",
    "bundle_manifest",
    "dsse",
    "wasm_signature",
    "bundle_load",
    "facts",
    "plugin_cyclonedx",
    "plugin_spdx",
    "plugin_openvex",
    "plugin_csaf",
    "plugin_security_txt",
    "plugin_dtac",
    "plugin_mds2",
    "plugin_cyber_essentials",
    "plugin_pentest",
    "plugin_supplier_assurance",
    "plugin_slsa",
    "plugin_scorecard",
];
