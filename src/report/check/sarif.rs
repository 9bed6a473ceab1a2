//! SARIF 2.1.0, for code-scanning services: one reporting descriptor per
//! diagnostic code, one result per diagnostic.

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::report::locate;
use crate::report::markup::uri_path;
use crate::source::{SourceMap, Span};
use serde_json::{Value, json};

/// The SARIF log for these diagnostics.
pub fn log(sources: &SourceMap, diagnostics: &[Diagnostic]) -> Value {
    let rules: Vec<Value> = Code::ALL.iter().map(|&code| descriptor(code)).collect();
    let results: Vec<Value> = diagnostics.iter().map(|d| result(sources, d)).collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "ceasefire",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

fn descriptor(code: Code) -> Value {
    json!({
        "id": code.as_str(),
        "name": code.name(),
        "shortDescription": { "text": code.title() },
        "fullDescription": { "text": first_paragraph(code.explanation()) },
        "help": { "text": code.explanation(), "markdown": code.explanation() },
        "defaultConfiguration": { "level": level(code.severity()) },
    })
}

fn result(sources: &SourceMap, d: &Diagnostic) -> Value {
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let index = Code::ALL.iter().position(|&c| c == d.code).unwrap_or(0);
    let mut result = json!({
        "ruleId": d.code.as_str(),
        "ruleIndex": index,
        "level": level(d.severity),
        "message": { "text": text },
    });
    if let Some(primary) = &d.primary {
        result["locations"] = json!([location(sources, primary.span, &primary.message)]);
    }
    if !d.secondary.is_empty() {
        result["relatedLocations"] = d
            .secondary
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let mut loc = location(sources, l.span, &l.message);
                loc["id"] = json!(i + 1);
                loc
            })
            .collect();
    }
    result
}

fn location(sources: &SourceMap, span: Span, message: &str) -> Value {
    let at = locate(sources, span);
    let mut loc = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri_path(&at.file) },
            "region": {
                "startLine": at.start.line,
                "startColumn": at.start.column,
                "endLine": at.end.line,
                "endColumn": at.end.column,
            }
        }
    });
    if !message.is_empty() {
        loc["message"] = json!({ "text": message });
    }
    loc
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// The explanation's first paragraph after its title.
fn first_paragraph(markdown: &str) -> String {
    markdown
        .split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty() && !p.starts_with('#'))
        .unwrap_or("")
        .replace('\n', " ")
}
