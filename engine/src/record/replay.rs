//! Replay: re-run the check a verified record describes, as of its time
//! and with the same bundle, and compare the decision byte for byte. Every
//! front end (`assure verify --replay`, a service, a re-evaluation job)
//! replays through here, so they agree on what "the same decision" means.

use std::path::Path;

use serde_json::Value;

use super::verify::VerifiedRecord;
use crate::check::{CheckOptions, Engine};
use crate::decision::Decision;
use crate::submission::{Submission, sha256_hex};

/// Why a record cannot be replayed, or the replay could not run.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ReplayError {
    /// The record lacks what a replay compares against: a trust failure.
    #[error("{0}")]
    #[diagnostic(code(assure::record::not_replayable))]
    NotReplayable(String),
    /// The record was decided with another bundle than the engine's.
    #[error(
        "the record was decided with bundle sha256:{recorded}; this assure carries sha256:{current} — replay needs the same bundle"
    )]
    #[diagnostic(code(assure::record::other_bundle))]
    OtherBundle {
        /// The record's bundle digest.
        recorded: String,
        /// The engine's.
        current: String,
    },
    /// The record was decided with reference data the operator gave.
    #[error(
        "the record was decided with reference data given with --reference: {}; replay judges with this binary's built-in data only, so it cannot reproduce it",
        .0.join(", ")
    )]
    #[diagnostic(code(assure::record::operator_data))]
    OperatorData(Vec<String>),
    /// The submission could not be loaded or checked.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Engine(#[from] crate::Error),
}

impl ReplayError {
    /// Whether this is a trust failure (the record itself is unfit), not a
    /// usage or engine problem.
    #[must_use]
    pub fn is_trust_failure(&self) -> bool {
        match self {
            ReplayError::NotReplayable(_) => true,
            ReplayError::Engine(e) => e.is_trust_failure(),
            ReplayError::OtherBundle { .. } | ReplayError::OperatorData(_) => false,
        }
    }
}

/// What a replay found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Replay {
    /// The same decision, byte for byte.
    Same {
        /// Its SHA-256.
        digest: String,
        /// The record's time, replayed as of.
        as_of: String,
    },
    /// Another decision.
    Different {
        /// The new decision's SHA-256.
        digest: String,
        /// The recorded one's.
        recorded: String,
        /// The record's time, replayed as of.
        as_of: String,
        /// What changed, one line each (verdict, findings, engine version).
        changes: Vec<String>,
    },
}

impl std::fmt::Display for Replay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Replay::Same { digest, as_of } => {
                write!(
                    f,
                    "re-ran as of {as_of}: the same decision (sha256:{digest})"
                )
            }
            Replay::Different {
                digest,
                recorded,
                as_of,
                changes,
            } => {
                write!(
                    f,
                    "the replay as of {as_of} gives a different decision (sha256:{digest}, recorded sha256:{recorded})"
                )?;
                for change in changes {
                    write!(f, "\n  {change}")?;
                }
                Ok(())
            }
        }
    }
}

impl VerifiedRecord {
    /// A string field of assure's extension, by JSON Pointer.
    fn recorded(&self, pointer: &str) -> Option<String> {
        self.assure
            .as_ref()
            .and_then(|a| a.pointer(pointer))
            .and_then(Value::as_str)
            .map(str::to_owned)
    }

    /// Re-runs the check this record describes on the submission in `dir`
    /// with `engine` (which must carry the record's bundle), and compares.
    pub fn replay(&self, engine: &Engine, dir: &Path) -> Result<Replay, ReplayError> {
        let (Some(recorded), Some(recorded_bundle)) = (
            self.recorded("/decision_sha256"),
            self.recorded("/bundle/digest"),
        ) else {
            return Err(ReplayError::NotReplayable(
                "the record carries no assure decision digest to replay against".to_owned(),
            ));
        };
        let Ok(as_of) = self.time_verified.parse::<jiff::Timestamp>() else {
            return Err(ReplayError::NotReplayable(format!(
                "the record's time `{}` is not an RFC 3339 time",
                self.time_verified
            )));
        };
        if engine.bundle().digest != recorded_bundle {
            return Err(ReplayError::OtherBundle {
                recorded: recorded_bundle,
                current: engine.bundle().digest.clone(),
            });
        }
        let given = self.operator_data();
        if !given.is_empty() {
            return Err(ReplayError::OperatorData(given));
        }
        let submission = Submission::load(dir, &engine.load_options(false))?;
        let options = CheckOptions::at(as_of).with_waivers(self.waivers()?);
        let (decision, _) = engine.check(&submission, &options)?;
        Ok(self.compare(&decision, &recorded))
    }

    /// The waivers the record carries (each file as it was presented), to
    /// be judged again exactly as they were.
    fn waivers(&self) -> Result<Vec<crate::waiver::WaiverFile>, ReplayError> {
        use base64::Engine as _;
        let Some(list) = self
            .assure
            .as_ref()
            .and_then(|a| a.get("waivers"))
            .and_then(Value::as_array)
        else {
            return Ok(Vec::new());
        };
        list.iter()
            .map(|w| {
                let name = w.get("file").and_then(Value::as_str);
                let content = w
                    .get("content")
                    .and_then(Value::as_str)
                    .and_then(|c| base64::engine::general_purpose::STANDARD.decode(c).ok());
                match (name, content) {
                    (Some(name), Some(bytes)) => Ok(crate::waiver::WaiverFile {
                        name: name.to_owned(),
                        bytes,
                    }),
                    _ => Err(ReplayError::NotReplayable(
                        "a waiver in the record carries no file to judge again".to_owned(),
                    )),
                }
            })
            .collect()
    }

    /// Reference data the operator gave (`check --reference`), which is not
    /// in the engine: replaying without it would judge with other knowledge.
    fn operator_data(&self) -> Vec<String> {
        self.assure
            .as_ref()
            .and_then(|a| a.get("reference_data"))
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter(|d| d.get("origin").and_then(Value::as_str) == Some("operator"))
                    .map(|d| {
                        let field = |k: &str| d.get(k).and_then(Value::as_str).unwrap_or("?");
                        format!(
                            "{} {} ({}, sha256:{})",
                            field("name"),
                            field("version"),
                            field("path"),
                            field("sha256")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The decision compared with the one recorded (its digest `recorded`).
    fn compare(&self, decision: &Decision, recorded: &str) -> Replay {
        let digest = sha256_hex(decision.to_json().as_bytes());
        let as_of = self.time_verified.clone();
        if digest == recorded {
            return Replay::Same { digest, as_of };
        }
        let mut changes = Vec::new();
        let was = self.recorded("/verdict").unwrap_or_default();
        if was != decision.verdict.as_str() {
            changes.push(format!("verdict: recorded {was}, now {}", decision.verdict));
        }
        let before: Vec<String> = self
            .assure
            .as_ref()
            .and_then(|a| a.get("findings"))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|f| f.get("rule").and_then(Value::as_str))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let now: Vec<String> = decision.findings.iter().map(|f| f.rule.clone()).collect();
        if before != now {
            changes.push(format!(
                "findings: recorded [{}], now [{}]",
                before.join(", "),
                now.join(", ")
            ));
        }
        let engine_was = self.recorded("/engine/version").unwrap_or_default();
        if engine_was != decision.engine.version {
            changes.push(format!(
                "engine: recorded assure {engine_was}, now {}",
                decision.engine.version
            ));
        }
        Replay::Different {
            digest,
            recorded: recorded.to_owned(),
            as_of,
            changes,
        }
    }
}
