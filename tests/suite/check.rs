//! The checker through the library: models, units, includes, limits.

use super::folder;
use ceasefire::check::model::{Domain, Form, Type};
use ceasefire::check::{Workspace, check_paths};
use ceasefire::diagnostic::Code;

fn check(files: &[(&str, &str)]) -> (ceasefire::check::CheckOutcome, tempfile::TempDir) {
    let dir = folder(files);
    let mut workspace = Workspace::new();
    let outcome = check_paths(&mut workspace, &[dir.path().to_path_buf()]);
    (outcome, dir)
}

fn codes(outcome: &ceasefire::check::CheckOutcome) -> Vec<Code> {
    outcome.diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn the_spec_example_checks_clean_and_builds_a_model() {
    let text = std::fs::read_to_string(super::root().join("tests/fixtures/valid/spec-example.cfr")).expect("fixture");
    let (outcome, _dir) = check(&[("gaza.cfr", &text)]);
    assert!(outcome.diagnostics.is_empty(), "{:#?}", outcome.diagnostics);
    let model = &outcome.units[0].model;
    assert_eq!(
        model.agreement.as_deref(),
        Some("Gaza ceasefire and hostage-release deal, January 2025")
    );
    assert_eq!(model.zones.len(), 3);
    assert_eq!(model.kinds.len(), 6);
    assert_eq!(model.kinds[1].fields[0].ty, Type::Int);
    let ids: Vec<&str> = model.rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "netzarim_after_batch2",
            "no_strikes_phase1",
            "aid_volume",
            "detainee_ratio"
        ]
    );
    let first = &model.rules[0];
    assert_eq!(
        first.title.as_deref(),
        Some("Drawdown in Netzarim follows release batch 2 within 72h")
    );
    assert!(matches!(&first.form, Form::Precedes { within: Some(d), .. } if d.as_str() == "72h"));
    assert!(matches!(&model.rules[1].for_each[0].domain, Domain::Zones(z) if z.len() == 3));
    assert!(matches!(&model.rules[3].for_each[0].domain, Domain::Range(1, 6)));
    assert_eq!(model.tests.len(), 1);
    assert_eq!(model.tests[0].expects.len(), 2);
}

#[test]
fn includes_are_relative_to_the_including_file_and_form_one_unit() {
    let (outcome, _dir) = check(&[
        (
            "gaza/schema.cfr",
            "zone north\nevent strike { zone: zone }\nphase p = from 2025-01-19 for 42d\n",
        ),
        (
            "gaza/rules.cfr",
            "include \"schema.cfr\"\nrule r { no strike in zone north during p }\n",
        ),
    ]);
    assert!(outcome.diagnostics.is_empty(), "{:#?}", outcome.diagnostics);
    // schema.cfr is included, so it is not a unit of its own.
    assert_eq!(outcome.units.len(), 1);
    assert_eq!(outcome.units[0].files.len(), 2);
    assert_eq!(outcome.units[0].model.rules.len(), 1);
}

#[test]
fn a_shared_schema_is_unused_only_if_no_unit_uses_it() {
    let (outcome, _dir) = check(&[
        (
            "schema.cfr",
            "zone north\nzone south\nzone east\nevent strike { zone: zone }\nphase p = from 2025-01-19 for 42d\n",
        ),
        (
            "a.cfr",
            "include \"schema.cfr\"\nrule a { no strike in zone north during p }\n",
        ),
        (
            "b.cfr",
            "include \"schema.cfr\"\nrule b { no strike in zone south during p }\n",
        ),
    ]);
    assert_eq!(codes(&outcome), [Code::UnusedDeclaration]);
    assert!(outcome.diagnostics[0].message.contains("`east`"));
}

#[test]
fn a_diamond_of_includes_is_not_a_cycle() {
    let (outcome, _dir) = check(&[
        ("base.cfr", "event strike\nphase p = from 2025-01-19 for 42d\n"),
        ("left.cfr", "include \"base.cfr\"\n"),
        ("right.cfr", "include \"base.cfr\"\n"),
        (
            "top.cfr",
            "include \"left.cfr\"\ninclude \"right.cfr\"\nrule r { no strike during p }\n",
        ),
    ]);
    assert!(outcome.diagnostics.is_empty(), "{:#?}", outcome.diagnostics);
    assert_eq!(outcome.units.len(), 1);
}

#[test]
fn a_long_include_chain_is_fine() {
    let mut files: Vec<(String, String)> = (0..1000)
        .map(|i| (format!("f{i:04}.cfr"), format!("include \"f{:04}.cfr\"\n", i + 1)))
        .collect();
    files.push((
        "f1000.cfr".into(),
        "event strike\nrule r { no strike before 2025-01-01 }\n".into(),
    ));
    let files: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let (outcome, _dir) = check(&files);
    assert!(outcome.diagnostics.is_empty(), "{:#?}", outcome.diagnostics.first());
    assert_eq!(outcome.units.len(), 1);
    assert_eq!(outcome.units[0].files.len(), 1001);
}

