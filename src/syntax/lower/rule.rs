//! Rules: attributes, `for each` headers, body forms and windows.

use super::decl::parts_of;
use super::pattern::cmp_op;
use super::{Builder, Pair, find, has, parts};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Node;
use crate::syntax::ast::{Attribute, Body, Direction, Domain, ForEach, Form, RateBound, Rule as RuleDecl, Window};
use crate::syntax::grammar::Rule;
use crate::time::Duration;

impl Builder {
    /// `rule_decl = { kw_rule ~ rule_id ~ lbrace ~ rule_attr* ~ body ~ rbrace }`
    pub(super) fn rule(&mut self, pair: Pair) -> Option<RuleDecl> {
        let parts = parts(pair);
        let id = self.name(&find(&parts, Rule::rule_id)?);
        let mut attributes = Vec::new();
        let mut body = None;
        for part in parts {
            let span = self.span(&part);
            let attribute = match part.as_rule() {
                Rule::title_attr => Attribute::Title(self.string(super::last(part)?).node),
                Rule::ref_attr => Attribute::Ref(self.string(super::last(part)?).node),
                Rule::severity_attr => Attribute::Severity(self.name(&super::last(part)?)),
                Rule::evidence_decl => Attribute::Evidence(self.condition(super::last(part)?)?),
                Rule::body => {
                    body = self.body(part);
                    continue;
                }
                _ => continue,
            };
            attributes.push(Node::new(attribute, span));
        }
        Some(RuleDecl {
            id,
            attributes,
            body: body?,
        })
    }

    /// `body = { for_each* ~ body_form }`
    fn body(&mut self, pair: Pair) -> Option<Node<Body>> {
        let span = self.span(&pair);
        let mut for_each = Vec::new();
        let mut form = None;
        for part in parts(pair) {
            if part.as_rule() == Rule::for_each {
                for_each.push(self.for_each(part)?);
            } else {
                form = Some(self.form(part)?);
            }
        }
        Some(Node::new(Body { for_each, form: form? }, span))
    }

    /// `for_each = { kw_for ~ kw_each ~ (for_zone | for_range | for_list | for_values) ~ colon }`
    fn for_each(&mut self, pair: Pair) -> Option<Node<ForEach>> {
        let span = self.span(&pair);
        let header = parts(pair).into_iter().last()?;
        let rule = header.as_rule();
        let parts = parts(header);
        let names = parts_of_rule(&parts, Rule::ident);
        let var = self.name(names.first()?);
        let domain = match rule {
            Rule::for_zone => Domain::Zones(
                find(&parts, Rule::name_list)
                    .map(|list| parts_of(list, Rule::ident).iter().map(|n| self.name(n)).collect()),
            ),
            Rule::for_range => {
                let bounds = parts_of_rule(&parts, Rule::integer);
                Domain::Range(self.integer(bounds.first()?), self.integer(bounds.get(1)?))
            }
            Rule::for_list => Domain::List(
                find(&parts, Rule::value_list)
                    .map(|list| parts_of(list, Rule::value).into_iter().map(|v| self.value(v)).collect())
                    .unwrap_or_default(),
            ),
            Rule::for_values => Domain::Values(self.name(names.get(1)?), self.name(&find(&parts, Rule::word)?)),
            _ => return None,
        };
        Some(Node::new(ForEach { var, domain }, span))
    }

