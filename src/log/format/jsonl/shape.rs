//! JSON Lines records typed by their shape.
//!
//! The records of a log mostly repeat a few shapes: the same keys in the
//! same order, with the same bytes between them, kind by kind
//! (`{"time":…,"kind":"patrol","sector":…,"unit":…}`). Once a record of a
//! kind has been read the general way, its shape is kept: the bytes before
//! each value and what the value is (the time, the kind, a declared field,
//! a key no declaration names). A later record of that shape is then
//! typed straight from its bytes, each key checked by comparing bytes
//! instead of being read, looked up by name and kept in a record of raw
//! values first. Anything else — another order, a missing or extra key,
//! an escape, a value that does not fit its field or is worth a warning, a
//! range, an `id` — is read the general way, which says what is wrong; so
//! the outcome of every record is the one the general way makes of it (a
//! property test checks this).
//!
//! Shapes are learned afresh for each chunk, from at most [`LEARN`]
//! records, so that a log of many shapes costs little and a chunk's
//! outcomes depend on nothing but the chunk.

use super::scan::{plain_string, scalar, skip_space};
use crate::check::model::{FieldId, KindId, Type};
use crate::log::observation::{FieldValue, Observation, Origin};
use crate::log::record::{Fill, Raw, Typer};

/// The records of a chunk its shapes may be learned from.
const LEARN: u32 = 16;

/// What a value of a shape is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Value {
    /// The record's `time`.
    Time,
    /// The record's `kind`.
    Kind,
    /// A declared `int` field of the shape's kind, written as a JSON
    /// whole number.
    Int(FieldId),
    /// A declared `text` field of the shape's kind, written as a string.
    Text(FieldId),
    /// Another declared field of the shape's kind.
    Field(FieldId),
    /// A key the kind does not declare: a scalar, not kept.
    Ignored,
}

/// A value and the bytes before it (`{"time":`, `,"sector":`).
#[derive(Debug, PartialEq, Eq)]
struct Step {
    before: Box<[u8]>,
    value: Value,
}

/// The steps after the kind, and the bytes after the last value.
#[derive(Debug)]
struct Tail {
    steps: Vec<Step>,
    end: Box<[u8]>,
}

/// The shapes of a chunk's records: the steps up to the kind, shared by
/// all kinds, and each kind's steps after it.
#[derive(Debug)]
pub(super) struct Shapes {
    head: Vec<Step>,
    tails: Vec<Option<Tail>>,
    /// Records still to learn shapes from.
    budget: u32,
}

impl Shapes {
    /// No shapes yet; none are learned when the typer must read every
    /// record the general way (some rule reads sources and status).
    pub fn new(typer: &Typer) -> Self {
        let enabled = typer.types_by_shape();
        Shapes {
            head: Vec::new(),
            tails: (0..typer.model().kinds.len()).map(|_| None).collect(),
            budget: if enabled { LEARN } else { 0 },
        }
    }

    /// Pushes the outcome of the record `text` onto `out` if it has the
    /// shape of its kind; `false`, pushing nothing, if not.
    #[inline]
    pub fn outcome(
        &self,
        typer: &Typer,
        text: &str,
        origin: Origin,
        range: std::ops::Range<usize>,
        out: &mut Fill<'_>,
    ) -> bool {
        if self.head.is_empty() {
            return false;
        }
        let Some(valid) = out.push_blank(range) else {
            return false;
        };
        if self.fill(typer, text, origin, &mut valid.observation).is_some() {
            return true;
        }
        out.pop();
        false
    }

