//! Diagnostics for people, through miette's graphical renderer, with the
//! source lines they point at.

use crate::diagnostic::{Diagnostic, Severity};
use crate::syntax::{SourceMap, Span};
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

/// A file's text under its name, borrowed for rendering.
struct Source<'a> {
    name: &'a str,
    text: &'a str,
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
            inner.line(),
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
                    source: Source {
                        name: &other.name,
                        text: &other.text,
                    },
                    label: LabeledSpan::new_with_span(None, source_span(label.span)),
                });
            }
        }
        Shown {
            diagnostic,
            source: Some(Source {
                name: &file.name,
                text: &file.text,
            }),
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
