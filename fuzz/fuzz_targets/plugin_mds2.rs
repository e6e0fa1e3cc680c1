#![no_main]
//! `plugin_mds2`: the `mds2` plugin through the host; see `assure_tests::fuzzing::plugin`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| assure_tests::fuzzing::plugin("mds2", data));
