#![no_main]
//! `plugin_spdx`: the `spdx` plugin through the host; see `assure_tests::fuzzing::plugin`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| assure_tests::fuzzing::plugin("spdx", data));
