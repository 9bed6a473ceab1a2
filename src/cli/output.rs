//! Where output goes, and whether it is coloured.

use ceasefire::diagnostic::{Code, Diagnostic};
use ceasefire::report::human::{Style, render};
use ceasefire::source::SourceMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// How human output to standard output (or a file) should look.
pub fn style(choice: ColorChoice, to_file: bool) -> Style {
    let terminal = !to_file && std::io::stdout().is_terminal();
    style_for(choice, terminal)
}

/// How messages on standard error should look.
pub fn error_style(choice: ColorChoice) -> Style {
    style_for(choice, std::io::stderr().is_terminal())
}

fn style_for(choice: ColorChoice, terminal: bool) -> Style {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let color = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && !no_color,
    };
    let width = if terminal {
        terminal_size::terminal_size().map_or(100, |(w, _)| w.0 as usize)
    } else {
        Style::plain().width
    };
    Style { color, width }
}

/// Writes the report to `-o FILE` or standard output.
pub fn emit(output: Option<&Path>, text: &str) -> Result<(), Diagnostic> {
    write_to(output, |out| out.write_all(text.as_bytes()))
}

/// Lets `write` produce the report into `-o FILE` or standard output.
pub fn write_to(
    output: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Diagnostic> {
    let result = match output {
        Some(path) => std::fs::File::create(path).and_then(|mut file| write(&mut file).and_then(|()| file.flush())),
        None => {
            let mut stdout = std::io::stdout().lock();
            match write(&mut stdout).and_then(|()| stdout.flush()) {
                // A closed pipe (`| head`) is the reader's choice, not a failure.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other,
            }
        }
    };
    result.map_err(|e| {
        let target = output.map_or_else(|| "standard output".to_string(), |p| format!("`{}`", p.display()));
        Diagnostic::without_span(Code::CannotWrite, format!("cannot write to {target}: {e}"))
            .with_help("check that the folder exists and is writable")
    })
}

/// Prints problems of the run itself on standard error.
pub fn report_errors(errors: &[Diagnostic], choice: ColorChoice) {
    let style = error_style(choice);
    let sources = SourceMap::new();
    let mut stderr = std::io::stderr().lock();
    for error in errors {
        let _ = stderr.write_all(render(&sources, error, style).as_bytes());
    }
}

/// The default rule folder when no path is given.
pub fn default_paths(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from("rules")]
    } else {
        paths
    }
}

/// `--max-errors N`: how many diagnostics of each severity to list (0: all).
#[derive(Clone, Copy, Debug)]
pub struct MaxErrors(pub Option<usize>);

impl MaxErrors {
    /// From the option's value; `0` means no limit.
    pub fn new(value: Option<usize>) -> Self {
        MaxErrors(value.filter(|&n| n > 0))
    }

    /// The first `N` errors and the first `N` warnings, in order, and how
    /// many were left out.
    pub fn shown(self, diagnostics: &[Diagnostic]) -> (Vec<Diagnostic>, usize) {
        let Some(max) = self.0 else {
            return (diagnostics.to_vec(), 0);
        };
        let (mut errors, mut others) = (0, 0);
        let shown: Vec<Diagnostic> = diagnostics
            .iter()
            .filter(|d| {
                let seen = if d.is_error() { &mut errors } else { &mut others };
                *seen += 1;
                *seen <= max
            })
            .cloned()
            .collect();
        let omitted = diagnostics.len() - shown.len();
        (shown, omitted)
    }

    /// The line that says how many were left out, if any.
    pub fn note(self, omitted: usize) -> Option<String> {
        let max = self.0?;
        (omitted > 0).then(|| {
            format!(
                "… and {omitted} more {} not shown (--max-errors {max} lists the first {max} errors and {max} warnings)",
                if omitted == 1 { "diagnostic" } else { "diagnostics" }
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::MaxErrors;
    use ceasefire::diagnostic::{Code, Diagnostic};

    #[test]
    fn max_errors_keeps_the_first_of_each_severity() {
        let e = |n: usize| Diagnostic::without_span(Code::PathNotFound, format!("e{n}"));
        let w = |n: usize| Diagnostic::without_span(Code::UnusedKind, format!("w{n}"));
        let all = vec![w(1), e(1), w(2), e(2), w(3), e(3)];
        let (shown, omitted) = MaxErrors::new(Some(2)).shown(&all);
        let messages: Vec<&str> = shown.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages, ["w1", "e1", "w2", "e2"]);
        assert_eq!(omitted, 2);
        assert!(
            MaxErrors::new(Some(2))
                .note(2)
                .unwrap()
                .starts_with("… and 2 more diagnostics not shown")
        );
        let (shown, omitted) = MaxErrors::new(Some(0)).shown(&all);
        assert_eq!((shown.len(), omitted), (6, 0));
        assert_eq!(MaxErrors::new(None).note(0), None);
    }
}
