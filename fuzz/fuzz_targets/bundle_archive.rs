#![no_main]
//! `bundle_archive`: see `assure_tests::fuzzing::bundle_archive`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| assure_tests::fuzzing::bundle_archive(data));
