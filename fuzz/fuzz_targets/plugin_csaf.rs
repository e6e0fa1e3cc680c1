#![no_main]
//! `plugin_csaf`: the `csaf` plugin through the host; see `assure_tests::fuzzing::plugin`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| assure_tests::fuzzing::plugin("csaf", data));
