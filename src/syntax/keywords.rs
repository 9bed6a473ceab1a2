//! The language's vocabulary, written once: every keyword with its grammar
//! rule, how error messages name it, and the rule body forms and windows
//! with the words that start or continue them (error messages group them,
//! the language server completes them). Tests hold this table against the
//! grammar, the editor grammar and the manual.

use super::grammar::Rule;

macro_rules! keywords {
    ($($rule:ident $word:literal),* $(,)?) => {
        /// Every keyword of the language (LANGUAGE.md §2). A keyword is not a name.
        pub const KEYWORDS: &[&str] = &[$($word),*];

        /// The word of a keyword's grammar rule (`kw_…`).
        pub(crate) fn word_of(rule: Rule) -> Option<&'static str> {
            match rule {
                $(Rule::$rule => Some($word),)*
                _ => None,
            }
        }

        /// The grammar rule of a keyword.
        pub(crate) fn rule_of(word: &str) -> Option<Rule> {
            match word {
                $($word => Some(Rule::$rule),)*
                _ => None,
            }
        }
    };
}

keywords! {
    kw_agreement "agreement", kw_zone "zone", kw_event "event", kw_phase "phase", kw_rule "rule",
    kw_include "include", kw_title "title", kw_ref "ref", kw_severity "severity", kw_from "from",
    kw_for "for", kw_until "until", kw_of "of", kw_in "in", kw_by "by", kw_after "after",
    kw_before "before", kw_during "during", kw_between "between", kw_within "within",
    kw_precedes "precedes", kw_every "every", kw_is "is", kw_followed "followed",
    kw_preceded "preceded", kw_occurs "occurs", kw_no "no", kw_at "at", kw_least "least",
    kw_most "most", kw_per "per", kw_each "each", kw_count "count", kw_sum "sum",
    kw_where "where", kw_and "and", kw_or "or", kw_not "not", kw_first "first", kw_last "last",
    kw_start "start", kw_end "end", kw_true "true", kw_false "false", kw_test "test",
    kw_log "log", kw_expect "expect", kw_as "as", kw_evidence "evidence", kw_sources "sources",
    kw_status "status", kw_calendar "calendar", kw_day "day", kw_week "week", kw_month "month",
    kw_daily "daily", kw_source "source", kw_map "map", kw_else "else", kw_skip "skip",
    kw_area "area", kw_line "line", kw_position "position", kw_distance "distance", kw_inside "inside",
    kw_allow "allow", kw_deny "deny",
}

/// Keywords that never stand alone, named in messages with the words they
/// always come with.
const PHRASES: &[(&str, &str)] = &[
    ("at", "`at least` or `at most`"),
    ("for", "`for each`"),
    ("as", "`as of`"),
    ("count", "`count(...)`"),
    ("sum", "`sum(...)`"),
];

/// How an error message names a keyword: `` `zone` ``, or its phrase.
pub(crate) fn phrase_of(word: &str) -> String {
    PHRASES
        .iter()
        .find(|(w, _)| *w == word)
        .map_or_else(|| format!("`{word}`"), |(_, phrase)| (*phrase).to_string())
}

/// Every top-level declaration and the keyword it starts with.
pub(crate) const DECLARATIONS: &[(Rule, &str)] = &[
    (Rule::agreement, "agreement"),
    (Rule::include, "include"),
    (Rule::allow_decl, "allow"),
    (Rule::allow_decl, "deny"),
    (Rule::calendar_decl, "calendar"),
    (Rule::evidence_decl, "evidence"),
    (Rule::zone_decl, "zone"),
    (Rule::area_decl, "area"),
    (Rule::line_decl, "line"),
    (Rule::event_decl, "event"),
    (Rule::source_decl, "source"),
    (Rule::phase_decl, "phase"),
    (Rule::rule_decl, "rule"),
    (Rule::test, "test"),
];

/// The words that start a top-level declaration: the language server
/// completes them on an empty line, and the parser resumes after a syntax
/// error at a line that starts with one.
pub const DECLARATION_WORDS: [&str; 14] = [
    "agreement",
    "include",
    "allow",
    "deny",
    "calendar",
    "evidence",
    "zone",
    "area",
    "line",
    "event",
    "source",
    "phase",
    "rule",
    "test",
];

/// Other constructs that start with a keyword, named by it in messages.
pub(crate) const LEADING: &[(Rule, &str)] = &[
    (Rule::title_attr, "title"),
    (Rule::ref_attr, "ref"),
    (Rule::severity_attr, "severity"),
    (Rule::for_each, "for"),
    (Rule::count_agg, "count"),
    (Rule::sum_agg, "sum"),
    (Rule::as_of, "as"),
    (Rule::test_log, "log"),
    (Rule::expect, "expect"),
];
/// A form of rule body (LANGUAGE.md §4 "Bodies").
#[derive(Clone, Copy, Debug)]
pub struct BodyForm {
    /// Its grammar rule (an alternative of `body_form`).
    pub(crate) rule: Rule,
    /// The keyword it opens with, if it opens with one.
    pub(crate) opening: Option<Rule>,
    /// The words that start a rule body of this form.
    pub starts: &'static [&'static str],
    /// The words that continue it after a first pattern.
    pub after_pattern: &'static [&'static str],
    /// Bodies of this form, as written (tests parse and print them back).
    pub examples: &'static [&'static str],
}

/// Every form of rule body, in the grammar's order of `body_form`.
pub const BODY_FORMS: &[BodyForm] = &[
    BodyForm {
        rule: Rule::every_form,
        opening: Some(Rule::kw_every),
        starts: &["every"],
        after_pattern: &["is followed by", "is preceded by"],
        examples: &[
            "every release is followed by drawdown within 72h",
            "every strike is preceded by no ceasefire_start within 30m",
        ],
    },
    BodyForm {
        rule: Rule::absence_form,
        opening: Some(Rule::kw_no),
        starts: &["no"],
        after_pattern: &[],
        examples: &["no strike during phase1"],
    },
    BodyForm {
        rule: Rule::rate_form,
        opening: Some(Rule::kw_at),
        starts: &["at least", "at most"],
        after_pattern: &[],
        examples: &["at least 3 aid_convoy per 1d during phase1"],
    },
    BodyForm {
        rule: Rule::aggregate_form,
        opening: None,
        starts: &["count", "sum"],
        after_pattern: &[],
        examples: &["sum(trucks of aid_convoy) >= 600 per 1d during phase1"],
    },
    BodyForm {
        rule: Rule::pattern_form,
        opening: None,
        starts: &[],
        after_pattern: &["precedes", "occurs by", "occurs within"],
        examples: &[
            "release batch 2 precedes drawdown in zone netzarim within 72h",
            "release occurs by 2025-02-01",
            "release occurs within 7d after ceasefire_start",
        ],
    },
];

/// A window (LANGUAGE.md §4 `WINDOW`).
#[derive(Clone, Copy, Debug)]
pub struct WindowForm {
    /// Its grammar rule (an alternative of `window`).
    pub(crate) rule: Rule,
    /// The word that starts it.
    pub word: &'static str,
}

/// Every window, in the grammar's order of `window`.
pub const WINDOWS: &[WindowForm] = &[
    WindowForm {
        rule: Rule::during_w,
        word: "during",
    },
    WindowForm {
        rule: Rule::between_w,
        word: "between",
    },
    WindowForm {
        rule: Rule::after_w,
        word: "after",
    },
    WindowForm {
        rule: Rule::before_w,
        word: "before",
    },
    WindowForm {
        rule: Rule::within_after_w,
        word: "within",
    },
];
