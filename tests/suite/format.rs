//! `ceasefire fmt`: the canonical layout, comments kept, idempotent, and the
//! rules unchanged.

use super::{ceasefire_cmd, folder, root};
use ceasefire::format::{FormatError, format_text};
use ceasefire::source::FileId;
use proptest::prelude::*;
use std::path::Path;

/// Formats text; `None` when it has syntax errors. Panics if the formatter
/// refuses (which is a bug) or is not idempotent.
fn format(text: &str) -> Option<String> {
    match format_text(FileId(0), text) {
        Ok(once) => {
            let twice = format_text(FileId(0), &once).unwrap_or_else(|e| panic!("{e:?} on\n{once}"));
            assert_eq!(once, twice, "formatting is not idempotent:\n{text}");
            Some(once)
        }
        Err(FormatError::Syntax(_)) => None,
        Err(FormatError::Changed(d)) => panic!("the formatter refused: {}\n{text}", d.message),
    }
}

fn cfr_files(under: &Path) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(under)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "cfr"))
        .map(|e| e.into_path())
        .collect()
}

#[test]
fn every_rule_file_in_the_repository_formats_and_stays_formatted() {
    let mut formatted = 0;
    for path in cfr_files(&root().join("tests"))
        .into_iter()
        .chain(cfr_files(&root().join("rules")))
    {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        if format(&text).is_some() {
            formatted += 1;
        }
    }
    assert!(formatted > 40, "only {formatted} files formatted");
}

#[test]
fn the_shipped_rules_are_formatted() {
    for path in cfr_files(&root().join("rules")) {
        let text = std::fs::read_to_string(&path).expect("rule file");
        assert_eq!(
            format(&text).as_deref(),
            Some(text.as_str()),
            "{} is not formatted",
            path.display()
        );
    }
}

#[test]
fn the_first_example_of_the_language_is_already_formatted() {
    let text = std::fs::read_to_string(root().join("tests/fixtures/valid/spec-example.cfr")).expect("example");
    assert_eq!(format(&text).as_deref(), Some(text.as_str()));
}

#[test]
fn a_messy_file_gets_the_canonical_layout_with_every_comment() {
    let text = std::fs::read_to_string(root().join("tests/fixtures/format/messy.cfr")).expect("fixture");
    let formatted = format(&text).expect("formats");
    insta::with_settings!({ snapshot_path => "../snapshots/format", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("messy", formatted);
    });
}

#[test]
fn spellings_become_canonical() {
    let cases = [
        (
            "phase p = from 2025-01-19t08:30:00+00:00 for 01d00h\n",
            "phase p = from 2025-01-19T08:30Z for 1d\n",
        ),
        (
            // An instant keeps its offset (a bare date would be the
            // calendar's midnight); a local time and a date stay as written.
            "phase p = from 2025-01-19T00:00:00Z for 90m\n",
            "phase p = from 2025-01-19T00:00Z for 90m\n",
        ),
        (
            "calendar \"Europe/Kyiv\"\nphase p = from 2015-02-15T00:00:00 for 2d\n",
            "calendar \"Europe/Kyiv\"\nphase p = from 2015-02-15T00:00 for 2d\n",
        ),
        (
            "phase p = from 2025-01-19T10:00:30.500+02:00 for 1w\n",
            "phase p = from 2025-01-19T10:00:30.500+02:00 for 1w\n",
        ),
        ("event e{a:int,b:text,}\n", "event e { a: int, b: text }\n"),
        ("event e {}\n", "event e\n"),
        ("zone  z   \"Z\"\n", "zone z \"Z\"\n"),
        ("agreement \"say \\\"hi\\\"\\t\"\n", "agreement \"say \\\"hi\\\"\\t\"\n"),
    ];
    for (input, expected) in cases {
        assert_eq!(format(input).as_deref(), Some(expected), "{input}");
    }
}

#[test]
fn expressions_and_conditions_keep_their_grouping() {
    let text = "event e { a: int, b: int }\n\
        rule r1 {\n  count(e) - (count(e) - count(e)) >= 2 * (3 + 4) - 5 * 6 after 2025-01-01\n}\n\n\
        rule r2 {\n  every e where a = 1 or (b = 2 or a = 3) and not (a = 1 and b = 2) is preceded by e\n}\n\n\
        rule r3 {\n  every e where (a = 1 and (b = 2 and a = 3)) is preceded by e\n}\n\n\
        rule r4 {\n  sum(a of e) >= 2.5 * 1000000000000000000000.0 after 2025-01-01\n}\n";
    let formatted = format(text).expect("formats");
    assert!(
        formatted.contains("count(e) - (count(e) - count(e)) >= 2 * (3 + 4) - 5 * 6"),
        "{formatted}"
    );
    assert!(
        formatted.contains("a = 1 or (b = 2 or a = 3) and not (a = 1 and b = 2)"),
        "{formatted}"
    );
    assert!(formatted.contains("a = 1 and (b = 2 and a = 3)"), "{formatted}");
}

#[test]
fn an_empty_file_stays_empty_and_comments_alone_stay() {
    assert_eq!(format("").as_deref(), Some(""));
    assert_eq!(
        format("# only\n\n\n# comments\n").as_deref(),
        Some("# only\n\n# comments\n")
    );
}

