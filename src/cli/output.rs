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

/// Refuses an `-o FILE` that is one of the run's inputs (a log, a rule
/// file): writing the report would destroy what it reports on.
pub fn refuse_input_as_output(output: Option<&Path>, inputs: &[&Path]) -> Result<(), Diagnostic> {
    let Some(output) = output else { return Ok(()) };
    let same = |input: &Path| match (std::fs::canonicalize(output), std::fs::canonicalize(input)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    match inputs.iter().find(|input| same(input)) {
        Some(input) => Err(Diagnostic::without_span(
            Code::OutputIsInput,
            format!(
                "`-o {}` would overwrite `{}`, an input of this run",
                output.display(),
                input.display()
            ),
        )
        .with_help("write the report to another file")),
        None => Ok(()),
    }
}

/// Replaces a file's contents safely: the new text goes to a temporary file
/// in the same folder, is synced, and is renamed over the file, keeping its
/// permissions; a link is followed (its target is replaced, not the link).
/// If the file changed since it was read (`expected`), it is left alone.
pub fn replace_file(path: &Path, expected: &[u8], contents: &[u8]) -> std::io::Result<()> {
    let target = std::fs::canonicalize(path)?;
    let folder = target.parent().unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(&target)?.permissions();
    let mut temporary = tempfile::Builder::new().prefix(".ceasefire-fmt-").tempfile_in(folder)?;
    temporary.write_all(contents)?;
    temporary.as_file().sync_all()?;
    temporary.as_file().set_permissions(permissions)?;
    if std::fs::read(&target)? != expected {
        return Err(std::io::Error::other(
            "the file changed while it was being formatted; it is left as it is",
        ));
    }
    temporary.persist(&target).map_err(|e| e.error)?;
    // The rename itself is made durable by syncing the folder.
    if let Ok(folder) = std::fs::File::open(folder) {
        let _ = folder.sync_all();
    }
    Ok(())
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
    use super::{MaxErrors, replace_file};
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

    #[test]
    fn a_file_changed_while_it_was_formatted_is_left_alone() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("a.cfr");
        std::fs::write(&path, "zone   north\n// appended\n").expect("write");
        // What was read (and formatted) is not what the file holds now.
        let error = replace_file(&path, b"zone   north\n", b"zone north\n").expect_err("refused");
        assert!(error.to_string().contains("changed while it was being formatted"));
        assert_eq!(
            std::fs::read_to_string(&path).expect("read"),
            "zone   north\n// appended\n"
        );
        assert_eq!(
            std::fs::read_dir(dir.path()).expect("dir").count(),
            1,
            "no temporary file left"
        );
        replace_file(&path, b"zone   north\n// appended\n", b"zone north\n").expect("replaced");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "zone north\n");
    }
}
