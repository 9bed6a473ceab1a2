//! `ceasefire verify [PATHS] --log FILE...`: judge every rule against the logs.

use super::output::{
    ColorChoice, MaxErrors, emit, error_style, refuse_input_as_output, report_errors, style, write_to,
};
use super::progress::Progress;
use super::rule_files::RuleFiles;
use super::status::Status;
use ceasefire::check::Workspace;
use ceasefire::diagnostic::{Code, Diagnostic};
use ceasefire::log::{LogFormat, LogSet};
use ceasefire::report::human::render_all;
use ceasefire::report::verify::VerifyReport;
use ceasefire::time::{Stamp, parse_stamp};
use ceasefire::verdict::Verdict;
use ceasefire::verify::{Rules, RulesError, VerifyError, VerifyOptions};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::Arc;

/// Arguments of `verify`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    files: RuleFiles,

    /// Observation logs (`.jsonl`, `.ndjson`, `.csv`, optionally `.gz`; `-` for standard input);
    /// `NAME=FILE` reads a log through the rule files' source NAME.
    #[arg(long = "log", value_name = "[NAME=]FILE", required = true, num_args = 1..)]
    logs: Vec<PathBuf>,

    /// The format of the logs, when their names do not say.
    #[arg(long, value_enum)]
    log_format: Option<LogFormat>,

    /// Judge as of this time: later observations are ignored (RFC 3339 with an offset, or a date).
    #[arg(long, value_name = "TIME")]
    as_of: Option<String>,

    /// Judge only this rule (repeatable).
    #[arg(long = "rule", value_name = "ID")]
    rules: Vec<String>,

    /// The verdict at or above which the exit status is 1.
    #[arg(long, value_enum, default_value_t = FailOn::Violated)]
    fail_on: FailOn,

    /// Compare with an earlier JSON report of the same rules and show what
    /// changed first (it may be the `-o` file: it is read before the report
    /// is written)
    #[arg(long, value_name = "OLD.json")]
    baseline: Option<PathBuf>,

    /// Apply `--fail-on` to what changed since the baseline: exit 1 only for
    /// an instance newly at or above it, or a new finding at or above it
    #[arg(long, requires = "baseline")]
    fail_on_new: bool,

    /// The logs are meant to be in time order: records out of order are a
    /// warning (CF1105), not only a fact of the report
    #[arg(long)]
    expect_sorted: bool,

    /// Treat the logs' warnings as errors: exit status 1 if there are any
    #[arg(long)]
    deny_warnings: bool,

    #[command(flatten)]
    lints: super::lints::Lints,

    /// Judge the valid records and report the invalid ones as skipped.
    #[arg(long)]
    skip_invalid: bool,

    /// List at most N invalid records (default 50) and N errors in rule
    /// files (default all); 0 lists all. The rest are counted.
    #[arg(long, value_name = "N")]
    max_errors: Option<usize>,

    /// List at most N findings of each rule, all its instances together
    /// (default 10000; 0 lists all); the rest are counted and a note says so.
    #[arg(long, value_name = "N")]
    max_findings: Option<u64>,

    /// List at most N slices of each rate or aggregate rule's series in the
    /// JSON and CSV reports, all its instances together (default 20000; 0
    /// lists all); the rest are counted.
    #[arg(long, value_name = "N", default_value_t = ceasefire::report::verify::MAX_SLICES)]
    max_slices: u64,

    /// How to write the report.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,

    /// Write the report to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Draw no progress bar on standard error (it is drawn only on a terminal anyway).
    #[arg(short, long)]
    quiet: bool,
}

/// `--fail-on`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum FailOn {
    /// Exit 1 if any rule is violated.
    Violated,
    /// Exit 1 if any rule is violated or indeterminate.
    Indeterminate,
    /// Exit 1 if any rule is violated, indeterminate or pending.
    Pending,
}

/// `verify --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// A summary, then each violated, indeterminate and pending rule with its evidence.
    Human,
    /// The JSON report of CLI.md.
    Json,
    /// Markdown: the summary, a table of rules, each violated and pending rule with its evidence.
    Markdown,
    /// One self-contained HTML page with a timeline per rule, filters and sortable tables.
    Html,
    /// JUnit XML: a test case per rule instance (violated fails, pending is skipped).
    Junit,
    /// CSV: a row per rule instance, per slice of a rate or aggregate rule's series, and per finding.
    Csv,
}

/// Runs `verify`.
pub fn run(args: Args, color: ColorChoice) -> Status {
    match verify(args, color) {
        Ok(status) => status,
        Err(errors) => {
            report_errors(&errors, color);
            Status::Failed
        }
    }
}

