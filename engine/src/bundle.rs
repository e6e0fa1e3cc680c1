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

use cedar_policy::{PolicyId, PolicySet, Schema, SchemaFragment, ValidationMode, Validator};
use serde::Deserialize;
use sha2::{Digest, Sha256};

mod model;
mod policy;
mod waivers;

pub use model::{
    Approver, Bundle, DataOrigin, EvidenceKind, PluginBinary, ReferenceData, Rule, Severity,
    Signed, Source, TrustConfig, WaiverPolicy,
};
use policy::{diagnostic, located, rule_of};
pub use waivers::MAX_WAIVER_DAYS;

use crate::error::BundleError;
use crate::reference::{Kev, NhsAlerts};
use crate::submission::sha256_hex;
use crate::vocabulary::Vocabulary;

pub(crate) mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_bundle.rs"));
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
    /// The frameworks in the order reports show them.
    #[serde(default)]
    frameworks: Vec<String>,
    /// Limits the bundle sets (`crate::limits::TABLE` names them).
    #[serde(default)]
    limits: BTreeMap<String, u64>,
    /// How it governs waivers.
    #[serde(default)]
    waivers: Option<waivers::WaiversToml>,
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
    let data = T::parse_dataset(bytes).map_err(|e| invalid(&entry.path, vec![e.to_string()]))?;
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
            .map_err(|e| invalid(&manifest.schema, vec![e.to_string()]))?;

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
        let waiver_policy = match manifest.waivers {
            None => None,
            Some(toml) => Some(
                waivers::governance(toml, &files, &rules).map_err(|p| invalid("bundle.toml", p))?,
            ),
        };

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
            frameworks: manifest.frameworks,
            limits,
            signed: None,
            waivers: waiver_policy,
        })
    }

    /// The rule with this id.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The entity types the schema lets `action` apply to as its resource.
    pub fn resources_of(&self, action: &str) -> BTreeSet<String> {
        let Ok(uid) = crate::vocabulary::uid("Action", action) else {
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
