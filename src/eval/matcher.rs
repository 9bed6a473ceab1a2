//! Whether an observation matches a pattern under an instance's bindings,
//! and the keys that let an observation find its instances directly.

use crate::check::model::CmpOp;
use crate::check::model::{Condition, FieldId, FieldTest, Operand, Pattern, Standard, Value, VarId};
use crate::log::{FieldValue, Observation};
use crate::number::{Decimal, whole};
pub use crate::places::Answer;

/// Whether the observation matches the pattern. A field the observation
/// lacks makes every comparison with it false.
pub fn matches(pattern: &Pattern, observation: &Observation, binding: &[Value]) -> bool {
    let field = |f: FieldId| observation.field(f);
    observation.kind == pattern.kind
        && pattern.tests.iter().all(|t| test(t, &field, binding))
        && pattern.condition.as_ref().is_none_or(|c| condition(c, &field, binding))
}

/// Whether the observation meets an evidence standard (LANGUAGE-v2 §9.2):
/// `sources` is how many distinct sources it names, `status` its status
/// (absent when it gives none).
pub fn meets(standard: &Standard, observation: &Observation) -> bool {
    let provenance = observation.provenance().map(|p| p.as_ref());
    let sources = FieldValue::Int(provenance.map_or(0, |p| p.sources.len() as i64));
    let status = provenance
        .and_then(|p| p.status.as_deref())
        .map(|s| FieldValue::Text(s.into()));
    let field = |f: FieldId| match f {
        Standard::SOURCES => Some(&sources),
        Standard::STATUS => status.as_ref(),
        _ => None,
    };
    condition(&standard.condition, &field, &[])
}

#[inline(always)]
fn test<'o>(t: &FieldTest, field: &impl Fn(FieldId) -> Option<&'o FieldValue>, binding: &[Value]) -> bool {
    let Some(value) = field(t.field) else {
        return false;
    };
    compare(value, t.op, operand(&t.operand, binding))
}

/// A condition's truth: comparisons, and comparisons joined by `and` (the
/// shapes of nearly every pattern), answered here without a call; the
/// rest by [`condition_rest`].
#[inline(always)]
fn condition<'o>(c: &Condition, field: &impl Fn(FieldId) -> Option<&'o FieldValue>, binding: &[Value]) -> bool {
    match c {
        Condition::Test(t) => test(t, field, binding),
        Condition::And(parts) => parts.iter().all(|p| match p {
            Condition::Test(t) => test(t, field, binding),
            other => condition_rest(other, field, binding),
        }),
        other => condition_rest(other, field, binding),
    }
}

#[inline(never)]
fn condition_rest<'o>(c: &Condition, field: &impl Fn(FieldId) -> Option<&'o FieldValue>, binding: &[Value]) -> bool {
    match c {
        Condition::Test(t) => test(t, field, binding),
        Condition::In(f, operands) => {
            field(*f).is_some_and(|v| operands.iter().any(|o| compare(v, CmpOp::Eq, operand(o, binding))))
        }
        Condition::And(parts) => parts.iter().all(|p| condition(p, field, binding)),
        Condition::Or(parts) => parts.iter().any(|p| condition(p, field, binding)),
        Condition::Not(inner) => !condition(inner, field, binding),
        // Spatial questions asked yes or no: only a certain yes holds.
        spatial @ (Condition::Inside(..) | Condition::Distance(..) | Condition::InZoneArea(..)) => {
            spatial_answer(spatial, field, binding) == Answer::Yes
        }
    }
}

/// Whether the observation matches a pattern whose condition asks where a
/// position is (LANGUAGE-v2 §12): yes, no, or unknown for a position known
/// only to within a radius that the answer depends on.
pub fn matches_where(pattern: &Pattern, observation: &Observation, binding: &[Value]) -> Answer {
    let field = |f: FieldId| observation.field(f);
    if observation.kind != pattern.kind || !pattern.tests.iter().all(|t| test(t, &field, binding)) {
        return Answer::No;
    }
    match &pattern.condition {
        Some(c) => answer(c, &field, binding),
        None => Answer::Yes,
    }
}

