//! The integration tests of `assure-cli`: the `assure` command as a user runs it.
//!
//! One test binary for the crate (each binary links the whole crate and its
//! dependencies, so one link instead of one per file); each module below was
//! a test file of its own. Run one with `cargo test -p assure-cli --test integration <module>::`.

mod common;

mod baseline_doc;
mod batch;
mod cache;
mod ci_integrations;
mod cli;
mod decision_schema;
mod hostile_outputs;
mod init_recognises;
mod log;
mod recheck;
mod record;
mod reference_data;
mod registry;
mod reports;
mod self_check;
mod serve;
mod trust;
mod waivers;
