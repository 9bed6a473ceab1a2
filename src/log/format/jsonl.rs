//! JSON Lines: one object per line.

use super::{Format, How, Records, Start};
use crate::diagnostic::Code;
use crate::log::chunk::{Boundaries, Chunk, Chunker};
use crate::log::mapping::Compiled;
use crate::log::observation::Origin;
use crate::log::problem::LogProblem;
use crate::log::record::{Fill, Outcome, Raw, RawRecord, Typer};
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::borrow::Cow;

mod scan;
mod shape;

use scan::{exact, plain_string, scalar, skip_space};

/// JSON Lines: a record ends at a line break.
pub(crate) struct Jsonl;

impl Format for Jsonl {
    fn extensions(&self) -> &'static [&'static str] {
        &[".jsonl", ".ndjson"]
    }

    fn looks_like(&self, first: &[u8]) -> bool {
        first.first() == Some(&b'{')
    }

    fn boundaries(&self) -> Box<dyn Boundaries> {
        Box::new(Lines)
    }

    fn start(&self, first: Chunk, chunker: &mut Chunker, _: usize, file: &str, how: How) -> std::io::Result<Start> {
        if let Some(problem) = super::wrong_encoding(&first, chunker, file) {
            return Ok(Start::Unreadable { problem, first });
        }
        // A byte-order mark (some editors save UTF-8 with one) is not part of the first record.
        let from = if first.first_offset == 0 && first.data.starts_with(b"\xef\xbb\xbf") {
            3
        } else {
            0
        };
        let parser: Box<dyn Records> = match how.source {
            // Quoted text in the source names a key if the first record has it.
            Some(source) => Box::new(Sourced(Compiled::new(
                source,
                first_keys(&first.data[from..]).as_deref(),
                how.provenance,
            ))),
            None => Box::new(Jsonl),
        };
        Ok(Start::Records { parser, first, from })
    }

    fn count(&self, chunk: &Chunk) -> u64 {
        crate::log::chunk::count_lines(&chunk.data)
    }
}

impl Records for Jsonl {
    fn parse(&self, chunk: &Chunk, from: usize, file: &str, typer: &Typer, out: &mut Fill) {
        parse(chunk, from, file, typer, out);
    }

    fn scan(&self, chunk: &Chunk, from: usize, out: &mut Vec<Outcome>) {
        scan(chunk, from, out);
    }
}

/// The records' raw values without typing (see [`Records::scan`]).
fn scan(chunk: &Chunk, from: usize, out: &mut Vec<Outcome>) {
    parse_with(chunk, from, "", &mut Fill::over(out), None, |raw, _, _, _, out| {
        out.push(Outcome::Skipped(raw.values()))
    });
}

/// JSON Lines read through a source: keys are its columns.
struct Sourced(Compiled);

impl Records for Sourced {
    fn parse(&self, chunk: &Chunk, from: usize, file: &str, typer: &Typer, out: &mut Fill) {
        parse_with(chunk, from, file, out, None, |raw, text, origin, range, out| {
            out.push(sourced(&self.0, raw, text, origin, range, file, typer));
        });
    }

    fn calendar(&self) -> Option<crate::time::Calendar> {
        self.0.calendar
    }

    fn source(&self) -> Option<&Compiled> {
        Some(&self.0)
    }

    fn scan(&self, chunk: &Chunk, from: usize, out: &mut Vec<Outcome>) {
        scan(chunk, from, out);
    }
}

/// The keys of the first record in `data`, if it is an object that can be read.
fn first_keys(data: &[u8]) -> Option<Vec<String>> {
    let line = data
        .split(|&b| b == b'\n')
        .find(|l| !l.iter().all(u8::is_ascii_whitespace))?;
    let text = std::str::from_utf8(line).ok()?;
    let mut raw = RawRecord::default();
    record(text.trim_end(), &mut raw).ok()?;
    let mut keys: Vec<String> = raw.fields().map(|(k, _)| k.to_string()).collect();
    keys.extend(raw.time.is_some().then(|| "time".to_string()));
    keys.extend(raw.kind.is_some().then(|| "kind".to_string()));
    Some(keys)
}

