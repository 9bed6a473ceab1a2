//! Rule instances, and the dispatch that hands each observation only to the
//! instances whose patterns can match it.

use super::matcher::{Key, equal_vars, matches, meets, only_equal};
use crate::check::Model;
use crate::check::model::{Domain, FieldId, KindId, Pattern, Rule, Standard, Value, VarId};
use crate::log::{FieldValue, Observation, Routes};
use rustc_hash::{FxHashMap, FxHasher};
use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};

/// A pattern some part of a rule listens for, indexed by the variables its
/// qualifiers compare with.
pub(crate) struct Slot<'m> {
    pub pattern: &'m Pattern,
    equal: Vec<(VarId, FieldId)>,
    /// Instances by the hash of the values of `equal` (a collision only costs
    /// a full match that fails); `None` when every instance listens.
    index: Option<FxHashMap<u64, Vec<u32>>>,
    /// In place of `index` when one variable is compared and its values are
    /// whole numbers close together (`for each s in 1..100`): the instances
    /// of each value, by the value.
    dense: Option<Dense>,
}

/// The instances of a slot by a whole-number value, from `min` on.
struct Dense {
    field: FieldId,
    min: i64,
    instances: Vec<Vec<u32>>,
    /// Whether the pattern asks nothing else: then an instance found by
    /// the value matches without being matched again.
    sure: bool,
}

/// The most values a dense index spans.
const DENSE: i64 = 1 << 12;

impl<'m> Slot<'m> {
    /// A slot for `pattern` over the instances with these bindings.
    pub fn new(pattern: &'m Pattern, bindings: &[Vec<Value>]) -> Self {
        let equal = equal_vars(pattern);
        let dense = Self::dense(pattern, &equal, bindings);
        let index = (!equal.is_empty() && dense.is_none()).then(|| {
            let mut index: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
            for (i, binding) in bindings.iter().enumerate() {
                let mut hasher = FxHasher::default();
                for (v, _) in &equal {
                    Key::of_value(&binding[v.0 as usize]).hash(&mut hasher);
                }
                index.entry(hasher.finish()).or_default().push(i as u32);
            }
            index
        });
        Slot {
            pattern,
            equal,
            index,
            dense,
        }
    }

    /// A dense index, when one variable is compared and its values are
    /// whole numbers spanning at most [`DENSE`].
    fn dense(pattern: &Pattern, equal: &[(VarId, FieldId)], bindings: &[Vec<Value>]) -> Option<Dense> {
        let [(var, field)] = *equal else { return None };
        let values: Option<Vec<i64>> = bindings
            .iter()
            .map(|b| match b.get(var.0 as usize) {
                Some(Value::Int(n)) => Some(*n),
                _ => None,
            })
            .collect();
        let values = values?;
        let (min, max) = (*values.iter().min()?, *values.iter().max()?);
        if max.checked_sub(min)? >= DENSE {
            return None;
        }
        let mut instances = vec![Vec::new(); usize::try_from(max - min + 1).ok()?];
        for (i, n) in values.iter().enumerate() {
            instances[usize::try_from(n - min).ok()?].push(i as u32);
        }
        Some(Dense {
            field,
            min,
            instances,
            sure: only_equal(pattern, (var, field)),
        })
    }

    /// The instances that could match `observation` (all, or those its field values select).
    #[inline]
    fn candidates<'a>(&'a self, observation: &Observation, all: &'a [u32]) -> &'a [u32] {
        if let Some(dense) = &self.dense {
            // A whole number (or a decimal without a fraction) equals an
            // instance's value; nothing else equals a whole number.
            let at = match observation.field(dense.field).and_then(Key::of_field) {
                Some(Key::Int(n)) => n.checked_sub(dense.min).and_then(|i| usize::try_from(i).ok()),
                _ => None,
            };
            return at.and_then(|i| dense.instances.get(i)).map_or(&[], Vec::as_slice);
        }
        let Some(index) = &self.index else { return all };
        let mut hasher = FxHasher::default();
        for (_, field) in &self.equal {
            match observation.field(*field).and_then(Key::of_field) {
                Some(key) => key.hash(&mut hasher),
                None => return &[],
            }
        }
        index.get(&hasher.finish()).map_or(&[], Vec::as_slice)
    }

