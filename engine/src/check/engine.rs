//! The engine and what a check is given and gives besides the decision:
//! the types every stage of the flow shares.

use std::time::{Duration, Instant};

use crate::bundle::Bundle;
use crate::plugin::{PluginCache, PluginHost};

/// How long each stage took.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// (stage, time), in order.
    pub stages: Vec<(String, Duration)>,
}

impl Timings {
    pub(super) fn record(&mut self, stage: impl Into<String>, since: Instant) {
        self.stages.push((stage.into(), since.elapsed()));
    }

    /// The sum of all stages.
    pub fn total(&self) -> Duration {
        self.stages.iter().map(|(_, d)| *d).sum()
    }
}

/// Options for one check.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// The evaluation time.
    pub as_of: jiff::Timestamp,
    /// Waivers to judge the findings with, besides those in the
    /// submission's own `waivers/` folder.
    pub waivers: Vec<crate::waiver::WaiverFile>,
    /// Where extractions are kept between checks
    /// ([`crate::factcache`]): a document a plugin has read before is not
    /// read again.
    pub facts: Option<std::sync::Arc<dyn crate::factcache::FactsStore>>,
}

impl CheckOptions {
    /// A check as of `as_of`, with no waivers but the submission's own.
    #[must_use]
    pub fn at(as_of: jiff::Timestamp) -> Self {
        CheckOptions {
            as_of,
            waivers: Vec::new(),
            facts: None,
        }
    }

    /// The same check, keeping and reusing extractions in `store`.
    #[must_use]
    pub fn with_facts(mut self, store: std::sync::Arc<dyn crate::factcache::FactsStore>) -> Self {
        self.facts = Some(store);
        self
    }

    /// The same check, judged with these waivers too.
    #[must_use]
    pub fn with_waivers(mut self, waivers: Vec<crate::waiver::WaiverFile>) -> Self {
        self.waivers.extend(waivers);
        self
    }
}

/// The engine: a verified bundle and a plugin sandbox. Build it once with
/// [`Engine::builder`] and check many submissions; plugins are compiled on
/// first use and reused.
pub struct Engine {
    pub(super) bundle: Bundle,
    pub(super) host: PluginHost,
    pub(super) cache: PluginCache,
    pub(super) threads: usize,
    pub(super) submission_limits: crate::limits::SubmissionLimits,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("bundle", &self.bundle.name)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// The bundle.
    pub fn bundle(&self) -> &Bundle {
        &self.bundle
    }

    /// The plugin sandbox.
    pub fn host(&self) -> &PluginHost {
        &self.host
    }

    /// How to load a submission for this engine: under the limits the
    /// bundle and the caller set, refusing evidence without a declared
    /// digest when `require_digests`.
    #[must_use]
    pub fn load_options(&self, require_digests: bool) -> crate::submission::LoadOptions {
        crate::submission::LoadOptions {
            require_digests,
            limits: self.submission_limits.clone(),
        }
    }
}