/// Line breaks end records.
struct Lines;

impl Boundaries for Lines {
    fn feed(&mut self, new: &[u8]) -> (Option<usize>, Option<usize>) {
        let last = memchr::memrchr(b'\n', new).map(|i| i + 1);
        let first = last.and_then(|_| memchr::memchr(b'\n', new).map(|i| i + 1));
        (first, last)
    }

    fn first_end(&mut self, new: &[u8]) -> Option<usize> {
        memchr::memchr(b'\n', new).map(|i| i + 1)
    }

    fn reset(&mut self) {}
}

/// Parses and types the records of a chunk of whole lines, from byte `from`.
fn parse(chunk: &Chunk, from: usize, file: &str, typer: &Typer, out: &mut Fill) {
    let mut shapes = shape::Shapes::new(typer);
    parse_with(
        chunk,
        from,
        file,
        out,
        Some((&mut shapes, typer)),
        |raw, text, origin, range, out| {
            let whole = || Cow::Borrowed(text);
            typer.outcome_into(raw, (origin, range), &whole, file, &|key| locate_key(text, key), out);
        },
    );
}

/// Reads the lines of a chunk, handing each record's raw values to
/// `outcome`, which pushes the record's outcome onto `out` (monomorphised
/// for plain logs and for sources, so that neither pays for the other);
/// with `shapes`, a record of a shape seen before is typed by it instead
/// (see [`shape`]).
fn parse_with<'c>(
    chunk: &'c Chunk,
    from: usize,
    file: &str,
    out: &mut Fill,
    mut shapes: Option<(&mut shape::Shapes, &Typer)>,
    mut outcome: impl FnMut(&RawRecord<'c>, &'c str, Origin, std::ops::Range<usize>, &mut Fill),
) {
    let mut line = chunk.first_line + crate::log::chunk::count_lines(&chunk.data[..from]);
    let mut start = from;
    let data = &chunk.data;
    // One record's values at a time, in storage reused from line to line.
    let mut raw = RawRecord::default();
    let chunk_text = std::str::from_utf8(data).ok();
    while start < data.len() {
        let end = memchr::memchr(b'\n', &data[start..]).map_or(data.len(), |i| start + i + 1);
        let raw_line = &data[start..end];
        let (at, this_line) = (start, line);
        start = end;
        line += 1;
        let mut bytes = raw_line;
        while let [rest @ .., b'\n' | b'\r'] = bytes {
            bytes = rest;
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        // Lines of a chunk that is valid UTF-8 as a whole need no check of their own.
        let checked = match chunk_text {
            Some(all) => Ok(&all[at..at + bytes.len()]),
            None => std::str::from_utf8(bytes),
        };
        let text = match checked {
            Ok(text) => text,
            Err(e) => {
                let shown = String::from_utf8_lossy(bytes);
                let bad = e.valid_up_to();
                out.push(Outcome::Invalid(
                    LogProblem::at(
                        Code::LogInvalidUtf8,
                        file,
                        this_line,
                        &shown,
                        bad..bad + 1,
                        "the record is not valid UTF-8",
                    )
                    .with_help("save the log as UTF-8"),
                ));
                continue;
            }
        };
        let origin = Origin {
            file: 0,
            line: this_line,
            offset: chunk.first_offset + at as u64,
        };
        let range = at..at + bytes.len();
        if let Some((shapes, typer)) = shapes.as_mut()
            && shapes.outcome(typer, text, origin, range.clone(), out)
        {
            continue;
        }
        raw.clear();
        match record(text, &mut raw) {
            Ok(()) => {
                outcome(&raw, text, origin, range, out);
                if let Some((shapes, typer)) = shapes.as_mut()
                    && let Some(Outcome::Valid(valid)) = out.last()
                    && valid.extra.is_none()
                {
                    shapes.learn(typer, text);
                }
            }
            Err(problem) => out.push(Outcome::Invalid(problem(file, this_line))),
        }
    }
}

/// The outcome of a record whose keys are the columns of a source.
fn sourced<'a>(
    source: &'a Compiled,
    raw: &RawRecord<'a>,
    text: &'a str,
    origin: Origin,
    range: std::ops::Range<usize>,
    file: &str,
    typer: &Typer,
) -> Outcome {
    let cell = |slot: usize| -> Raw<'a> {
        match source.columns[slot].as_str() {
            "time" => raw.time.clone().unwrap_or(Raw::Null),
            "kind" => raw.kind.clone().unwrap_or(Raw::Null),
            column => raw
                .fields()
                .find(|(k, _)| *k == column)
                .map_or(Raw::Null, |(_, v)| v.clone()),
        }
    };
    let mut mapped = RawRecord::default();
    let mut key = String::new();
    if let Err(skipped) = source.apply(&cell, &mut mapped, &mut key) {
        return Outcome::Skipped(skipped.0);
    }
    let whole = || Cow::Borrowed(text);
    let locate = |key: &str| match source.column_of(key) {
        Some(column) => locate_key(text, column),
        None => 0..text.len(),
    };
    typer.outcome(&mapped, origin, range, &whole, file, &locate, Some(source))
}

