#![no_main]
//! `plugin_cyber_essentials`: the `cyber-essentials` plugin through the host; see `assure_tests::fuzzing::plugin`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| assure_tests::fuzzing::plugin("cyber-essentials", data));
