//! Hostile input: each case ends with a clear diagnostic (or a correct
//! report), never a panic, a hang or an unbounded output.

use super::{folder, run};
use std::io::Write;

const RULES: &str = "zone north\n\
    event release { batch: int, hostages: int, share: number }\n\
    event talks\n\
    event strike { zone: zone, notes: text }\n\
    rule answered { every release is followed by talks within 1h }\n\
    rule prepared { every release is preceded by talks within 1h }\n\
    rule quiet { every strike is followed by no release within 1h }\n\
    rule calm { every talks is preceded by no strike within 1h }\n\
    rule rate { at most 10 strike per 1h after 2025-01-01 }\n\
    rule order { release precedes talks within 1h }\n\
    rule zones { for each zone z: no strike in zone z after 2025-01-01 }\n\
    rule total { sum(hostages of release) + sum(share of release) >= 0 after 2025-01-01 }\n";

#[test]
fn nesting_100_000_levels_deep_is_cf0002() {
    let deep = format!(
        "event release {{ batch: int }}\nrule r {{ no release where {}batch = 1{} after 2025-01-01 }}\n",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    let sums = format!(
        "event release {{ batch: int }}\nrule r {{ count(release) >= {}1{} after 2025-01-01 }}\n",
        "(".repeat(100_000),
        ")".repeat(100_000)
    );
    let nots = format!(
        "event release {{ batch: int }}\nrule r {{ no release where {}batch = 1 after 2025-01-01 }}\n",
        "not ".repeat(100_000)
    );
    let dir = folder(&[("deep.cfr", &deep), ("sums.cfr", &sums), ("nots.cfr", &nots)]);
    for file in ["deep.cfr", "sums.cfr", "nots.cfr"] {
        let (code, stdout, _) = run(dir.path(), &["check", file]);
        assert_eq!(code, 1, "{stdout}");
        assert!(stdout.contains("CF0002"), "{file}: {stdout}");
        assert!(stdout.contains("nested more than 64 levels deep"), "{file}: {stdout}");
        // fmt refuses it with the same diagnostic instead of overflowing its stack.
        let (code, _, stderr) = run(dir.path(), &["fmt", "--check", file]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("CF0002"), "{file}: {stderr}");
    }
}

#[test]
fn a_log_record_nested_100_000_deep_is_reported() {
    let nested = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    // Nested values are not fields (LOG.md): the record is judged without
    // it, and the value is reported.
    let log = format!(
        "{{\"time\":\"2025-01-01T00:00:00Z\",\"kind\":\"strike\",\"zone\":\"north\",\"notes\":{nested},\"extra\":{nested}}}\n"
    );
    let dir = folder(&[("rules.cfr", RULES), ("log.jsonl", &log)]);
    let (code, stdout, stderr) = run(dir.path(), &["verify", "rules.cfr", "--log", "log.jsonl"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stdout.matches("CF1107").count(), 2, "{stdout}");
    assert!(stdout.contains("`notes`") && stdout.contains("`extra`"), "{stdout}");
    assert!(stdout.contains("1 observations judged of 1 records"), "{stdout}");
    assert!(stdout.len() < 20_000, "{} bytes", stdout.len());
}

#[test]
fn numbers_durations_and_arithmetic_that_overflow() {
    let rules = "zone north\nevent release { batch: int }\nevent talks\n\
        phase p = from 2025-01-01 for 99999999999999999999d\n\
        rule a { release batch 99999999999999999999 precedes talks }\n\
        rule b { talks occurs within 100000000d after 2025-01-01 }\n\
        rule c { release precedes talks within 9223372036854775807s }\n\
        rule d { release batch -99999999999999999999 precedes talks }\n";
    let ranges = "event release { batch: int }\n\
        rule c { for each b in -9223372036854775808..9223372036854775807: release batch b occurs by 2025-02-01 }\n";
    let anchors = "event release { batch: int }\n\
        phase late = from 9999-12-31 for 36500d\n\
        phase early = from 0001-01-01T00:00:00Z - 36500d for 1d\n\
        rule a { no release during late }\n\
        rule b { no release during early }\n\
        rule c { release occurs by 9999-12-31T23:59:59Z + 1d }\n\
        rule d { count(release) * 9223372036854775807 * 1000000000 >= 1 after 2025-01-01 }\n\
        rule e { sum(batch of release) - 9223372036854775807 - 9223372036854775807 < 0 after 2025-01-01 }\n";
    let cubed = "event release { batch: int }\n\
        rule d { count(release) * 9223372036854775807 * 9223372036854775807 * 9223372036854775807 >= 1 after 2025-01-01 }\n";
    let dir = folder(&[
        ("rules.cfr", rules),
        ("ranges.cfr", ranges),
        ("anchors.cfr", anchors),
        ("cubed.cfr", cubed),
    ]);
    let (code, stdout, _) = run(dir.path(), &["check", "rules.cfr"]);
    assert_eq!(code, 1);
    assert_eq!(stdout.matches("CF0007").count(), 3, "{stdout}");
    assert_eq!(stdout.matches("CF0009").count(), 2, "{stdout}");
    assert!(stdout.contains("durations go up to 100,000 years"), "{stdout}");
    assert!(stdout.contains("whole numbers go from -9223372036854775808 to 9223372036854775807"));
    let (code, stdout, _) = run(dir.path(), &["check", "ranges.cfr"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("CF0306"), "{stdout}");
    assert!(stdout.contains("has 18446744073709551616 values"), "{stdout}");
    // Anchors beyond the representable times saturate; the rules are judged.
    let log = "{\"time\":\"9999-12-31T23:00:00Z\",\"kind\":\"release\",\"batch\":1}\n";
    std::fs::write(dir.path().join("log.jsonl"), log).expect("log");
    let (code, stdout, stderr) = run(
        dir.path(),
        &["verify", "anchors.cfr", "--log", "log.jsonl", "--format", "json"],
    );
    assert_eq!(code, 1, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(report["summary"]["violated"], 1, "{stdout}");
    // Arithmetic past 64-bit integers is exact: no wrap-around, no rounding.
    let verdict = |id: &str| {
        let rule = report["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap();
        rule["verdict"].as_str().unwrap().to_string()
    };
    assert_eq!(verdict("d"), "pending");
    assert_eq!(verdict("e"), "pending");
    assert!(stdout.contains(" was 9223372036854775807000000000;"), "{stdout}");
    assert!(stdout.contains(" was -18446744073709551613;"), "{stdout}");
    // Past the range of exact numbers (2⁶³ cubed), the rule is not judged
    // on a rounded value: the run stops, naming it.
    let (code, _, stderr) = run(dir.path(), &["verify", "cubed.cfr", "--log", "log.jsonl"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("CF0912") && stderr.contains("rule `d`"), "{stderr}");
    // Times past year 9999, derived from an anchor and a duration, are
    // written in ISO 8601's expanded form.
    assert!(stdout.contains("and +10099-12-06T00:00:00Z"), "{stdout}");
}

#[test]
fn log_values_that_overflow_are_invalid_or_add_up_as_decimals() {
    let log = "{\"time\":\"2025-01-01T00:00:00Z\",\"kind\":\"release\",\"batch\":99999999999999999999}\n\
        {\"time\":\"2025-01-01T00:00:00Z\",\"kind\":\"release\",\"batch\":-9223372036854775809}\n\
        {\"time\":\"2025-01-01T00:00:00Z\",\"kind\":\"release\",\"share\":1e400}\n\
        {\"time\":\"2025-01-01T00:00:00Z\",\"kind\":\"release\",\"hostages\":9223372036854775807,\"share\":0.0000001}\n\
        {\"time\":\"2025-01-01T00:00:01Z\",\"kind\":\"release\",\"hostages\":9223372036854775807,\"share\":1.5}\n";
    let tiny = log.replace("0.0000001", "0.000000000000000000000000001");
    let dir = folder(&[("rules.cfr", RULES), ("log.jsonl", log), ("tiny.jsonl", &tiny)]);
    let (code, _, stderr) = run(dir.path(), &["verify", "rules.cfr", "--log", "log.jsonl"]);
    assert_eq!(code, 2);
    assert_eq!(stderr.matches("CF1008").count(), 2, "{stderr}");
    assert!(
        stderr.contains("CF1001") && stderr.contains("number out of range"),
        "{stderr}"
    );
    assert!(stderr.contains("log.jsonl:3:"), "{stderr}");
    assert!(stderr.contains("3 invalid records of 5"), "{stderr}");
    // Two maximal integers and two decimals far apart in size add up
    // exactly: no wrapping round, no rounding away of the small one.
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "verify",
            "rules.cfr",
            "--log",
            "log.jsonl",
            "--skip-invalid",
            "--rule",
            "total",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(!stdout.contains("inf"), "{stdout}");
    let (_, json, _) = run(
        dir.path(),
        &[
            "verify",
            "rules.cfr",
            "--log",
            "log.jsonl",
            "--skip-invalid",
            "--format",
            "json",
        ],
    );
    serde_json::from_str::<serde_json::Value>(&json).expect("the JSON report stays JSON");
    // With 10⁻²⁷ for 10⁻⁷, the exact sum needs 48
    // significant digits: past the range, an error rather than a rounding.
    assert!(json.contains("was 18446744073709551615.5000001"), "{json}");
    let (code, _, stderr) = run(
        dir.path(),
        &["verify", "rules.cfr", "--log", "tiny.jsonl", "--skip-invalid"],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("CF0912") && stderr.contains("rule `total`"), "{stderr}");
}

#[test]
fn timestamps_out_of_range_in_rules_and_logs() {
    let rules = "event talks\nrule a { no talks between 0000-01-01 and 99999-01-01 }\n";
    let log = "{\"time\":\"0000-01-01T00:00:00Z\",\"kind\":\"talks\"}\n\
        {\"time\":\"99999-01-01T00:00:00Z\",\"kind\":\"talks\"}\n\
        {\"time\":\"+99999-01-01T00:00:00Z\",\"kind\":\"talks\"}\n\
        {\"time\":\"9999-12-31T23:59:59-23:59\",\"kind\":\"talks\"}\n\
        {\"time\":\"0001-01-01T00:00:00+00:01\",\"kind\":\"talks\"}\n\
        {\"time\":\"9999-12-31T23:59:59Z\",\"kind\":\"talks\"}\n";
    let csv = "time,kind\n0000-01-01,talks\n99999-01-01,talks\n0001-01-01,talks\n";
    let dir = folder(&[
        ("rules.cfr", rules),
        ("ok.cfr", RULES),
        ("log.jsonl", log),
        ("log.csv", csv),
    ]);
    let (code, stdout, _) = run(dir.path(), &["check", "rules.cfr"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("the year 0 is out of range (1 to 9999)"), "{stdout}");
    assert!(
        stdout.contains("the year 99999 is out of range (1 to 9999)"),
        "{stdout}"
    );
    let (code, _, stderr) = run(dir.path(), &["verify", "ok.cfr", "--log", "log.jsonl"]);
    assert_eq!(code, 2);
    assert_eq!(stderr.matches("CF1004").count(), 5, "{stderr}");
    assert!(stderr.contains("in UTC it falls in the year 10000"), "{stderr}");
    assert!(stderr.contains("in UTC it falls in the year 0"), "{stderr}");
    assert!(stderr.contains("5 invalid records of 6"), "{stderr}");
    let (code, _, stderr) = run(dir.path(), &["verify", "ok.cfr", "--log", "log.csv"]);
    assert_eq!(code, 2);
    assert_eq!(stderr.matches("CF1004").count(), 2, "{stderr}");
}

#[test]
fn invalid_utf8_in_rule_files_and_logs() {
    let dir = folder(&[("rules.cfr", RULES)]);
    std::fs::write(dir.path().join("bad.cfr"), b"zone north\nzone caf\xe9\n").expect("file");
    let (code, stdout, _) = run(dir.path(), &["check", "bad.cfr"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("CF0003") && stdout.contains("bad.cfr:2:9"), "{stdout}");
    let (code, _, stderr) = run(dir.path(), &["fmt", "--check", "bad.cfr"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("CF0003"), "{stderr}");

    let mut jsonl = b"{\"time\":\"2025-01-01T00:00:00Z\",\"kind\":\"talks\"}\n".to_vec();
    jsonl.extend_from_slice(
        b"{\"time\":\"2025-01-01T00:00:00Z\",\"kind\":\"strike\",\"zone\":\"north\",\"notes\":\"\xff\xfe\"}\n",
    );
    std::fs::write(dir.path().join("log.jsonl"), &jsonl).expect("log");
    let mut csv = b"time,kind,zone,notes\n2025-01-01T00:00:00Z,talks,,\n".to_vec();
    csv.extend_from_slice(b"2025-01-01T00:00:00Z,strike,north,\xc3\x28\n");
    std::fs::write(dir.path().join("log.csv"), &csv).expect("log");
    for (log, line) in [("log.jsonl", 2), ("log.csv", 3)] {
        let (code, _, stderr) = run(dir.path(), &["verify", "rules.cfr", "--log", log]);
        assert_eq!(code, 2, "{stderr}");
        assert!(
            stderr.contains("CF1009") && stderr.contains(&format!("{log}:{line}:")),
            "{stderr}"
        );
        let (code, stdout, _) = run(
            dir.path(),
            &[
                "verify",
                "rules.cfr",
                "--log",
                log,
                "--skip-invalid",
                "--format",
                "json",
            ],
        );
        assert_eq!(code, 1);
        let report: serde_json::Value = serde_json::from_str(&stdout).expect("json");
        assert_eq!(report["log"]["skipped_by_code"]["CF1009"], 1, "{stdout}");
    }
}

#[test]
fn a_100_mb_record_is_judged_and_shown_cut() {
    let dir = folder(&[("rules.cfr", RULES)]);
    let mut file = std::fs::File::create(dir.path().join("log.jsonl")).expect("log");
    writeln!(file, "{{\"time\":\"2025-01-01T00:00:00Z\",\"kind\":\"talks\"}}").expect("write");
    write!(
        file,
        "{{\"time\":\"2025-01-01T00:00:01Z\",\"kind\":\"strike\",\"zone\":\"north\",\"notes\":\""
    )
    .expect("write");
    let chunk = "x".repeat(1 << 20);
    for _ in 0..100 {
        file.write_all(chunk.as_bytes()).expect("write");
    }
    writeln!(file, "\"}}").expect("write");
    writeln!(
        file,
        "{{\"time\":\"2025-01-01T00:00:02Z\",\"kind\":\"release\",\"batch\":1}}"
    )
    .expect("write");
    drop(file);
    let (code, stdout, stderr) = run(dir.path(), &["verify", "rules.cfr", "--log", "log.jsonl"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("3 observations judged of 3 records"), "{stdout}");
    // The strike is evidence twice; each time only its beginning is shown.
    assert!(stdout.contains("xxxx…"), "{stdout}");
    assert!(stdout.len() < 100_000, "the report is {} bytes", stdout.len());
    // Reports to share cut long text values; the JSON report keeps them whole.
    for format in ["markdown", "html", "junit"] {
        let (_, report, _) = run(
            dir.path(),
            &["verify", "rules.cfr", "--log", "log.jsonl", "--format", format],
        );
        assert!(report.len() < 100_000, "the {format} report is {} bytes", report.len());
        assert!(report.contains("xxxx…"), "{format}");
    }

    // The same record, broken (never closed): one invalid record, shown cut.
    let mut bad = std::fs::read(dir.path().join("log.jsonl")).expect("log");
    let second = bad.iter().position(|&b| b == b'\n').expect("a line") + 1;
    let third = second + bad[second..].iter().position(|&b| b == b'\n').expect("a line");
    bad.drain(third - 2..third);
    std::fs::write(dir.path().join("bad.jsonl"), &bad).expect("log");
    let (code, _, stderr) = run(dir.path(), &["verify", "rules.cfr", "--log", "bad.jsonl"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("CF1001") && stderr.contains("bad.jsonl:2:"),
        "{}",
        &stderr[..2000.min(stderr.len())]
    );
    assert!(stderr.len() < 100_000, "{} bytes", stderr.len());
}

#[test]
fn csv_with_ragged_rows_and_quoted_fields_spanning_lines() {
    let csv = "time,kind,zone,notes\n\
        2025-01-01T00:00:00Z,talks,,\n\
        2025-01-01T00:10:00Z,strike,north,\"a note\nover three\nlines, with a comma\"\n\
        2025-01-01T00:20:00Z,strike,north\n\
        2025-01-01T00:30:00Z,strike,north,x,surplus\n\
        2025-01-01T00:40:00Z,strike,north,\"a \"\"quoted\"\" word\"\n\
        2025-01-01T00:50:00Z,talks,,\"never closed\n\
        2025-01-01T01:00:00Z,talks,,\n";
    let dir = folder(&[("rules.cfr", RULES), ("log.csv", csv)]);
    let (code, _, stderr) = run(dir.path(), &["verify", "rules.cfr", "--log", "log.csv"]);
    assert_eq!(code, 2, "{stderr}");
    // Line numbers count the lines inside the quoted field.
    assert!(stderr.contains("log.csv:6:"), "{stderr}");
    assert!(stderr.contains("log.csv:7:"), "{stderr}");
    assert!(stderr.contains("log.csv:9:"), "{stderr}");
    assert!(
        stderr.contains("the quoted cell opened here is never closed; it runs to the end of the file,")
            && stderr.contains("taking in the line after it"),
        "{stderr}"
    );
    let (_, stdout, _) = run(
        dir.path(),
        &[
            "verify",
            "rules.cfr",
            "--log",
            "log.csv",
            "--skip-invalid",
            "--format",
            "json",
        ],
    );
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let log = &report["log"];
    assert_eq!(
        log["observations"].as_u64().unwrap() + log["skipped"].as_u64().unwrap(),
        log["records"].as_u64().unwrap(),
        "{log}"
    );
    assert_eq!(log["skipped"], 3, "{log}");
    let lines: Vec<u64> = report["skipped_records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [6, 7, 9], "{stdout}");
}

#[test]
fn a_million_records_at_one_instant() {
    let dir = folder(&[("rules.cfr", RULES)]);
    let mut log = String::with_capacity(60_000_000);
    for i in 0..1_000_000 {
        log.push_str(match i % 3 {
            0 => "{\"time\":\"2025-01-01T00:00:00Z\",\"kind\":\"release\",\"batch\":1,\"hostages\":1}\n",
            1 => "{\"time\":\"2025-01-01T00:00:00Z\",\"kind\":\"talks\"}\n",
            _ => "{\"time\":\"2025-01-01T00:00:00Z\",\"kind\":\"strike\",\"zone\":\"north\"}\n",
        });
    }
    std::fs::write(dir.path().join("log.jsonl"), log).expect("log");
    let (code, stdout, stderr) = run(
        dir.path(),
        &["verify", "rules.cfr", "--log", "log.jsonl", "--format", "json"],
    );
    assert_eq!(code, 1, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(report["log"]["observations"], 1_000_000);
    let verdict = |id: &str| {
        report["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .map(|r| r["verdict"].as_str().unwrap().to_string())
            .unwrap()
    };
    // Same instant: "within" includes it, "no … within" is broken by it.
    assert_eq!(verdict("answered"), "satisfied");
    assert_eq!(verdict("prepared"), "satisfied");
    assert_eq!(verdict("quiet"), "violated");
    assert_eq!(verdict("calm"), "violated");
    assert_eq!(verdict("rate"), "pending");
    assert_eq!(verdict("order"), "satisfied");
    // Findings are listed up to a limit and counted beyond it.
    assert!(stdout.len() < 20_000_000, "{} bytes", stdout.len());
}

#[test]
fn an_include_chain_1000_files_long() {
    let mut files: Vec<(String, String)> = (0..1000)
        .map(|i| (format!("f{i}.cfr"), format!("include \"f{}.cfr\"\nzone z{i}\n", i + 1)))
        .collect();
    files[999].1 =
        "event truce { zone: zone }\nrule r { for each zone z: no truce in zone z after 2025-01-01 }\n".into();
    let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let dir = folder(&refs);
    let (code, stdout, _) = run(dir.path(), &["check", "f0.cfr"]);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(stdout, "checked 1000 files: no problems\n");
    // A cycle at the end of the chain is found and named.
    std::fs::write(dir.path().join("f999.cfr"), "include \"f0.cfr\"\n").expect("file");
    let (code, stdout, _) = run(dir.path(), &["check", "f0.cfr"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("CF0102"), "{}", &stdout[..2000.min(stdout.len())]);
}

#[test]
fn including_a_folder_or_a_device_is_cf0103() {
    let dir = folder(&[(
        "rules.cfr",
        "include \"sub.cfr\"\ninclude \"null.cfr\"\ninclude \"zero.cfr\"\nzone north\n",
    )]);
    std::fs::create_dir(dir.path().join("sub.cfr")).expect("folder");
    std::os::unix::fs::symlink("/dev/null", dir.path().join("null.cfr")).expect("link");
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.cfr")).expect("link");
    let (code, stdout, _) = run(dir.path(), &["check", "rules.cfr"]);
    assert_eq!(code, 1);
    assert_eq!(stdout.matches("CF0103").count(), 3, "{stdout}");
    assert!(
        stdout.contains("cannot include `sub.cfr`: it is a folder, not a file"),
        "{stdout}"
    );
    assert!(
        stdout.contains("cannot include `zero.cfr`: it is a device or special file"),
        "{stdout}"
    );
    assert!(stdout.contains("rules.cfr:3:9"), "{stdout}");
    // A device named on the command line, as a rule file or as a log.
    let (code, _, stderr) = run(dir.path(), &["check", "/dev/zero"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("CF0903"), "{stderr}");
    std::fs::write(dir.path().join("ok.cfr"), RULES).expect("file");
    let (code, _, stderr) = run(
        dir.path(),
        &["verify", "ok.cfr", "--log", "/dev/zero", "--log-format", "jsonl"],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("CF0903") && stderr.contains("not a file"), "{stderr}");
}

#[test]
fn distinct_warning_values_beyond_a_thousand_are_counted_together() {
    // 3,000 distinct undeclared zones, kinds and nested fields: the first
    // 1,000 of each are listed, the rest counted in one warning each.
    let mut log = String::new();
    for i in 0..3000 {
        log.push_str(&format!(
            "{{\"time\":\"2025-01-01T00:00:00Z\",\"kind\":\"strike\",\"zone\":\"z{i}\",\"n{i}\":[1]}}\n\
             {{\"time\":\"2025-01-01T00:00:00Z\",\"kind\":\"k{i}\"}}\n"
        ));
    }
    let dir = folder(&[("rules.cfr", RULES), ("log.jsonl", &log)]);
    let (_, stdout, stderr) = run(
        dir.path(),
        &["verify", "rules.cfr", "--log", "log.jsonl", "--format", "json"],
    );
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("{stderr}"));
    let warnings = report["warnings"].as_array().expect("warnings");
    let count = |code: &str| warnings.iter().filter(|w| w["code"] == code).count();
    // Undeclared zones are one warning naming the first of them (issue
    // 17), then the overflow.
    assert_eq!(count("CF1103"), 2);
    assert_eq!(count("CF1102"), 1001);
    assert_eq!(count("CF1107"), 1001);
    let more: Vec<&str> = warnings
        .iter()
        .filter_map(|w| w["message"].as_str())
        .filter(|m| m.starts_with("and 2000 more records"))
        .collect();
    assert_eq!(more.len(), 3, "{more:?}");
    assert!(
        more[0].contains("only the first 1000 distinct ones are listed"),
        "{more:?}"
    );
    let tallied: u64 = warnings
        .iter()
        .filter(|w| w["code"] == "CF1102")
        .map(|w| w["count"].as_u64().unwrap())
        .sum();
    assert_eq!(tallied, 3000, "every record is still counted");
    let zones: Vec<&serde_json::Value> = warnings.iter().filter(|w| w["code"] == "CF1103").collect();
    assert_eq!(zones.iter().map(|w| w["count"].as_u64().unwrap()).sum::<u64>(), 3000);
    let grouped = zones[0]["message"].as_str().unwrap_or("");
    assert!(
        grouped.starts_with("1000 zones in the log are not declared: `z0` (1 record)")
            && grouped.ends_with(" and 980 more"),
        "{grouped}"
    );
}

#[test]
fn a_for_each_of_with_more_values_than_the_limit_is_a_diagnostic() {
    // 1,001 distinct actors × 1,000 batches: over the 1,000,000 instances
    // a rule may have, known only once the log is read.
    let rules = "event strike { actor: text, batch: int }\n\
        rule r {\n  for each a of strike.actor:\n  for each b in 1..1000:\n    no strike where actor = a and batch = b after 2025-01-01\n}\n";
    let mut log = String::new();
    for i in 0..1001 {
        log.push_str(&format!(
            "{{\"time\":\"2025-01-01T00:00:00Z\",\"kind\":\"strike\",\"actor\":\"a{i}\"}}\n"
        ));
    }
    let dir = folder(&[("rules.cfr", rules), ("log.jsonl", &log)]);
    let (code, stdout, stderr) = run(dir.path(), &["verify", "rules.cfr", "--log", "log.jsonl"]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains("CF0306"), "{stderr}");
    assert!(
        stderr.contains("rule `r` would have 1001000 instances from the values in the log; the limit is 1000000"),
        "{stderr}"
    );
    assert!(stderr.contains("rules.cfr:2:6"), "{stderr}");
    // Fewer actors fit.
    let fits: String = log.lines().take(10).map(|l| format!("{l}\n")).collect();
    std::fs::write(dir.path().join("log.jsonl"), fits).expect("log");
    let (code, _, stderr) = run(
        dir.path(),
        &[
            "verify",
            "rules.cfr",
            "--log",
            "log.jsonl",
            "--format",
            "json",
            "-o",
            "out.json",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn hundreds_of_billions_of_empty_slices_are_judged_at_once() {
    // One-second slices from year 1 to year 9998: empty slices are counted
    // in one step each run, not one by one.
    let rules = "event strike\n\
        rule a { at least 1 strike per 1s after 0001-01-01 }\n\
        rule b { at most 0 strike per 1s after 0001-01-01 }\n\
        rule c { count(strike) >= 1 per 1s between 0001-01-01 and 9999-01-01 }\n";
    let log = "{\"time\":\"2025-01-01T00:00:00Z\",\"kind\":\"strike\"}\n{\"time\":\"9998-01-01T00:00:00Z\",\"kind\":\"strike\"}\n";
    let dir = folder(&[("rules.cfr", rules), ("log.jsonl", log)]);
    let (code, stdout, stderr) = run(
        dir.path(),
        &["verify", "rules.cfr", "--log", "log.jsonl", "--format", "json"],
    );
    assert_eq!(code, 1, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let counts = &report["rules"][0]["instances"][0]["counts"];
    assert_eq!(counts["violated"], 315_474_825_599_u64, "{counts}");
    assert_eq!(counts["satisfied"], 1);
    assert_eq!(counts["pending"], 1);
    // Findings and slices are listed up to the limits (--max-findings,
    // --max-slices: 20,000 a rule), not one per slice.
    assert!(stdout.len() < 20_000_000, "{} bytes", stdout.len());
}
