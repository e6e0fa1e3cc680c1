//! Policy bundles: the Cedar schema and policies, the plugins that read the
//! evidence, and what each kind of evidence is.
//!
//! A bundle's source is a folder with a `bundle.toml`:
//!
//! ```toml
//! name = "nhs-baseline"
//! version = 1
//! description = "..."
//! schema = "schema.cedarschema"
//! policies = ["sbom.cedar", "approve.cedar"]
//!
//! [[plugin]]
//! name = "cyclonedx"
//! path = "plugins/cyclonedx.wasm"
//! media_types = ["application/vnd.cyclonedx+json"]
//!
//! [evidence.sbom]
//! title = "SBOM"
//! ask = "a CycloneDX (1.4 or later) or SPDX 2.3 JSON SBOM of this product version"
//! ```
//!
//! The built-in bundle is `policies/nhs-baseline/` with the plugins from
//! `plugins/dist/`, embedded in the binary at build time and trusted by the
//! digest pinned then.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;
use std::sync::Arc;

use cedar_policy::{
    Effect, Policy, PolicyId, PolicySet, Schema, SchemaFragment, ValidationMode, Validator,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::BundleError;
use crate::reference::{Kev, NhsAlerts};
use crate::submission::sha256_hex;
use crate::vocabulary::{Read, Vocabulary, policy_mentions, policy_reads};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_bundle.rs"));
}

/// A rule's severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Must be fixed before approval.
    Critical,
    /// Serious.
    High,
    /// Moderate.
    Medium,
    /// Minor.
    Low,
}

impl FromStr for Severity {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "critical" => Ok(Self::Critical),
            "high" => Ok(Self::High),
            "medium" => Ok(Self::Medium),
            "low" => Ok(Self::Low),
            _ => Err(()),
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Critical => "critical",
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low => "low",
        })
    }
}

/// One policy and what its annotations say.
#[derive(Debug, Clone)]
pub struct Rule {
    /// `@id`: the stable rule id findings cite.
    pub id: String,
    /// `@title`.
    pub title: String,
    /// `@control`, split on `;`: the controls this rule implements.
    pub controls: Vec<String>,
    /// `@pillar`: the health cyber strategy pillar it serves.
    pub pillar: Option<String>,
    /// `@severity`.
    pub severity: Severity,
    /// `@message`: what a finding says.
    pub message: String,
    /// `@remediation`: what to do about it.
    pub remediation: String,
    /// `@advisory`: reported, never blocking.
    pub advisory: bool,
    /// `@tier`: the lowest criticality tier at which the rule applies
    /// (`high`, `critical`); none for a rule of every tier. The rule's
    /// condition tests `context.profile.tier` itself: the annotation says so
    /// to people and to generated documents.
    pub tier: Option<crate::submission::Tier>,
    /// `permit` or `forbid`.
    pub effect: Effect,
    /// The action the policy is scoped to (`approve`, `accept`), if any.
    pub action: Option<String>,
    /// The entity type the policy is scoped to (`resource is Exposure`, or
    /// `resource == E`), if any; none for `resource in E`, whose descendants
    /// may be of any type.
    pub resource_type: Option<String>,
    /// The file it came from.
    pub file: String,
    /// The attributes it reads.
    pub reads: Vec<Read>,
    /// The attributes it reads or tests with `has`: what it looks at.
    pub mentions: Vec<Read>,
}

impl Rule {
    /// Whether the rule is a `forbid` (a rule that can fire), not a `permit`.
    pub fn is_forbid(&self) -> bool {
        self.effect == Effect::Forbid
    }
}

/// A plugin binary carried by a bundle.
#[derive(Debug, Clone)]
pub struct PluginBinary {
    /// Its name in the bundle.
    pub name: String,
    /// The media types routed to it.
    pub media_types: Vec<String>,
    /// Its SHA-256.
    pub sha256: String,
    /// The component's bytes.
    pub bytes: Arc<[u8]>,
}

