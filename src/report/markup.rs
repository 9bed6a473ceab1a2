//! Text in an output language, escaped as it is built.
//!
//! A report is a [`Markup`] of its language: the report's own markup goes
//! in only as string literals ([`Markup::raw`] takes `&'static str`), every
//! value from a rule file or a log goes in through [`Markup::text`], which
//! escapes it, and numbers, codes and verdicts through [`Markup::safe`]. A
//! value cannot be written raw by accident: a `String` is not a `&'static
//! str`. One escaping function per language lives here too, for the places
//! that are not a report (GitHub workflow commands, SARIF addresses, the
//! language server's hovers).

use std::borrow::Cow;
use std::fmt::{Display, Write};
use std::marker::PhantomData;

/// An output language: how a value is escaped in it.
pub trait Language {
    /// Appends `text` to `out`, escaped.
    fn escape(text: &str, out: &mut String);
}

/// Values whose text needs no escaping in any language: numbers, codes,
/// verdicts, times written by the program.
pub trait Safe: Display {}

impl Safe for u64 {}
impl Safe for u32 {}
impl Safe for usize {}
impl Safe for i64 {}
impl Safe for u8 {}
// Numbers cannot carry markup: `NaN` and `inf` are the only words a float writes.
impl Safe for f64 {}
impl Safe for crate::verdict::Verdict {}
impl Safe for crate::diagnostic::Code {}
impl<T: Safe + ?Sized> Safe for &T {}

/// Text of language `L`, built from literals and escaped values.
pub struct Markup<L> {
    out: String,
    language: PhantomData<fn() -> L>,
}

impl<L: Language> Default for Markup<L> {
    fn default() -> Self {
        Markup {
            out: String::new(),
            language: PhantomData,
        }
    }
}

impl<L: Language> Markup<L> {
    /// Empty text.
    pub fn new() -> Self {
        Self::default()
    }

    /// The report's own markup: a literal of this program.
    pub fn raw(&mut self, markup: &'static str) -> &mut Self {
        self.out.push_str(markup);
        self
    }

    /// A value from a rule file or a log, escaped.
    pub fn text(&mut self, value: &str) -> &mut Self {
        L::escape(value, &mut self.out);
        self
    }

    /// A number, code or verdict.
    pub fn safe(&mut self, value: impl Safe) -> &mut Self {
        let _ = write!(self.out, "{value}");
        self
    }

    /// A number with `places` decimals (SVG coordinates: `12.5`).
    pub fn fixed(&mut self, value: f64, places: usize) -> &mut Self {
        let _ = write!(self.out, "{value:.places$}");
        self
    }

    /// Text already built in the same language.
    pub fn markup(&mut self, other: &Markup<L>) -> &mut Self {
        self.out.push_str(&other.out);
        self
    }

    /// The text so far.
    pub fn as_str(&self) -> &str {
        &self.out
    }

    /// The finished text.
    pub fn into_string(self) -> String {
        self.out
    }
}

/// HTML text and attribute values.
pub enum Html {}

impl Language for Html {
    fn escape(text: &str, out: &mut String) {
        xml_into(text, out);
    }
}

/// XML 1.0 text and attribute values (JUnit).
pub enum Xml {}

impl Language for Xml {
    fn escape(text: &str, out: &mut String) {
        xml_into(text, out);
    }
}

/// Escapes for XML and HTML: the five special characters, line breaks as
/// character references (so that no value starts a line of the output: a
/// CI log reads `::` at a line's start as a command), and the characters
/// XML 1.0 cannot hold replaced by U+FFFD.
fn xml_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push('\t'),
            c if (c as u32) < 0x20 || matches!(c, '\u{fffe}' | '\u{ffff}') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
}

/// CommonMark text (GitHub's flavour, tables included).
pub enum Markdown {}

impl Language for Markdown {
    fn escape(text: &str, out: &mut String) {
        let chars: Vec<char> = text.chars().collect();
        for (i, &c) in chars.iter().enumerate() {
            match c {
                '\n' | '\r' => out.push(' '),
                c if c.is_control() => out.push('\u{fffd}'),
                // `_` inside a word never starts emphasis, and names are full of it.
                '_' if i > 0
                    && i + 1 < chars.len()
                    && chars[i - 1].is_alphanumeric()
                    && chars[i + 1].is_alphanumeric() =>
                {
                    out.push('_')
                }
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' => {
                    out.push('\\');
                    out.push(c);
                }
                c => out.push(c),
            }
        }
    }
}

impl Markup<Markdown> {
    /// A value as a code span, whatever backticks it holds; `in_table`
    /// escapes `|`, which GitHub's tables read before the code span.
    pub fn code(&mut self, value: &str, in_table: bool) -> &mut Self {
        let value: String = value
            .chars()
            .map(|c| match c {
                '\n' | '\r' => ' ',
                c if c.is_control() => '\u{fffd}',
                c => c,
            })
            .collect();
        let value = if in_table { value.replace('|', "\\|") } else { value };
        let longest = value.split(|c| c != '`').map(str::len).max().unwrap_or(0);
        let fence = "`".repeat(longest + 1);
        let pad = if value.starts_with('`') || value.ends_with('`') || value.is_empty() {
            " "
        } else {
            ""
        };
        let _ = write!(self.out, "{fence}{pad}{value}{pad}{fence}");
        self
    }
}

