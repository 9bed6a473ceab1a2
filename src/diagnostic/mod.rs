//! Diagnostics as data: a code, a message, labelled places and a help line.
//!
//! Every stage produces [`Diagnostic`] values; the renderers in
//! [`report`](crate::report) turn them into text, JSON, SARIF or annotations.

mod code;
mod severity;

pub use code::Code;
pub use severity::Severity;

use crate::source::Span;
use std::fmt;

/// A place in a file, with a short remark about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// The place.
    pub span: Span,
    /// What is there (may be empty).
    pub message: String,
}

/// A problem found in the input.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Diagnostic {
    /// The stable code.
    pub code: Code,
    /// Error or warning (normally the code's own severity).
    pub severity: Severity,
    /// What is wrong, in lower case, user input in backticks.
    pub message: String,
    /// The offending place; `None` for problems with no place in a rule file.
    pub primary: Option<Label>,
    /// Other places involved, such as a first definition.
    pub secondary: Vec<Label>,
    /// How to fix it, where known.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic of the code's own severity, pointing at `span`.
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            primary: Some(Label {
                span,
                message: String::new(),
            }),
            secondary: Vec::new(),
            help: None,
        }
    }

    /// A diagnostic about no particular place in a rule file (a path, an argument).
    pub fn without_span(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
        }
    }

    /// Sets the primary label's remark.
    pub fn with_label(mut self, message: impl Into<String>) -> Self {
        if let Some(primary) = &mut self.primary {
            primary.message = message.into();
        }
        self
    }

    /// Adds another labelled place.
    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Sets the help line if there is one.
    pub fn with_help_opt(mut self, help: Option<String>) -> Self {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The span of the primary label, if any.
    pub fn span(&self) -> Option<Span> {
        self.primary.as_ref().map(|l| l.span)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
