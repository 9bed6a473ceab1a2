//! The arrows of the house run one way (docs/architecture.md): every file
//! of `src/` is read, each reference to another module (`crate::…`,
//! `super::…`, `self::…`, or a child module by name) is an arrow, and
//! - no module refers to a stage above its own (the floors below);
//! - no file refers, directly or through others, back to itself.
//!
//! `mod x;` declarations are structure, not arrows. Test modules
//! (`#[cfg(test)] mod tests { … }` at the end of a file, and `tests.rs`
//! files) may look anywhere.

use super::root;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The floors, ground first: a module may refer only to modules on lower
/// floors (or to its own). The library's stages, then the binary's parts.
const FLOORS: &[&[&str]] = &[
    &["source", "time", "verdict", "number", "places"],
    &["diagnostic"],
    &["syntax"],
    &["check", "format"],
    &["log"],
    &["eval"],
    &["verify"],
    &["report"],
    &["panic"],
    &["lsp"],
    &["cli"],
];

type Module = Vec<String>;

/// Every `.rs` file of `src/` (but test files) by module path, with its text.
fn modules() -> BTreeMap<Module, String> {
    fn walk(dir: &Path, base: &Path, out: &mut BTreeMap<Module, String>) {
        for entry in std::fs::read_dir(dir).expect("src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, base, out);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || path.file_name().is_some_and(|n| n == "tests.rs") {
                continue;
            }
            let relative = path.strip_prefix(base).expect("under src");
            let mut module: Module = relative
                .with_extension("")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if module.last().is_some_and(|m| m == "mod") {
                module.pop();
            }
            if module == ["lib"] || module == ["main"] {
                module.clear();
            }
            let text = std::fs::read_to_string(&path).expect("a source file");
            out.insert(module, without_tests_and_comments(&text));
        }
    }
    let mut out = BTreeMap::new();
    let src = root().join("src");
    walk(&src, &src, &mut out);
    out
}

/// The text without a trailing test module and without comments.
fn without_tests_and_comments(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The deepest module of `modules` that a path from `module` names.
fn resolve(modules: &BTreeMap<Module, String>, module: &Module, path: &[&str]) -> Option<Module> {
    let (mut base, rest): (Module, &[&str]) = match path.first() {
        Some(&"crate") => (Vec::new(), &path[1..]),
        Some(&"self") => (module.clone(), &path[1..]),
        Some(&"super") => {
            let mut base = module.clone();
            let mut rest = path;
            while rest.first() == Some(&"super") {
                base.pop();
                rest = &rest[1..];
            }
            (base, rest)
        }
        _ => return None,
    };
    let mut found = modules.contains_key(&base).then(|| base.clone());
    for part in rest {
        base.push(part.to_string());
        if modules.contains_key(&base) {
            found = Some(base.clone());
        } else {
            break;
        }
    }
    found
}

/// The modules each module refers to.
fn arrows(modules: &BTreeMap<Module, String>) -> BTreeMap<Module, BTreeSet<Module>> {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = BTreeMap::new();
    for (module, text) in modules {
        let mut targets = BTreeSet::new();
        // `use a::{b, c::{d, e}}` is expanded into the paths it names.
        let mut paths: Vec<String> = Vec::new();
        for statement in text.split(';') {
            let statement = statement.trim();
            let Some(at) = statement.find("use ") else { continue };
            // `use` as a word of its own, not the end of another.
            if statement[..at].chars().last().is_some_and(word) {
                continue;
            }
            expand(statement[at + 4..].trim(), "", &mut paths);
        }
        // Paths written inline: `crate::log::read(…)`.
        let bytes: Vec<char> = text.chars().collect();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i].is_ascii_alphabetic() && (i == 0 || !word(bytes[i - 1]) && bytes[i - 1] != ':') {
                let start = i;
                while i < bytes.len() && (word(bytes[i]) || (bytes[i] == ':' && bytes.get(i + 1) == Some(&':'))) {
                    i += if bytes[i] == ':' { 2 } else { 1 };
                }
                let path: String = bytes[start..i].iter().collect();
                if path.contains("::") {
                    paths.push(path);
                }
            } else {
                i += 1;
            }
        }
        for path in paths {
            let parts: Vec<&str> = path.split("::").filter(|p| !p.is_empty()).collect();
            let found = match parts.first() {
                Some(&("crate" | "super" | "self")) => resolve(modules, module, &parts),
                // A child module named without `self::`.
                Some(first) => {
                    let mut child = module.clone();
                    child.push(first.to_string());
                    modules.contains_key(&child).then_some(child).and_then(|c| {
                        let mut full = vec!["self"];
                        full.extend(&parts);
                        resolve(modules, module, &full).or(Some(c))
                    })
                }
                None => None,
            };
            if let Some(found) = found
                && &found != module
            {
                targets.insert(found);
            }
        }
        out.insert(module.clone(), targets);
    }
    out
}

