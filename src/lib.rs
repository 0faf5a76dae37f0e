//! walint: a compliance linter for WhatsApp Business Platform integrations.
//!
//! Data flows one way: paths → files → (each file: tree → documents → rules → diagnostics and
//! exports) → cross-file rules on the exports → diagnostics → report. The [`engine`] does the
//! middle of it on text, without the file system; [`catalogue`] says what each rule is.

pub mod baseline;
pub mod catalogue;
pub mod cli;
pub mod config;
pub mod custom;
pub mod data;
pub mod date;
pub mod diagnostic;
pub mod discover;
pub mod engine;
pub mod examples;
pub mod exit;
pub mod fix;
pub mod formats;
pub mod generate;
pub mod graph_api;
pub mod model;
pub mod read;
pub mod redact;
pub mod report;
pub mod rules;
pub mod schema;
pub mod server;
pub mod source;
mod suggest;
pub mod suppress;
mod templates_command;
pub mod templates_lock;
pub mod text;
pub mod watch;
pub mod workspace;