/// A document the rules' `@control`s cite, with the edition they were
/// checked against and when (`[[source]]` in `bundle.toml`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The start of the controls it covers (`DTAC v2`, `SSCoP`): a control
    /// belongs to the source with the longest key it starts with.
    pub key: String,
    /// The document, its author and title.
    pub document: String,
    /// The edition or date the rules follow.
    pub edition: String,
    /// Where it is published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// When the rules were last checked against it (`YYYY-MM` or `YYYY-MM-DD`).
    pub checked: String,
}

impl Source {
    /// Whether `control` belongs to this source: it is the key, or starts
    /// with it followed by a space, a colon or a bracket.
    pub fn covers(&self, control: &str) -> bool {
        control
            .strip_prefix(self.key.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', ':', '(', ',']))
    }
}

/// What a kind of evidence is, for telling a supplier what to provide.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct EvidenceKind {
    /// A short name ("SBOM").
    pub title: String,
    /// What to provide.
    pub ask: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BundleToml {
    name: String,
    version: u64,
    #[serde(default)]
    description: String,
    schema: String,
    policies: Vec<String>,
    #[serde(default, rename = "plugin")]
    plugins: Vec<PluginToml>,
    #[serde(default)]
    evidence: BTreeMap<String, EvidenceKind>,
    #[serde(default)]
    data: DataToml,
    /// The documents the rules' controls cite (`[[source]]`).
    #[serde(default, rename = "source")]
    sources: Vec<Source>,
    /// Limits the bundle sets (`crate::limits::TABLE` names them).
    #[serde(default)]
    limits: BTreeMap<String, u64>,
}

/// Reference data files, by what they are.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DataToml {
    /// The CISA Known Exploited Vulnerabilities catalogue, as published.
    kev: Option<DataEntry>,
    /// NHS England cyber alerts (`nhs-cyber-alerts/1`).
    nhs_alerts: Option<DataEntry>,
}

/// One dataset: its file and how old it may be when a check uses it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DataEntry {
    path: String,
    max_age_days: u32,
}

/// The longest `max_age_days` a bundle may give a dataset: ten years.
const MAX_DATA_AGE_DAYS: u32 = 3650;

/// Where a dataset a check used came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DataOrigin {
    /// The bundle carries it (and its signature covers it).
    Bundle,
    /// The operator gave it (`assure check --reference NAME=FILE`).
    Operator,
}

/// Reference data a bundle carries, with the file it came from.
#[derive(Debug, Clone)]
pub struct ReferenceData<T> {
    /// The file's path in the bundle (`bundle:` citations), or the file the
    /// operator gave.
    pub path: String,
    /// Its SHA-256.
    pub sha256: String,
    /// Its contents, checked.
    pub data: Arc<T>,
    /// How old it may be, in days, when a check uses it (the bundle's policy).
    pub max_age_days: u32,
    /// Where it came from.
    pub origin: DataOrigin,
}

impl<T: crate::reference::Dataset> ReferenceData<T> {
    /// Its age in whole days at `as_of` (negative when released after it).
    pub fn age_days(&self, as_of: jiff::Timestamp) -> Option<i64> {
        let released = self.data.released_at()?;
        let seconds = as_of.as_second() - released.as_second();
        Some(seconds.div_euclid(86_400))
    }

    /// Whether it is older than its maximum age at `as_of`, or has no
    /// usable release date (which cannot show it is current).
    pub fn stale(&self, as_of: jiff::Timestamp) -> bool {
        let Some(released) = self.data.released_at() else {
            return true;
        };
        let limit = i64::from(self.max_age_days) * 86_400;
        as_of.as_second() - released.as_second() > limit
    }
}

