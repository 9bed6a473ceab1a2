//! The one walker over the checked model: which patterns a form listens
//! on, which anchors it and its window depend on, and every pattern of a
//! rule set. The evaluator, the log reader and the checker's own passes
//! all ask these questions here; each `match` is exhaustive, so a new
//! form or window cannot be forgotten by one of them.

use super::model::{Anchor, AnchorBase, Expr, FieldId, Form, Model, Pattern, Phase, PhaseEnd, Window};

/// An aggregate of an expression: what it adds up, over which pattern.
#[derive(Clone, Copy, Debug)]
pub enum Aggregate<'a> {
    /// `count(P)`
    Count(&'a Pattern),
    /// `sum(F of P)`
    Sum(FieldId, &'a Pattern),
}

impl<'a> Aggregate<'a> {
    /// The pattern it is taken over.
    pub fn pattern(self) -> &'a Pattern {
        match self {
            Aggregate::Count(p) | Aggregate::Sum(_, p) => p,
        }
    }
}

impl Expr {
    /// The aggregates of the expression, left to right.
    pub fn aggregates(&self) -> Vec<Aggregate<'_>> {
        fn walk<'a>(e: &'a Expr, out: &mut Vec<Aggregate<'a>>) {
            match e {
                Expr::Count(p) => out.push(Aggregate::Count(p)),
                Expr::Sum(f, p) => out.push(Aggregate::Sum(*f, p)),
                Expr::Number(_) => {}
                Expr::Binary(_, a, b) => {
                    walk(a, out);
                    walk(b, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(self, &mut out);
        out
    }
}

impl Anchor {
    /// The pattern of a `first`/`last` anchor.
    pub fn pattern(&self) -> Option<&Pattern> {
        match &self.base {
            AnchorBase::First(p) | AnchorBase::Last(p) => Some(p),
            AnchorBase::DayStart(a) | AnchorBase::DayEnd(a) => a.pattern(),
            AnchorBase::Time(_) | AnchorBase::PhaseStart(_) | AnchorBase::PhaseEnd(_) => None,
        }
    }
}

impl Window {
    /// The anchors the window is built from (a phase's are the phase's own).
    pub fn anchors(&self) -> Vec<&Anchor> {
        match self {
            Window::During(_) => Vec::new(),
            Window::Between(a, b) => vec![a, b],
            Window::After(a) | Window::Before(a) | Window::WithinAfter(_, a) => vec![a],
        }
    }
}

impl Phase {
    /// The anchors of the phase's start and end.
    pub fn anchors(&self) -> Vec<&Anchor> {
        match &self.end {
            PhaseEnd::For(_) => vec![&self.start],
            PhaseEnd::Until(end) => vec![&self.start, end],
        }
    }
}

impl Form {
    /// The patterns the form's monitor listens on, in slot order: one
    /// slot per pattern, aggregates left to right.
    pub fn slots(&self) -> Vec<&Pattern> {
        match self {
            Form::Precedes { first, then, .. } => vec![first, then],
            Form::Every { trigger, target, .. } => vec![trigger, target],
            Form::OccursBy { pattern, .. } | Form::OccursWithin { pattern, .. } | Form::Absence { pattern, .. } => {
                vec![pattern]
            }
            Form::Aggregate { lhs, rhs, .. } => lhs
                .aggregates()
                .into_iter()
                .chain(rhs.aggregates())
                .map(Aggregate::pattern)
                .collect(),
        }
    }

    /// The anchors of the form and of its window (not those of the phases
    /// it names).
    pub fn anchors(&self) -> Vec<&Anchor> {
        match self {
            Form::OccursBy { deadline, .. } => vec![deadline],
            Form::OccursWithin { after, .. } => vec![after],
            Form::Absence { window, .. } | Form::Aggregate { window, .. } => window.anchors(),
            Form::Precedes { .. } | Form::Every { .. } => Vec::new(),
        }
    }

    /// The patterns of the form's `first`/`last` anchors.
    pub fn anchor_patterns(&self) -> Vec<&Pattern> {
        self.anchors().into_iter().filter_map(Anchor::pattern).collect()
    }
}

impl Model {
    /// The patterns of the `first`/`last` anchors of every phase.
    pub fn phase_anchor_patterns(&self) -> Vec<&Pattern> {
        self.phases
            .iter()
            .flat_map(Phase::anchors)
            .filter_map(Anchor::pattern)
            .collect()
    }

    /// Every pattern of every phase and rule: what the rule set can look
    /// at in a log.
    pub fn patterns(&self) -> Vec<&Pattern> {
        let mut out = self.phase_anchor_patterns();
        for rule in &self.rules {
            out.extend(rule.form.slots());
            out.extend(rule.form.anchor_patterns());
        }
        out
    }
}
