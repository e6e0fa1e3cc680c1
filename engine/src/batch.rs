//! Many submissions with one engine: the bundle is verified and the
//! plugins compiled once, and the submissions are checked on a pool of
//! worker threads.
//!
//! [`list`] turns what a person named into a batch (several folders, or one
//! folder of submission folders, where every folder is either checked or
//! reported as not checked, never skipped in silence); [`Engine::check_all`]
//! checks it, handing each result to the caller in the order given as soon
//! as it and every result before it are known.

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::check::{CheckOptions, Engine};
use crate::decision::Decision;
use crate::error::Error;
use crate::submission::{LoadOptions, MANIFEST, Submission};

/// What was named: one submission, or a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listing {
    /// One submission folder (or a path that is not a folder: loading it
    /// says why it cannot be read).
    One(PathBuf),
    /// Several submissions, in the order they are reported. The output of a
    /// batch keeps its shape however many of them there are.
    Batch(Vec<Entry>),
}

/// One place in a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A folder to check.
    Check(PathBuf),
    /// A folder inside a folder of submissions that is not checked, and why.
    NotChecked(PathBuf, String),
}

impl Entry {
    /// The folder this entry is about.
    #[must_use]
    pub fn path(&self) -> &Path {
        match self {
            Entry::Check(path) | Entry::NotChecked(path, _) => path,
        }
    }
}

pub use crate::error::ListError;

/// The submissions named by `paths`: each folder holding a
/// `submission.toml`; a single folder without one stands for the folders
/// directly inside it (sorted by name), every one of which is either checked
/// or listed as not checked with the reason.
pub fn list(paths: &[PathBuf]) -> Result<Listing, ListError> {
    let [only] = paths else {
        return Ok(Listing::Batch(
            paths.iter().cloned().map(Entry::Check).collect(),
        ));
    };
    // `symlink_metadata`: a manifest that is a link is the loader's to refuse.
    if only.join(MANIFEST).symlink_metadata().is_ok() || !only.is_dir() {
        return Ok(Listing::One(only.clone()));
    }
    let unreadable = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ListError::Unreadable { path, source }
    };
    let entries = std::fs::read_dir(only).map_err(unreadable(only))?;
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(unreadable(only))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(unreadable(&path))?;
        // `waivers/` beside the submissions holds the buyer's waivers for
        // them (`assure check` reads it), not a submission.
        if kind.is_dir() && entry.file_name() == "waivers" {
            continue;
        }
        if kind.is_dir() {
            found.push(match not_a_submission(&path) {
                None => Entry::Check(path),
                Some(reason) => Entry::NotChecked(path, reason),
            });
        } else if kind.is_symlink() {
            let target = std::fs::read_link(&path)
                .map(|t| format!(" to `{}`", t.display()))
                .unwrap_or_default();
            let reason = if path.exists() {
                format!(
                    "a symbolic link{target}, not followed: check the folder it names on its own"
                )
            } else {
                format!("a symbolic link{target} that leads nowhere")
            };
            found.push(Entry::NotChecked(path, reason));
        }
        // Files beside the submission folders (a README) are not submissions.
    }
    if found.is_empty() {
        return Err(ListError::NoSubmissions { path: only.clone() });
    }
    found.sort_by(|a, b| a.path().cmp(b.path()));
    Ok(Listing::Batch(found))
}

/// Why a folder inside a folder of submissions is not one, if it is not.
fn not_a_submission(folder: &Path) -> Option<String> {
    if folder.join(MANIFEST).symlink_metadata().is_ok() {
        return None;
    }
    let names: Vec<String> = std::fs::read_dir(folder)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    Some(
        match names.iter().find(|n| n.eq_ignore_ascii_case(MANIFEST)) {
            Some(near) => format!("no {MANIFEST} (there is `{near}`: the name is case-sensitive)"),
            None if names.is_empty() => format!("an empty folder: no {MANIFEST}"),
            None => format!("no {MANIFEST}"),
        },
    )
}

/// What became of one submission of a batch.
#[derive(Debug)]
pub enum BatchResult {
    /// It was judged.
    Decided(Box<Decision>),
    /// It could not be checked (unreadable, untrusted, over a limit).
    Failed {
        /// Why.
        error: Error,
    },
    /// The folder is not a submission.
    NotChecked {
        /// Why.
        reason: String,
    },
}

impl BatchResult {
    /// Whether it failed a trust check (a digest, a path escaping the folder…).
    #[must_use]
    pub fn is_trust_failure(&self) -> bool {
        matches!(self, BatchResult::Failed { error } if error.is_trust_failure())
    }
}

/// One submission of a batch and what became of it.
#[derive(Debug)]
pub struct BatchItem {
    /// The folder, as it was named.
    pub path: PathBuf,
    /// What became of it.
    pub result: BatchResult,
}

/// How a batch is checked.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// How each submission is loaded.
    pub load: LoadOptions,
    /// How each is judged.
    pub check: CheckOptions,
    /// How many submissions are checked at once.
    pub jobs: NonZeroUsize,
}

impl Engine {
    /// Checks every entry of a batch on `options.jobs` worker threads and
    /// returns the results in the order given. `ready` is called with each
    /// result, in that order, as soon as it and every one before it are
    /// known (to print result lines as they come); `done` each time any
    /// submission is finished (to move a progress bar).
    pub fn check_all(
        &self,
        entries: &[Entry],
        options: &BatchOptions,
        ready: &(dyn Fn(&BatchItem) + Sync),
        done: &(dyn Fn() + Sync),
    ) -> Vec<BatchItem> {
        let slots: Vec<Mutex<Option<BatchItem>>> = entries
            .iter()
            .map(|e| {
                Mutex::new(match e {
                    Entry::Check(_) => None,
                    Entry::NotChecked(path, reason) => Some(BatchItem {
                        path: path.clone(),
                        result: BatchResult::NotChecked {
                            reason: reason.clone(),
                        },
                    }),
                })
            })
            .collect();
        // The next result to hand over, so they come out in the order given.
        let handed = Mutex::new(0usize);
        let hand_over = || {
            let Ok(mut handed) = handed.lock() else {
                return;
            };
            while let Some(slot) = slots.get(*handed) {
                let Ok(guard) = slot.lock() else { return };
                let Some(item) = guard.as_ref() else { break };
                ready(item);
                *handed += 1;
            }
        };
        let next = AtomicUsize::new(0);
        let workers = options.jobs.get().min(entries.len()).max(1);
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let (Some(entry), Some(slot)) = (entries.get(index), slots.get(index))
                        else {
                            break;
                        };
                        if let Entry::Check(path) = entry {
                            let result = match Submission::load(path, &options.load)
                                .and_then(|s| self.check(&s, &options.check))
                            {
                                Ok((decision, _)) => BatchResult::Decided(Box::new(decision)),
                                Err(error) => BatchResult::Failed { error },
                            };
                            if let Ok(mut slot) = slot.lock() {
                                *slot = Some(BatchItem {
                                    path: path.clone(),
                                    result,
                                });
                            }
                        }
                        done();
                        hand_over();
                    }
                });
            }
        });
        hand_over();
        entries
            .iter()
            .zip(slots)
            .map(|(entry, slot)| {
                slot.into_inner()
                    .ok()
                    .flatten()
                    .unwrap_or_else(|| BatchItem {
                        path: entry.path().to_path_buf(),
                        result: BatchResult::NotChecked {
                            reason: "not checked: a worker stopped".to_owned(),
                        },
                    })
            })
            .collect()
    }
}
