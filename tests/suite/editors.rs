//! The editor and CI integration files: the TextMate grammar highlights
//! what it should (checked with a small TextMate-style tokenizer), it knows
//! every keyword, and the pre-commit hooks and the documented CI job run.

use super::{ceasefire_cmd, folder, root};
use fancy_regex::Regex;
use serde_json::Value;

/// A grammar rule flattened out of `patterns` and `include`s.
struct Rule {
    name: Option<String>,
    regex: Regex,
    /// For `begin`/`end` rules.
    end: Option<Regex>,
    captures: Vec<(usize, String)>,
}

fn grammar() -> Value {
    let text = std::fs::read_to_string(root().join("editors/ceasefire.tmLanguage.json")).expect("grammar");
    serde_json::from_str(&text).expect("the grammar is JSON")
}

fn compile(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| panic!("`{pattern}` does not compile: {e}"))
}

/// The rules of a `patterns` list, includes resolved, in order.
fn flatten(grammar: &Value, patterns: &Value, out: &mut Vec<Rule>) {
    for pattern in patterns.as_array().expect("patterns") {
        if let Some(include) = pattern["include"].as_str() {
            let key = include.trim_start_matches('#');
            let target = &grammar["repository"][key];
            assert!(!target.is_null(), "`{include}` is not in the repository");
            flatten(grammar, &Value::Array(vec![target.clone()]), out);
        } else if pattern.get("patterns").is_some() && pattern.get("begin").is_none() {
            flatten(grammar, &pattern["patterns"], out);
        } else {
            let regex = pattern["match"]
                .as_str()
                .or(pattern["begin"].as_str())
                .expect("match or begin");
            let captures = pattern["captures"]
                .as_object()
                .map(|c| {
                    c.iter()
                        .map(|(k, v)| (k.parse().expect("group"), v["name"].as_str().expect("name").to_string()))
                        .collect()
                })
                .unwrap_or_default();
            if let Some(inner) = pattern.get("patterns") {
                for p in inner.as_array().expect("patterns") {
                    compile(p["match"].as_str().expect("match"));
                }
            }
            out.push(Rule {
                name: pattern["name"].as_str().map(str::to_string),
                regex: compile(regex),
                end: pattern["end"].as_str().map(compile),
                captures,
            });
        }
    }
}

/// Each token of a line with its scope, as a TextMate engine would assign them:
/// at each position the earliest match wins, ties going to the first rule.
fn tokens(line: &str) -> Vec<(String, String)> {
    let grammar = grammar();
    let mut rules = Vec::new();
    flatten(&grammar, &grammar["patterns"], &mut rules);
    let mut out = Vec::new();
    let mut at = 0;
    while at < line.len() {
        let best = rules
            .iter()
            .filter_map(|r| r.regex.captures_from_pos(line, at).ok().flatten().map(|c| (r, c)))
            .min_by_key(|(_, c)| c.get(0).map_or(usize::MAX, |m| m.start()));
        let Some((rule, captures)) = best else { break };
        let whole = captures.get(0).expect("a match");
        let mut end = whole.end();
        if let Some(end_regex) = &rule.end {
            let close = end_regex
                .find_from_pos(line, end)
                .ok()
                .flatten()
                .map_or(line.len(), |m| m.end());
            end = close;
            out.push((
                line[whole.start()..end].to_string(),
                rule.name.clone().unwrap_or_default(),
            ));
        } else if rule.captures.is_empty() {
            out.push((whole.as_str().to_string(), rule.name.clone().unwrap_or_default()));
        } else {
            for (group, name) in &rule.captures {
                if let Some(m) = captures.get(*group) {
                    let name = name.replace("$1", captures.get(1).map_or("", |g| g.as_str()));
                    out.push((m.as_str().to_string(), name));
                }
            }
        }
        at = end.max(whole.start() + 1);
    }
    out
}

fn scope(line: &str, token: &str) -> String {
    tokens(line)
        .into_iter()
        .find(|(text, _)| text == token)
        .map(|(_, scope)| scope)
        .unwrap_or_else(|| panic!("no token `{token}` in {:?}", tokens(line)))
}

