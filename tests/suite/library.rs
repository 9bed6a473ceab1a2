//! The rule library keeps itself honest (issue 18): every sample record
//! says where it comes from, every rule quotes the clause it encodes, and
//! what each folder's README says the report finds is what `verify` finds.
//!
//! The verdict tables in the READMEs are generated: after a change to a
//! rule or a log, run
//! `CEASEFIRE_BLESS_READMES=1 cargo test --test suite library` to rewrite
//! them from `verify`'s report, then read the diff.

use super::{ceasefire_cmd, root};
use std::path::{Path, PathBuf};

/// Every file under `dir` whose name satisfies `wanted`, sorted.
fn files(dir: &Path, wanted: &dyn Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read the folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().and_then(|n| n.to_str()).is_some_and(wanted) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_sample_record_names_its_source_and_the_address_of_the_report() {
    let logs = files(&root().join("rules"), &|n| {
        n.starts_with("log") && n.ends_with(".jsonl")
    });
    assert!(logs.len() >= 5, "the sample logs: {logs:?}");
    for log in logs {
        let text = std::fs::read_to_string(&log).expect("log");
        for (i, line) in text.lines().enumerate() {
            let at = format!("{}:{}", log.display(), i + 1);
            let record: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{at}: {e}"));
            let sources: Vec<&str> = match &record["source"] {
                serde_json::Value::String(s) => vec![s.as_str()],
                serde_json::Value::Array(a) => a.iter().filter_map(|s| s.as_str()).collect(),
                _ => Vec::new(),
            };
            assert!(
                !sources.is_empty() && sources.iter().all(|s| s.len() > 8),
                "{at}: no source"
            );
            // An outlet and the date it published: "Reuters via Arab News, 27 Feb 2025".
            assert!(
                sources.iter().all(|s| s.contains(char::is_numeric)),
                "{at}: the source gives no date: {sources:?}"
            );
            let url = record["url"].as_str().unwrap_or_else(|| panic!("{at}: no url"));
            assert!(
                (url.starts_with("https://") || url.starts_with("http://")) && !url.contains(' '),
                "{at}: not an address: {url}"
            );
            if let Some(status) = record.get("status") {
                let status = status.as_str().unwrap_or("");
                assert!(
                    ["confirmed", "disputed", "unverified", "single source"].contains(&status),
                    "{at}: status {status:?}"
                );
            }
        }
    }
}

#[test]
fn every_rule_quotes_the_clause_it_encodes() {
    let mut workspace = ceasefire::check::Workspace::new();
    let outcome = ceasefire::check::check_paths(&mut workspace, &[root().join("rules")]);
    for unit in &outcome.units {
        for rule in &unit.model.rules {
            let reference = rule.reference.as_deref().unwrap_or("");
            assert!(
                reference.contains('“') && reference.contains('”'),
                "rule `{}`: its ref quotes no text: {reference}",
                rule.id
            );
        }
    }
}

/// A `verify` command of a README and the verdict table that follows it.
struct Claim {
    args: Vec<String>,
    /// Byte range of the table's rows in the README.
    rows: std::ops::Range<usize>,
}

const MARKER: &str = "<!-- verdicts of the command above";

/// The README's `$ ceasefire verify …` commands, each followed by a table
/// after [`MARKER`].
fn claims(readme: &str) -> Vec<Claim> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = readme[from..].find("$ ceasefire verify ") {
        let start = from + at + "$ ceasefire ".len();
        // The command may go on over lines that end with `\`.
        let mut end = start + readme[start..].find('\n').expect("end of the command");
        while readme[..end].ends_with('\\') {
            end += 1 + readme[end + 1..].find('\n').expect("end of the command");
        }
        let args: Vec<String> = readme[start..end]
            .split_whitespace()
            .filter(|w| *w != "\\")
            .map(String::from)
            .collect();
        from = end;
        let Some(marker) = readme[end..].find(MARKER) else {
            continue;
        };
        let next_command = readme[end..].find("$ ceasefire verify ").unwrap_or(usize::MAX);
        if marker > next_command {
            continue;
        }
        let table = end + marker + readme[end + marker..].find("\n|").expect("a table after the marker") + 1;
        let mut stop = table;
        for line in readme[table..].split_inclusive('\n') {
            if !line.starts_with('|') {
                break;
            }
            stop += line.len();
        }
        out.push(Claim {
            args,
            rows: table..stop,
        });
    }
    out
}

