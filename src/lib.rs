//! walint: a compliance linter for WhatsApp Business Platform integrations.
//!
//! Data flows one way: paths → files → documents → workspace → rules → diagnostics → report.

pub mod diagnostic;
pub mod model;
pub mod source;
