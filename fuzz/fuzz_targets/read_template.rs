//! The template model reader, on every node of a parsed input.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| walint_fuzz::read_as(
    data,
    walint::model::template::read
));
