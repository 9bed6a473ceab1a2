//! Reading rule files: finding them under folders, loading each once,
//! following `include`s, and grouping files into units.
//!
//! Rule files come from strangers (pull requests checked in public CI), so
//! reading is careful: only regular files (links followed), never more than
//! [`MAX_FILE_BYTES`] read whatever the file claims its size is, includes
//! only of `.cfr` files (and only under `--include-root` when it is given),
//! and a file that does not look like rule source is reported without a
//! word of its text (it may be `/proc/self/environ`).

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Node, SourceMap, Span};
use crate::syntax::{ast, parse};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// The rule files built into the binary, which rule files include by a
/// reserved name (`include "std:ucdp-ged"`, LANGUAGE-v2 §11): sources for
/// public datasets.
pub const BUILT_IN: &[(&str, &str)] = &[
    ("std:ucdp-ged", include_str!("../../std/ucdp-ged.cfr")),
    ("std:acled", include_str!("../../std/acled.cfr")),
];

/// Rule files larger than this are refused rather than parsed.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Every rule file loaded in a run, each parsed once.
#[derive(Default)]
pub struct Workspace {
    /// The text of every loaded file (empty for a file that is not rule source).
    pub sources: SourceMap,
    by_path: HashMap<PathBuf, FileId>,
    files: Vec<Loaded>,
    /// Includes must resolve to files under this folder (canonical).
    include_root: Option<PathBuf>,
    /// Areas and lines read from GeoJSON, by file and sort, each read once.
    shapes: HashMap<(PathBuf, crate::places::Sort), Result<std::sync::Arc<crate::places::Shape>, String>>,
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workspace")
            .field("sources", &self.sources)
            .field("files", &self.files.len())
            .field("shapes", &self.shapes.len())
            .finish()
    }
}

/// The places a unit's files declare from GeoJSON files: by the span of the
/// path string, the shape or the diagnostic that says why there is none.
pub(crate) type Places = HashMap<Span, Result<std::sync::Arc<crate::places::Shape>, Diagnostic>>;

#[derive(Debug)]
struct Loaded {
    tree: ast::File,
    /// Problems reading or parsing the file.
    diagnostics: Vec<Diagnostic>,
    /// Includes, resolved on first use.
    includes: Option<Vec<Include>>,
}

/// An `include` of one file, resolved.
#[derive(Clone, Debug)]
pub(crate) struct Include {
    /// The path string as written.
    pub span: Span,
    /// The file it loads, or why it cannot.
    pub target: Result<FileId, Diagnostic>,
}

/// Why a file could not be loaded at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    /// Nothing is at that path.
    NotFound,
    /// It is a folder, device or other non-file.
    NotAFile(&'static str),
    /// Larger than [`MAX_FILE_BYTES`] (its size, when the system says it).
    TooLarge(Option<u64>),
    /// An include of a file whose name does not end in `.cfr`.
    NotRuleFileName,
    /// An include that resolves outside `--include-root`.
    OutsideRoot(PathBuf),
    /// The system refused to read it.
    Io(String),
}

impl LoadError {
    /// The reason in words: "it is a folder".
    pub fn describe(&self) -> String {
        match self {
            LoadError::NotFound => "it does not exist".to_string(),
            LoadError::NotAFile(what) => format!("it is {what}, not a file"),
            LoadError::TooLarge(Some(n)) => format!("it is {n} bytes; rule files may have at most {MAX_FILE_BYTES}"),
            LoadError::TooLarge(None) => {
                format!("it holds more than {MAX_FILE_BYTES} bytes, the most a rule file may have")
            }
            LoadError::NotRuleFileName => "only `.cfr` rule files can be included".to_string(),
            LoadError::OutsideRoot(root) => format!("it is outside the include root `{}`", root.display()),
            LoadError::Io(e) => e.clone(),
        }
    }

    /// The diagnostic code: CF0004 for a file too large, else CF0903.
    pub fn code(&self) -> Code {
        match self {
            LoadError::TooLarge(_) => Code::FileTooLarge,
            LoadError::NotRuleFileName => Code::IncludeNotRuleFile,
            LoadError::OutsideRoot(_) => Code::IncludeOutsideRoot,
            _ => Code::CannotRead,
        }
    }

