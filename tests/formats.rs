//! Chatbot platforms' exports, through the real binary.

mod common;

use common::{stderr, stdout, walint};

#[test]
fn a_platform_walint_does_not_check_is_named_with_verbose() {
    let path = "tests/fixtures/formats/amazon-connect/transfer.json";
    let output = walint(&["check", path, "--format", "concise", "--verbose"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "No problems found in 0 files.\n");
    assert_eq!(
        stderr(&output),
        format!(
            "walint: skipped {path}: recognised: Amazon Connect flow; not checked\n\
             walint: warning: no file checked: `{path}` holds no file walint checks; 1 file was left out (`--verbose` says why)\n"
        )
    );
}
