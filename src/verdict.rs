//! The verdicts of LANGUAGE.md §5 and LANGUAGE-v2 §9, shared by rule tests
//! and evaluation, and sets of them: the verdicts an indeterminate instance
//! may turn out to have.

use std::fmt;

/// What the log says about a rule or an instance of one.
///
/// The order is "how bad": a rule's verdict is the worst of its instances,
/// `Violated > Indeterminate > Pending > Satisfied > Vacuous`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Not applicable: its trigger or anchor never occurred, or its window never started.
    Vacuous,
    /// The log shows compliance that no later observation can undo.
    Satisfied,
    /// Not decided yet: a deadline or window lies beyond the horizon.
    Pending,
    /// The evidence is too uncertain to decide: it allows two or more of
    /// the other verdicts (listed as the possible ones).
    Indeterminate,
    /// The log shows a breach; final.
    Violated,
}

impl Verdict {
    /// Every verdict, from best to worst.
    pub const ALL: [Verdict; 5] = [
        Verdict::Vacuous,
        Verdict::Satisfied,
        Verdict::Pending,
        Verdict::Indeterminate,
        Verdict::Violated,
    ];

    /// The verdict as written in rule files and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Vacuous => "vacuous",
            Verdict::Satisfied => "satisfied",
            Verdict::Pending => "pending",
            Verdict::Indeterminate => "indeterminate",
            Verdict::Violated => "violated",
        }
    }

    /// Reads a verdict as written.
    pub fn parse(text: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.as_str() == text)
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of definite verdicts (never `Indeterminate`): the verdicts that
/// following both branches of every unknown answer reaches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Possible(u8);

impl Possible {
    /// No verdict.
    pub const NONE: Possible = Possible(0);

    /// Just this verdict (an indeterminate one stands for nothing on its own).
    pub fn one(verdict: Verdict) -> Self {
        let mut set = Possible::NONE;
        set.add(verdict);
        set
    }

    /// Adds a verdict.
    pub fn add(&mut self, verdict: Verdict) {
        if verdict != Verdict::Indeterminate {
            self.0 |= verdict.bit();
        }
    }

    /// Adds every verdict of another set.
    pub fn extend(&mut self, other: Possible) {
        self.0 |= other.0;
    }

    /// Whether the set holds this verdict.
    pub fn contains(self, verdict: Verdict) -> bool {
        self.0 & verdict.bit() != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many verdicts the set holds.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The verdicts, worst first (the order reports list them in).
    pub fn iter(self) -> impl Iterator<Item = Verdict> {
        Verdict::ALL.into_iter().rev().filter(move |v| self.contains(*v))
    }

    /// The worst verdict in the set.
    pub fn worst(self) -> Option<Verdict> {
        self.iter().next()
    }

    /// The least verdict in the set.
    pub fn least(self) -> Option<Verdict> {
        self.iter().last()
    }

    /// The one verdict the set allows, or indeterminate if it allows more
    /// (vacuous if it is empty).
    pub fn verdict(self) -> Verdict {
        match self.len() {
            0 => Verdict::Vacuous,
            1 => self.worst().unwrap_or(Verdict::Vacuous),
            _ => Verdict::Indeterminate,
        }
    }

    /// The verdicts the worst of several independent things may have, when
    /// each may have any verdict of its own set: `v` is reachable when some
    /// thing may have `v` and every thing may have `v` or better.
    pub fn worst_of(sets: impl IntoIterator<Item = Possible>) -> Possible {
        let mut union = Possible::NONE;
        let mut floor = Verdict::Vacuous;
        let mut any = false;
        for set in sets {
            any = true;
            union.extend(set);
            if let Some(least) = set.least() {
                floor = floor.max(least);
            }
        }
        if !any {
            return Possible::one(Verdict::Vacuous);
        }
        Possible(union.0 & !(floor.bit() - 1))
    }
}

impl fmt::Display for Possible {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let words: Vec<&str> = self.iter().map(Verdict::as_str).collect();
        f.write_str(&words.join(" or "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Verdict::*;

    fn set(verdicts: &[Verdict]) -> Possible {
        let mut s = Possible::NONE;
        for v in verdicts {
            s.add(*v);
        }
        s
    }

    #[test]
    fn sets_list_worst_first() {
        let s = set(&[Satisfied, Violated]);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![Violated, Satisfied]);
        assert_eq!(s.to_string(), "violated or satisfied");
        assert_eq!(s.verdict(), Indeterminate);
        assert_eq!(set(&[Pending]).verdict(), Pending);
        assert!(!set(&[Indeterminate]).contains(Indeterminate));
    }

    #[test]
    fn the_worst_of_independent_things() {
        // One may be violated or satisfied, the other is pending: the worst
        // is violated or pending, never satisfied.
        assert_eq!(
            Possible::worst_of([set(&[Violated, Satisfied]), set(&[Pending])]),
            set(&[Violated, Pending])
        );
        // Something that may be absent (vacuous) does not lower the others.
        assert_eq!(
            Possible::worst_of([set(&[Vacuous, Violated]), set(&[Satisfied])]),
            set(&[Violated, Satisfied])
        );
        assert_eq!(
            Possible::worst_of([set(&[Vacuous, Violated]), set(&[Vacuous, Satisfied])]),
            set(&[Vacuous, Satisfied, Violated])
        );
        assert_eq!(Possible::worst_of([]), set(&[Vacuous]));
        assert_eq!(Possible::worst_of([set(&[Violated])]).verdict(), Violated);
    }
}
