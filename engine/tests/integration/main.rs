//! The integration tests of `assure-engine`: the engine's public API on real documents.
//!
//! One test binary for the crate (each binary links the whole crate and its
//! dependencies, so one link instead of one per file); each module below was
//! a test file of its own. Run one with `cargo test -p assure-engine --test integration <module>::`.

mod current;
mod fast_path;
mod recognise_corpora;
mod waiver_scope;