/// A condition's answer, three-valued (Kleene's connectives).
fn answer<'o>(c: &Condition, field: &impl Fn(FieldId) -> Option<&'o FieldValue>, binding: &[Value]) -> Answer {
    match c {
        Condition::And(parts) => {
            let mut out = Answer::Yes;
            for part in parts {
                match answer(part, field, binding) {
                    Answer::No => return Answer::No,
                    Answer::Unknown => out = Answer::Unknown,
                    Answer::Yes => {}
                }
            }
            out
        }
        Condition::Or(parts) => {
            let mut out = Answer::No;
            for part in parts {
                match answer(part, field, binding) {
                    Answer::Yes => return Answer::Yes,
                    Answer::Unknown => out = Answer::Unknown,
                    Answer::No => {}
                }
            }
            out
        }
        Condition::Not(inner) => match answer(inner, field, binding) {
            Answer::Yes => Answer::No,
            Answer::No => Answer::Yes,
            Answer::Unknown => Answer::Unknown,
        },
        Condition::Inside(..) | Condition::Distance(..) | Condition::InZoneArea(..) => {
            spatial_answer(c, field, binding)
        }
        Condition::Test(_) | Condition::In(..) => {
            if condition(c, field, binding) {
                Answer::Yes
            } else {
                Answer::No
            }
        }
    }
}

/// The answer of one spatial question; a position the observation lacks
/// answers no.
fn spatial_answer<'o>(c: &Condition, field: &impl Fn(FieldId) -> Option<&'o FieldValue>, binding: &[Value]) -> Answer {
    let position = |f: &FieldId| match field(*f) {
        Some(FieldValue::Position(p)) => Some(**p),
        _ => None,
    };
    match c {
        Condition::Inside(f, shape) => position(f).map_or(Answer::No, |p| shape.inside(p.lat, p.lon, p.radius_m)),
        Condition::Distance(f, shape, _, op, limit) => position(f).map_or(Answer::No, |p| {
            let holds = |x: f64| match op {
                CmpOp::Lt => x < *limit,
                CmpOp::Le => x <= *limit,
                CmpOp::Gt => x > *limit,
                // The checker allows no other: `>=`.
                _ => x >= *limit,
            };
            shape.distance_compare(p.lat, p.lon, p.radius_m, *limit, &holds)
        }),
        Condition::InZoneArea(f, var, areas) => match (&binding[var.0 as usize], position(f)) {
            (Value::Zone(z), Some(p)) => areas
                .get(z.0 as usize)
                .and_then(Option::as_ref)
                .map_or(Answer::No, |shape| shape.inside(p.lat, p.lon, p.radius_m)),
            _ => Answer::No,
        },
        _ => Answer::No,
    }
}

fn operand<'a>(o: &'a Operand, binding: &'a [Value]) -> &'a Value {
    match o {
        Operand::Const(v) => v,
        Operand::Var(VarId(i)) => &binding[*i as usize],
    }
}

/// `FIELD = VAR`, as a pair.
fn var_equal(t: &FieldTest) -> Option<(VarId, FieldId)> {
    match t.operand {
        Operand::Var(v) if t.op == CmpOp::Eq => Some((v, t.field)),
        _ => None,
    }
}

