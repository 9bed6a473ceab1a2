//! Nothing is lost: for any log, the report's counts — observations judged,
//! records skipped, records after `--as-of` — add up to the records in the
//! input, and every skipped record is listed with its line and reason.

use ceasefire::{LogFormat, LogSet, Rules, VerifyOptions, VerifyReport};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::PathBuf;

const RULES: &str = "zone north\n\
    event release { batch: int, zone: zone }\n\
    event talks\n\
    rule answered { every release is followed by talks within 1h }\n\
    rule quiet { no release in zone north after 2025-01-01 }\n";

/// One line of a log, and what it must become.
#[derive(Clone, Debug)]
enum Line {
    /// A valid record of a declared kind at this minute.
    Valid(u32, bool),
    /// A valid record of a kind no rule file declares (a warning, not skipped).
    Undeclared(u32),
    /// A valid record with a nested value in a field (a warning).
    Nested(u32),
    /// A valid record naming a zone that is not declared (a warning).
    UnknownZone(u32),
    /// A valid record with a quote inside a text (in CSV, inside an
    /// unquoted cell, where it is a character).
    Inch(u32),
    /// A valid record known to a range of minutes (LANGUAGE-v2 §9.1).
    Range(u32, u32),
    /// Valid records known to the day, a range of days, the month.
    Day,
    Days,
    Month,
    /// A range that ends before it starts.
    Backwards(u32),
    Malformed,
    MissingTime,
    BadTime,
    NoOffset,
    MissingKind,
    WrongType(u32),
    BadUtf8(u32),
    /// Not a record at all.
    Blank,
}