/// The JSON report of a `verify` run from the repository's root.
fn report(args: &[String]) -> serde_json::Value {
    let output = ceasefire_cmd()
        .current_dir(root())
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("run");
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&output.stderr)))
}

/// The verdict table of a `verify` run, as the READMEs print it.
fn table(args: &[String]) -> String {
    let report = report(args);
    let mut out = String::from("| rule | verdict | instances |\n| --- | --- | --- |\n");
    for rule in report["rules"].as_array().expect("rules") {
        let counts = rule["instances"]
            .as_array()
            .map(|instances| {
                let mut by: Vec<(String, usize)> = Vec::new();
                for instance in instances {
                    let v = instance["verdict"].as_str().unwrap_or("").to_string();
                    match by.iter_mut().find(|(w, _)| *w == v) {
                        Some((_, n)) => *n += 1,
                        None => by.push((v, 1)),
                    }
                }
                by.sort();
                by.iter()
                    .map(|(v, n)| format!("{n} {v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            rule["id"].as_str().unwrap_or(""),
            rule["verdict"].as_str().unwrap_or(""),
            counts
        ));
    }
    out
}

#[test]
fn what_each_readme_says_the_report_finds_is_what_verify_finds() {
    let bless = std::env::var_os("CEASEFIRE_BLESS_READMES").is_some();
    let readmes = files(&root().join("rules"), &|n| n == "README.md");
    let mut checked = 0;
    for path in readmes {
        let mut readme = std::fs::read_to_string(&path).expect("README");
        // From the last table back, so that earlier ranges stay valid when blessing.
        for claim in claims(&readme).into_iter().rev() {
            let expected = table(&claim.args);
            if bless {
                readme.replace_range(claim.rows.clone(), &expected);
            } else {
                assert_eq!(
                    &readme[claim.rows.clone()],
                    expected,
                    "{}: the verdicts of `{}` (CEASEFIRE_BLESS_READMES=1 rewrites them)",
                    path.display(),
                    claim.args.join(" ")
                );
            }
            checked += 1;
        }
        if bless {
            std::fs::write(&path, &readme).expect("write the README");
        }
    }
    assert!(checked >= 7, "verdict tables checked: {checked}");
}

/// The figures a README states in its prose, each with the words of
/// `verify`'s reason that back it.
#[test]
fn the_figures_in_the_readmes_prose_are_verifys() {
    let october: Vec<String> = [
        "verify",
        "rules/gaza-2025-october",
        "--log",
        "rules/gaza-2025-october/log.jsonl",
        "--as-of",
        "2025-10-31T00:00:00Z",
    ]
    .map(String::from)
    .to_vec();
    let phase1: Vec<String> = [
        "verify",
        "rules/gaza-2025/phase1.cfr",
        "--log",
        "rules/gaza-2025/log.jsonl",
        "--as-of",
        "2025-03-01T22:00:00Z",
    ]
    .map(String::from)
    .to_vec();
    let claims: [(&str, &[String], &str, &str, &str); 4] = [
        (
            "rules/gaza-2025/README.md",
            &phase1,
            "return_north_by_day_7",
            "came 1d 7h late",
            "31 hours after day 7 ended",
        ),
        (
            "rules/gaza-2025-october/README.md",
            &october,
            "all_hostages_in_72h",
            "sum(living of release) + sum(deceased of release) was 20; it must be >= 48",
            "20 of 48",
        ),
        (
            "rules/gaza-2025-october/README.md",
            &october,
            "remains_fifteen_for_one",
            "sum(bodies of remains_return) was 120",
            "120 Gazan remains were returned for the 8 deceased Israeli hostages",
        ),
        (
            "rules/gaza-2025-october/README.md",
            &october,
            "prisoner_numbers",
            "sum(detainees of detainee_release) was 1968",
            "the 1,968 prisoners and detainees",
        ),
    ];
    for (readme, args, rule, reason, prose) in claims {
        let reasons: Vec<String> = report(args)["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .filter(|r| r["id"] == rule)
            .flat_map(|r| r["instances"].as_array().cloned().unwrap_or_default())
            .map(|i| i["reason"].as_str().unwrap_or("").to_string())
            .collect();
        assert!(
            reasons.iter().any(|r| r.contains(reason)),
            "{rule}: {reason:?} not in {reasons:?}"
        );
        let text = std::fs::read_to_string(root().join(readme)).expect("README");
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(prose), "{readme} should say {prose:?}");
    }
}
