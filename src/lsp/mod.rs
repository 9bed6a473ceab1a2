//! `ceasefire lsp`: a language server over standard input and output.
//!
//! Diagnostics as you type (the codes and help of `check`), hover on a
//! kind, zone, phase, field or rule, go to definition, completion where
//! each name fits, formatting through `fmt`, and quick fixes that apply the
//! did-you-mean suggestions of diagnostics. Documents are synchronised
//! whole; positions are counted in UTF-16 units, as LSP's default.

mod analysis;
mod complete;
mod frame;
mod text;
pub mod transport;

use analysis::Analysis;
use ceasefire::check::model::Model;
use ceasefire::diagnostic::Severity;
use ceasefire::format::format_text;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as NotificationTrait, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, Completion, Formatting, GotoDefinition, HoverRequest, Request as RequestTrait,
};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionProviderCapability, CompletionOptions,
    CompletionParams, CompletionResponse, DiagnosticRelatedInformation, DiagnosticSeverity, DocumentFormattingParams,
    GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverContents, HoverParams, HoverProviderCapability,
    InitializeResult, Location, MarkupContent, MarkupKind, NumberOrString, OneOf, PublishDiagnosticsParams,
    ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, TextEdit, Uri, WorkspaceEdit,
};
use std::collections::HashMap;
use text::{LineIndex, path_of, uri_of};

