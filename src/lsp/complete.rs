//! Completion: keywords, kinds, fields, zones, phases, rules, verdicts and
//! types, each where it fits, worked out from the words before the cursor.

use ceasefire::check::model::{Model, Type};
use ceasefire::syntax::{BODY_FORMS, WINDOWS};
use ceasefire::verdict::Verdict;
use lsp_types::{CompletionItem, CompletionItemKind};

/// Keywords that start a declaration.
const DECLARATIONS: [&str; 14] = ceasefire::syntax::DECLARATION_WORDS;

/// What may start a line inside a rule: an attribute, `for each`, or the
/// start of a body form (from the vocabulary table).
fn rule_line() -> Vec<&'static str> {
    let forms = BODY_FORMS.iter().flat_map(|f| f.starts.iter().copied());
    ["title", "ref", "severity", "for each"]
        .into_iter()
        .chain(forms)
        .collect()
}

/// What may follow a pattern: a qualifier or condition, the rest of a body
/// form, a `within` clause or a window (from the vocabulary table).
fn after_pattern() -> Vec<&'static str> {
    let forms = BODY_FORMS.iter().flat_map(|f| f.after_pattern.iter().copied());
    let windows = WINDOWS.iter().map(|w| w.word).filter(|w| *w != "within");
    ["in zone", "where"]
        .into_iter()
        .chain(forms)
        .chain(["within"])
        .chain(windows)
        .collect()
}
/// What may start a statement inside a test.
const TEST_LINE: [&str; 3] = ["as of", "log", "expect"];
/// Rule severities.
const SEVERITIES: [&str; 4] = ["critical", "major", "minor", "info"];

/// A word, or a piece of punctuation, before the cursor.
#[derive(Clone, Debug, PartialEq)]
enum Token {
    Word(String),
    Punct(char),
    /// A string or a number-like word such as a timestamp.
    Literal,
    Newline,
}

/// The completions at `offset` of `text`, for a document whose rule set is `model`.
pub(crate) fn complete(model: &Model, text: &str, offset: usize) -> Vec<CompletionItem> {
    let offset = offset.min(text.len());
    let start = text[..offset]
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    let tokens = tokens(&text[..start]);
    let blocks = blocks(&tokens);
    let line: Vec<&Token> = tokens
        .iter()
        .rev()
        .take_while(|t| **t != Token::Newline)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let words: Vec<&str> = tokens
        .iter()
        .rev()
        .filter(|t| **t != Token::Newline)
        .take(4)
        .map(|t| match t {
            Token::Word(w) => w.as_str(),
            Token::Punct(c) => punct(*c),
            _ => "",
        })
        .collect();
    let last = words.first().copied().unwrap_or("");
    let second = words.get(1).copied().unwrap_or("");
    let mut out = Completions::default();
    match blocks.last().map(String::as_str) {
        None => top_level(model, &mut out, &line, last, second),
        Some("event") => {
            if last == ":" {
                out.types();
            }
        }
        Some("log") => log_line(model, &mut out, &line),
        // A source's lines start with a target (LANGUAGE-v2 §11); what
        // comes after `=` is a column, which only the dataset knows.
        Some("source") if line.is_empty() => out.targets(model),
        Some("source") => {}
        // A map's values: kinds, zones, or `skip`; its keys are cells. (A
        // number key and its colon read as one literal, as `10:` of a time.)
        Some("map") if last == ":" || matches!(line.last(), Some(Token::Literal)) => {
            out.kinds(model);
            out.zones(model);
            out.keywords(&["skip", "keep"]);
        }
        Some("map") => {}
        Some("test") => match line.first() {
            None => out.keywords(&TEST_LINE),
            // `expect RULE VERDICT` (a rule id may hold `-` and `.`).
            Some(Token::Word(w)) if w == "expect" && line.len() == 1 => out.rules(model),
            Some(Token::Word(w)) if w == "expect" => out.verdicts(),
            Some(Token::Word(w)) if w == "as" && line.len() == 1 => out.keywords(&["of"]),
            _ => {}
        },
        Some("[") => out.zones(model),
        Some(_) => rule_body(model, &mut out, &tokens, &line, last, second),
    }
    out.items
}

