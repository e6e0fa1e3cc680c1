//! The `spdx` plugin's integration tests, in one test binary: the plugin's
//! `extract` run natively through the SDK's test harness.

mod common;
mod corpus;
mod fixtures;
mod inline;
