//! Exact numbers: whole numbers and decimals as written, held as
//! [`Decimal`] (a 96-bit integer and a scale: 28 significant digits, up to
//! about ±7.9 × 10²⁸). Sums and arithmetic are checked: a result past that
//! range is an error, never a rounded value.

pub use rust_decimal::Decimal;

/// A decimal literal as written — `0.3`, `-12`, `1.5e3` — exactly; `None`
/// if it is not one, or does not fit 28 significant digits.
pub fn parse(text: &str) -> Option<Decimal> {
    let text = text.trim();
    if text.is_empty() || text.starts_with('+') && text[1..].starts_with(['+', '-']) {
        return None;
    }
    if text.contains(['e', 'E']) {
        return Decimal::from_scientific(text).ok();
    }
    Decimal::from_str_exact(text).ok()
}

/// A number as people read it: exact, without trailing zeros after the
/// decimal point (`0.30` is `0.3`, `2.0` is `2`).
pub fn show(value: Decimal) -> String {
    value.normalize().to_string()
}

/// A whole number as an exact decimal.
pub fn whole(value: i64) -> Decimal {
    Decimal::from(value)
}

/// An exact number as a float, for drawing only (charts, sparklines).
pub fn approximate(value: Decimal) -> f64 {
    rust_decimal::prelude::ToPrimitive::to_f64(&value).unwrap_or(0.0)
}

/// `a + b` exactly, or `None` if the exact sum does not fit 28 significant
/// digits (where the decimal type alone would round it).
#[inline]
pub fn add(a: Decimal, b: Decimal) -> Option<Decimal> {
    let sum = a.checked_add(b)?;
    // Whole numbers cannot lose digits to rounding: only overflow, which
    // `checked_add` refuses.
    if a.scale() == 0 && b.scale() == 0 {
        return Some(sum);
    }
    exact_at(sum, a, b)
}

/// `a - b` exactly, or `None` if the exact difference does not fit.
pub fn sub(a: Decimal, b: Decimal) -> Option<Decimal> {
    exact_at(a.checked_sub(b)?, a, b)
}

/// `a × b` exactly, or `None` if the exact product does not fit 28
/// significant digits. A product whose digits past the 28th would all be
/// zeros is refused too: the check is on the digits the operands carry.
pub fn mul(a: Decimal, b: Decimal) -> Option<Decimal> {
    let product = a.checked_mul(b)?;
    let (a, b) = (a.normalize(), b.normalize());
    (product.scale() >= a.scale() + b.scale()).then_some(product)
}

/// A sum or difference `result` of `a` and `b`, if it is exact: it is when
/// it kept the finer scale of the two, or when both operands are whole at
/// the scale it kept (then nothing was rounded away).
fn exact_at(result: Decimal, a: Decimal, b: Decimal) -> Option<Decimal> {
    let scale = result.scale();
    let kept = |x: Decimal| x.scale() <= scale || x.round_dp(scale) == x;
    (kept(a) && kept(b)).then_some(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_read_exactly_and_shown_without_noise() {
        assert_eq!(show(parse("0.1").unwrap() + parse("0.2").unwrap()), "0.3");
        assert_eq!(
            parse("0.30000000000000001").map(show).as_deref(),
            Some("0.30000000000000001")
        );
        assert_eq!(show(parse("1.5e3").unwrap()), "1500");
        assert_eq!(show(parse("-2.50").unwrap()), "-2.5");
        assert_eq!(show(whole(i64::MAX)), "9223372036854775807");
        assert_eq!(parse("1e400"), None);
        assert_eq!(parse("12345678901234567890123456789012"), None);
        assert_eq!(parse("abc"), None);
        assert_eq!(parse(""), None);
        // Sums past the range are errors, not rounded.
        assert_eq!(add(Decimal::MAX, Decimal::ONE), None);
    }

    #[test]
    fn arithmetic_is_exact_or_refused() {
        let n = |t: &str| parse(t).unwrap();
        assert_eq!(add(n("0.1"), n("0.2")).map(show).as_deref(), Some("0.3"));
        assert_eq!(
            sub(n("1"), n("0.000000000000000000000000001")).map(show).as_deref(),
            Some("0.999999999999999999999999999")
        );
        // 21 whole digits and 27 decimals: the decimal type would round.
        assert_eq!(
            add(n("18446744073709551615.5"), n("0.000000000000000000000000001")),
            None
        );
        assert_eq!(
            sub(n("18446744073709551615.5"), n("0.000000000000000000000000001")),
            None
        );
        // Trailing zeros lost to the scale are not a rounding.
        assert_eq!(
            add(n("18446744073709551615"), n("0.000000000000000000000000000"))
                .map(show)
                .as_deref(),
            Some("18446744073709551615")
        );
        assert_eq!(mul(n("0.5"), n("0.2")).map(show).as_deref(), Some("0.1"));
        assert_eq!(
            mul(n("9223372036854775807"), n("1000000000")).map(show).as_deref(),
            Some("9223372036854775807000000000")
        );
        assert_eq!(mul(n("9223372036854775807"), n("9223372036854775807")), None);
        assert_eq!(mul(n("1.000000000000001"), n("1.000000000000001")), None);
        assert_eq!(mul(n("-1.5"), n("2")).map(show).as_deref(), Some("-3"));
    }
}
