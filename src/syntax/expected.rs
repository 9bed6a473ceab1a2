//! Turns pest's "expected rules" into words a monitor understands.

use super::grammar::Rule;
use super::nesting::{MAX_NESTING, too_deep};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};
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

/// Every keyword of LANGUAGE.md §2.
pub const KEYWORDS: &[&str] = &[
    "agreement",
    "zone",
    "event",
    "phase",
    "rule",
    "include",
    "title",
    "ref",
    "severity",
    "from",
    "for",
    "until",
    "of",
    "in",
    "by",
    "after",
    "before",
    "during",
    "between",
    "within",
    "precedes",
    "every",
    "is",
    "followed",
    "preceded",
    "occurs",
    "no",
    "at",
    "least",
    "most",
    "per",
    "each",
    "count",
    "sum",
    "where",
    "and",
    "or",
    "not",
    "first",
    "last",
    "start",
    "end",
    "true",
    "false",
    "test",
    "log",
    "expect",
    "as",
];

/// Collapses groups of alternatives into one phrase, then joins with `or`.
fn describe_all(positives: &[Rule]) -> String {
    let has_any = |rules: &[Rule]| rules.iter().filter(|r| positives.contains(r)).count() >= 2;
    let mut phrases: Vec<&str> = Vec::new();
    let mut grouped: Vec<Rule> = Vec::new();
    for (members, phrase) in GROUPS {
        if has_any(members) || members.iter().any(|m| positives.contains(m) && GROUP_HEADS.contains(m)) {
            phrases.push(phrase);
            grouped.extend_from_slice(members);
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

/// Alternatives that read better as one phrase.
const GROUPS: &[(&[Rule], &str)] = &[
    (
        &[
            Rule::kw_agreement,
            Rule::kw_include,
            Rule::kw_zone,
            Rule::kw_event,
            Rule::kw_phase,
            Rule::kw_rule,
            Rule::kw_test,
            Rule::agreement,
            Rule::include,
            Rule::zone_decl,
            Rule::event_decl,
            Rule::phase_decl,
            Rule::rule_decl,
            Rule::test,
        ],
        "a declaration (`zone`, `event`, `phase`, `rule`, `test`, `include` or `agreement`)",
    ),
    (
        &[
            Rule::body,
            Rule::for_each,
            Rule::every_form,
            Rule::absence_form,
            Rule::rate_form,
            Rule::aggregate_form,
            Rule::pattern_form,
            Rule::kw_every,
            Rule::kw_no,
            Rule::kw_at,
        ],
        "a rule body such as `no strike during phase1`",
    ),
    (
        &[
            Rule::during_w,
            Rule::between_w,
            Rule::after_w,
            Rule::before_w,
            Rule::within_after_w,
            Rule::kw_during,
            Rule::kw_between,
            Rule::kw_after,
            Rule::kw_before,
        ],
        "a window (`during`, `between`, `after`, `before` or `within ... after`)",
    ),
    (
        &[
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
        &[
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
        &[
            Rule::as_of,
            Rule::test_log,
            Rule::expect,
            Rule::kw_as,
            Rule::kw_log,
            Rule::kw_expect,
        ],
        "`as of`, `log` or `expect`",
    ),
];

/// Rules that stand for their whole group on their own.
const GROUP_HEADS: &[Rule] = &[Rule::body, Rule::expr];

/// One grammar rule in words; `None` for rules a person never needs to hear about.
fn describe(r: Rule) -> Option<&'static str> {
    Some(match r {
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
        _ => return keyword(r),
    })
}

fn keyword(r: Rule) -> Option<&'static str> {
    Some(match r {
        Rule::kw_agreement | Rule::agreement => "`agreement`",
        Rule::kw_zone | Rule::zone_decl => "`zone`",
        Rule::kw_event | Rule::event_decl => "`event`",
        Rule::kw_phase | Rule::phase_decl => "`phase`",
        Rule::kw_rule | Rule::rule_decl => "`rule`",
        Rule::kw_include | Rule::include => "`include`",
        Rule::kw_title | Rule::title_attr => "`title`",
        Rule::kw_ref | Rule::ref_attr => "`ref`",
        Rule::kw_severity | Rule::severity_attr => "`severity`",
        Rule::kw_from => "`from`",
        Rule::kw_for | Rule::for_each => "`for each`",
        Rule::kw_until => "`until`",
        Rule::kw_of => "`of`",
        Rule::kw_in => "`in`",
        Rule::kw_by => "`by`",
        Rule::kw_after | Rule::after_w => "`after`",
        Rule::kw_before | Rule::before_w => "`before`",
        Rule::kw_during | Rule::during_w => "`during`",
        Rule::kw_between | Rule::between_w => "`between`",
        Rule::kw_within | Rule::within_after_w => "`within`",
        Rule::kw_precedes => "`precedes`",
        Rule::kw_every | Rule::every_form => "`every`",
        Rule::kw_is => "`is`",
        Rule::kw_followed => "`followed`",
        Rule::kw_preceded => "`preceded`",
        Rule::kw_occurs => "`occurs`",
        Rule::kw_no | Rule::absence_form => "`no`",
        Rule::kw_at | Rule::rate_form => "`at least` or `at most`",
        Rule::kw_least => "`least`",
        Rule::kw_most => "`most`",
        Rule::kw_per => "`per`",
        Rule::kw_each => "`each`",
        Rule::kw_count | Rule::count_agg => "`count(...)`",
        Rule::kw_sum | Rule::sum_agg => "`sum(...)`",
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
        Rule::kw_test | Rule::test => "`test`",
        Rule::kw_log | Rule::test_log => "`log`",
        Rule::kw_expect | Rule::expect => "`expect`",
        Rule::kw_as | Rule::as_of => "`as of`",
        Rule::aggregate_form | Rule::expr | Rule::expr_group => "`count(...)`, `sum(...)`, a number or `(`",
        Rule::body => "a rule body such as `no strike during phase1`",
        _ => return None,
    })
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
