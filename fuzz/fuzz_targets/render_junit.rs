//! The junit report of a linted input, with one finding at an arbitrary span.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    walint_fuzz::render(walint::report::ReportFormat::Junit, data)
});
