//! Rules: attributes, `for each` headers, forms and aggregate expressions.

use super::checker::{Checker, FileStandard};
use super::model::{Domain, ForEach, Rule, RuleSeverity, Type, Value, Var, VarId};
use super::suggest::help_for;
use super::value::describe_type;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{Node, Span};
use crate::syntax::ast::{self, Attribute};

/// A `for each` range may hold at most this many values.
pub const MAX_RANGE: i128 = 100_000;
/// A rule may have at most this many instances (before `of KIND.FIELD` headers).
pub const MAX_INSTANCES: i128 = 1_000_000;

impl Checker<'_> {
    /// Checks a rule; `None` if it has errors.
    pub fn rule(&mut self, rule: &ast::Rule, span: Span, file_standard: &FileStandard) -> Option<Rule> {
        let errors_before = self.error_count();
        let (title, reference, severity) = self.attributes(rule);
        // The rule's own standard, else its file's (LANGUAGE-v2 §9.2).
        let own = rule.attributes.iter().find_map(|a| match &a.node {
            Attribute::Evidence(c) => Some(c),
            _ => None,
        });
        let evidence = match (own, file_standard) {
            (Some(condition), _) => self.standard(condition).map(Some),
            (None, Some(Ok(standard))) => Some(Some(standard.clone())),
            (None, None) => Some(None),
            (None, Some(Err(()))) => None,
        };
        self.vars.clear();
        self.var_uses.clear();
        self.var_poisoned.clear();
        let mut ok = true;
        let mut for_each = Vec::new();
        let mut instances: i128 = 1;
        for header in &rule.body.for_each {
            match self.for_each(header, &mut instances) {
                Some(f) => for_each.push(f),
                None => ok = false,
            }
        }
        let form = self.form(&rule.body.form);
        self.day_numbers(rule, [title.as_deref(), reference.as_deref()]);
        // A pattern with an error stops before its values, so uses of a
        // variable in it may not have been counted.
        if self.error_count() == errors_before {
            self.report_unused_vars();
        }
        let vars = std::mem::take(&mut self.vars);
        Some(Rule {
            id: rule.id.node.clone(),
            title,
            reference,
            severity: severity?,
            span,
            id_span: rule.id.span,
            form_span: rule.body.form.span,
            vars,
            for_each,
            form: form.filter(|_| ok)?,
            evidence: evidence?,
        })
    }

    /// `title`, `ref` and `severity`, each at most once.
    fn attributes(&mut self, rule: &ast::Rule) -> (Option<String>, Option<String>, Option<RuleSeverity>) {
        let (mut title, mut reference, mut severity) = (None, None, Some(RuleSeverity::Major));
        let mut seen: Vec<(&str, Span)> = Vec::new();
        for attribute in &rule.attributes {
            let word = match &attribute.node {
                Attribute::Title(_) => "title",
                Attribute::Ref(_) => "ref",
                Attribute::Severity(_) => "severity",
                Attribute::Evidence(_) => "evidence",
            };
            if let Some((_, first)) = seen.iter().find(|(w, _)| *w == word) {
                self.error(
                    Diagnostic::new(
                        Code::DuplicateAttribute,
                        attribute.span,
                        format!("rule `{}` has two `{word}` lines", rule.id.node),
                    )
                    .with_label("second")
                    .with_secondary(*first, "first here")
                    .with_help(format!("keep one `{word}`")),
                );
                continue;
            }
            seen.push((word, attribute.span));
            match &attribute.node {
                Attribute::Title(t) => title = Some(t.clone()),
                Attribute::Ref(r) => reference = Some(r.clone()),
                Attribute::Severity(s) => severity = self.severity(s),
                Attribute::Evidence(_) => {}
            }
        }
        (title, reference, severity)
    }

    fn severity(&mut self, word: &ast::Name) -> Option<RuleSeverity> {
        if let Some(s) = RuleSeverity::ALL.into_iter().find(|s| s.as_str() == word.node) {
            return Some(s);
        }
        let help = help_for(&word.node, RuleSeverity::ALL.iter().map(|s| s.as_str()))
            .unwrap_or_else(|| "the severities are `critical`, `major`, `minor` and `info`".to_string());
        self.error(
            Diagnostic::new(
                Code::UnknownSeverity,
                word.span,
                format!("unknown severity `{}`", word.node),
            )
            .with_label("not a severity")
            .with_help(help),
        );
        None
    }

    /// Binds a `for each` variable (even when its values have errors, so that
    /// the body is still checked) and returns the header if it is sound.
    fn for_each(&mut self, header: &Node<ast::ForEach>, instances: &mut i128) -> Option<ForEach> {
        let var = &header.var;
        let (domain, ty, count) = match &header.domain {
            ast::Domain::Zones(None) => {
                self.uses.all_zones = true;
                let zones: Vec<_> = (0..self.model.zones.len())
                    .map(|i| super::model::ZoneId(i as u32))
                    .collect();
                let n = zones.len() as i128;
                (Some(Domain::Zones(zones)), Some(Type::Zone), n)
            }
            ast::Domain::Zones(Some(list)) => {
                let zones: Vec<_> = list.iter().map(|z| self.lookup_zone(z)).collect();
                if list.is_empty() {
                    self.error(
                        Diagnostic::new(Code::EmptyRange, header.span, "the list of zones is empty")
                            .with_label("no zones")
                            .with_help("list at least one zone, or write `for each zone z:` for all zones"),
                    );
                }
                let n = zones.len() as i128;
                let zones: Option<Vec<_>> = zones.into_iter().collect();
                (zones.filter(|z| !z.is_empty()).map(Domain::Zones), Some(Type::Zone), n)
            }
            ast::Domain::Range(a, b) => self.range(a, b),
            ast::Domain::List(values) => self.list(&var.node, header.span, values),
            ast::Domain::Values(kind, field) => {
                let found = self
                    .lookup_kind(kind)
                    .and_then(|k| Some((k, self.lookup_field(k, field)?)));
                match found {
                    Some((k, (f, ty))) => (Some(Domain::Values(k, f)), Some(ty), 1),
                    None => (None, None, 1),
                }
            }
        };
        let conflict = self.bind(var, ty);
        *instances = instances.saturating_mul(count.max(1));
        if *instances > MAX_INSTANCES && domain.is_some() {
            self.error(
                Diagnostic::new(
                    Code::TooManyInstances,
                    header.span,
                    format!(
                        "this rule would have {} instances; the limit is {MAX_INSTANCES}",
                        *instances
                    ),
                )
                .with_label("too many values")
                .with_help("narrow the range or the list of zones"),
            );
            return None;
        }
        let index = VarId((self.vars.len() - 1) as u32);
        domain
            .filter(|_| !conflict)
            .map(|domain| ForEach { var: index, domain })
    }

    /// `[V, ...]`: the domain, the type the values share (whole numbers
    /// with decimals are numbers; names are zones), and the number of values.
    fn list(&mut self, var: &str, span: Span, values: &[Node<ast::Value>]) -> (Option<Domain>, Option<Type>, i128) {
        let Some(first) = values.first() else {
            self.error(
                Diagnostic::new(Code::EmptyRange, span, "the list of values is empty")
                    .with_label("no values")
                    .with_help("list at least one value, as in `for each s in [\"Ukraine\", \"DPR\"]:`"),
            );
            return (None, None, 1);
        };
        let natural = |v: &ast::Value| match v {
            ast::Value::Int(_) => Type::Int,
            ast::Value::Number(_) => Type::Number,
            ast::Value::Text(_) => Type::Text,
            ast::Value::Bool(_) => Type::Bool,
            ast::Value::Time(_) => Type::Time,
            ast::Value::Name(_) => Type::Zone,
        };
        let mut ty = natural(&first.node);
        for value in &values[1..] {
            let own = natural(&value.node);
            ty = match (ty, own) {
                (a, b) if a == b => a,
                (Type::Int, Type::Number) | (Type::Number, Type::Int) => Type::Number,
                _ => {
                    self.error(
                        Diagnostic::new(
                            Code::TypeMismatch,
                            value.span,
                            format!(
                                "the list of `{var}` mixes {} and {}",
                                describe_type(ty),
                                describe_type(own)
                            ),
                        )
                        .with_label(format!("{} value", own.as_str()))
                        .with_secondary(first.span, format!("the list starts with {}", describe_type(ty)))
                        .with_help("list values of one type: a variable holds one type of value"),
                    );
                    return (None, Some(ty), values.len() as i128);
                }
            };
        }
        let mut typed: Vec<(Value, Span)> = Vec::with_capacity(values.len());
        let mut sound = true;
        for value in values {
            let Some(v) = self.constant(var, ty, value, false) else {
                sound = false;
                continue;
            };
            if let Some(&(_, earlier)) = typed.iter().find(|(t, _)| *t == v) {
                self.error(
                    Diagnostic::new(
                        Code::DuplicateListValue,
                        value.span,
                        format!("`{}` is listed twice", value.node),
                    )
                    .with_label("listed again")
                    .with_secondary(earlier, "first listed here")
                    .with_help("list each value once: each value is one instance of the rule"),
                );
                sound = false;
            }
            typed.push((v, value.span));
        }
        let n = values.len() as i128;
        let typed = typed.into_iter().map(|(v, _)| v).collect();
        (sound.then_some(Domain::List(typed)), Some(ty), n)
    }

    /// `A..B`: the domain, the type `int`, and the number of values.
    fn range(&mut self, a: &Node<i64>, b: &Node<i64>) -> (Option<Domain>, Option<Type>, i128) {
        let size = b.node as i128 - a.node as i128 + 1;
        let span = a.span.to(b.span);
        if size < 1 {
            self.error(
                Diagnostic::new(
                    Code::EmptyRange,
                    span,
                    format!("the range `{}..{}` is empty", a.node, b.node),
                )
                .with_label("ends before it starts")
                .with_help(format!("write the smaller number first: `{}..{}`", b.node, a.node)),
            );
            return (None, Some(Type::Int), 1);
        }
        if size > MAX_RANGE {
            self.error(
                Diagnostic::new(
                    Code::TooManyInstances,
                    span,
                    format!(
                        "the range `{}..{}` has {size} values; the limit is {MAX_RANGE}",
                        a.node, b.node
                    ),
                )
                .with_label("too many values")
                .with_help("a rule instance per value is judged and reported; narrow the range"),
            );
            return (None, Some(Type::Int), 1);
        }
        (Some(Domain::Range(a.node, b.node)), Some(Type::Int), size)
    }

    /// Puts a variable in scope; returns whether its name conflicts.
    fn bind(&mut self, var: &ast::Name, ty: Option<Type>) -> bool {
        let mut conflict = false;
        if let Some(outer) = self.vars.iter().find(|v| v.name == var.node) {
            let first = outer.span;
            self.error(
                Diagnostic::new(
                    Code::VariableConflict,
                    var.span,
                    format!("the variable `{}` is bound twice", var.node),
                )
                .with_label("bound again")
                .with_secondary(first, "first bound here")
                .with_help("give each `for each` variable its own name"),
            );
            conflict = true;
        } else if let Some(&zone) = self.zones.get(var.node.as_str()) {
            let declared = self.model.zones[zone].span;
            self.error(
                Diagnostic::new(
                    Code::VariableConflict,
                    var.span,
                    format!("the variable `{}` has the name of a zone", var.node),
                )
                .with_label("also a zone")
                .with_secondary(declared, "zone declared here")
                .with_help("rename the variable, for example to `z`"),
            );
            conflict = true;
        }
        self.vars.push(Var {
            name: var.node.clone(),
            ty: ty.unwrap_or(Type::Text),
            span: var.span,
        });
        self.var_uses.push(0);
        self.var_poisoned.push(ty.is_none());
        conflict
    }

    fn report_unused_vars(&mut self) {
        let unused: Vec<Var> = self
            .vars
            .iter()
            .zip(&self.var_uses)
            .filter(|(_, uses)| **uses == 0)
            .map(|(v, _)| v.clone())
            .collect();
        for var in unused {
            let example = if var.ty == Type::Zone {
                format!("in zone {}", var.name)
            } else {
                format!("batch {}", var.name)
            };
            self.error(
                Diagnostic::new(Code::UnusedVariable, var.span, format!("the variable `{}` is not used in the rule", var.name))
                    .with_label("bound here")
                    .with_help(format!(
                        "use it in a pattern, as in `{example}`, or remove the `for each`; every instance would be judged the same"
                    )),
            );
        }
    }
}

