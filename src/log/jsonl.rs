//! JSON Lines: one object per line.

use super::Event;
use super::problem::LogProblem;
use super::record::{Raw, RawRecord};
use crate::diagnostic::Code;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::io::BufRead;

/// Reads every line, handing each record (or problem) to `each`.
pub(crate) fn read(reader: &mut dyn BufRead, file: &str, each: &mut dyn FnMut(Event)) -> std::io::Result<()> {
    let mut buffer = Vec::with_capacity(1024);
    let (mut offset, mut line) = (0u64, 0u64);
    loop {
        buffer.clear();
        let n = reader.read_until(b'\n', &mut buffer)?;
        if n == 0 {
            return Ok(());
        }
        line += 1;
        let start = offset;
        offset += n as u64;
        let mut bytes = buffer.as_slice();
        while let [rest @ .., b'\n' | b'\r'] = bytes {
            bytes = rest;
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let shown = String::from_utf8_lossy(bytes);
                let at = e.valid_up_to();
                each(Event::Invalid(
                    LogProblem::at(
                        Code::LogInvalidUtf8,
                        file,
                        line,
                        &shown,
                        at..at + 1,
                        "the record is not valid UTF-8",
                    )
                    .with_help("save the log as UTF-8"),
                ));
                continue;
            }
        };
        match record(text) {
            Ok(raw) => {
                let locate = |key: &str| locate_key(text, key);
                each(Event::Record {
                    line,
                    offset: start,
                    text,
                    raw,
                    locate: &locate,
                })
            }
            Err(problem) => each(Event::Invalid(problem(file, line))),
        }
    }
}

type Problem = Box<dyn FnOnce(&str, u64) -> LogProblem>;

/// The raw values of one JSON object, borrowing its text where it can.
fn record(text: &str) -> Result<RawRecord<'_>, Problem> {
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
                    let Value(value) = map.next_value()?;
                    match key.as_ref() {
                        "time" => raw.time = Some(value),
                        "kind" => raw.kind = Some(value),
                        _ => raw.fields.push((key, value)),
                    }
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

/// One value of a record.
struct Value<'a>(Raw<'a>);

impl<'de> Deserialize<'de> for Value<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Any;
        impl<'de> Visitor<'de> for Any {
            type Value = Value<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a value")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value<'de>, E> {
                Ok(Value(Raw::Bool(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value<'de>, E> {
                Ok(Value(Raw::Int(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value<'de>, E> {
                Ok(Value(i64::try_from(v).map_or(Raw::Float(v as f64), Raw::Int)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value<'de>, E> {
                Ok(Value(Raw::Float(v)))
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Value<'de>, E> {
                Ok(Value(Raw::Text(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Value<'de>, E> {
                Ok(Value(Raw::Text(Cow::Owned(v.to_string()))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Value<'de>, E> {
                Ok(Value(Raw::Text(Cow::Owned(v))))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Value<'de>, E> {
                Ok(Value(Raw::Null))
            }
            fn visit_none<E: de::Error>(self) -> Result<Value<'de>, E> {
                Ok(Value(Raw::Null))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Value(Raw::Nested))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value<'de>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Value(Raw::Nested))
            }
        }
        deserializer.deserialize_any(Any)
    }
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
