//! `walint server`: a language server over standard input and output. The editor's texts
//! go through the same engine as `walint check` (its path-free API): diagnostics on open,
//! change and save, code actions from the findings' fixes, hover with the rule's summary,
//! the workspace's walint.yaml applied and read again when it changes.
//!
//! Everything runs on the thread that reads the messages, one message at a time: checking a
//! file after a keystroke takes milliseconds, so there is nothing to cancel or debounce.
//! A request or notification whose parameters do not parse is answered with an error (or
//! passed over) and the server goes on.

mod convert;
mod project;
mod transport;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use serde::de::DeserializeOwned;

use crate::catalogue::{Catalogue, DOCS_URL};
use crate::diagnostic::{Applicability, Diagnostic, FileId};
use crate::source::Format;

use convert::{path_to_uri, uri_to_path, Text};
use project::Project;

/// The code action kind of "fix everything safe in this file", run by editors on save.
const FIX_ALL: lsp::CodeActionKind = lsp::CodeActionKind::new("source.fixAll.walint");

/// Serves one client until it says `exit`. The exit code is 0 after `shutdown` then `exit`
/// and 1 when the client left without `shutdown` (as the protocol asks).
pub fn run(catalogue: Arc<Catalogue>) -> Result<u8, String> {
    let (connection, threads) =
        transport::stdio().map_err(|e| format!("cannot start the server's threads: {e}"))?;
    let served = serve(&connection, catalogue);
    drop(connection);
    let reading = |e: String| format!("cannot read the client's messages: {e}");
    let clean = match served {
        Ok(clean) => {
            threads.join().map_err(|e| reading(e.to_string()))?;
            clean
        }
        // When the reader refused a message, that is why the server stopped.
        Err(message) => return Err(threads.reader_error().map_or(message, reading)),
    };
    Ok(if clean { 0 } else { 1 })
}

fn serve(connection: &Connection, catalogue: Arc<Catalogue>) -> Result<bool, String> {
    let (id, params) = connection
        .initialize_start()
        .map_err(|e| format!("the client did not initialize the server: {e}"))?;
    let params: lsp::InitializeParams = match serde_json::from_value(params) {
        Ok(params) => params,
        Err(error) => {
            let message = format!("the initialize request's parameters do not parse: {error}");
            let response = Response::new_err(id, ErrorCode::InvalidParams as i32, message.clone());
            let _ = connection.sender.send(response.into());
            return Err(message);
        }
    };
    let result = lsp::InitializeResult {
        capabilities: capabilities(),
        server_info: Some(lsp::ServerInfo {
            name: "walint".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
        }),
    };
    let result = serde_json::to_value(result).map_err(|e| e.to_string())?;
    connection
        .initialize_finish(id, result)
        .map_err(|e| format!("the client did not finish initializing: {e}"))?;
    let mut server = Server::new(root_of(&params), catalogue);
    server.publish_config(connection);
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                match connection.handle_shutdown(&request) {
                    Ok(true) => return Ok(true),
                    Ok(false) => {}
                    Err(error) => return Err(format!("while shutting down: {error}")),
                }
                let response = server.request(request);
                send(connection, response.into());
            }
            Message::Notification(notification) => {
                if notification.method == lsp::notification::Exit::METHOD {
                    return Ok(false);
                }
                server.notify(connection, notification);
            }
            Message::Response(_) => {}
        }
    }
    Ok(false)
}

/// A closed connection ends the loop above; nothing else is to be done with a lost message.
fn send(connection: &Connection, message: Message) {
    let _ = connection.sender.send(message);
}

fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(lsp::PositionEncodingKind::UTF16),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::FULL),
                save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX, FIX_ALL]),
                resolve_provider: Some(false),
                work_done_progress_options: Default::default(),
            },
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        ..Default::default()
    }
}

/// The workspace's folder: the first workspace folder, else the root the client names,
/// else the folder the server was started in.
fn root_of(params: &lsp::InitializeParams) -> PathBuf {
    let folder = params
        .workspace_folders
        .iter()
        .flatten()
        .find_map(|folder| uri_to_path(&folder.uri));
    // Older clients (and some today) name the root only with `rootUri`.
    #[allow(deprecated)]
    let root_uri = params.root_uri.as_ref().and_then(uri_to_path);
    let root = folder
        .or(root_uri)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default();
    root.canonicalize().unwrap_or(root)
}

