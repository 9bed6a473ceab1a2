//! Turns pest's "expected rules" into words a monitor understands.

use super::grammar::Rule;
use super::keywords::{
    BODY_FORMS, DECLARATION_WORDS, DECLARATIONS, KEYWORDS, LEADING, WINDOWS, phrase_of, rule_of, word_of,
};
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
    let positives = &trimmed(positives, &found);
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
    .with_help_opt(help(text, at, positives, &found).or_else(|| misspelt_keyword(text, at)))
}

/// What the author was writing, without the ways a finished construct could
/// go on. When the author stopped — the rule closes, the file ends, a new
/// line starts a declaration — what is missing is the part the construct
/// needs, not an optional qualifier or an offset (`+ 72h`) that might follow.
fn trimmed(positives: &[Rule], found: &Found) -> Vec<Rule> {
    let stopped = found.text.is_empty() || found.text == "}" || DECLARATION_WORDS.contains(&found.text);
    let optional = |r: &Rule| {
        matches!(
            r,
            Rule::plus
                | Rule::minus
                | Rule::anchor_offset
                | Rule::ident
                | Rule::word
                | Rule::kw_in
                | Rule::zone_qualifier
                | Rule::field_qualifier
                | Rule::kw_where
                | Rule::daily
                | Rule::kw_daily
        )
    };
    let kept: Vec<Rule> = positives.iter().copied().filter(|r| !optional(r)).collect();
    if stopped && !kept.is_empty() {
        return kept;
    }
    // A value where the comparison's operator belongs: the operator is
    // missing; arithmetic that could also have gone on is not the point.
    let value_like = found.text.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '"');
    if value_like && positives.contains(&Rule::cmp_op) {
        return positives
            .iter()
            .copied()
            .filter(|r| !matches!(r, Rule::plus | Rule::minus | Rule::times | Rule::anchor_offset))
            .collect();
    }
    positives.to_vec()
}

/// A word before the error that reads as a name but is one slip away from
/// a keyword (`evry release is followed by …`): the likely cause of the
/// error further on. Gives the word's offset, the word and the keyword.
fn near_keyword(text: &str, at: usize) -> Option<(usize, &str, &'static str)> {
    let start = line_start(text, at);
    let line = &text[start..at];
    let line = line.split('#').next().unwrap_or(line);
    let mut offset = start;
    for w in line.split_inclusive(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        let start = offset;
        offset += w.len();
        let w = w.trim_end_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
        if w.len() < 3 || !w.starts_with(|c: char| c.is_ascii_alphabetic()) || KEYWORDS.contains(&w) {
            continue;
        }
        let limit = (w.len() / 3).max(1);
        let closest = KEYWORDS
            .iter()
            .filter(|k| k.len() >= 3)
            .map(|k| (strsim::damerau_levenshtein(w, k), *k))
            .filter(|(d, _)| *d <= limit)
            .min();
        if let Some((_, k)) = closest {
            return Some((start, w, k));
        }
    }
    None
}