type Problem = Box<dyn FnOnce(&str, u64) -> LogProblem>;

/// The raw values of one JSON object, borrowing its text where it can.
fn record<'a>(text: &'a str, raw: &mut RawRecord<'a>) -> Result<(), Problem> {
    if flat(text, raw) {
        return Ok(());
    }
    *raw = general(text)?;
    Ok(())
}

/// The common case read directly: one object of plain keys and scalar
/// values, strings without escapes, no control characters (not even tabs
/// between tokens). `false` for anything else (escapes, nesting, malformed
/// text), which the general reader handles and reports.
fn flat<'a>(text: &'a str, raw: &mut RawRecord<'a>) -> bool {
    // One pass over the line rules out control characters in every string.
    !text.bytes().fold(false, |any, c| any | (c < 0x20)) && flat_into(text, raw).is_some()
}

fn flat_into<'a>(text: &'a str, raw: &mut RawRecord<'a>) -> Option<()> {
    let b = text.as_bytes();
    let mut i = skip_space(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i = skip_space(b, i + 1);
    if b.get(i) == Some(&b'}') {
        return (skip_space(b, i + 1) == b.len()).then_some(());
    }
    loop {
        let (key, after) = plain_string(text, i)?;
        i = skip_space(b, after);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = skip_space(b, i + 1);
        // As `RawRecord::set` does, written out, and the value read straight
        // into its place: a value passed on through a call or returned from
        // one went through the stack, and loading it back stalled on a
        // store-to-load forward on every field.
        let slot = match key {
            "time" => {
                if raw.time.is_some() {
                    raw.duplicate.get_or_insert("time");
                }
                raw.time.insert(Raw::Null)
            }
            "kind" => {
                if raw.kind.is_some() {
                    raw.duplicate.get_or_insert("kind");
                }
                raw.kind.insert(Raw::Null)
            }
            _ => raw.push_slot(key),
        };
        let after = scalar(text, i, slot)?;
        i = skip_space(b, after);
        match b.get(i) {
            Some(b',') => i = skip_space(b, i + 1),
            Some(b'}') => return (skip_space(b, i + 1) == b.len()).then_some(()),
            _ => return None,
        }
    }
}

