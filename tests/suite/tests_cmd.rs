//! `ceasefire test`: test blocks run with the real engine.

use super::{ceasefire_cmd, folder, root};

const PASSING: &str = "event truce\nevent strike\nphase p = from truce for 1d\n\
rule quiet {\n  no strike during p\n}\n\n\
test \"quiet\" {\n  as of 2025-01-03\n  log {\n    2025-01-01T00:00Z truce\n  }\n  expect quiet satisfied\n}\n";

#[test]
fn passing_tests_exit_0_with_a_summary() {
    let dir = folder(&[("a.cfr", PASSING)]);
    ceasefire_cmd()
        .current_dir(dir.path())
        .args(["test", "a.cfr"])
        .assert()
        .code(0)
        .stdout("test a.cfr:8 \"quiet\" ... ok\n\n1 passed, 0 failed\n");
}

#[test]
fn a_failure_shows_the_expectation_the_verdict_its_reason_and_evidence() {
    let output = ceasefire_cmd()
        .current_dir(root().join("tests/fixtures/tests"))
        .args(["test", "failing.cfr"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).expect("utf-8");
    insta::with_settings!({ snapshot_path => "../snapshots/tests", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("failing", text);
    });
}

#[test]
fn junit_has_a_case_per_test_and_a_failure_per_broken_expectation() {
    let output = ceasefire_cmd()
        .current_dir(root().join("tests/fixtures/tests"))
        .args(["test", "failing.cfr", "--format", "junit"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).expect("utf-8");
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"ceasefire test\" tests=\"2\" failures=\"1\">"), "{text}");
    assert_eq!(text.matches("<testcase ").count(), 2);
    assert_eq!(text.matches("<failure ").count(), 1);
    assert!(
        text.contains(
            "<failure message=\"rule quiet is violated, expected satisfied\" type=\"violated\">failing.cfr:18:3: "
        ),
        "{text}"
    );
}

#[test]
fn log_lines_are_checked_like_rule_files() {
    let broken = PASSING.replace(
        "2025-01-01T00:00Z truce",
        "2025-01-01T00:00Z truce\n    2025-01-01T01:00Z strik",
    );
    let dir = folder(&[("a.cfr", &broken)]);
    let output = ceasefire_cmd()
        .current_dir(dir.path())
        .args(["test", "a.cfr"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(
        errors.contains("CF0201") && errors.contains("did you mean `strike`"),
        "{errors}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn every_verdict_can_be_expected() {
    let text = "event truce\nevent strike\nevent talks\nphase p = from truce for 1d\n\
        rule quiet { no strike during p }\nrule talks_soon { talks occurs within 2d after truce }\n\
        test \"each verdict\" {\n  as of 2025-01-02\n  log {\n    2025-01-01T00:00Z truce\n    2025-01-01T05:00Z strike\n  }\n\
        expect quiet violated\n  expect talks_soon pending\n}\n\
        test \"before the truce\" {\n  as of 2024-12-01\n  log {\n    2025-01-01T00:00Z truce\n  }\n  expect quiet vacuous\n}\n\
        test \"talks in time\" {\n  log {\n    2025-01-01T00:00Z truce\n    2025-01-02T00:00Z talks\n  }\n  expect talks_soon satisfied\n  expect quiet satisfied\n}\n";
    let dir = folder(&[("a.cfr", text)]);
    let output = ceasefire_cmd()
        .current_dir(dir.path())
        .args(["test", "a.cfr"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.ends_with("3 passed, 0 failed\n"), "{stdout}");
}

#[test]
fn the_shipped_rules_pass_their_tests() {
    let output = ceasefire_cmd()
        .current_dir(root())
        .args(["test", "rules"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.ends_with(" 0 failed\n"), "{stdout}");
}

#[test]
fn every_shipped_rule_has_a_ref_and_a_test() {
    let mut workspace = ceasefire::check::Workspace::new();
    let outcome = ceasefire::check::check_paths(&mut workspace, &[root().join("rules")]);
    assert!(outcome.units.len() >= 4, "the rule library has its four agreements");
    for unit in &outcome.units {
        let model = &unit.model;
        for (i, rule) in model.rules.iter().enumerate() {
            assert!(rule.reference.is_some(), "rule `{}` has no ref", rule.id);
            let tested = model.tests.iter().any(|t| t.expects.iter().any(|e| e.rule == i));
            assert!(tested, "rule `{}` is named by no test", rule.id);
        }
    }
}

/// A rule within the static instance limit that passes it once the test's
/// log gives its `for each … of` values was judged as having no result, and
/// the test passed with zero expectations checked.
#[test]
fn a_test_whose_rule_has_too_many_instances_from_its_log_fails_and_says_why() {
    let rules = "event release { batch: int }\nevent strike\n\
rule wide {\n  for each n in 1..1000:\n    for each m in 1..1000:\n      for each b of release.batch:\n        no strike after 2025-01-01\n}\n\n\
test \"two batches\" {\n  log {\n    2025-01-02T00:00Z release batch 1\n    2025-01-02T01:00Z release batch 2\n  }\n  expect wide satisfied\n}\n";
    let dir = folder(&[("a.cfr", rules)]);
    let output = ceasefire_cmd()
        .current_dir(dir.path())
        .args(["test", "a.cfr", "--color", "never"])
        .output()
        .expect("run");
    let text = String::from_utf8(output.stdout).expect("utf-8");
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("test a.cfr:10 \"two batches\" ... FAILED"), "{text}");
    assert!(text.contains("could not be judged"), "{text}");
    assert!(
        text.contains("rule `wide` would have 2000000 instances from the values in the log; the limit is 1000000"),
        "{text}"
    );
    assert!(text.ends_with("0 passed, 1 failed\n"), "{text}");
    let junit = ceasefire_cmd()
        .current_dir(dir.path())
        .args(["test", "a.cfr", "--format", "junit"])
        .output()
        .expect("run");
    let xml = String::from_utf8(junit.stdout).expect("utf-8");
    assert!(
        xml.contains("<error message=\"the rules could not be judged\" type=\"CF0306\">a.cfr:3:6: "),
        "{xml}"
    );
}
