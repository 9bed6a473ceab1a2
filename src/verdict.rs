//! The four verdicts of LANGUAGE.md §5, shared by rule tests and evaluation.

use std::fmt;

/// What the log says about a rule or an instance of one.
///
/// The order is "how bad": a rule's verdict is the worst of its instances,
/// `Violated > Pending > Satisfied > Vacuous`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Not applicable: its trigger or anchor never occurred, or its window never started.
    Vacuous,
    /// The log shows compliance that no later observation can undo.
    Satisfied,
    /// Not decided yet: a deadline or window lies beyond the horizon.
    Pending,
    /// The log shows a breach; final.
    Violated,
}

impl Verdict {
    /// Every verdict, from best to worst.
    pub const ALL: [Verdict; 4] = [
        Verdict::Vacuous,
        Verdict::Satisfied,
        Verdict::Pending,
        Verdict::Violated,
    ];

    /// The verdict as written in rule files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Vacuous => "vacuous",
            Verdict::Satisfied => "satisfied",
            Verdict::Pending => "pending",
            Verdict::Violated => "violated",
        }
    }

    /// Reads a verdict as written.
    pub fn parse(text: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.as_str() == text)
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