    /// Whether an instance among the candidates certainly matches (the
    /// pattern's kind is the observation's, as the dispatch lists it).
    #[inline]
    fn sure(&self) -> bool {
        self.dense.as_ref().is_some_and(|d| d.sure)
    }
}

/// The instances of one rule and the slots it listens on.
pub(crate) struct Plan<'m> {
    /// Index into the model's rules (`usize::MAX` for the phases' own plan).
    pub rule: usize,
    /// Each instance's variable values, in binding order.
    pub bindings: Vec<Vec<Value>>,
    /// `0..bindings.len()`, for slots every instance listens on.
    all: Vec<u32>,
    /// The patterns of the rule's form.
    pub slots: Vec<Slot<'m>>,
    /// The patterns of `first`/`last` anchors in the rule's form.
    pub anchors: Vec<Slot<'m>>,
    /// The evidence standard the rule's observations must meet to count as
    /// certain (LANGUAGE-v2 §9.2).
    pub standard: Option<&'m Standard>,
    /// The plan that watches the anchors of the phases under this plan's
    /// standard.
    pub phases: usize,
}

impl<'m> Plan<'m> {
    /// A plan for a rule with its instances.
    pub fn new(
        rule: usize,
        bindings: Vec<Vec<Value>>,
        slots: Vec<&'m Pattern>,
        anchors: Vec<&'m Pattern>,
        standard: Option<&'m Standard>,
    ) -> Self {
        let all = (0..bindings.len() as u32).collect();
        let slots = slots.into_iter().map(|p| Slot::new(p, &bindings)).collect();
        let anchors = anchors.into_iter().map(|p| Slot::new(p, &bindings)).collect();
        Plan {
            rule,
            bindings,
            all,
            slots,
            anchors,
            standard,
            phases: 0,
        }
    }

    /// Whether an observation certainly exists for this plan: it meets the
    /// plan's standard and was not cut at the horizon.
    pub fn certain(&self, observation: &Observation) -> bool {
        !observation.cut() && self.standard.is_none_or(|s| meets(s, observation))
    }
}

/// One match: an observation matched slot `slot` of instance `instance` of plan `plan`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Hit {
    pub plan: u32,
    pub instance: u32,
    pub slot: u32,
    /// Whether the observation certainly exists under the plan's standard.
    pub certain: bool,
}

/// Which plans listen for which kinds, for the form slots or the anchor slots.
pub(crate) struct Dispatch {
    by_kind: Vec<Vec<(u32, u32)>>,
    /// The slots whose patterns ask where a position is, by kind, if any.
    spatial: Option<Vec<Vec<(u32, u32)>>>,
    anchors: bool,
    /// Whether some plan sets an evidence standard (else only a cut at the
    /// horizon makes an observation uncertain).
    standards: bool,
}

impl Dispatch {
    /// The dispatch over the form slots (`anchors` false) or anchor slots of the plans.
    pub fn new(model: &Model, plans: &[Plan], anchors: bool) -> Self {
        let mut by_kind = vec![Vec::new(); model.kinds.len()];
        let mut spatial = vec![Vec::new(); model.kinds.len()];
        for (p, plan) in plans.iter().enumerate() {
            let slots = if anchors { &plan.anchors } else { &plan.slots };
            for (s, slot) in slots.iter().enumerate() {
                // Patterns that ask where a position is go apart, so that
                // the exact ones keep their plain loop.
                let list = if slot.pattern.condition.as_ref().is_some_and(|c| c.is_spatial()) {
                    &mut spatial
                } else {
                    &mut by_kind
                };
                list[slot.pattern.kind.0 as usize].push((p as u32, s as u32));
            }
        }
        let standards = plans.iter().any(|p| p.standard.is_some());
        let any_spatial = spatial.iter().any(|s| !s.is_empty());
        Dispatch {
            by_kind,
            spatial: any_spatial.then_some(spatial),
            anchors,
            standards,
        }
    }

