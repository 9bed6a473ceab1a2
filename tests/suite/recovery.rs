//! Every mistake in one pass (issue 17): after a syntax error the parser
//! resumes at the next declaration, the items that parse are checked, and a
//! broken item causes no errors elsewhere.

use super::{folder, run};

fn check(text: &str) -> (i32, String) {
    let dir = folder(&[("rules.cfr", text)]);
    let (code, out, err) = run(dir.path(), &["check", "rules.cfr", "--format", "json"]);
    (code, format!("{out}{err}"))
}

fn codes(output: &str) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_str(output).unwrap_or_else(|_| panic!("{output}"));
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn one_run_reports_every_broken_item_and_the_mistakes_of_the_others() {
    // Three broken items (a zone, an event, a rule) and two rules that
    // parse, one of them with a kind and a zone that are not declared.
    let text = "zone north \"North\"\nzone south south\n\
        event strike { zone zone }\n\
        event shelling { zone: zone }\n\
        rule broken { no shelling during }\n\
        rule typo { no shellin in zone nort after 2025-01-01 }\n\
        rule fine { no shelling in zone north after 2025-01-01 }\n";
    let (code, output) = check(text);
    assert_eq!(code, 1, "errors in the rule file: {output}");
    assert_eq!(
        codes(&output),
        ["CF0001", "CF0001", "CF0001", "CF0201", "CF0203"],
        "{output}"
    );
}

#[test]
fn a_broken_declaration_causes_no_errors_elsewhere() {
    // `strike` and `south` are declared by broken items: the rules that use
    // them get no "undeclared" errors, and the test naming `broken` none.
    let text = "zone south south\nevent strike { zone zone }\n\
        rule uses { no strike in zone south after 2025-01-01 }\n\
        rule broken { no strike during }\n\
        test \"t\" {\n  expect broken violated\n}\n";
    let (_, output) = check(text);
    assert_eq!(codes(&output), ["CF0001", "CF0001", "CF0001"], "{output}");
}

#[test]
fn an_unclosed_rule_is_reported_at_its_brace_naming_it() {
    let text =
        "event strike\nrule quiet {\n  no strike after 2025-01-01\n\nrule calm {\n  no strikes after 2025-02-01\n}\n";
    let (_, output) = check(text);
    let report: serde_json::Value = serde_json::from_str(&output).expect("json");
    let first = &report["diagnostics"][0];
    assert_eq!(first["code"], "CF0013", "{output}");
    assert!(
        first["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("rule `quiet` is not closed"),
        "{output}"
    );
    assert_eq!(first["line"], 2, "{output}");
    // The next rule is checked: its undeclared kind is reported too.
    assert_eq!(codes(&output), ["CF0013", "CF0201"], "{output}");
}

#[test]
fn a_file_with_n_broken_items_reports_n_errors() {
    for n in [1usize, 5, 12] {
        let mut text = String::from("event strike\n");
        for i in 0..n {
            text.push_str(&format!(
                "rule r{i} {{ no strike during }}\nrule ok{i} {{ no strike after 2025-01-01 }}\n"
            ));
        }
        let (_, output) = check(&text);
        assert_eq!(codes(&output).len(), n, "{output}");
    }
}

#[test]
fn each_common_slip_in_one_file_is_one_error_in_words() {
    // One item per slip of docs/errors/CF0001.md; each is its own error,
    // said in words, and none hides the next.
    let text = "event release { batch: int }\nevent drawdown\n\
        rule a { release precedes within 72h }\n\
        rule b { no release between 2025-01-01T00:00Z 2025-02-01T00:00Z }\n\
        rule c { title \"only a title: a rule without a form\" }\n\
        rule d {\n  evry release is followed by drawdown within 72h\n}\n\
        rule e { no release where batch in (1, 2) after 2025-01-01T00:00Z }\n\
        rule f { every release is followed by drawdown }\n\
        rule g { at least release per 1d }\n\
        rule h { no release during 2025-01-01T00:00Z }\n";
    let (_, output) = check(text);
    let report: serde_json::Value = serde_json::from_str(&output).expect("json");
    let messages: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["message"].as_str().unwrap_or(""))
        .collect();
    let expected = [
        "expected an event kind after `precedes`, found `within`",
        "expected `and` between the two times of `between`",
        "rule `c` has nothing to check",
        "`evry` does not start a rule body; did you mean `every`?",
        "expected `[`, found `(`",
        "expected `within`, found `}`",
        "expected a whole number, found `release`",
        "expected a phase name after `during`",
    ];
    assert_eq!(messages.len(), expected.len(), "{output}");
    for (message, start) in messages.iter().zip(expected) {
        assert!(message.starts_with(start), "{message:?} should start with {start:?}");
    }
}

