//! Turns pest's "expected rules" into words a monitor understands.

use super::grammar::Rule;
use super::keywords::{BODY_FORMS, DECLARATIONS, KEYWORDS, LEADING, WINDOWS, phrase_of, rule_of, word_of};
use super::nesting::{MAX_NESTING, too_deep};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};
use pest::error::{Error, ErrorVariant, InputLocation};
use std::borrow::Cow;

/// The diagnostic for a pest error in `text[base..]`.
pub(crate) fn syntax_error(file: FileId, text: &str, base: usize, error: &Error<Rule>) -> Diagnostic {
    let at = base
        + match error.location {
            InputLocation::Pos(p) => p,
            InputLocation::Span((s, _)) => s,
        };
    let found = Found::at(text, at);
    let span = Span::new(file, at, at + found.len);
    let positives = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.as_slice(),
        ErrorVariant::CustomError { .. } => {
            // pest's own stack guard; our nesting check normally fires first.
            return too_deep(span, &format!("expressions (limit {MAX_NESTING})"));
        }
    };
    // Habits and slips that a token list would only obscure.
    if let Some(diagnostic) = slip(text, at, span, positives, &found) {
        return diagnostic;
    }
    let expected = describe_all(positives);
    // The message says it all; the label stays short so that it fits beside the code.
    let label = if found.text.is_empty() {
        "the file ends here".to_string()
    } else if expected.len() <= 40 {
        format!("expected {expected}")
    } else {
        "not expected here".to_string()
    };
    Diagnostic::new(
        Code::SyntaxError,
        span,
        format!("expected {expected}, found {}", found.describe()),
    )
    .with_label(label)
    .with_help_opt(help(positives, &found))
}

/// The text at the error position.
struct Found<'a> {
    text: &'a str,
    len: usize,
}

impl<'a> Found<'a> {
    fn at(text: &'a str, at: usize) -> Self {
        let rest = &text[at.min(text.len())..];
        let Some(first) = rest.chars().next() else {
            return Found { text: "", len: 0 };
        };
        let len =
            if first == '"' {
                rest[1..].find(['"', '\n']).map_or(rest.len(), |i| {
                    if rest[1 + i..].starts_with('"') { i + 2 } else { i + 1 }
                })
            } else if first.is_ascii_digit() {
                rest.find(|c: char| !(c.is_ascii_alphanumeric() || "_.:+-".contains(c)))
                    .unwrap_or(rest.len())
            } else if first.is_ascii_alphabetic() || first == '_' {
                rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len())
            } else {
                first.len_utf8()
            };
        // Keep messages short: a token is shown with at most 40 characters.
        let mut len = len.min(40);
        while !rest.is_char_boundary(len) {
            len -= 1;
        }
        Found {
            text: &rest[..len],
            len,
        }
    }

    fn describe(&self) -> String {
        if self.text.is_empty() {
            "the end of the file".to_string()
        } else if self.text.starts_with('"') && (self.text.len() == 1 || !self.text.ends_with('"')) {
            format!("the unterminated string `{}`", self.text)
        } else {
            format!("`{}`", self.text)
        }
    }

    fn is_keyword(&self) -> bool {
        KEYWORDS.contains(&self.text)
    }
}

