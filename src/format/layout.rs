//! The canonical layout of each item, as lines that remember which source
//! they stand for (so that comments can be put back next to them).

use super::comments::{Comment, blank_between};
use crate::source::{Node, Span};
use crate::syntax::ast::{self, Attribute, Item, PhaseEnd, TestStatement};
use crate::syntax::escape;
use crate::syntax::format_column;

/// One line of output, without its comments.
#[derive(Clone, Debug)]
pub(crate) struct Line {
    /// Levels of two spaces.
    pub indent: usize,
    pub text: String,
    /// The source bytes the line stands for: comments inside them, or after
    /// them on their line, go with this line.
    pub anchor: (u32, u32),
    /// Whether the line stands for a whole construct (a comment inside it
    /// belongs to it), rather than the opening of a block.
    pub leaf: bool,
    /// A closing brace: comments just before it are inside the block.
    pub closer: bool,
    /// Consecutive one-line declarations whose trailing comments line up.
    pub run: Option<usize>,
}

/// One top-level item laid out.
#[derive(Clone, Debug)]
pub(crate) struct Block {
    pub lines: Vec<Line>,
    pub span: Span,
    /// Spread over several lines: always set off by blank lines.
    pub multiline: bool,
}

/// Lays out every item of a file.
pub(crate) fn blocks(file: &ast::File, text: &str, comments: &[Comment]) -> Vec<Block> {
    let runs = runs(file, text);
    // Within a run of events, the field lists line up (as in LANGUAGE.md).
    let widest = |want: &dyn Fn(&Node<Item>) -> Option<usize>, run: usize| {
        file.items
            .iter()
            .zip(&runs)
            .filter(|(_, r)| **r == run)
            .filter_map(|(item, _)| want(item))
            .max()
            .unwrap_or(0)
    };
    let mut out: Vec<Block> = Vec::new();
    for (item, &run) in file.items.iter().zip(&runs) {
        let lines = match &item.node {
            Item::Agreement(title) => vec![leaf(0, format!("agreement \"{}\"", escape(&title.node)), item.span)],
            Item::Include(path) => vec![leaf(0, format!("include \"{}\"", escape(&path.node)), item.span)],
            Item::Calendar(name) => vec![leaf(0, format!("calendar \"{}\"", escape(&name.node)), item.span)],
            Item::Allow(deny, codes) => {
                let codes: Vec<String> = codes.iter().map(|c| c.node.clone()).collect();
                let word = if *deny { "deny" } else { "allow" };
                vec![leaf(0, format!("{word} {}", codes.join(", ")), item.span)]
            }
            Item::Evidence(condition) => vec![leaf(0, format!("evidence {}", condition.node), item.span)],
            Item::Zone(zone) => vec![zone_line(zone, item.span)],
            Item::Area(place) => vec![leaf(0, place_text("area", place), item.span)],
            Item::Line(place) => vec![leaf(0, place_text("line", place), item.span)],
            Item::Event(event) => {
                let multiline = commented_fields(event, item.span, comments);
                event_lines(event, item.span, multiline, widest(&|i| event_width(i, comments), run))
            }
            Item::Source(source) => source_lines(source, item.span, comments),
            Item::Phase(phase) => vec![leaf(0, phase_text(phase), item.span)],
            Item::Rule(rule) => rule_lines(rule, item.span),
            Item::Test(test) => test_lines(test, item.span, comments),
        };
        let multiline = lines.len() > 1;
        let lines = lines
            .into_iter()
            .map(|mut line| {
                if !multiline {
                    line.run = Some(run);
                }
                line
            })
            .collect();
        out.push(Block {
            lines,
            span: item.span,
            multiline,
        });
    }
    out
}

/// Numbers each item's run: consecutive zones, or consecutive events, with
/// no blank line between them. Every other item is a run of its own.
fn runs(file: &ast::File, text: &str) -> Vec<usize> {
    let mut out = Vec::with_capacity(file.items.len());
    let mut run = 0;
    for (i, item) in file.items.iter().enumerate() {
        let continues = i.checked_sub(1).map(|p| &file.items[p]).is_some_and(|p| {
            matches!(
                (&p.node, &item.node),
                (Item::Zone(_), Item::Zone(_)) | (Item::Event(_), Item::Event(_))
            ) && !blank_between(text, p.span.end as usize, item.span.start as usize)
        });
        if !continues {
            run += 1;
        }
        out.push(run);
    }
    out
}

