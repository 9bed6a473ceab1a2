//! The comments of a rule file, found by a scan that skips strings.

/// One `# ...` comment.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Comment {
    /// Byte offset of the `#`.
    pub start: u32,
    /// The text from `#` to the end of the line, trailing spaces removed.
    pub text: String,
    /// Whether only whitespace precedes it on its line.
    pub own_line: bool,
}

/// Every comment of `text`, in order.
pub(crate) fn comments(text: &str) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line_start = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => line_start = i + 1,
            b'"' => {
                // Strings end at their closing quote or, unterminated, at the line's end.
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if i < bytes.len() && bytes[i] == b'\n' {
                    line_start = i + 1;
                }
            }
            b'#' => {
                let end = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
                let own_line = text[line_start..i].trim().is_empty();
                out.push(Comment {
                    start: i as u32,
                    text: text[i..end].trim_end().to_string(),
                    own_line,
                });
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Whether a blank line lies between `from` and `to` (comments count as text).
pub(crate) fn blank_between(text: &str, from: usize, to: usize) -> bool {
    let Some(between) = text.get(from..to) else {
        return false;
    };
    // The first and last pieces belong to the lines of `from` and `to`.
    let mut lines = between.split('\n');
    lines.next();
    let mut inner: Vec<&str> = lines.collect();
    inner.pop();
    inner.iter().any(|line| line.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_found_outside_strings() {
        let text = "zone a \"x # y\" # one\n  # two\nrule r { # three\n}";
        let found: Vec<(&str, bool)> = comments(text)
            .iter()
            .map(|c| (&text[c.start as usize..c.start as usize + c.text.len()], c.own_line))
            .collect();
        assert_eq!(found, [("# one", false), ("# two", true), ("# three", false)]);
    }

    #[test]
    fn escaped_quotes_do_not_end_strings() {
        let text = "agreement \"a \\\" # b\" # c";
        let found: Vec<String> = comments(text).into_iter().map(|c| c.text).collect();
        assert_eq!(found, ["# c"]);
    }

    #[test]
    fn blank_lines_are_seen() {
        assert!(blank_between("a\n\nb", 1, 3));
        assert!(blank_between("a\n  \t\nb", 1, 6));
        assert!(!blank_between("a\n# c\nb", 1, 6));
        assert!(!blank_between("a\nb", 1, 2));
    }
}