#[test]
fn an_include_of_a_device_is_refused() {
    // By its name, before it is opened (behind a `.cfr` link: CF0103, in `hostile`).
    let (outcome, _dir) = check(&[("a.cfr", "include \"/dev/zero\"\n")]);
    assert_eq!(codes(&outcome), [Code::IncludeNotRuleFile]);
}

#[test]
fn a_syntax_error_does_not_hold_back_the_other_items_checks() {
    // Every mistake in one pass (issue 17): the broken `zone` line and the
    // undeclared kind of the rule that parses.
    let (outcome, _dir) = check(&[("a.cfr", "rule r { relase occurs by 2025-02-01 }\nzone\n")]);
    assert_eq!(codes(&outcome), [Code::UndeclaredKind, Code::SyntaxError]);
    assert!(outcome.units[0].has_errors);
}

#[test]
fn every_error_of_a_rule_is_reported_not_just_the_first() {
    let (outcome, _dir) = check(&[(
        "a.cfr",
        "zone north\nevent drawdown { zone: zone }\nrule r { relase precedes drawdown in zone nort within 1h }\n",
    )]);
    assert_eq!(codes(&outcome), [Code::UndeclaredKind, Code::UndeclaredZone]);
}

#[test]
fn undeclared_fields_point_at_the_kind_that_has_them() {
    let (outcome, _dir) = check(&[(
        "a.cfr",
        "event release { hostages: int }\nevent detainee_release { detainees: int }\nphase p = from 2025-01-19 for 1d\nrule r { sum(hostages of detainee_release) >= 1 during p }\n",
    )]);
    let d = &outcome.diagnostics[0];
    assert_eq!(d.code, Code::UndeclaredField);
    assert_eq!(d.help.as_deref(), Some("`hostages` is a field of `release`"));
    assert_eq!(d.secondary.len(), 1);
}

#[test]
fn the_same_file_twice_is_checked_once() {
    let dir = folder(&[("a.cfr", "zone north\n")]);
    let mut workspace = Workspace::new();
    let a = dir.path().join("a.cfr");
    let outcome = check_paths(&mut workspace, &[a.clone(), a, dir.path().to_path_buf()]);
    assert_eq!(outcome.units.len(), 1);
    assert_eq!(codes(&outcome), [Code::UnusedDeclaration]);
}

#[test]
fn odd_files_give_diagnostics_not_panics() {
    let dir = tempfile::tempdir().expect("dir");
    let empty = dir.path().join("empty.cfr");
    std::fs::write(&empty, "").expect("write");
    let binary = dir.path().join("binary.cfr");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x80, b'\n', 0xc3]).expect("write");
    let big = dir.path().join("big.cfr");
    let rule = "rule r0 { no strike during p }\n";
    let mut text = String::from("event strike\nphase p = from 2025-01-19 for 1d\n");
    let mut i = 0;
    while text.len() < 10 * 1024 * 1024 {
        text.push_str(&rule.replace("r0", &format!("r{i}")));
        i += 1;
    }
    std::fs::write(&big, &text).expect("write");
    let mut workspace = Workspace::new();
    let outcome = check_paths(&mut workspace, &[empty, binary, big]);
    assert_eq!(codes(&outcome), [Code::InvalidUtf8]);
    assert_eq!(outcome.units.len(), 3);
    assert_eq!(outcome.units[2].model.rules.len(), i);
}

#[test]
fn files_over_the_size_limit_are_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let huge = dir.path().join("huge.cfr");
    let file = std::fs::File::create(&huge).expect("create");
    // A sparse file: no need to write 16 MiB.
    file.set_len(ceasefire::check::MAX_FILE_BYTES + 1).expect("grow");
    let mut workspace = Workspace::new();
    let outcome = check_paths(&mut workspace, &[huge]);
    assert_eq!(outcome.run_errors.len(), 1);
    assert_eq!(outcome.run_errors[0].code, Code::FileTooLarge);
    assert!(
        outcome.run_errors[0].message.contains("16777217 bytes"),
        "{}",
        outcome.run_errors[0].message
    );
    // Included, it is CF0004 at the `include`.
    std::fs::write(dir.path().join("main.cfr"), "include \"huge.cfr\"\n").expect("file");
    let mut workspace = Workspace::new();
    let outcome = check_paths(&mut workspace, &[dir.path().join("main.cfr")]);
    let codes: Vec<Code> = outcome.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, [Code::FileTooLarge], "{:?}", outcome.diagnostics);
}

#[test]
fn windows_known_to_be_empty_or_reversed() {
    let (outcome, _dir) = check(&[(
        "a.cfr",
        "event strike\nevent truce\nphase p = from first truce for 2d\nphase q = from end of p - 1d until start of p + 1d\n\
         rule r { no strike during q }\n\
         rule s { no strike between end of p and first truce + 1d }\n",
    )]);
    assert_eq!(codes(&outcome), [Code::EmptyWindow, Code::ReversedWindow]);
}

#[test]
fn a_variable_used_in_a_pattern_with_an_error_is_not_reported_unused() {
    let (outcome, _dir) = check(&[(
        "a.cfr",
        "event release { batch: int }\nrule r { for each n in 1..6: relase batch n occurs by 2025-02-01 }\n",
    )]);
    assert_eq!(codes(&outcome), [Code::UndeclaredKind]);
}