impl Line {
    /// The reason code if the record must be skipped; `None` if it is valid
    /// (or not a record).
    fn skipped(&self, format: LogFormat) -> Option<&'static str> {
        match self {
            Line::Valid(..)
            | Line::Undeclared(_)
            | Line::Nested(_)
            | Line::UnknownZone(_)
            | Line::Inch(_)
            | Line::Range(..)
            | Line::Day
            | Line::Days
            | Line::Month
            | Line::Blank => None,
            Line::Backwards(_) => Some("CF1016"),
            Line::Malformed if format == LogFormat::Csv => Some("CF1010"),
            Line::Malformed => Some("CF1001"),
            Line::MissingTime => Some("CF1003"),
            Line::BadTime => Some("CF1004"),
            Line::NoOffset => Some("CF1005"),
            Line::MissingKind => Some("CF1006"),
            Line::WrongType(_) => Some("CF1008"),
            Line::BadUtf8(_) => Some("CF1009"),
        }
    }

    /// The minute of a valid record.
    fn minute(&self) -> Option<u32> {
        match self {
            Line::Valid(m, _) | Line::Undeclared(m) | Line::Nested(m) | Line::UnknownZone(m) | Line::Inch(m) => {
                Some(*m)
            }
            Line::Range(m, _) => Some(*m),
            Line::Day | Line::Days | Line::Month => Some(0),
            _ => None,
        }
    }

    fn jsonl(&self) -> Vec<u8> {
        let t = |m: u32| format!("2025-01-01T{:02}:{:02}:00Z", m / 60, m % 60);
        let text = match self {
            Line::Valid(m, true) => format!(r#"{{"time":"{}","kind":"release","batch":1,"zone":"north"}}"#, t(*m)),
            Line::Valid(m, false) => format!(r#"{{"time":"{}","kind":"talks","id":"t{m}"}}"#, t(*m)),
            Line::Undeclared(m) => format!(r#"{{"time":"{}","kind":"ceasefire_talk"}}"#, t(*m)),
            Line::Nested(m) => format!(r#"{{"time":"{}","kind":"talks","extra":{{"a":[1]}}}}"#, t(*m)),
            Line::UnknownZone(m) => format!(r#"{{"time":"{}","kind":"release","zone":"nort"}}"#, t(*m)),
            Line::Inch(m) => format!(r#"{{"time":"{}","kind":"talks","notes":"a 5\" gun"}}"#, t(*m)),
            Line::Range(m, l) => format!(r#"{{"time":"{}/{}","kind":"talks"}}"#, t(*m), t(m + l)),
            Line::Day => r#"{"time":"2025-01-01","kind":"release","zone":"north"}"#.to_string(),
            Line::Days => r#"{"time":"2025-01-01/2025-01-03","kind":"talks"}"#.to_string(),
            Line::Month => r#"{"time":"2025-01","kind":"talks"}"#.to_string(),
            Line::Backwards(m) => format!(r#"{{"time":"{}/{}","kind":"talks"}}"#, t(m + 5), t(*m)),
            Line::Malformed => r#"{"time":"2025-01-01T00:00:00Z","kind":"#.to_string(),
            Line::MissingTime => r#"{"kind":"talks"}"#.to_string(),
            Line::BadTime => r#"{"time":"2025-13-01T00:00:00Z","kind":"talks"}"#.to_string(),
            Line::NoOffset => r#"{"time":"2025-01-01T00:00:00","kind":"talks"}"#.to_string(),
            Line::MissingKind => r#"{"time":"2025-01-01T00:00:00Z"}"#.to_string(),
            Line::WrongType(m) => format!(r#"{{"time":"{}","kind":"release","batch":"two"}}"#, t(*m)),
            Line::BadUtf8(m) => {
                let mut bytes = format!(r#"{{"time":"{}","kind":"talks","notes":""#, t(*m)).into_bytes();
                bytes.extend_from_slice(b"\xff\"}\n");
                return bytes;
            }
            Line::Blank => String::new(),
        };
        format!("{text}\n").into_bytes()
    }

    /// A row under the header `time,kind,batch,zone,notes`.
    fn csv(&self) -> Vec<u8> {
        let t = |m: u32| format!("2025-01-01T{:02}:{:02}:00Z", m / 60, m % 60);
        let text = match self {
            Line::Valid(m, true) => format!("{},release,1,north,", t(*m)),
            Line::Valid(m, false) => format!("{},talks,,,\"a note, with a comma\"", t(*m)),
            Line::Undeclared(m) => format!("{},ceasefire_talk,,,", t(*m)),
            // CSV cells cannot nest: a note over two lines instead.
            Line::Nested(m) => format!("{},talks,,,\"over\ntwo lines\"", t(*m)),
            Line::UnknownZone(m) => format!("{},release,,nort,", t(*m)),
            Line::Inch(m) => format!("{},talks,,,a 5\" gun", t(*m)),
            Line::Range(m, l) => format!("{}/{},talks,,,", t(*m), t(m + l)),
            Line::Day => "2025-01-01,release,,north,".to_string(),
            Line::Days => "2025-01-01/2025-01-03,talks,,,".to_string(),
            Line::Month => "2025-01,talks,,,".to_string(),
            Line::Backwards(m) => format!("{}/{},talks,,,", t(m + 5), t(*m)),
            Line::Malformed => "2025-01-01T00:00:00Z,talks".to_string(),
            Line::MissingTime => ",talks,,,".to_string(),
            Line::BadTime => "2025-13-01T00:00:00Z,talks,,,".to_string(),
            Line::NoOffset => "2025-01-01T00:00:00,talks,,,".to_string(),
            Line::MissingKind => "2025-01-01T00:00:00Z,,,,".to_string(),
            Line::WrongType(m) => format!("{},release,two,,", t(*m)),
            Line::BadUtf8(m) => {
                let mut bytes = format!("{},talks,,,", t(*m)).into_bytes();
                bytes.extend_from_slice(b"\xff\n");
                return bytes;
            }
            Line::Blank => String::new(),
        };
        format!("{text}\n").into_bytes()
    }

    /// How many physical lines it takes.
    fn lines(&self, format: LogFormat) -> u64 {
        match (self, format) {
            (Line::Nested(_), LogFormat::Csv) => 2,
            _ => 1,
        }
    }
}

fn line_strategy() -> impl Strategy<Value = Line> {
    let minute = 0u32..600;
    prop_oneof![
        6 => (minute.clone(), any::<bool>()).prop_map(|(m, r)| Line::Valid(m, r)),
        1 => minute.clone().prop_map(Line::Undeclared),
        1 => minute.clone().prop_map(Line::Nested),
        1 => minute.clone().prop_map(Line::UnknownZone),
        1 => minute.clone().prop_map(Line::Inch),
        2 => (minute.clone(), 1u32..300).prop_map(|(m, l)| Line::Range(m, l)),
        1 => Just(Line::Day),
        1 => Just(Line::Days),
        1 => Just(Line::Month),
        1 => minute.clone().prop_map(Line::Backwards),
        1 => Just(Line::Malformed),
        1 => Just(Line::MissingTime),
        1 => Just(Line::BadTime),
        1 => Just(Line::NoOffset),
        1 => Just(Line::MissingKind),
        1 => minute.clone().prop_map(Line::WrongType),
        1 => minute.prop_map(Line::BadUtf8),
        1 => Just(Line::Blank),
    ]
}

/// The JSON report of a log read and judged with `limit` problems listed.
fn report(bytes: Vec<u8>, format: LogFormat, as_of: Option<u32>, limit: usize) -> serde_json::Value {
    let rules = Rules::from_text("rules.cfr", RULES).expect("the rules check");
    let logs = LogSet::new(&[PathBuf::from("-")], Some(format), Some(bytes)).expect("standard input");
    let as_of = as_of.map(|m| {
        chrono::DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z")
            .expect("time")
            .to_utc()
            + chrono::TimeDelta::minutes(i64::from(m))
    });
    let options = VerifyOptions {
        as_of,
        skip_invalid: true,
        max_invalid: limit,
        chunk_bytes: 64,
        ..VerifyOptions::default()
    };
    let verified = ceasefire::verify(&rules.model, &logs, &options).expect("judged");
    VerifyReport {
        model: &rules.model,
        sources: &rules.workspace.sources,
        evaluation: &verified.evaluation,
        logs: &logs,
        read: &verified.read,
        as_of_given: as_of.is_some(),
        max_slices: ceasefire::report::verify::MAX_SLICES,
        baseline: None,
        out_of_order: Vec::new(),
    }
    .json()
}

fn check(lines: &[Line], format: LogFormat, as_of: Option<u32>) -> Result<(), TestCaseError> {
    let mut bytes = match format {
        LogFormat::Jsonl => Vec::new(),
        LogFormat::Csv => b"time,kind,batch,zone,notes\n".to_vec(),
    };
    // What the log holds, worked out from how it was made.
    let mut line_no = if format == LogFormat::Csv { 2 } else { 1 };
    let (mut records, mut after) = (0u64, 0u64);
    let mut skipped: BTreeMap<u64, &str> = BTreeMap::new();
    for line in lines {
        bytes.extend(match format {
            LogFormat::Jsonl => line.jsonl(),
            LogFormat::Csv => line.csv(),
        });
        if !matches!(line, Line::Blank) {
            records += 1;
        }
        if let Some(code) = line.skipped(format) {
            skipped.insert(line_no, code);
        }
        if let (Some(m), Some(h)) = (line.minute(), as_of)
            && m > h
            && line.skipped(format).is_none()
        {
            after += 1;
        }
        line_no += line.lines(format);
    }

    let json = report(bytes.clone(), format, as_of, 10_000);
    let log = &json["log"];
    let n = |v: &serde_json::Value| v.as_u64().expect("a count");
    prop_assert_eq!(n(&log["records"]), records, "{}", log);
    prop_assert_eq!(
        n(&log["observations"]) + n(&log["skipped"]) + n(&log["after_as_of"]),
        n(&log["records"]),
        "{}",
        log
    );
    prop_assert_eq!(n(&log["skipped"]), skipped.len() as u64);
    prop_assert_eq!(n(&log["after_as_of"]), after);
    let by_code: u64 = log["skipped_by_code"].as_object().expect("codes").values().map(n).sum();
    prop_assert_eq!(by_code, skipped.len() as u64);
    // Every skipped record is listed, at its line, with its reason.
    let listed: BTreeMap<u64, String> = json["skipped_records"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|r| {
            assert!(!r["message"].as_str().expect("a message").is_empty());
            (n(&r["line"]), r["code"].as_str().expect("a code").to_string())
        })
        .collect();
    let expected: BTreeMap<u64, String> = skipped.iter().map(|(&l, &c)| (l, c.to_string())).collect();
    prop_assert_eq!(listed, expected);

    // With a limit, the first are listed and the rest still counted.
    let limited = report(bytes, format, as_of, 2);
    prop_assert_eq!(&limited["log"], log);
    let shown = limited["skipped_records"].as_array().expect("a list").len();
    prop_assert_eq!(shown, skipped.len().min(2));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn jsonl_counts_add_up_and_skipped_records_are_listed(
        lines in prop::collection::vec(line_strategy(), 0..40),
        as_of in prop::option::of(0u32..600),
    ) {
        check(&lines, LogFormat::Jsonl, as_of)?;
    }

    #[test]
    fn csv_counts_add_up_and_skipped_records_are_listed(
        lines in prop::collection::vec(line_strategy(), 0..40),
        as_of in prop::option::of(0u32..600),
    ) {
        check(&lines, LogFormat::Csv, as_of)?;
    }
}