fn parse<T: DeserializeOwned>(params: serde_json::Value) -> Result<T, String> {
    serde_json::from_value(params).map_err(|e| e.to_string())
}

struct Server {
    catalogue: Arc<Catalogue>,
    project: Project,
    /// The config file whose diagnostics were published last, to clear them when it goes.
    config_published: Option<lsp::Uri>,
}

impl Server {
    fn new(root: PathBuf, catalogue: Arc<Catalogue>) -> Server {
        Server {
            project: Project::load(&root, &catalogue),
            catalogue,
            config_published: None,
        }
    }

    fn request(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        let result = match request.method.as_str() {
            lsp::request::CodeActionRequest::METHOD => {
                parse(request.params).map(|params| to_json(self.code_actions(&params)))
            }
            lsp::request::HoverRequest::METHOD => {
                parse(request.params).map(|params| to_json(self.hover(&params)))
            }
            method => {
                return Response::new_err(
                    id,
                    ErrorCode::MethodNotFound as i32,
                    format!("walint's server does not answer `{method}`"),
                )
            }
        };
        match result {
            Ok(value) => Response::new_ok(id, value),
            Err(error) => Response::new_err(
                id,
                ErrorCode::InvalidParams as i32,
                format!("the parameters do not parse: {error}"),
            ),
        }
    }

    fn notify(&mut self, connection: &Connection, notification: Notification) {
        use lsp::notification as n;
        let method = notification.method.clone();
        let handled = match method.as_str() {
            n::DidOpenTextDocument::METHOD => parse(notification.params).map(|p| {
                let p: lsp::DidOpenTextDocumentParams = p;
                self.did_open(connection, p.text_document.uri, p.text_document.text);
            }),
            n::DidChangeTextDocument::METHOD => parse(notification.params).map(|p| {
                let p: lsp::DidChangeTextDocumentParams = p;
                self.did_change(connection, &p.text_document.uri, p.content_changes);
            }),
            n::DidSaveTextDocument::METHOD => parse(notification.params).map(|p| {
                let p: lsp::DidSaveTextDocumentParams = p;
                self.did_save(connection, &p.text_document.uri);
            }),
            n::DidCloseTextDocument::METHOD => parse(notification.params).map(|p| {
                let p: lsp::DidCloseTextDocumentParams = p;
                self.did_close(connection, &p.text_document.uri);
            }),
            n::DidChangeWatchedFiles::METHOD => parse(notification.params).map(|p| {
                let p: lsp::DidChangeWatchedFilesParams = p;
                self.files_changed(connection, &p.changes);
            }),
            // `initialized`, `$/setTrace`, settings and the like: nothing to do.
            _ => Ok(()),
        };
        if let Err(error) = handled {
            log(
                connection,
                lsp::MessageType::WARNING,
                format!("walint: `{method}` passed over: its parameters do not parse: {error}"),
            );
        }
    }

    fn did_open(&mut self, connection: &Connection, uri: lsp::Uri, text: String) {
        let Some(path) = uri_to_path(&uri) else {
            return;
        };
        if self.project.is_config(&path) {
            self.publish_config(connection);
            return;
        }
        if self.project.open(&path, uri, text) {
            self.publish(connection);
        }
    }

    fn did_change(
        &mut self,
        connection: &Connection,
        uri: &lsp::Uri,
        changes: Vec<lsp::TextDocumentContentChangeEvent>,
    ) {
        let Some(path) = uri_to_path(uri) else {
            return;
        };
        let Some(document) = self.project.document(&path) else {
            return;
        };
        // The whole text (the sync this server asks for), or ranges a client sends anyway.
        let mut text = document.text.clone();
        for change in changes {
            match change.range {
                None => text = change.text,
                Some(range) => {
                    let view = Text::new(&text);
                    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
                    let start = bom + view.offset(range.start);
                    let end = (bom + view.offset(range.end)).max(start);
                    text.replace_range(start..end, &change.text);
                }
            }
        }
        if self.project.change(&path, text) {
            self.publish(connection);
        }
    }

