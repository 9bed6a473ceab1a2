//! Three-valued answers (LANGUAGE-v2 §9.3): every elementary question about
//! the log is answered yes, no or unknown, and answers combine by Kleene's
//! logic.

/// An answer to a question about the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Truth {
    No,
    Unknown,
    Yes,
}

impl Truth {
    /// Yes when both are yes, no when either is no.
    pub fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::No, _) | (_, Truth::No) => Truth::No,
            (Truth::Yes, Truth::Yes) => Truth::Yes,
            _ => Truth::Unknown,
        }
    }

    /// Yes when either is yes, no when both are no.
    pub fn or(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::Yes, _) | (_, Truth::Yes) => Truth::Yes,
            (Truth::No, Truth::No) => Truth::No,
            _ => Truth::Unknown,
        }
    }

    /// The opposite answer.
    pub fn not(self) -> Truth {
        match self {
            Truth::Yes => Truth::No,
            Truth::No => Truth::Yes,
            Truth::Unknown => Truth::Unknown,
        }
    }

    /// The branches to follow: `[true]`, `[false]`, or both (the tests'
    /// plain statement of what `reach` enumerates).
    #[cfg(test)]
    pub fn branches(self) -> &'static [bool] {
        match self {
            Truth::Yes => &[true],
            Truth::No => &[false],
            Truth::Unknown => &[true, false],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Truth::*;

    #[test]
    fn kleene() {
        assert_eq!(Yes.and(Unknown), Unknown);
        assert_eq!(No.and(Unknown), No);
        assert_eq!(Yes.or(Unknown), Yes);
        assert_eq!(No.or(Unknown), Unknown);
        assert_eq!(Unknown.not(), Unknown);
        assert_eq!(Unknown.branches(), &[true, false]);
    }
}
