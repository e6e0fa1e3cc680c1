//! Extract: each document routed by media type to the plugins that read
//! it, every call made in the sandbox (in parallel, up to the engine's
//! threads), and the results taken in document order, so the facts are the
//! same whichever call finishes first. A document no plugin can read is an
//! error for that document, never a silent omission.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::bundle::PluginBinary;
use crate::decision::{
    Contribution, DocumentError, DocumentErrorKind, DocumentNote, EvidenceInput, PluginInput,
};
use crate::facts::{self, Assembly, Provenance};
use crate::plugin::{CallError, Extraction, Loaded};
use crate::submission::{Evidence, Submission};

use super::engine::{Engine, Timings};

/// What extraction yields: the assembled facts and what a decision records
/// about how they were read.
pub(super) struct Extracted {
    pub assembly: Assembly,
    pub document_errors: Vec<DocumentError>,
    pub notes: Vec<DocumentNote>,
    pub evidence: Vec<EvidenceInput>,
    pub plugins: Vec<PluginInput>,
    pub contributions: Vec<Contribution>,
}

impl Engine {
    /// Reads every document of `submission` with its plugins into facts
    /// bound to the submitted product.
    pub(super) fn extract(
        &self,
        submission: &Submission,
        options: &super::engine::CheckOptions,
        timings: &mut Timings,
    ) -> Extracted {
        let as_of = options.as_of;
        let bundle = &self.bundle;
        let mut assembly = Assembly::bound_to(&submission.manifest.product, as_of);
        let mut document_errors = Vec::new();
        let mut notes = Vec::new();
        let mut evidence_inputs = Vec::new();
        let mut plugins_used: BTreeMap<String, PluginInput> = BTreeMap::new();
        let mut contributions = Vec::new();
        let mut steps: Vec<Step> = Vec::new();
        let mut calls: Vec<Call<'_>> = Vec::new();
        for evidence in &submission.evidence {
            let mut input = EvidenceInput {
                path: evidence.path.clone(),
                media_type: evidence.media_type.clone(),
                media_type_declared: evidence.media_type_declared,
                sha256: evidence.sha256.clone(),
                size: evidence.bytes.len(),
                plugins: Vec::new(),
            };
            let binaries: Vec<&PluginBinary> = bundle.plugins_for(&evidence.media_type).collect();
            if binaries.is_empty() {
                steps.push(Step::Error(document_error(
                    evidence,
                    None,
                    DocumentErrorKind::Unrecognised,
                    format!(
                        "no plugin in bundle `{}` reads media type `{}`{}",
                        bundle.name,
                        evidence.media_type,
                        if evidence.media_type_declared {
                            String::new()
                        } else {
                            // Said again here (it runs only for documents no
                            // plugin reads): why it was not recognised.
                            let why = crate::media::recognise(&evidence.path, &evidence.bytes);
                            format!(
                                " (not recognised: {}; declare `media_type` in submission.toml \
                                 if a plugin reads it)",
                                why.reason().unwrap_or("sniffed")
                            )
                        }
                    ),
                    String::new(),
                )));
                evidence_inputs.push(input);
                continue;
            }
            input.plugins = binaries.iter().map(|b| b.name.clone()).collect();
            evidence_inputs.push(input);
            for binary in binaries {
                steps.push(Step::Call(calls.len()));
                calls.push(Call { evidence, binary });
            }
        }

        let mut done = self.run_calls(&calls, options.facts.as_deref());
        for step in steps {
            let index = match step {
                Step::Error(e) => {
                    document_errors.push(e);
                    continue;
                }
                Step::Call(index) => index,
            };
            let (Some(Call { evidence, binary }), Some(Some(done))) =
                (calls.get(index), done.get_mut(index).map(Option::take))
            else {
                // A call that did not complete (its thread failed): an error
                // for the document, never a silent omission.
                if let Some(Call { evidence, binary }) = calls.get(index) {
                    document_errors.push(document_error(
                        evidence,
                        Some(&binary.name),
                        DocumentErrorKind::Fault,
                        "the plugin call did not complete".into(),
                        String::new(),
                    ));
                }
                continue;
            };
            let failed = |kind: DocumentErrorKind, message: String, location: String| {
                document_error(evidence, Some(&binary.name), kind, message, location)
            };
            if let Some((Ok(plugin), true)) = &done.loaded {
                timings.stages.push((
                    format!("load plugin {} ({})", binary.name, plugin.origin.as_str()),
                    done.load_took,
                ));
            }
            let plugin = match done.loaded {
                Some((Ok(plugin), _)) => plugin,
                Some((Err(message), _)) => {
                    document_errors.push(failed(DocumentErrorKind::Plugin, message, String::new()));
                    continue;
                }
                None => {
                    document_errors.push(failed(
                        DocumentErrorKind::Plugin,
                        "the plugin is not in the bundle".into(),
                        String::new(),
                    ));
                    continue;
                }
            };
            let Some((outcome, took)) = done.outcome else {
                document_errors.push(failed(
                    DocumentErrorKind::Plugin,
                    "the compiled plugin does not match the bundle's binary".into(),
                    String::new(),
                ));
                continue;
            };
            plugins_used.insert(
                plugin.name.clone(),
                PluginInput {
                    name: plugin.name.clone(),
                    version: plugin.info.version.clone(),
                    sha256: plugin.sha256.clone(),
                },
            );
            let stage = if done.cached {
                "facts cached for"
            } else {
                "extract"
            };
            timings
                .stages
                .push((format!("{stage} {} ({})", evidence.path, plugin.name), took));
            let source = Provenance {
                document: evidence.path.clone(),
                document_sha256: evidence.sha256.clone(),
                plugin: plugin.name.clone(),
                plugin_sha256: plugin.sha256.clone(),
                location: String::new(),
            };
            match outcome {
                Ok(extraction) => {
                    for note in &extraction.notes {
                        notes.push(DocumentNote {
                            document: evidence.path.clone(),
                            plugin: plugin.name.clone(),
                            message: note.message.clone(),
                            location: facts::location_text(&note.location),
                            region: None,
                        });
                    }
                    contributions.push(Contribution::of(&evidence.path, &plugin.name, &extraction));
                    assembly.add(&bundle.vocabulary, &source, extraction);
                }
                Err(CallError::Rejected { message, location }) => {
                    document_errors.push(failed(
                        DocumentErrorKind::Invalid,
                        message,
                        facts::location_text(&location),
                    ));
                }
                Err(e @ CallError::Limit(_)) => {
                    document_errors.push(failed(
                        DocumentErrorKind::Limit,
                        e.to_string(),
                        String::new(),
                    ));
                }
                Err(e @ CallError::Fault(_)) => {
                    document_errors.push(failed(
                        DocumentErrorKind::Fault,
                        e.to_string(),
                        String::new(),
                    ));
                }
            }
        }
        assembly.finish(&submission.manifest.product);
        if let Some(cap) = submission.unlisted_stopped_at {
            notes.push(DocumentNote {
                document: crate::submission::MANIFEST.into(),
                plugin: "assure".into(),
                message: format!(
                    "the folder holds more than the {cap} entries assure looks at (10 × limits.files): \
                     the list of files the manifest does not declare is incomplete"
                ),
                location: String::new(),
                region: None,
            });
        }
        for document in &assembly.set_aside {
            notes.push(DocumentNote {
                document: document.clone(),
                plugin: "assure".into(),
                message: "its `sbom` product facts were set aside: another SBOM names the \
                          submitted product as its subject (its components are kept)"
                    .into(),
                location: String::new(),
                region: None,
            });
        }

        Extracted {
            assembly,
            document_errors,
            notes,
            evidence: evidence_inputs,
            plugins: plugins_used.into_values().collect(),
            contributions,
        }
    }
}