    /// How to fix it.
    pub fn help(&self) -> &'static str {
        match self {
            LoadError::TooLarge(_) => "split the rules into several files (see `ceasefire explain CF0004`)",
            LoadError::NotRuleFileName => "rename the included file to end in `.cfr`",
            LoadError::OutsideRoot(_) => {
                "include files under the include root, or give `--include-root` a folder that holds them"
            }
            _ => "name a readable rule file",
        }
    }
}

impl Workspace {
    /// An empty workspace.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty workspace whose includes must resolve under `root`
    /// (`--include-root`); links are followed before the check.
    pub fn with_include_root(root: &Path) -> std::io::Result<Self> {
        Ok(Workspace {
            include_root: Some(std::fs::canonicalize(root)?),
            ..Workspace::default()
        })
    }

    /// Loads and parses a file once; later calls with the same file return the same id.
    pub fn load(&mut self, name: &str, path: &Path) -> Result<FileId, LoadError> {
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if let Some(&id) = self.by_path.get(&canonical) {
            return Ok(id);
        }
        let bytes = read_limited(path)?;
        let id = self.add_bytes(name, path, bytes);
        self.by_path.insert(canonical, id);
        Ok(id)
    }

    /// Adds text that does not come from a file on disk (standard input, an editor buffer).
    pub fn load_text(&mut self, name: &str, text: &str) -> FileId {
        self.add_bytes(name, Path::new(name), text.as_bytes().to_vec())
    }

    /// Adds bytes that do not come from a file on disk; bytes that are not
    /// UTF-8 give the file a CF0003 diagnostic, as a file on disk would.
    pub fn load_bytes(&mut self, name: &str, bytes: Vec<u8>) -> FileId {
        self.add_bytes(name, Path::new(name), bytes)
    }

    fn add_bytes(&mut self, name: &str, path: &Path, bytes: Vec<u8>) -> FileId {
        let id = self.sources.next_id();
        let (text, invalid_at) = match String::from_utf8(bytes) {
            Ok(text) => (text, None),
            Err(error) => {
                let at = error.utf8_error().valid_up_to();
                (String::from_utf8_lossy(error.as_bytes()).into_owned(), Some(at))
            }
        };
        let (tree, diagnostics) = match invalid_at {
            None => parse(id, &text),
            Some(at) => {
                let diagnostic = Diagnostic::new(
                    Code::InvalidUtf8,
                    Span::new(id, at, at + 1),
                    format!("`{name}` is not valid UTF-8"),
                )
                .with_label("invalid byte here")
                .with_help("save the file as UTF-8");
                (ast::File::default(), vec![diagnostic])
            }
        };
        // A file that fails and does not look like rule source may be
        // anything (`/proc/self/environ`, a key): say so without its text.
        let refused = diagnostics.iter().any(Diagnostic::is_error) && !looks_like_rule_source(&text);
        let (text, tree, diagnostics) = if refused {
            let (code, what) = match invalid_at {
                Some(at) => {
                    let (line, column) = line_col(&text, at);
                    (
                        Code::InvalidUtf8,
                        format!("is not valid UTF-8 (line {line}, column {column}) and does not look like a rule file"),
                    )
                }
                None => (
                    Code::NotRuleText,
                    "does not look like a rule file (it does not start with a declaration)".to_string(),
                ),
            };
            let diagnostic = Diagnostic::new(code, Span::new(id, 0, 0), format!("`{name}` {what}; its text is not shown"))
                .with_label("not shown")
                .with_help("check rule files only, saved as UTF-8; `ceasefire explain CF0011` says why nothing of the file is quoted");
            (String::new(), ast::File::default(), vec![diagnostic])
        } else {
            (text, tree, diagnostics)
        };
        let added = self.sources.add(name, path, text);
        debug_assert_eq!(added, id);
        self.files.push(Loaded {
            tree,
            diagnostics,
            includes: None,
        });
        id
    }

    /// The syntax tree of a loaded file (empty if it did not parse).
    pub fn tree(&self, id: FileId) -> &ast::File {
        &self.files[id.0 as usize].tree
    }

    /// The problems found reading and parsing a file.
    pub fn file_diagnostics(&self, id: FileId) -> &[Diagnostic] {
        &self.files[id.0 as usize].diagnostics
    }

