//! Whatever a rule file holds, checking it ends with diagnostics or success:
//! never a panic.

use ceasefire::check::{Workspace, check_files};
use proptest::prelude::*;

/// Pieces of rule files besides the keywords, so that random sequences get
/// deep into the grammar.
const PIECES: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ":",
    ",",
    "=",
    "..",
    ".",
    "+",
    "-",
    "*",
    ">=",
    "<=",
    "!=",
    "<",
    ">",
    "north",
    "rafah",
    "release",
    "strike",
    "batch",
    "n",
    "z",
    "p",
    "r",
    "int",
    "text",
    "number",
    "bool",
    "time",
    "critical",
    "violated",
    "pending",
    "1",
    "6",
    "-2",
    "2.5",
    "72h",
    "0h",
    "1d12h",
    "72hr",
    "2025-01-19",
    "2025-01-19T08:30Z",
    "2025-01-19T08:30",
    "\"x\"",
    "\"a\\qb\"",
    "\"unterminated",
    "# comment\n",
    "\n",
];

pub(crate) fn tokens() -> Vec<&'static str> {
    ceasefire::syntax::KEYWORDS.iter().chain(PIECES).copied().collect()
}

fn check_text(text: &str) {
    let mut workspace = Workspace::new();
    let id = workspace.load_text("random.cfr", text);
    let outcome = check_files(&mut workspace, &[id]);
    // Every diagnostic points inside the file it names.
    for d in &outcome.diagnostics {
        if let Some(span) = d.span() {
            assert!(span.end as usize <= workspace.sources.file(span.file).text.len());
            assert!(span.start <= span.end);
        }
    }
}

/// A valid prefix, so that random tails reach the checker too.
const PRELUDE: &str = "zone north\nzone rafah\nevent release { batch: int }\nevent strike { zone: zone }\nphase p = from release for 1d\n";

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn token_soup_never_panics(tokens in prop::collection::vec(prop::sample::select(tokens()), 0..60)) {
        let text = tokens.join(" ");
        check_text(&text);
        check_text(&format!("{PRELUDE}{text}"));
        check_text(&format!("{PRELUDE}rule r {{ {text} }}"));
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check_text(&text);
    }
}

/// Rule bodies with holes filled at random from names, values and durations
/// that may or may not be declared or fit: these reach the checker.
const BODIES: &[&str] = &[
    "{K} {F} {V} precedes {K} in zone {V} within {D}",
    "every {K} where {F} {OP} {V} is followed by no {K} within {D}",
    "every {K} is preceded by {K} {F} {V}",
    "for each zone {X}: no {K} in zone {X} during {P}",
    "for each {X} in {V}..{V}: {K} {F} {X} occurs within {D} after first {K}",
    "for each {X} of {K}.{F}: {K} {F} {X} occurs by {A}",
    "at least {V} {K} per {D} between {A} and {A}",
    "at most {V} {K} per {D} before {A}",
    "sum({F} of {K}) >= {V} * count({K} where not {F} in [{V}, {V}]) per {D} during {P}",
    "count({K}) - {V} != {V} within {D} after {A}",
    "no {K} after {A}",
];
const KINDS: &[&str] = &["release", "strike", "relase", "drawdown"];
const FIELDS: &[&str] = &["batch", "zone", "actor", "btch"];
const VALUES: &[&str] = &[
    "1",
    "6",
    "north",
    "rafah",
    "\"x\"",
    "2.5",
    "true",
    "2025-01-19",
    "n",
    "z",
    "nort",
];
const DURATIONS: &[&str] = &["1h", "72h", "1d", "1w", "2d"];
const ANCHORS: &[&str] = &[
    "2025-01-19",
    "first release",
    "last strike in zone north",
    "start of p",
    "end of p + 1d",
    "end of q - 2h",
];
const OPS: &[&str] = &["=", "!=", "<", ">="];

fn fill(template: &str, picks: &[usize]) -> String {
    let mut out = String::new();
    let mut rest = template;
    let mut i = 0;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
        let hole = &rest[open + 1..close];
        let pool: &[&str] = match hole {
            "K" => KINDS,
            "F" => FIELDS,
            "V" => VALUES,
            "D" => DURATIONS,
            "A" => ANCHORS,
            "OP" => OPS,
            "P" => &["p", "q", "phase1"],
            _ => &["n", "z", "north"],
        };
        out.push_str(pool[picks.get(i).copied().unwrap_or(0) % pool.len()]);
        i += 1;
        rest = &rest[(close + 1).min(rest.len())..];
    }
    out.push_str(rest);
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn half_right_rules_never_panic(
        rules in prop::collection::vec((0..BODIES.len(), prop::collection::vec(0usize..100, 12)), 1..6),
    ) {
        let mut text = String::from(PRELUDE);
        text.push_str("event drawdown { zone: zone, actor: text }\nphase q = from end of p until first drawdown\n");
        for (i, (body, picks)) in rules.iter().enumerate() {
            text.push_str(&format!("rule r{i} {{ {} }}\n", fill(BODIES[*body], picks)));
        }
        check_text(&text);
    }
}
