//! Diagnostics for people, through miette's graphical renderer, with the
//! source lines they point at. Everything handed to the renderer — source
//! text, names, messages, labels, help — is made safe for a terminal first
//! ([`markup::terminal`](super::markup::terminal)): a control or
//! bidirectional character in a rule file or a log is shown as `\u{…}`,
//! never sent to the terminal.

use super::markup::{terminal, terminal_line};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceMap;
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan,
    SpanContents,
};
use std::borrow::Cow;
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
        // Lines wrap at spaces only: never inside a timestamp such as
        // 2015-03-02T22:00:00Z or a path (textwrap would break at hyphens).
        GraphicalReportHandler::new_themed(theme)
            .with_width(self.width)
            .with_links(false)
            .with_word_separator(textwrap::WordSeparator::AsciiSpace)
            .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
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
/// at its own line number. The text is kept safe for a terminal; spans into
/// the original text are moved to match ([`Source::span`]).
pub(crate) struct Source<'a> {
    name: Cow<'a, str>,
    text: Cow<'a, str>,
    /// Where a character of the original text was replaced by a longer
    /// `\u{…}`: (its offset in the original, how many bytes were added up
    /// to and including it).
    shifts: Vec<(usize, usize)>,
    /// Lines before `text` in the real file.
    first_line: usize,
}

impl<'a> Source<'a> {
    /// A whole file.
    pub fn file(name: &'a str, text: &'a str) -> Self {
        Source::excerpt(name, text, 1)
    }

    /// An excerpt that starts on line `line` (1-based) of the named file.
    pub fn excerpt(name: &'a str, text: &'a str, line: u64) -> Self {
        let mut shifts = Vec::new();
        let shown = match terminal(text) {
            Cow::Borrowed(text) => Cow::Borrowed(text),
            Cow::Owned(_) => {
                let mut out = String::with_capacity(text.len() + 16);
                for (at, c) in text.char_indices() {
                    let one = c.to_string();
                    let safe = terminal(&one);
                    if safe.len() != one.len() {
                        let added = shifts.last().map_or(0, |&(_, n)| n) + safe.len() - one.len();
                        shifts.push((at, added));
                    }
                    out.push_str(&safe);
                }
                Cow::Owned(out)
            }
        };
        Source {
            name: terminal_line(name),
            text: shown,
            shifts,
            first_line: usize::try_from(line.saturating_sub(1)).unwrap_or(usize::MAX),
        }
    }

    /// A byte range of the original text, in the text shown.
    pub fn span(&self, range: std::ops::Range<usize>) -> SourceSpan {
        let moved = |offset: usize| {
            // Bytes added by replacements before `offset`; a replaced
            // character itself starts where its replacement starts.
            let before = self.shifts.partition_point(|&(at, _)| at < offset);
            offset + before.checked_sub(1).map_or(0, |i| self.shifts[i].1)
        };
        let (start, end) = (moved(range.start), moved(range.end));
        SourceSpan::from(start..end.max(start))
    }
}

impl SourceCode for Source<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let inner = self.text.as_ref().read_span(span, before, after)?;
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
        let source = Source::file(&file.name, &file.text);
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            text(&primary.message),
            source.span(primary.span.range()),
        )];
        let mut notes = Vec::new();
        for label in &diagnostic.secondary {
            if label.span.file == primary.span.file {
                labels.push(LabeledSpan::new_with_span(
                    text(&label.message),
                    source.span(label.span.range()),
                ));
            } else {
                let other = sources.file(label.span.file);
                let other = Source::file(&other.name, &other.text);
                let label_span = other.span(label.span.range());
                notes.push(Note {
                    message: if label.message.is_empty() {
                        "see here".to_string()
                    } else {
                        terminal_line(&label.message).into_owned()
                    },
                    source: other,
                    label: LabeledSpan::new_with_span(None, label_span),
                });
            }
        }
        Shown {
            diagnostic,
            source: Some(source),
            labels,
            notes,
        }
    }
}

/// A label's text, safe for a terminal.
fn text(message: &str) -> Option<String> {
    (!message.is_empty()).then(|| terminal_line(message).into_owned())
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&terminal_line(&self.diagnostic.message))
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
            .map(|h| Box::new(terminal_line(h)) as Box<dyn fmt::Display>)
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
    code: Option<&'static str>,
    severity: miette::Severity,
    message: String,
    help: Option<String>,
    source: Option<Source<'a>>,
    labels: Vec<LabeledSpan>,
}

impl<'a> Snippet<'a> {
    /// A snippet with a message (made safe for a terminal) and nothing else yet.
    pub fn new(severity: miette::Severity, message: impl Into<String>) -> Self {
        Snippet {
            code: None,
            severity,
            message: terminal_line(&message.into()).into_owned(),
            help: None,
            source: None,
            labels: Vec::new(),
        }
    }

    /// Points at `range` of `source`'s original text with `label`.
    pub fn at(mut self, source: Source<'a>, range: std::ops::Range<usize>, label: Option<String>) -> Self {
        let span = source.span(range);
        self.source = Some(source);
        let label = label.map(|l| terminal_line(&l).into_owned());
        self.labels.push(LabeledSpan::new_primary_with_span(label, span));
        self
    }

    /// Adds a secondary label at `range` of the same source's original text.
    pub fn label(mut self, range: std::ops::Range<usize>, label: Option<String>) -> Self {
        let span = match &self.source {
            Some(source) => source.span(range),
            None => SourceSpan::from(range),
        };
        let label = label.map(|l| terminal_line(&l).into_owned());
        self.labels.push(LabeledSpan::new_with_span(label, span));
        self
    }

    /// Sets the help line (made safe for a terminal).
    pub fn with_help(mut self, help: &str) -> Self {
        self.help = Some(terminal_line(help).into_owned());
        self
    }

    /// Sets the code shown before the message.
    pub fn with_code(mut self, code: crate::diagnostic::Code) -> Self {
        self.code = Some(code.as_str());
        self
    }

    /// Adds to the message (made safe for a terminal).
    pub fn append(mut self, more: &str) -> Self {
        self.message.push_str(&terminal_line(more));
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
