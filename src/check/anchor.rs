//! Anchors and phases: resolution, and phases defined from each other in a circle.

use super::checker::Checker;
use super::model::{Anchor, AnchorBase, PhaseEnd, PhaseId};
use super::uses::Uses;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{Node, Span};
use crate::syntax::ast::{self, Occurrence};
use chrono::TimeDelta;

impl Checker<'_> {
    /// Resolves an anchor's base and adds up its offsets.
    pub fn anchor(&mut self, anchor: &Node<ast::Anchor>) -> Option<Anchor> {
        let mut offset = TimeDelta::zero();
        let mut offset_days: i64 = 0;
        let base = match &anchor.base.node {
            // `(A + 2d) - 1h` is `A + 2d - 1h`: the group's offsets come first.
            ast::AnchorBase::Group(inner) => {
                let inner = self.anchor(inner)?;
                offset = inner.offset;
                offset_days = inner.offset_days;
                inner.base
            }
            ast::AnchorBase::Time(t) => AnchorBase::Time(self.instant(*t, anchor.base.span)?),
            ast::AnchorBase::Event(Occurrence::First, p) => AnchorBase::First(self.pattern(p)?),
            ast::AnchorBase::Event(Occurrence::Last, p) => AnchorBase::Last(self.pattern(p)?),
            ast::AnchorBase::PhaseStart(name) => AnchorBase::PhaseStart(self.lookup_phase(name)?),
            ast::AnchorBase::PhaseEnd(name) => AnchorBase::PhaseEnd(self.lookup_phase(name)?),
            ast::AnchorBase::DayStart(inner) => AnchorBase::DayStart(Box::new(self.anchor(inner)?)),
            ast::AnchorBase::DayEnd(inner) => AnchorBase::DayEnd(Box::new(self.anchor(inner)?)),
        };
        for step in &anchor.offsets {
            offset_days = offset_days.saturating_add(step.node.days());
            let Some(sum) = offset.checked_add(&step.node.delta()) else {
                self.error(
                    Diagnostic::new(
                        Code::NumberOutOfRange,
                        step.span,
                        "the offsets of this anchor add up to too long a time",
                    )
                    .with_label("too far")
                    .with_help("anchors may move at most about 290 million years"),
                );
                return None;
            };
            offset = sum;
        }
        Some(Anchor {
            base,
            offset,
            offset_days,
            text: anchor.node.to_string(),
            span: anchor.span,
        })
    }

    /// Resolves every phase's anchors, reports cycles and empty phases, and
    /// returns what each phase uses.
    pub fn resolve_phases(&mut self) -> Vec<Uses> {
        let syntax = self.phase_syntax.clone();
        let mut all_uses = Vec::with_capacity(syntax.len());
        for (i, decl) in syntax.iter().enumerate() {
            let outer = std::mem::take(&mut self.uses);
            let start = self.anchor(&decl.start);
            let end = match &decl.end {
                ast::PhaseEnd::For(d) => Some(PhaseEnd::For(d.node.clone())),
                ast::PhaseEnd::Until(a) => self.anchor(a).map(PhaseEnd::Until),
            };
            all_uses.push(std::mem::replace(&mut self.uses, outer));
            if let (Some(start), Some(end)) = (start, end) {
                self.model.phases[i].start = start;
                self.model.phases[i].end = end;
            }
        }
        if !self.report_phase_cycles(&all_uses) {
            for phase in self.model.phases.clone() {
                if let PhaseEnd::Until(until) = &phase.end {
                    self.check_order(&phase.start, until, &format!("phase `{}`", phase.name));
                }
            }
        }
        all_uses
    }

    /// Reports each circle of phases once; returns whether there was any.
    fn report_phase_cycles(&mut self, uses: &[Uses]) -> bool {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            New,
            Open,
            Done,
        }
        let n = uses.len();
        let mut marks = vec![Mark::New; n];
        let mut found = false;
        for root in 0..n {
            if marks[root] != Mark::New {
                continue;
            }
            // Iterative depth-first search: (phase, its successors) on a stack.
            let mut stack: Vec<(usize, Vec<usize>)> = vec![(root, successors(&uses[root]))];
            marks[root] = Mark::Open;
            while let Some((phase, next)) = stack.last_mut() {
                let phase = *phase;
                let Some(target) = next.pop() else {
                    marks[phase] = Mark::Done;
                    stack.pop();
                    continue;
                };
                match marks[target] {
                    Mark::New => {
                        marks[target] = Mark::Open;
                        stack.push((target, successors(&uses[target])));
                    }
                    Mark::Open => {
                        let from = stack.iter().position(|(p, _)| *p == target).unwrap_or(0);
                        let circle: Vec<usize> = stack[from..].iter().map(|(p, _)| *p).collect();
                        self.report_cycle(&circle);
                        found = true;
                    }
                    Mark::Done => {}
                }
            }
        }
        found
    }

    fn report_cycle(&mut self, circle: &[usize]) {
        let names: Vec<&str> = circle.iter().map(|&i| self.model.phases[i].name.as_str()).collect();
        let first = names[0];
        let last = circle[circle.len() - 1];
        let path = names
            .iter()
            .chain(std::iter::once(&first))
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(" → ");
        let at = reference_span(self.phase_syntax[last], first).unwrap_or(self.model.phases[last].span);
        let mut diagnostic = Diagnostic::new(
            Code::PhaseCycle,
            at,
            format!("phase `{}` is defined from itself: {path}", names[names.len() - 1]),
        )
        .with_label(format!("`{first}` depends on this phase"))
        .with_help("define one of these phases from an event or a timestamp instead");
        for (k, &i) in circle.iter().enumerate().take(circle.len() - 1) {
            let next = names[k + 1];
            if let Some(span) = reference_span(self.phase_syntax[i], next) {
                diagnostic = diagnostic.with_secondary(span, format!("`{}` is defined from `{next}`", names[k]));
            }
        }
        self.error(diagnostic);
    }
}

fn successors(uses: &Uses) -> Vec<usize> {
    let mut next: Vec<usize> = uses.phases.iter().map(|p: &PhaseId| p.0 as usize).collect();
    next.sort_unstable_by(|a, b| b.cmp(a));
    next
}

/// Where `decl` names the phase `target` in `start of` or `end of`.
fn reference_span(decl: &ast::PhaseDecl, target: &str) -> Option<Span> {
    let mut anchors = vec![&decl.start];
    if let ast::PhaseEnd::Until(a) = &decl.end {
        anchors.push(a);
    }
    anchors.into_iter().find_map(|a| phase_in(a, target))
}

/// Where an anchor names the phase `target`, through `start of day` too.
fn phase_in(a: &Node<ast::Anchor>, target: &str) -> Option<Span> {
    match &a.base.node {
        ast::AnchorBase::PhaseStart(n) | ast::AnchorBase::PhaseEnd(n) if n.node == target => Some(a.base.span),
        ast::AnchorBase::DayStart(inner) | ast::AnchorBase::DayEnd(inner) | ast::AnchorBase::Group(inner) => {
            phase_in(inner, target)
        }
        _ => None,
    }
}
