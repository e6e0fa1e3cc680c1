//! `assure serve`: the real server on a loopback port, with SQLite and with
//! PostgreSQL; uploads, verdicts, every format, diffs, roles, limits, and the
//! decision log proved offline with `assure verify --log`.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::expect_used,
    clippy::disallowed_macros,
    reason = "tests: a failure fails the test; a skipped test says why on standard error"
)]

mod browser;
mod bundle;
mod current;
mod harness;
mod jobs;
mod log;
mod portfolio;
mod postgres;
mod readme;
mod sinks;
mod webdriver;