    /// One of the body forms.
    fn form(&mut self, pair: Pair) -> Option<Node<Form>> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let parts = parts(pair);
        let form = match rule {
            Rule::every_form => self.every_form(parts)?,
            Rule::absence_form => Form::Absence {
                pattern: self.pattern(find(&parts, Rule::pattern)?)?,
                daily: self.daily(&parts),
                window: self.window(parts.last()?.clone())?,
            },
            Rule::rate_form => Form::Rate {
                bound: if has(&parts, Rule::kw_least) {
                    RateBound::AtLeast
                } else {
                    RateBound::AtMost
                },
                count: self.integer(&find(&parts, Rule::integer)?),
                pattern: self.pattern(find(&parts, Rule::pattern)?)?,
                per: self.per_clause(&parts),
                daily: self.daily(&parts),
                window: self.optional_window(&parts)?,
            },
            Rule::aggregate_form => {
                let exprs = parts_of_rule(&parts, Rule::expr);
                Form::Aggregate {
                    lhs: self.expr(exprs.first()?.clone())?,
                    op: cmp_op(find(&parts, Rule::cmp_op)?.as_str()),
                    rhs: self.expr(exprs.get(1)?.clone())?,
                    per: self.per_clause(&parts),
                    daily: self.daily(&parts),
                    window: self.optional_window(&parts)?,
                }
            }
            Rule::pattern_form => self.pattern_form(parts)?,
            _ => return None,
        };
        Some(Node::new(form, span))
    }

    /// `every P is (followed|preceded) by [no] Q [within D]`
    fn every_form(&mut self, parts: Vec<Pair>) -> Option<Form> {
        let trigger = self.pattern(find(&parts, Rule::pattern)?)?;
        let tail = parts.last()?.clone();
        let direction = if tail.as_rule() == Rule::every_followed {
            Direction::Followed
        } else {
            Direction::Preceded
        };
        let tail = super::parts(tail);
        Some(Form::Every {
            trigger,
            direction,
            negated: has(&tail, Rule::kw_no),
            target: self.pattern(find(&tail, Rule::pattern)?)?,
            within: self.within_clause(&tail),
        })
    }

    /// `P precedes Q [within D]`, `P occurs by A`, `P occurs within D after A`
    fn pattern_form(&mut self, parts: Vec<Pair>) -> Option<Form> {
        let pattern = self.pattern(find(&parts, Rule::pattern)?)?;
        let tail = parts.last()?.clone();
        let rule = tail.as_rule();
        let tail = super::parts(tail);
        Some(match rule {
            Rule::precedes_tail => Form::Precedes {
                first: pattern,
                then: self.pattern(find(&tail, Rule::pattern)?)?,
                within: self.within_clause(&tail),
            },
            Rule::occurs_by => Form::OccursBy {
                pattern,
                deadline: self.anchor(find(&tail, Rule::anchor)?)?,
            },
            Rule::occurs_within => Form::OccursWithin {
                pattern,
                within: self.duration(&find(&tail, Rule::duration)?),
                after: self.anchor(find(&tail, Rule::anchor)?)?,
            },
            _ => return None,
        })
    }

    fn within_clause(&mut self, parts: &[Pair]) -> Option<Node<Duration>> {
        let clause = find(parts, Rule::within_clause)?;
        Some(self.duration(&find(&super::parts(clause), Rule::duration)?))
    }

    /// `daily HH:MM to HH:MM`, if written; a clock that is not a time of
    /// day is reported (CF0006).
    fn daily(&mut self, parts: &[Pair]) -> Option<Node<crate::time::DailyHours>> {
        let daily = find(parts, Rule::daily)?;
        let span = self.span(&daily);
        let clocks = parts_of_rule(&super::parts(daily), Rule::clock);
        let mut times = Vec::new();
        for clock in clocks {
            match chrono::NaiveTime::parse_from_str(clock.as_str(), "%H:%M") {
                Ok(t) => times.push(t),
                Err(_) => {
                    let clock_span = self.span(&clock);
                    self.error(
                        Diagnostic::new(
                            Code::InvalidTimestamp,
                            clock_span,
                            format!("`{}` is not a time of day", clock.as_str()),
                        )
                        .with_label("not a time of day")
                        .with_help("write hours from 00 to 23 and minutes from 00 to 59, as in `daily 10:00 to 20:00`"),
                    );
                    return None;
                }
            }
        }
        let (&from, &to) = (times.first()?, times.get(1)?);
        Some(Node::new(crate::time::DailyHours { from, to }, span))
    }

    fn per_clause(&mut self, parts: &[Pair]) -> Option<Node<Duration>> {
        let clause = find(parts, Rule::per_clause)?;
        let parts = super::parts(clause);
        if let Some(unit) = find(&parts, Rule::per_unit) {
            let span = self.span(&unit);
            let unit = match unit.as_str() {
                "day" => crate::time::CalendarUnit::Day,
                "week" => crate::time::CalendarUnit::Week,
                _ => crate::time::CalendarUnit::Month,
            };
            return Some(Node::new(Duration::calendar(unit), span));
        }
        Some(self.duration(&find(&parts, Rule::duration)?))
    }

    /// The window at the end of a rate or aggregate form, if written.
    /// `Some(None)` means no window; `None` means the window failed to build.
    fn optional_window(&mut self, parts: &[Pair]) -> Option<Option<Node<Window>>> {
        let last = parts.last()?;
        if is_window(last.as_rule()) {
            self.window(last.clone()).map(Some)
        } else {
            Some(None)
        }
    }

    /// `during_w | between_w | after_w | before_w | within_after_w`
    fn window(&mut self, pair: Pair) -> Option<Node<Window>> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let parts = parts(pair);
        let anchors = parts_of_rule(&parts, Rule::anchor);
        let window = match rule {
            Rule::during_w => Window::During(self.name(&find(&parts, Rule::ident)?)),
            Rule::between_w => Window::Between(
                self.anchor(anchors.first()?.clone())?,
                self.anchor(anchors.get(1)?.clone())?,
            ),
            Rule::after_w => Window::After(self.anchor(anchors.first()?.clone())?),
            Rule::before_w => Window::Before(self.anchor(anchors.first()?.clone())?),
            Rule::within_after_w => Window::WithinAfter(
                self.duration(&find(&parts, Rule::duration)?),
                self.anchor(anchors.first()?.clone())?,
            ),
            _ => return None,
        };
        Some(Node::new(window, span))
    }
}

fn is_window(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::during_w | Rule::between_w | Rule::after_w | Rule::before_w | Rule::within_after_w
    )
}

/// The pairs among `parts` with this rule.
fn parts_of_rule<'i>(parts: &[Pair<'i>], rule: Rule) -> Vec<Pair<'i>> {
    parts.iter().filter(|p| p.as_rule() == rule).cloned().collect()
}
