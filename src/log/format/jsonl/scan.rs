//! The pieces of the flat JSON reader: whitespace, strings without
//! escapes and scalar values, each read straight from the line's bytes.
//! The flat reader (`jsonl::flat`) and the shapes (`jsonl::shape`) both
//! use them.

use crate::log::record::Raw;
use std::borrow::Cow;

/// Where the whitespace at `i` ends.
pub(super) fn skip_space(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// A string without escapes starting at `i` (at its quote), in a line
/// known to hold no control characters. Inlined into its two callers: as
/// a call, saving and restoring registers took half its instructions.
#[inline(always)]
pub(super) fn plain_string(text: &str, i: usize) -> Option<(&str, usize)> {
    let b = text.as_bytes();
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let len = quote_or_escape(&b[i + 1..])?;
    if b[i + 1 + len] != b'"' {
        return None;
    }
    Some((&text[i + 1..i + 1 + len], i + len + 2))
}

/// Where the first `"` or `\\` is. Keys and values are mostly short, so
/// the first bytes are looked through eight at a time here, and only a
/// long string pays for the setup of memchr's vector search (which was
/// half the cost of reading a key or value).
#[inline]
pub(super) fn quote_or_escape(b: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    const SHORT: usize = 32;
    // A byte of `x` is zero where its high bit is set in `zeros(x)`; bits
    // above the first zero byte may be wrong, so only the lowest is used.
    let zeros = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let mut i = 0;
    while i < SHORT && i + 8 <= b.len() {
        let word = u64::from_le_bytes(b[i..i + 8].try_into().expect("eight bytes"));
        let found = zeros(word ^ (ONES * u64::from(b'"'))) | zeros(word ^ (ONES * u64::from(b'\\')));
        if found != 0 {
            return Some(i + found.trailing_zeros() as usize / 8);
        }
        i += 8;
    }
    if i < SHORT {
        return b[i..].iter().position(|&c| c == b'"' || c == b'\\').map(|p| i + p);
    }
    memchr::memchr2(b'"', b'\\', &b[i..]).map(|p| i + p)
}

/// A scalar value starting at `i`, written into `out` (which holds
/// `Raw::Null` until then), and where it ends.
pub(super) fn scalar<'a>(text: &'a str, i: usize, out: &mut Raw<'a>) -> Option<usize> {
    let b = text.as_bytes();
    let (value, end) = match b.get(i)? {
        b'"' => plain_string(text, i).map(|(s, end)| (Raw::Text(Cow::Borrowed(s)), end))?,
        b't' => text[i..].starts_with("true").then_some((Raw::Bool(true), i + 4))?,
        b'f' => text[i..].starts_with("false").then_some((Raw::Bool(false), i + 5))?,
        b'n' => text[i..].starts_with("null").then_some((Raw::Null, i + 4))?,
        b'-' | b'0'..=b'9' => return number(text, i, out),
        _ => return None,
    };
    *out = value;
    Some(end)
}

/// A JSON number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
pub(super) fn number<'a>(text: &'a str, start: usize, out: &mut Raw<'a>) -> Option<usize> {
    let b = text.as_bytes();
    let digits = |mut i: usize| {
        let from = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        (i > from).then_some(i)
    };
    let mut i = start + usize::from(b[start] == b'-');
    let int_end = digits(i)?;
    if b[i] == b'0' && int_end > i + 1 {
        return None;
    }
    i = int_end;
    let mut whole = true;
    if b.get(i) == Some(&b'.') {
        i = digits(i + 1)?;
        whole = false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        i = digits(i)?;
        whole = false;
    }
    let literal = &text[start..i];
    *out = exact(literal, whole)?;
    Some(i)
}

/// A number literal as a value, exactly: a whole number within 64 bits, or
/// the literal itself, kept as written (a whole number past 64 bits, a
/// decimal) if it has an exact value; `None` past the range of exact numbers
/// (`1e400`), which the general reader reports. Inlined, so that the value
/// does not come back through the stack (see [`scalar`]).
#[inline(always)]
pub(super) fn exact(literal: &str, whole: bool) -> Option<Raw<'_>> {
    if whole && let Ok(n) = literal.parse::<i64>() {
        return Some(Raw::Int(n));
    }
    crate::number::parse(literal).map(|_| Raw::Decimal(literal))
}
