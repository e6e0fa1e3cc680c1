#![no_main]
//! `facts`: see `assure_tests::fuzzing::facts`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| assure_tests::fuzzing::facts(data));
