//! Rule files and logs from strangers (issue 20): nothing of a file that is
//! not rule source reaches a diagnostic, includes read only `.cfr` files
//! (under `--include-root` when given), links are followed and reported,
//! reading is bounded.

use super::{folder, run};
use std::path::Path;

/// A symbolic link at `link` to `target`.
fn link(target: &str, link: &Path) {
    std::os::unix::fs::symlink(target, link).expect("a link");
}

#[test]
fn a_link_to_the_environment_is_not_quoted_in_any_format() {
    let dir = folder(&[("rules/b.cfr", "include \"env2.cfr\"\n")]);
    link("/proc/self/environ", &dir.path().join("rules/env.cfr"));
    link("/proc/self/environ", &dir.path().join("rules/env2.cfr"));
    for args in [
        &["check", "rules"][..],
        &["check", "rules", "--format", "json"],
        &["check", "rules", "--format", "sarif"],
        &["check", "rules", "--format", "github"],
        &["test", "rules", "--format", "junit"],
        &["verify", "rules", "--log", "-"],
    ] {
        let output = super::ceasefire_cmd()
            .current_dir(dir.path())
            .env("CEASEFIRE_TEST_SECRET", "hunter2-secret-value")
            .args(["--color", "never"])
            .args(args)
            .output()
            .expect("runs");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!text.contains("hunter2"), "{args:?} leaked the environment: {text}");
        assert!(!text.contains("PATH="), "{args:?} quoted the file: {text}");
        assert!(text.contains("CF0011"), "{args:?}: {text}");
    }
}