    /// The file's includes, loading each included file.
    pub(crate) fn includes(&mut self, id: FileId) -> Vec<Include> {
        if let Some(done) = &self.files[id.0 as usize].includes {
            return done.clone();
        }
        let written: Vec<Node<String>> = self
            .tree(id)
            .items
            .iter()
            .filter_map(|item| match &item.node {
                ast::Item::Include(path) => Some(path.clone()),
                _ => None,
            })
            .collect();
        let (name, path) = {
            let file = self.sources.file(id);
            (file.name.clone(), file.path.clone())
        };
        let includes: Vec<Include> = written
            .into_iter()
            .map(|target| {
                if target.node.starts_with("std:") {
                    return Include {
                        span: target.span,
                        target: self.built_in(&target),
                    };
                }
                let resolved = relative_to(&path, &target.node);
                let shown = normalize(&relative_to(Path::new(&name), &target.node));
                let target_id = self
                    .allowed(&target.node, &resolved)
                    .and_then(|()| self.load(&shown.to_string_lossy(), &resolved))
                    .map_err(|e| include_error(target.span, &target.node, &e));
                Include {
                    span: target.span,
                    target: target_id,
                }
            })
            .collect();
        self.files[id.0 as usize].includes = Some(includes.clone());
        includes
    }
}

impl Workspace {
    /// The shapes that a file's `area`, `line` and `zone … area`
    /// declarations read (LANGUAGE-v2 §12), under the include policy: the
    /// path is relative to the rule file, must end in `.geojson` or `.json`,
    /// must lie under `--include-root` when one is given, and is read up to
    /// the size limit; nothing of a file's text is quoted in a diagnostic.
    pub(crate) fn places(&mut self, id: FileId) -> Places {
        use crate::places::Sort;
        let mut wanted: Vec<(Node<String>, Sort)> = Vec::new();
        for item in &self.tree(id).items {
            match &item.node {
                ast::Item::Area(place) => wanted.push((place.path.clone(), Sort::Area)),
                ast::Item::Line(place) => wanted.push((place.path.clone(), Sort::Line)),
                ast::Item::Zone(zone) => wanted.extend(zone.area.clone().map(|a| (a, Sort::Area))),
                _ => {}
            }
        }
        let base = self.sources.file(id).path.clone();
        let mut out = Places::new();
        for (written, sort) in wanted {
            let resolved = relative_to(&base, &written.node);
            let result = self.shape(&written.node, &resolved, sort).map_err(|(code, why, help)| {
                Diagnostic::new(
                    code,
                    written.span,
                    format!(
                        "cannot use `{}` as {}: {why}",
                        written.node,
                        match sort {
                            Sort::Area => "an area",
                            Sort::Line => "a line",
                        }
                    ),
                )
                .with_label(if code == Code::InvalidGeometry {
                    "no usable geometry"
                } else {
                    "not read"
                })
                .with_help(help)
            });
            out.insert(written.span, result);
        }
        out
    }