/// Any JSON, through serde_json, with its errors.
fn general(text: &str) -> Result<RawRecord<'_>, Problem> {
    let starts_object = text.trim_start().starts_with('{');
    let parsed = if starts_object {
        let mut de = serde_json::Deserializer::from_str(text);
        Object::deserialize(&mut de).and_then(|o| de.end().map(|()| o.0))
    } else {
        // Valid JSON that is not an object, or not JSON at all?
        match serde_json::from_str::<IgnoredAny>(text) {
            Ok(_) => {
                let owned = text.to_string();
                return Err(Box::new(move |file, line| {
                    let end = owned.len();
                    LogProblem::at(
                        Code::NotAnObject,
                        file,
                        line,
                        &owned,
                        0..end,
                        "the line is JSON but not an object",
                    )
                    .with_help("each line must be one JSON object with `time`, `kind` and fields")
                }));
            }
            Err(e) => Err(e),
        }
    };
    parsed.map_err(|e| {
        let owned = text.to_string();
        let column = e.column().saturating_sub(1);
        let byte = owned.char_indices().nth(column).map_or(owned.len(), |(i, _)| i);
        let message = format!("malformed JSON: {}", strip_position(&e.to_string()));
        Box::new(move |file: &str, line| {
            LogProblem::at(Code::MalformedRecord, file, line, &owned, byte..byte + 1, message)
                .with_help("each line must be one JSON object, such as `{\"time\": \"2025-01-25T12:00:00Z\", \"kind\": \"release\"}`")
        }) as Problem
    })
}

/// A JSON object read straight into a [`RawRecord`], without building a tree.
struct Object<'a>(RawRecord<'a>);

impl<'de> Deserialize<'de> for Object<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = Object<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Object<'de>, A::Error> {
                let mut raw = RawRecord::default();
                while let Some(Text(key)) = map.next_key::<Text<'de>>()? {
                    // Each value's text as written, so that numbers keep
                    // every digit (serde_json would make them binary floats).
                    let value: &'de serde_json::value::RawValue = map.next_value()?;
                    raw.set(key, classify(value.get()).map_err(de::Error::custom)?);
                }
                Ok(Object(raw))
            }
        }
        deserializer.deserialize_map(Fields)
    }
}

/// A string, borrowed from the line unless it holds escapes.
struct Text<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Chars;
        impl<'de> Visitor<'de> for Chars {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(Chars)
    }
}

/// One value of a record from its JSON text (already known to be JSON).
fn classify(text: &str) -> Result<Raw<'_>, String> {
    let text = text.trim();
    Ok(match text.as_bytes().first() {
        Some(b'"') => {
            let Text(t) = serde_json::from_str::<Text>(text).map_err(|e| e.to_string())?;
            Raw::Text(t)
        }
        Some(b't') => Raw::Bool(true),
        Some(b'f') => Raw::Bool(false),
        Some(b'n') => Raw::Null,
        // An array of strings (a record's sources); anything else nested
        // is not a field.
        Some(b'[') => match serde_json::from_str::<Vec<Text>>(text) {
            Ok(list) => Raw::Texts(list.into_iter().map(|Text(t)| t).collect()),
            Err(_) => Raw::Nested(text),
        },
        Some(b'{') => Raw::Nested(text),
        _ => exact(text, !text.contains(['.', 'e', 'E'])).ok_or_else(|| "number out of range".to_string())?,
    })
}

/// Where the value of `key` lies in a JSON object's text (the whole line if
/// it cannot be found).
fn locate_key(text: &str, key: &str) -> std::ops::Range<usize> {
    let quoted = format!("\"{key}\"");
    let Some(at) = text.find(&quoted) else {
        return 0..text.len();
    };
    let after = at + quoted.len();
    let rest = &text[after..];
    let Some(colon) = rest.find(':') else { return at..after };
    let value = after + colon + 1 + (rest[colon + 1..].len() - rest[colon + 1..].trim_start().len());
    let tail = &text[value..];
    let len = match tail.strip_prefix('"') {
        Some(inside) => inside.find('"').map_or(tail.len(), |i| i + 2),
        None => tail.find([',', '}']).unwrap_or(tail.len()),
    };
    value..value + len
}

/// serde_json ends messages with " at line 1 column 9"; the place is shown apart.
fn strip_position(message: &str) -> &str {
    message.find(" at line ").map_or(message, |i| &message[..i])
}

#[cfg(test)]
mod tests {
    use super::scan::quote_or_escape;
    use super::*;
    use proptest::prelude::*;

