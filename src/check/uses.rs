//! Which declarations the rules use, and warnings for the rest.

use super::model::{KindId, Model, PhaseId, ZoneId};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;
use std::collections::BTreeSet;

/// Declarations referred to by some part of a unit.
#[derive(Clone, Debug, Default)]
pub(crate) struct Uses {
    pub zones: BTreeSet<ZoneId>,
    pub kinds: BTreeSet<KindId>,
    pub phases: BTreeSet<PhaseId>,
    /// A `for each zone` without a list uses every zone.
    pub all_zones: bool,
}

/// The declarations of `model` with their would-be warnings, and the spans
/// of those the rules use (directly or through the phases they use).
pub(crate) fn unused(model: &Model, rules: Uses, phases: &[Uses]) -> (Vec<(Span, Diagnostic)>, Vec<Span>) {
    let mut used = rules;
    let mut todo: Vec<PhaseId> = used.phases.iter().copied().collect();
    while let Some(phase) = todo.pop() {
        let Some(phase_uses) = phases.get(phase.0 as usize) else {
            continue;
        };
        used.kinds.extend(phase_uses.kinds.iter().copied());
        used.zones.extend(phase_uses.zones.iter().copied());
        for &p in &phase_uses.phases {
            if used.phases.insert(p) {
                todo.push(p);
            }
        }
    }
    let mut declared = Vec::new();
    let mut spans = Vec::new();
    for (i, zone) in model.zones.iter().enumerate() {
        if used.all_zones || used.zones.contains(&ZoneId(i as u32)) {
            spans.push(zone.span);
        } else {
            declared.push((zone.span, warning(zone.span, "zone", &zone.name)));
        }
    }
    for (i, kind) in model.kinds.iter().enumerate() {
        if used.kinds.contains(&KindId(i as u32)) {
            spans.push(kind.span);
        } else {
            declared.push((kind.span, warning(kind.span, "event", &kind.name)));
        }
    }
    for (i, phase) in model.phases.iter().enumerate() {
        if used.phases.contains(&PhaseId(i as u32)) {
            spans.push(phase.span);
        } else {
            declared.push((phase.span, warning(phase.span, "phase", &phase.name)));
        }
    }
    (declared, spans)
}

fn warning(span: Span, what: &str, name: &str) -> Diagnostic {
    Diagnostic::new(
        Code::UnusedDeclaration,
        span,
        format!("{what} `{name}` is declared but no rule uses it"),
    )
    .with_label("not used")
    .with_help(format!("remove the {what}, or write a rule that uses it"))
}
