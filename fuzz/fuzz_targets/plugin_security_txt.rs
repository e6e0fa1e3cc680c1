#![no_main]
//! `plugin_security_txt`: the `security-txt` plugin through the host; see `assure_tests::fuzzing::plugin`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| assure_tests::fuzzing::plugin("security-txt", data));
