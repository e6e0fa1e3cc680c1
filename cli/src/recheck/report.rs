//! What `assure recheck` found, and how it is told: a block per decision
//! that changes and a summary line for a person, one object for machines,
//! and the exit status.

use std::fmt::Write as _;

use assure_engine::Verdict;
use assure_engine::batch::BatchResult;
use assure_engine::bundle::Bundle;
use assure_engine::change::{NextChange, Transition, next_change};
use assure_engine::decision::Decision;
use assure_engine::factcache::FactsStats;
use assure_engine::jiff::Timestamp;
use assure_report::terminal_text;
use serde_json::json;

use crate::ExitStatus;

/// One submission decided both ways.
pub struct Compared {
    path: String,
    transition: Transition,
    /// When the later decision can next change by itself.
    next_change: Option<NextChange>,
}

impl Compared {
    /// The submission at `path`, decided `old` before and `new` after (with
    /// `bundle`).
    pub fn of(path: String, old: &Decision, new: &Decision, bundle: &Bundle) -> Self {
        let mut compared = Self {
            path,
            transition: Transition::between(old, new),
            next_change: None,
        };
        // Only a change is reported with its next date (it reads every rule).
        if compared.changes() {
            compared.next_change = next_change(bundle, new);
        }
        compared
    }

    /// Whether the decision says something else: its verdict, a finding,
    /// the evidence it asks for or a waiver's warning. Only the reference
    /// data or the bundle it names differing is no change.
    fn changes(&self) -> bool {
        let t = &self.transition;
        t.verdict_changed()
            || !t.appeared.is_empty()
            || !t.cleared.is_empty()
            || !t.missing_added.is_empty()
            || !t.missing_answered.is_empty()
            || !t.waivers_expiring.is_empty()
    }

    /// What changed, one line each, without the verdict (the heading says it).
    fn lines(&self) -> Vec<String> {
        let lines = self.transition.lines();
        let skip = usize::from(self.transition.verdict_changed());
        lines.into_iter().skip(skip).collect()
    }
}

/// A submission that could not be decided, before or after.
pub struct Problem {
    path: String,
    error: String,
    trust: bool,
}

