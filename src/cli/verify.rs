//! `ceasefire verify [PATHS] --log FILE...`: judge every rule against the logs.

use super::Status;
use super::output::{ColorChoice, MaxErrors, default_paths, emit, error_style, report_errors, style, write_to};
use super::progress::Progress;
use ceasefire::check::{Workspace, check_paths, combine, did_you_mean};
use ceasefire::diagnostic::{Code, Diagnostic};
use ceasefire::eval::{EvalOptions, Judge, TooManyInstances, evaluate_from};
use ceasefire::log::{LogFormat, LogSet, ReadOptions, Spool, read_into};
use ceasefire::report::verify::VerifyReport;
use ceasefire::time::parse_timestamp;
use ceasefire::verdict::Verdict;
use std::io::{Read, Write};
use std::path::PathBuf;

/// Arguments of `verify`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Rule files or folders (searched recursively for `*.cfr`).
    #[arg(default_value = "rules")]
    paths: Vec<PathBuf>,

    /// Observation logs (`.jsonl`, `.ndjson`, `.csv`, optionally `.gz`; `-` for standard input).
    #[arg(long = "log", value_name = "FILE", required = true, num_args = 1..)]
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

    /// Judge the valid records and report the invalid ones as skipped.
    #[arg(long)]
    skip_invalid: bool,

    /// List at most N invalid records (default 50) and N errors in rule
    /// files (default all); 0 lists all. The rest are counted.
    #[arg(long, value_name = "N")]
    max_errors: Option<usize>,

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
    /// Exit 1 if any rule is violated or pending.
    Pending,
}

/// `verify --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// A summary, then each violated and pending rule with its evidence.
    Human,
    /// The JSON report of CLI.md.
    Json,
    /// Markdown: the summary, a table of rules, each violated and pending rule with its evidence.
    Markdown,
    /// One self-contained HTML page with a timeline per rule, filters and sortable tables.
    Html,
    /// JUnit XML: a test case per rule instance (violated fails, pending is skipped).
    Junit,
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
    // The rules first: rule files with errors stop the run.
    let mut workspace = Workspace::new();
    let outcome = check_paths(&mut workspace, &default_paths(args.paths));
    if !outcome.run_errors.is_empty() {
        return Err(outcome.run_errors);
    }
    let errors: Vec<Diagnostic> = outcome.diagnostics.iter().filter(|d| d.is_error()).cloned().collect();
    if !errors.is_empty() {
        print_rule_errors(&workspace, &errors, MaxErrors::new(args.max_errors), color);
        return Ok(Status::Failed);
    }
    let (model, conflicts) = combine(&workspace, &outcome.units);
    if !conflicts.is_empty() {
        print_rule_errors(&workspace, &conflicts, MaxErrors::new(args.max_errors), color);
        return Ok(Status::Failed);
    }
    let selected = select(&model, &args.rules)?;
    let stdin = if args.logs.iter().any(|p| p.as_os_str() == "-") {
        Some(read_stdin()?)
    } else {
        None
    };
    let logs = LogSet::new(&args.logs, args.log_format, stdin)?;
    let read_bytes = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let options = ReadOptions {
        as_of,
        progress: Some(read_bytes.clone()),
        max_problems: match args.max_errors {
            None => ReadOptions::default().max_problems,
            Some(0) => usize::MAX,
            Some(n) => n,
        },
        ..ReadOptions::default()
    };
    let total = logs
        .inputs
        .iter()
        .filter_map(|i| i.path.as_ref())
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let compressed = logs.inputs.iter().any(|i| i.gzip || i.path.is_none());
    let mut progress = Progress::start(if compressed { 0 } else { total }, read_bytes, args.quiet);
    let eval_options = EvalOptions {
        as_of,
        rules: selected,
        ..EvalOptions::default()
    };
    // With one log, rules that need no first look through it are judged as
    // it is read, while its records come in order. Otherwise observations go
    // to a spool as they are read, and the spool is replayed in time order,
    // so that a long log is judged without holding it in memory.
    let mut judge = if logs.inputs.len() == 1 {
        Judge::at_once(&model, &eval_options)
    } else {
        None
    };
    let mut spool = if judge.is_none() {
        Some(Spool::new(logs.inputs.len()).map_err(spool_error)?)
    } else {
        None
    };
    let mut spooled: std::io::Result<()> = Ok(());
    let mut last = None;
    let mut in_order = true;
    let mut read = read_into(&model, &logs, &options, &mut |o| {
        if let Some(spool) = spool.as_mut()
            && spooled.is_ok()
        {
            spooled = spool.push(o);
        }
        let order = o.order();
        if in_order && last.is_none_or(|l| l <= order) {
            last = Some(order);
            if let Some(judge) = judge.as_mut() {
                judge.observe(o);
            }
        } else {
            in_order = false;
        }
    });
    spooled.map_err(spool_error)?;
    progress.judging();
    if !read.invalid.is_empty() && !args.skip_invalid {
        progress.finish();
        print_invalid(&read, color);
        return Ok(Status::Failed);
    }
    if args.skip_invalid && read.invalid_count() > 0 {
        let skipped = read.invalid_count();
        let names: Vec<&str> = logs.inputs.iter().map(|i| i.name.as_str()).collect();
        read.warnings.insert(
            0,
            ceasefire::log::LogProblem::about(
                Code::SkippedRecords,
                &names.join(", "),
                format!("{skipped} invalid records were skipped (--skip-invalid); the verdicts leave them out"),
            )
            .with_help("the JSON report lists each skipped record with its reason")
            .with_count(skipped),
        );
    }
    let evaluation = match (judge, spool) {
        (Some(judge), _) if in_order => judge.finish(as_of.or(read.latest)),
        (_, Some(spool)) => {
            let options = EvalOptions {
                latest: read.latest,
                ..eval_options
            };
            let mut replay = spool.finish().map_err(spool_error)?;
            match evaluate_from(&model, &mut replay, &options) {
                Ok(evaluation) => evaluation,
                Err(e) => return judge_error(&model, &workspace, e, color),
            }
        }
        // A log out of order: read it again into memory, sorted.
        (_, None) => {
            let (_, observations) = ceasefire::log::read(&model, &logs, &options);
            let options = EvalOptions {
                latest: read.latest,
                ..eval_options
            };
            match evaluate_from(&model, &mut observations.as_slice(), &options) {
                Ok(evaluation) => evaluation,
                Err(e) => return judge_error(&model, &workspace, e, color),
            }
        }
    };
    progress.finish();
    let report = VerifyReport {
        model: &model,
        sources: &workspace.sources,
        evaluation: &evaluation,
        logs: &logs,
        read: &read,
        as_of_given: as_of.is_some(),
    };
    match args.format {
        Format::Human => emit(
            args.output.as_deref(),
            &report.human(style(color, args.output.is_some())),
        ),
        Format::Json => write_to(args.output.as_deref(), |out| report.write_json(out)),
        Format::Markdown => emit(args.output.as_deref(), &report.markdown()),
        Format::Html => emit(args.output.as_deref(), &report.html()),
        Format::Junit => emit(args.output.as_deref(), &report.junit()),
    }
    .map_err(|e| vec![e])?;
    let threshold = match args.fail_on {
        FailOn::Violated => Verdict::Violated,
        FailOn::Pending => Verdict::Pending,
    };
    let failed = evaluation.rules.iter().any(|r| r.verdict >= threshold);
    Ok(if failed { Status::Problems } else { Status::Ok })
}

