//! Set-up: one builder that makes an [`Engine`] from a verified bundle. It
//! applies the limits in one order — the defaults, then the bundle's
//! `[limits]`, then the caller's overrides, each within its hard ceiling —
//! so no front end can forget the bundle's limits or skip the ceilings.

use std::num::NonZeroUsize;

use crate::bundle::ReferenceData;
use crate::codecache::CodeCache;
use crate::error::Error;
use crate::plugin::{PluginCache, PluginHost};
use crate::trusted::TrustedBundle;

use super::engine::Engine;

/// Builds an [`Engine`]: `Engine::builder(bundle).limit("fuel", n).build()`.
#[must_use = "an engine builder does nothing until `build` is called"]
pub struct EngineBuilder {
    bundle: TrustedBundle,
    overrides: Vec<(String, u64)>,
    code_cache: Option<CodeCache>,
    threads: Option<usize>,
    references: Vec<(String, String, Vec<u8>)>,
}

impl std::fmt::Debug for EngineBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineBuilder")
            .field("bundle", &self.bundle.name)
            .field("overrides", &self.overrides)
            .field("threads", &self.threads)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// A builder for an engine judging with `bundle`.
    pub fn builder(bundle: TrustedBundle) -> EngineBuilder {
        EngineBuilder {
            bundle,
            overrides: Vec::new(),
            code_cache: None,
            threads: None,
            references: Vec::new(),
        }
    }

    /// An engine for `bundle` under its own limits, compiling each plugin
    /// it uses: `Engine::builder(bundle).build()`.
    pub fn new(bundle: TrustedBundle) -> Result<Self, Error> {
        Self::builder(bundle).build()
    }
}

impl EngineBuilder {
    /// Sets the limit `name` (a name in [`crate::limits::TABLE`], as in
    /// `bundle.toml`'s `[limits]`) over the bundle's. Checked against its
    /// ceiling when the engine is built.
    pub fn limit(mut self, name: &str, value: u64) -> Self {
        let name = name.trim().trim_start_matches("limits.");
        self.overrides.push((name.to_owned(), value));
        self
    }

    /// Sets several limits, as [`EngineBuilder::limit`].
    pub fn limits<'a>(mut self, limits: impl IntoIterator<Item = &'a (String, u64)>) -> Self {
        for (name, value) in limits {
            self = self.limit(name, *value);
        }
        self
    }

    /// Keeps compiled plugin code in `code_cache` (when given) and reuses it.
    pub fn code_cache(mut self, code_cache: Option<CodeCache>) -> Self {
        self.code_cache = code_cache;
        self
    }

    /// Runs at most `threads` plugin calls at once (default: one per core;
    /// 1 runs them one after another). The decision is the same either way.
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = Some(threads.max(1));
        self
    }

    /// Judges with a newer copy of a dataset the bundle carries than the
    /// bundle's own (`assure check --reference NAME=FILE`): `name` is `kev` or
    /// `nhs_alerts`, `file` names the copy in decisions. The copy is checked
    /// as the bundle's would be, keeps the bundle's maximum age, and is
    /// refused when it is not newer than the bundle's, or the bundle carries
    /// no such data (it then declares no maximum age for it).
    pub fn reference(mut self, name: &str, file: &str, bytes: Vec<u8>) -> Self {
        self.references
            .push((name.to_owned(), file.to_owned(), bytes));
        self
    }

    /// The engine: every override checked against its ceiling, the
    /// reference data replaced, the sandbox set up.
    pub fn build(self) -> Result<Engine, Error> {
        let EngineBuilder {
            bundle,
            overrides,
            code_cache,
            threads,
            references,
        } = self;
        let mut bundle = bundle.into_inner();
        let mut limits = bundle.limits.sandbox();
        let mut submission_limits = bundle.limits.submission();
        for (name, value) in &overrides {
            crate::limits::check(name, *value)?;
            limits.set(name, *value);
            submission_limits.set(name, *value);
        }
        limits.validate()?;
        let mut seen = std::collections::BTreeSet::new();
        for (name, file, bytes) in &references {
            let refuse = |problem: String| {
                Error::Bundle(crate::error::BundleError::Invalid {
                    bundle: format!("--reference {name}"),
                    file: file.clone(),
                    problems: vec![problem],
                })
            };
            if !seen.insert(name.as_str()) {
                return Err(refuse(format!("`{name}` is given more than once")));
            }
            match name.as_str() {
                "kev" => {
                    let replaced =
                        newer_reference::<crate::reference::Kev>(bundle.kev.as_ref(), file, bytes)
                            .map_err(refuse)?;
                    bundle.kev = Some(replaced);
                }
                "nhs_alerts" => {
                    let replaced = newer_reference::<crate::reference::NhsAlerts>(
                        bundle.nhs_alerts.as_ref(),
                        file,
                        bytes,
                    )
                    .map_err(refuse)?;
                    bundle.nhs_alerts = Some(replaced);
                }
                other => {
                    return Err(refuse(format!(
                        "`{other}` is not reference data assure knows: give `kev` or `nhs_alerts`"
                    )));
                }
            }
        }
        let host = PluginHost::with_code_cache(limits, code_cache)?;
        let cache = PluginCache::new(bundle.plugins.iter().map(|p| p.name.clone()));
        let threads = threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, NonZeroUsize::get));
        Ok(Engine {
            bundle,
            host,
            cache,
            threads,
            submission_limits,
        })
    }
}

/// A dataset the operator gave, checked, to replace `current`.
fn newer_reference<T: crate::reference::Dataset>(
    current: Option<&ReferenceData<T>>,
    file: &str,
    bytes: &[u8],
) -> Result<ReferenceData<T>, String> {
    let Some(current) = current else {
        return Err(format!(
            "the bundle carries no `{}` data, so it sets no maximum age for it: \
             --reference only replaces data a bundle carries",
            T::NAME
        ));
    };
    let data = T::parse_dataset(bytes).map_err(|e| e.to_string())?;
    let (Some(released), Some(bundled)) = (data.released_at(), current.data.released_at()) else {
        return Err(format!(
            "its release date `{}` is not a date",
            data.released()
        ));
    };
    if released <= bundled {
        return Err(format!(
            "{} {} (released {}) is not newer than the bundle's {} (released {}): \
             --reference only judges with newer data",
            T::TITLE,
            data.version(),
            data.released(),
            current.data.version(),
            current.data.released()
        ));
    }
    Ok(ReferenceData {
        path: file.to_owned(),
        sha256: crate::submission::sha256_hex(bytes),
        data: std::sync::Arc::new(data),
        max_age_days: current.max_age_days,
        origin: crate::bundle::DataOrigin::Operator,
    })
}
