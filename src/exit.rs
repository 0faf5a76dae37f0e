//! walint's exit codes (README, "Exit codes"): what a CI pipeline reads of a run.

/// No finding at or above the `--fail-on` severity.
pub const EXIT_CLEAN: u8 = 0;
/// At least one finding at or above it.
pub const EXIT_FINDINGS: u8 = 1;
/// walint could not do its job (bad arguments, an unreadable or invalid config, a missing
/// path).
pub const EXIT_ERROR: u8 = 2;
