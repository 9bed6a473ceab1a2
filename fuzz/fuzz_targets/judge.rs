//! The fuzzing rule set judged against an arbitrary structured log: records
//! of the declared kinds (and some undeclared), with fields of every type,
//! well- and ill-typed, at times around the rules' phases, sorted or not.
#![no_main]

mod common;

use arbitrary::Arbitrary;
use ceasefire::log::LogFormat;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};

#[derive(Arbitrary, Debug)]
struct Input {
    pick: u8,
    sorted: bool,
    records: Vec<Record>,
}

#[derive(Arbitrary, Debug)]
struct Record {
    kind: u8,
    /// Minutes after 2025-01-15T00:00:00Z (up to about 45 days).
    minutes: u16,
    seconds: u8,
    offset: Offset,
    fields: Vec<(u8, Val)>,
}

#[derive(Arbitrary, Debug)]
enum Offset {
    Z,
    Plus2,
    DateOnly,
}

#[derive(Arbitrary, Debug)]
enum Val {
    Small(u8),
    Int(i64),
    Num(f64),
    Text(u8),
    Bool(bool),
    Zone(u8),
    Time(u16),
    Null,
    Array,
}

const TEXTS: [&str; 6] = ["army", "x", "y", "", "north", "é\u{1F600}"];
const ZONES: [&str; 4] = ["north", "south", "nowhere", "North"];

fn time(minutes: u64, seconds: u8, offset: &Offset) -> String {
    let base: chrono::DateTime<chrono::Utc> = "2025-01-15T00:00:00Z".parse().expect("a time");
    let t = base + chrono::TimeDelta::minutes(minutes as i64) + chrono::TimeDelta::seconds(i64::from(seconds % 60));
    match offset {
        Offset::Z => t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        Offset::Plus2 => (t + chrono::TimeDelta::hours(2))
            .format("%Y-%m-%dT%H:%M:%S+02:00")
            .to_string(),
        Offset::DateOnly => t.format("%Y-%m-%d").to_string(),
    }
}

fuzz_target!(|input: Input| {
    let (_, model) = common::rules();
    let mut records = input.records;
    if input.sorted {
        records.sort_by_key(|r| (r.minutes, r.seconds % 60));
    }
    let mut log = String::new();
    for r in &records {
        let mut object = Map::new();
        object.insert("time".into(), json!(time(u64::from(r.minutes), r.seconds, &r.offset)));
        let kind = model.kinds.get(usize::from(r.kind) % (model.kinds.len() + 1));
        object.insert("kind".into(), json!(kind.map_or("ceasefire_talk", |k| k.name.as_str())));
        for (field, value) in &r.fields {
            let name = kind
                .and_then(|k| k.fields.get(usize::from(*field) % (k.fields.len() + 1)))
                .map_or("source", |f| f.name.as_str());
            let value = match value {
                Val::Small(n) => json!(n % 5),
                Val::Int(n) => json!(n),
                Val::Num(x) if x.is_finite() => json!(x),
                Val::Num(_) => json!(0.5),
                Val::Text(i) => json!(TEXTS[usize::from(*i) % TEXTS.len()]),
                Val::Bool(b) => json!(b),
                Val::Zone(i) => json!(ZONES[usize::from(*i) % ZONES.len()]),
                Val::Time(m) => json!(time(u64::from(*m) * 60, 0, &Offset::Z)),
                Val::Null => Value::Null,
                Val::Array => json!([1]),
            };
            object.insert(name.into(), value);
        }
        log.push_str(&Value::Object(object).to_string());
        log.push('\n');
    }
    common::read_and_judge(log.as_bytes(), LogFormat::Jsonl, input.pick);
});