/// One plugin call: a document and a plugin that reads it.
struct Call<'a> {
    evidence: &'a Evidence,
    binary: &'a PluginBinary,
}

/// What extraction yields for each document and plugin, in order: an error
/// found before any call, or the index of a call.
enum Step {
    Error(DocumentError),
    Call(usize),
}

/// A finished call: its plugin (and whether this call loaded it, and how
/// long that took), and — when the plugin loaded and is the bundle's binary —
/// the call's result and how long it took.
struct Done {
    loaded: Option<(Loaded, bool)>,
    load_took: Duration,
    outcome: Option<(Result<Extraction, CallError>, Duration)>,
    /// Whether the outcome came from the facts cache.
    cached: bool,
}

impl Engine {
    /// Makes the calls on up to `self.threads` threads. Each result is
    /// returned at its call's index, whichever thread made it and whenever
    /// it finished.
    fn run_calls(
        &self,
        calls: &[Call<'_>],
        facts: Option<&dyn crate::factcache::FactsStore>,
    ) -> Vec<Option<Done>> {
        let run = |call: &Call<'_>| {
            let mut cached = false;
            let started = Instant::now();
            let binary = call.binary;
            let loaded = self
                .cache
                .get(&binary.name, || self.host.load(&binary.name, &binary.bytes));
            let load_took = started.elapsed();
            let outcome = match &loaded {
                Some((Ok(plugin), _)) if plugin.sha256 == binary.sha256 => {
                    let started = Instant::now();
                    let evidence = call.evidence;
                    let key = crate::factcache::key(
                        &plugin.sha256,
                        &evidence.sha256,
                        &evidence.path,
                        &evidence.media_type,
                    );
                    let kept = facts.and_then(|store| {
                        let entry = store.get(&key)?;
                        let outcome = crate::factcache::decode(&key, &entry);
                        if outcome.is_none() {
                            store.discard(&key);
                        }
                        outcome
                    });
                    if let Some(store) = facts {
                        store.count(kept.is_some());
                    }
                    cached = kept.is_some();
                    let outcome = kept.unwrap_or_else(|| {
                        let outcome = self.host.extract(
                            plugin,
                            &evidence.path,
                            &evidence.media_type,
                            &evidence.bytes,
                        );
                        if let Some(store) = facts
                            && let Some(entry) = crate::factcache::encode(&key, &outcome)
                        {
                            store.put(&key, &entry);
                        }
                        outcome
                    });
                    Some((outcome, started.elapsed()))
                }
                _ => None,
            };
            Done {
                loaded,
                load_took,
                outcome,
                cached,
            }
        };
        let threads = self.threads.min(calls.len());
        if threads <= 1 {
            return calls.iter().map(|call| Some(run(call))).collect();
        }
        // The largest documents first, so that a big SBOM does not start last.
        let mut order: Vec<usize> = (0..calls.len()).collect();
        order.sort_by_key(|&i| {
            std::cmp::Reverse(calls.get(i).map_or(0, |c| c.evidence.bytes.len()))
        });
        let next = AtomicUsize::new(0);
        let mut done: Vec<Option<Done>> = calls.iter().map(|_| None).collect();
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(|| {
                        let mut finished = Vec::new();
                        while let Some(&index) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                            if let Some(call) = calls.get(index) {
                                finished.push((index, run(call)));
                            }
                        }
                        finished
                    })
                })
                .collect();
            for worker in workers {
                // A worker that panicked leaves its calls without a result,
                // which the caller reports as a fault for those documents.
                for (index, result) in worker.join().unwrap_or_default() {
                    if let Some(slot) = done.get_mut(index) {
                        *slot = Some(result);
                    }
                }
            }
        });
        done
    }
}

/// An error about one document.
fn document_error(
    evidence: &Evidence,
    plugin: Option<&str>,
    kind: DocumentErrorKind,
    message: String,
    location: String,
) -> DocumentError {
    DocumentError {
        document: evidence.path.clone(),
        sha256: evidence.sha256.clone(),
        media_type: evidence.media_type.clone(),
        plugin: plugin.map(str::to_owned),
        kind,
        region: None,
        message,
        location,
    }
}

impl Engine {
    /// The keys a check of `submission` looks up in its facts store
    /// ([`crate::factcache`]): one per document and plugin that reads it. A
    /// service loads the entries under them before the check.
    pub fn facts_keys(&self, submission: &Submission) -> Vec<String> {
        submission
            .evidence
            .iter()
            .flat_map(|evidence| {
                self.bundle
                    .plugins_for(&evidence.media_type)
                    .map(move |binary| {
                        crate::factcache::key(
                            &binary.sha256,
                            &evidence.sha256,
                            &evidence.path,
                            &evidence.media_type,
                        )
                    })
            })
            .collect()
    }
}
