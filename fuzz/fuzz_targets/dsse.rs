#![no_main]
//! `dsse`: see `assure_tests::fuzzing::dsse`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| assure_tests::fuzzing::dsse(data));
