//! Grammar and AST tests: each form parses, and prints back canonically.

use super::ast::{ArithOp, Condition, Domain, Expr, File, Form, Item, Value};
use super::parse;
use crate::diagnostic::Code;
use crate::source::FileId;

fn parse_ok(text: &str) -> File {
    let (file, diagnostics) = parse(FileId(0), text);
    assert!(
        diagnostics.is_empty(),
        "unexpected diagnostics for {text:?}: {diagnostics:#?}"
    );
    file
}

/// The body of `rule r { BODY }`, printed back.
fn body(text: &str) -> String {
    let file = parse_ok(&format!("rule r {{ {text} }}"));
    match &file.items[0].node {
        Item::Rule(rule) => rule.body.node.to_string(),
        other => panic!("not a rule: {other:?}"),
    }
}

fn form(text: &str) -> Form {
    let file = parse_ok(&format!("rule r {{ {text} }}"));
    match &file.items[0].node {
        Item::Rule(rule) => rule.body.form.node.clone(),
        other => panic!("not a rule: {other:?}"),
    }
}

/// The first diagnostic's code and the text it points at.
fn error(text: &str) -> (Code, String) {
    let (_, diagnostics) = parse(FileId(0), text);
    let first = diagnostics
        .first()
        .unwrap_or_else(|| panic!("no diagnostic for {text:?}"));
    let span = first.span().expect("a span");
    (first.code, text[span.range()].to_string())
}

#[test]
fn every_form_parses_and_prints_back() {
    let cases = [
        "release batch 2 precedes drawdown in zone netzarim within 72h",
        "release precedes drawdown",
        "every release is followed by drawdown within 72h",
        "every release is followed by no strike within 1d12h",
        "every strike is preceded by warning",
        "every strike is preceded by warning within 2h",
        "every strike is preceded by no ceasefire_start within 30m",
        "every strike is preceded by no ceasefire_start",
        "release occurs by 2025-02-01",
        "release occurs by 2025-02-01T08:30:15.250-05:00",
        "release occurs by ceasefire_start + 7d",
        "release occurs by last drawdown in zone north - 1h + 30m",
        "release occurs within 7d after ceasefire_start",
        "no strike during phase1",
        "no strike between 2025-01-19 and end of phase1",
        "no strike after start of phase2",
        "no strike before 2025-01-19T08:30Z",
        "no strike within 3d after start of phase2",
        "at least 3 aid_convoy per 1d during phase1",
        "at most 2 strike per 1w between start of phase1 and end of phase1 - 1d",
        "at least 1 release during phase1",
        "count(strike) <= 3 after last drawdown",
        "sum(trucks of aid_convoy) >= 600 per 1d during phase1",
        "count(a) - count(b) >= (1 + 2) * 3 before 2025-03-01",
        "count(a) != 2.5 during p",
        "count(a) > -1 during p",
        "sum(n of a) = 1 - (2 - 3) during p",
    ];
    for case in cases {
        assert_eq!(body(case), case, "printing back {case:?}");
    }
    // Other spellings print back in the canonical one.
    for (written, canonical) in [
        (
            "release occurs by first ceasefire_start",
            "release occurs by ceasefire_start",
        ),
        (
            // An instant keeps its offset: a bare date is the calendar's
            // midnight, which is not UTC's once a calendar is set.
            "release occurs by 2025-02-01T00:00:00+00:00",
            "release occurs by 2025-02-01T00:00Z",
        ),
        (
            "release occurs by 2025-02-01t08:30:00z",
            "release occurs by 2025-02-01T08:30Z",
        ),
    ] {
        assert_eq!(body(written), canonical);
    }
}