    fn did_save(&mut self, connection: &Connection, uri: &lsp::Uri) {
        let Some(path) = uri_to_path(uri) else {
            return;
        };
        if self.project.is_config(&path) {
            self.reload(connection);
        } else if self.project.document(&path).is_some() {
            // What the cross-file view of the config file's overrides sees has changed.
            self.publish_config(connection);
        }
    }

    fn did_close(&mut self, connection: &Connection, uri: &lsp::Uri) {
        let Some(path) = uri_to_path(uri) else {
            return;
        };
        if self.project.close(&path) {
            publish_diagnostics(connection, uri.clone(), Vec::new());
            self.publish(connection);
        }
    }

    fn files_changed(&mut self, connection: &Connection, changes: &[lsp::FileEvent]) {
        let paths: Vec<PathBuf> = changes.iter().filter_map(|c| uri_to_path(&c.uri)).collect();
        if paths.iter().any(|path| self.project.is_config(path)) {
            return self.reload(connection);
        }
        for path in &paths {
            self.project.disk_changed(path);
        }
        if !paths.is_empty() {
            self.publish(connection);
        }
    }

    /// walint.yaml changed: the workspace is read again with it, the open documents kept.
    fn reload(&mut self, connection: &Connection) {
        let open: Vec<(PathBuf, lsp::Uri, String)> = self
            .project
            .documents()
            .map(|(path, document)| {
                (
                    path.to_path_buf(),
                    document.uri.clone(),
                    document.text.clone(),
                )
            })
            .collect();
        let root = self.project.root().to_path_buf();
        self.project = Project::load(&root, &self.catalogue);
        for (path, uri, text) in open {
            if !self.project.open(&path, uri.clone(), text) {
                // Now excluded by the config: its findings go.
                publish_diagnostics(connection, uri, Vec::new());
            }
        }
        self.publish_config(connection);
        self.publish(connection);
    }

    /// The open documents' diagnostics, every one published (an empty list clears).
    fn publish(&mut self, connection: &Connection) {
        for (path, diagnostics) in self.project.check_open() {
            let Some(document) = self.project.document(&path) else {
                continue;
            };
            let text = Text::new(&document.text);
            let lsp_diagnostics = diagnostics
                .iter()
                .map(|d| {
                    convert::diagnostic(d, &text, self.related(d), self.documentation(d).as_deref())
                })
                .collect();
            publish_diagnostics(connection, document.uri.clone(), lsp_diagnostics);
        }
    }

    /// The page of a diagnostic's rule, for its `codeDescription`.
    fn documentation(&self, diagnostic: &Diagnostic) -> Option<String> {
        self.project
            .catalogue()
            .rules()
            .get(diagnostic.rule.index())
            .and_then(|rule| rule.documentation(DOCS_URL))
    }

    fn related(&self, diagnostic: &Diagnostic) -> Vec<lsp::DiagnosticRelatedInformation> {
        diagnostic
            .related
            .iter()
            .filter_map(|related| {
                let (uri, text) = match self.project.file_text(related.file_id) {
                    Some((path, text)) => (self.uri_of(path)?, Some(Text::new(text))),
                    None => (self.uri_of(self.project.path(related.file_id)?)?, None),
                };
                Some(convert::related(related, uri, text.as_ref()))
            })
            .collect()
    }

    /// A file's URI: the open document's as the client wrote it, else made from the path.
    fn uri_of(&self, path: &Path) -> Option<lsp::Uri> {
        match self.project.document(path) {
            Some(document) => Some(document.uri.clone()),
            None => path_to_uri(path),
        }
    }

    /// The config file's diagnostics: why it cannot be read, or the problems of its
    /// overrides over the whole workspace.
    fn publish_config(&mut self, connection: &Connection) {
        let uri = self.project.config_path.as_deref().and_then(path_to_uri);
        if let Some(old) = self.config_published.take() {
            if Some(&old) != uri.as_ref() {
                publish_diagnostics(connection, old, Vec::new());
            }
        }
        let Some(uri) = uri else {
            return;
        };
        let diagnostics = match &self.project.config_error {
            Some(error) => vec![self.config_error(error)],
            None => {
                let outcome = self.project.check_all();
                match outcome.config_files.first() {
                    Some(file) => {
                        let text = Text::new(&file.text);
                        outcome
                            .diagnostics
                            .iter()
                            .filter(|d| d.file_id == FileId::CONFIG && d.is_active())
                            .map(|d| {
                                convert::diagnostic(
                                    d,
                                    &text,
                                    Vec::new(),
                                    self.documentation(d).as_deref(),
                                )
                            })
                            .collect()
                    }
                    None => Vec::new(),
                }
            }
        };
        publish_diagnostics(connection, uri.clone(), diagnostics);
        self.config_published = Some(uri);
    }

