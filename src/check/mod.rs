//! Syntax tree → checked model: names, types, windows, did-you-mean.
//!
//! Files are checked in *units*: a root file together with every file it
//! includes. A file included by another file of the run is not a root of
//! its own. Names and types are checked once every include of a unit
//! resolves; a unit whose only errors are syntax errors is checked too, its
//! broken items left out and the names they would have declared never
//! reported as undeclared, so that one run reports every mistake without a
//! cascade.

mod anchor;
mod checker;
mod form;
mod load;
pub mod model;
mod names;
mod pattern;
mod place;
mod reference;
mod rule;
mod source;
mod suggest;
mod test;
mod uses;
mod value;
pub mod walk;
mod window;

pub use load::{BUILT_IN, LoadError, MAX_FILE_BYTES, Workspace, discover};
pub use model::Model;
pub use reference::{Reference, Target};
pub use rule::{MAX_INSTANCES, MAX_RANGE};
pub use suggest::did_you_mean;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::source::FileId;
use std::collections::{BTreeSet, HashSet};
use std::path::PathBuf;

/// A root file with its includes, and what checking them produced.
#[derive(Debug)]
pub struct Unit {
    /// The root file.
    pub root: FileId,
    /// The root and every file it includes, root first.
    pub files: Vec<FileId>,
    /// The checked model (complete only when `has_errors` is false).
    pub model: Model,
    /// Whether any file of the unit has an error.
    pub has_errors: bool,
    /// Every name the unit's files mention that the checker resolved, with
    /// what it means (empty when the unit did not get as far as checking).
    pub references: Vec<Reference>,
    /// The shapes its files read from GeoJSON, by the span of each path.
    pub(crate) places: load::Places,
}

/// The result of checking some rule files.
#[derive(Debug, Default)]
pub struct CheckOutcome {
    /// One unit per root file.
    pub units: Vec<Unit>,
    /// Errors and warnings in rule files, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// Problems of the run itself: paths that do not exist or cannot be read.
    pub run_errors: Vec<Diagnostic>,
    /// Every rule file read, in the order first read.
    pub files: Vec<FileId>,
}

impl CheckOutcome {
    /// How many diagnostics have this severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }
}

/// Finds, loads and checks the rule files under `paths`.
pub fn check_paths(workspace: &mut Workspace, paths: &[PathBuf]) -> CheckOutcome {
    let (found, mut run_errors) = discover(paths);
    let mut candidates = Vec::new();
    for path in found {
        let name = path.to_string_lossy().into_owned();
        match workspace.load(&name, &path) {
            Ok(id) if !candidates.contains(&id) => candidates.push(id),
            Ok(_) => {}
            Err(e) => run_errors.push(
                Diagnostic::without_span(e.code(), format!("cannot read `{name}`: {}", e.describe()))
                    .with_help(e.help()),
            ),
        }
    }
    let mut outcome = check_files(workspace, &candidates);
    outcome.run_errors = run_errors;
    outcome
}

