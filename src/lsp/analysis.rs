//! One open document checked as `ceasefire check` would, and the names it
//! mentions, each with the declaration it means.

use ceasefire::check::model::Model;
use ceasefire::check::{Reference, Target, Workspace, check_files};
use ceasefire::diagnostic::Diagnostic;
use ceasefire::report::markup::{Markdown, Markup};
use ceasefire::source::{FileId, Span};

/// A document checked: its diagnostics, its rule set, its references.
pub(crate) struct Analysis {
    pub workspace: Workspace,
    pub file: FileId,
    /// Diagnostics in this document.
    pub diagnostics: Vec<Diagnostic>,
    /// The rule set of the document with its includes (partial when it has errors).
    pub model: Model,
    /// Whether the document parsed (its names and model can be trusted).
    pub parsed: bool,
    pub references: Vec<Reference>,
}

impl Analysis {
    /// Checks `text` as the file `name` (includes are read from disk relative to it).
    pub fn new(name: &str, text: &str) -> Self {
        let mut workspace = Workspace::new();
        let file = workspace.load_text(name, text);
        let outcome = check_files(&mut workspace, &[file]);
        let diagnostics: Vec<Diagnostic> = outcome
            .diagnostics
            .into_iter()
            .filter(|d| d.span().is_none_or(|s| s.file == file))
            .collect();
        let parsed = !workspace.file_diagnostics(file).iter().any(|d| d.is_error());
        let (model, mut references) = outcome
            .units
            .into_iter()
            .next()
            .map(|u| (u.model, u.references))
            .unwrap_or_default();
        // The checker resolved every name of the unit; this document's are wanted.
        references.retain(|r| r.span.file == file);
        Analysis {
            workspace,
            file,
            diagnostics,
            model,
            parsed,
            references,
        }
    }

    /// The rule set of a half-written document: the top-level items that
    /// parse on their own (items start at lines that begin with a
    /// declaration keyword), checked together.
    pub fn salvage(name: &str, text: &str) -> Model {
        let mut chunks: Vec<&str> = Vec::new();
        let mut start = 0;
        for (offset, _) in text.match_indices('\n') {
            let next = &text[offset + 1..];
            if ceasefire::syntax::DECLARATION_WORDS
                .iter()
                .any(|k| next.starts_with(k) && next[k.len()..].starts_with([' ', '\t', '{', '"']))
            {
                chunks.push(&text[start..offset + 1]);
                start = offset + 1;
            }
        }
        chunks.push(&text[start..]);
        let kept: String = chunks
            .into_iter()
            .filter(|chunk| {
                !ceasefire::syntax::parse(FileId(0), chunk)
                    .1
                    .iter()
                    .any(|d| d.is_error())
            })
            .collect();
        Analysis::new(name, &kept).model
    }

    /// The reference at a byte offset of the document.
    pub fn reference_at(&self, offset: usize) -> Option<&Reference> {
        self.references
            .iter()
            .filter(|r| r.span.start as usize <= offset && offset <= r.span.end as usize)
            .min_by_key(|r| r.span.len())
    }

    /// Where a target is declared.
    pub fn declaration(&self, target: &Target) -> Option<Span> {
        let m = &self.model;
        match target {
            Target::Kind(k) => m.kinds.iter().find(|x| &x.name == k).map(|x| x.span),
            Target::Zone(z) => m.zones.iter().find(|x| &x.name == z).map(|x| x.span),
            Target::Phase(p) => m.phases.iter().find(|x| &x.name == p).map(|x| x.span),
            Target::Rule(r) => m.rules.iter().find(|x| &x.id == r).map(|x| x.id_span),
            Target::Source(s) => m.sources.iter().find(|x| &x.name == s).map(|x| x.span),
            Target::Place(p) => m.places.iter().find(|x| &x.name == p).map(|x| x.span),
            Target::Field { kind, field } => m
                .kinds
                .iter()
                .find(|x| &x.name == kind)
                .and_then(|k| k.fields.iter().find(|f| &f.name == field))
                .map(|f| f.span),
        }
    }

