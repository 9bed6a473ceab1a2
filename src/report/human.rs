//! Diagnostics for people, through miette's graphical renderer, with the
//! source lines they point at.

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceMap, Span};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan,
    SpanContents,
};
use std::fmt;

/// How to draw diagnostics.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// Use ANSI colours.
    pub color: bool,
    /// Wrap text at this many columns.
    pub width: usize,
}

impl Style {
    /// No colour at a fixed width: what tests and pipes get.
    pub fn plain() -> Self {
        Style {
            color: false,
            width: 100,
        }
    }

    fn handler(self) -> GraphicalReportHandler {
        let theme = if self.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        GraphicalReportHandler::new_themed(theme)
            .with_width(self.width)
            .with_links(false)
    }
}

/// Renders one diagnostic with its source.
pub fn render(sources: &SourceMap, diagnostic: &Diagnostic, style: Style) -> String {
    let mut out = String::new();
    let shown = Shown::new(sources, diagnostic);
    if style.handler().render_report(&mut out, &shown).is_err() {
        // Rendering into a String cannot fail; fall back to the bare message regardless.
        out = format!("{}: {}\n", diagnostic.code, diagnostic.message);
    }
    out
}

/// Renders every diagnostic, each followed by a blank line.
pub fn render_all(sources: &SourceMap, diagnostics: &[Diagnostic], style: Style) -> String {
    diagnostics
        .iter()
        .map(|d| render(sources, d, style))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Text to show under a name: a whole file, or one record of a log shown
/// at its own line number.
pub(crate) struct Source<'a> {
    name: &'a str,
    text: &'a str,
    /// Lines before `text` in the real file.
    first_line: usize,
}

impl<'a> Source<'a> {
    /// A whole file.
    pub fn file(name: &'a str, text: &'a str) -> Self {
        Source {
            name,
            text,
            first_line: 0,
        }
    }

    /// An excerpt that starts on line `line` (1-based) of the named file.
    pub fn excerpt(name: &'a str, text: &'a str, line: u64) -> Self {
        Source {
            name,
            text,
            first_line: usize::try_from(line.saturating_sub(1)).unwrap_or(usize::MAX),
        }
    }
}

impl SourceCode for Source<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// A diagnostic as miette sees it: labels in the primary file are drawn in
/// place; places in other files become notes of their own.
struct Shown<'a> {
    diagnostic: &'a Diagnostic,
    source: Option<Source<'a>>,
    labels: Vec<LabeledSpan>,
    notes: Vec<Note<'a>>,
}

impl<'a> Shown<'a> {
    fn new(sources: &'a SourceMap, diagnostic: &'a Diagnostic) -> Self {
        let Some(primary) = &diagnostic.primary else {
            return Shown {
                diagnostic,
                source: None,
                labels: Vec::new(),
                notes: Vec::new(),
            };
        };
        let file = sources.file(primary.span.file);
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            text(&primary.message),
            source_span(primary.span),
        )];
        let mut notes = Vec::new();
        for label in &diagnostic.secondary {
            if label.span.file == primary.span.file {
                labels.push(LabeledSpan::new_with_span(
                    text(&label.message),
                    source_span(label.span),
                ));
            } else {
                let other = sources.file(label.span.file);
                notes.push(Note {
                    message: if label.message.is_empty() {
                        "see here".to_string()
                    } else {
                        label.message.clone()
                    },
                    source: Source::file(&other.name, &other.text),
                    label: LabeledSpan::new_with_span(None, source_span(label.span)),
                });
            }
        }
        Shown {
            diagnostic,
            source: Some(Source::file(&file.name, &file.text)),
            labels,
            notes,
        }
    }
}

fn text(message: &str) -> Option<String> {
    (!message.is_empty()).then(|| message.to_string())
}

fn source_span(span: Span) -> SourceSpan {
    SourceSpan::from(span.start as usize..span.end as usize)
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Shown<'_> {}

impl miette::Diagnostic for Shown<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diagnostic.code.as_str()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        (!self.labels.is_empty())
            .then(|| Box::new(self.labels.iter().cloned()) as Box<dyn Iterator<Item = LabeledSpan>>)
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        (!self.notes.is_empty())
            .then(|| Box::new(self.notes.iter().map(|n| n as &dyn miette::Diagnostic)) as Box<dyn Iterator<Item = _>>)
    }
}

/// A place in another file, shown after the diagnostic.
struct Note<'a> {
    message: String,
    source: Source<'a>,
    label: LabeledSpan,
}

impl fmt::Debug for Note<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Note<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Note<'_> {}

impl miette::Diagnostic for Note<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(self.label.clone())))
    }
}

/// A message with places in any sources: log records, rule files. Used for
/// what is not a rule-file diagnostic (log problems, verdicts).
pub(crate) struct Snippet<'a> {
    pub code: Option<String>,
    pub severity: miette::Severity,
    pub message: String,
    pub help: Option<String>,
    pub source: Option<Source<'a>>,
    pub labels: Vec<LabeledSpan>,
}

impl<'a> Snippet<'a> {
    /// A snippet with a message and nothing else yet.
    pub fn new(severity: miette::Severity, message: impl Into<String>) -> Self {
        Snippet {
            code: None,
            severity,
            message: message.into(),
            help: None,
            source: None,
            labels: Vec::new(),
        }
    }

    /// Points at `range` of `source` with `label`.
    pub fn at(mut self, source: Source<'a>, range: std::ops::Range<usize>, label: Option<String>) -> Self {
        self.source = Some(source);
        self.labels
            .push(LabeledSpan::new_primary_with_span(label, SourceSpan::from(range)));
        self
    }

    /// Adds a secondary label at `range` of the same source.
    pub fn label(mut self, range: std::ops::Range<usize>, label: Option<String>) -> Self {
        self.labels
            .push(LabeledSpan::new_with_span(label, SourceSpan::from(range)));
        self
    }

    /// Renders it.
    pub fn render(&self, style: Style) -> String {
        let mut out = String::new();
        if style.handler().render_report(&mut out, self).is_err() {
            out = format!("{}\n", self.message);
        }
        out
    }
}

impl fmt::Debug for Snippet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Snippet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Snippet<'_> {}

impl miette::Diagnostic for Snippet<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.code.as_ref().map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        (!self.labels.is_empty())
            .then(|| Box::new(self.labels.iter().cloned()) as Box<dyn Iterator<Item = LabeledSpan>>)
    }
}