#[test]
fn includes_read_only_cfr_files() {
    let dir = folder(&[
        ("secret.txt", "TOP-SECRET-LINE\n"),
        (
            "ci/rules/a.cfr",
            "include \"../../secret.txt\"\ninclude \"/proc/self/pagemap\"\ninclude \"/etc/passwd\"\n",
        ),
    ]);
    let ci = dir.path().join("ci");
    let (code, stdout, stderr) = run(&ci, &["check", "rules"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert_eq!(stdout.matches("CF0104").count(), 3, "{stdout}");
    assert!(!stdout.contains("TOP-SECRET") && !stdout.contains("root:"), "{stdout}");
}

#[test]
fn a_file_claiming_no_size_is_read_only_up_to_the_limit() {
    // `/proc/self/pagemap` says it is empty and holds gigabytes; behind a
    // `.cfr` link it is read up to the limit, then refused (or the system
    // refuses reads of it that are not whole entries).
    let dir = folder(&[("rules/a.cfr", "include \"map.cfr\"\n")]);
    link("/proc/self/pagemap", &dir.path().join("rules/map.cfr"));
    let started = std::time::Instant::now();
    let (code, stdout, stderr) = run(dir.path(), &["check", "rules/a.cfr"]);
    assert!(started.elapsed().as_secs() < 30, "read without bound");
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("CF0004") && stdout.contains("more than 16777216 bytes") || stdout.contains("CF0103"),
        "{stdout}"
    );
}

#[test]
fn include_root_confines_includes_links_followed() {
    let dir = folder(&[
        ("outside.cfr", "zone x\n"),
        ("ci/rules/a.cfr", "include \"../../outside.cfr\"\n"),
        ("ci/rules/b.cfr", "include \"link.cfr\"\n"),
        ("ci/rules/c.cfr", "include \"inside.cfr\"\n"),
        ("ci/rules/inside.cfr", "zone y\n"),
    ]);
    let ci = dir.path().join("ci");
    link("../../outside.cfr", &ci.join("rules/link.cfr"));
    let (code, stdout, _) = run(
        &ci,
        &[
            "check",
            "rules/a.cfr",
            "rules/b.cfr",
            "rules/c.cfr",
            "--include-root",
            ".",
        ],
    );
    assert_eq!(code, 1, "{stdout}");
    assert_eq!(stdout.matches("CF0105").count(), 2, "{stdout}");
    assert!(
        stdout.contains("cannot include `link.cfr`: it is outside the include root"),
        "{stdout}"
    );
    // Without the option, the same files check.
    let (code, stdout, _) = run(&ci, &["check", "rules/a.cfr", "rules/b.cfr", "rules/c.cfr"]);
    assert_eq!(code, 0, "{stdout}");
    // A root that does not exist is an error of the run.
    let (code, _, stderr) = run(&ci, &["check", "rules", "--include-root", "nowhere"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("the include root `nowhere` cannot be used"), "{stderr}");
}

#[test]
fn linked_files_and_folders_are_checked_and_broken_links_reported() {
    let dir = folder(&[
        ("shared/zones.cfr", "zone north\nzone north\n"),
        ("more/rules.cfr", "zone south\nzone south\n"),
        ("rules/main.cfr", "zone east\n"),
    ]);
    link("../shared/zones.cfr", &dir.path().join("rules/zones.cfr"));
    link("../more", &dir.path().join("rules/more"));
    let (code, stdout, stderr) = run(dir.path(), &["check", "rules"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("checked 3 files"), "{stdout}");
    assert!(
        stdout.contains("rules/zones.cfr") && stdout.contains("rules/more/rules.cfr"),
        "{stdout}"
    );
    // A `.cfr` link to nothing and a link loop stop the run with a word each.
    link("/nowhere/at/all.cfr", &dir.path().join("rules/gone.cfr"));
    link("..", &dir.path().join("rules/loop"));
    link("/nowhere/README", &dir.path().join("rules/README"));
    let (code, _, stderr) = run(dir.path(), &["check", "rules"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("`rules/gone.cfr` is a link to nothing"), "{stderr}");
    assert!(stderr.contains("`rules/loop` is a link back to"), "{stderr}");
    assert!(!stderr.contains("README"), "only rule files are missed: {stderr}");
}

#[test]
fn a_broken_rule_file_is_still_quoted_to_its_author() {
    let dir = folder(&[("a.cfr", "zone north\nrule r { no strik after 2025-01-01 }\n")]);
    let (code, stdout, _) = run(dir.path(), &["check", "a.cfr"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("no strik after 2025-01-01"), "{stdout}");
}

#[test]
fn a_file_over_the_limit_is_refused_before_it_is_read() {
    let dir = folder(&[("a.cfr", "include \"big.cfr\"\n")]);
    let big = std::fs::File::create(dir.path().join("big.cfr")).expect("a file");
    big.set_len(ceasefire::check::MAX_FILE_BYTES * 4).expect("grown");
    let (code, stdout, _) = run(dir.path(), &["check", "a.cfr"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("CF0004"), "{stdout}");
}

/// Runs `ceasefire ARGS` in `dir` under a limit of `kib` KiB of address space.
fn run_limited(dir: &Path, kib: u64, args: &str) -> std::process::Output {
    let binary = assert_cmd::cargo::cargo_bin("ceasefire");
    std::process::Command::new("sh")
        .current_dir(dir)
        .arg("-c")
        .arg(format!("ulimit -v {kib}; exec {} {args}", binary.display()))
        .output()
        .expect("runs")
}

#[test]
fn a_rule_with_thousands_of_failing_instances_stays_within_a_memory_limit() {
    // Four lines within every documented limit: 10,000 instances of a rate
    // with a slice a second over a century, against a one-record log. It
    // took 3 GB and wrote a 4.6 GB report before findings were budgeted.
    let rules = "event strike { n: int }\nrule r {\n  for each a in 1..10000:\n    at least 1 strike where n = a per 1s between 1925-01-01 and 2025-01-01\n}\n";
    let dir = folder(&[
        ("r.cfr", rules),
        (
            "log.jsonl",
            "{\"time\":\"2020-01-01T00:00:00Z\",\"kind\":\"strike\",\"n\":1}\n",
        ),
    ]);
    let output = run_limited(
        dir.path(),
        1_000_000,
        "verify r.cfr --log log.jsonl --format json -o report.json",
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let size = std::fs::metadata(dir.path().join("report.json"))
        .expect("a report")
        .len();
    // 10,000 findings and 20,000 slices of series are listed (the rules'
    // budgets, --max-findings and --max-slices); the rest are counted.
    assert!(size < 20 << 20, "the report is {size} bytes");
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("report.json")).expect("read")).expect("JSON");
    let instances = report["rules"][0]["instances"].as_array().expect("instances");
    assert_eq!(instances.len(), 10_000);
    let listed: usize = instances
        .iter()
        .map(|i| i["findings"].as_array().expect("findings").len())
        .sum();
    assert_eq!(listed, 10_000, "findings listed for the rule as a whole");
    let slices: usize = instances
        .iter()
        .map(|i| i["series"]["slices"].as_array().expect("slices").len())
        .sum();
    assert_eq!(slices, 20_000, "slices listed for the rule as a whole");
    // (the second instance lists none: every closed slice and the open one)
    assert_eq!(instances[1]["series"]["slices_omitted"], 34_698u64 * 86_400 + 1);
    // Every failing slice is still counted, and the cut is said where it happened.
    // (up to the horizon, the log's one record: 34,698 days of seconds)
    assert_eq!(instances[0]["counts"]["violated"], 34_698u64 * 86_400);
    let noted = instances
        .iter()
        .filter(|i| i["notes"].to_string().contains("counted, not listed (--max-findings)"))
        .count();
    assert_eq!(noted, 9_990, "instance 11 onwards lost findings to the budget");
    // The human report says it too, in a screenful.
    let output = run_limited(dir.path(), 1_000_000, "verify r.cfr --log log.jsonl --color never");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.len() < 1 << 20, "{} bytes", text.len());
    assert!(text.contains("--max-findings"), "{}", &text[..2000.min(text.len())]);
}

#[test]
fn a_truncated_gzip_log_is_lost_out_loud_in_every_format() {
    use std::io::Write;
    let mut log = String::new();
    for i in 0..20_000 {
        log.push_str(&format!(
            "{{\"time\":\"2025-01-01T{:02}:{:02}:{:02}Z\",\"kind\":\"strike\",\"n\":{i}}}\n",
            i / 3600,
            i / 60 % 60,
            i % 60
        ));
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(log.as_bytes()).expect("compressed");
    let whole = gz.finish().expect("compressed");
    let dir = folder(&[(
        "r.cfr",
        "event strike { n: int }\nrule r { no strike after 2025-01-01T05:00:00Z }\n",
    )]);
    std::fs::write(dir.path().join("log.jsonl.gz"), &whole[..whole.len() / 2]).expect("a log");
    // Without --skip-invalid nothing is judged.
    let (code, _, stderr) = run(dir.path(), &["verify", "r.cfr", "--log", "log.jsonl.gz"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("CF1012") && stderr.contains("the rest of the file is lost"),
        "{stderr}"
    );
    // With it, every format says first what was lost, and the status is 2.
    for format in ["human", "markdown", "html", "junit"] {
        let stdout = skipping_invalid(dir.path(), format);
        let head = &stdout[..stdout
            .find("the rest of the file is lost")
            .unwrap_or_else(|| panic!("{format}: {stdout}"))];
        assert!(
            head.contains("log.jsonl.gz") && head.contains("past its first"),
            "{format}: {head}"
        );
    }
    let report = skipping_invalid_as_json(dir.path());
    let log = &report["log"];
    assert_eq!(log["skipped"], 1, "{log}");
    assert_eq!(log["skipped_by_code"]["CF1012"], 1, "{log}");
    assert_eq!(
        log["records"].as_u64(),
        Some(log["observations"].as_u64().expect("n") + 1),
        "the lost rest counts as one record: {log}"
    );
    assert!(
        report["warnings"][0]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("the rest of 1 log file could not be read"))
    );
}

#[test]
fn the_records_before_damage_in_a_gzip_log_are_judged() {
    use std::io::Write;
    // 2,000 records (about 100 KiB), a flush, then bytes that are no deflate data.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    for i in 0..2_000 {
        writeln!(
            gz,
            "{{\"time\":\"2025-01-01T00:{:02}:{:02}Z\",\"kind\":\"strike\"}}",
            i / 60 % 60,
            i % 60
        )
        .expect("compressed");
    }
    gz.flush().expect("flushed");
    let mut damaged = gz.get_ref().clone();
    damaged.extend_from_slice(&[0x07; 64]);
    let dir = folder(&[("r.cfr", "event strike {}\nrule r { no strike after 2026-01-01 }\n")]);
    std::fs::write(dir.path().join("log.jsonl.gz"), &damaged).expect("a log");
    let report = skipping_invalid_as_json(dir.path());
    let judged = report["log"]["observations"].as_u64().expect("a count");
    // What the decompressor gave before it met the damage is judged (it
    // drops the block it was decoding, so not necessarily all 2,000); the
    // rest counts as one lost record.
    assert!((1..=2_000).contains(&judged), "{}", report["log"]);
    assert_eq!(report["log"]["skipped_by_code"]["CF1012"], 1, "{}", report["log"]);
}

/// `verify r.cfr --log log.jsonl.gz --skip-invalid --format FORMAT` in
/// `dir`, which must exit 2 (records were lost): what it printed.
fn skipping_invalid(dir: &std::path::Path, format: &str) -> String {
    let (code, stdout, _) = run(
        dir,
        &[
            "verify",
            "r.cfr",
            "--log",
            "log.jsonl.gz",
            "--skip-invalid",
            "--format",
            format,
        ],
    );
    assert_eq!(code, 2, "{format}");
    stdout
}

/// The JSON report of [`skipping_invalid`].
fn skipping_invalid_as_json(dir: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&skipping_invalid(dir, "json")).expect("JSON")
}

/// The lines of CI output that a GitHub runner would read as commands.
fn workflow_commands(text: &str) -> Vec<&str> {
    text.lines().filter(|l| l.trim_start().starts_with("::")).collect()
}

#[test]
fn names_and_values_cannot_start_a_workflow_command() {
    let rules = "event strike { note: text }\nrule r { no strike after 2025-01-01 }\n\
test \"x\\n::error::pwned\" {\n  log {\n    2025-01-02T00:00Z strike\n  }\n  expect r satisfied\n}\n";
    let dir = folder(&[
        ("rules/a.cfr", rules),
        (
            "log.jsonl",
            "{\"time\":\"2025-01-02T00:00:00Z\",\"kind\":\"strike\",\"note\":\"x\\n::stop-commands::abc\\r\\n::error::pwned\"}\n",
        ),
    ]);
    // A file name with a line break in it, badly formatted and broken.
    std::fs::write(dir.path().join("rules/b\n::error::file.cfr"), "zone   north\nrule\n").expect("a file");
    for args in [
        &["fmt", "--check", "rules"][..],
        &["check", "rules"],
        &["check", "rules", "--format", "github"],
        &["test", "rules/a.cfr"],
        &["test", "rules/a.cfr", "--format", "junit"],
        &["verify", "rules/a.cfr", "--log", "log.jsonl", "--format", "junit"],
        &["verify", "rules/a.cfr", "--log", "log.jsonl", "--format", "markdown"],
        &["verify", "rules/a.cfr", "--log", "log.jsonl", "--format", "html"],
        &["verify", "rules/a.cfr", "--log", "log.jsonl"],
    ] {
        let (_, stdout, stderr) = run(dir.path(), args);
        let commands: Vec<&str> = workflow_commands(&stdout)
            .into_iter()
            .chain(workflow_commands(&stderr))
            // `check --format github` writes annotations on purpose.
            .filter(|l| !(l.starts_with("::error file=") || l.starts_with("::warning file=")))
            .collect();
        assert!(commands.is_empty(), "{args:?}: {commands:?}");
    }
    // The annotation of the broken file keeps its name inside the property.
    let (_, stdout, _) = run(dir.path(), &["check", "rules", "--format", "github"]);
    assert!(stdout.contains("file=rules/b%0A%3A%3Aerror%3A%3Afile.cfr"), "{stdout}");
}

#[test]
fn control_and_bidi_characters_never_reach_the_terminal() {
    let rules = "event strike { note: text }\nzone north \"North\u{1b}]0;owned\u{7}\"\n\
rule r {\n  title \"evil\u{202e}txt.exe\"\n  no strike after 2025-01-01\n}\nrule r2 { no strike after 2025-01-01 \u{1b}[31m }\n";
    let dir = folder(&[
        ("bad.cfr", rules),
        (
            "good.cfr",
            "event strike { note: text }\nrule r {\n  title \"evil\u{202e}txt.exe\"\n  no strike after 2025-01-01\n}\n",
        ),
        (
            "log.csv",
            "time,kind,note\n2025-01-02T00:00:00Z,strike,\u{1b}[2Jwiped\u{9b}\n2025-01-02T00:00:00Z,\u{1b}[31mstrike,x\n",
        ),
        (
            "log.jsonl",
            "{\"time\":\"2025-01-02T00:00:00Z\",\"kind\":\"strike\",\"note\":\"\u{1b}[2J\"}\n{\u{1b}[31m bad\n",
        ),
    ]);
    for (args, shows) in [
        (&["check", "bad.cfr"][..], true),
        (&["verify", "good.cfr", "--log", "log.csv"], true),
        (&["verify", "good.cfr", "--log", "log.csv", "--skip-invalid"], true),
        (&["verify", "good.cfr", "--log", "log.jsonl"], true),
        (&["verify", "good.cfr", "--log", "log.jsonl", "--skip-invalid"], false),
    ] {
        let (_, stdout, stderr) = run(dir.path(), args);
        for text in [&stdout, &stderr] {
            assert!(
                !text.contains('\u{1b}')
                    && !text.contains('\u{9b}')
                    && !text.contains('\u{202e}')
                    && !text.contains('\u{7}'),
                "{args:?}: {text:?}"
            );
        }
        assert!(
            !shows || stdout.contains("\\u{1b}") || stderr.contains("\\u{1b}"),
            "{args:?} shows what it escaped: {stdout}{stderr}"
        );
    }
}

#[test]
fn junit_is_well_formed_whatever_the_log_holds() {
    let dir = folder(&[
        (
            "r.cfr",
            "event strike { note: text }\nrule r { no strike after 2025-01-01 }\n",
        ),
        (
            "log.jsonl",
            "{\"time\":\"2025-01-02T00:00:00Z\",\"kind\":\"strike\",\"note\":\"a\u{fffe}b\u{ffff}c\\u0001d]]>e<f&\"}\n",
        ),
    ]);
    let (code, stdout, _) = run(
        dir.path(),
        &["verify", "r.cfr", "--log", "log.jsonl", "--format", "junit"],
    );
    assert_eq!(code, 1);
    for bad in ['\u{fffe}', '\u{ffff}', '\u{1}'] {
        assert!(!stdout.contains(bad), "{stdout:?}");
    }
    assert!(
        stdout.contains("a\u{fffd}b\u{fffd}c\u{fffd}d]]&gt;e&lt;f&amp;"),
        "{stdout}"
    );
}

#[test]
fn markdown_values_are_text_whatever_they_hold() {
    let rules = "event strike { actor: text }\nrule r {\n  for each a of strike.actor:\n    no strike where actor = a after 2025-01-01\n}\n";
    let dir = folder(&[
        ("r.cfr", rules),
        (
            "log`x.jsonl",
            "{\"time\":\"2025-01-02T00:00:00Z\",\"kind\":\"strike\",\"actor\":\"<img src=x onerror=alert(1)> `un|matched\"}\n",
        ),
    ]);
    let (code, stdout, _) = run(
        dir.path(),
        &["verify", "r.cfr", "--log", "log`x.jsonl", "--format", "markdown"],
    );
    assert_eq!(code, 1, "{stdout}");
    assert!(!stdout.replace("\\<", "").contains("<img"), "{stdout}");
    assert!(
        stdout.contains("### Instance a = \"\\<img src=x onerror=alert(1)\\> \\`un\\|matched\": violated"),
        "{stdout}"
    );
    assert!(stdout.contains("``log`x.jsonl``"), "{stdout}");
}

#[test]
fn sarif_addresses_keep_odd_file_names_in_the_path() {
    let dir = folder(&[("a #1?<x>.cfr", "zone north\n")]);
    let (_, stdout, _) = run(dir.path(), &["check", "a #1?<x>.cfr", "--format", "sarif"]);
    assert!(stdout.contains("\"uri\": \"a%20%231%3F%3Cx%3E.cfr\""), "{stdout}");
}

#[test]
fn fmt_replaces_a_file_whole_keeping_its_mode_and_links() {
    use std::os::unix::fs::PermissionsExt;
    let dir = folder(&[("real/a.cfr", "zone   north\n")]);
    let real = dir.path().join("real/a.cfr");
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).expect("mode");
    link("real/a.cfr", &dir.path().join("a.cfr"));
    let (code, _, stderr) = run(dir.path(), &["fmt", "a.cfr"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(std::fs::read_to_string(&real).expect("read"), "zone north\n");
    assert!(dir.path().join("a.cfr").is_symlink(), "the link stays a link");
    let mode = std::fs::metadata(&real).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    let left: Vec<_> = std::fs::read_dir(dir.path().join("real")).expect("folder").collect();
    assert_eq!(left.len(), 1, "no temporary file is left behind");
}

#[test]
fn fmt_that_cannot_write_fails_and_leaves_the_file_whole() {
    use std::os::unix::fs::PermissionsExt;
    if nix_is_root() {
        // Root writes into read-only folders; the full-disk case below still runs.
    } else {
        let dir = folder(&[("ro/a.cfr", "zone   north\n")]);
        let ro = dir.path().join("ro");
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).expect("mode");
        let (code, _, stderr) = run(dir.path(), &["fmt", "ro/a.cfr"]);
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).expect("mode");
        assert_eq!(code, 2, "{stderr}");
        assert_eq!(
            std::fs::read_to_string(ro.join("a.cfr")).expect("read"),
            "zone   north\n"
        );
    }
    // Standard output on a full disk.
    let dir = folder(&[("a.cfr", "zone   north\n")]);
    let output = std::process::Command::new("sh")
        .current_dir(dir.path())
        .arg("-c")
        .arg(format!(
            "{} fmt - < a.cfr > /dev/full",
            assert_cmd::cargo::cargo_bin("ceasefire").display()
        ))
        .output()
        .expect("runs");
    assert_eq!(
        output.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("CF0905"));
}

/// Whether the tests run as root (who may write anywhere).
fn nix_is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

#[test]
fn the_report_never_overwrites_an_input() {
    let log = "{\"time\":\"2025-01-02T00:00:00Z\",\"kind\":\"strike\"}\n";
    let dir = folder(&[
        ("r.cfr", "event strike\nrule r { no strike after 2025-01-01 }\n"),
        ("log.jsonl", log),
    ]);
    link("log.jsonl", &dir.path().join("alias.jsonl"));
    for args in [
        &["verify", "r.cfr", "--log", "log.jsonl", "-o", "log.jsonl"][..],
        &["verify", "r.cfr", "--log", "log.jsonl", "-o", "alias.jsonl"],
        &["verify", "r.cfr", "--log", "log.jsonl", "-o", "r.cfr"],
        &["check", "r.cfr", "-o", "r.cfr"],
        &["test", "r.cfr", "-o", "r.cfr"],
    ] {
        let (code, _, stderr) = run(dir.path(), args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains("CF0911"), "{args:?}: {stderr}");
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("log.jsonl")).expect("read"),
        log
    );
    assert!(
        std::fs::read_to_string(dir.path().join("r.cfr"))
            .expect("read")
            .starts_with("event strike")
    );
}

#[test]
fn logs_say_what_is_odd_about_them_instead_of_guessing() {
    let rules = "event release { batch: int }\nrule r { release batch 1 occurs by 2025-01-20 }\n";
    let dir = folder(&[("r.cfr", rules)]);
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.path().join(name), bytes).expect("a log");
    // A key twice: `time`, `kind`, a declared field; an undeclared one may repeat.
    write(
        "twice.jsonl",
        b"{\"time\":\"2025-01-19T14:00:00Z\",\"kind\":\"release\",\"batch\":1,\"time\":\"2025-01-21T14:00:00Z\"}\n\
{\"time\":\"2025-01-19T14:00:00Z\",\"kind\":\"release\",\"kind\":\"strike\"}\n\
{\"time\":\"2025-01-19T14:00:00Z\",\"kind\":\"release\",\"batch\":1,\"batch\":2}\n\
{\"time\":\"2025-01-19T14:00:00Z\",\"kind\":\"release\",\"batch\":1,\"note\":\"a\",\"note\":\"b\"}\n",
    );
    let (code, _, stderr) = run(dir.path(), &["verify", "r.cfr", "--log", "twice.jsonl"]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr.matches("CF1013").count(), 3, "{stderr}");
    for key in ["time", "kind", "batch"] {
        assert!(stderr.contains(&format!("the record gives `{key}` twice")), "{stderr}");
    }
    assert!(stderr.contains("3 invalid records of 4"), "{stderr}");
    // The escaped-string reader finds them too.
    write(
        "escaped.jsonl",
        b"{\"time\":\"2025-01-19T14:00:00Z\",\"kind\":\"rel\\u0065ase\",\"time\":\"2025-01-21T14:00:00Z\"}\n",
    );
    let (code, _, stderr) = run(dir.path(), &["verify", "r.cfr", "--log", "escaped.jsonl"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("CF1013"), "{stderr}");
    // A byte-order mark is read past, in JSON Lines as in CSV.
    write(
        "bom.jsonl",
        b"\xef\xbb\xbf{\"time\":\"2025-01-19T14:00:00Z\",\"kind\":\"release\",\"batch\":1}\n",
    );
    let (code, stdout, stderr) = run(dir.path(), &["verify", "r.cfr", "--log", "bom.jsonl"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    // UTF-16 is named, once, for the file.
    let mut utf16 = vec![0xff, 0xfe];
    for unit in "time,kind,batch\n2025-01-19T14:00:00Z,release,1\n".encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    write("utf16.csv", &utf16);
    write("utf16-no-bom.jsonl", &utf16[2..]);
    for log in ["utf16.csv", "utf16-no-bom.jsonl"] {
        let (code, _, stderr) = run(dir.path(), &["verify", "r.cfr", "--log", log]);
        assert_eq!(code, 2, "{stderr}");
        assert!(
            stderr.contains("CF1015") && stderr.contains("the log is UTF-16 (little-endian), not UTF-8"),
            "{stderr}"
        );
        assert_eq!(stderr.matches("CF1015").count(), 1, "{stderr}");
    }
    // UTF-32 without a byte-order mark is told from UTF-16 by its NULs.
    let utf32: Vec<u8> = "{\"time\":\"2025-01-19T14:00:00Z\",\"kind\":\"release\"}\n"
        .chars()
        .flat_map(|c| u32::from(c).to_le_bytes())
        .collect();
    write("utf32.jsonl", &utf32);
    let (code, _, stderr) = run(dir.path(), &["verify", "r.cfr", "--log", "utf32.jsonl"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("CF1015") && stderr.contains("the log is UTF-32 (little-endian), not UTF-8"),
        "{stderr}"
    );
    // A column twice in a CSV header.
    write(
        "columns.csv",
        b"time,kind,batch,batch\n2025-01-19T14:00:00Z,release,1,2\n",
    );
    let (code, _, stderr) = run(dir.path(), &["verify", "r.cfr", "--log", "columns.csv"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("CF1014") && stderr.contains("the header names `batch` twice"),
        "{stderr}"
    );
    assert!(stderr.contains("1 invalid record of 1"), "{stderr}");
}
