//! Turns pest's "expected rules" into words a monitor understands.

use super::parser::{MAX_NESTING, Rule, too_deep};
use super::span::{FileId, Span};
use crate::diagnostic::{Code, Diagnostic};
use pest::error::{Error, ErrorVariant, InputLocation};

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
    let expected = describe_all(positives);
    Diagnostic::new(Code::SyntaxError, span, format!("expected {expected}, found {}", found.describe()))
        .with_label(format!("expected {expected}"))
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
        let len = if first == '"' {
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
        Found { text: &rest[..len], len }
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

/// Every keyword of LANGUAGE.md §2.
pub const KEYWORDS: &[&str] = &[
    "agreement", "zone", "event", "phase", "rule", "include", "title", "ref", "severity", "from",
    "for", "until", "of", "in", "by", "after", "before", "during", "between", "within",
    "precedes", "every", "is", "followed", "preceded", "occurs", "no", "at", "least", "most",
    "per", "each", "count", "sum", "where", "and", "or", "not", "first", "last", "start", "end",
    "true", "false", "test", "log", "expect", "as",
];

/// Collapses groups of alternatives into one phrase, then joins with `or`.
fn describe_all(positives: &[Rule]) -> String {
    let has = |r: Rule| positives.contains(&r);
    let mut phrases: Vec<&str> = Vec::new();
    let declaration = has(Rule::kw_rule) && has(Rule::kw_zone) && has(Rule::kw_event);
    let form = has(Rule::kw_every) && has(Rule::kw_no) && has(Rule::kw_at);
    let window = has(Rule::kw_during) && has(Rule::kw_between);
    if declaration {
        phrases.push("a declaration (`zone`, `event`, `phase`, `rule`, `test`, `include`, `agreement`)");
    }
    if form {
        phrases.push("a rule body such as `no strike during phase1`");
    }
    if window {
        phrases.push("a window (`during`, `between`, `after`, `before`, or `within ... after`)");
    }
    for &rule in positives {
        let grouped = (declaration && DECLARATION_STARTS.contains(&rule))
            || (form && FORM_STARTS.contains(&rule))
            || (window && WINDOW_STARTS.contains(&rule));
        if grouped {
            continue;
        }
        if let Some(phrase) = describe(rule)
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

const DECLARATION_STARTS: &[Rule] = &[
    Rule::kw_agreement, Rule::kw_include, Rule::kw_zone, Rule::kw_event, Rule::kw_phase,
    Rule::kw_rule, Rule::kw_test,
];
const FORM_STARTS: &[Rule] = &[
    Rule::kw_every, Rule::kw_no, Rule::kw_at, Rule::kw_count, Rule::kw_sum, Rule::kw_for,
    Rule::integer, Rule::decimal, Rule::lparen, Rule::ident,
];
const WINDOW_STARTS: &[Rule] = &[
    Rule::kw_during, Rule::kw_between, Rule::kw_after, Rule::kw_before, Rule::kw_within,
];

/// One grammar rule in words; `None` for rules a person never needs to hear about.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
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
        Rule::type_name => "a type (`int`, `number`, `text`, `bool`, `zone` or `time`)",
        Rule::cmp_op => "a comparison (`=`, `!=`, `<`, `<=`, `>` or `>=`)",
        Rule::pattern => "an event pattern such as `release batch 2`",
        Rule::anchor => "a point in time such as `2025-01-19` or `first release`",
        Rule::lbrace => "`{`",
        Rule::rbrace => "`}`",
        Rule::lparen => "`(`",
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
        _ => return keyword(rule),
    })
}

fn keyword(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::kw_agreement => "`agreement`",
        Rule::kw_zone => "`zone`",
        Rule::kw_event => "`event`",
        Rule::kw_phase => "`phase`",
        Rule::kw_rule => "`rule`",
        Rule::kw_include => "`include`",
        Rule::kw_title => "`title`",
        Rule::kw_ref => "`ref`",
        Rule::kw_severity => "`severity`",
        Rule::kw_from => "`from`",
        Rule::kw_for => "`for each`",
        Rule::kw_until => "`until`",
        Rule::kw_of => "`of`",
        Rule::kw_in => "`in`",
        Rule::kw_by => "`by`",
        Rule::kw_after => "`after`",
        Rule::kw_before => "`before`",
        Rule::kw_during => "`during`",
        Rule::kw_between => "`between`",
        Rule::kw_within => "`within`",
        Rule::kw_precedes => "`precedes`",
        Rule::kw_every => "`every`",
        Rule::kw_is => "`is`",
        Rule::kw_followed => "`followed`",
        Rule::kw_preceded => "`preceded`",
        Rule::kw_occurs => "`occurs`",
        Rule::kw_no => "`no`",
        Rule::kw_at => "`at`",
        Rule::kw_least => "`least`",
        Rule::kw_most => "`most`",
        Rule::kw_per => "`per`",
        Rule::kw_each => "`each`",
        Rule::kw_count => "`count`",
        Rule::kw_sum => "`sum`",
        Rule::kw_where => "`where`",
        Rule::kw_and => "`and`",
        Rule::kw_or => "`or`",
        Rule::kw_not => "`not`",
        Rule::kw_first => "`first`",
        Rule::kw_last => "`last`",
        Rule::kw_start => "`start`",
        Rule::kw_end => "`end`",
        Rule::kw_true => "`true`",
        Rule::kw_false => "`false`",
        Rule::kw_test => "`test`",
        Rule::kw_log => "`log`",
        Rule::kw_expect => "`expect`",
        Rule::kw_as => "`as`",
        _ => return None,
    })
}

/// A fix for the common mistakes.
fn help(positives: &[Rule], found: &Found) -> Option<String> {
    let wants_name = positives.iter().any(|r| matches!(r, Rule::ident | Rule::rule_id));
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
