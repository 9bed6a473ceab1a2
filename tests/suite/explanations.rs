//! `docs/errors/CFnnnn.md`: one per code, and their examples do what they say.

use ceasefire::diagnostic::Code;

/// A fenced example: its language, file name, `as-of=` attribute and text.
struct Block<'a> {
    lang: &'a str,
    name: String,
    as_of: Option<String>,
    /// `source=NAME`: the log is read through that source.
    source: Option<String>,
    text: &'a str,
}

/// The ```` ```cfr ````, ```` ```jsonl ```` and ```` ```csv ```` blocks under a `## Heading`.
fn blocks<'a>(markdown: &'a str, heading: &str) -> Vec<Block<'a>> {
    let Some(start) = markdown.find(&format!("## {heading}\n")) else {
        return Vec::new();
    };
    let section = &markdown[start + heading.len() + 4..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let mut out = Vec::new();
    let mut rest = section;
    while let Some(open) = rest.find("```") {
        let after = &rest[open + 3..];
        let line_end = after.find('\n').unwrap_or(after.len());
        let mut info = after[..line_end].split_whitespace();
        let lang = info.next().unwrap_or("");
        let (mut name, mut as_of, mut source) = (None, None, None);
        for attribute in info {
            if let Some(n) = attribute.strip_prefix("file=") {
                name = Some(n.to_string());
            } else if let Some(t) = attribute.strip_prefix("as-of=") {
                as_of = Some(t.to_string());
            } else if let Some(s) = attribute.strip_prefix("source=") {
                source = Some(s.to_string());
            }
        }
        let body = &after[(line_end + 1).min(after.len())..];
        let close = body.find("```").unwrap_or(body.len());
        // `json` blocks are files the rules read (GeoJSON), not logs.
        if matches!(lang, "cfr" | "jsonl" | "csv" | "json") {
            let name = name.unwrap_or_else(|| format!("example.{lang}"));
            out.push(Block {
                lang,
                name,
                as_of,
                source: source.clone(),
                text: &body[..close],
            });
        }
        rest = body.get(close + 3..).unwrap_or("");
    }
    out
}

/// The codes reported for an example: the rule files checked, and the log (if any) read.
fn codes_of(blocks: &[Block]) -> Vec<(Code, bool)> {
    let files: Vec<(&str, &str)> = blocks.iter().map(|b| (b.name.as_str(), b.text)).collect();
    let dir = super::folder(&files);
    let Some(rules) = blocks.iter().find(|b| b.lang == "cfr") else {
        return Vec::new();
    };
    let mut workspace = ceasefire::check::Workspace::new();
    let outcome = ceasefire::check::check_paths(&mut workspace, &[dir.path().join(&rules.name)]);
    let mut codes: Vec<(Code, bool)> = outcome.diagnostics.iter().map(|d| (d.code, d.is_error())).collect();
    for log in blocks.iter().filter(|b| b.lang == "jsonl" || b.lang == "csv") {
        let model = &outcome.units[0].model;
        let as_of = log
            .as_of
            .as_deref()
            .map(|t| ceasefire::time::parse_timestamp(t).expect("as-of").to_utc());
        let mut logs = ceasefire::log::LogSet::new(&[dir.path().join(&log.name)], None, None).expect("log");
        if let Some(source) = &log.source {
            logs = logs.read_through(0, source);
        }
        let options = ceasefire::log::ReadOptions {
            as_of,
            ..Default::default()
        };
        let (read, _) = ceasefire::log::read(model, &logs, &options);
        codes.extend(
            read.invalid
                .iter()
                .chain(&read.warnings)
                .map(|p| (p.code, p.code.severity().as_str() == "error")),
        );
    }
    codes
}

#[test]
fn every_code_has_an_explanation_with_an_example_and_a_fix() {
    for &code in Code::ALL {
        let text = code.explanation();
        assert!(
            text.starts_with(&format!("# {code}: ")),
            "{code}: the explanation must start with `# {code}: title`"
        );
        assert!(text.contains("## Example"), "{code}: no `## Example`");
        assert!(text.contains("## Fix"), "{code}: no `## Fix`");
        assert!(text.contains("## Why"), "{code}: no `## Why`");
    }
}

#[test]
fn examples_report_their_code_and_fixes_do_not() {
    for &code in Code::ALL {
        let text = code.explanation();
        let bad = blocks(text, "Example");
        let fixed = blocks(text, "Fix");
        // Codes about the command line, and bytes that are not text, are shown as commands.
        if bad.is_empty() {
            let shown_as_commands = [
                Code::FileTooLarge,
                Code::InvalidUtf8,
                Code::LogInvalidUtf8,
                Code::UnreadableLog,
                Code::SkippedRecords,
                Code::IncludeOutsideRoot,
                Code::LogNotUtf8,
            ];
            assert!(
                code.as_str().starts_with("CF09") || shown_as_commands.contains(&code),
                "{code}: no example to run"
            );
            continue;
        }
        let reported = codes_of(&bad);
        assert!(
            reported.iter().any(|(c, _)| *c == code),
            "{code}: the example reports {reported:?}"
        );
        let reported = codes_of(&fixed);
        assert!(
            !reported.iter().any(|(c, error)| *c == code || *error),
            "{code}: the fix still reports {reported:?}"
        );
    }
}

/// Every ```` ```cfr ```` block of a manual page.
fn manual_blocks(page: &str) -> Vec<String> {
    let text = std::fs::read_to_string(super::root().join(page)).expect("the page");
    let mut blocks = Vec::new();
    let mut rest = text.as_str();
    while let Some(open) = rest.find("```cfr\n") {
        let body = &rest[open + 7..];
        let close = body.find("```").unwrap_or(body.len());
        blocks.push(body[..close].to_string());
        rest = &body[close..];
        rest = rest.get(3..).unwrap_or("");
    }
    blocks
}

#[test]
fn the_manuals_examples_parse() {
    use ceasefire::source::FileId;
    use ceasefire::syntax::parse;
    for page in ["docs/language.md", "README.md"] {
        let blocks = manual_blocks(page);
        assert!(!blocks.is_empty(), "{page} has no examples");
        // A whole file, a rule body, or a pattern (forms shown alone).
        let parses = |text: &str| {
            parse(FileId(0), text).1.is_empty()
                || parse(FileId(0), &format!("rule r {{ {text} }}")).1.is_empty()
                || parse(FileId(0), &format!("rule r {{ no {text} during p }}"))
                    .1
                    .is_empty()
        };
        for block in blocks {
            // Several one-line forms may share a block.
            let each_line = || block.lines().filter(|l| !l.trim().is_empty()).all(parses);
            assert!(
                parses(&block) || each_line(),
                "{page}: example does not parse:\n{block}"
            );
        }
    }
}

#[test]
fn the_manuals_first_example_checks_clean() {
    let block = manual_blocks("docs/language.md").remove(0);
    let example = Block {
        lang: "cfr",
        name: "example.cfr".into(),
        as_of: None,
        source: None,
        text: &block,
    };
    let reported = codes_of(&[example]);
    assert!(reported.is_empty(), "{reported:?}");
}