fn punct(c: char) -> &'static str {
    match c {
        '(' => "(",
        ')' => ")",
        ':' => ":",
        ',' => ",",
        '.' => ".",
        '=' => "=",
        _ => "",
    }
}

fn top_level(model: &Model, out: &mut Completions, line: &[&Token], last: &str, second: &str) {
    match (last, second) {
        ("from" | "until", _) => anchors(model, out),
        ("of", "start" | "end") => out.phases(model),
        ("first" | "last", _) => out.kinds(model),
        _ if line.is_empty() => out.keywords(&DECLARATIONS),
        _ => {}
    }
}

fn anchors(model: &Model, out: &mut Completions) {
    out.keywords(&["first", "last", "start of", "end of"]);
    out.kinds(model);
}

fn log_line(model: &Model, out: &mut Completions, line: &[&Token]) {
    // TIMESTAMP KIND (FIELD VALUE)*
    if line.is_empty() {
        return;
    }
    let Some(Token::Word(kind)) = line.get(1) else {
        if line.len() == 1 {
            out.kinds(model);
        }
        return;
    };
    let after_kind = line.len() - 2;
    let Some(declared) = model.kinds.iter().find(|k| &k.name == kind) else {
        return;
    };
    if after_kind.is_multiple_of(2) {
        out.fields(declared.fields.iter().map(|f| (f.name.as_str(), f.ty)));
    } else if let Some(Token::Word(field)) = line.last()
        && let Some(f) = declared.fields.iter().find(|f| &f.name == field)
    {
        match f.ty {
            Type::Zone => out.zones(model),
            Type::Bool => out.keywords(&["true", "false"]),
            _ => {}
        }
    }
}

fn rule_body(model: &Model, out: &mut Completions, tokens: &[Token], line: &[&Token], last: &str, second: &str) {
    let is_kind = |w: &str| model.kinds.iter().any(|k| k.name == w);
    match (last, second) {
        ("severity", _) => out.keywords(&SEVERITIES),
        ("during", _) | ("of", "start" | "end") => out.phases(model),
        ("zone", "in") | ("zone", "each") => out.zones(model),
        // `sum(FIELD of ▮`, `for each b of ▮`
        ("of", _) => out.kinds(model),
        ("(", "sum") => {
            let mut numeric: Vec<(&str, Type)> = model
                .kinds
                .iter()
                .flat_map(|k| &k.fields)
                .filter(|f| f.ty.is_numeric())
                .map(|f| (f.name.as_str(), f.ty))
                .collect();
            numeric.sort_unstable_by_key(|(name, _)| *name);
            numeric.dedup_by_key(|(name, _)| *name);
            out.fields(numeric);
        }
        ("(", "count") | ("every" | "no" | "precedes" | "by" | "first" | "last", _) => out.kinds(model),
        ("after" | "before" | "between" | "and", _) if !in_condition(tokens) => anchors(model, out),
        ("where" | "and" | "or" | "not", _) => {
            if let Some(kind) = pattern_kind(model, tokens) {
                out.fields(kind.fields.iter().map(|f| (f.name.as_str(), f.ty)));
            }
        }
        (".", kind) if is_kind(kind) => {
            if let Some(kind) = model.kinds.iter().find(|k| k.name == kind) {
                out.fields(kind.fields.iter().map(|f| (f.name.as_str(), f.ty)));
            }
        }
        (kind, _) if is_kind(kind) => {
            if let Some(kind) = model.kinds.iter().find(|k| k.name == kind) {
                out.fields(kind.fields.iter().map(|f| (f.name.as_str(), f.ty)));
            }
            out.keywords(&after_pattern());
        }
        _ if line.is_empty() || last == ":" => {
            out.keywords(&rule_line());
            out.kinds(model);
        }
        _ => {}
    }
}