/// Warnings that earn their place (issue 17): unused zones declared for a
/// dataset are one warning, and warnings can be allowed or denied by code.
#[test]
fn unused_declarations_are_one_warning_and_can_be_allowed_or_denied() {
    let rules = "zone a\nzone b\nzone c\nevent strike { zone: zone }\nevent unused\n\
        rule r { no strike after 2025-01-01 }\n";
    let dir = folder(&[("rules.cfr", rules)]);
    let (code, out, _) = run(dir.path(), &["check", "rules.cfr", "--format", "json"]);
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    let messages: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["message"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        messages,
        [
            "3 zones are declared but no rule uses them: `a`, `b`, `c`",
            "event `unused` is declared but no rule uses it"
        ]
    );
    let (code, out, _) = run(dir.path(), &["check", "rules.cfr", "--allow", "CF0701"]);
    assert_eq!(code, 0);
    assert!(out.contains("no problems"), "{out}");
    let (code, _, _) = run(dir.path(), &["check", "rules.cfr", "--deny", "cf0701"]);
    assert_eq!(code, 1, "a denied warning is an error");
    for (option, why) in [
        ("CF0001", "is an error, not a warning"),
        ("CF7777", "there is no diagnostic code"),
    ] {
        let (code, _, err) = run(dir.path(), &["check", "rules.cfr", "--allow", option]);
        assert_eq!(code, 2);
        assert!(err.contains("CF0904") && err.contains(why), "{err}");
    }
}

#[test]
fn verify_allows_and_denies_log_warnings_by_code() {
    let rules = "event strike\nrule r { no strike after 2030-01-01 }\n";
    // Out of time order: CF1105.
    let log = "{\"time\": \"2025-01-02T00:00Z\", \"kind\": \"strike\"}\n{\"time\": \"2025-01-01T00:00Z\", \"kind\": \"strike\"}\n";
    let dir = folder(&[("rules.cfr", rules), ("log.jsonl", log)]);
    let args = ["verify", "rules.cfr", "--log", "log.jsonl", "--format", "json"];
    let warnings = |extra: &[&str]| {
        let mut all = args.to_vec();
        all.extend_from_slice(extra);
        let (code, out, err) = run(dir.path(), &all);
        let report: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{err}"));
        let codes: Vec<String> = report["warnings"]
            .as_array()
            .expect("warnings")
            .iter()
            .map(|w| w["code"].as_str().unwrap_or("").to_string())
            .collect();
        (code, codes)
    };
    // Out of order is a fact of the report, not a warning, unless the logs
    // are expected sorted.
    assert_eq!(warnings(&[]), (0, vec![]));
    let (_, out, _) = run(dir.path(), &args);
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(report["log"]["out_of_order"], 1);
    let (_, human, _) = run(dir.path(), &["verify", "rules.cfr", "--log", "log.jsonl"]);
    assert!(
        human.contains("1 record earlier than the record before them"),
        "{human}"
    );
    assert_eq!(warnings(&["--expect-sorted"]), (0, vec!["CF1105".to_string()]));
    assert_eq!(warnings(&["--expect-sorted", "--allow", "CF1105"]), (0, vec![]));
    assert_eq!(
        warnings(&["--expect-sorted", "--deny", "CF1105"]),
        (1, vec!["CF1105".to_string()])
    );
    assert_eq!(
        warnings(&["--expect-sorted", "--deny-warnings"]),
        (1, vec!["CF1105".to_string()])
    );
    assert_eq!(warnings(&["--deny-warnings"]), (0, vec![]), "a fact is no warning");
}

#[test]
fn a_rule_file_can_allow_warnings_for_itself_and_its_logs() {
    let rules = "zone a\nzone b\nevent strike { zone: zone }\nallow cf0701, CF1103\n\
        rule r { no strike after 2025-01-01 }\n";
    let log = "{\"time\": \"2025-01-02T00:00Z\", \"kind\": \"strike\", \"zone\": \"c\"}\n";
    let dir = folder(&[("rules.cfr", rules), ("log.jsonl", log)]);
    let (code, out, _) = run(dir.path(), &["check", "rules.cfr"]);
    assert_eq!(code, 0);
    assert!(out.contains("no problems"), "{out}");
    let (_, out, err) = run(
        dir.path(),
        &["verify", "rules.cfr", "--log", "log.jsonl", "--format", "json"],
    );
    let report: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{err}"));
    assert_eq!(report["warnings"], serde_json::json!([]));
    // Without the declaration both warnings are back.
    let dir = folder(&[
        ("rules.cfr", &rules.replace("allow cf0701, CF1103\n", "")),
        ("log.jsonl", log),
    ]);
    let (_, out, _) = run(dir.path(), &["check", "rules.cfr", "--format", "json"]);
    assert!(out.contains("CF0701"), "{out}");
    let (_, out, _) = run(
        dir.path(),
        &["verify", "rules.cfr", "--log", "log.jsonl", "--format", "json"],
    );
    assert!(out.contains("CF1103"), "{out}");
}

#[test]
fn a_rule_file_can_deny_warnings_making_them_errors() {
    let rules = "zone a\nzone b\nevent strike { zone: zone }\ndeny cf0701\nrule r { no strike after 2025-01-01 }\n";
    let dir = folder(&[("rules.cfr", rules)]);
    let (code, out, _) = run(dir.path(), &["check", "rules.cfr", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("\"severity\": \"error\""), "{out}");
    let rules = "zone a\nevent strike { zone: zone }\ndeny CF1103\nrule r { no strike in zone a after 2025-01-01 }\n";
    let log = "{\"time\": \"2025-01-02T00:00Z\", \"kind\": \"strike\", \"zone\": \"c\"}\n";
    let dir = folder(&[("rules.cfr", rules), ("log.jsonl", log)]);
    let (code, _, _) = run(dir.path(), &["verify", "rules.cfr", "--log", "log.jsonl"]);
    assert_eq!(code, 1, "a denied log warning");
}
