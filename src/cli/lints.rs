//! Warning levels, as clippy's lints: `--allow CODE` silences a warning,
//! `--deny CODE` makes it an error (issue 17). For `check` and `verify`.

use ceasefire::check::did_you_mean;
use ceasefire::diagnostic::{Code, Diagnostic, Severity};
use std::collections::BTreeSet;

/// The options.
#[derive(clap::Args, Debug, Default)]
pub struct Lints {
    /// Silence this warning (repeatable), as `--allow CF0701`
    #[arg(long = "allow", value_name = "CODE")]
    allow: Vec<String>,

    /// Make this warning an error (repeatable), as `--deny CF1105`
    #[arg(long = "deny", value_name = "CODE")]
    deny: Vec<String>,
}

/// The warning codes allowed and denied.
#[derive(Clone, Debug, Default)]
pub struct Levels {
    allow: BTreeSet<Code>,
    deny: BTreeSet<Code>,
}

impl Lints {
    /// The levels, or why a code cannot be given: unknown, or an error's
    /// code (errors cannot be allowed).
    pub fn levels(&self) -> Result<Levels, Vec<Diagnostic>> {
        let mut levels = Levels::default();
        let mut errors = Vec::new();
        for (texts, set, option) in [
            (&self.allow, &mut levels.allow, "allow"),
            (&self.deny, &mut levels.deny, "deny"),
        ] {
            for text in texts {
                match Code::parse(text) {
                    Some(code) if code.severity() == Severity::Warning => {
                        set.insert(code);
                    }
                    Some(code) => errors.push(
                        Diagnostic::without_span(
                            Code::UnknownCode,
                            format!("`--{option} {text}`: {} is an error, not a warning", code.as_str()),
                        )
                        .with_help("only warnings can be allowed or denied; `ceasefire explain` lists the codes with their severity"),
                    ),
                    None => {
                        let wanted = text.to_uppercase();
                        let help = did_you_mean(&wanted, Code::ALL.iter().map(|c| c.as_str()))
                            .map(|c| format!("did you mean `{c}`? `ceasefire explain` lists every code"))
                            .unwrap_or_else(|| "`ceasefire explain` lists every code".to_string());
                        errors.push(
                            Diagnostic::without_span(
                                Code::UnknownCode,
                                format!("`--{option} {text}`: there is no diagnostic code `{text}`"),
                            )
                            .with_help(help),
                        );
                    }
                }
            }
        }
        if errors.is_empty() { Ok(levels) } else { Err(errors) }
    }
}

impl Levels {
    /// Whether a warning of this code is silenced.
    pub fn allows(&self, code: Code) -> bool {
        self.allow.contains(&code) && !self.deny.contains(&code)
    }

    /// Whether a warning of this code is made an error.
    pub fn denies(&self, code: Code) -> bool {
        self.deny.contains(&code)
    }

    /// Drops the allowed warnings and makes the denied ones errors.
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>) {
        diagnostics.retain(|d| d.severity != Severity::Warning || !self.allows(d.code));
        for diagnostic in diagnostics.iter_mut() {
            if diagnostic.severity == Severity::Warning && self.deny.contains(&diagnostic.code) {
                diagnostic.severity = Severity::Error;
            }
        }
    }
}
