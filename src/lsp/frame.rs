//! The base protocol's framing: `Content-Length: N` headers, a blank line,
//! N bytes of body. Reading never trusts the peer: header lines are
//! bounded, a body longer than [`MAX_CONTENT_LENGTH`] is skipped unread,
//! and a body is read as it arrives, never allocated up front. A frame that
//! cannot be read is reported and reading goes on with the next one.
//!
//! This file stands on `std` alone, so that the fuzz target
//! `fuzz/fuzz_targets/lsp_frame.rs` can include it as it is.

use std::io::{self, BufRead, Read};

/// The largest body read (64 MiB: a rule file may hold 16 MiB, and JSON
/// escaping can triple it). A longer one is skipped and answered with an error.
pub const MAX_CONTENT_LENGTH: u64 = 64 << 20;

/// The longest header line kept; a longer one is skipped.
const MAX_HEADER_LINE: u64 = 8 << 10;

/// What reading the next frame gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// A body, as bytes (it may still be anything).
    Body(Vec<u8>),
    /// A frame that could not be read, and why; the stream goes on after it.
    Malformed(String),
}

/// Reads the next frame; `None` at the end of the stream.
pub fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Frame>> {
    let mut length: Option<Result<u64, String>> = None;
    let mut saw_any = false;
    loop {
        let mut line = Vec::new();
        let n = input.by_ref().take(MAX_HEADER_LINE).read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(saw_any.then(|| Frame::Malformed("the stream ended inside a header".to_string())));
        }
        if !line.ends_with(b"\n") {
            // A header line too long to be one: skip to its end.
            skip_line(input)?;
            return Ok(Some(Frame::Malformed(format!(
                "a header line is longer than {MAX_HEADER_LINE} bytes"
            ))));
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if !saw_any {
                // Blank lines between frames are tolerated.
                continue;
            }
            break;
        }
        saw_any = true;
        if let Some((name, value)) = text.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = Some(
                value
                    .trim()
                    .parse::<u64>()
                    .map_err(|_| format!("`Content-Length: {}` is not a length", value.trim())),
            );
        }
    }
    let length = match length {
        None => {
            return Ok(Some(Frame::Malformed(
                "a frame has no `Content-Length` header".to_string(),
            )));
        }
        Some(Err(why)) => return Ok(Some(Frame::Malformed(why))),
        Some(Ok(length)) => length,
    };
    if length > MAX_CONTENT_LENGTH {
        let skipped = io::copy(&mut input.by_ref().take(length), &mut io::sink())?;
        if skipped < length {
            return Ok(None);
        }
        return Ok(Some(Frame::Malformed(format!(
            "a body of {length} bytes is longer than the {MAX_CONTENT_LENGTH} bytes read"
        ))));
    }
    let mut body = Vec::new();
    input.by_ref().take(length).read_to_end(&mut body)?;
    if (body.len() as u64) < length {
        return Ok(None);
    }
    Ok(Some(Frame::Body(body)))
}

/// Reads past the rest of a line, keeping nothing.
fn skip_line(input: &mut impl BufRead) -> io::Result<()> {
    loop {
        let buffer = input.fill_buf()?;
        if buffer.is_empty() {
            return Ok(());
        }
        match buffer.iter().position(|&b| b == b'\n') {
            Some(at) => {
                input.consume(at + 1);
                return Ok(());
            }
            None => {
                let n = buffer.len();
                input.consume(n);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(bytes: &[u8]) -> Vec<Frame> {
        let mut input = io::BufReader::with_capacity(7, bytes);
        let mut out = Vec::new();
        while let Some(frame) = read_frame(&mut input).expect("reads") {
            out.push(frame);
        }
        out
    }

    #[test]
    fn frames_are_read_and_bad_ones_reported_in_their_place() {
        let got = frames(
            b"Content-Length: 2\r\n\r\n{}\
              Content-Type: x\r\n\r\n\
              Content-Length: 99999999999999\r\n\r\nabc\
              ",
        );
        assert_eq!(
            got,
            [
                Frame::Body(b"{}".to_vec()),
                Frame::Malformed("a frame has no `Content-Length` header".into()),
            ],
            "an endless body ends the stream"
        );
        let got = frames(b"content-length: x\r\n\r\nContent-Length: 3\n\n[1]\n\nContent-Length: 1\r\n\r\n");
        assert_eq!(
            got,
            [
                Frame::Malformed("`Content-Length: x` is not a length".into()),
                Frame::Body(b"[1]".to_vec())
            ]
        );
    }

    #[test]
    fn a_huge_length_is_skipped_without_being_allocated() {
        let mut bytes = format!("Content-Length: {}\r\n\r\n", MAX_CONTENT_LENGTH + 1).into_bytes();
        bytes.resize(bytes.len() + MAX_CONTENT_LENGTH as usize + 1, b' ');
        bytes.extend_from_slice(b"Content-Length: 2\r\n\r\n{}");
        let got = frames(&bytes);
        assert!(matches!(&got[0], Frame::Malformed(why) if why.contains("longer than")));
        assert_eq!(got[1], Frame::Body(b"{}".to_vec()));
    }
}