#[test]
fn the_grammar_highlights_each_part_of_a_rule_file() {
    let rule = "  release batch 2 precedes drawdown in zone netzarim within 72h  # the 72 hours";
    assert_eq!(scope(rule, "precedes"), "keyword.control.form.ceasefire");
    assert_eq!(scope(rule, "72h"), "constant.numeric.duration.ceasefire");
    assert_eq!(scope(rule, "2"), "constant.numeric.ceasefire");
    assert_eq!(scope(rule, "# the 72 hours"), "comment.line.number-sign.ceasefire");
    assert!(
        tokens(rule).iter().all(|(t, _)| t != "release"),
        "kinds are plain names"
    );

    assert_eq!(scope("rule GZ-2.3 {", "GZ-2.3"), "entity.name.function.rule.ceasefire");
    assert_eq!(
        scope("event release { batch: int }", "release"),
        "entity.name.type.event.ceasefire"
    );
    assert_eq!(scope("event release { batch: int }", "int"), "support.type.ceasefire");
    assert_eq!(
        scope("zone north \"North # not a comment\"", "\"North # not a comment\""),
        "string.quoted.double.ceasefire"
    );
    assert_eq!(
        scope("  as of 2025-02-20T12:00+02:00", "2025-02-20T12:00+02:00"),
        "constant.numeric.timestamp.ceasefire"
    );
    assert_eq!(
        scope("    2025-01-19T08:30Z ceasefire_start", "2025-01-19T08:30Z"),
        "constant.numeric.timestamp.ceasefire"
    );
    assert_eq!(
        scope("  expect netzarim_by_day_22 violated", "netzarim_by_day_22"),
        "entity.name.function.rule.ceasefire"
    );
    assert_eq!(
        scope("  expect netzarim_by_day_22 violated", "violated"),
        "constant.language.verdict.ceasefire"
    );
    assert_eq!(
        scope("  severity critical", "critical"),
        "constant.language.severity.ceasefire"
    );
    assert_eq!(scope("  for each n in 1..6:", "1"), "constant.numeric.ceasefire");
    assert_eq!(
        scope("  sum(trucks of aid_convoy) >= 600 per 1d during p", ">="),
        "keyword.operator.ceasefire"
    );
    assert_eq!(
        scope("  sum(trucks of aid_convoy) >= 600 per 1d during p", "sum"),
        "support.function.aggregate.ceasefire"
    );
}

#[test]
fn the_grammar_knows_every_keyword() {
    for keyword in ceasefire::syntax::KEYWORDS {
        let line = format!("x {keyword} y");
        let scoped = tokens(&line);
        assert!(
            scoped.iter().any(|(text, scope)| text == keyword && !scope.is_empty()),
            "`{keyword}` is not highlighted: {scoped:?}"
        );
    }
}

#[test]
fn the_pre_commit_hooks_run() {
    let hooks = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).expect("hooks");
    let entries: Vec<&str> = hooks.lines().filter_map(|l| l.trim().strip_prefix("entry: ")).collect();
    assert_eq!(entries.len(), 3, "{hooks}");
    let dir = folder(&[(
        "rules/a.cfr",
        "event truce\n\nrule r {\n  truce occurs by 2025-01-02\n}\n\ntest \"t\" {\n  log {\n    2025-01-01T00:00Z truce\n  }\n  expect r satisfied\n}\n",
    )]);
    for entry in entries {
        let mut words = entry.split_whitespace();
        assert_eq!(words.next(), Some("ceasefire"), "{entry}");
        let args: Vec<&str> = words.collect();
        // pre-commit passes the changed files; the test hook takes none.
        let files: &[&str] = if args.first() == Some(&"test") {
            &[]
        } else {
            &["rules/a.cfr"]
        };
        let output = ceasefire_cmd()
            .current_dir(dir.path())
            .args(&args)
            .args(files)
            .output()
            .expect("run");
        assert_eq!(
            output.status.code(),
            Some(0),
            "`{entry}`: {}",
            String::from_utf8_lossy(&output.stdout)
        );
    }
}

#[test]
fn the_documented_ci_job_is_the_one_in_the_repository() {
    let docs = std::fs::read_to_string(root().join("docs/ci.md")).expect("docs/ci.md");
    let workflow = std::fs::read_to_string(root().join(".github/workflows/rules.yml")).expect("workflow");
    let block = docs
        .split("```yaml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a yaml block");
    assert_eq!(block, workflow);
    for command in ["check --format github", "fmt --check", "test"] {
        assert!(workflow.contains(command), "the job runs `{command}`");
    }
}