fn verify(args: Args, color: ColorChoice) -> Result<Status, Vec<Diagnostic>> {
    let as_of = args.as_of.as_deref().map(parse_as_of).transpose()?;
    let levels = args.lints.levels()?;
    // The rules first: rule files with errors stop the run.
    let mut rules = match Rules::check(args.files.workspace()?, &args.files.paths()) {
        Ok(rules) => rules,
        Err(RulesError::Run(errors)) => return Err(errors),
        Err(RulesError::Invalid { workspace, diagnostics }) => {
            let errors: Vec<Diagnostic> = diagnostics.into_iter().filter(Diagnostic::is_error).collect();
            print_rule_errors(&workspace, &errors, MaxErrors::new(args.max_errors), color);
            return Ok(Status::Failed);
        }
    };
    // A rule-file warning denied (`--deny`) is an error that stops the run.
    levels.apply(&mut rules.warnings);
    let denied: Vec<Diagnostic> = rules.warnings.iter().filter(|d| d.is_error()).cloned().collect();
    if !denied.is_empty() {
        print_rule_errors(&rules.workspace, &denied, MaxErrors::new(args.max_errors), color);
        return Ok(Status::Failed);
    }
    let as_of = as_of.map(|a| resolve_as_of(a, rules.model.calendar)).transpose()?;
    let baseline = args.baseline.as_deref().map(read_baseline).transpose()?;
    let (paths, sources) = log_arguments(&args.logs, &rules.model)?;
    let stdin = if paths.iter().any(|p| p.as_os_str() == "-") {
        Some(read_stdin()?)
    } else {
        None
    };
    let mut logs = LogSet::new(&paths, args.log_format, stdin)?;
    for (index, source) in sources.iter().enumerate() {
        if let Some(source) = source {
            logs = logs.read_through(index, source);
        }
    }
    let inputs: Vec<&std::path::Path> = paths
        .iter()
        .map(|p| p.as_path())
        .chain(rules.workspace.sources.files().map(|(_, f)| f.path.as_path()))
        .collect();
    refuse_input_as_output(args.output.as_deref(), &inputs).map_err(|e| vec![e])?;
    let total = logs
        .inputs
        .iter()
        .filter_map(|i| i.path.as_ref())
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let compressed = logs.inputs.iter().any(|i| i.gzip || i.path.is_none());
    let counter = Arc::new(ceasefire::verify::Progress::default());
    let progress = Progress::start(if compressed { 0 } else { total }, counter.clone(), args.quiet);
    let options = VerifyOptions {
        as_of,
        rules: args.rules,
        skip_invalid: args.skip_invalid,
        max_invalid: match args.max_errors {
            None => VerifyOptions::default().max_invalid,
            Some(0) => usize::MAX,
            Some(n) => n,
        },
        max_findings_per_rule: args
            .max_findings
            .unwrap_or(VerifyOptions::default().max_findings_per_rule),
        progress: Some(counter),
        ..VerifyOptions::default()
    };
    let verified = ceasefire::verify(&rules.model, &logs, &options);
    progress.finish();
    let mut verified = match verified {
        Ok(verified) => verified,
        Err(VerifyError::UnknownRules(errors)) => return Err(errors),
        Err(VerifyError::InvalidRecords(read)) => {
            print_invalid(&read, color);
            return Ok(Status::Failed);
        }
        Err(error @ (VerifyError::TooManyInstances(_) | VerifyError::OutOfRange { .. })) => {
            let diagnostic = error.diagnostic(&rules.model);
            let text = render_all(&rules.workspace.sources, &[diagnostic], error_style(color));
            let mut stderr = std::io::stderr().lock();
            let _ = stderr.write_all(text.as_bytes());
            let _ = writeln!(stderr, "\nnothing was judged");
            return Ok(Status::Failed);
        }
        Err(VerifyError::Spool(e)) => return Err(spool_error(e)),
    };
    // Log warnings allowed (`--allow`) are left out of the report; one
    // denied (`--deny`) makes the exit status 1.
    // Published datasets are often out of time order: unless the logs are
    // expected sorted, that is a fact of the report, not a warning.
    let out_of_order: Vec<_> = if args.expect_sorted {
        Vec::new()
    } else {
        let (order, rest) = std::mem::take(&mut verified.read.warnings)
            .into_iter()
            .partition(|w| w.code == Code::OutOfOrder);
        verified.read.warnings = rest;
        order
    };
    // And those a rule file allows (`allow CF1103`) or denies (`deny`).
    let files: Vec<_> = rules.units.iter().flat_map(|u| u.files.iter().copied()).collect();
    let file_allowed: Vec<Code> = files
        .iter()
        .flat_map(|&f| ceasefire::check::allow_codes(rules.workspace.tree(f)).0)
        .collect();
    let file_denied: Vec<Code> = files
        .iter()
        .flat_map(|&f| ceasefire::check::deny_codes(rules.workspace.tree(f)).0)
        .collect();
    verified
        .read
        .warnings
        .retain(|w| !levels.allows(w.code) && !file_allowed.contains(&w.code));
    let denied_log = verified
        .read
        .warnings
        .iter()
        .any(|w| levels.denies(w.code) || file_denied.contains(&w.code))
        || (args.deny_warnings && !verified.read.warnings.is_empty());
    let report = VerifyReport {
        model: &rules.model,
        sources: &rules.workspace.sources,
        evaluation: &verified.evaluation,
        logs: &logs,
        read: &verified.read,
        as_of_given: as_of.is_some(),
        max_slices: args.max_slices,
        baseline: baseline.as_ref(),
        out_of_order,
    };
    match args.format {
        Format::Human => {
            // The records shown as evidence, as they stand in the logs.
            let records = logs.record_texts(&report.shown_records());
            emit(
                args.output.as_deref(),
                &report.human(style(color, args.output.is_some()), &records),
            )
        }
        Format::Json => write_to(args.output.as_deref(), |out| report.write_json(out)),
        Format::Markdown => emit(args.output.as_deref(), &report.markdown()),
        Format::Html => emit(args.output.as_deref(), &report.html()),
        Format::Junit => emit(args.output.as_deref(), &report.junit()),
        Format::Csv => write_to(args.output.as_deref(), |out| report.write_csv(out)),
    }
    .map_err(|e| vec![e])?;
    // A log not read to its end is a failed run, whatever the verdicts: the
    // report above says what was lost.
    if !report.lost().is_empty() {
        return Ok(Status::Failed);
    }
    let threshold = match args.fail_on {
        FailOn::Violated => Verdict::Violated,
        FailOn::Indeterminate => Verdict::Indeterminate,
        FailOn::Pending => Verdict::Pending,
    };
    let failed = denied_log
        || match report.changes() {
            Some(changes) if args.fail_on_new => changes.reach(threshold),
            _ => verified.evaluation.rules.iter().any(|r| r.verdict >= threshold),
        };
    // The process ends once the status is out: the findings, their
    // evidence and the log's summary are left to the system to take back
    // rather than freed one allocation at a time (about two fifths of
    // the time after the last record on a large log).
    std::mem::forget(verified);
    Ok(if failed { Status::Problems } else { Status::Ok })
}