/// Checks files already loaded into the workspace.
pub fn check_files(workspace: &mut Workspace, candidates: &[FileId]) -> CheckOutcome {
    let closures: Vec<(Vec<FileId>, Vec<crate::diagnostic::Diagnostic>)> =
        candidates.iter().map(|&c| closure(workspace, c)).collect();
    let mut included: HashSet<FileId> = HashSet::new();
    for (files, _) in &closures {
        included.extend(files.iter().skip(1).copied());
    }
    // Roots: files nobody includes; then, for files only reachable through
    // a cycle, the first of them in the order given.
    let mut roots: Vec<usize> = (0..candidates.len())
        .filter(|&i| !included.contains(&candidates[i]))
        .collect();
    let mut covered: HashSet<FileId> = roots.iter().flat_map(|&i| closures[i].0.iter().copied()).collect();
    for (i, &candidate) in candidates.iter().enumerate() {
        if !covered.contains(&candidate) {
            roots.push(i);
            covered.extend(closures[i].0.iter().copied());
        }
    }
    roots.sort_unstable();

    let mut outcome = CheckOutcome::default();
    let mut declared = Vec::new();
    let mut used = HashSet::new();
    for i in roots {
        let (files, include_errors) = &closures[i];
        let mut diagnostics = include_errors.clone();
        for &file in files {
            diagnostics.extend(workspace.file_diagnostics(file).iter().cloned());
            if !outcome.files.contains(&file) {
                outcome.files.push(file);
            }
        }
        let has_errors = diagnostics.iter().any(Diagnostic::is_error);
        // Syntax errors leave out the broken items; the rest is checked all
        // the same, so that one run reports every mistake (issue 17).
        let only_syntax = diagnostics
            .iter()
            .filter(|d| d.is_error())
            .all(|d| matches!(d.code, Code::SyntaxError | Code::UnclosedBrace));
        let mut model = Model::default();
        let mut references = Vec::new();
        let mut loaded = load::Places::new();
        if !has_errors || only_syntax {
            loaded = unit_places(workspace, files);
            let trees: Vec<_> = files.iter().map(|&f| workspace.tree(f)).collect();
            let broken: HashSet<&str> = trees.iter().flat_map(|t| t.broken.iter().map(String::as_str)).collect();
            let mut checked = checker::check_unit(&trees, &loaded);
            // What a broken item would have declared is not "undeclared".
            checked
                .diagnostics
                .retain(|d| !(undeclared(d.code) && broken.iter().any(|n| d.message.contains(&format!("`{n}`")))));
            let clean = !has_errors && !checked.diagnostics.iter().any(Diagnostic::is_error);
            diagnostics.extend(checked.diagnostics);
            used.extend(checked.used);
            // A rule with errors may not have recorded what it uses; warning
            // about unused declarations then would only add noise.
            if clean {
                declared.extend(checked.declared);
            }
            model = checked.model;
            references = checked.references;
        }
        let has_errors = diagnostics.iter().any(Diagnostic::is_error);
        outcome.diagnostics.extend(diagnostics);
        outcome.units.push(Unit {
            root: candidates[i],
            files: files.clone(),
            model,
            has_errors,
            references,
            places: loaded,
        });
    }
    let mut warned = HashSet::new();
    let mut unused = Vec::new();
    for (span, what, name) in declared {
        // A built-in file declares every kind of its dataset; a rule set
        // that judges some of them has nothing to remove.
        let built_in = workspace.sources.file(span.file).name.starts_with("std:");
        if !built_in && !used.contains(&span) && warned.insert(span) {
            unused.push((span, what, name));
        }
    }
    outcome.diagnostics.extend(uses::warnings(unused));
    // `allow CODE` in a file: its warnings of that code are not reported;
    // `deny CODE`: they are errors.
    let mut allowed: Vec<(FileId, Code)> = Vec::new();
    let mut denied: Vec<(FileId, Code)> = Vec::new();
    for &file in &outcome.files {
        let (codes, errors) = allow_codes(workspace.tree(file));
        allowed.extend(codes.into_iter().map(|c| (file, c)));
        denied.extend(deny_codes(workspace.tree(file)).0.into_iter().map(|c| (file, c)));
        if !errors.is_empty() {
            for unit in outcome.units.iter_mut().filter(|u| u.files.contains(&file)) {
                unit.has_errors = true;
            }
        }
        outcome.diagnostics.extend(errors);
    }
    outcome
        .diagnostics
        .retain(|d| d.severity != Severity::Warning || !d.span().is_some_and(|s| allowed.contains(&(s.file, d.code))));
    for diagnostic in outcome.diagnostics.iter_mut() {
        if diagnostic.severity == Severity::Warning
            && let Some(span) = diagnostic.span()
            && denied.contains(&(span.file, diagnostic.code))
        {
            diagnostic.severity = Severity::Error;
            for unit in outcome.units.iter_mut().filter(|u| u.files.contains(&span.file)) {
                unit.has_errors = true;
            }
        }
    }
    sort_diagnostics(workspace, &mut outcome.diagnostics);
    outcome
}

/// The shapes every file of a unit reads from GeoJSON.
fn unit_places(workspace: &mut Workspace, files: &[FileId]) -> load::Places {
    let mut places = load::Places::new();
    for &file in files {
        places.extend(workspace.places(file));
    }
    places
}

/// Sorts by file name and position, and drops exact repeats (a file shared
/// by two units is reported once).
pub fn sort_diagnostics(workspace: &Workspace, diagnostics: &mut Vec<Diagnostic>) {
    let key = |d: &Diagnostic| {
        let span = d.span();
        (
            span.map(|s| workspace.sources.file(s.file).name.clone()),
            span.map(|s| (s.start, s.end)),
            d.code,
            d.message.clone(),
        )
    };
    diagnostics.sort_by_cached_key(key);
    diagnostics.dedup();
}

