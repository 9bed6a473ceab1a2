//! `ceasefire fmt [--check] [--diff] [PATHS]`: rewrite rule files in the
//! canonical layout.

use super::output::{ColorChoice, default_paths, emit, error_style, replace_file, report_errors};
use super::status::Status;
use ceasefire::check::{Workspace, discover};
use ceasefire::diagnostic::{Code, Diagnostic};
use ceasefire::format::{FormatError, format_text};
use ceasefire::report::human::render_all;
use ceasefire::report::markup::{terminal, terminal_line};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Arguments of `fmt`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Rule files or folders (searched recursively for `*.cfr`); `-` formats
    /// standard input to standard output.
    #[arg(default_value = "rules")]
    paths: Vec<PathBuf>,

    /// Write nothing; list the files that would change and exit 1 if any would.
    #[arg(long)]
    check: bool,

    /// With `--check` (which it implies), show each change as a unified diff.
    #[arg(long)]
    diff: bool,
}

/// Runs `fmt`.
pub fn run(args: Args, color: ColorChoice) -> Status {
    let check = args.check || args.diff;
    let paths = default_paths(args.paths);
    if paths.iter().any(|p| p.as_os_str() == "-") {
        if paths.len() > 1 {
            report_errors(
                &[
                    Diagnostic::without_span(Code::CannotRead, "`-` cannot be formatted together with files")
                        .with_help("format standard input on its own: `ceasefire fmt -`"),
                ],
                color,
            );
            return Status::Failed;
        }
        return standard_input(check, args.diff, color);
    }
    let (files, errors) = discover(&paths);
    if !errors.is_empty() {
        report_errors(&errors, color);
        return Status::Failed;
    }
    let mut workspace = Workspace::new();
    let mut status = Status::Ok;
    let mut printed = String::new();
    for path in &files {
        let name = path.display().to_string();
        let id = match workspace.load(&name, path) {
            Ok(id) => id,
            Err(e) => {
                let error = Diagnostic::without_span(e.code(), format!("cannot read `{name}`: {}", e.describe()))
                    .with_help(e.help());
                report_errors(&[error], color);
                status = Status::Failed;
                continue;
            }
        };
        let text = workspace.sources.file(id).text.clone();
        let problems = workspace.file_diagnostics(id);
        let formatted = if problems.iter().any(Diagnostic::is_error) {
            Err(FormatError::Syntax(problems.to_vec()))
        } else {
            format_text(id, &text)
        };
        let formatted = match formatted {
            Ok(formatted) => formatted,
            Err(error) => {
                print_error(&workspace, error, color);
                status = Status::Failed;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        if check {
            printed.push_str(&terminal_line(&name));
            printed.push('\n');
            if args.diff {
                printed.push_str(&terminal(&diff(&name, &text, &formatted)));
            }
            if status == Status::Ok {
                status = Status::Problems;
            }
        } else if let Err(e) = replace_file(path, text.as_bytes(), formatted.as_bytes()) {
            let error = Diagnostic::without_span(Code::CannotWrite, format!("cannot write `{name}`: {e}"))
                .with_help("check that the file is writable");
            report_errors(&[error], color);
            status = Status::Failed;
        }
    }
    if let Err(error) = emit(None, &printed) {
        report_errors(&[error], color);
        return Status::Failed;
    }
    status
}

/// `fmt -`: standard input to standard output (or, with `--check`, only the verdict).
fn standard_input(check: bool, diff_wanted: bool, color: ColorChoice) -> Status {
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
        report_errors(
            &[Diagnostic::without_span(
                Code::CannotRead,
                format!("cannot read standard input: {e}"),
            )],
            color,
        );
        return Status::Failed;
    }
    let mut workspace = Workspace::new();
    let id = workspace.load_text("-", &String::from_utf8_lossy(&bytes));
    let problems = workspace.file_diagnostics(id).to_vec();
    let text = workspace.sources.file(id).text.clone();
    let result = match std::str::from_utf8(&bytes) {
        Err(e) => Err(FormatError::Syntax(vec![
            Diagnostic::new(
                Code::InvalidUtf8,
                ceasefire::source::Span::new(id, e.valid_up_to(), e.valid_up_to() + 1),
                "standard input is not valid UTF-8",
            )
            .with_label("invalid byte here")
            .with_help("save the file as UTF-8"),
        ])),
        Ok(_) if problems.iter().any(Diagnostic::is_error) => Err(FormatError::Syntax(problems)),
        Ok(_) => format_text(id, &text),
    };
    let formatted = match result {
        Ok(formatted) => formatted,
        Err(error) => {
            print_error(&workspace, error, color);
            return Status::Failed;
        }
    };
    let (printed, status) = match (check, formatted == text) {
        (true, true) => return Status::Ok,
        (true, false) if diff_wanted => (terminal(&diff("-", &text, &formatted)).into_owned(), Status::Problems),
        (true, false) => ("-\n".to_string(), Status::Problems),
        (false, _) => (formatted, Status::Ok),
    };
    // A failed write (a full disk, `> /dev/full`) fails the run.
    if let Err(error) = emit(None, &printed) {
        report_errors(&[error], color);
        return Status::Failed;
    }
    status
}

fn print_error(workspace: &Workspace, error: FormatError, color: ColorChoice) {
    let diagnostics = match error {
        FormatError::Syntax(diagnostics) => diagnostics,
        FormatError::Changed(diagnostic) => vec![diagnostic],
    };
    let text = render_all(&workspace.sources, &diagnostics, error_style(color));
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// A unified diff from the file to its formatted text.
fn diff(name: &str, old: &str, new: &str) -> String {
    let path = Path::new(name);
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&path.display().to_string(), &format!("{} (formatted)", path.display()))
        .to_string()
}