/// Whether the words since the last pattern keyword include `where`.
fn in_condition(tokens: &[Token]) -> bool {
    for t in tokens.iter().rev() {
        match t {
            Token::Word(w) if w == "where" => return true,
            Token::Word(w)
                if ["every", "no", "precedes", "by", "during", "after", "before", "between"].contains(&w.as_str()) =>
            {
                return false;
            }
            Token::Newline => return false,
            _ => {}
        }
    }
    false
}

/// The kind of the pattern the cursor is in: the last kind named before it.
fn pattern_kind<'m>(model: &'m Model, tokens: &[Token]) -> Option<&'m ceasefire::check::model::Kind> {
    tokens.iter().rev().find_map(|t| match t {
        Token::Word(w) => model.kinds.iter().find(|k| &k.name == w),
        _ => None,
    })
}

/// The open blocks at the end of the tokens: `rule`, `test`, `log`, `event`, `[`.
fn blocks(tokens: &[Token]) -> Vec<String> {
    let mut stack: Vec<String> = Vec::new();
    let mut opener = String::new();
    for token in tokens {
        match token {
            Token::Word(w) if ["rule", "test", "log", "event", "source", "map"].contains(&w.as_str()) => {
                opener = w.clone()
            }
            Token::Punct('{') => stack.push(std::mem::take(&mut opener)),
            Token::Punct('[') => stack.push("[".to_string()),
            Token::Punct('}' | ']') => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack
}

/// The tokens of a text, without comments and string contents.
fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\n' => out.push(Token::Newline),
            '#' => {
                while chars.peek().is_some_and(|(_, c)| *c != '\n') {
                    chars.next();
                }
            }
            '"' => {
                while let Some((_, c)) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' | '\n' => break,
                        _ => {}
                    }
                }
                out.push(Token::Literal);
            }
            c if c.is_ascii_alphanumeric() || c == '_' || c == '-' => {
                // Numbers, timestamps and durations run on through `-:+.`;
                // names are letters, digits and `_`.
                let literal = c.is_ascii_digit() || c == '-';
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = chars.peek() {
                    let more = d.is_ascii_alphanumeric() || d == '_' || (literal && matches!(d, '-' | ':' | '+' | '.'));
                    if !more {
                        break;
                    }
                    end = j + d.len_utf8();
                    chars.next();
                }
                if literal {
                    out.push(Token::Literal);
                } else {
                    out.push(Token::Word(text[i..end].to_string()));
                }
            }
            c if c.is_whitespace() => {}
            c => out.push(Token::Punct(c)),
        }
    }
    out
}

/// Completion items without duplicates.
#[derive(Default)]
struct Completions {
    items: Vec<CompletionItem>,
}

impl Completions {
    fn push(&mut self, label: &str, kind: CompletionItemKind, detail: Option<String>) {
        if self.items.iter().any(|i| i.label == label) {
            return;
        }
        self.items.push(CompletionItem {
            label: label.to_string(),
            kind: Some(kind),
            detail,
            ..CompletionItem::default()
        });
    }

    fn keywords(&mut self, words: &[&str]) {
        for w in words {
            self.push(w, CompletionItemKind::KEYWORD, None);
        }
    }

    fn kinds(&mut self, model: &Model) {
        for k in &model.kinds {
            self.push(&k.name, CompletionItemKind::EVENT, Some("event kind".to_string()));
        }
    }

    fn zones(&mut self, model: &Model) {
        for z in &model.zones {
            self.push(
                &z.name,
                CompletionItemKind::ENUM_MEMBER,
                z.display.clone().or(Some("zone".to_string())),
            );
        }
    }

    fn phases(&mut self, model: &Model) {
        for p in &model.phases {
            self.push(&p.name, CompletionItemKind::MODULE, Some("phase".to_string()));
        }
    }

    fn rules(&mut self, model: &Model) {
        for r in &model.rules {
            self.push(
                &r.id,
                CompletionItemKind::FUNCTION,
                r.title.clone().or(Some("rule".to_string())),
            );
        }
    }

