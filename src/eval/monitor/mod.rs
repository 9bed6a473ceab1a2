//! One small monitor per rule form. Each instance of a rule has its own
//! monitor, which sees only the observations matching its patterns, in time
//! order, and keeps only the state its form needs.

mod absence;
mod aggregate;
mod contract;
mod doubt;
mod every;
mod every_exact;
mod occurs;
mod precedes;

pub(crate) use contract::{Budget, Ctx, Monitor};

use super::anchor::{Phases, Seen};
use crate::check::model::Form;
use crate::source::Span;
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
        Form::Absence { pattern, window } => Box::new(absence::Absence::new(
            pattern,
            phases.window(window, seen),
            ctx.max_evidence,
        )),
        Form::Aggregate {
            lhs,
            op,
            rhs,
            per,
            window,
        } => Box::new(aggregate::Aggregate::new(
            model,
            (lhs, *op, rhs),
            per.clone(),
            phases.window(window, seen),
            ctx.findings(),
        )),
    }
}
