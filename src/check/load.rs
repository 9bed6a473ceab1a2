//! Reading rule files: finding them under folders, loading each once,
//! following `include`s, and grouping files into units.

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Node, SourceMap, Span};
use crate::syntax::{ast, parse};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// Rule files larger than this are refused rather than parsed.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Every rule file loaded in a run, each parsed once.
#[derive(Debug, Default)]
pub struct Workspace {
    /// The text of every loaded file.
    pub sources: SourceMap,
    by_path: HashMap<PathBuf, FileId>,
    files: Vec<Loaded>,
}

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
    /// Larger than [`MAX_FILE_BYTES`].
    TooLarge(u64),
    /// The system refused to read it.
    Io(String),
}

impl LoadError {
    /// The reason in words: "it is a folder".
    pub fn describe(&self) -> String {
        match self {
            LoadError::NotFound => "it does not exist".to_string(),
            LoadError::NotAFile(what) => format!("it is {what}, not a file"),
            LoadError::TooLarge(n) => format!("it is {n} bytes; rule files may have at most {MAX_FILE_BYTES}"),
            LoadError::Io(e) => e.clone(),
        }
    }

    /// The diagnostic code: CF0004 for a file too large, else CF0903.
    pub fn code(&self) -> Code {
        match self {
            LoadError::TooLarge(_) => Code::FileTooLarge,
            _ => Code::CannotRead,
        }
    }

    /// How to fix it.
    pub fn help(&self) -> &'static str {
        match self {
            LoadError::TooLarge(_) => "split the rules into several files (see `ceasefire explain CF0004`)",
            _ => "name a readable rule file",
        }
    }
}

impl Workspace {
    /// An empty workspace.
    pub fn new() -> Self {
        Self::default()
    }

    /// Loads and parses a file once; later calls with the same file return the same id.
    pub fn load(&mut self, name: &str, path: &Path) -> Result<FileId, LoadError> {
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => LoadError::NotFound,
            _ => LoadError::Io(e.to_string()),
        })?;
        if !meta.is_file() {
            return Err(LoadError::NotAFile(if meta.is_dir() {
                "a folder"
            } else {
                "a device or special file"
            }));
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(LoadError::TooLarge(meta.len()));
        }
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if let Some(&id) = self.by_path.get(&canonical) {
            return Ok(id);
        }
        let bytes = std::fs::read(path).map_err(|e| LoadError::Io(e.to_string()))?;
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
        match String::from_utf8(bytes) {
            Ok(text) => {
                let id = self.sources.add(name, path, text);
                let (tree, diagnostics) = parse(id, &self.sources.file(id).text);
                self.files.push(Loaded {
                    tree,
                    diagnostics,
                    includes: None,
                });
                id
            }
            Err(error) => {
                let at = error.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
                let id = self.sources.add(name, path, text);
                let diagnostic = Diagnostic::new(
                    Code::InvalidUtf8,
                    Span::new(id, at, at + 1),
                    format!("`{name}` is not valid UTF-8"),
                )
                .with_label("invalid byte here")
                .with_help("save the file as UTF-8");
                self.files.push(Loaded {
                    tree: ast::File::default(),
                    diagnostics: vec![diagnostic],
                    includes: None,
                });
                id
            }
        }
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
                let resolved = relative_to(&path, &target.node);
                let shown = normalize(&relative_to(Path::new(&name), &target.node));
                let target_id = self
                    .load(&shown.to_string_lossy(), &resolved)
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
/// searched recursively for `*.cfr` in name order. Paths that do not exist
/// are reported as errors of the run.
pub fn discover(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.is_dir() {
            let before = found.len();
            let walk = walkdir::WalkDir::new(path).sort_by_file_name().into_iter();
            for entry in walk {
                match entry {
                    Ok(e) if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "cfr") => {
                        found.push(e.into_path())
                    }
                    Ok(_) => {}
                    Err(e) => errors.push(
                        Diagnostic::without_span(Code::CannotRead, format!("cannot read `{}`: {e}", path.display()))
                            .with_help("check the folder's permissions"),
                    ),
                }
            }
            if found.len() == before {
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