    /// A shape read once per file and sort, or why not: a code, the reason
    /// and the fix.
    #[allow(clippy::type_complexity)]
    fn shape(
        &mut self,
        written: &str,
        resolved: &Path,
        sort: crate::places::Sort,
    ) -> Result<std::sync::Arc<crate::places::Shape>, (Code, String, String)> {
        let geojson = Path::new(written)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("geojson") || e.eq_ignore_ascii_case("json"));
        if !geojson {
            return Err((
                Code::PlaceFileUnreadable,
                "only `.geojson` and `.json` files are read as places".to_string(),
                "name the GeoJSON file, relative to the rule file, as in `from \"areas/litani_south.geojson\"`"
                    .to_string(),
            ));
        }
        if let Some(root) = &self.include_root
            && let Ok(real) = std::fs::canonicalize(resolved)
            && !real.starts_with(root)
        {
            return Err((
                Code::PlaceFileUnreadable,
                format!("it is outside the include root `{}`", root.display()),
                "keep GeoJSON files under the include root".to_string(),
            ));
        }
        let key = (
            std::fs::canonicalize(resolved).unwrap_or_else(|_| resolved.to_path_buf()),
            sort,
        );
        if let Some(done) = self.shapes.get(&key) {
            return done
                .clone()
                .map_err(|why| (Code::InvalidGeometry, why, geometry_help(sort)));
        }
        let bytes = read_limited(resolved).map_err(|e| {
            let help = match &e {
                LoadError::NotFound => "paths are relative to the folder of the rule file".to_string(),
                other => other.help().to_string(),
            };
            (Code::PlaceFileUnreadable, e.describe(), help)
        })?;
        let shape = match String::from_utf8(bytes) {
            Ok(text) => crate::places::Shape::from_geojson(&text, sort)
                .map(std::sync::Arc::new)
                .map_err(|e| e.to_string()),
            Err(_) => Err("it is not UTF-8 text".to_string()),
        };
        self.shapes.insert(key, shape.clone());
        shape.map_err(|why| (Code::InvalidGeometry, why, geometry_help(sort)))
    }

    /// A built-in rule file, loaded once, or the error for a name that is none.
    fn built_in(&mut self, target: &Node<String>) -> Result<FileId, Diagnostic> {
        let key = PathBuf::from(&target.node);
        if let Some(&id) = self.by_path.get(&key) {
            return Ok(id);
        }
        let Some((name, text)) = BUILT_IN.iter().find(|(name, _)| *name == target.node) else {
            let names = BUILT_IN.iter().map(|(name, _)| *name);
            let help = match super::suggest::did_you_mean(&target.node, names.clone()) {
                Some(meant) => format!("did you mean `{meant}`?"),
                None => format!(
                    "the built-in rule files are {}",
                    names.map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                ),
            };
            return Err(Diagnostic::new(
                Code::IncludeNotFound,
                target.span,
                format!("there is no built-in rule file `{}`", target.node),
            )
            .with_label("no such built-in file")
            .with_help(help));
        };
        let id = self.add_bytes(name, Path::new(name), text.as_bytes().to_vec());
        self.by_path.insert(key, id);
        Ok(id)
    }

    /// Whether an include may read `resolved`: a `.cfr` file, under the
    /// include root when there is one (links followed before the check).
    fn allowed(&self, written: &str, resolved: &Path) -> Result<(), LoadError> {
        let is_cfr = Path::new(written)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("cfr"));
        if !is_cfr {
            return Err(LoadError::NotRuleFileName);
        }
        if let Some(root) = &self.include_root {
            // A file that does not exist is reported as such by `load`.
            if let Ok(real) = std::fs::canonicalize(resolved)
                && !real.starts_with(root)
            {
                return Err(LoadError::OutsideRoot(root.clone()));
            }
        }
        Ok(())
    }
}

/// How to make a GeoJSON file a usable area or line.
fn geometry_help(sort: crate::places::Sort) -> String {
    match sort {
        crate::places::Sort::Area => "an area reads the Polygons and MultiPolygons of a GeoJSON geometry, Feature or FeatureCollection, rings closed, longitude then latitude in degrees".to_string(),
        crate::places::Sort::Line => "a line reads the LineStrings and MultiLineStrings of a GeoJSON geometry, Feature or FeatureCollection, longitude then latitude in degrees".to_string(),
    }
}

/// The bytes of a regular file (links followed), read up to the limit
/// whatever the file claims its size is (files in `/proc` claim 0).
fn read_limited(path: &Path) -> Result<Vec<u8>, LoadError> {
    use std::io::Read;
    let io = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => LoadError::NotFound,
        _ => LoadError::Io(e.to_string()),
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(LoadError::NotAFile(if meta.is_dir() {
            "a folder"
        } else {
            "a device or special file"
        }));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge(Some(meta.len())));
    }
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge(None));
    }
    Ok(bytes)
}

/// Whether text that failed to parse still looks like a rule file, so that
/// its lines may be quoted in diagnostics (made safe for a terminal): no NUL
/// byte (binary data, `/proc/self/environ`), and the first line that is not
/// blank or a comment starts with a declaration keyword.
fn looks_like_rule_source(text: &str) -> bool {
    if text.contains('\0') {
        return false;
    }
    let first = text
        .lines()
        .map(|l| l.trim_start_matches('\u{feff}').trim())
        .find(|l| !l.is_empty() && !l.starts_with('#'));
    first.is_none_or(|line| {
        crate::syntax::DECLARATION_WORDS.iter().any(|word| {
            line.strip_prefix(word)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '{', '"']))
        })
    })
}