/// A file with every kind of item, one line at a time, for comments to go between.
const LINES: &[&str] = &[
    "agreement \"A\"",
    "zone north \"North\"",
    "zone rafah",
    "event truce",
    "event release { batch: int, hostages: int }",
    "event strike {",
    "  zone: zone,",
    "  actor: text",
    "}",
    "phase p1 = from truce for 42d",
    "rule r1 {",
    "  title \"T\"",
    "  ref \"R\"",
    "  for each zone z:",
    "    no strike in zone z",
    "    during p1",
    "}",
    "rule r2 {",
    "  every release where hostages > 1 and not batch = 2",
    "    is followed by strike within 1h",
    "}",
    "test \"t\" {",
    "  as of 2025-02-01",
    "  log {",
    "    2025-01-01T10:00Z truce",
    "    2025-01-02T10:00Z release batch 1 hostages 3",
    "  }",
    "  expect r1 satisfied",
    "}",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn comments_anywhere_are_kept(
        places in prop::collection::vec((0..LINES.len(), any::<bool>(), any::<bool>()), 0..12),
    ) {
        let mut lines: Vec<String> = LINES.iter().map(|l| l.to_string()).collect();
        for (n, (line, own_line, blank)) in places.iter().enumerate() {
            if *own_line {
                lines.insert(*line, format!("# own {n}"));
                if *blank {
                    lines.insert(*line, String::new());
                }
            } else if !lines[*line].contains('#') {
                lines[*line].push_str(&format!("  # end {n}"));
            } else {
                // A second comment on a line is part of the first.
                lines.insert(*line, format!("# own {n}"));
            }
        }
        let text = lines.join("\n");
        let formatted = format(&text).expect("formats");
        for n in 0..places.len() {
            prop_assert!(formatted.contains(&format!(" {n}\n")) || formatted.ends_with(&format!(" {n}")), "{}", formatted);
        }
    }

    #[test]
    fn random_rules_format_without_changing(rules in prop::collection::vec(super::reference::rule_strategy(), 1..5)) {
        let text = super::reference::rule_file(&rules);
        prop_assert!(format(&text).is_some(), "{}", text);
    }

    #[test]
    fn whatever_parses_formats(tokens in prop::collection::vec(prop::sample::select(super::robustness::tokens()), 0..40)) {
        let text = tokens.join(" ");
        format(&text);
        format(&format!("event e {{ a: int }}\nrule r {{ {text} }}"));
    }
}

#[test]
fn fmt_check_lists_the_files_that_would_change_and_exits_1() {
    let dir = folder(&[("a.cfr", "zone   north\n"), ("b.cfr", "zone north\n")]);
    ceasefire_cmd()
        .current_dir(dir.path())
        .args(["fmt", "--check", "."])
        .assert()
        .code(1)
        .stdout("./a.cfr\n");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.cfr")).expect("a"),
        "zone   north\n"
    );
}

#[test]
fn fmt_diff_shows_a_unified_diff() {
    let dir = folder(&[("a.cfr", "zone   north\nzone south\n")]);
    let output = ceasefire_cmd()
        .current_dir(dir.path())
        .args(["fmt", "--check", "--diff", "a.cfr"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).expect("utf-8");
    assert_eq!(
        text,
        "a.cfr\n--- a.cfr\n+++ a.cfr (formatted)\n@@ -1,2 +1,2 @@\n-zone   north\n+zone north\n zone south\n"
    );
}

#[test]
fn fmt_rewrites_files_and_then_has_nothing_to_do() {
    let dir = folder(&[("rules/a.cfr", "zone   north # n\n"), ("rules/b.cfr", "zone north\n")]);
    ceasefire_cmd()
        .current_dir(dir.path())
        .args(["fmt"])
        .assert()
        .code(0)
        .stdout("");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("rules/a.cfr")).expect("a"),
        "zone north  # n\n"
    );
    ceasefire_cmd()
        .current_dir(dir.path())
        .args(["fmt", "--check"])
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn fmt_reads_standard_input() {
    ceasefire_cmd()
        .args(["fmt", "-"])
        .write_stdin("zone   north\n")
        .assert()
        .code(0)
        .stdout("zone north\n");
    ceasefire_cmd()
        .args(["fmt", "--check", "-"])
        .write_stdin("zone   north\n")
        .assert()
        .code(1)
        .stdout("-\n");
}

#[test]
fn fmt_refuses_files_with_syntax_errors() {
    let dir = folder(&[("a.cfr", "zone north\nrule r {\n"), ("b.cfr", "zone   south\n")]);
    let output = ceasefire_cmd()
        .current_dir(dir.path())
        .args(["fmt", "."])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    // (an unclosed rule at the end of the file: CF0013)
    assert!(String::from_utf8_lossy(&output.stderr).contains("CF0013"));
    // The broken file is untouched; the others are formatted.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.cfr")).expect("a"),
        "zone north\nrule r {\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("b.cfr")).expect("b"),
        "zone south\n"
    );
}

/// Numbers keep their spelling: whole numbers beyond 2⁵³ (which a decimal
/// cannot hold exactly) stay as written, and a decimal stays a decimal.
#[test]
fn numbers_in_arithmetic_keep_their_spelling() {
    let text = "event release { batch: int }\n\n\
        rule d {\n  count(release) * 9223372036854775807 >= 1234567890123456789 after 2025-01-01\n}\n\n\
        rule e {\n  count(release) >= 2.0 + 1000000000000000 - 0.25 after 2025-01-01\n}\n";
    assert_eq!(format(text).as_deref(), Some(text));
}
