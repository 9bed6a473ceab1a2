//! Arbitrary bytes as a rule file: parsed, checked, every diagnostic format
//! rendered, formatted (which must keep the meaning and be idempotent), and,
//! if the file is valid, its test blocks run.
#![no_main]

use ceasefire::check::{Workspace, check_files, combine};
use ceasefire::format::{FormatError, format_text};
use ceasefire::report::check::{github, json, sarif};
use ceasefire::report::human::{Style, render_all};
use ceasefire::run_tests;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut workspace = Workspace::new();
    let id = workspace.load_bytes("fuzz.cfr", data.to_vec());
    let outcome = check_files(&mut workspace, &[id]);
    let sources = &workspace.sources;
    render_all(sources, &outcome.diagnostics, Style::plain());
    json::check_report(sources, outcome.files.len(), &outcome.diagnostics);
    sarif::log(sources, &outcome.diagnostics);
    github::annotations(sources, &outcome.diagnostics);

    if let Ok(text) = std::str::from_utf8(data) {
        match format_text(id, text) {
            Ok(formatted) => match format_text(id, &formatted) {
                Ok(again) => assert_eq!(again, formatted, "formatting is not idempotent"),
                Err(e) => panic!("formatted text does not format again: {e:?}\n{formatted}"),
            },
            Err(FormatError::Syntax(_)) => {}
            Err(FormatError::Changed(d)) => panic!("the formatter changed the meaning: {}", d.message),
        }
    }

    if outcome.diagnostics.iter().any(|d| d.is_error()) {
        return;
    }
    let (model, clashes) = combine(&workspace, &outcome.units);
    if clashes.is_empty() {
        run_tests(&model);
    }
});
