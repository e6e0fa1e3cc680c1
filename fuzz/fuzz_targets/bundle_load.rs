#![no_main]
//! `bundle_load`: see `assure_tests::fuzzing::bundle_load`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| assure_tests::fuzzing::bundle_load(data));
