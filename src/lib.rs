//! walint: a compliance linter for WhatsApp Business Platform integrations.
//!
//! Data flows one way: paths → files → documents → workspace → rules → diagnostics → report.

pub mod cli;
pub mod config;
pub mod date;
pub mod diagnostic;
pub mod discover;
pub mod lint;
pub mod model;
pub mod report;
pub mod rules;
pub mod source;
mod suggest;
pub mod workspace;