    /// Every (plan, instance, slot) the observation matches, in that order.
    pub fn hits(&self, plans: &[Plan], observation: &Observation, out: &mut Vec<Hit>) {
        out.clear();
        let mut exists = Exists::new(self, observation);
        self.each_match(plans, observation, &mut |p, instance, slot, surely| {
            out.push(Hit {
                plan: p,
                instance,
                slot,
                certain: surely && exists.under(plans, p, observation),
            });
            true
        });
        out.sort_unstable();
    }

    /// The (plan, instance, slot) the observation matches, packed as
    /// [`route`] packs them and in the order of [`Dispatch::hits`], for
    /// a reading thread to work out ahead of the judge
    /// ([`Dispatch::each_routed`] reads them back); `Routes::NONE` when they
    /// do not fit (more than three, or numbers too large).
    pub fn routes(&self, plans: &[Plan], observation: &Observation) -> Routes {
        let mut routes = Routes::EMPTY;
        let fits = self.each_match(plans, observation, &mut |p, instance, slot, surely| {
            route(p, instance, slot, surely).is_some_and(|r| routes.push(r))
        });
        if !fits {
            return Routes::NONE;
        }
        // In (plan, instance, slot) order, as `hits` sorts them.
        routes.sort();
        routes
    }

    /// Calls `deliver` with each (plan, instance) of the routes worked out
    /// by [`Dispatch::routes`], the slots it matched and whether the
    /// observation certainly exists under the plan's standard (from the
    /// first route of each, as `Judge::deliver` takes it from its hits),
    /// without a list of hits built first.
    #[inline]
    pub fn each_routed(
        &self,
        plans: &[Plan],
        observation: &Observation,
        routes: &[u32],
        mut deliver: impl FnMut(u32, u32, &[u32], bool),
    ) {
        let mut exists = Exists::new(self, observation);
        let mut i = 0;
        while i < routes.len() {
            let (p, instance, slot, surely) = unroute(routes[i]);
            let certain = surely && exists.under(plans, p, observation);
            // Routes come sorted by plan, instance and slot; at most three.
            let mut slots = [slot; 3];
            let mut n = 1;
            i += 1;
            while i < routes.len() && n < slots.len() {
                let (q, other, slot, _) = unroute(routes[i]);
                if (q, other) != (p, instance) {
                    break;
                }
                slots[n] = slot;
                n += 1;
                i += 1;
            }
            deliver(p, instance, &slots[..n], certain);
        }
    }

    /// Calls `found` with (plan, instance, slot, whether the match is
    /// sure) for each match of the observation, the plain patterns' then
    /// those that ask where a position is; stops, returning `false`, as
    /// soon as `found` does.
    #[inline]
    fn each_match(
        &self,
        plans: &[Plan],
        observation: &Observation,
        found: &mut impl FnMut(u32, u32, u32, bool) -> bool,
    ) -> bool {
        for &(p, s) in &self.by_kind[observation.kind.0 as usize] {
            let plan = &plans[p as usize];
            let slot = self.slot(plan, s);
            let sure = slot.sure();
            for &instance in slot.candidates(observation, &plan.all) {
                if (sure || matches(slot.pattern, observation, &plan.bindings[instance as usize]))
                    && !found(p, instance, s, true)
                {
                    return false;
                }
            }
        }
        match &self.spatial {
            Some(spatial) => self.spatial_matches(&spatial[observation.kind.0 as usize], plans, observation, found),
            None => true,
        }
    }

    fn slot<'p, 'm>(&self, plan: &'p Plan<'m>, s: u32) -> &'p Slot<'m> {
        if self.anchors {
            &plan.anchors[s as usize]
        } else {
            &plan.slots[s as usize]
        }
    }