#[test]
fn the_user_example_parses_exactly_as_written() {
    let Form::Precedes { first, then, within } = form("release batch 2 precedes drawdown in zone netzarim within 72h")
    else {
        panic!("not precedes");
    };
    assert_eq!(first.kind.node, "release");
    assert_eq!(first.qualifiers[0].field.node, "batch");
    assert_eq!(first.qualifiers[0].value.node, Value::Int(2));
    assert_eq!(then.kind.node, "drawdown");
    assert_eq!(then.qualifiers[0].field.node, "zone");
    assert_eq!(then.qualifiers[0].value.node, Value::Name("netzarim".into()));
    assert_eq!(within.expect("within").node.to_string(), "72h");
}

#[test]
fn for_each_headers() {
    let cases = [
        "for each zone z: no strike in zone z during p",
        "for each zone z in [north, rafah]: no strike in zone z during p",
        "for each n in 1..6: release batch n occurs within 7d after ceasefire_start",
        "for each b of release.batch: every release batch b is followed by drawdown within 1d",
        "for each zone z: for each n in -2..2: no strike in zone z where n = n during p",
    ];
    for case in cases {
        assert_eq!(body(case), case);
    }
    let file = parse_ok("rule r { for each n in 1..6: no x during p }");
    let Item::Rule(rule) = &file.items[0].node else {
        panic!()
    };
    assert!(matches!(&rule.body.for_each[0].domain, Domain::Range(a, b) if a.node == 1 && b.node == 6));
}

#[test]
fn conditions_bind_and_tighter_than_or() {
    let text = "no strike where actor = \"IDF\" and zone in [north, rafah] or not hostages >= 3 during p";
    assert_eq!(body(text), text);
    let Form::Absence { pattern, .. } = form(text) else {
        panic!()
    };
    let Some(condition) = &pattern.condition else {
        panic!("no condition")
    };
    let Condition::Or(parts) = &condition.node else {
        panic!("not or: {condition:?}")
    };
    assert!(matches!(parts[0].node, Condition::And(_)));
    assert!(matches!(parts[1].node, Condition::Not(_)));
    // Parentheses group; redundant ones vanish when printed.
    assert_eq!(
        body("no s where (a = 1 or a = 2) and b = 3 during p"),
        "no s where (a = 1 or a = 2) and b = 3 during p"
    );
    assert_eq!(body("no s where ((a = 1)) during p"), "no s where a = 1 during p");
    assert_eq!(
        body("no s where not (a = 1 and b = 2) during p"),
        "no s where not (a = 1 and b = 2) during p"
    );
}

#[test]
fn multiplication_binds_tighter_than_addition() {
    let Form::Aggregate { rhs, .. } = form("count(a) >= 1 + 2 * 3 - 4 during p") else {
        panic!()
    };
    // (1 + (2 * 3)) - 4
    let Expr::Binary(ArithOp::Sub, lhs, _) = &rhs.node else {
        panic!("{rhs:?}")
    };
    let Expr::Binary(ArithOp::Add, _, product) = &lhs.node else {
        panic!("{lhs:?}")
    };
    assert!(matches!(product.node, Expr::Binary(ArithOp::Mul, ..)));
}

#[test]
fn values_of_every_type() {
    let text = "no e where i = 42 and d = 2.5 and s = \"a \\\"q\\\" \\\\ \\n\\t\" and b = true and t = 2025-01-19T11:15+02:00 and z = north during p";
    assert_eq!(body(text), text);
    let Form::Absence { pattern, .. } = form("no e where s = \"tab\\there\" during p") else {
        panic!()
    };
    let Some(condition) = &pattern.condition else { panic!() };
    assert!(matches!(&condition.node, Condition::Compare(_, _, v) if v.node == Value::Text("tab\there".into())));
}