/// The files of the unit rooted at `root` in depth-first order (root
/// first), with the include errors and cycles found on the way.
fn closure(workspace: &mut Workspace, root: FileId) -> (Vec<FileId>, Vec<Diagnostic>) {
    let mut order = vec![root];
    let mut seen: BTreeSet<FileId> = BTreeSet::from([root]);
    let mut diagnostics = Vec::new();
    // (file, its includes, how many of them are done)
    let mut stack = vec![(root, workspace.includes(root), 0usize)];
    while let Some((_, includes, next)) = stack.last_mut() {
        let Some(include) = includes.get(*next).cloned() else {
            stack.pop();
            continue;
        };
        *next += 1;
        match include.target {
            Err(diagnostic) => diagnostics.push(diagnostic),
            Ok(target) if stack.iter().any(|(f, _, _)| *f == target) => {
                let from = stack.iter().position(|(f, _, _)| *f == target).unwrap_or(0);
                let path: Vec<String> = stack[from..]
                    .iter()
                    .map(|(f, _, _)| format!("`{}`", workspace.sources.file(*f).name))
                    .chain(std::iter::once(format!("`{}`", workspace.sources.file(target).name)))
                    .collect();
                diagnostics.push(
                    Diagnostic::new(
                        Code::IncludeCycle,
                        include.span,
                        format!("include cycle: {}", path.join(" → ")),
                    )
                    .with_label("includes a file that includes this one")
                    .with_help("move what both files need into a third file that each includes"),
                );
            }
            Ok(target) if !seen.insert(target) => {}
            Ok(target) => {
                order.push(target);
                let includes = workspace.includes(target);
                stack.push((target, includes, 0));
            }
        }
    }
    (order, diagnostics)
}

/// One model for several units, as `verify` judges them together: every
/// file of every unit checked as one unit. Rule sets that declare the same
/// name in different files conflict, and the diagnostics say where.
pub fn combine(workspace: &Workspace, units: &[Unit]) -> (Model, Vec<Diagnostic>) {
    if let [unit] = units {
        return (unit.model.clone(), Vec::new());
    }
    let mut files: Vec<FileId> = Vec::new();
    for unit in units {
        for &file in &unit.files {
            if !files.contains(&file) {
                files.push(file);
            }
        }
    }
    let loaded: load::Places = units.iter().flat_map(|u| u.places.clone()).collect();
    let trees: Vec<_> = files.iter().map(|&f| workspace.tree(f)).collect();
    let checked = checker::check_unit(&trees, &loaded);
    let mut errors: Vec<Diagnostic> = checked.diagnostics.into_iter().filter(Diagnostic::is_error).collect();
    for error in &mut errors {
        error.help = Some(match error.help.take() {
            Some(help) => format!("{help}; rule sets that declare the same names can be verified one at a time"),
            None => "rule sets that declare the same names can be verified one at a time".to_string(),
        });
    }
    sort_diagnostics(workspace, &mut errors);
    (checked.model, errors)
}

/// The codes that say a name is not declared.
fn undeclared(code: Code) -> bool {
    matches!(
        code,
        Code::UndeclaredKind | Code::UndeclaredZone | Code::UndeclaredPhase | Code::UndeclaredPlace | Code::UnknownRule
    )
}

/// The warning codes a file allows (`allow CF0701, ...`), and an error for
/// each code that is not a warning's (CF0226), in `allow` and `deny` alike.
pub fn allow_codes(tree: &crate::syntax::ast::File) -> (Vec<Code>, Vec<Diagnostic>) {
    let (allowed, mut errors) = lint_codes(tree, false);
    errors.extend(lint_codes(tree, true).1);
    (allowed, errors)
}

/// The warning codes a file denies (`deny CF1103, ...`): errors where they
/// would be warnings.
pub fn deny_codes(tree: &crate::syntax::ast::File) -> (Vec<Code>, Vec<Diagnostic>) {
    lint_codes(tree, true)
}

fn lint_codes(tree: &crate::syntax::ast::File, deny: bool) -> (Vec<Code>, Vec<Diagnostic>) {
    let (mut codes, mut errors) = (Vec::new(), Vec::new());
    for item in &tree.items {
        let crate::syntax::ast::Item::Allow(denies, written) = &item.node else {
            continue;
        };
        if *denies != deny {
            continue;
        }
        for code in written {
            match Code::parse(&code.node) {
                Some(c) if c.severity() == Severity::Warning => codes.push(c),
                found => errors.push(
                    Diagnostic::new(
                        Code::AllowNotWarning,
                        code.span,
                        match found {
                            Some(c) => format!(
                                "`{}` is an error, not a warning: only warnings can be allowed or denied",
                                c.as_str()
                            ),
                            None => format!("there is no diagnostic code `{}`", code.node),
                        },
                    )
                    .with_label("not a warning's code")
                    .with_help("`ceasefire explain` lists the codes with their severity"),
                ),
            }
        }
    }
    (codes, errors)
}