/// The 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..at.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    (line, column)
}

/// `target` read relative to the folder holding `file`.
fn relative_to(file: &Path, target: &str) -> PathBuf {
    let target = Path::new(target);
    if target.is_absolute() {
        return target.to_path_buf();
    }
    file.parent()
        .map_or_else(|| target.to_path_buf(), |dir| dir.join(target))
}

/// Drops `.` and folds `dir/..` without touching the file system, for display.
fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component> = Vec::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out.iter().collect()
}

fn include_error(span: Span, written: &str, error: &LoadError) -> Diagnostic {
    match error {
        LoadError::NotFound => Diagnostic::new(
            Code::IncludeNotFound,
            span,
            format!("included file `{written}` not found"),
        )
        .with_label("no such file")
        .with_help("include paths are relative to the folder of the file that includes them"),
        LoadError::TooLarge(_) => Diagnostic::new(
            Code::FileTooLarge,
            span,
            format!("cannot include `{written}`: {}", error.describe()),
        )
        .with_label("too large")
        .with_help(error.help()),
        LoadError::NotRuleFileName | LoadError::OutsideRoot(_) => Diagnostic::new(
            error.code(),
            span,
            format!("cannot include `{written}`: {}", error.describe()),
        )
        .with_label("not included")
        .with_help(error.help()),
        other => Diagnostic::new(
            Code::IncludeUnreadable,
            span,
            format!("cannot include `{written}`: {}", other.describe()),
        )
        .with_label("cannot be read")
        .with_help("include a `.cfr` rule file"),
    }
}

/// Finds the rule files named by the command line: files as given, folders
/// searched recursively for `*.cfr` in name order, links followed (a link
/// loop, or a `.cfr` link to nothing, is an error). Paths that do not exist
/// are reported as errors of the run.
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let is_cfr = |p: &Path| p.extension().is_some_and(|x| x == "cfr");
    for path in paths {
        if path.is_dir() {
            let (before, errors_before) = (found.len(), errors.len());
            let walk = walkdir::WalkDir::new(path)
                .follow_links(true)
                .sort_by_file_name()
                .into_iter();
            for entry in walk {
                match entry {
                    Ok(e) if e.file_type().is_file() && is_cfr(e.path()) => found.push(e.into_path()),
                    Ok(_) => {}
                    Err(e) => {
                        let place = e
                            .path()
                            .map_or_else(|| path.display().to_string(), |p| p.display().to_string());
                        let error = if let Some(ancestor) = e.loop_ancestor() {
                            Diagnostic::without_span(
                                Code::CannotRead,
                                format!(
                                    "`{place}` is a link back to `{}`, a folder that holds it",
                                    ancestor.display()
                                ),
                            )
                            .with_help("remove the link: folders are searched once")
                        } else if e.path().is_some_and(|p| p.is_symlink() && !p.exists()) {
                            if !e.path().is_some_and(is_cfr) {
                                continue;
                            }
                            Diagnostic::without_span(Code::CannotRead, format!("`{place}` is a link to nothing"))
                                .with_help("fix or remove the link; a rule file it stood for is missing")
                        } else {
                            Diagnostic::without_span(Code::CannotRead, format!("cannot read `{place}`: {e}"))
                                .with_help("check the folder's permissions")
                        };
                        errors.push(error);
                    }
                }
            }
            if found.len() == before && errors.len() == errors_before {
                errors.push(
                    Diagnostic::without_span(Code::NoRuleFiles, format!("no `.cfr` files under `{}`", path.display()))
                        .with_help("rule files end in `.cfr`; name a file or a folder that holds some"),
                );
            }
        } else if path.exists() {
            found.push(path.clone());
        } else {
            errors.push(
                Diagnostic::without_span(Code::PathNotFound, format!("`{}` does not exist", path.display()))
                    .with_help("name a rule file or a folder of rule files"),
            );
        }
    }
    (found, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_folds_parent_folders() {
        assert_eq!(
            normalize(Path::new("rules/gaza/../schema.cfr")),
            Path::new("rules/schema.cfr")
        );
        assert_eq!(normalize(Path::new("./a/./b.cfr")), Path::new("a/b.cfr"));
        assert_eq!(normalize(Path::new("../x.cfr")), Path::new("../x.cfr"));
    }
}
