#![no_main]
//! `plugin_cyclonedx`: the `cyclonedx` plugin through the host; see `assure_tests::fuzzing::plugin`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| assure_tests::fuzzing::plugin("cyclonedx", data));