/// `value OP constant`. Values of different types never compare equal.
#[inline(always)]
fn compare(value: &FieldValue, op: CmpOp, constant: &Value) -> bool {
    let ordering = match (value, constant) {
        (FieldValue::Int(a), Value::Int(b)) => Some(a.cmp(b)),
        (FieldValue::Int(a), Value::Number(b)) => Some(whole(*a).cmp(b)),
        (FieldValue::Number(a), Value::Number(b)) => Some(a.cmp(b)),
        (FieldValue::Number(a), Value::Int(b)) => Some(a.cmp(&whole(*b))),
        (FieldValue::Text(a), Value::Text(b)) => Some(a.as_str().cmp(b.as_str())),
        (FieldValue::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
        (FieldValue::Time(a), Value::Time(b)) => Some(a.cmp(b)),
        (FieldValue::Zone(a), Value::Zone(b)) => return equality(op, a == b),
        (FieldValue::UnknownZone(_), Value::Zone(_)) => return equality(op, false),
        _ => None,
    };
    ordering.is_some_and(|o| op.holds(o))
}

fn equality(op: CmpOp, equal: bool) -> bool {
    match op {
        CmpOp::Eq => equal,
        CmpOp::Ne => !equal,
        _ => false,
    }
}

/// A value as a hash key. Whole numbers and decimals that are whole meet
/// under the same key, as they compare equal; so do decimals that differ
/// only in trailing zeros (`2.5`, `2.50`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key<'a> {
    /// A whole number (or a decimal without a fraction).
    Int(i64),
    /// Any other decimal, by its digits and places once trailing zeros are dropped.
    Decimal(i128, u32),
    /// Text.
    Text(std::borrow::Cow<'a, str>),
    /// A boolean.
    Bool(bool),
    /// A declared zone.
    Zone(u32),
    /// An instant, as seconds and nanoseconds.
    Time(i64, u32),
}

impl<'a> Key<'a> {
    /// The key of a bound value.
    pub fn of_value(value: &'a Value) -> Key<'a> {
        match value {
            Value::Int(n) => Key::Int(*n),
            Value::Number(x) => number(*x),
            Value::Text(t) => Key::Text(t.as_str().into()),
            Value::Bool(b) => Key::Bool(*b),
            Value::Zone(z) => Key::Zone(z.0),
            Value::Time(t) => Key::Time(t.timestamp(), t.timestamp_subsec_nanos()),
        }
    }

    /// The key of an observed value; `None` for values no binding can equal.
    pub fn of_field(value: &'a FieldValue) -> Option<Key<'a>> {
        Some(match value {
            FieldValue::Int(n) => Key::Int(*n),
            FieldValue::Number(x) => number(*x),
            FieldValue::Text(t) => Key::Text(t.as_str().into()),
            FieldValue::Bool(b) => Key::Bool(*b),
            FieldValue::Zone(z) => Key::Zone(z.0),
            FieldValue::Time(t) => Key::Time(t.timestamp(), t.timestamp_subsec_nanos()),
            FieldValue::UnknownZone(_) | FieldValue::Position(_) => return None,
        })
    }

    /// The same key, owning its text.
    pub fn into_owned(self) -> Key<'static> {
        match self {
            Key::Text(t) => Key::Text(t.into_owned().into()),
            Key::Int(n) => Key::Int(n),
            Key::Decimal(m, s) => Key::Decimal(m, s),
            Key::Bool(b) => Key::Bool(b),
            Key::Zone(z) => Key::Zone(z),
            Key::Time(s, n) => Key::Time(s, n),
        }
    }
}

fn number(x: Decimal) -> Key<'static> {
    let x = x.normalize();
    match i64::try_from(x) {
        Ok(n) if x.scale() == 0 => Key::Int(n),
        _ => Key::Decimal(x.mantissa(), x.scale()),
    }
}

/// The fields a pattern requires to equal a variable: `batch n` gives
/// `(n, batch)`, and so does `where batch = n` (or `where batch = n and
/// …`: a comparison every match must pass, not one under `or` or `not`).
/// Whether `pattern` asks nothing but `FIELD = VAR` of this one pair (in
/// qualifiers or `where`, perhaps joined by `and`): then an observation of
/// its kind whose field equals the variable's value matches it.
pub fn only_equal(pattern: &Pattern, pair: (VarId, FieldId)) -> bool {
    fn only(condition: &Condition, pair: (VarId, FieldId)) -> bool {
        match condition {
            Condition::Test(t) => var_equal(t) == Some(pair),
            Condition::And(parts) => parts.iter().all(|p| only(p, pair)),
            _ => false,
        }
    }
    pattern.tests.iter().all(|t| var_equal(t) == Some(pair)) && pattern.condition.as_ref().is_none_or(|c| only(c, pair))
}

pub fn equal_vars(pattern: &Pattern) -> Vec<(VarId, FieldId)> {
    fn required(condition: &Condition, out: &mut Vec<(VarId, FieldId)>) {
        match condition {
            Condition::Test(t) => out.extend(var_equal(t)),
            Condition::And(parts) => parts.iter().for_each(|p| required(p, out)),
            _ => {}
        }
    }
    let mut pairs: Vec<(VarId, FieldId)> = pattern.tests.iter().filter_map(var_equal).collect();
    if let Some(condition) = &pattern.condition {
        required(condition, &mut pairs);
    }
    pairs.sort();
    pairs.dedup_by_key(|p| p.0);
    pairs
}
