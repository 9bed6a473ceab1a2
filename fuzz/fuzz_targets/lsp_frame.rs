//! The language server's framing (`src/lsp/frame.rs`, included as it is):
//! any bytes on standard input are read as frames without a panic, without
//! reading a body longer than the limit into memory, and every byte is
//! accounted for (a frame is never read past the input's end). The same
//! bytes read through a one-byte buffer give the same frames.

#![no_main]

#[path = "../../src/lsp/frame.rs"]
#[allow(dead_code)]
mod frame;

use frame::{Frame, MAX_CONTENT_LENGTH, read_frame};
use libfuzzer_sys::fuzz_target;
use std::io::BufReader;

fn frames(data: &[u8], buffer: usize) -> Vec<Frame> {
    let mut input = BufReader::with_capacity(buffer, data);
    let mut out = Vec::new();
    // Each frame takes at least one byte of input.
    for _ in 0..=data.len() {
        match read_frame(&mut input) {
            Ok(Some(frame)) => out.push(frame),
            Ok(None) => break,
            Err(e) => panic!("reading bytes from memory failed: {e}"),
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let whole = frames(data, 8192);
    for frame in &whole {
        if let Frame::Body(body) = frame {
            assert!(body.len() as u64 <= MAX_CONTENT_LENGTH);
            assert!(body.len() <= data.len());
        }
    }
    assert_eq!(whole, frames(data, 1), "the buffer size changed the frames");
});
