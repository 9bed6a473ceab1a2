//! `docs/errors/CFnnnn.md`: one per code, and their examples do what they say.

use ceasefire::diagnostic::Code;

/// The ```` ```cfr ```` blocks under a `## Heading`, with their `file=` names.
fn blocks<'a>(markdown: &'a str, heading: &str) -> Vec<(String, &'a str)> {
    let Some(start) = markdown.find(&format!("## {heading}\n")) else {
        return Vec::new();
    };
    let section = &markdown[start + heading.len() + 4..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let mut out = Vec::new();
    let mut rest = section;
    while let Some(open) = rest.find("```cfr") {
        let after = &rest[open + 6..];
        let line_end = after.find('\n').unwrap_or(after.len());
        let info = after[..line_end].trim();
        let name = info.strip_prefix("file=").unwrap_or("example.cfr").to_string();
        let body = &after[line_end + 1..];
        let close = body.find("```").unwrap_or(body.len());
        out.push((name, &body[..close]));
        rest = &body[close..];
        rest = rest.get(3..).unwrap_or("");
    }
    out
}

fn codes_of(files: &[(String, &str)]) -> Vec<(Code, bool)> {
    let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (n.as_str(), *t)).collect();
    let dir = super::folder(&files);
    let (outcome, _) = super::check_rendered(&[&dir.path().join(files[0].0)]);
    outcome.diagnostics.iter().map(|d| (d.code, d.is_error())).collect()
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
        // Codes about the command line show commands, not rule files.
        if bad.is_empty() {
            assert!(
                code.as_str().starts_with("CF09") || code == Code::FileTooLarge || code == Code::InvalidUtf8,
                "{code}: no cfr example"
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
    use ceasefire::syntax::{FileId, parse};
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
    let reported = codes_of(&[("example.cfr".to_string(), block.as_str())]);
    assert!(reported.is_empty(), "{reported:?}");
}