#[test]
fn declarations() {
    let file = parse_ok(
        r#"
        agreement "Gaza ceasefire"   # a comment
        include "schema.cfr"
        calendar "Asia/Gaza"
        zone north "Northern Gaza"
        zone rafah
        event ceasefire_start
        event release { batch: int, hostages: int, }
        event strike { zone: zone, actor: text }
        phase phase1 = from ceasefire_start for 42d
        phase phase2 = from end of phase1 until first truce_end + 1d
        rule GZ-2.3 { title "t" ref "Phase 1, 2.3" severity critical release precedes drawdown }
        source ucdp { kind = "strike" time = date }
        "#,
    );
    let kinds: Vec<&str> = file
        .items
        .iter()
        .map(|i| match &i.node {
            Item::Agreement(_) => "agreement",
            Item::Include(_) => "include",
            Item::Allow(_, _) => "allow",
            Item::Calendar(_) => "calendar",
            Item::Evidence(_) => "evidence",
            Item::Zone(_) => "zone",
            Item::Area(_) => "area",
            Item::Line(_) => "line",
            Item::Event(_) => "event",
            Item::Source(_) => "source",
            Item::Phase(_) => "phase",
            Item::Rule(_) => "rule",
            Item::Test(_) => "test",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "agreement",
            "include",
            "calendar",
            "zone",
            "zone",
            "event",
            "event",
            "event",
            "phase",
            "phase",
            "rule",
            "source"
        ]
    );
    let Item::Event(event) = &file.items[6].node else {
        panic!()
    };
    assert_eq!(event.fields.len(), 2);
    let Item::Rule(rule) = &file.items[10].node else {
        panic!()
    };
    assert_eq!(rule.id.node, "GZ-2.3");
    assert_eq!(rule.attributes.len(), 3);
}

#[test]
fn tests_blocks() {
    let file = parse_ok(
        r#"
        test "late drawdown is flagged" {
          as of 2025-02-20
          log {
            2025-01-19T08:30Z ceasefire_start
            2025-01-25T12:00Z release batch 2 hostages 4
            2025-01-29T12:00Z drawdown zone netzarim
          }
          expect netzarim_after_batch2 violated
          expect no_strikes_phase1 pending
        }
        "#,
    );
    let Item::Test(test) = &file.items[0].node else {
        panic!()
    };
    assert_eq!(test.name.node, "late drawdown is flagged");
    assert_eq!(test.statements.len(), 4);
    let super::ast::TestStatement::Log(lines) = &test.statements[1].node else {
        panic!()
    };
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[1].fields.len(), 2);
    assert_eq!(lines[2].fields[0].0.node, "zone");
}

#[test]
fn equality_ignores_spans_and_layout() {
    let a = parse_ok("rule r { release   batch 2\n precedes drawdown # why\n }");
    let b = parse_ok("rule r {\n  release batch 2 precedes drawdown\n}");
    assert_eq!(a, b);
    let c = parse_ok("rule r { release batch 3 precedes drawdown }");
    assert_ne!(a, c);
}

#[test]
fn keywords_end_at_word_boundaries() {
    // `includes`, `format`, `nothing`, `island` are names, not keywords.
    assert_eq!(
        body("includes format nothing precedes island"),
        "includes format nothing precedes island"
    );
    assert_eq!(body("no notice during p"), "no notice during p");
}

