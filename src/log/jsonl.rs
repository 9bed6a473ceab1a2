//! JSON Lines: one object per line.

use super::Event;
use super::problem::LogProblem;
use super::record::{Raw, RawRecord};
use crate::diagnostic::Code;
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

/// The raw values of one JSON object.
fn record(text: &str) -> Result<RawRecord<'_>, Problem> {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let owned = text.to_string();
            let column = e.column().saturating_sub(1);
            let byte = owned.char_indices().nth(column).map_or(owned.len(), |(i, _)| i);
            let message = format!("malformed JSON: {}", strip_position(&e.to_string()));
            return Err(Box::new(move |file, line| {
                LogProblem::at(Code::MalformedRecord, file, line, &owned, byte..byte + 1, message)
                    .with_help("each line must be one JSON object, such as `{\"time\": \"2025-01-25T12:00:00Z\", \"kind\": \"release\"}`")
            }));
        }
    };
    let serde_json::Value::Object(map) = value else {
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
    };
    let mut raw = RawRecord::default();
    for (key, value) in map {
        let value = match value {
            serde_json::Value::Null => Raw::Null,
            serde_json::Value::Bool(b) => Raw::Bool(b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Raw::Int(i),
                None => Raw::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(s) => Raw::Text(Cow::Owned(s)),
            serde_json::Value::Array(_) | serde_json::Value::Object(_) => Raw::Nested,
        };
        match key.as_str() {
            "time" => raw.time = Some(value),
            "kind" => raw.kind = Some(value),
            _ => raw.fields.push((Cow::Owned(key), value)),
        }
    }
    Ok(raw)
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
