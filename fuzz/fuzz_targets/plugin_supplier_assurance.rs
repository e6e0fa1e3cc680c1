#![no_main]
//! `plugin_supplier_assurance`: the `supplier-assurance` plugin through the host; see `assure_tests::fuzzing::plugin`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| assure_tests::fuzzing::plugin("supplier-assurance", data));