#[test]
fn lexical_errors() {
    assert_eq!(
        error("rule r { a precedes b within 72hr }"),
        (Code::InvalidDuration, "72hr".into())
    );
    assert_eq!(
        error("rule r { a precedes b within 30m2h }"),
        (Code::InvalidDuration, "30m2h".into())
    );
    assert_eq!(
        error("rule r { a precedes b within 0h }"),
        (Code::ZeroDuration, "0h".into())
    );
    assert_eq!(
        error("rule r { a occurs by 2025-02-30 }"),
        (Code::InvalidTimestamp, "2025-02-30".into())
    );
    assert_eq!(
        error("rule r { a occurs by 99999-01-01 }"),
        (Code::InvalidTimestamp, "99999-01-01".into())
    );
    assert_eq!(
        error("rule r { a occurs by 0000-01-01 }"),
        (Code::InvalidTimestamp, "0000-01-01".into())
    );
    assert_eq!(
        error("rule r { no a where n = 99999999999999999999 during p }"),
        (Code::NumberOutOfRange, "99999999999999999999".into())
    );
    assert_eq!(
        error(r#"rule r { title "a\qb" no a during p }"#),
        (Code::InvalidEscape, "\\q".into())
    );
}

#[test]
fn syntax_errors_point_at_the_unexpected_text() {
    assert_eq!(
        error("rule r { a precedes b within 72 }"),
        (Code::SyntaxError, "72".into())
    );
    assert_eq!(error("zone from"), (Code::SyntaxError, "from".into()));
    assert_eq!(error("rule r { no a }"), (Code::SyntaxError, "}".into()));
    // The file ends inside the rule: its brace is never closed.
    assert_eq!(error("rule r { a precedes b"), (Code::UnclosedBrace, "{".into()));
    assert_eq!(
        error("rule r { title \"abc\n no a during p }"),
        (Code::SyntaxError, "\"abc".into())
    );
}

#[test]
fn syntax_errors_say_what_was_expected_in_words() {
    let message = |text: &str| parse(FileId(0), text).1[0].message.clone();
    assert_eq!(
        message("rule r { a precedes b within 72 }"),
        "expected a duration such as `72h`, found `72`"
    );
    assert_eq!(message("zone from"), "expected a name, found `from`");
    assert!(
        message("rule r { no a }").starts_with("expected "),
        "{}",
        message("rule r { no a }")
    );
    assert!(
        message("rule r { no a }").contains("a window"),
        "{}",
        message("rule r { no a }")
    );
    assert!(!message("rule r {").contains("kw_"), "{}", message("rule r {"));
    let help = |text: &str| parse(FileId(0), text).1[0].help.clone().unwrap_or_default();
    assert!(help("zone from").contains("keyword"));
    assert!(help("rule r { a precedes b within 72 }").contains("`72h`"));
}

#[test]
fn parsing_resumes_at_the_next_declaration() {
    let (_, diagnostics) = parse(FileId(0), "zone a b c\nrule r { no }\nzone ok\nevent e { x int }\n");
    let codes: Vec<Code> = diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::SyntaxError, Code::SyntaxError, Code::SyntaxError]);
}

