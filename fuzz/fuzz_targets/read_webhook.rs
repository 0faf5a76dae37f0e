//! The webhook model readers (walint's `webhooks:` list, Meta's override payload), on every
//! node of a parsed input.
#![no_main]

use walint::model::webhook;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    walint_fuzz::read_as(data, webhook::read_list);
    walint_fuzz::read_as(data, webhook::read_meta_override);
});