impl Markup<Markdown> {
    /// Text as written, in a fenced code block (info string `info`) whose
    /// fence is longer than any run of backticks in it, so nothing in it
    /// can end the block; control characters are replaced.
    pub fn code_block(&mut self, info: &'static str, text: &str) -> &mut Self {
        let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
        let fence = "`".repeat(longest.max(2) + 1);
        let text: String = text
            .chars()
            .map(|c| {
                if c.is_control() && c != '\n' && c != '\t' {
                    '\u{fffd}'
                } else {
                    c
                }
            })
            .collect();
        let _ = write!(self.out, "{fence}{info}\n{text}\n{fence}\n");
        self
    }
}

/// A terminal: control and bidirectional-formatting characters are shown
/// as `\u{…}` instead of acting on the terminal.
pub enum Terminal {}

impl Language for Terminal {
    fn escape(text: &str, out: &mut String) {
        out.push_str(&terminal_line(text));
    }
}

/// Whether a character acts on a terminal or reorders text instead of
/// showing itself: C0 and C1 controls (but tab and line feed), DEL, and the
/// bidirectional marks, embeddings, overrides and isolates.
fn acts(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

impl Markup<Terminal> {
    /// Text the terminal renderer ([`human`](super::human)) drew: every part
    /// of it (source, names, messages) was made safe before drawing, and it
    /// holds the renderer's own colours.
    #[cfg(feature = "cli")]
    pub(crate) fn drawn(&mut self, text: &str) -> &mut Self {
        self.out.push_str(text);
        self
    }
}

/// Text safe to print on a terminal: each character that would act on it
/// is shown as `\u{…}`. Line feeds are kept (see [`terminal_line`]).
pub fn terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(acts) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if acts(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A value printed within one line of a terminal: as [`terminal`], and a
/// line feed shown as `\u{a}` too, so that a value never starts a line
/// (where a CI log would read `::error` as a command).
pub fn terminal_line(text: &str) -> Cow<'_, str> {
    if !text.contains('\n') {
        return terminal(text);
    }
    Cow::Owned(terminal(&text.replace('\n', "\u{0}")).replace("\\u{0}", "\\u{a}"))
}

/// A GitHub Actions workflow command's message (after `::`).
pub fn workflow_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A GitHub Actions workflow command's property value (`file=…`), which
/// also may not hold `:` or `,`.
pub fn workflow_property(text: &str) -> String {
    workflow_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// A relative path as a URI reference (SARIF `uri`): every byte but the
/// unreserved characters and `/` percent-encoded, so that `#`, `?`, `%`,
/// spaces and line breaks in a file name stay part of the path.
pub fn uri_path(path: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~')
        .remove(b'/');
    percent_encoding::utf8_percent_encode(&path.replace('\\', "/"), KEEP).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_and_literals_are_not() {
        let mut html = Markup::<Html>::new();
        html.raw("<td>")
            .text("<img src=x onerror=alert(1)>\n::error::x")
            .raw("</td>");
        assert_eq!(
            html.into_string(),
            "<td>&lt;img src=x onerror=alert(1)&gt;&#10;::error::x</td>"
        );
        let mut xml = Markup::<Xml>::new();
        xml.text("a\u{fffe}b\u{ffff}c\u{1b}d");
        assert_eq!(xml.as_str(), "a\u{fffd}b\u{fffd}c\u{fffd}d");
    }

    #[test]
    fn numbers_are_written_as_they_are() {
        let mut svg = Markup::<Html>::new();
        svg.safe(880.0)
            .raw(" ")
            .safe(12.5)
            .raw(" ")
            .fixed(29.0, 1)
            .raw(" ")
            .fixed(830.64, 1)
            .raw(" ")
            .safe(3u8);
        assert_eq!(svg.as_str(), "880 12.5 29.0 830.6 3");
    }

    #[test]
    fn markdown_escapes_everything_active_and_code_spans_hold_any_backticks() {
        let mut md = Markup::<Markdown>::new();
        md.text("<img src=x onerror=alert(1)> `a *b* [c](d) # e | north_gaza _x_\n::error");
        assert_eq!(
            md.as_str(),
            "\\<img src=x onerror=alert(1)\\> \\`a \\*b\\* \\[c\\](d) \\# e \\| north_gaza \\_x\\_ ::error"
        );
        let mut md = Markup::<Markdown>::new();
        md.code_block("cfr", "a ``` b\n```\nc");
        assert_eq!(md.as_str(), "````cfr\na ``` b\n```\nc\n````\n");
        let mut md = Markup::<Markdown>::new();
        md.code("a ``b`` c", false)
            .raw(" ")
            .code("`x`", false)
            .raw(" ")
            .code("a|b", true);
        assert_eq!(md.as_str(), "```a ``b`` c``` `` `x` `` `a\\|b`");
    }

    #[test]
    fn terminal_text_shows_what_would_act_on_the_terminal() {
        assert_eq!(terminal("plain"), "plain");
        assert_eq!(
            terminal("\u{1b}]0;title\u{7}red\u{1b}[31m \u{202e}txt.exe\u{9b}"),
            "\\u{1b}]0;title\\u{7}red\\u{1b}[31m \\u{202e}txt.exe\\u{9b}"
        );
        assert_eq!(terminal("a\tb\nc"), "a\tb\nc");
        assert_eq!(terminal_line("a\n::error::x"), "a\\u{a}::error::x");
    }

    #[test]
    fn workflow_commands_and_uris_keep_values_in_their_place() {
        assert_eq!(workflow_data("50%\n::stop-commands::x"), "50%25%0A::stop-commands::x");
        assert_eq!(workflow_property("a:b,c\n"), "a%3Ab%2Cc%0A");
        assert_eq!(uri_path("rules/a b#1?.cfr"), "rules/a%20b%231%3F.cfr");
        assert_eq!(uri_path("r/<x>\n.cfr"), "r/%3Cx%3E%0A.cfr");
    }
}