#[test]
fn deep_nesting_is_a_diagnostic_not_a_crash() {
    let deep = format!(
        "rule r {{ no a where {}x = 1{} during p }}",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    assert_eq!(error(&deep).0, Code::TooDeep);
    let nots = format!("rule r {{ no a where {} x = 1 during p }}", "not ".repeat(100_000));
    assert_eq!(error(&nots).0, Code::TooDeep);
    let sums = format!("rule r {{ count(a) >= {} during p }}", vec!["1"; 100_000].join(" + "));
    assert_eq!(error(&sums).0, Code::TooDeep);
    // Long flat lists are fine.
    let ands = format!(
        "rule r {{ no a where {} during p }}",
        vec!["x = 1"; 10_000].join(" and ")
    );
    parse_ok(&ands);
}

#[test]
fn odd_input_never_panics() {
    for text in [
        "",
        "   ",
        "#",
        "\"",
        "rule",
        "rule r {",
        "}",
        "((((",
        "1..",
        "2025-",
        "9999999999999999999999d",
        "\u{feff}zone a",
        "rule r { a precedes b within 1w2d3h4m5s }",
    ] {
        let _ = parse(FileId(0), text);
    }
}

#[test]
fn every_keyword_of_the_spec_is_reserved_and_only_those() {
    use super::grammar::{CfrParser, Rule};
    use pest::Parser;
    let whole_ident = |text: &str| {
        CfrParser::parse(Rule::ident, text).is_ok_and(|mut p| p.next().is_some_and(|p| p.as_str() == text))
    };
    for keyword in super::KEYWORDS {
        assert!(!whole_ident(keyword), "`{keyword}` should not be a name");
        for near in [
            format!("{keyword}x"),
            format!("{keyword}_"),
            format!("x{keyword}"),
            keyword[..keyword.len() - 1].to_string(),
        ] {
            if !super::KEYWORDS.contains(&near.as_str()) && !near.is_empty() {
                assert!(whole_ident(&near), "`{near}` should be a name");
            }
        }
    }
    assert_eq!(super::KEYWORDS.len(), 67);
}

/// The alternatives of a grammar rule written `NAME = _{ a | b | c }`.
fn alternatives(grammar: &str, name: &str) -> Vec<String> {
    let line = grammar
        .lines()
        .find(|l| l.split_whitespace().next() == Some(name))
        .unwrap_or_else(|| panic!("the grammar has no rule `{name}`"));
    let body = line
        .split_once('{')
        .and_then(|(_, b)| b.rsplit_once('}'))
        .expect("a rule body")
        .0;
    body.split('|').map(|a| a.trim().to_string()).collect()
}

#[test]
fn the_vocabulary_table_is_the_grammars() {
    use super::grammar::Rule;
    use super::keywords::{BODY_FORMS, DECLARATIONS, KEYWORDS, WINDOWS, rule_of, word_of};
    use pest::Parser;
    let grammar = include_str!("../../grammar/ceasefire.pest");
    // Every `kw_` rule of the grammar is a keyword of the table, with its word.
    let mut kw_rules = Vec::new();
    for line in grammar.lines() {
        if let Some(rest) = line.strip_prefix("kw_") {
            let name = rest.split_whitespace().next().expect("a name");
            let word = line.split('"').nth(1).expect("a quoted word");
            assert_eq!(name, word, "`kw_{name}` matches `{word}`");
            kw_rules.push(word.to_string());
        }
    }
    assert_eq!(
        kw_rules, KEYWORDS,
        "the grammar's `kw_` rules and the keyword table differ"
    );
    for word in KEYWORDS {
        let rule = rule_of(word).expect("a rule");
        assert_eq!(format!("{rule:?}"), format!("kw_{word}"));
        assert_eq!(word_of(rule), Some(*word));
    }
    // The `keyword` rule (a trie on the first letter) spells exactly these words.
    let trie: String = grammar
        .split("keyword = @{")
        .nth(1)
        .and_then(|rest| rest.split("~ !ident_char").next())
        .expect("the keyword rule")
        .to_string();
    let mut spelled = Vec::new();
    for line in trie.lines() {
        let Some((head, tails)) = line.split_once('~') else {
            continue;
        };
        let first = head.split('"').nth(1).expect("a first letter");
        for tail in tails.split('"').skip(1).step_by(2) {
            spelled.push(format!("{first}{tail}"));
        }
    }
    let mut expected: Vec<String> = KEYWORDS.iter().map(|w| w.to_string()).collect();
    spelled.sort();
    expected.sort();
    assert_eq!(
        spelled, expected,
        "the grammar's `keyword` trie and the keyword table differ"
    );
    // The body forms, windows and declarations are the grammar's alternatives.
    let names = |rules: &mut dyn Iterator<Item = Rule>| rules.map(|r| format!("{r:?}")).collect::<Vec<_>>();
    assert_eq!(
        alternatives(grammar, "body_form"),
        names(&mut BODY_FORMS.iter().map(|f| f.rule))
    );
    assert_eq!(
        alternatives(grammar, "window"),
        names(&mut WINDOWS.iter().map(|w| w.rule))
    );
    let items = alternatives(grammar, "item");
    let mut declarations = names(&mut DECLARATIONS.iter().map(|(r, _)| *r));
    let mut items: Vec<String> = items.into_iter().filter(|i| declarations.contains(i)).collect();
    items.sort();
    declarations.sort();
    // (`allow` and `deny` are one declaration of the grammar.)
    declarations.dedup();
    assert_eq!(
        items, declarations,
        "every declaration of the table is an item of the grammar"
    );
    // Each form has examples that parse as that form, are built into the
    // syntax tree without a word (a form the builder forgot is CF0910), and
    // print back as written.
    for form in BODY_FORMS {
        assert!(!form.examples.is_empty(), "{:?} has no example", form.rule);
        for example in form.examples {
            let pair = super::grammar::CfrParser::parse(Rule::body, example)
                .unwrap_or_else(|e| panic!("{example}: {e}"))
                .next()
                .expect("a body");
            let rules: Vec<Rule> = pair.into_inner().map(|p| p.as_rule()).collect();
            assert_eq!(rules.last(), Some(&form.rule), "{example} is not a {:?}", form.rule);
            assert_eq!(body(example), *example, "{example} prints back");
        }
        for start in form.starts.iter().chain(form.after_pattern) {
            let first = start.split_whitespace().next().expect("a word");
            assert!(KEYWORDS.contains(&first), "`{start}` starts with a keyword");
        }
    }
}

#[test]
fn the_manual_lists_every_keyword() {
    let manual = include_str!("../../docs/language.md");
    let list = manual
        .split("**Keywords** cannot be names: `")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .expect("the keyword list of docs/language.md");
    let listed: Vec<&str> = list.split_whitespace().collect();
    assert_eq!(listed, super::KEYWORDS, "docs/language.md lists other keywords");
}

#[test]
fn a_parse_tree_the_builder_does_not_know_is_an_internal_error_not_a_silent_drop() {
    use super::grammar::{CfrParser, Rule};
    use super::lower::Builder;
    use pest::Parser;
    // A `zone` declaration handed over where a file is expected: its parts
    // (`zone`, a name, a string) are no items the builder knows.
    let pair = CfrParser::parse(Rule::zone_decl, "zone north \"North\"")
        .expect("parses")
        .next()
        .expect("a pair");
    let mut builder = Builder::new(FileId(0));
    let tree = builder.file(pair);
    let diagnostics = builder.finish();
    assert!(tree.items.is_empty());
    assert_eq!(diagnostics.len(), 3, "{diagnostics:?}");
    assert!(diagnostics.iter().all(|d| d.code == Code::UnexpectedParseTree));
    assert!(
        diagnostics[0]
            .message
            .starts_with("internal error: the syntax tree builder does not know this `kw_zone`")
    );
}

#[test]
fn sources_are_read_as_written() {
    let file = parse_ok(
        r#"
        source ucdp "UCDP GED" {
          calendar "Europe/Kyiv"
          kind     = type_of_violence map { 1: state_based, 2.5: "x", "three": one_sided, else: skip, }
          time     = date_start .. "date end"
          zone     = adm_1 map { "Donetsk oblast": donetsk, else: keep }
          deaths   = best
          fixed    = 0
          source   = source_office split ";"
          status   = "Event Status"
          map      = true
        }
        "#,
    );
    let Item::Source(source) = &file.items[0].node else {
        panic!()
    };
    assert_eq!(source.name.node, "ucdp");
    assert_eq!(source.display.as_ref().map(|d| d.node.as_str()), Some("UCDP GED"));
    assert_eq!(source.calendars.len(), 1);
    let written: Vec<String> = source
        .lines
        .iter()
        .map(|l| format!("{} = {}", l.target.node, l.value.node))
        .collect();
    assert_eq!(
        written,
        [
            "kind = type_of_violence map { 1: state_based, 2.5: \"x\", \"three\": one_sided, else: skip }",
            "time = date_start .. \"date end\"",
            "zone = adm_1 map { \"Donetsk oblast\": donetsk, else: keep }",
            "deaths = best",
            "fixed = 0",
            "source = source_office split \";\"",
            "status = \"Event Status\"",
            "map = true",
        ]
    );
}