    fn same<'a>(a: &RawRecord<'a>, b: &RawRecord<'a>) -> bool {
        a.time == b.time && a.kind == b.kind && a.fields().eq(b.fields())
    }

    #[test]
    fn the_flat_reader_handles_the_common_shapes() {
        let text = r#"{"time":"2025-01-25T12:00:00Z","kind":"release","batch":2,"x":-0.5e3,"ok":true,"n":null}"#;
        let mut fast = RawRecord::default();
        assert!(flat(text, &mut fast));
        assert!(same(&fast, &general(text).ok().expect("general")));
        for odd in [
            r#"{"a":"\n"}"#,
            r#"{"a":[1]}"#,
            r#"{"a":01}"#,
            r#"{"a":1,}"#,
            r#"{"a":1} x"#,
            "{",
            r#"{"a":1e}"#,
            "[]",
        ] {
            assert!(!flat(odd, &mut RawRecord::default()), "{odd}");
        }
        assert!(flat("{}", &mut RawRecord::default()));
        assert!(flat(r#" { "a" : 1 , "b" : "c" } "#, &mut RawRecord::default()));
    }

    fn json_value() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<i64>().prop_map(|n| n.to_string()),
            any::<u64>().prop_map(|n| n.to_string()),
            (-1e6f64..1e6).prop_map(|x| format!("{x}")),
            (-1e6f64..1e6).prop_map(|x| format!("{x:e}")),
            Just("true".to_string()),
            Just("null".to_string()),
            Just("-0".to_string()),
            Just("1.5E+2".to_string()),
            Just("00".to_string()),
            Just("[1, {\"a\": 2}]".to_string()),
            "[a-z é]{0,8}".prop_map(|s| format!("\"{s}\"")),
            Just("\"a\\\"b\"".to_string()),
            Just("\"tab\there\"".to_string()),
        ]
    }

    /// Records of every outcome the parser gives: valid ones of every
    /// shape (with ids, remarks, many fields, long and short text),
    /// undeclared kinds, invalid records and bad UTF-8.
    fn any_record() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            (0u32..60, "[a-z]{0,20}").prop_map(|(n, actor)| format!(
                r#"{{"time":"2025-01-19T08:{:02}:00Z","kind":"strike","zone":"north","actor":"{actor}","n":{n}}}"#,
                n % 60
            )
            .into_bytes()),
            (0u32..9).prop_map(|n| format!(
                r#"{{"time":"2025-01-19T08:00:00Z","kind":"wide","a":{n},"b":1,"c":2,"d":3,"e":"x","f":"a text longer than fifteen"}}"#
            )
            .into_bytes()),
            Just(br#"{"time":"2025-01-19T08:00:00Z","kind":"strike","id":"s-1","zone":"west","n":2}"#.to_vec()),
            Just(br#"{"time":"2025-01-19T08:00:00Z","kind":"parade"}"#.to_vec()),
            Just(br#"{"time":"2025-01-19T08:00:00Z","kind":"strike","n":"three"}"#.to_vec()),
            Just(br#"{"time":"yesterday","kind":"strike"}"#.to_vec()),
            Just(b"{\"time\":\"2025-01-19T08:00:00Z\",\"kind\":\"strike\",\"actor\":\"\xff\"}".to_vec()),
            Just(b"not json".to_vec()),
        ]
    }

    /// The declarations of the records [`any_record`] writes.
    const RECORD_RULES: &str = "zone north\nevent strike { zone: zone, actor: text, n: int }\n\
        event wide { a: int, b: int, c: int, d: int, e: text, f: text }\n";

    /// The outcomes of `log` parsed into `list` as the pipeline parses
    /// (overwriting what it holds), shown.
    fn parsed_into(list: &mut Vec<Outcome>, log: &[Vec<u8>], typer: &Typer) -> Vec<String> {
        let chunk = Chunk {
            data: log.join(&b'\n'),
            first_line: 1,
            first_offset: 0,
            skipped: None,
        };
        Records::parse(&Jsonl, &chunk, 0, "log.jsonl", typer, &mut Fill::over(list));
        list.iter().map(|o| format!("{o:?}")).collect()
    }

    /// Routes an observation by its kind and line, to tell them apart.
    struct ByLine;

    impl crate::log::record::Route for ByLine {
        fn route(&self, o: &crate::log::Observation) -> crate::log::record::Routes {
            let mut routes = crate::log::record::Routes::EMPTY;
            routes.push(o.kind.0 * 1000 + o.origin.line as u32);
            routes
        }
    }

    proptest! {
        /// A list of outcomes filled again over what it held gives what a
        /// new list gives.
        #[test]
        fn a_list_filled_again_holds_what_a_new_list_would(
            first in prop::collection::vec(any_record(), 0..24),
            second in prop::collection::vec(any_record(), 0..24),
        ) {
            let rules = crate::Rules::from_text("rules.cfr", RECORD_RULES).expect("the rules check");
            let typer = Typer::new(&rules.model);
            let mut reused = Vec::new();
            parsed_into(&mut reused, &first, &typer);
            let again = parsed_into(&mut reused, &second, &typer);
            prop_assert_eq!(again, parsed_into(&mut Vec::new(), &second, &typer));
        }

        /// Outcomes routed as they are filled are routed as their
        /// observations are, each valid one of a declared kind, and no other.
        #[test]
        fn outcomes_are_routed_as_they_are_filled(
            first in prop::collection::vec(any_record(), 0..24),
            second in prop::collection::vec(any_record(), 0..24),
        ) {
            let rules = crate::Rules::from_text("rules.cfr", RECORD_RULES).expect("the rules check");
            let typer = Typer::new(&rules.model);
            let mut list = Vec::new();
            parsed_into(&mut list, &first, &typer);
            let chunk = Chunk {
                data: second.join(&b'\n'),
                first_line: 1,
                first_offset: 0,
                skipped: None,
            };
            Records::parse(&Jsonl, &chunk, 0, "log.jsonl", &typer, &mut Fill::routing(&mut list, Some(&ByLine)));
            for outcome in &list {
                if let Outcome::Valid(valid) = outcome {
                    let declared = valid.extra.as_ref().is_none_or(|e| e.undeclared.is_none());
                    let expected = if declared {
                        crate::log::record::Route::route(&ByLine, &valid.observation)
                    } else {
                        crate::log::record::Routes::NONE
                    };
                    prop_assert_eq!(valid.routes, expected);
                }
            }
        }
    }

    proptest! {
        #[test]
        fn quotes_and_escapes_are_found_where_memchr_finds_them(
            bytes in prop::collection::vec(
                prop::sample::select([[b'a'; 30].as_slice(), &[b'"', b'\\', 0x80, 0xff, 0x00, b'"' ^ 0x80, b'\\' ^ 0x80, b' ']].concat()),
                0..80,
            )
        ) {
            // Long runs without either (past the eight-byte scan) come often enough.
            prop_assert_eq!(quote_or_escape(&bytes), memchr::memchr2(b'"', b'\\', &bytes));
        }

        #[test]
        fn the_flat_reader_agrees_with_serde_json(
            fields in prop::collection::vec(("[a-z]{1,6}|time|kind", json_value()), 0..6),
            spaces in prop::collection::vec(prop::sample::select(vec!["", " ", "\t", "  "]), 8),
        ) {
            let body: Vec<String> = fields.iter().map(|(k, v)| format!("{}\"{k}\"{}:{}{v}", spaces[0], spaces[1], spaces[2])).collect();
            let text = format!("{}{{{}{}}}{}", spaces[3], body.join(&format!(",{}", spaces[4])), spaces[5], spaces[6]);
            let general = general(&text).ok();
            let mut fast = RawRecord::default();
            if flat(&text, &mut fast) {
                let general = general.expect("flat accepted what serde_json refuses");
                prop_assert!(same(&fast, &general), "{text}");
            }
        }
    }
}