    /// The matches of the patterns that ask where a position is
    /// (LANGUAGE-v2 §12): a position known to within a radius may only
    /// possibly match, and then the match is not sure.
    #[cold]
    #[inline(never)]
    fn spatial_matches(
        &self,
        slots: &[(u32, u32)],
        plans: &[Plan],
        observation: &Observation,
        found: &mut dyn FnMut(u32, u32, u32, bool) -> bool,
    ) -> bool {
        for &(p, s) in slots {
            let plan = &plans[p as usize];
            let slot = self.slot(plan, s);
            for &instance in slot.candidates(observation, &plan.all) {
                let binding = &plan.bindings[instance as usize];
                let surely = match crate::eval::matcher::matches_where(slot.pattern, observation, binding) {
                    crate::places::Answer::Yes => true,
                    crate::places::Answer::Unknown => false,
                    crate::places::Answer::No => continue,
                };
                if !found(p, instance, s, surely) {
                    return false;
                }
            }
        }
        true
    }
}

/// Whether an observation certainly exists under each plan's standard:
/// the same for every plan when none sets a standard (then only a cut at
/// the horizon makes it uncertain), else worked out once per plan in turn.
struct Exists {
    everywhere: Option<bool>,
    last: Option<(u32, bool)>,
}

impl Exists {
    fn new(dispatch: &Dispatch, observation: &Observation) -> Self {
        Exists {
            everywhere: (!dispatch.standards).then_some(!observation.cut()),
            last: None,
        }
    }

    #[inline]
    fn under(&mut self, plans: &[Plan], p: u32, observation: &Observation) -> bool {
        match (self.everywhere, self.last) {
            (Some(c), _) => c,
            (None, Some((q, c))) if q == p => c,
            _ => {
                let c = plans[p as usize].certain(observation);
                self.last = Some((p, c));
                c
            }
        }
    }
}

/// One hit packed in 32 bits so that packed hits sort as [`Hit`]s do:
/// the plan (8 bits), the instance (16), the slot (7), and whether the
/// match is sure (1); `None` if a number is too large for its bits.
fn route(plan: u32, instance: u32, slot: u32, surely: bool) -> Option<u32> {
    (plan < 1 << 8 && instance < 1 << 16 && slot < 1 << 7)
        .then(|| plan << 24 | instance << 8 | slot << 1 | u32::from(surely))
}

/// A packed hit's plan, instance, slot and sureness.
fn unroute(r: u32) -> (u32, u32, u32, bool) {
    (r >> 24, (r >> 8) & 0xffff, (r >> 1) & 0x7f, r & 1 == 1)
}

/// Every combination of the rule's `for each` values, outermost varying slowest.
pub(crate) fn bindings(rule: &Rule, values: &HashMap<(KindId, FieldId), Vec<Value>>) -> Vec<Vec<Value>> {
    let mut out: Vec<Vec<Value>> = vec![Vec::new()];
    for header in &rule.for_each {
        let domain: Vec<Value> = match &header.domain {
            Domain::Zones(zones) => zones.iter().map(|z| Value::Zone(*z)).collect(),
            Domain::Range(a, b) => (*a..=*b).map(Value::Int).collect(),
            Domain::Values(kind, field) => values.get(&(*kind, *field)).cloned().unwrap_or_default(),
            Domain::List(listed) => listed.clone(),
        };
        out = out
            .into_iter()
            .flat_map(|prefix| domain.iter().map(move |v| [prefix.clone(), vec![v.clone()]].concat()))
            .collect();
    }
    out
}

/// A rule whose `for each … of` headers take so many values from the log
/// that it would have more instances than [`crate::check::MAX_INSTANCES`].
#[derive(Clone, Debug, thiserror::Error)]
#[error("rule `{id}` would have {instances} instances from the values in the log; the limit is {limit}")]
pub struct TooManyInstances {
    /// The rule's index in the model.
    pub rule: usize,
    /// Its id.
    pub id: String,
    /// How many instances (at least; counting stops past the limit).
    pub instances: u128,
    /// The limit.
    pub limit: u128,
}

