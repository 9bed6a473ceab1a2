//! What the fuzz targets share: the rule set logs are read against, and the
//! checks every read log must pass besides not crashing.

#![allow(dead_code)]

use ceasefire::VerifyOptions;
use ceasefire::check::{Model, Workspace, check_files, combine};
use ceasefire::eval::{EvalOptions, Evaluation, evaluate};
use ceasefire::log::{LogFormat, LogSet, ReadLog, ReadOptions, read};
use ceasefire::report::human::Style;
use ceasefire::report::verify::VerifyReport;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The rules every log is judged against: every field type, every form.
pub const RULES: &str = include_str!("../../rules.cfr");

/// The checked rule set, built once per process.
pub fn rules() -> &'static (Workspace, Model) {
    static RULES_MODEL: OnceLock<(Workspace, Model)> = OnceLock::new();
    RULES_MODEL.get_or_init(|| {
        let mut workspace = Workspace::new();
        let id = workspace.load_text("rules.cfr", RULES);
        let outcome = check_files(&mut workspace, &[id]);
        assert!(outcome.diagnostics.is_empty(), "{:?}", outcome.diagnostics);
        let (model, clashes) = combine(&workspace, &outcome.units);
        assert!(clashes.is_empty());
        (workspace, model)
    })
}

/// A horizon inside the times the targets generate, or none.
pub fn as_of(pick: u8) -> Option<chrono::DateTime<chrono::Utc>> {
    match pick % 3 {
        0 => None,
        1 => Some("2025-02-01T00:00:00Z".parse().expect("a time")),
        _ => Some("2025-01-20T12:00:00Z".parse().expect("a time")),
    }
}

/// Reads `bytes` as a log of `format` the way `verify` does, judges it and
/// renders every report, checking on the way that:
/// - reading in tiny chunks gives what reading in one chunk gives;
/// - no record is lost: observations + invalid + after `--as-of` = records;
/// - invalid records are listed up to the limit, each with its code;
/// - judging while reading (a log in time order) agrees with judging the
///   sorted observations.
pub fn read_and_judge(bytes: &[u8], format: LogFormat, pick: u8) {
    let (workspace, model) = rules();
    let mut logs = LogSet::new(&[PathBuf::from("-")], Some(format), Some(bytes.to_vec())).expect("standard input");
    // Some inputs are read through the rule set's source (LANGUAGE-v2 §11).
    if pick & 0x40 != 0 {
        logs = logs.read_through(0, "fz");
    }
    let as_of = as_of(pick);
    let options = ReadOptions {
        as_of,
        max_problems: 3,
        ..ReadOptions::default()
    };
    let (whole, observations) = read(model, &logs, &options);
    let tiny = ReadOptions {
        chunk_bytes: 1 + (pick as usize % 13),
        ..options.clone()
    };
    let (chunked, chunked_observations) = read(model, &logs, &tiny);
    assert_same_read(&whole, &chunked);
    assert_eq!(
        observations, chunked_observations,
        "chunked reading changed the observations"
    );

    assert_eq!(
        whole.observations + whole.invalid_count() + whole.skipped_count() + whole.after_as_of,
        whole.records,
        "records lost: {whole:?}"
    );
    // Invalid records are listed with their place up to the limit, each
    // covering its count; a problem with the whole file (a CSV header
    // without `time`, another encoding than UTF-8, a broken gzip stream)
    // has no place and covers every record it made unreadable.
    let listed: Vec<_> = whole.invalid.iter().filter(|p| p.place.is_some()).collect();
    let file_wide: u64 = whole
        .invalid
        .iter()
        .filter(|p| p.place.is_none())
        .map(|p| p.count)
        .sum();
    if listed.len() < 3 {
        let covered: u64 = listed.iter().map(|p| p.count).sum::<u64>() + file_wide;
        assert_eq!(covered, whole.invalid_count(), "invalid records not listed: {whole:?}");
    } else {
        assert_eq!(listed.len(), 3, "more listed than the limit: {whole:?}");
    }

    let eval_options = EvalOptions {
        as_of,
        latest: whole.latest,
        max_findings: 5,
        max_evidence: 5,
        ..EvalOptions::default()
    };
    let sorted = evaluate(model, &observations, &eval_options);
    // The front door picks its own strategy (judging while reading a log in
    // time order, the spool, or sorting in memory); it must agree.
    let front = ceasefire::verify(
        model,
        &logs,
        &VerifyOptions {
            as_of,
            skip_invalid: true,
            max_invalid: 3,
            max_findings: 5,
            max_evidence: 5,
            ..VerifyOptions::default()
        },
    );
    let sorted = match (sorted, front) {
        (Ok(sorted), Ok(mut front)) => {
            // Evidence of a log read through a source carries the record's
            // cells, which only the front door reads again: every report
            // renders with them, and the comparison leaves them out.
            let render = |evaluation: &Evaluation, others: bool| {
                report(workspace, model, evaluation, &logs, &whole, as_of.is_some(), others)
            };
            if bytes.len() % 4 == 0 {
                std::hint::black_box(render(&front.evaluation, true));
            }
            for evidence in front
                .evaluation
                .rules
                .iter_mut()
                .flat_map(|r| r.instances.iter_mut())
                .flat_map(|i| i.findings.iter_mut())
                .flat_map(|f| f.evidence.iter_mut())
            {
                evidence.record = None;
            }
            let a = render(&front.evaluation, false).0;
            let b = render(&sorted, false).0;
            assert_eq!(a, b, "the front door's strategy disagrees with judging the sorted log");
            sorted
        }
        (Err(_), Err(_)) => return,
        (sorted, front) => panic!("one judged, the other did not: {:?} / {:?}", sorted.err(), front.err()),
    };
    // The reports for reading are the slow part; every fourth input
    // renders them (above, from the front door's evaluation).
    std::hint::black_box(sorted);
}

/// The JSON report of an evaluation, and (if `others`) the size of the
/// others, rendered too.
pub fn report(
    workspace: &Workspace,
    model: &Model,
    evaluation: &Evaluation,
    logs: &LogSet,
    read: &ReadLog,
    as_of_given: bool,
    others: bool,
) -> (String, usize) {
    let report = VerifyReport {
        model,
        sources: &workspace.sources,
        evaluation,
        logs,
        read,
        as_of_given,
        max_slices: ceasefire::report::verify::MAX_SLICES,
        baseline: None,
        out_of_order: Vec::new(),
    };
    let mut json = Vec::new();
    report.write_json(&mut json).expect("writes to memory");
    let json = String::from_utf8(json).expect("the JSON report is UTF-8");
    serde_json::from_str::<serde_json::Value>(&json).expect("the JSON report is JSON");
    let others = if others {
        report
            .human(Style::plain(), &logs.record_texts(&report.shown_records()))
            .len()
            + report.markdown().len()
            + report.html().len()
            + report.junit().len()
    } else {
        0
    };
    (json, others)
}

fn assert_same_read(a: &ReadLog, b: &ReadLog) {
    assert_eq!(
        (a.records, a.observations, a.after_as_of, a.sorted, a.earliest, a.latest),
        (b.records, b.observations, b.after_as_of, b.sorted, b.earliest, b.latest),
        "chunked reading changed the counts"
    );
    assert_eq!(
        a.invalid_by_code, b.invalid_by_code,
        "chunked reading changed the invalid records"
    );
    assert_eq!(format!("{:?}", a.invalid), format!("{:?}", b.invalid));
    assert_eq!(format!("{:?}", a.warnings), format!("{:?}", b.warnings));
    assert_eq!(a.skipped_by_map, b.skipped_by_map, "chunked reading changed the skips");
}