/// The paths of the logs, and the source each is read through, if any.
type LogArguments = (Vec<PathBuf>, Vec<Option<String>>);

/// Each `--log` as a path and, for `NAME=PATH`, the source it is read
/// through (LANGUAGE-v2 §11). An argument with `=` names a source when
/// what comes before it is a name and the whole argument is no existing
/// file; a name no rule file declares is an error (CF0913).
fn log_arguments(arguments: &[PathBuf], model: &ceasefire::check::Model) -> Result<LogArguments, Vec<Diagnostic>> {
    let (mut paths, mut sources, mut errors) = (Vec::new(), Vec::new(), Vec::new());
    for argument in arguments {
        let text = argument.to_string_lossy();
        let named = text.split_once('=').filter(|(name, _)| {
            let mut chars = name.chars();
            chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        match named {
            Some((name, path)) if model.sources.iter().any(|s| s.name == name) => {
                paths.push(PathBuf::from(path));
                sources.push(Some(name.to_string()));
            }
            Some((name, _)) if !argument.exists() => {
                let declared = model.sources.iter().map(|s| s.name.as_str());
                let help = match ceasefire::check::did_you_mean(name, declared.clone()) {
                    Some(meant) => format!("did you mean `{meant}`?"),
                    None if model.sources.is_empty() => {
                        "declare it in a rule file (`source NAME { kind = ..., time = ... }`), or `include \"std:ucdp-ged\"` or `\"std:acled\"`".to_string()
                    }
                    None => format!(
                        "the rule files declare {}",
                        declared.map(|d| format!("`{d}`")).collect::<Vec<_>>().join(", ")
                    ),
                };
                errors.push(
                    Diagnostic::without_span(
                        Code::UnknownSource,
                        format!("no rule file declares a source `{name}` (in `--log {text}`)"),
                    )
                    .with_help(help),
                );
            }
            _ => {
                paths.push(argument.clone());
                sources.push(None);
            }
        }
    }
    if errors.is_empty() {
        Ok((paths, sources))
    } else {
        Err(errors)
    }
}

/// The error of a run whose temporary spool of observations failed.
fn spool_error(e: std::io::Error) -> Vec<Diagnostic> {
    vec![
        Diagnostic::without_span(
            Code::CannotWrite,
            format!("cannot keep the observations in a temporary file: {e}"),
        )
        .with_help("check that the temporary folder ($TMPDIR) has room"),
    ]
}

/// `--as-of` as written: checked before the rules are read.
fn parse_as_of(text: &str) -> Result<(String, Stamp), Vec<Diagnostic>> {
    parse_stamp(text).map(|t| (text.to_string(), t)).map_err(|e| {
        vec![
            Diagnostic::without_span(Code::InvalidAsOf, format!("`--as-of {text}` is not a valid time: {e}"))
                .with_help(
                    "write RFC 3339 with an offset, as in `2025-02-20T12:00:00Z`, or a date such as `2025-02-20`",
                ),
        ]
    })
}

/// `--as-of` in the rules' calendar (LANGUAGE-v2 §10): a date is its local
/// midnight, a time without an offset a local time (an error without a
/// calendar, as in v1).
fn resolve_as_of(
    (text, stamp): (String, Stamp),
    calendar: Option<ceasefire::time::Calendar>,
) -> Result<chrono::DateTime<chrono::Utc>, Vec<Diagnostic>> {
    let invalid = |why: String| {
        vec![
            Diagnostic::without_span(
                Code::InvalidAsOf,
                format!("`--as-of {text}` is not a valid time: {why}"),
            )
            .with_help("write RFC 3339 with an offset, as in `2025-02-20T12:00:00Z`, or a date such as `2025-02-20`"),
        ]
    };
    if matches!(stamp, Stamp::Local(_)) && calendar.is_none() {
        return Err(invalid(
            "it has no UTC offset, and the rules set no `calendar` to read it in".to_string(),
        ));
    }
    stamp
        .resolve(calendar.unwrap_or_default())
        .map_err(|e| invalid(e.to_string()))
}

fn read_stdin() -> Result<Vec<u8>, Vec<Diagnostic>> {
    let mut bytes = Vec::new();
    std::io::stdin().read_to_end(&mut bytes).map_err(|e| {
        vec![Diagnostic::without_span(
            Code::UnreadableLog,
            format!("cannot read standard input: {e}"),
        )]
    })?;
    Ok(bytes)
}

fn print_rule_errors(workspace: &Workspace, errors: &[Diagnostic], max: MaxErrors, color: ColorChoice) {
    let (shown, omitted) = max.shown(errors);
    let text = render_all(&workspace.sources, &shown, error_style(color));
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(text.as_bytes());
    if let Some(note) = max.note(omitted) {
        let _ = writeln!(stderr, "{note}");
    }
    let _ = writeln!(
        stderr,
        "\nthe rule files have errors; nothing was judged (`ceasefire check` shows them too)"
    );
}

fn print_invalid(read: &ceasefire::log::ReadLog, color: ColorChoice) {
    let style = error_style(color);
    let mut stderr = std::io::stderr().lock();
    for problem in &read.invalid {
        let _ = stderr.write_all(ceasefire::report::verify::problems::render(problem, style).as_bytes());
        let _ = stderr.write_all(b"\n");
    }
    let listed = read
        .invalid
        .iter()
        .filter(|p| p.place.is_some() && p.code != Code::MissingColumn)
        .count() as u64;
    let invalid = read.invalid_count();
    if invalid > listed && listed > 0 {
        let _ = writeln!(
            stderr,
            "… and {} more invalid records (the first {listed} are shown; --max-errors 0 lists all)",
            invalid - listed
        );
    }
    let records = if invalid == 1 {
        "1 invalid record".to_string()
    } else {
        format!("{invalid} invalid records")
    };
    let _ = writeln!(
        stderr,
        "{records} of {}; nothing was judged. Fix them, or judge the valid ones with --skip-invalid",
        read.records
    );
}

/// The largest baseline read: far above any report `verify` writes with
/// its default limits.
const MAX_BASELINE_BYTES: u64 = 1 << 30;

/// Reads `--baseline`: a JSON report of `verify`, or CF0914 saying why
/// not (without quoting the file).
fn read_baseline(path: &std::path::Path) -> Result<ceasefire::report::verify::baseline::Baseline, Vec<Diagnostic>> {
    let shown = path.display().to_string();
    let refuse = |why: String| {
        vec![
            Diagnostic::without_span(Code::InvalidBaseline, format!("`{shown}` cannot be the baseline: {why}"))
            .with_help(
                "give the JSON report of an earlier run of the same rules: `ceasefire verify ... --format json -o OLD.json`",
            ),
        ]
    };
    let file = std::fs::File::open(path).map_err(|e| refuse(format!("it cannot be read ({})", e.kind())))?;
    let mut text = String::new();
    file.take(MAX_BASELINE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|_| refuse("it cannot be read as UTF-8 text".to_string()))?;
    if text.len() as u64 > MAX_BASELINE_BYTES {
        return Err(refuse("it is larger than 1 GiB".to_string()));
    }
    ceasefire::report::verify::baseline::Baseline::from_json(&text).map_err(refuse)
}