/// Serves one client until it asks to exit.
pub fn serve(connection: &Connection) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let (id, _params) = connection.initialize_start()?;
    connection.initialize_finish(id, serde_json::to_value(initialize_result())?)?;
    let mut server = Server::default();
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request)? {
                    return Ok(());
                }
                // A bug in one request answers that request with an
                // internal error; the server goes on serving.
                let id = request.id.clone();
                let response = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| server.request(request)))
                    .unwrap_or_else(|panic| Response::new_err(id, ErrorCode::InternalError as i32, internal(&*panic)));
                connection.sender.send(Message::Response(response))?;
            }
            Message::Notification(notification) => {
                let outs = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| server.notification(notification)))
                    .unwrap_or_else(|panic| vec![show_error(internal(&*panic))]);
                for out in outs {
                    connection.sender.send(Message::Notification(out))?;
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

/// The message of a panic caught while serving.
fn internal(panic: &(dyn std::any::Any + Send)) -> String {
    let what = crate::panic::panic_message(panic);
    format!(
        "internal error in ceasefire {}: {what}; this is a bug in ceasefire, please report it with the rule file",
        env!("CARGO_PKG_VERSION")
    )
}

/// A `window/showMessage` error for the editor to show.
fn show_error(message: String) -> Notification {
    Notification::new(
        <lsp_types::notification::ShowMessage as lsp_types::notification::Notification>::METHOD.to_string(),
        lsp_types::ShowMessageParams {
            typ: lsp_types::MessageType::ERROR,
            message,
        },
    )
}

/// What the server can do.
fn initialize_result() -> InitializeResult {
    InitializeResult {
        capabilities: ServerCapabilities {
            text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            definition_provider: Some(OneOf::Left(true)),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(vec![" ".to_string(), ".".to_string(), "(".to_string(), "[".to_string()]),
                ..CompletionOptions::default()
            }),
            document_formatting_provider: Some(OneOf::Left(true)),
            code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
            ..ServerCapabilities::default()
        },
        server_info: Some(ServerInfo {
            name: "ceasefire".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    }
}

/// An open document.
struct Document {
    text: String,
    version: i32,
    analysis: Analysis,
    /// The rule set of what parses of the text, for completion while the
    /// text is half written.
    last_model: Model,
}

#[derive(Default)]
struct Server {
    documents: HashMap<Uri, Document>,
}

impl Server {
    fn notification(&mut self, notification: Notification) -> Vec<Notification> {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(notification.params)
                else {
                    return Vec::new();
                };
                let doc = params.text_document;
                self.update(doc.uri.clone(), doc.text, doc.version);
                self.publish(&doc.uri).into_iter().collect()
            }
            DidChangeTextDocument::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(notification.params)
                else {
                    return Vec::new();
                };
                // Full synchronisation: the last change holds the whole text.
                let Some(change) = params.content_changes.into_iter().last() else {
                    return Vec::new();
                };
                let uri = params.text_document.uri;
                self.update(uri.clone(), change.text, params.text_document.version);
                self.publish(&uri).into_iter().collect()
            }
            DidSaveTextDocument::METHOD => {
                // Included files may have changed on disk: check again.
                let Ok(params) = serde_json::from_value::<lsp_types::DidSaveTextDocumentParams>(notification.params)
                else {
                    return Vec::new();
                };
                let uri = params.text_document.uri;
                let Some(doc) = self.documents.get(&uri) else {
                    return Vec::new();
                };
                let (text, version) = (doc.text.clone(), doc.version);
                self.update(uri.clone(), text, version);
                self.publish(&uri).into_iter().collect()
            }
            DidCloseTextDocument::METHOD => {
                let Ok(params) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(notification.params)
                else {
                    return Vec::new();
                };
                let uri = params.text_document.uri;
                self.documents.remove(&uri);
                vec![publish(uri, Vec::new(), None)]
            }
            _ => Vec::new(),
        }
    }

    fn update(&mut self, uri: Uri, text: String, version: i32) {
        let name = path_of(&uri).map_or_else(|| uri.as_str().to_string(), |p| p.display().to_string());
        let analysis = Analysis::new(&name, &text);
        let last_model = if analysis.parsed {
            analysis.model.clone()
        } else {
            Analysis::salvage(&name, &text)
        };
        self.documents.insert(
            uri,
            Document {
                text,
                version,
                analysis,
                last_model,
            },
        );
    }

    fn publish(&self, uri: &Uri) -> Option<Notification> {
        let doc = self.documents.get(uri)?;
        let index = LineIndex::new(&doc.text);
        let diagnostics = doc
            .analysis
            .diagnostics
            .iter()
            .map(|d| self.diagnostic(doc, &index, d))
            .collect();
        Some(publish(uri.clone(), diagnostics, Some(doc.version)))
    }

    /// A diagnostic as LSP has it: the code, the message with its help, the
    /// other places as related information.
    fn diagnostic(
        &self,
        doc: &Document,
        index: &LineIndex,
        d: &ceasefire::diagnostic::Diagnostic,
    ) -> lsp_types::Diagnostic {
        let range = d.span().map_or_else(Default::default, |s| index.range(s.range()));
        let sources = &doc.analysis.workspace.sources;
        let related: Vec<DiagnosticRelatedInformation> = d
            .secondary
            .iter()
            .filter_map(|label| {
                let file = sources.file(label.span.file);
                let uri = if label.span.file == doc.analysis.file {
                    None
                } else {
                    uri_of(&file.path)
                };
                let range = LineIndex::new(&file.text).range(label.span.range());
                let uri = uri.or_else(|| self.uri_of_document(doc))?;
                Some(DiagnosticRelatedInformation {
                    location: Location { uri, range },
                    message: if label.message.is_empty() {
                        "see here".to_string()
                    } else {
                        label.message.clone()
                    },
                })
            })
            .collect();
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        lsp_types::Diagnostic {
            range,
            severity: Some(match d.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
            }),
            code: Some(NumberOrString::String(d.code.as_str().to_string())),
            source: Some("ceasefire".to_string()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            ..lsp_types::Diagnostic::default()
        }
    }

    fn uri_of_document(&self, doc: &Document) -> Option<Uri> {
        self.documents
            .iter()
            .find(|(_, d)| std::ptr::eq(*d, doc))
            .map(|(uri, _)| uri.clone())
    }

    fn request(&self, request: Request) -> Response {
        let id = request.id.clone();
        let result = match request.method.as_str() {
            HoverRequest::METHOD => params::<HoverParams>(request).map(|p| json(self.hover(&p))),
            GotoDefinition::METHOD => params::<GotoDefinitionParams>(request).map(|p| json(self.definition(&p))),
            Completion::METHOD => params::<CompletionParams>(request).map(|p| json(self.completion(&p))),
            Formatting::METHOD => params::<DocumentFormattingParams>(request).map(|p| json(self.format(&p))),
            CodeActionRequest::METHOD => params::<CodeActionParams>(request).map(|p| json(self.code_actions(&p))),
            // Debug builds only: lets the tests check that a bug in a request is survived.
            #[cfg(debug_assertions)]
            "ceasefire/debugPanic" => panic!("ceasefire/debugPanic was requested"),
            other => Err((ErrorCode::MethodNotFound, format!("`{other}` is not supported"))),
        };
        match result {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        }
    }

    /// The document and the byte offset of a position in it.
    fn at(&self, uri: &Uri, position: lsp_types::Position) -> Option<(&Document, usize)> {
        let doc = self.documents.get(uri)?;
        let offset = LineIndex::new(&doc.text).offset(position);
        Some((doc, offset))
    }

    fn hover(&self, params: &HoverParams) -> Option<Hover> {
        let place = &params.text_document_position_params;
        let (doc, offset) = self.at(&place.text_document.uri, place.position)?;
        let reference = doc.analysis.reference_at(offset)?;
        let value = doc.analysis.describe(&reference.target)?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value,
            }),
            range: Some(LineIndex::new(&doc.text).range(reference.span.range())),
        })
    }

    fn definition(&self, params: &GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
        let place = &params.text_document_position_params;
        let (doc, offset) = self.at(&place.text_document.uri, place.position)?;
        let reference = doc.analysis.reference_at(offset)?;
        let span = doc.analysis.declaration(&reference.target)?;
        let file = doc.analysis.workspace.sources.file(span.file);
        let uri = if span.file == doc.analysis.file {
            place.text_document.uri.clone()
        } else {
            uri_of(&file.path)?
        };
        let range = LineIndex::new(&file.text).range(span.range());
        Some(GotoDefinitionResponse::Scalar(Location { uri, range }))
    }

    fn completion(&self, params: &CompletionParams) -> Option<CompletionResponse> {
        let place = &params.text_document_position;
        let (doc, offset) = self.at(&place.text_document.uri, place.position)?;
        let model = if doc.analysis.parsed {
            &doc.analysis.model
        } else {
            &doc.last_model
        };
        Some(CompletionResponse::Array(complete::complete(model, &doc.text, offset)))
    }

    /// The whole document in the canonical layout; nothing when it has syntax errors.
    fn format(&self, params: &DocumentFormattingParams) -> Option<Vec<TextEdit>> {
        let doc = self.documents.get(&params.text_document.uri)?;
        let formatted = format_text(doc.analysis.file, &doc.text).ok()?;
        if formatted == doc.text {
            return Some(Vec::new());
        }
        Some(vec![TextEdit {
            range: LineIndex::new(&doc.text).whole(),
            new_text: formatted,
        }])
    }

    /// Quick fixes: each did-you-mean of a diagnostic in the range, applied.
    fn code_actions(&self, params: &CodeActionParams) -> Option<Vec<CodeActionOrCommand>> {
        let uri = &params.text_document.uri;
        let doc = self.documents.get(uri)?;
        let index = LineIndex::new(&doc.text);
        let wanted = (index.offset(params.range.start), index.offset(params.range.end));
        let mut actions = Vec::new();
        for d in &doc.analysis.diagnostics {
            let Some(span) = d.span() else { continue };
            let (start, end) = (span.start as usize, span.end as usize);
            if end < wanted.0 || start > wanted.1 {
                continue;
            }
            let Some(replacement) = d.help.as_deref().and_then(suggestion) else {
                continue;
            };
            let written = &doc.text[start..end];
            if !is_word(written) {
                continue;
            }
            let edit = TextEdit {
                range: index.range(start..end),
                new_text: replacement.to_string(),
            };
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("replace `{written}` with `{replacement}`"),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![self.diagnostic(doc, &index, d)]),
                edit: Some(WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), vec![edit])])),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: Some(true),
                ..CodeAction::default()
            }));
        }
        Some(actions)
    }
}

/// The name a help line suggests: `did you mean `strike`?` gives `strike`.
fn suggestion(help: &str) -> Option<&str> {
    let rest = &help[help.find("did you mean `")? + "did you mean `".len()..];
    let name = &rest[..rest.find('`')?];
    is_word(name).then_some(name)
}

/// A name, a rule id or a duration: one word a quick fix can replace.
fn is_word(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

fn publish(uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) -> Notification {
    Notification::new(
        PublishDiagnostics::METHOD.to_string(),
        PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        },
    )
}

fn params<P: serde::de::DeserializeOwned>(request: Request) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(request.params).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

fn json<T: serde::Serialize>(value: T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}
