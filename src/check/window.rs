//! Windows, and what can be known about them before reading any log:
//! ranges that end before they start, windows that are empty, slices that
//! cannot fit.

use super::checker::Checker;
use super::model::{Anchor, AnchorBase, PhaseEnd, Window};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Node;
use crate::syntax::ast;
use crate::time::format_duration;
use chrono::{DateTime, TimeDelta};

/// What an anchor is counted from once phases are unfolded.
#[derive(Clone, Debug, PartialEq)]
enum Base {
    /// A fixed instant (the offset is from the Unix epoch).
    Absolute,
    /// The first observation matching the pattern with this text.
    First(String),
    /// The last observation matching the pattern with this text.
    Last(String),
}

impl Checker<'_> {
    /// Resolves a window.
    pub fn window(&mut self, window: &Node<ast::Window>) -> Option<Window> {
        Some(match &window.node {
            ast::Window::During(name) => Window::During(self.lookup_phase(name)?),
            ast::Window::Between(a, b) => {
                let (a, b) = (self.anchor(a), self.anchor(b));
                let (a, b) = (a?, b?);
                self.check_order(&a, &b, "this window");
                Window::Between(a, b)
            }
            ast::Window::After(a) => Window::After(self.anchor(a)?),
            ast::Window::Before(a) => Window::Before(self.anchor(a)?),
            ast::Window::WithinAfter(d, a) => Window::WithinAfter(d.node.clone(), self.anchor(a)?),
        })
    }

    /// Reports `[start, end)` ranges that end before, or where, they start.
    /// The primary label is on the end, which is usually what is wrong.
    pub fn check_order(&mut self, start: &Anchor, end: &Anchor, what: &str) {
        let Some(length) = self.distance(start, end) else {
            return;
        };
        if length < TimeDelta::zero() {
            self.error(
                Diagnostic::new(Code::ReversedWindow, end.span, format!("{what} ends before it starts"))
                    .with_label(format!("ends {} before the start", format_duration(-length)))
                    .with_secondary(start.span, "starts here")
                    .with_help("swap the two ends"),
            );
        } else if length.is_zero() {
            self.error(
                Diagnostic::new(
                    Code::EmptyWindow,
                    end.span,
                    format!("{what} is empty: it ends where it starts"),
                )
                .with_label("ends at the start")
                .with_secondary(start.span, "starts here")
                .with_help("windows include their start and exclude their end; make the end later"),
            );
        }
    }

    /// The length of a window when it is known before reading a log;
    /// `None` when it depends on the log or has no end.
    pub fn window_length(&self, window: &Window) -> Option<TimeDelta> {
        match window {
            Window::During(phase) => {
                let phase = &self.model.phases[phase.0 as usize];
                match &phase.end {
                    PhaseEnd::For(d) => Some(d.delta()),
                    PhaseEnd::Until(end) => self.distance(&phase.start, end),
                }
            }
            Window::Between(a, b) => self.distance(a, b),
            Window::WithinAfter(d, _) => Some(d.delta()),
            Window::After(_) | Window::Before(_) => None,
        }
    }

    /// `end - start` when both count from the same base.
    fn distance(&self, start: &Anchor, end: &Anchor) -> Option<TimeDelta> {
        let (a, x) = self.unfold(start, 0)?;
        let (b, y) = self.unfold(end, 0)?;
        (a == b).then(|| y.checked_sub(&x)).flatten()
    }

    /// An anchor as a base and an offset, with phases replaced by their definitions.
    fn unfold(&self, anchor: &Anchor, depth: usize) -> Option<(Base, TimeDelta)> {
        // Phases defined in a circle never reach a base.
        if depth > self.model.phases.len() {
            return None;
        }
        let (base, offset) = match &anchor.base {
            AnchorBase::Time(t) => (Base::Absolute, t.signed_duration_since(DateTime::UNIX_EPOCH)),
            AnchorBase::First(p) => (Base::First(p.text.clone()), TimeDelta::zero()),
            AnchorBase::Last(p) => (Base::Last(p.text.clone()), TimeDelta::zero()),
            AnchorBase::PhaseStart(id) => self.unfold(&self.model.phases[id.0 as usize].start, depth + 1)?,
            // A local midnight is no fixed distance from its anchor.
            AnchorBase::DayStart(_) | AnchorBase::DayEnd(_) => return None,
            AnchorBase::PhaseEnd(id) => {
                let phase = &self.model.phases[id.0 as usize];
                match &phase.end {
                    PhaseEnd::For(d) => {
                        let (base, start) = self.unfold(&phase.start, depth + 1)?;
                        (base, start.checked_add(&d.delta())?)
                    }
                    PhaseEnd::Until(end) => self.unfold(end, depth + 1)?,
                }
            }
        };
        Some((base, offset.checked_add(&anchor.offset)?))
    }
}