impl Problem {
    /// Why `result` is not a decision.
    pub fn of(path: String, result: &BatchResult) -> Self {
        let error = match result {
            BatchResult::Failed { error } => one_line(&error.to_string()),
            BatchResult::NotChecked { reason } => format!("not a submission: {reason}"),
            BatchResult::Decided(_) => String::new(),
        };
        Self {
            path,
            error,
            trust: result.is_trust_failure(),
        }
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every submission's outcome, in the order given.
pub struct Recheck {
    since: Timestamp,
    as_of: Timestamp,
    facts: FactsStats,
    decided: Vec<Compared>,
    errors: Vec<Problem>,
}

impl Recheck {
    pub fn new(since: Timestamp, as_of: Timestamp, facts: FactsStats) -> Self {
        Self {
            since,
            as_of,
            facts,
            decided: Vec::new(),
            errors: Vec::new(),
        }
    }

    pub fn add(&mut self, compared: Compared) {
        self.decided.push(compared);
    }

    pub fn fail(&mut self, problem: Problem) {
        self.errors.push(problem);
    }

    fn changed(&self) -> impl Iterator<Item = &Compared> {
        self.decided.iter().filter(|c| c.changes())
    }

    /// Each verdict change (`approve → reject`) and how many submissions
    /// make it, in the order first met.
    fn verdict_changes(&self) -> Vec<(String, usize)> {
        let mut counts: Vec<(String, usize)> = Vec::new();
        for c in self
            .decided
            .iter()
            .filter(|c| c.transition.verdict_changed())
        {
            let key = arrow(c.transition.from, c.transition.to);
            match counts.iter_mut().find(|(k, _)| *k == key) {
                Some((_, n)) => *n += 1,
                None => counts.push((key, 1)),
            }
        }
        counts
    }

    /// The exit status: 4 if a submission failed a trust check, else 1 if
    /// one could not be checked, else 6 if a verdict would change, else 0.
    pub fn status(&self) -> ExitStatus {
        if self.errors.iter().any(|e| e.trust) {
            ExitStatus::TrustFailure
        } else if !self.errors.is_empty() {
            ExitStatus::Error
        } else if self.decided.iter().any(|c| c.transition.verdict_changed()) {
            ExitStatus::Changes
        } else {
            ExitStatus::Success
        }
    }

    /// For a person: each decision that changes, its verdict (or that the
    /// verdict stays) and what changed, indented; each submission that
    /// could not be checked; with `verbose`, each decision that stays; then
    /// the summary.
    pub fn human(&self, verbose: bool) -> String {
        let mut out = String::new();
        for c in &self.decided {
            let path = terminal_text(&c.path);
            let t = &c.transition;
            if t.verdict_changed() {
                let _ = writeln!(out, "{path}: {}", arrow(t.from, t.to));
            } else if c.changes() {
                let _ = writeln!(out, "{path}: {} (verdict unchanged)", t.to);
            } else {
                if verbose {
                    let _ = writeln!(out, "{path}: {} (unchanged)", t.to);
                }
                continue;
            }
            for line in c.lines() {
                let _ = writeln!(out, "    {}", terminal_text(&line));
            }
        }
        for e in &self.errors {
            let _ = writeln!(
                out,
                "{}: error: {}",
                terminal_text(&e.path),
                terminal_text(&e.error)
            );
        }
        let changes = self.verdict_changes();
        let verdicts: usize = changes.iter().map(|(_, n)| n).sum();
        let _ = write!(
            out,
            "{} of {} decisions would change",
            self.changed().count(),
            self.decided.len()
        );
        if verdicts > 0 {
            let list: Vec<String> = changes.iter().map(|(k, n)| format!("{n} {k}")).collect();
            let _ = write!(
                out,
                " ({verdicts} verdict{}: {})",
                if verdicts == 1 { "" } else { "s" },
                list.join(", ")
            );
        } else if self.changed().next().is_some() {
            out.push_str(" (findings only: no verdict changes)");
        }
        if !self.errors.is_empty() {
            let _ = write!(out, "; {} could not be checked", self.errors.len());
        }
        out.push('\n');
        if verbose {
            let _ = writeln!(
                out,
                "facts: {} read from the facts store, {} read by a plugin",
                self.facts.hits, self.facts.misses
            );
        }
        out
    }

    /// For machines: `assure.recheck/v1`.
    pub fn json(&self) -> String {
        let changed: Vec<serde_json::Value> = self
            .changed()
            .map(|c| {
                json!({
                    "path": c.path,
                    "from": c.transition.from,
                    "to": c.transition.to,
                    "verdict_changed": c.transition.verdict_changed(),
                    "transition": c.transition,
                    "next_change": c.next_change,
                })
            })
            .collect();
        let unchanged: Vec<serde_json::Value> = self
            .decided
            .iter()
            .filter(|c| !c.changes())
            .map(|c| json!({ "path": c.path, "verdict": c.transition.to }))
            .collect();
        let errors: Vec<serde_json::Value> = self
            .errors
            .iter()
            .map(|e| json!({ "path": e.path, "error": e.error, "trust_failure": e.trust }))
            .collect();
        let verdict_changes: serde_json::Map<String, serde_json::Value> = self
            .verdict_changes()
            .into_iter()
            .map(|(k, n)| (k, n.into()))
            .collect();
        let value = json!({
            "format": "assure.recheck/v1",
            "since": self.since.to_string(),
            "as_of": self.as_of.to_string(),
            "checked": self.decided.len(),
            "verdict_changes": verdict_changes,
            "changed": changed,
            "unchanged": unchanged,
            "errors": errors,
            "facts": self.facts,
        });
        let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
        text.push('\n');
        text
    }
}

fn arrow(from: Verdict, to: Verdict) -> String {
    format!("{from} → {to}")
}
