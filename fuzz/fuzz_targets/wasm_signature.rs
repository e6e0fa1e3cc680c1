#![no_main]
//! `wasm_signature`: see `assure_tests::fuzzing::wasm_signature`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| assure_tests::fuzzing::wasm_signature(data));
