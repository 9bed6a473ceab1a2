//! Rule forms, the windows of rates and aggregates, and aggregate expressions.

use super::checker::Checker;
use super::model::{Expr, Form, Window};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{Node, Span};
use crate::syntax::ast::{self, CmpOp, RateBound};
use crate::time::format_duration;

impl Checker<'_> {
    /// A form with all its parts resolved (every part is checked, so that each error is reported).
    pub fn form(&mut self, form: &Node<ast::Form>) -> Option<Form> {
        match &form.node {
            ast::Form::Precedes { first, then, within } => {
                let (first, then) = (self.pattern(first), self.pattern(then));
                Some(Form::Precedes {
                    first: first?,
                    then: then?,
                    within: within.as_ref().map(|d| d.node.clone()),
                })
            }
            ast::Form::Every {
                trigger,
                direction,
                negated,
                target,
                within,
            } => {
                let (trigger, target) = (self.pattern(trigger), self.pattern(target));
                Some(Form::Every {
                    trigger: trigger?,
                    direction: *direction,
                    negated: *negated,
                    target: target?,
                    within: within.as_ref().map(|d| d.node.clone()),
                })
            }
            ast::Form::OccursBy { pattern, deadline } => {
                let (pattern, deadline) = (self.pattern(pattern), self.anchor(deadline));
                Some(Form::OccursBy {
                    pattern: pattern?,
                    deadline: deadline?,
                })
            }
            ast::Form::OccursWithin { pattern, within, after } => {
                let (pattern, after) = (self.pattern(pattern), self.anchor(after));
                Some(Form::OccursWithin {
                    pattern: pattern?,
                    within: within.node.clone(),
                    after: after?,
                })
            }
            ast::Form::Absence { pattern, daily, window } => {
                let (pattern, window) = (self.pattern(pattern), self.window(window));
                let daily = self.daily(daily.as_ref(), None);
                Some(Form::Absence {
                    pattern: pattern?,
                    daily: daily?,
                    window: window?,
                })
            }
            ast::Form::Rate {
                bound,
                count,
                pattern,
                per,
                daily,
                window,
            } => {
                let pattern = self.pattern(pattern);
                let daily = self.daily(daily.as_ref(), per.as_ref());
                let window = self.required_window(window.as_ref(), per.as_ref(), form.span, "a rate");
                let op = if *bound == RateBound::AtLeast {
                    CmpOp::Ge
                } else {
                    CmpOp::Le
                };
                Some(Form::Aggregate {
                    lhs: Expr::Count(pattern?),
                    op,
                    rhs: Expr::Number(crate::number::whole(count.node)),
                    per: per.as_ref().map(|d| d.node.clone()),
                    daily: daily?,
                    window: window?,
                })
            }
            ast::Form::Aggregate {
                lhs,
                op,
                rhs,
                per,
                daily,
                window,
            } => {
                let daily = self.daily(daily.as_ref(), per.as_ref());
                let mut aggregates = 0;
                let (lhs, rhs) = (self.expr(lhs, &mut aggregates), self.expr(rhs, &mut aggregates));
                if aggregates == 0 {
                    self.error(
                        Diagnostic::new(
                            Code::ConstantComparison,
                            form.span,
                            "this comparison has no `count` or `sum`",
                        )
                        .with_label("compares constants")
                        .with_help("compare an aggregate, as in `count(strike) <= 3 during phase1`"),
                    );
                }
                let window = self.required_window(window.as_ref(), per.as_ref(), form.span, "an aggregate");
                if aggregates == 0 {
                    return None;
                }
                Some(Form::Aggregate {
                    lhs: lhs?,
                    op: *op,
                    rhs: rhs?,
                    per: per.as_ref().map(|d| d.node.clone()),
                    daily: daily?,
                    window: window?,
                })
            }
        }
    }

    /// `daily HH:MM to HH:MM`: `Some(None)` if not written, `None` if wrong
    /// (equal times, or with `per`).
    fn daily(
        &mut self,
        daily: Option<&Node<crate::time::DailyHours>>,
        per: Option<&Node<crate::time::Duration>>,
    ) -> Option<Option<crate::time::DailyHours>> {
        let Some(daily) = daily else { return Some(None) };
        let clock = crate::time::DailyHours::clock;
        if daily.node.from == daily.node.to {
            self.error(
                Diagnostic::new(
                    Code::EmptyDailyWindow,
                    daily.span,
                    format!("`daily {} to {}` holds no time of day", clock(daily.node.from), clock(daily.node.to)),
                )
                .with_label("empty")
                .with_help("give two different times, such as `daily 10:00 to 20:00`; `daily 22:00 to 06:00` runs across midnight; drop `daily` for the whole day"),
            );
            return None;
        }
        if let Some(per) = per {
            self.error(
                Diagnostic::new(
                    Code::DailyWithPer,
                    daily.span,
                    "a daily window cannot be cut into slices",
                )
                .with_label("daily hours")
                .with_secondary(per.span, "slices")
                .with_help("drop `per` to count within the daily hours of the whole window, or drop `daily`"),
            );
            return None;
        }
        Some(Some(daily.node))
    }

    /// The window of a rate or aggregate, which must be written; checks that
    /// the slices of `per D` can fit in it.
    fn required_window(
        &mut self,
        window: Option<&Node<ast::Window>>,
        per: Option<&Node<crate::time::Duration>>,
        span: Span,
        what: &str,
    ) -> Option<Window> {
        let Some(window) = window else {
            let example = match self.model.phases.first() {
                Some(p) => format!("during {}", p.name),
                None => "between 2025-01-19 and 2025-03-02".to_string(),
            };
            self.error(
                Diagnostic::new(Code::MissingWindow, span, format!("{what} needs a window"))
                    .with_label("no window")
                    .with_help(format!("say over which time it is counted, as in `{example}`")),
            );
            return None;
        };
        let resolved = self.window(window)?;
        if let Some(per) = per {
            if matches!(resolved, Window::Before(_)) {
                self.error(
                    Diagnostic::new(
                        Code::RateWithoutStart,
                        window.span,
                        "slices need a window with a start, and `before` has none",
                    )
                    .with_label("no start")
                    .with_secondary(per.span, "slices of this length")
                    .with_help("use `between START and END`, or drop `per` to count the whole window"),
                );
                return None;
            }
            // Under a calendar, `per 1d` is 24 hours from the window's
            // start, not the calendar's days (LANGUAGE-v2 §10).
            if self.model.calendar.is_some() && per.node.unit().is_none() && per.node.is_whole_days() {
                let meant = match per.node.days() {
                    1 => Some("day"),
                    7 => Some("week"),
                    _ => None,
                };
                if let Some(meant) = meant {
                    self.error(
                        Diagnostic::new(
                            Code::FixedSlicesUnderCalendar,
                            per.span,
                            format!(
                                "`per {}` cuts slices from the window's start, not at the calendar's midnights",
                                per.node
                            ),
                        )
                        .with_label("slices from the window's start")
                        .with_help(format!(
                            "write `per {meant}` to count the {} of `{}`; keep `per {}` if the slices should start with the window",
                            if meant == "day" { "days" } else { "weeks (from Monday)" },
                            self.model.days(),
                            per.node
                        )),
                    );
                }
            }
            if let Some(length) = self.window_length(&resolved)
                && per.node.delta() > length
            {
                self.error(
                    Diagnostic::new(
                        Code::NoCompleteSlice,
                        per.span,
                        format!(
                            "slices of `{}` are longer than the window ({}), so none is ever judged",
                            per.node,
                            format_duration(length)
                        ),
                    )
                    .with_label("longer than the window")
                    .with_secondary(window.span, "the window")
                    .with_help("shorten the slices or drop `per` to count the whole window"),
                );
            }
        }
        Some(resolved)
    }

    /// An aggregate expression; counts the aggregates seen.
    fn expr(&mut self, expr: &Node<ast::Expr>, aggregates: &mut usize) -> Option<Expr> {
        match &expr.node {
            ast::Expr::Count(p) => {
                *aggregates += 1;
                Some(Expr::Count(self.pattern(p)?))
            }
            ast::Expr::Sum(field, p) => {
                *aggregates += 1;
                let pattern = self.pattern(p)?;
                let (id, ty) = self.lookup_field(pattern.kind, field)?;
                if !ty.is_numeric() {
                    self.error(
                        Diagnostic::new(
                            Code::NotNumeric,
                            field.span,
                            format!(
                                "`sum` cannot add up `{}`, which holds {}",
                                field.node,
                                super::value::describe_type(ty)
                            ),
                        )
                        .with_label("not a number")
                        .with_help(format!(
                            "use `count({})` to count observations, or sum a field of type `int` or `number`",
                            p.node
                        )),
                    );
                    return None;
                }
                Some(Expr::Sum(id, pattern))
            }
            ast::Expr::Integer(n) => Some(Expr::Number(crate::number::whole(*n))),
            ast::Expr::Number(n) => Some(Expr::Number(*n)),
            ast::Expr::Binary(op, lhs, rhs) => {
                let (lhs, rhs) = (self.expr(lhs, aggregates), self.expr(rhs, aggregates));
                Some(Expr::Binary(*op, Box::new(lhs?), Box::new(rhs?)))
            }
        }
    }
}