/// The name's width of an event written on one line with fields.
fn event_width(item: &Node<Item>, comments: &[Comment]) -> Option<usize> {
    match &item.node {
        Item::Event(e) if !commented_fields(e, item.span, comments) && !e.fields.is_empty() => {
            Some(e.name.node.chars().count())
        }
        _ => None,
    }
}

/// Whether comments sit among an event's fields (which then go one a line).
fn commented_fields(event: &ast::EventDecl, span: Span, comments: &[Comment]) -> bool {
    !event.fields.is_empty()
        && comments
            .iter()
            .any(|c| c.start > event.name.span.end && c.start < span.end)
}

fn leaf(indent: usize, text: String, span: Span) -> Line {
    Line {
        indent,
        text,
        anchor: (span.start, span.end),
        leaf: true,
        closer: false,
        run: None,
    }
}

/// The opening line of a block: it stands for its first bytes only.
fn opening(indent: usize, text: String, start: u32, end: u32) -> Line {
    Line {
        indent,
        text,
        anchor: (start, end),
        leaf: false,
        closer: false,
        run: None,
    }
}

/// The `}` that ends a block spanning `span`.
fn closer(indent: usize, span: Span) -> Line {
    Line {
        indent,
        text: "}".to_string(),
        anchor: (span.end.saturating_sub(1), span.end),
        leaf: false,
        closer: true,
        run: None,
    }
}

/// `zone NAME "Display"`.
fn zone_line(zone: &ast::ZoneDecl, span: Span) -> Line {
    let mut text = match &zone.display {
        Some(display) => format!("zone {} \"{}\"", zone.name.node, escape(&display.node)),
        None => format!("zone {}", zone.name.node),
    };
    if let Some(area) = &zone.area {
        text.push_str(&format!(" area \"{}\"", escape(&area.node)));
    }
    leaf(0, text, span)
}

/// `area NAME "Display" from "FILE"` (or `line`).
fn place_text(keyword: &str, place: &ast::PlaceDecl) -> String {
    let mut text = format!("{keyword} {}", place.name.node);
    if let Some(display) = &place.display {
        text.push_str(&format!(" \"{}\"", escape(&display.node)));
    }
    text.push_str(&format!(" from \"{}\"", escape(&place.path.node)));
    text
}

/// `event KIND { FIELD: TYPE, ... }` on one line, or one field a line when
/// comments sit among the fields.
fn event_lines(event: &ast::EventDecl, span: Span, multiline: bool, width: usize) -> Vec<Line> {
    let name = &event.name.node;
    if event.fields.is_empty() {
        return vec![leaf(0, format!("event {name}"), span)];
    }
    if multiline {
        let mut lines = vec![opening(0, format!("event {name} {{"), span.start, event.name.span.end)];
        for field in &event.fields {
            let field_span = field.name.span.to(field.ty.span);
            lines.push(leaf(1, format!("{}: {},", field.name.node, field.ty.node), field_span));
        }
        lines.push(closer(0, span));
        return lines;
    }
    let pad = " ".repeat(width.saturating_sub(name.chars().count()));
    let fields: Vec<String> = event
        .fields
        .iter()
        .map(|f| format!("{}: {}", f.name.node, f.ty.node))
        .collect();
    vec![leaf(0, format!("event {name}{pad} {{ {} }}", fields.join(", ")), span)]
}

/// A map this long, or with comments among its entries, gets one entry a line.
const LONG_SOURCE_LINE: usize = 100;

