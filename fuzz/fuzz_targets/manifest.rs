#![no_main]
//! `manifest`: see `assure_tests::fuzzing::manifest`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| assure_tests::fuzzing::manifest(data));