/// Checks the `[[source]]` list: every key given once, every field filled,
/// `checked` a year and month (or a date).
fn check_sources(sources: Vec<Source>) -> Result<Vec<Source>, Vec<String>> {
    let mut problems = Vec::new();
    let mut keys = BTreeSet::new();
    for (n, source) in sources.iter().enumerate() {
        let at = format!("[[source]] {} (`{}`)", n + 1, source.key);
        if source.key.trim().is_empty()
            || source.document.trim().is_empty()
            || source.edition.trim().is_empty()
        {
            problems.push(format!(
                "{at}: `key`, `document` and `edition` must not be empty"
            ));
        }
        if !keys.insert(source.key.clone()) {
            problems.push(format!("{at}: the key is given twice"));
        }
        let checked = source.checked.as_bytes();
        let digits = |r: std::ops::Range<usize>| {
            checked
                .get(r)
                .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
        };
        let month =
            checked.len() >= 7 && digits(0..4) && checked.get(4) == Some(&b'-') && digits(5..7);
        let date = checked.len() == 10 && checked.get(7) == Some(&b'-') && digits(8..10);
        if !(month && (checked.len() == 7 || date)) {
            problems.push(format!(
                "{at}: checked = \"{}\" is not YYYY-MM or YYYY-MM-DD",
                source.checked
            ));
        }
    }
    if problems.is_empty() {
        Ok(sources)
    } else {
        Err(problems)
    }
}