    fn fields<'a>(&mut self, fields: impl IntoIterator<Item = (&'a str, Type)>) {
        for (name, ty) in fields {
            self.push(name, CompletionItemKind::FIELD, Some(ty.as_str().to_string()));
        }
    }

    /// What a source's line may set: the built-in targets, its calendar,
    /// and every declared field.
    fn targets(&mut self, model: &Model) {
        self.keywords(&["kind", "time", "id", "source", "status", "calendar"]);
        for kind in &model.kinds {
            for field in &kind.fields {
                self.push(
                    &field.name,
                    CompletionItemKind::FIELD,
                    Some(format!("{}: {}", field.name, field.ty.as_str())),
                );
            }
        }
    }

    fn types(&mut self) {
        for ty in Type::ALL {
            self.push(ty.as_str(), CompletionItemKind::TYPE_PARAMETER, None);
        }
    }

    fn verdicts(&mut self) {
        for v in Verdict::ALL {
            self.push(v.as_str(), CompletionItemKind::ENUM_MEMBER, Some("verdict".to_string()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DECLARED: &str = "zone north\nzone rafah\nevent truce\nevent strike { zone: zone, hit: bool, n: int }\n\
        phase p1 = from truce for 1d\nrule GZ-2.3 { no strike during p1 }\n";

    /// The labels offered where `|` stands.
    fn at(text: &str) -> Vec<String> {
        let model = super::super::analysis::Analysis::new("a.cfr", DECLARED).model;
        let offset = text.find('|').expect("a cursor");
        let text = text.replace('|', "");
        complete(&model, &format!("{DECLARED}{text}"), DECLARED.len() + offset)
            .into_iter()
            .map(|i| i.label)
            .collect()
    }

    #[test]
    fn each_place_gets_its_names() {
        assert_eq!(at("rule r {\n  no strike in zone |"), ["north", "rafah"]);
        assert_eq!(at("rule r {\n  no strike in zone no|"), ["north", "rafah"]);
        assert_eq!(at("rule r {\n  no strike between start of |"), ["p1"]);
        assert_eq!(at("rule r {\n  severity |"), SEVERITIES);
        assert_eq!(at("rule r {\n  sum(|"), ["n"]);
        assert_eq!(at("rule r {\n  sum(n of |"), ["truce", "strike"]);
        assert_eq!(at("rule r {\n  for each b of strike.|"), ["zone", "hit", "n"]);
        assert!(at("rule r {\n  no strike |").contains(&"where".to_string()));
        assert_eq!(
            at("rule r {\n  no strike where hit = true and |")[..3],
            ["zone", "hit", "n"]
        );
        assert_eq!(at("phase p2 = from end of |"), ["p1"]);
        let targets = at("source s {\n  |");
        assert_eq!(targets[..6], ["kind", "time", "id", "source", "status", "calendar"]);
        assert!(targets.contains(&"hit".to_string()), "{targets:?}");
        assert!(at("source s {\n  kind = |").is_empty());
        let values = at("source s {\n  kind = k map { 1: |");
        assert!(
            values.contains(&"strike".to_string()) && values.contains(&"skip".to_string()),
            "{values:?}"
        );
        assert!(at("source s {\n  kind = k map { |").is_empty());
        assert_eq!(
            at("event e { a: |"),
            ["int", "number", "text", "bool", "zone", "time", "position"]
        );
        assert_eq!(at("test \"t\" {\n  expect |"), ["GZ-2.3"]);
        assert_eq!(
            at("test \"t\" {\n  expect GZ-2.3 |"),
            ["vacuous", "satisfied", "pending", "indeterminate", "violated"]
        );
        assert_eq!(
            at("test \"t\" {\n  log {\n    2025-01-01T00:00Z strike zone |"),
            ["north", "rafah"]
        );
        assert_eq!(
            at("test \"t\" {\n  log {\n    2025-01-01T00:00Z strike hit |"),
            ["true", "false"]
        );
        assert_eq!(
            at("test \"t\" {\n  log {\n    2025-01-01T00:00Z strike zone north |"),
            ["zone", "hit", "n"]
        );
        assert_eq!(at("test \"t\" {\n  log {\n    |"), Vec::<String>::new());
        assert_eq!(at("# a comment with rule {\n|"), DECLARATIONS);
        assert_eq!(at("agreement \"a { b\"\n|"), DECLARATIONS);
    }
}
