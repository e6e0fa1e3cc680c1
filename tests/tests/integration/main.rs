//! The integration tests of `assure-tests`: end to end: the engine on whole submissions, hostile plugins and documents, fuzz corpora.
//!
//! One test binary for the crate (each binary links the whole crate and its
//! dependencies, so one link instead of one per file); each module below was
//! a test file of its own. Run one with `cargo test -p assure-tests --test integration <module>::`.

mod baseline;
mod broken_evidence;
mod criticality;
mod csaf_platforms;
mod dtac_form;
mod e2e;
mod every_format;
mod facts_judged;
mod fuzz_corpora;
mod hostile_documents;
mod hostile_plugins;
mod lifecycle_patching;
mod limits;
mod lying_evidence;
mod never_approve;
mod plugins_readme;
mod semantic;
mod supplier_assurance;
mod vex_join;