    /// A config error (`walint.yaml:3:5: message`, or a message alone) at its place.
    fn config_error(&self, error: &str) -> lsp::Diagnostic {
        let text = self
            .project
            .config_path
            .as_deref()
            .and_then(|path| std::fs::read_to_string(path).ok())
            .unwrap_or_default();
        let view = Text::new(&text);
        let (position, message) = placed(error)
            .map(|(line, column, message)| (view.char_position(line, column), message))
            .unwrap_or((lsp::Position::new(0, 0), error));
        lsp::Diagnostic {
            range: lsp::Range::new(position, position),
            severity: Some(lsp::DiagnosticSeverity::ERROR),
            source: Some("walint".into()),
            message: format!(
                "{message}\nhelp: walint checks with its built-in rules until walint.yaml is fixed"
            ),
            ..Default::default()
        }
    }

    fn code_actions(&self, params: &lsp::CodeActionParams) -> Vec<lsp::CodeActionOrCommand> {
        let uri = &params.text_document.uri;
        let Some(path) = uri_to_path(uri) else {
            return Vec::new();
        };
        let Some(document) = self.project.document(&path) else {
            return Vec::new();
        };
        let text = Text::new(&document.text);
        let wants = |kind: &lsp::CodeActionKind| match &params.context.only {
            None => true,
            Some(only) => only
                .iter()
                .any(|asked| kind.as_str().starts_with(asked.as_str())),
        };
        let mut actions = Vec::new();
        let yaml = Format::from_path(&path.to_string_lossy()) == Some(Format::Yaml);
        if wants(&lsp::CodeActionKind::QUICKFIX) {
            for diagnostic in &document.diagnostics {
                let range = text.range(diagnostic.span);
                if !overlaps(range, params.range) {
                    continue;
                }
                let shown = convert::diagnostic(
                    diagnostic,
                    &text,
                    Vec::new(),
                    self.documentation(diagnostic).as_deref(),
                );
                if let Some(fix) = &diagnostic.fix {
                    let safe = fix.applicability == Applicability::Safe;
                    let title = if safe {
                        fix.title.clone()
                    } else {
                        format!("{} (unsafe: check the result)", fix.title)
                    };
                    actions.push(action(
                        title,
                        lsp::CodeActionKind::QUICKFIX,
                        uri,
                        convert::edits(&fix.edits, &text),
                        Some(vec![shown.clone()]),
                        safe,
                    ));
                }
                if yaml {
                    actions.push(self.suppress(diagnostic, &text, uri, shown));
                }
            }
        }
        if wants(&FIX_ALL) {
            if let Some((id, name)) = self.project.name(&path) {
                let fixed = self
                    .project
                    .engine()
                    .fix_text(id, &name, &document.text, false);
                if fixed.fixed > 0 {
                    let edit = lsp::TextEdit::new(text.whole(), fixed.text);
                    actions.push(action(
                        format!("Fix all safe walint findings ({})", fixed.fixed),
                        FIX_ALL,
                        uri,
                        vec![edit],
                        None,
                        false,
                    ));
                }
            }
        }
        actions
    }

    /// "Suppress WAxxx here": a `# walint-ignore WAxxx: ` comment above the finding's line,
    /// the reason left for the user to type (until it is, WA005 says it suppresses nothing).
    fn suppress(
        &self,
        diagnostic: &Diagnostic,
        text: &Text,
        uri: &lsp::Uri,
        shown: lsp::Diagnostic,
    ) -> lsp::CodeActionOrCommand {
        let start = text.line_start(diagnostic.span.start);
        let comment = format!(
            "{}# walint-ignore {}: \n",
            text.indentation(diagnostic.span.start),
            diagnostic.code
        );
        let at = text.position(start);
        action(
            format!(
                "Suppress {} here (then type the reason after the colon)",
                diagnostic.code
            ),
            lsp::CodeActionKind::QUICKFIX,
            uri,
            vec![lsp::TextEdit::new(lsp::Range::new(at, at), comment)],
            Some(vec![shown]),
            false,
        )
    }

