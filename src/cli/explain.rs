//! `ceasefire explain CODE`: the long explanation of a diagnostic code.

use super::output::{ColorChoice, emit, report_errors};
use super::status::Status;
use ceasefire::check::did_you_mean;
use ceasefire::diagnostic::{Code, Diagnostic};

/// Arguments of `explain`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A code such as `CF0201`; without one, every code is listed.
    code: Option<String>,
}

/// Runs `explain`.
pub fn run(args: Args, color: ColorChoice) -> Status {
    let text = match args.code {
        None => Code::ALL
            .iter()
            .map(|c| format!("{}  {:<8} {}\n", c.as_str(), c.severity().as_str(), c.title()))
            .collect(),
        Some(text) => match Code::parse(&text) {
            Some(code) => code.explanation().to_string(),
            None => {
                let wanted = text.to_uppercase();
                let help = did_you_mean(&wanted, Code::ALL.iter().map(|c| c.as_str()))
                    .map(|c| format!("did you mean `{c}`? `ceasefire explain` lists every code"))
                    .unwrap_or_else(|| "`ceasefire explain` lists every code".to_string());
                let error =
                    Diagnostic::without_span(Code::UnknownCode, format!("there is no diagnostic code `{text}`"))
                        .with_help(help);
                report_errors(&[error], color);
                return Status::Failed;
            }
        },
    };
    match emit(None, &text) {
        Ok(()) => Status::Ok,
        Err(error) => {
            report_errors(&[error], color);
            Status::Failed
        }
    }
}