/// Reads one declared dataset from the bundle's files.
fn load_dataset<T: crate::reference::Dataset>(
    entry: Option<&DataEntry>,
    files: &BTreeMap<String, Vec<u8>>,
    origin: &str,
) -> Result<Option<ReferenceData<T>>, BundleError> {
    let Some(entry) = entry else {
        return Ok(None);
    };
    let invalid = |name: &str, problems: Vec<String>| BundleError::Invalid {
        bundle: origin.to_owned(),
        file: name.to_owned(),
        problems,
    };
    if entry.max_age_days == 0 || entry.max_age_days > MAX_DATA_AGE_DAYS {
        return Err(invalid(
            "bundle.toml",
            vec![format!(
                "[data.{}] max_age_days = {}: give 1 to {MAX_DATA_AGE_DAYS} days",
                T::NAME,
                entry.max_age_days
            )],
        ));
    }
    let bytes = files
        .get(&entry.path)
        .ok_or_else(|| BundleError::MissingFile {
            bundle: origin.to_owned(),
            file: entry.path.clone(),
        })?;
    let data = T::parse_dataset(bytes).map_err(|e| invalid(&entry.path, vec![e]))?;
    if data.released_at().is_none() {
        return Err(invalid(
            &entry.path,
            vec![format!(
                "its release date `{}` is not a date",
                data.released()
            )],
        ));
    }
    Ok(Some(ReferenceData {
        path: entry.path.clone(),
        sha256: sha256_hex(bytes),
        data: Arc::new(data),
        max_age_days: entry.max_age_days,
        origin: DataOrigin::Bundle,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PluginToml {
    name: String,
    path: String,
    media_types: Vec<String>,
}

/// A loaded, validated bundle.
#[derive(Debug, Clone)]
pub struct Bundle {
    /// The bundle's name.
    pub name: String,
    /// Its version (monotonic).
    pub version: u64,
    /// What it is for.
    pub description: String,
    /// SHA-256 over its file list (each file's path and SHA-256).
    pub digest: String,
    /// Each file's SHA-256.
    pub files: BTreeMap<String, String>,
    /// The Cedar schema.
    pub schema: Schema,
    /// The fact vocabulary the schema declares.
    pub vocabulary: Vocabulary,
    /// The policies, each with its `@id` as its Cedar id.
    pub policies: PolicySet,
    /// One rule per policy, in id order.
    pub rules: Vec<Rule>,
    /// The plugins.
    pub plugins: Vec<PluginBinary>,
    /// What each evidence kind (the first part of a fact path) is.
    pub evidence: BTreeMap<String, EvidenceKind>,
    /// The known-exploited vulnerabilities catalogue, if the bundle carries one.
    pub kev: Option<ReferenceData<Kev>>,
    /// NHS England's cyber alerts, if the bundle carries them.
    pub nhs_alerts: Option<ReferenceData<NhsAlerts>>,
    /// The documents its controls cite, with the edition checked.
    pub sources: Vec<Source>,
    /// The limits it sets (`[limits]` in `bundle.toml`), each checked
    /// against its hard ceiling.
    pub limits: crate::limits::BundleLimits,
    /// How the bundle was trusted: by signatures (a published bundle), or
    /// `None` for the built-in bundle (pinned digest) and an author's
    /// source folder.
    pub signed: Option<Signed>,
}

/// A published bundle's verified signatures.
#[derive(Debug, Clone, Serialize)]
pub struct Signed {
    /// The SHA-256 of its `bundle.json`.
    pub manifest_sha256: String,
    /// The trusted keys (key ids) whose signatures verified.
    pub signers: Vec<String>,
    /// When it expires.
    pub expires: String,
}

/// What a published bundle must be verified against.
#[derive(Debug, Clone)]
pub struct TrustConfig {
    /// The public keys trusted to sign bundles.
    pub keys: Vec<assure_trust::keys::PublicKey>,
    /// How many distinct trusted keys must have signed.
    pub threshold: usize,
    /// The anti-rollback state file.
    pub state: std::path::PathBuf,
}

/// The digest of a bundle's file list.
pub fn files_digest(files: &BTreeMap<String, String>) -> String {
    let mut hasher = Sha256::new();
    for (path, sha) in files {
        hasher.update(path.as_bytes());
        hasher.update(b"\0");
        hasher.update(sha.as_bytes());
        hasher.update(b"\n");
    }
    hex::encode(hasher.finalize())
}

impl Bundle {
    /// The source a control belongs to: the one with the longest key it
    /// starts with.
    pub fn source_of(&self, control: &str) -> Option<&Source> {
        self.sources
            .iter()
            .filter(|s| s.covers(control))
            .max_by_key(|s| s.key.len())
    }

    /// The built-in NHS baseline bundle, checked against the digest pinned
    /// when this binary was built.
    pub fn builtin() -> Result<Self, BundleError> {
        let files: BTreeMap<String, Vec<u8>> = builtin::FILES
            .iter()
            .map(|(path, bytes)| ((*path).to_owned(), bytes.to_vec()))
            .collect();
        let bundle = Self::from_files("built-in", files)?;
        if bundle.digest != builtin::DIGEST {
            return Err(BundleError::Digest {
                bundle: bundle.name,
                expected: builtin::DIGEST.to_owned(),
                found: bundle.digest,
            });
        }
        Ok(bundle)
    }

    /// Loads a published bundle — a `.bundle` file or a folder holding
    /// `bundle.json` and `bundle.json.dsse` — and verifies it before anything
    /// in it is used: the threshold of trusted signatures, the exact file
    /// list and digests, every plugin's pin and signature, expiry at `now`
    /// and the anti-rollback state, which records it when it is accepted.
    /// There is no unverified path.
    pub fn load_signed(
        path: &std::path::Path,
        trust: &TrustConfig,
        now: jiff::Timestamp,
    ) -> Result<Self, crate::Error> {
        let source_name = path.display().to_string();
        let untrusted = |error| crate::Error::BundleTrust {
            source_name: source_name.clone(),
            error,
        };
        let loaded = assure_trust::bundle::load(path).map_err(untrusted)?;
        let mut state = assure_trust::state::State::load(&trust.state).map_err(untrusted)?;
        let verified =
            assure_trust::bundle::verify(&loaded, &trust.keys, trust.threshold, now, &mut state)
                .map_err(untrusted)?;
        let mut bundle = Self::from_files(&source_name, verified.files.clone())?;
        if bundle.name != verified.manifest.name || bundle.version != verified.manifest.version {
            return Err(BundleError::Invalid {
                bundle: source_name.clone(),
                file: "bundle.toml".into(),
                problems: vec![format!(
                    "names {} v{}, but the signed bundle.json says {} v{}",
                    bundle.name, bundle.version, verified.manifest.name, verified.manifest.version
                )],
            }
            .into());
        }
        // Every plugin the engine will run is one the trust layer checked
        // against the bundle's allowed plugin signers.
        for plugin in &bundle.plugins {
            let signed = verified.plugin_signers.iter().any(|(p, signers)| {
                !signers.is_empty()
                    && verified
                        .files
                        .get(p)
                        .is_some_and(|b| sha256_hex(b) == plugin.sha256)
            });
            if !signed {
                return Err(untrusted(
                    assure_trust::error::PluginVerificationError::Unsigned {
                        plugin: plugin.name.clone(),
                    }
                    .into(),
                ));
            }
        }
        // Recorded only once the bundle is known to load.
        state.save().map_err(untrusted)?;
        bundle.signed = Some(Signed {
            manifest_sha256: verified.digest.clone(),
            signers: verified.signers.iter().map(|k| k.to_hex()).collect(),
            expires: crate::facts::format_datetime(verified.manifest.expires),
        });
        Ok(bundle)
    }

    /// Loads a bundle's source folder (a `bundle.toml` and the files it
    /// names), as policy authors work on it: every file under `dir` except
    /// `tests/` and Markdown. A plugin the folder does not hold is taken from
    /// the built-in bundle when that has one at the same path (the baseline's
    /// plugins live in `plugins/dist/`, not beside its policies).
    pub fn from_source_dir(dir: &std::path::Path) -> Result<Self, crate::Error> {
        let files = source_files(dir)?;
        Ok(Self::from_files(&dir.display().to_string(), files)?)
    }

    /// Loads a bundle from its files (path relative to the bundle root →
    /// bytes). Every problem in a file is reported at once.
    pub fn from_files(origin: &str, files: BTreeMap<String, Vec<u8>>) -> Result<Self, BundleError> {
        let file = |name: &str| {
            files.get(name).ok_or_else(|| BundleError::MissingFile {
                bundle: origin.to_owned(),
                file: name.to_owned(),
            })
        };
        let invalid = |name: &str, problems: Vec<String>| BundleError::Invalid {
            bundle: origin.to_owned(),
            file: name.to_owned(),
            problems,
        };
        let text = |name: &str| -> Result<String, BundleError> {
            String::from_utf8(file(name)?.clone())
                .map_err(|_| invalid(name, vec!["not UTF-8 text".into()]))
        };

        let manifest: BundleToml = toml::from_str(&text("bundle.toml")?)
            .map_err(|e| invalid("bundle.toml", vec![e.to_string().trim().to_owned()]))?;
        let limits = crate::limits::BundleLimits::new(manifest.limits.clone())
            .map_err(|e| invalid("bundle.toml", vec![format!("[limits]: {e}")]))?;

        // Schema.
        let schema_src = text(&manifest.schema)?;
        let schema = Schema::from_cedarschema_str(&schema_src)
            .map(|(schema, _warnings)| schema)
            .map_err(|e| invalid(&manifest.schema, vec![diagnostic(&e)]))?;
        let schema_json = SchemaFragment::from_cedarschema_str(&schema_src)
            .map_err(|e| invalid(&manifest.schema, vec![diagnostic(&e)]))
            .and_then(|(fragment, _)| {
                fragment
                    .to_json_value()
                    .map_err(|e| invalid(&manifest.schema, vec![e.to_string()]))
            })?;
        let vocabulary = Vocabulary::from_schema_json(&schema_json)
            .map_err(|e| invalid(&manifest.schema, vec![e]))?;

        // Every policy file is listed: one left out would be silently ignored.
        let unlisted: Vec<String> = files
            .keys()
            .filter(|path| path.ends_with(".cedar") && !manifest.policies.contains(path))
            .map(|path| format!("`{path}` is a policy file that `policies` does not list"))
            .collect();
        if !unlisted.is_empty() {
            return Err(invalid("bundle.toml", unlisted));
        }

        // Policies, re-identified by their @id.
        let mut policies = PolicySet::new();
        let mut rules = Vec::new();
        let mut problems: Vec<(String, String)> = Vec::new();
        let mut ids = BTreeSet::new();
        let mut sources: BTreeMap<String, String> = BTreeMap::new();
        for name in &manifest.policies {
            let src = text(name)?;
            let parsed = match PolicySet::from_str(&src) {
                Ok(set) => set,
                Err(e) => {
                    problems.push((name.clone(), located(&e, &src)));
                    continue;
                }
            };
            sources.insert(name.clone(), src.clone());
            if parsed.templates().next().is_some() {
                problems.push((name.clone(), " policy templates are not supported".into()));
            }
            for policy in parsed.policies() {
                match rule_of(policy, name) {
                    Ok(rule) => {
                        if !ids.insert(rule.id.clone()) {
                            problems.push((
                                name.clone(),
                                format!(" `@id(\"{}\")` is used twice", rule.id),
                            ));
                            continue;
                        }
                        let renamed = policy.new_id(PolicyId::new(&rule.id));
                        if let Err(e) = policies.add(renamed) {
                            problems.push((name.clone(), format!(" {e}")));
                        }
                        rules.push(rule);
                    }
                    Err(errs) => {
                        problems.extend(errs.into_iter().map(|e| (name.clone(), format!(" {e}"))));
                    }
                }
            }
        }
        if !problems.is_empty() {
            let file = problems.first().map(|(f, _)| f.clone()).unwrap_or_default();
            return Err(invalid(
                &file,
                problems
                    .into_iter()
                    .map(|(f, p)| format!("{f}:{p}"))
                    .collect(),
            ));
        }
        // Strict validation against the schema: every problem at once.
        let validation = Validator::new(schema.clone()).validate(&policies, ValidationMode::Strict);
        if !validation.validation_passed() {
            let first_file = validation
                .validation_errors()
                .next()
                .and_then(|e| {
                    rules
                        .iter()
                        .find(|r| PolicyId::new(&r.id) == *e.policy_id())
                })
                .map_or_else(|| manifest.schema.clone(), |r| r.file.clone());
            let problems = validation
                .validation_errors()
                .map(|e| {
                    let rule = rules
                        .iter()
                        .find(|r| PolicyId::new(&r.id) == *e.policy_id());
                    let file = rule.map_or("?", |r| r.file.as_str());
                    let src = sources.get(file).map_or("", String::as_str);
                    format!("{file}:{} (policy `{}`)", located(e, src), e.policy_id())
                })
                .collect();
            return Err(invalid(&first_file, problems));
        }
        rules.sort_by(|a, b| a.id.cmp(&b.id));

        // Plugins.
        let mut plugins = Vec::new();
        for plugin in &manifest.plugins {
            let bytes = file(&plugin.path)?;
            plugins.push(PluginBinary {
                name: plugin.name.clone(),
                media_types: plugin
                    .media_types
                    .iter()
                    .map(|m| crate::media::normalise(m))
                    .collect(),
                sha256: sha256_hex(bytes),
                bytes: bytes.clone().into(),
            });
        }

        // Reference data.
        let sources = check_sources(manifest.sources).map_err(|p| invalid("bundle.toml", p))?;
        let kev: Option<ReferenceData<Kev>> =
            load_dataset(manifest.data.kev.as_ref(), &files, origin)?;
        let nhs_alerts: Option<ReferenceData<NhsAlerts>> =
            load_dataset(manifest.data.nhs_alerts.as_ref(), &files, origin)?;

        let digests: BTreeMap<String, String> = files
            .iter()
            .map(|(path, bytes)| (path.clone(), sha256_hex(bytes)))
            .collect();
        Ok(Self {
            name: manifest.name,
            version: manifest.version,
            description: manifest.description,
            digest: files_digest(&digests),
            files: digests,
            schema,
            vocabulary,
            policies,
            rules,
            plugins,
            evidence: manifest.evidence,
            kev,
            nhs_alerts,
            sources,
            limits,
            signed: None,
        })
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The entity types the schema lets `action` apply to as its resource.
    pub fn resources_of(&self, action: &str) -> BTreeSet<String> {
        let Ok(uid) = crate::facts::uid("Action", action) else {
            return BTreeSet::new();
        };
        self.schema
            .resources_for_action(&uid)
            .map(|types| types.map(|t| t.to_string()).collect())
            .unwrap_or_default()
    }

    /// The plugins a media type is routed to, in bundle order.
    pub fn plugins_for<'a>(
        &'a self,
        media_type: &'a str,
    ) -> impl Iterator<Item = &'a PluginBinary> + 'a {
        self.plugins
            .iter()
            .filter(move |p| p.media_types.iter().any(|m| m == media_type))
    }
}

/// A bundle source folder's files, as [`Bundle::from_source_dir`] reads them
/// and `assure bundle build` packs them: every file except `tests/` and
/// Markdown, plus the built-in plugins the folder does not hold itself.
pub fn source_files(dir: &std::path::Path) -> Result<BTreeMap<String, Vec<u8>>, crate::Error> {
    if !dir.join("bundle.toml").is_file() {
        return Err(BundleError::MissingFile {
            bundle: dir.display().to_string(),
            file: "bundle.toml".into(),
        }
        .into());
    }
    let mut files = BTreeMap::new();
    read_dir_files(dir, dir, &mut files)?;
    files.retain(|path, _| !path.starts_with("tests/") && !path.ends_with(".md"));
    for (path, bytes) in builtin::FILES {
        if path.starts_with("plugins/") && !files.contains_key(*path) {
            files.insert((*path).to_owned(), bytes.to_vec());
        }
    }
    Ok(files)
}

/// Every file under `dir`, by its path relative to `base` with `/`.
fn read_dir_files(
    base: &std::path::Path,
    dir: &std::path::Path,
    out: &mut BTreeMap<String, Vec<u8>>,
) -> Result<(), crate::Error> {
    let io = |path: &std::path::Path, source| crate::Error::Io {
        action: "read",
        path: path.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let entry = entry.map_err(|e| io(dir, e))?;
        let path = entry.path();
        // Hidden files (`.git/`, editor files) are not part of a bundle.
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = entry.file_type().map_err(|e| io(&path, e))?;
        if kind.is_symlink() {
            return Err(BundleError::Invalid {
                bundle: base.display().to_string(),
                file: path
                    .strip_prefix(base)
                    .unwrap_or(&path)
                    .display()
                    .to_string(),
                problems: vec!["is a symbolic link; a bundle holds regular files only".into()],
            }
            .into());
        }
        if kind.is_dir() {
            read_dir_files(base, &path, out)?;
        } else if kind.is_file() {
            let relative = path
                .strip_prefix(base)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            let bytes = std::fs::read(&path).map_err(|e| io(&path, e))?;
            out.insert(relative, bytes);
        }
    }
    Ok(())
}

/// A Cedar diagnostic located in its source text: `line:column: message
/// (help: …)`, or ` message` when it carries no location.
fn located(e: &dyn miette::Diagnostic, src: &str) -> String {
    let offset = e
        .labels()
        .and_then(|mut labels| labels.next())
        .map(|label| label.offset());
    match offset {
        Some(offset) => {
            let before = src.get(..offset).unwrap_or(src);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("{line}:{column}: {}", diagnostic(e))
        }
        None => format!(" {}", diagnostic(e)),
    }
}

/// A Cedar diagnostic as one line, with its help where it has one.
fn diagnostic(e: &dyn miette::Diagnostic) -> String {
    let mut out = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    if let Some(help) = e.help() {
        out.push_str(&format!(" (help: {help})"));
    }
    out
}

/// Reads a policy's annotations; every missing or bad one is reported.
fn rule_of(policy: &Policy, file: &str) -> Result<Rule, Vec<String>> {
    let mut problems = Vec::new();
    let mut required = |key: &str| match policy.annotation(key) {
        Some(v) if !v.trim().is_empty() => v.trim().to_owned(),
        _ => {
            problems.push(format!(
                "a policy at {} has no `@{key}` annotation",
                location(policy)
            ));
            String::new()
        }
    };
    let id = required("id");
    let title = required("title");
    let message = required("message");
    let remediation = required("remediation");
    let control = required("control");
    let severity_text = required("severity");
    let severity = match Severity::from_str(&severity_text) {
        Ok(s) => s,
        Err(()) => {
            if !severity_text.is_empty() {
                problems.push(format!(
                    "policy `{id}`: `@severity(\"{severity_text}\")` must be critical, high, medium or low"
                ));
            }
            Severity::Low
        }
    };
    let advisory = match policy.annotation("advisory").map(str::trim) {
        None => false,
        Some("" | "true") => true,
        Some(other) => {
            problems.push(format!(
                "policy `{id}`: `@advisory(\"{other}\")` must be `@advisory` or `@advisory(\"true\")`; leave it out for a blocking rule"
            ));
            false
        }
    };
    let tier = match policy.annotation("tier").map(str::trim) {
        None => None,
        Some(text) => match crate::submission::Tier::parse(text) {
            Some(t) if t != crate::submission::Tier::Standard => Some(t),
            _ => {
                problems.push(format!(
                    "policy `{id}`: `@tier(\"{text}\")` must be `high` or `critical`, the lowest tier the rule applies at; leave it out for a rule of every tier"
                ));
                None
            }
        },
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let est = policy.to_json().ok();
    let reads = est.as_ref().map(policy_reads).unwrap_or_default();
    let mentions = est.as_ref().map(policy_mentions).unwrap_or_default();
    // An annotated tier must be one the condition tests, or the annotation
    // would tell people something the rule does not do.
    if tier.is_some()
        && !reads.iter().any(|read| {
            read.root == "context"
                && read.path.first().is_some_and(|p| p == "profile")
                && read
                    .path
                    .get(1)
                    .is_some_and(|k| k == "tier" || k == "criticality")
        })
    {
        return Err(vec![format!(
            "policy `{id}`: it has a `@tier` annotation but its condition does not read `context.profile.tier` (or `criticality`)"
        )]);
    }
    let action = match policy.action_constraint() {
        cedar_policy::ActionConstraint::Eq(uid) => Some(uid.id().unescaped().to_owned()),
        _ => None,
    };
    let resource_type = match policy.resource_constraint() {
        cedar_policy::ResourceConstraint::Is(ty)
        | cedar_policy::ResourceConstraint::IsIn(ty, _) => Some(ty.to_string()),
        cedar_policy::ResourceConstraint::Eq(uid) => Some(uid.type_name().to_string()),
        // `resource in E` admits E's descendants, of any type.
        cedar_policy::ResourceConstraint::In(_) | cedar_policy::ResourceConstraint::Any => None,
    };
    Ok(Rule {
        id,
        title,
        controls: control
            .split(';')
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect(),
        pillar: policy.annotation("pillar").map(str::to_owned),
        severity,
        message,
        remediation,
        advisory,
        tier,
        effect: policy.effect(),
        action,
        resource_type,
        file: file.to_owned(),
        reads,
        mentions,
    })
}

fn location(policy: &Policy) -> String {
    let text = policy.to_string();
    let first = text
        .lines()
        .find(|l| !l.trim_start().starts_with('@'))
        .unwrap_or("");
    format!("`{}`", first.trim())
}
