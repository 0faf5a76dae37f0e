//! `--compare`'s reader: any text as the JSON report of an earlier run.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| walint_fuzz::read_previous_report(data));