    /// Types `text` into `observation` by its kind's shape.
    #[inline(always)]
    fn fill(&self, typer: &Typer, text: &str, origin: Origin, observation: &mut Observation) -> Option<()> {
        let b = text.as_bytes();
        let mut i = 0;
        let mut time = None;
        let mut kind = None;
        for step in &self.head {
            i = after(b, i, &step.before)?;
            match step.value {
                Value::Time => {
                    let (t, end) = instant(typer, text, i)?;
                    time = Some(t);
                    i = end;
                }
                Value::Kind => {
                    let (k, end) = plain(text, i)?;
                    kind = Some(typer.kind_id(k)?);
                    i = end;
                }
                Value::Int(_) | Value::Text(_) | Value::Field(_) | Value::Ignored => return None,
            }
        }
        let kind = kind?;
        let tail = self.tails.get(kind.0 as usize)?.as_ref()?;
        observation.kind = kind;
        observation.origin = origin;
        let fields = typer.model().kinds[kind.0 as usize].fields.len();
        observation.declared = crate::log::observation::no_fields(fields);
        for step in &tail.steps {
            i = after(b, i, &step.before)?;
            match step.value {
                Value::Time => {
                    let (t, end) = instant(typer, text, i)?;
                    time = Some(t);
                    i = end;
                }
                Value::Int(field) => {
                    let (n, end) = int(b, i)?;
                    *observation.declared.get_mut(field.0 as usize)? = Some(FieldValue::Int(n));
                    i = end;
                }
                Value::Text(field) => {
                    let (t, end) = plain(text, i)?;
                    *observation.declared.get_mut(field.0 as usize)? = Some(typer.text_value(t));
                    i = end;
                }
                Value::Field(field) => {
                    let mut raw = Raw::Null;
                    i = value(text, i, &mut raw)?;
                    // `null` is an absent value.
                    if !matches!(raw, Raw::Null) {
                        let slot = observation.declared.get_mut(field.0 as usize)?;
                        typer.field_value(kind, field, &raw, slot)?;
                    }
                }
                Value::Ignored => {
                    let mut raw = Raw::Null;
                    i = value(text, i, &mut raw)?;
                }
                Value::Kind => return None,
            }
        }
        i = after(b, i, &tail.end)?;
        if !b[i..].iter().all(|&c| c == b' ') {
            return None;
        }
        observation.set_time(time?, None);
        Some(())
    }

    /// Learns the shape of `text`, a record the general way found valid,
    /// of a declared kind, with no `id` and nothing worth a warning.
    pub fn learn(&mut self, typer: &Typer, text: &str) {
        if self.budget == 0 {
            return;
        }
        self.budget -= 1;
        let Some((head, kind, tail)) = shape_of(typer, text) else {
            return;
        };
        if head != self.head {
            self.head = head;
            self.tails.iter_mut().for_each(|t| *t = None);
        }
        if let Some(slot) = self.tails.get_mut(kind.0 as usize) {
            *slot = Some(tail);
        }
    }
}

/// Where `before` ends if `b` has it at `i`.
#[inline(always)]
fn after(b: &[u8], i: usize, before: &[u8]) -> Option<usize> {
    let end = i + before.len();
    same(b.get(i..end)?, before).then_some(end)
}

/// Whether two slices of one length are equal, compared eight bytes at a
/// time: the bytes between values are short, and a call to `memcmp` for
/// each cost more than the comparison.
#[inline(always)]
fn same(a: &[u8], b: &[u8]) -> bool {
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().expect("eight bytes"));
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return a == b;
    }
    let mut at = 0;
    while at + 8 < n {
        if word(a, at) != word(b, at) {
            return false;
        }
        at += 8;
    }
    // The last eight bytes, overlapping those compared before.
    word(a, n - 8) == word(b, n - 8)
}

/// A JSON whole number at `i` that an `int` field takes as it is (at most
/// 18 digits, so within 64 bits), and where it ends; `None` for anything
/// else, a decimal or an exponent included.
#[inline(always)]
fn int(b: &[u8], i: usize) -> Option<(i64, usize)> {
    let negative = b.get(i) == Some(&b'-');
    let start = i + usize::from(negative);
    let mut at = start;
    let mut n: i64 = 0;
    while let Some(&c) = b.get(at)
        && c.is_ascii_digit()
    {
        n = n * 10 + i64::from(c - b'0');
        at += 1;
        if at - start > 18 {
            return None;
        }
    }
    let digits = at - start;
    if digits == 0 || (digits > 1 && b[start] == b'0') || matches!(b.get(at), Some(b'.' | b'e' | b'E')) {
        return None;
    }
    Some((if negative { -n } else { n }, at))
}

/// The instant a record's `time` at `i` gives, and where it ends.
#[inline(always)]
fn instant(typer: &Typer, text: &str, i: usize) -> Option<(chrono::DateTime<chrono::Utc>, usize)> {
    let (t, end) = plain(text, i)?;
    Some((typer.instant(t)?, end))
}

/// A string without escapes or control characters at `i`, and where it ends.
#[inline(always)]
fn plain(text: &str, i: usize) -> Option<(&str, usize)> {
    let (s, end) = plain_string(text, i)?;
    s.bytes().all(|c| c >= 0x20).then_some((s, end))
}

/// A scalar value at `i` (a string without escapes or control
/// characters), written into `out`, and where it ends.
#[inline(always)]
fn value<'a>(text: &'a str, i: usize, out: &mut Raw<'a>) -> Option<usize> {
    let end = scalar(text, i, out)?;
    match out {
        Raw::Text(s) if s.bytes().any(|c| c < 0x20) => None,
        _ => Some(end),
    }
}