    fn hover(&self, params: &lsp::HoverParams) -> Option<lsp::Hover> {
        let at = &params.text_document_position_params;
        let path = uri_to_path(&at.text_document.uri)?;
        let document = self.project.document(&path)?;
        let text = Text::new(&document.text);
        let offset = text.offset(at.position);
        let here: Vec<&Diagnostic> = document
            .diagnostics
            .iter()
            .filter(|d| d.span.start <= offset && offset <= d.span.end)
            .collect();
        let first = here.first()?;
        let sections: Vec<String> = here
            .iter()
            .map(|d| {
                let rule = self.project.engine().catalogue().rule(d.rule);
                let fix = match &d.fix {
                    Some(fix) => format!("\n\nQuick fix: {}", fix.title),
                    None if !rule.fix.trim().is_empty() => format!("\n\nFix: {}", rule.fix.trim()),
                    None => String::new(),
                };
                format!("**{}** `{}`: {}{fix}", d.code, d.name, rule.summary.trim())
            })
            .collect();
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: sections.join("\n\n---\n\n"),
            }),
            range: Some(text.range(first.span)),
        })
    }
}

fn to_json<T: serde::Serialize>(value: T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

/// Two ranges share a position (an empty request range at a finding's edge counts).
fn overlaps(a: lsp::Range, b: lsp::Range) -> bool {
    a.start <= b.end && b.start <= a.end
}

fn action(
    title: String,
    kind: lsp::CodeActionKind,
    uri: &lsp::Uri,
    edits: Vec<lsp::TextEdit>,
    diagnostics: Option<Vec<lsp::Diagnostic>>,
    preferred: bool,
) -> lsp::CodeActionOrCommand {
    // lsp-types keys edits by `Uri`, whose cached parts clippy takes for interior mutability;
    // its hash and equality are of the URI's text, which never changes.
    #[allow(clippy::mutable_key_type)]
    let changes = std::iter::once((uri.clone(), edits)).collect();
    lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title,
        kind: Some(kind),
        diagnostics,
        edit: Some(lsp::WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        }),
        is_preferred: preferred.then_some(true),
        ..Default::default()
    })
}

fn publish_diagnostics(connection: &Connection, uri: lsp::Uri, diagnostics: Vec<lsp::Diagnostic>) {
    let params = lsp::PublishDiagnosticsParams {
        uri,
        diagnostics,
        version: None,
    };
    let notification =
        Notification::new(lsp::notification::PublishDiagnostics::METHOD.into(), params);
    send(connection, notification.into());
}

fn log(connection: &Connection, typ: lsp::MessageType, message: String) {
    let params = lsp::LogMessageParams { typ, message };
    let notification = Notification::new(lsp::notification::LogMessage::METHOD.into(), params);
    send(connection, notification.into());
}

/// `path:line:column: message` as the config's errors are written, split.
fn placed(error: &str) -> Option<(usize, usize, &str)> {
    let mut parts = error.splitn(4, ':');
    let _path = parts.next()?;
    let line = parts.next()?.trim().parse().ok()?;
    let column = parts.next()?.trim().parse().ok()?;
    Some((line, column, parts.next()?.trim_start()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_error_is_split_at_its_place_and_other_messages_are_kept_whole() {
        assert_eq!(
            placed("walint.yaml:3:5: unknown key `rulez`"),
            Some((3, 5, "unknown key `rulez`"))
        );
        assert_eq!(placed("config file `x` does not exist"), None);
        assert_eq!(placed("walint.yaml names the templates lock `a:b`"), None);
    }

    #[test]
    fn ranges_overlap_when_they_share_a_position() {
        let range =
            |a, b, c, d| lsp::Range::new(lsp::Position::new(a, b), lsp::Position::new(c, d));
        assert!(overlaps(range(1, 0, 1, 5), range(1, 5, 1, 5)));
        assert!(overlaps(range(1, 0, 3, 0), range(2, 0, 2, 1)));
        assert!(!overlaps(range(1, 0, 1, 5), range(1, 6, 1, 8)));
    }
}
