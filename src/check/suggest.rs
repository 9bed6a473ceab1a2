//! Did-you-mean: the closest known name by edit distance.

/// The candidate closest to `name`, if it is close enough to be a likely typo.
///
/// A candidate that differs only in case wins outright; otherwise the
/// smallest Damerau–Levenshtein distance wins, within a third of the name's
/// length (at least one edit). Ties go to the candidate listed first.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let limit = (name.chars().count() / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let distance = if candidate.to_lowercase() == lower {
            0
        } else {
            strsim::damerau_levenshtein(name, candidate)
        };
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// `did you mean `x`?` for a help line.
pub fn help_for<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    did_you_mean(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names() {
        let names = ["release", "drawdown", "detainee_release"];
        assert_eq!(did_you_mean("relase", names), Some("release"));
        assert_eq!(did_you_mean("Release", names), Some("release"));
        assert_eq!(did_you_mean("drawdwon", names), Some("drawdown"));
        assert_eq!(did_you_mean("strike", names), None);
        assert_eq!(did_you_mean("x", ["y"]), Some("y"));
        assert_eq!(did_you_mean("release", names), None);
    }
}