/// The shape of a record: its steps up to the kind, its kind, and the rest.
/// `None` for a record whose shape is not kept: a control character, a
/// key before the kind other than `time`, a key twice, an `id`, a value
/// that is not a scalar.
fn shape_of(typer: &Typer, text: &str) -> Option<(Vec<Step>, KindId, Tail)> {
    if text.bytes().any(|c| c < 0x20) {
        return None;
    }
    let b = text.as_bytes();
    let mut steps = Vec::new();
    let mut keys: Vec<&str> = Vec::new();
    let mut kind = None;
    let mut head = 0;
    let mut from = 0;
    let mut i = skip_space(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_space(b, i + 1);
    loop {
        let (key, end) = plain_string(text, i)?;
        i = skip_space(b, end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = skip_space(b, i + 1);
        let mut raw = Raw::Null;
        let end = scalar(text, i, &mut raw)?;
        if keys.contains(&key) {
            return None;
        }
        keys.push(key);
        let value = match (key, kind) {
            ("time", _) => Value::Time,
            ("kind", _) => {
                let Raw::Text(name) = &raw else { return None };
                kind = Some(typer.kind_id(name)?);
                head = steps.len() + 1;
                Value::Kind
            }
            ("id", _) | (_, None) => return None,
            (key, Some(k)) => {
                let declaration = &typer.model().kinds[k.0 as usize];
                match declaration.field(key) {
                    Some(field) => match (declaration.fields[field.0 as usize].ty, &raw) {
                        (Type::Int, Raw::Int(_)) => Value::Int(field),
                        (Type::Text, Raw::Text(_)) => Value::Text(field),
                        _ => Value::Field(field),
                    },
                    None => Value::Ignored,
                }
            }
        };
        steps.push(Step {
            before: b[from..i].into(),
            value,
        });
        from = end;
        i = skip_space(b, end);
        match b.get(i) {
            Some(b',') => i = skip_space(b, i + 1),
            Some(b'}') => {
                if skip_space(b, i + 1) != b.len() {
                    return None;
                }
                let end = b[from..=i].into();
                let rest = steps.split_off(head);
                return Some((steps, kind?, Tail { steps: rest, end }));
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::chunk::Chunk;
    use proptest::prelude::*;
    use std::borrow::Cow;

    const RULES: &str = "zone north\nzone south\n\
        event strike { zone: zone, actor: text, n: int }\n\
        event vote { yes: bool, share: number, at: time }\n\
        event both { n: int, x: number }\n";

    /// The outcomes of a JSON Lines log's records, typed by shape when
    /// `shapes`, else the general way; and how many were typed by shape.
    fn outcomes(log: &str, shapes: bool) -> (Vec<String>, usize) {
        let rules = crate::Rules::from_text("rules.cfr", RULES).expect("the rules check");
        let typer = Typer::new(&rules.model);
        let chunk = Chunk {
            data: log.as_bytes().to_vec(),
            first_line: 1,
            first_offset: 0,
            skipped: None,
        };
        let mut learned = Shapes::new(&typer);
        let mut general = 0;
        let mut out = Vec::new();
        let shapes = shapes.then_some((&mut learned, &typer));
        super::super::parse_with(
            &chunk,
            0,
            "log.jsonl",
            &mut Fill::over(&mut out),
            shapes,
            |raw, text, origin, range, out| {
                general += 1;
                let whole = || Cow::Borrowed(text);
                let locate = |key: &str| super::super::locate_key(text, key);
                typer.outcome_into(raw, (origin, range), &whole, "log.jsonl", &locate, out);
            },
        );
        let records = out.len();
        (out.iter().map(|o| format!("{o:?}")).collect(), records - general)
    }

    #[test]
    fn records_of_a_shape_seen_before_are_typed_by_it() {
        let log = concat!(
            r#"{"time":"2025-01-19T08:30:00Z","kind":"strike","n":3,"actor":"army","zone":"north"}"#,
            "\n",
            r#"{"time":"2025-01-19T08:31:00Z","kind":"strike","n":-4,"actor":"navy","zone":"south"}"#,
            "\n",
            r#"{"time":"2025-01-19T08:32:00Z","kind":"both","n":1,"x":2.5,"note":"kept out"}"#,
            "\n",
            r#"{"time":"2025-01-19T08:33:00Z","kind":"both","n":7,"x":1e3,"note":"kept out"}"#,
            "\n",
            // Another order, then the shape again; a value that does not fit.
            r#"{"kind":"strike","time":"2025-01-19T08:34:00Z","n":3,"actor":"army","zone":"north"}"#,
            "\n",
            r#"{"time":"2025-01-19T08:35:00Z","kind":"strike","n":5,"actor":"army","zone":"north"}"#,
            "\n",
            r#"{"time":"2025-01-19T08:36:00Z","kind":"strike","n":"x","actor":"army","zone":"north"}"#,
            "\n",
        );
        let (typed, by_shape) = outcomes(log, true);
        assert_eq!(typed, outcomes(log, false).0);
        // The second strike and the second `both`; the record in another
        // order is learned from, and the strike after it is typed by the
        // new head (learned from `kind` first, so the old shapes are gone).
        assert_eq!(by_shape, 2, "{typed:#?}");
    }

    #[test]
    fn short_byte_strings_are_compared_whole() {
        for (a, b) in [
            ("", ""),
            (",\"n\":", ",\"n\":"),
            (",\"sector\":", ",\"sector\":"),
            (",\"a_long_field_name\":", ",\"a_long_field_name\":"),
        ] {
            assert!(same(a.as_bytes(), b.as_bytes()));
        }
        for (a, b) in [
            (",\"n\":", ",\"m\":"),
            (",\"sector\":", ",\"sectoR\":"),
            (",\"a_long_field_name\":", ",\"a_long_field_namE\":"),
            ("X,\"a_long_field_name\":", "Y,\"a_long_field_name\":"),
            (",\"a\":", ",\"ab\":"),
        ] {
            assert!(!same(a.as_bytes(), b.as_bytes()), "{a} {b}");
        }
    }

    #[test]
    fn whole_numbers_are_read_as_the_general_reader_reads_them() {
        for (text, expected) in [
            ("3,", Some((3, 1))),
            ("-4}", Some((-4, 2))),
            ("0}", Some((0, 1))),
            ("-0}", Some((0, 2))),
            ("123456789012345678}", Some((123_456_789_012_345_678, 18))),
            ("1234567890123456789}", None),
            ("007}", None),
            ("2.5}", None),
            ("1e3}", None),
            ("-}", None),
            ("x}", None),
        ] {
            assert_eq!(int(text.as_bytes(), 0), expected, "{text}");
        }
    }

    const ODD: &[&str] = &[
        "3",
        "-4",
        "-0",
        "007",
        "2.5",
        "1e3",
        "1e400",
        "true",
        "null",
        "\"army\"",
        "\"north\"",
        "\"east\"",
        "\" south \"",
        "\"a\\\"b\"",
        "\"tab\there\"",
        "\"nul\u{1}\"",
        "[1]",
        "{\"a\":1}",
        "12345678901234567890",
        "-123456789012345678",
        "\"\"",
        "\"3\"",
        "\"2025-01-19T08:30:00Z\"",
        "\"2025-01-19\"",
        "\"2025-01-19/2025-01-21\"",
        "\"2025-02-30T00:00:00Z\"",
        "\"2025-01-19T08:30:00+02:00\"",
        "\"2025-01-19T08:30:00Z \"",
        "\"str\\u0069ke\"",
        "\"strike\"",
        "\"both\"",
        "\"parade\"",
        "-",
        "tru",
    ];

    #[test]
    fn each_odd_value_after_its_shape_is_typed_as_the_general_way_types_it() {
        // Every value of ODD in every place of every shape, in a record
        // after one the shape is learned from (so that the shape is tried).
        let shapes: [&[&str]; 4] = [
            &["time", "kind", "n", "actor", "zone"],
            &["kind", "time", "n", "x", "other"],
            &["time", "kind", "yes", "share", "at"],
            &["time", "kind", "n", "zone"],
        ];
        let kinds = ["strike", "both", "vote", "strike"];
        let record = |keys: &[&str], kind: &str, odd: Option<(usize, &str)>| {
            let body: Vec<String> = keys
                .iter()
                .enumerate()
                .map(|(i, &k)| {
                    let v = match (odd, k) {
                        (Some((at, v)), _) if at == i => v.to_string(),
                        (_, "time") => "\"2025-01-19T08:30:00Z\"".to_string(),
                        (_, "kind") => format!("\"{kind}\""),
                        _ => fitting(k, i).to_string(),
                    };
                    format!("\"{k}\":{v}")
                })
                .collect();
            format!("{{{}}}\n", body.join(","))
        };
        let mut tried = 0;
        for (keys, kind) in shapes.iter().zip(kinds) {
            for at in 0..keys.len() {
                for odd in ODD {
                    let log = [record(keys, kind, None), record(keys, kind, Some((at, odd)))].concat();
                    let (typed, by_shape) = outcomes(&log, true);
                    assert_eq!(typed, outcomes(&log, false).0, "{log}");
                    tried += by_shape;
                }
            }
        }
        assert!(tried > 100, "{tried} records typed by shape");
    }

    /// A value that fits `key` in [`RULES`].
    fn fitting(key: &str, pick: usize) -> &'static str {
        let pick = |values: &[&'static str]| values[pick % values.len()];
        match key {
            "n" => pick(&["3", "-4", "0", "17", "123456789012345678"]),
            "actor" => pick(&["\"army\"", "\"navy\"", "\"\"", "\"a b é\""]),
            "zone" => pick(&["\"north\"", "\"south\""]),
            "x" | "share" => pick(&["2.5", "3", "-0.125", "1e3"]),
            "yes" => pick(&["true", "false"]),
            "at" => pick(&["\"2025-01-19T08:30:00Z\"", "\"2025-01-19\""]),
            _ => pick(&["\"o\"", "1", "null"]),
        }
    }

    proptest! {
        #[test]
        fn records_typed_by_shape_are_typed_as_the_general_way_types_them(
            rows in prop::collection::vec((
                prop::sample::select(vec![
                    ("strike", vec!["time", "kind", "n", "actor", "zone"]),
                    ("strike", vec!["time", "kind", "n", "actor", "zone"]),
                    ("strike", vec!["time", "kind", "n", "zone", "other"]),
                    ("both", vec!["time", "kind", "n", "x"]),
                    ("vote", vec!["time", "kind", "yes", "share", "at"]),
                    ("both", vec!["kind", "time", "n", "x"]),
                    ("both", vec!["time", "kind", "id", "n"]),
                    ("both", vec!["time", "kind", "n", "n"]),
                    ("both", vec!["time", "other", "kind", "n"]),
                    ("vote", vec!["time", "kind"]),
                ]),
                prop::sample::select(vec![
                    "\"2025-01-20T08:30:59Z\"", "\"2025-01-19T08:30:00+02:00\"", "\"2025-01-19\"",
                    "\"2025-02-30T00:00:00Z\"", "\"\"", "5", "\"2025-01-19T08:30:00Z \"", "\"2025-01-19T08:30:00Z\\t\"",
                ]),
                prop::sample::select(vec!["\"parade\"", "\"9x\"", "3", "\"str\\u0069ke\"", "\"both\"", "\"vote\""]),
                prop::collection::vec(
                    prop::sample::select(vec![
                        "3", "-4", "-0", "007", "2.5", "1e3", "true", "null", "\"army\"", "\"north\"", "\"east\"",
                        "\" south \"", "\"a\\\"b\"", "\"tab\there\"", "[1]", "{\"a\":1}", "12345678901234567890",
                        "-123456789012345678", "\"\"", "\"3\"", "\"2025-01-19T08:30:00Z\"",
                    ]),
                    5,
                ),
                // Which of the time, the kind and the five values are odd ones.
                prop::collection::vec(prop::bool::weighted(0.1), 7),
                0..100usize,
                prop::sample::select(vec!["", "", "", "", " ", "\t"]),
                prop::sample::select(vec!["", "", "", "", " ", "\r", " x"]),
            ), 1..40),
        ) {
            let mut log = String::new();
            for ((kind, keys), time, odd_kind, values, odd, pick, space, end) in &rows {
                let mut values = values.iter().zip(&odd[2..]);
                let body: Vec<String> = keys
                    .iter()
                    .map(|&k| {
                        let v = match k {
                            "time" if odd[0] => time.to_string(),
                            "time" => format!("\"2025-01-19T08:{:02}:00Z\"", pick % 60),
                            "kind" if odd[1] => odd_kind.to_string(),
                            "kind" => format!("\"{kind}\""),
                            _ => match values.next() {
                                Some((v, true)) => v.to_string(),
                                _ => fitting(k, *pick).to_string(),
                            },
                        };
                        format!("\"{k}\"{space}:{v}")
                    })
                    .collect();
                log.push_str(&format!("{{{}}}{end}\n", body.join(&format!(",{space}"))));
            }
            prop_assert_eq!(outcomes(&log, true).0, outcomes(&log, false).0, "{}", log);
        }
    }
}