/// A judging pass that could not be done: a rule with too many instances
/// (a diagnostic at the rule, status 2), or a spool that failed.
fn judge_error(
    model: &ceasefire::check::Model,
    workspace: &Workspace,
    e: std::io::Error,
    color: ColorChoice,
) -> Result<Status, Vec<Diagnostic>> {
    let Some(too_many) = e.get_ref().and_then(|inner| inner.downcast_ref::<TooManyInstances>()) else {
        return Err(spool_error(e));
    };
    let rule = &model.rules[too_many.rule];
    let diagnostic = Diagnostic::new(Code::TooManyInstances, rule.id_span, too_many.to_string())
        .with_label("too many instances")
        .with_help(
            "each value of a `for each … of` field gives the rule an instance; narrow the rule (for example \
             `for each zone`), or judge it on part of the log with --rule and a filtered log",
        );
    let text = ceasefire::report::human::render_all(&workspace.sources, &[diagnostic], error_style(color));
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(text.as_bytes());
    let _ = writeln!(stderr, "\nnothing was judged");
    Ok(Status::Failed)
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

fn parse_as_of(text: &str) -> Result<chrono::DateTime<chrono::Utc>, Vec<Diagnostic>> {
    parse_timestamp(text).map(|t| t.to_utc()).map_err(|e| {
        vec![
            Diagnostic::without_span(Code::InvalidAsOf, format!("`--as-of {text}` is not a valid time: {e}"))
                .with_help(
                    "write RFC 3339 with an offset, as in `2025-02-20T12:00:00Z`, or a date such as `2025-02-20`",
                ),
        ]
    })
}

/// The indices of the rules named with `--rule` (`None`: all rules).
fn select(model: &ceasefire::check::Model, ids: &[String]) -> Result<Option<Vec<usize>>, Vec<Diagnostic>> {
    if ids.is_empty() {
        return Ok(None);
    }
    let mut selected = Vec::new();
    let mut errors = Vec::new();
    for id in ids {
        let matching: Vec<usize> = (0..model.rules.len()).filter(|&i| &model.rules[i].id == id).collect();
        if matching.is_empty() {
            let help = did_you_mean(id, model.rules.iter().map(|r| r.id.as_str()))
                .map(|r| format!("did you mean `{r}`?"))
                .unwrap_or_else(|| "`ceasefire check` lists the rules of the rule files".to_string());
            errors.push(
                Diagnostic::without_span(Code::UnknownRuleArgument, format!("there is no rule `{id}`")).with_help(help),
            );
        }
        selected.extend(matching);
    }
    selected.sort_unstable();
    selected.dedup();
    if errors.is_empty() {
        Ok(Some(selected))
    } else {
        Err(errors)
    }
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
    let text = ceasefire::report::human::render_all(&workspace.sources, &shown, error_style(color));
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
        let _ = stderr.write_all(ceasefire::report::log::render(problem, style).as_bytes());
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
