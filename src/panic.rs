//! What a panic — a bug in `ceasefire` — said, for the command line's
//! panic hook and the language server's request guard.

/// What a panic said (its payload is a `&str` or a `String`, if anything).
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("no message")
}
