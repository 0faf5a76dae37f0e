//! A file as walint loads it: size and UTF-8 checks, parsing, reading, every rule.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| walint_fuzz::load(data));
