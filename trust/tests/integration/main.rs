//! The integration tests of `assure-trust`: keys, DSSE envelopes, plugin signatures, bundles and the attacks on them.
//!
//! One test binary for the crate (each binary links the whole crate and its
//! dependencies, so one link instead of one per file); each module below was
//! a test file of its own. Run one with `cargo test -p assure-trust --test integration <module>::`.

mod common;

mod attacks;
mod bundle;
mod keys_dsse;
mod wasm;