impl Checker<'_> {
    /// "day 7" in a title or ref, and `within 7d after A` in the body: an
    /// agreement that counts day 1 as the day of `A` means the end of day
    /// 7, one day before `A + 7d` (the off-by-one the rule library had).
    fn day_numbers(&mut self, rule: &ast::Rule, texts: [Option<&str>; 2]) {
        let ast::Form::OccursWithin { within, after, .. } = &rule.body.form.node else {
            return;
        };
        if !within.node.is_whole_days() || within.node.unit().is_some() {
            return;
        }
        let n = within.node.days();
        let says = texts.into_iter().flatten().any(|text| day_number_in(text, n));
        if !says || n < 1 {
            return;
        }
        let anchor = if after.node.offsets.is_empty() {
            after.node.to_string()
        } else {
            format!("({})", after.node)
        };
        let fix = if n == 1 {
            format!("by end of day {anchor}")
        } else {
            format!("by end of day ({} + {}d)", after.node, n - 1)
        };
        self.error(
            Diagnostic::new(
                Code::DayNumberAsDuration,
                within.span,
                format!(
                    "the rule says \"day {n}\" but `within {}` ends {n} days after {anchor}, at its time of day",
                    within.node
                ),
            )
            .with_label(format!("a day later than day {n} if day 1 is the anchor's day"))
            .with_help(format!(
                "if day 1 is the day of {anchor}, day {n} ends at a midnight: write `occurs {fix}` (set the `calendar` whose days the agreement counts)"
            )),
        );
    }
}

/// Whether `text` says "day N" (any case), N as digits.
fn day_number_in(text: &str, n: i64) -> bool {
    let lower = text.to_lowercase();
    let wanted = n.to_string();
    lower.match_indices("day ").any(|(i, _)| {
        let rest = &lower[i + 4..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let word_start = i == 0 || !lower[..i].ends_with(|c: char| c.is_alphanumeric());
        word_start && digits == wanted
    })
}