/// `source NAME "Display" { ... }`: the calendar, then one target a line
/// with their `=` lined up.
fn source_lines(source: &ast::SourceDecl, span: Span, comments: &[Comment]) -> Vec<Line> {
    let mut head = format!("source {}", source.name.node);
    if let Some(display) = &source.display {
        head.push_str(&format!(" \"{}\"", escape(&display.node)));
    }
    let head_end = source.display.as_ref().map_or(source.name.span.end, |d| d.span.end);
    let mut lines = vec![opening(0, format!("{head} {{"), span.start, head_end)];
    for calendar in &source.calendars {
        lines.push(leaf(
            1,
            format!("calendar \"{}\"", escape(&calendar.node)),
            calendar.span,
        ));
    }
    let width = source
        .lines
        .iter()
        .map(|l| l.target.node.chars().count())
        .max()
        .unwrap_or(0);
    for line in &source.lines {
        let pad = " ".repeat(width - line.target.node.chars().count());
        let target = format!("{}{pad} = ", line.target.node);
        let whole = line.target.span.to(line.value.span);
        let text = format!("{target}{}", line.value.node);
        let ast::SourceValue::Map {
            column,
            entries,
            otherwise,
        } = &line.value.node
        else {
            lines.push(leaf(1, text, whole));
            continue;
        };
        let commented = comments
            .iter()
            .any(|c| c.start > line.value.span.start && c.start < line.value.span.end);
        if text.chars().count() + 2 <= LONG_SOURCE_LINE && !commented {
            lines.push(leaf(1, text, whole));
            continue;
        }
        let open = format!("{target}{} map {{", format_column(&column.node));
        lines.push(opening(1, open, line.target.span.start, column.span.end));
        for entry in entries {
            let text = format!("{}: {},", entry.key.node, entry.out.node);
            lines.push(leaf(2, text, entry.key.span.to(entry.out.span)));
        }
        for out in otherwise {
            lines.push(leaf(2, format!("else: {},", out.node), out.span));
        }
        lines.push(closer(1, line.value.span));
    }
    lines.push(closer(0, span));
    lines
}

fn phase_text(phase: &ast::PhaseDecl) -> String {
    let end = match &phase.end {
        PhaseEnd::For(d) => format!("for {}", d.node),
        PhaseEnd::Until(a) => format!("until {}", a.node),
    };
    format!("phase {} = from {} {end}", phase.name.node, phase.start.node)
}

fn rule_lines(rule: &ast::Rule, span: Span) -> Vec<Line> {
    let mut lines = vec![opening(
        0,
        format!("rule {} {{", rule.id.node),
        span.start,
        rule.id.span.end,
    )];
    for attribute in &rule.attributes {
        let text = match &attribute.node {
            Attribute::Title(t) => format!("title \"{}\"", escape(t)),
            Attribute::Ref(r) => format!("ref \"{}\"", escape(r)),
            Attribute::Severity(s) => format!("severity {}", s.node),
            Attribute::Evidence(c) => format!("evidence {}", c.node),
        };
        lines.push(leaf(1, text, attribute.span));
    }
    let body = &rule.body.node;
    for (depth, header) in body.for_each.iter().enumerate() {
        lines.push(leaf(1 + depth, header.node.to_string(), header.span));
    }
    lines.push(leaf(
        1 + body.for_each.len(),
        body.form.node.to_string(),
        body.form.span,
    ));
    lines.push(closer(0, span));
    lines
}

fn test_lines(test: &ast::Test, span: Span, comments: &[Comment]) -> Vec<Line> {
    let mut lines = vec![opening(
        0,
        format!("test \"{}\" {{", escape(&test.name.node)),
        span.start,
        test.name.span.end,
    )];
    for statement in &test.statements {
        match &statement.node {
            TestStatement::AsOf(time) => lines.push(leaf(1, format!("as of {}", time.text()), statement.span)),
            TestStatement::Expect(rule, verdict) => {
                lines.push(leaf(
                    1,
                    format!("expect {} {}", rule.node, verdict.node),
                    statement.span,
                ));
            }
            TestStatement::Log(log) => {
                let s = statement.span;
                let commented = comments.iter().any(|c| c.start > s.start && c.start < s.end);
                if log.is_empty() && !commented {
                    lines.push(leaf(1, "log {}".to_string(), s));
                    continue;
                }
                lines.push(opening(1, "log {".to_string(), s.start, s.start + 3));
                for line in log {
                    lines.push(leaf(2, log_line_text(&line.node), line.span));
                }
                lines.push(closer(1, s));
            }
        }
    }
    lines.push(closer(0, span));
    lines
}

fn log_line_text(line: &ast::LogLine) -> String {
    let mut text = format!("{} {}", line.time.node.text, line.kind.node);
    for (name, value) in &line.fields {
        match value {
            ast::LogValue::One(value) => text.push_str(&format!(" {} {}", name.node, value.node)),
            ast::LogValue::Position(position) => text.push_str(&format!(" {} {}", name.node, position.node)),
            ast::LogValue::List(list) => {
                let values: Vec<String> = list.node.iter().map(|v| v.node.to_string()).collect();
                text.push_str(&format!(" {} [{}]", name.node, values.join(", ")));
            }
        }
    }
    text
}