/// Collapses groups of alternatives into one phrase, then joins with `or`.
fn describe_all(positives: &[Rule]) -> String {
    let has_any = |rules: &[Rule]| rules.iter().filter(|r| positives.contains(r)).count() >= 2;
    let mut phrases: Vec<Cow<'static, str>> = Vec::new();
    let mut grouped: Vec<Rule> = Vec::new();
    for (members, phrase) in groups() {
        if has_any(&members) || members.iter().any(|m| positives.contains(m) && GROUP_HEADS.contains(m)) {
            phrases.push(phrase.into());
            grouped.extend_from_slice(&members);
        }
    }
    for &r in positives {
        if grouped.contains(&r) {
            continue;
        }
        if let Some(phrase) = describe(r)
            && !phrases.contains(&phrase)
        {
            phrases.push(phrase);
        }
    }
    match phrases.as_slice() {
        [] => "something else".to_string(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Alternatives that read better as one phrase: the declarations, the
/// rule body forms and the windows (from the vocabulary table), then a few
/// smaller groups.
fn groups() -> Vec<(Vec<Rule>, &'static str)> {
    let keyword_rules = |words: &mut dyn Iterator<Item = &str>| words.filter_map(rule_of).collect::<Vec<Rule>>();
    let declarations = keyword_rules(&mut DECLARATIONS.iter().map(|(_, w)| *w))
        .into_iter()
        .chain(DECLARATIONS.iter().map(|(r, _)| *r))
        .collect();
    let bodies = [Rule::body, Rule::for_each]
        .into_iter()
        .chain(BODY_FORMS.iter().map(|f| f.rule))
        .chain(BODY_FORMS.iter().filter_map(|f| f.opening))
        .collect();
    let windows = WINDOWS
        .iter()
        .map(|w| w.rule)
        .chain(keyword_rules(
            &mut WINDOWS.iter().map(|w| w.word).filter(|w| *w != "within"),
        ))
        .collect();
    vec![
        (
            declarations,
            "a declaration (`rule`, `event`, `zone`, `phase`, `test`, `source`, `area`, `line`, `include`, `calendar`, `evidence` or `agreement`)",
        ),
        (bodies, "a rule body such as `no strike during phase1`"),
        (
            windows,
            "a window (`during`, `between`, `after`, `before` or `within ... after`)",
        ),
        (
            vec![
                Rule::title_attr,
                Rule::ref_attr,
                Rule::severity_attr,
                Rule::kw_title,
                Rule::kw_ref,
                Rule::kw_severity,
            ],
            "`title`, `ref` or `severity`",
        ),
        (
            vec![
                Rule::count_agg,
                Rule::sum_agg,
                Rule::expr,
                Rule::expr_group,
                Rule::kw_count,
                Rule::kw_sum,
            ],
            "`count(...)`, `sum(...)`, a number or `(`",
        ),
        (
            vec![
                Rule::as_of,
                Rule::test_log,
                Rule::expect,
                Rule::kw_as,
                Rule::kw_log,
                Rule::kw_expect,
            ],
            "`as of`, `log` or `expect`",
        ),
    ]
}

/// Rules that stand for their whole group on their own.
const GROUP_HEADS: &[Rule] = &[Rule::body, Rule::expr];

/// One grammar rule in words; `None` for rules a person never needs to hear about.
fn describe(r: Rule) -> Option<Cow<'static, str>> {
    Some(Cow::Borrowed(match r {
        Rule::EOI => "the end of the file",
        Rule::ident => "a name",
        Rule::word => "a field name",
        Rule::rule_id => "a rule id",
        Rule::string | Rule::string_inner => "a quoted string such as `\"text\"`",
        Rule::integer => "a whole number",
        Rule::decimal => "a number",
        Rule::boolean => "`true` or `false`",
        Rule::timestamp => "a timestamp such as `2025-01-19T08:30Z`",
        Rule::duration => "a duration such as `72h`",
        Rule::value => "a value (a number, a quoted string, `true`, `false`, a timestamp or a name)",
        Rule::value_list => "a list such as `[north, rafah]`",
        Rule::name_list => "a list of zones such as `[north, rafah]`",
        Rule::type_name => "a type (`int`, `number`, `text`, `bool`, `zone` or `time`)",
        Rule::cmp_op => "a comparison (`=`, `!=`, `<`, `<=`, `>` or `>=`)",
        Rule::pattern | Rule::anchor_event | Rule::pattern_form => "an event pattern such as `release batch 2`",
        Rule::anchor => "a point in time such as `2025-01-19` or `first release`",
        Rule::anchor_offset => "`+` or `-`",
        Rule::phase_bound => "`start of` or `end of`",
        Rule::field_list => "`{`",
        Rule::field_decl => "a field such as `batch: int`",
        Rule::phase_for => "`for`",
        Rule::phase_until => "`until`",
        Rule::zone_qualifier => "`in zone`",
        Rule::field_qualifier | Rule::log_field => "a field and its value such as `batch 2`",
        Rule::condition | Rule::cond_and | Rule::cond_not | Rule::membership | Rule::comparison => {
            "a condition such as `hostages >= 3`"
        }
        Rule::cond_group | Rule::lparen => "`(`",
        Rule::for_zone => "`zone`",
        Rule::for_range | Rule::for_values => "a variable name",
        Rule::every_followed => "`followed`",
        Rule::every_preceded => "`preceded`",
        Rule::within_clause => "`within`",
        Rule::per_clause => "`per`",
        Rule::precedes_tail => "`precedes`",
        Rule::occurs_by | Rule::occurs_within => "`occurs`",
        Rule::log_line => "a log line such as `2025-01-19T08:30Z release batch 1`",
        Rule::lbrace => "`{`",
        Rule::rbrace => "`}`",
        Rule::rparen => "`)`",
        Rule::lbracket => "`[`",
        Rule::rbracket => "`]`",
        Rule::colon => "`:`",
        Rule::comma => "`,`",
        Rule::equals => "`=`",
        Rule::dotdot => "`..`",
        Rule::dot => "`.`",
        Rule::plus => "`+`",
        Rule::minus => "`-`",
        Rule::times => "`*`",
        Rule::aggregate_form | Rule::expr | Rule::expr_group => "`count(...)`, `sum(...)`, a number or `(`",
        Rule::body => "a rule body such as `no strike during phase1`",
        _ => return keyword(r),
    }))
}

/// A keyword, or a construct that starts with one, as messages name it.
fn keyword(r: Rule) -> Option<Cow<'static, str>> {
    let word = word_of(r)
        .or_else(|| {
            DECLARATIONS
                .iter()
                .chain(LEADING)
                .find(|(d, _)| *d == r)
                .map(|(_, w)| *w)
        })
        .or_else(|| WINDOWS.iter().find(|w| w.rule == r).map(|w| w.word))
        .or_else(|| {
            BODY_FORMS
                .iter()
                .find(|f| f.rule == r)
                .and_then(|f| f.opening.and_then(word_of))
        })?;
    Some(phrase_of(word).into())
}

/// A fix for the common mistakes.
fn help(positives: &[Rule], found: &Found) -> Option<String> {
    let wants_name = positives
        .iter()
        .any(|r| matches!(r, Rule::ident | Rule::rule_id | Rule::for_range | Rule::for_values));
    if wants_name && found.is_keyword() {
        return Some(format!(
            "`{0}` is a keyword and cannot be used as a name; choose another, such as `{0}_1`",
            found.text
        ));
    }
    if positives.contains(&Rule::duration) && found.text.bytes().all(|b| b.is_ascii_digit()) && !found.text.is_empty() {
        return Some(format!(
            "a duration needs a unit: `{0}h` for hours or `{0}d` for days (units: w, d, h, m, s)",
            found.text
        ));
    }
    if found.text.starts_with('"') && (found.text.len() == 1 || !found.text.ends_with('"')) {
        return Some("close the string with `\"` on the same line".to_string());
    }
    None
}

/// Two common slips, said in words: `==` where the language writes `=`,
/// and a second form where a rule's body holds one.
fn slip(text: &str, at: usize, span: Span, positives: &[Rule], found: &Found) -> Option<Diagnostic> {
    if found.text.starts_with('=') && text[..at].ends_with('=') {
        let equals = Span::new(span.file, at - 1, at + 1);
        return Some(
            Diagnostic::new(Code::SyntaxError, equals, "`==` is written `=` in rules")
                .with_label("one `=` is enough")
                .with_help("compare with a single `=`, as in `where batch = 2`; `!=` is written as it is"),
        );
    }
    // `in zone` and then no name.
    let before = text[..at].trim_end();
    if before.ends_with(" in zone") || before.ends_with("\tin zone") {
        return Some(
            Diagnostic::new(
                Code::SyntaxError,
                span,
                format!("expected a zone name after `in zone`, found {}", found.describe()),
            )
            .with_label("a zone name")
            .with_help("name a declared zone, as in `in zone north`, or a `for each zone` variable"),
        );
    }
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let starts_line = text[line_start..at].trim().is_empty();
    const FORM_WORDS: [&str; 6] = ["no", "every", "at", "count", "sum", "for"];
    if positives.contains(&Rule::rbrace) && starts_line && FORM_WORDS.contains(&found.text) {
        return Some(
            Diagnostic::new(
                Code::SyntaxError,
                span,
                format!("a rule holds one form, and this line starts another (`{}`)", found.text),
            )
            .with_label("a second form")
            .with_help(
                "close the rule with `}` before this line and write the second form as a rule of its own; \
                 `title`, `ref` and `severity` go before the form",
            ),
        );
    }
    None
}