/// The help for a misspelt keyword earlier on the line.
fn misspelt_keyword(text: &str, at: usize) -> Option<String> {
    near_keyword(text, at)
        .map(|(_, w, k)| format!("`{w}` is read as a name here; if you meant the keyword `{k}`, correct its spelling"))
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
        // `within` is named by the windows' phrase (`within ... after`) when that is given.
        if grouped.contains(&r) || (r == Rule::kw_within && grouped.contains(&Rule::after_w)) {
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

/// The field types, for the help on a field written without its colon.
const TYPE_NAMES: &[&str] = &["int", "number", "text", "bool", "zone", "time", "position"];

/// The comparison operators, for the help on a comparison without a value.
const CMP_OPS: &[&str] = &["=", "!=", "<", "<=", ">", ">="];

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
        Rule::diagnostic_code => "a diagnostic code such as `CF0701`",
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
        Rule::for_range | Rule::for_list | Rule::for_values => "a variable name",
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
fn help(text: &str, at: usize, positives: &[Rule], found: &Found) -> Option<String> {
    if wants_name(positives) && found.is_keyword() {
        return Some(format!(
            "`{0}` is a keyword and cannot be used as a name; choose another, such as `{0}_1`",
            found.text
        ));
    }
    if positives.contains(&Rule::string) && found.text.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Some(format!("write it in quotes: `\"{}\"`", found.text));
    }
    if positives.contains(&Rule::diagnostic_code) {
        return Some(
            "name the warnings' codes, as in `allow CF0701, CF1103` (`ceasefire explain` lists them)".to_string(),
        );
    }
    if positives.contains(&Rule::lbracket) && found.text == "(" {
        return Some("a list is written in square brackets, as in `in [1, 2]` or `in [north, rafah]`".to_string());
    }
    if positives.contains(&Rule::colon) && TYPE_NAMES.contains(&found.text) {
        return Some(format!(
            "a field is written with a colon before its type, as in `{}: {}`",
            previous_word(text, at),
            found.text
        ));
    }
    if positives.contains(&Rule::integer) && matches!(previous_word(text, at), "least" | "most") {
        return Some("say how many, as in `at least 3 release per 1d`".to_string());
    }
    let stopped = found.text.is_empty() || found.text == "}";
    let wants_window = WINDOWS.iter().any(|w| {
        positives.contains(&w.rule) || (w.word != "within" && rule_of(w.word).is_some_and(|r| positives.contains(&r)))
    });
    if stopped && wants_window {
        return Some(
            "say when the rule applies, as in `no strike during phase1` or `no strike after 2025-01-19T08:30Z`"
                .to_string(),
        );
    }
    if stopped
        && positives
            .iter()
            .any(|r| matches!(r, Rule::kw_within | Rule::within_clause))
    {
        return Some("say how soon, as in `every release is followed by drawdown within 72h`".to_string());
    }
    if positives.contains(&Rule::cmp_op) && found.text.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '"') {
        let left = previous_word(text, at);
        return Some(format!(
            "a comparison needs its operator before the value, as in `{left} = {0}` or `{left} >= {0}`",
            found.text
        ));
    }
    let before = previous_word(text, at);
    if positives.contains(&Rule::value) && CMP_OPS.contains(&before) {
        return Some(format!(
            "the comparison needs a value after `{before}`, as in `batch {before} 2`"
        ));
    }
    if positives == [Rule::lbrace] && found.is_keyword() {
        return Some("the body of an item is written in braces: `rule quiet { no strike during phase1 }`".to_string());
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
    // A misspelt keyword that starts a rule's body: point at it, not at
    // where the parse gave up.
    if let Some((start, word, keyword)) = near_keyword(text, at)
        && starts_line(text, start)
        && FORM_WORDS.contains(&keyword)
    {
        let word_span = Span::new(span.file, start, start + word.len());
        return Some(
            Diagnostic::new(
                Code::SyntaxError,
                word_span,
                format!("`{word}` does not start a rule body; did you mean `{keyword}`?"),
            )
            .with_label(format!("did you mean `{keyword}`?"))
            .with_help(format!(
                "a rule's body starts with `no`, `every`, `at least`, `at most`, `count`, `sum`, `for each` or an event kind; `{word}` is read as an event kind here"
            )),
        );
    }
    if let Some(diagnostic) = missing_name(text, at, span, positives, found) {
        return Some(diagnostic);
    }
    if found.text == "}" && positives.contains(&Rule::body) {
        let name = enclosing_rule(text, at).map_or_else(|| "this rule".to_string(), |n| format!("rule `{n}`"));
        return Some(
            Diagnostic::new(
                Code::SyntaxError,
                span,
                format!("{name} has nothing to check: its body has no form"),
            )
            .with_label("the rule ends here")
            .with_help(
                "write one form before the `}`, such as `no strike during phase1` or \
                     `every release is followed by drawdown within 72h`",
            ),
        );
    }
    if found.text == "}" && positives.contains(&Rule::EOI) && !positives.contains(&Rule::rbrace) {
        return Some(
            Diagnostic::new(Code::SyntaxError, span, "this `}` closes nothing: no `{` is open here")
                .with_label("no `{` to close")
                .with_help("remove it, or check the braces of the item before"),
        );
    }
    if positives.contains(&Rule::kw_and) && previous_words(text, at, 8).contains(&"between") && !found.text.is_empty() {
        return Some(
            Diagnostic::new(
                Code::SyntaxError,
                span,
                format!(
                    "expected `and` between the two times of `between`, found {}",
                    found.describe()
                ),
            )
            .with_label("expected `and`")
            .with_help("write both ends with `and`, as in `between 2025-01-19T08:30Z and 2025-03-01T00:00Z`"),
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
    if positives.contains(&Rule::rbrace) && starts_line(text, at) && FORM_WORDS.contains(&found.text) {
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

/// A name is needed and something else stands there. After a declaration
/// word a keyword is a name the author chose (and may not); anywhere else
/// a keyword means the name was left out (`release precedes within 72h`).
fn missing_name(text: &str, at: usize, span: Span, positives: &[Rule], found: &Found) -> Option<Diagnostic> {
    if !wants_name(positives) || found.text.is_empty() {
        return None;
    }
    let before = previous_word(text, at);
    if DECLARATION_WORDS.contains(&before) {
        // `zone` at the end of its line, a declaration below: the name is missing.
        if !(starts_line(text, at) && DECLARATION_WORDS.contains(&found.text)) {
            return None;
        }
        let end = text[..at].trim_end().len();
        let word = Span::new(span.file, end - before.len(), end);
        return Some(
            Diagnostic::new(
                Code::SyntaxError,
                word,
                format!("the `{before}` declaration has no name"),
            )
            .with_label("a name is missing after this")
            .with_help(format!("give it a name, as in `{before} {}`", example_name(before))),
        );
    }
    let (sort, example) = match before {
        "precedes" | "by" | "no" | "every" | "first" | "last" => (
            "an event kind",
            "name the event kind, as in `release precedes drawdown within 72h`",
        ),
        "during" => (
            "a phase name",
            "`during` takes a declared phase, as in `during phase1`; between two times write \
             `between 2025-01-19T08:30Z and 2025-03-01T00:00Z`",
        ),
        "each" => ("a variable name", "name the variable, as in `for each zone z:`"),
        _ => return None,
    };
    let is_name = found.text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
    if is_name && !found.is_keyword() {
        return None;
    }
    let help = if found.is_keyword() {
        format!(
            "`{}` is a keyword, so {sort} is missing before it; {example}",
            found.text
        )
    } else {
        example.to_string()
    };
    Some(
        Diagnostic::new(
            Code::SyntaxError,
            span,
            format!("expected {sort} after `{before}`, found {}", found.describe()),
        )
        .with_label(format!("expected {sort}"))
        .with_help(help),
    )
}

/// A name to show in an example of a declaration.
fn example_name(declaration: &str) -> &'static str {
    match declaration {
        "zone" => "north",
        "event" => "release",
        "phase" => "phase1",
        "rule" => "quiet_north",
        "area" => "gaza_strip",
        "line" => "contact",
        "source" => "ucdp",
        "test" => "quiet_week",
        _ => "name",
    }
}

/// Where the line holding `at` starts.
fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// Whether only blanks stand between the start of its line and `at`.
fn starts_line(text: &str, at: usize) -> bool {
    text[line_start(text, at)..at].trim().is_empty()
}

/// Whether pest wanted a name here (a kind, zone, phase, rule id or variable).
fn wants_name(positives: &[Rule]) -> bool {
    positives.iter().any(|r| {
        matches!(
            r,
            Rule::ident | Rule::rule_id | Rule::for_range | Rule::for_list | Rule::for_values
        )
    })
}

/// The words that start a rule body's form (`at least`, `for each`, …).
const FORM_WORDS: [&str; 6] = ["no", "every", "at", "count", "sum", "for"];

/// The word just before `at`, on this line or an earlier one (empty if none).
fn previous_word(text: &str, at: usize) -> &str {
    text[..at].split_whitespace().next_back().unwrap_or("")
}

/// Up to `n` words before `at` on the same line, nearest first.
fn previous_words(text: &str, at: usize, n: usize) -> Vec<&str> {
    text[line_start(text, at)..at]
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .rev()
        .take(n)
        .collect()
}

/// The id of the rule whose body holds `at`: the last `rule NAME {` before it.
///
/// Only a `rule` that starts its line counts, so that the word in a title
/// or a comment ("a rule about …") is not taken for the declaration.
fn enclosing_rule(text: &str, at: usize) -> Option<&str> {
    let line = text[..at]
        .lines()
        .rev()
        .map(str::trim_start)
        .find(|l| l.starts_with("rule ") || l.starts_with("rule\t"))?;
    let name = line[4..]
        .trim_start()
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()?;
    (!name.is_empty()).then_some(name)
}
