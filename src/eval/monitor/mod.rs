//! One small monitor per rule form. Each instance of a rule has its own
//! monitor, which sees only the observations matching its patterns, in time
//! order, and keeps only the state its form needs.

mod absence;
mod aggregate;
mod contract;
mod daily;
mod doubt;
mod every;
mod every_exact;
mod occurs;
mod precedes;

pub(crate) use contract::{Budget, Ctx, Monitor, Outcome};

use super::anchor::{Phases, Seen};
use super::time::{End, Interval, Moment};
use crate::check::model::Form;
use crate::source::Span;
use crate::time::{Calendar, DailyHours};
use std::collections::HashMap;

/// Builds the monitor of one instance, with its anchors and window resolved.
pub(crate) fn build(ctx: &Ctx, form: &Form, phases: &Phases, seen: &HashMap<Span, Seen>) -> Box<dyn Monitor> {
    let model = ctx.model;
    match form {
        Form::Precedes { first, then, within } => Box::new(precedes::Precedes::new(
            first,
            then,
            within.clone(),
            model.days(),
            ctx.max_evidence,
        )),
        Form::Every {
            trigger,
            direction,
            negated,
            target,
            within,
        } => Box::new(every::Every::new(
            trigger,
            *direction,
            *negated,
            target,
            within.clone(),
            model.days(),
            ctx.findings(),
        )),
        Form::OccursBy { pattern, deadline } => {
            let at = phases.anchor(deadline, seen);
            Box::new(occurs::Occurs::by(pattern, deadline, at, ctx.max_evidence))
        }
        Form::OccursWithin { pattern, within, after } => {
            let at = phases.anchor(after, seen);
            Box::new(occurs::Occurs::within(
                pattern,
                (within.clone(), model.days()),
                after,
                at,
                ctx.max_evidence,
            ))
        }
        Form::Absence { pattern, daily, window } => Box::new(absence::Absence::new(
            pattern,
            restrict(phases.window(window, seen), *daily, model.days()),
            daily.map(|d| (d, model.days())),
            ctx.max_evidence,
        )),
        Form::Aggregate {
            lhs,
            op,
            rhs,
            per,
            daily,
            window,
        } => Box::new(aggregate::Aggregate::new(
            model,
            (lhs, *op, rhs),
            per.clone(),
            (restrict(phases.window(window, seen), *daily, model.days()), *daily),
            ctx.findings(),
        )),
    }
}

/// A window restricted to some hours of each day closes at the end of its
/// last piece (LANGUAGE-v2 §10): a known end is moved back to it.
fn restrict(window: Option<Interval>, daily: Option<DailyHours>, calendar: Calendar) -> Option<Interval> {
    let (Some(mut window), Some(daily)) = (window, daily) else {
        return window;
    };
    let close = |m: Moment| match m.exact() {
        Some(t) => Moment::at(daily.close(calendar, t)),
        None => m,
    };
    window.end = match window.end {
        End::Before(m) => End::Before(close(m)),
        End::Through(m) => End::Through(close(m)),
        other => other,
    };
    Some(window)
}
