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

/// A declaration no rule uses: where, what sort (`zone`, `event`,
/// `phase`) and its name.
pub(crate) type Unused = (Span, &'static str, String);

/// The declarations of `model` no rule uses (the warnings come from
/// [`warnings`], grouped), and the spans of those the rules use (directly
/// or through the phases they use).
pub(crate) fn unused(model: &Model, rules: Uses, phases: &[Uses]) -> (Vec<Unused>, Vec<Span>) {
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
            declared.push((zone.span, "zone", zone.name.clone()));
        }
    }
    for (i, kind) in model.kinds.iter().enumerate() {
        if used.kinds.contains(&KindId(i as u32)) {
            spans.push(kind.span);
        } else {
            declared.push((kind.span, "event", kind.name.clone()));
        }
    }
    for (i, phase) in model.phases.iter().enumerate() {
        if used.phases.contains(&PhaseId(i as u32)) {
            spans.push(phase.span);
        } else {
            declared.push((phase.span, "phase", phase.name.clone()));
        }
    }
    (declared, spans)
}

/// Unused declarations of one sort in one file.
type Group = (crate::source::FileId, &'static str, Vec<(Span, String)>);

/// The warnings for unused declarations: one for a lone declaration; for
/// several of a sort in one file (the zones a dataset uses, declared for
/// its values), one that lists them, at the first, with the others as
/// second places (issue 17: warnings that earn their place).
pub(crate) fn warnings(unused: Vec<Unused>) -> Vec<Diagnostic> {
    let mut groups: Vec<Group> = Vec::new();
    for (span, what, name) in unused {
        match groups.iter_mut().find(|(file, w, _)| *file == span.file && *w == what) {
            Some((_, _, list)) => list.push((span, name)),
            None => groups.push((span.file, what, vec![(span, name)])),
        }
    }
    groups
        .into_iter()
        .map(|(_, what, mut list)| {
            list.sort_by_key(|(span, _)| span.start);
            if let [(span, name)] = list.as_slice() {
                return Diagnostic::new(
                    Code::UnusedDeclaration,
                    *span,
                    format!("{what} `{name}` is declared but no rule uses it"),
                )
                .with_label("not used")
                .with_help(format!("remove the {what}, or write a rule that uses it"));
            }
            const NAMED: usize = 12;
            let names: Vec<String> = list.iter().take(NAMED).map(|(_, n)| format!("`{n}`")).collect();
            let more = list.len().saturating_sub(NAMED);
            let sorts = match what {
                "zone" => "zones",
                "event" => "event kinds",
                _ => "phases",
            };
            let mut diagnostic = Diagnostic::new(
                Code::UnusedDeclaration,
                list[0].0,
                format!(
                    "{} {sorts} are declared but no rule uses them: {}{}",
                    list.len(),
                    names.join(", "),
                    if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    }
                ),
            )
            .with_label("not used");
            for (span, _) in list.iter().skip(1).take(NAMED - 1) {
                diagnostic = diagnostic.with_secondary(*span, "not used");
            }
            diagnostic.with_help(format!(
                "remove them or write rules that use them; {sorts} declared for a dataset's values can stay: \
                 `allow CF0701` in the file (or `--allow CF0701`) silences this warning"
            ))
        })
        .collect()
}