impl TooManyInstances {
    /// The error as a diagnostic at the rule's id (CF0306).
    pub fn diagnostic(&self, model: &Model) -> crate::diagnostic::Diagnostic {
        use crate::diagnostic::{Code, Diagnostic};
        let span = model.rules.get(self.rule).map(|r| r.id_span);
        let diagnostic = match span {
            Some(span) => {
                Diagnostic::new(Code::TooManyInstances, span, self.to_string()).with_label("too many instances")
            }
            None => Diagnostic::without_span(Code::TooManyInstances, self.to_string()),
        };
        diagnostic.with_help(
            "each value of a `for each … of` field gives the rule an instance; narrow the rule (for example \
             `for each zone`), or judge it on part of the log with --rule and a filtered log",
        )
    }
}

/// Checks that no selected rule has more instances than the limit, now
/// that the `for each … of` values are known.
pub(crate) fn check_instances(
    model: &Model,
    selected: &[usize],
    values: &HashMap<(KindId, FieldId), Vec<Value>>,
) -> Result<(), TooManyInstances> {
    let limit = crate::check::MAX_INSTANCES as u128;
    for &r in selected {
        let rule = &model.rules[r];
        let mut instances: u128 = 1;
        for header in &rule.for_each {
            let size = match &header.domain {
                Domain::Zones(zones) => zones.len() as u128,
                Domain::Range(a, b) => (i128::from(*b) - i128::from(*a) + 1).max(0) as u128,
                Domain::Values(kind, field) => values.get(&(*kind, *field)).map_or(0, |v| v.len() as u128),
                Domain::List(listed) => listed.len() as u128,
            };
            instances = instances.saturating_mul(size);
        }
        if instances > limit {
            return Err(TooManyInstances {
                rule: r,
                id: rule.id.clone(),
                instances,
                limit,
            });
        }
    }
    Ok(())
}

/// The distinct values of every `KIND.FIELD` some `for each ... of` ranges
/// over, each list sorted.
pub(crate) fn domain_values(
    model: &Model,
    source: &mut dyn super::observations::Observations,
) -> std::io::Result<HashMap<(KindId, FieldId), Vec<Value>>> {
    let wanted: BTreeSet<(KindId, FieldId)> = model
        .rules
        .iter()
        .flat_map(|r| &r.for_each)
        .filter_map(|h| match h.domain {
            Domain::Values(k, f) => Some((k, f)),
            _ => None,
        })
        .collect();
    let mut seen: HashMap<(KindId, FieldId), BTreeSet<Key<'static>>> = HashMap::new();
    let mut values: HashMap<(KindId, FieldId), Vec<Value>> = HashMap::new();
    if wanted.is_empty() {
        return Ok(values);
    }
    source.replay(&mut |o| {
        for &(k, f) in wanted.range((o.kind, FieldId(0))..=(o.kind, FieldId(u32::MAX))) {
            let Some(value) = o.field(f) else { continue };
            let (Some(key), Some(value)) = (Key::of_field(value), as_value(value)) else {
                continue;
            };
            let set = seen.entry((k, f)).or_default();
            // Past the instance limit the rule cannot be judged anyway
            // (see `check_instances`); stop collecting, keep memory bounded.
            if set.len() as i128 > crate::check::MAX_INSTANCES {
                continue;
            }
            if set.insert(key.into_owned()) {
                values.entry((k, f)).or_default().push(value);
            }
        }
    })?;
    for list in values.values_mut() {
        list.sort_by(compare_values);
    }
    Ok(values)
}

