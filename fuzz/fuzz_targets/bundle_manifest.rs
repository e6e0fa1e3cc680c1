#![no_main]
//! `bundle_manifest`: see `assure_tests::fuzzing::bundle_manifest`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| assure_tests::fuzzing::bundle_manifest(data));