/// `a::{b, c::{d}}` → `a::b`, `a::c::d` (aliases and globs dropped).
fn expand(tree: &str, prefix: &str, out: &mut Vec<String>) {
    let tree = tree.trim();
    match tree.find('{') {
        None => {
            for item in tree.split(',') {
                let item = item.split(" as ").next().unwrap_or("").trim().trim_end_matches("::*");
                if !item.is_empty() {
                    out.push(format!("{prefix}{item}"));
                }
            }
        }
        Some(open) => {
            let head = &tree[..open];
            let inner = tree[open + 1..].trim_end().trim_end_matches('}');
            // Split the inner list at commas outside braces.
            let (mut depth, mut start) = (0, 0);
            let mut items = Vec::new();
            for (i, c) in inner.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        items.push(&inner[start..i]);
                        start = i + 1;
                    }
                    _ => {}
                }
            }
            items.push(&inner[start..]);
            for item in items {
                let item = item.trim();
                if item == "self" {
                    out.push(format!("{prefix}{}", head.trim_end_matches("::")));
                } else if !item.is_empty() {
                    expand(item, &format!("{prefix}{head}"), out);
                }
            }
        }
    }
}

fn floor(module: &Module) -> Option<usize> {
    let top = module.first()?;
    FLOORS.iter().position(|floor| floor.contains(&top.as_str()))
}

fn name(module: &Module) -> String {
    if module.is_empty() {
        "lib/main".to_string()
    } else {
        module.join("/")
    }
}

#[test]
fn every_module_stands_on_a_floor() {
    for module in modules().keys().filter(|m| !m.is_empty()) {
        assert!(
            floor(module).is_some(),
            "`src/{}` is on no floor of this test",
            name(module)
        );
    }
}

#[test]
fn no_module_refers_to_a_stage_above_its_own() {
    let modules = modules();
    let mut upward = Vec::new();
    for (from, targets) in arrows(&modules) {
        for to in targets {
            if let (Some(a), Some(b)) = (floor(&from), floor(&to))
                && from.first() != to.first()
                && b >= a
            {
                upward.push(format!("{} → {}", name(&from), name(&to)));
            }
        }
    }
    assert!(upward.is_empty(), "arrows that run up or across: {upward:#?}");
}

#[test]
fn no_file_refers_back_to_itself_through_others() {
    let modules = modules();
    let arrows = arrows(&modules);
    // A depth-first search from every file; a path back to where it began is a cycle.
    let mut cycles = Vec::new();
    for start in arrows.keys() {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((at, path)) = stack.pop() {
            for next in arrows.get(&at).into_iter().flatten() {
                if next == start {
                    let names: Vec<String> = path.iter().chain([start]).map(name).collect();
                    cycles.push(names.join(" → "));
                } else if seen.insert(next.clone()) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push((next.clone(), longer));
                }
            }
        }
    }
    assert!(cycles.is_empty(), "import cycles: {cycles:#?}");
}

#[test]
fn the_arrows_are_found() {
    // The test would pass on anything if it saw no arrows; these are known ones.
    let arrows = arrows(&modules());
    let has = |from: &str, to: &str| {
        let from: Module = from.split('/').map(str::to_string).collect();
        let to: Module = to.split('/').map(str::to_string).collect();
        arrows.get(&from).is_some_and(|t| t.contains(&to))
    };
    assert!(
        has("eval/monitor/aggregate", "check/walk"),
        "a `use` of a nested module"
    );
    assert!(has("diagnostic", "diagnostic/code"), "a child named without `self::`");
    assert!(has("report/verify/json", "report/verify"), "`use super::X`");
    assert!(has("log/format/csv", "log/chunk"), "an inline `crate::` path");
    assert!(has("cli/verify", "cli/progress"), "in the binary");
}