/// An observed value as a binding (undeclared zones bind nothing).
fn as_value(value: &FieldValue) -> Option<Value> {
    Some(match value {
        FieldValue::Int(n) => Value::Int(*n),
        FieldValue::Number(x) => Value::Number(*x),
        FieldValue::Text(t) => Value::Text(t.to_string()),
        FieldValue::Bool(b) => Value::Bool(*b),
        FieldValue::Zone(z) => Value::Zone(*z),
        FieldValue::Time(t) => Value::Time(*t),
        FieldValue::UnknownZone(_) | FieldValue::Position(_) => return None,
    })
}

/// The order of instances: numbers ascending, text by its characters, zones
/// in declaration order, times ascending.
fn compare_values(a: &Value, b: &Value) -> std::cmp::Ordering {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => x.cmp(y),
        _ => Key::of_value(a).cmp(&Key::of_value(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const RULES: &str = "event incident { sector: int, severity: int }\n\
        event m { x: number }\n\
        rule dense { for each s in 1..100: no incident where sector = s after 2020-01-01 }\n\
        rule more { for each s in -3..3: no incident where sector = s and severity >= 2 after 2020-01-01 }\n\
        rule qualified { for each s in 1..4: no incident where severity = 1 and sector = s after 2020-01-01 }\n\
        rule sparse { for each s in [1, 5, 1000000]: no incident where sector = s after 2020-01-01 }\n\
        rule numbers { for each s in 1..5: no m where x = s after 2020-01-01 }\n";

    proptest! {
        /// The instances a slot hands an observation to are exactly those
        /// whose pattern matches it, whichever index finds them.
        #[test]
        fn slots_find_exactly_the_matching_instances(
            sector in prop_oneof![(-6i64..106).prop_map(Some), Just(Some(1_000_000)), Just(None)],
            severity in 0i64..4,
            x in prop_oneof![(0i64..7).prop_map(rust_decimal::Decimal::from), Just(rust_decimal::Decimal::new(35, 1)), Just(rust_decimal::Decimal::new(30, 1))],
        ) {
            let rules = crate::Rules::from_text("rules.cfr", RULES).expect("the rules check");
            let model = &rules.model;
            let values = HashMap::new();
            for rule in &model.rules {
                let bindings = bindings(rule, &values);
                for pattern in rule.form.slots() {
                    let slot = Slot::new(pattern, &bindings);
                    let mut o = Observation::blank();
                    o.kind = pattern.kind;
                    o.declared = std::iter::repeat_n(None, model.kinds[pattern.kind.0 as usize].fields.len()).collect();
                    if model.kinds[pattern.kind.0 as usize].name == "incident" {
                        o.declared[0] = sector.map(FieldValue::Int);
                        o.declared[1] = Some(FieldValue::Int(severity));
                    } else {
                        o.declared[0] = Some(FieldValue::Number(x));
                    }
                    let all: Vec<u32> = (0..bindings.len() as u32).collect();
                    let found: Vec<u32> = slot
                        .candidates(&o, &all)
                        .iter()
                        .copied()
                        .filter(|&i| slot.sure() || matches(pattern, &o, &bindings[i as usize]))
                        .collect();
                    let expected: Vec<u32> =
                        all.iter().copied().filter(|&i| matches(pattern, &o, &bindings[i as usize])).collect();
                    prop_assert_eq!(found, expected, "{}", rule.id);
                }
            }
        }
    }

    #[test]
    fn close_whole_numbers_are_indexed_densely() {
        let rules = crate::Rules::from_text("rules.cfr", RULES).expect("the rules check");
        let values = HashMap::new();
        let slot = |id: &str| {
            let rule = rules.model.rules.iter().find(|r| r.id == id).expect("the rule");
            let pattern = rule.form.slots()[0];
            Slot::new(pattern, &bindings(rule, &values))
        };
        let dense = |id: &str| slot(id).dense.map(|d| d.sure);
        assert_eq!(dense("dense"), Some(true));
        assert_eq!(dense("more"), Some(false));
        assert_eq!(dense("qualified"), Some(false));
        assert_eq!(dense("sparse"), None);
        assert_eq!(dense("numbers"), Some(true));
    }
}
