//! The JSON reader: text to walint's spanned tree, then to its documents.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| walint_fuzz::read(walint::source::Format::Json, data));