    /// The declaration of a target as markdown, for a hover.
    pub fn describe(&self, target: &Target) -> Option<String> {
        let m = &self.model;
        // Hovers are Markdown: everything from the rule file goes in
        // escaped, or as a code block that nothing in it can close.
        let code = |text: &str| {
            let mut out = Markup::<Markdown>::new();
            out.code_block("cfr", text);
            out.into_string()
        };
        let place = |span: Span| {
            let at = ceasefire::report::locate(&self.workspace.sources, span);
            let mut out = Markup::<Markdown>::new();
            out.raw("\n\ndeclared at ")
                .code(&format!("{}:{}", at.file, at.start.line), false);
            out.into_string()
        };
        match target {
            Target::Kind(name) => {
                let kind = m.kinds.iter().find(|k| &k.name == name)?;
                let fields: Vec<String> = kind
                    .fields
                    .iter()
                    .map(|f| format!("{}: {}", f.name, f.ty.as_str()))
                    .collect();
                let text = if fields.is_empty() {
                    format!("event {name}")
                } else {
                    format!("event {name} {{ {} }}", fields.join(", "))
                };
                Some(code(&text) + &place(kind.span))
            }
            Target::Zone(name) => {
                let zone = m.zones.iter().find(|z| &z.name == name)?;
                let text = match &zone.display {
                    Some(display) => format!("zone {name} \"{}\"", ceasefire::syntax::escape(display)),
                    None => format!("zone {name}"),
                };
                Some(code(&text) + &place(zone.span))
            }
            Target::Phase(name) => {
                let phase = m.phases.iter().find(|p| &p.name == name)?;
                Some(code(&self.line_of(phase.span)) + &place(phase.span))
            }
            Target::Place(name) => {
                let declared = m.places.iter().find(|p| &p.name == name)?;
                let mut text = Markup::<Markdown>::new();
                text.raw("\n\n").text(&format!(
                    "{} from {}, {} vertices",
                    declared.shape.sort.as_str(),
                    declared.path,
                    declared.shape.vertices()
                ));
                Some(code(&self.line_of(declared.span)) + &text.into_string() + &place(declared.span))
            }
            Target::Source(name) => {
                let source = m.sources.iter().find(|s| &s.name == name)?;
                let columns = source.columns();
                let mut text = Markup::<Markdown>::new();
                text.raw("\n\nreads the columns ").text(&columns.join(", "));
                Some(code(&self.line_of(source.span)) + &text.into_string() + &place(source.span))
            }
            Target::Rule(id) => {
                let rule = m.rules.iter().find(|r| &r.id == id)?;
                let mut text = Markup::<Markdown>::new();
                text.markup(&{
                    let mut head = Markup::<Markdown>::new();
                    head.code_block("cfr", &format!("rule {id}"));
                    head
                });
                if let Some(title) = &rule.title {
                    text.raw("\n**").text(title).raw("**\n");
                }
                if let Some(reference) = &rule.reference {
                    text.raw("\nref: ").text(reference).raw("\n");
                }
                text.raw("\nseverity: ").text(rule.severity.as_str()).raw("\n\n");
                text.code_block("cfr", self.workspace.sources.slice(rule.form_span));
                Some(text.into_string() + &place(rule.id_span))
            }
            Target::Field { kind, field } => {
                let k = m.kinds.iter().find(|x| &x.name == kind)?;
                let f = k.fields.iter().find(|f| &f.name == field)?;
                Some(
                    code(&format!("{}: {}", f.name, f.ty.as_str()))
                        + &format!("\n\na field of `{kind}`")
                        + &place(f.span),
                )
            }
        }
    }

    /// The whole source line holding a span, trimmed.
    fn line_of(&self, span: Span) -> String {
        let text = &self.workspace.sources.file(span.file).text;
        let start = text[..span.start as usize].rfind('\n').map_or(0, |i| i + 1);
        let end = text[span.start as usize..]
            .find('\n')
            .map_or(text.len(), |i| span.start as usize + i);
        text[start..end].trim().to_string()
    }
}
