//! One open document checked as `ceasefire check` would, and the names it
//! mentions, each with the declaration it means.

use ceasefire::check::model::Model;
use ceasefire::check::{Workspace, check_files};
use ceasefire::diagnostic::Diagnostic;
use ceasefire::source::{FileId, Span};
use ceasefire::syntax::ast::{self, AnchorBase, Condition, Domain, Expr, Form, Item, PhaseEnd, TestStatement, Window};

/// What a name in the text refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    Kind(String),
    Zone(String),
    Phase(String),
    Rule(String),
    /// A field of a kind.
    Field {
        kind: String,
        field: String,
    },
}

/// A name in the document and what it means.
#[derive(Clone, Debug)]
pub(crate) struct Reference {
    pub span: Span,
    pub target: Target,
}

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
        let model = outcome.units.into_iter().next().map(|u| u.model).unwrap_or_default();
        let mut references = Vec::new();
        References {
            model: &model,
            out: &mut references,
        }
        .file(workspace.tree(file));
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
        const STARTERS: [&str; 7] = ["agreement", "include", "zone", "event", "phase", "rule", "test"];
        let mut chunks: Vec<&str> = Vec::new();
        let mut start = 0;
        for (offset, _) in text.match_indices('\n') {
            let next = &text[offset + 1..];
            if STARTERS
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
        let code = |text: String| format!("```cfr\n{text}\n```");
        let place = |span: Span| {
            let at = ceasefire::report::locate(&self.workspace.sources, span);
            format!("\n\ndeclared at `{}:{}`", at.file, at.start.line)
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
                Some(code(text) + &place(kind.span))
            }
            Target::Zone(name) => {
                let zone = m.zones.iter().find(|z| &z.name == name)?;
                let text = match &zone.display {
                    Some(display) => format!("zone {name} \"{}\"", ceasefire::syntax::escape(display)),
                    None => format!("zone {name}"),
                };
                Some(code(text) + &place(zone.span))
            }
            Target::Phase(name) => {
                let phase = m.phases.iter().find(|p| &p.name == name)?;
                Some(code(self.line_of(phase.span)) + &place(phase.span))
            }
            Target::Rule(id) => {
                let rule = m.rules.iter().find(|r| &r.id == id)?;
                let mut text = code(format!("rule {id}"));
                if let Some(title) = &rule.title {
                    text.push_str(&format!("\n\n**{title}**"));
                }
                if let Some(reference) = &rule.reference {
                    text.push_str(&format!("\n\nref: {reference}"));
                }
                text.push_str(&format!("\n\nseverity: {}", rule.severity.as_str()));
                let body = self.workspace.sources.slice(rule.form_span);
                text.push_str(&format!("\n\n{}", code(body.to_string())));
                Some(text + &place(rule.id_span))
            }
            Target::Field { kind, field } => {
                let k = m.kinds.iter().find(|x| &x.name == kind)?;
                let f = k.fields.iter().find(|f| &f.name == field)?;
                Some(
                    code(format!("{}: {}", f.name, f.ty.as_str()))
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

/// Walks a syntax tree, noting each name with what it refers to.
struct References<'a> {
    model: &'a Model,
    out: &'a mut Vec<Reference>,
}

impl References<'_> {
    fn add(&mut self, span: Span, target: Target) {
        self.out.push(Reference { span, target });
    }

    fn file(&mut self, file: &ast::File) {
        for item in &file.items {
            match &item.node {
                Item::Agreement(_) | Item::Include(_) => {}
                Item::Zone(z) => self.add(z.name.span, Target::Zone(z.name.node.clone())),
                Item::Event(e) => {
                    self.add(e.name.span, Target::Kind(e.name.node.clone()));
                    for f in &e.fields {
                        self.field(&e.name.node, &f.name);
                    }
                }
                Item::Phase(p) => {
                    self.add(p.name.span, Target::Phase(p.name.node.clone()));
                    self.anchor(&p.start.node);
                    if let PhaseEnd::Until(a) = &p.end {
                        self.anchor(&a.node);
                    }
                }
                Item::Rule(r) => {
                    self.add(r.id.span, Target::Rule(r.id.node.clone()));
                    for header in &r.body.node.for_each {
                        match &header.node.domain {
                            Domain::Zones(Some(list)) => {
                                for z in list {
                                    self.add(z.span, Target::Zone(z.node.clone()));
                                }
                            }
                            Domain::Values(kind, field) => {
                                self.add(kind.span, Target::Kind(kind.node.clone()));
                                self.field(&kind.node, field);
                            }
                            _ => {}
                        }
                    }
                    self.form(&r.body.node.form.node);
                }
                Item::Test(t) => self.test(t),
            }
        }
    }

    fn field(&mut self, kind: &str, field: &ast::Name) {
        self.add(
            field.span,
            Target::Field {
                kind: kind.to_string(),
                field: field.node.clone(),
            },
        );
    }

    /// A name used as a value: a zone, if one is declared by that name.
    fn value(&mut self, value: &ceasefire::source::Node<ast::Value>) {
        if let ast::Value::Name(name) = &value.node
            && self.model.zones.iter().any(|z| &z.name == name)
        {
            self.add(value.span, Target::Zone(name.clone()));
        }
    }

    fn pattern(&mut self, pattern: &ast::Pattern) {
        let kind = &pattern.kind.node;
        self.add(pattern.kind.span, Target::Kind(kind.clone()));
        for q in &pattern.qualifiers {
            self.field(kind, &q.node.field);
            self.value(&q.node.value);
        }
        if let Some(c) = &pattern.condition {
            self.condition(kind, &c.node);
        }
    }

    fn condition(&mut self, kind: &str, condition: &Condition) {
        match condition {
            Condition::Compare(field, _, value) => {
                self.field(kind, field);
                self.value(value);
            }
            Condition::In(field, values) => {
                self.field(kind, field);
                for v in values {
                    self.value(v);
                }
            }
            Condition::And(parts) | Condition::Or(parts) => {
                for p in parts {
                    self.condition(kind, &p.node);
                }
            }
            Condition::Not(inner) => self.condition(kind, &inner.node),
        }
    }

    fn anchor(&mut self, anchor: &ast::Anchor) {
        match &anchor.base.node {
            AnchorBase::Time(_) => {}
            AnchorBase::Event(_, p) => self.pattern(&p.node),
            AnchorBase::PhaseStart(p) | AnchorBase::PhaseEnd(p) => self.add(p.span, Target::Phase(p.node.clone())),
        }
    }

    fn window(&mut self, window: &Window) {
        match window {
            Window::During(p) => self.add(p.span, Target::Phase(p.node.clone())),
            Window::Between(a, b) => {
                self.anchor(&a.node);
                self.anchor(&b.node);
            }
            Window::After(a) | Window::Before(a) | Window::WithinAfter(_, a) => self.anchor(&a.node),
        }
    }

    fn expr(&mut self, expr: &Expr) {
        match expr {
            Expr::Count(p) => self.pattern(&p.node),
            Expr::Sum(field, p) => {
                self.field(&p.node.kind.node, field);
                self.pattern(&p.node);
            }
            Expr::Integer(_) | Expr::Number(_) => {}
            Expr::Binary(_, a, b) => {
                self.expr(&a.node);
                self.expr(&b.node);
            }
        }
    }

    fn form(&mut self, form: &Form) {
        match form {
            Form::Precedes { first, then, .. } => {
                self.pattern(&first.node);
                self.pattern(&then.node);
            }
            Form::Every { trigger, target, .. } => {
                self.pattern(&trigger.node);
                self.pattern(&target.node);
            }
            Form::OccursBy { pattern, deadline } => {
                self.pattern(&pattern.node);
                self.anchor(&deadline.node);
            }
            Form::OccursWithin { pattern, after, .. } => {
                self.pattern(&pattern.node);
                self.anchor(&after.node);
            }
            Form::Absence { pattern, window } => {
                self.pattern(&pattern.node);
                self.window(&window.node);
            }
            Form::Rate { pattern, window, .. } => {
                self.pattern(&pattern.node);
                if let Some(w) = window {
                    self.window(&w.node);
                }
            }
            Form::Aggregate { lhs, rhs, window, .. } => {
                self.expr(&lhs.node);
                self.expr(&rhs.node);
                if let Some(w) = window {
                    self.window(&w.node);
                }
            }
        }
    }

    fn test(&mut self, test: &ast::Test) {
        for statement in &test.statements {
            match &statement.node {
                TestStatement::AsOf(_) => {}
                TestStatement::Expect(rule, _) => self.add(rule.span, Target::Rule(rule.node.clone())),
                TestStatement::Log(lines) => {
                    for line in lines {
                        let kind = &line.node.kind;
                        self.add(kind.span, Target::Kind(kind.node.clone()));
                        for (field, value) in &line.node.fields {
                            self.field(&kind.node, field);
                            self.value(value);
                        }
                    }
                }
            }
        }
    }
}
