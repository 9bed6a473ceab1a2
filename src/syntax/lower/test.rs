//! `test` blocks.

use super::decl::parts_of;
use super::{Builder, Pair, find, parts};
use crate::source::Node;
use crate::syntax::ast::{LogLine, Test, TestStatement};
use crate::syntax::grammar::Rule;

impl Builder {
    /// `test = { kw_test ~ string ~ lbrace ~ test_stmt* ~ rbrace }`
    pub(super) fn test(&mut self, pair: Pair) -> Option<Test> {
        let parts = parts(pair);
        let name = self.string(find(&parts, Rule::string)?);
        let mut statements = Vec::new();
        for part in parts {
            let span = self.span(&part);
            let statement = match part.as_rule() {
                Rule::as_of => TestStatement::AsOf(self.timestamp(&find(&super::parts(part), Rule::timestamp)?).node),
                Rule::test_log => TestStatement::Log(
                    parts_of(part, Rule::log_line)
                        .into_iter()
                        .filter_map(|l| self.log_line(l))
                        .collect(),
                ),
                Rule::expect => {
                    let parts = super::parts(part);
                    TestStatement::Expect(
                        self.name(&find(&parts, Rule::rule_id)?),
                        self.name(&find(&parts, Rule::word)?),
                    )
                }
                _ => continue,
            };
            statements.push(Node::new(statement, span));
        }
        Some(Test { name, statements })
    }

    /// `log_line = { timestamp ~ ident ~ log_field* }`
    fn log_line(&mut self, pair: Pair) -> Option<Node<LogLine>> {
        let span = self.span(&pair);
        let parts = parts(pair);
        let time = self.timestamp(&find(&parts, Rule::timestamp)?);
        let kind = self.name(&find(&parts, Rule::ident)?);
        let mut fields = Vec::new();
        for field in parts.into_iter().filter(|p| p.as_rule() == Rule::log_field) {
            let field = super::parts(field);
            let name = self.name(&find(&field, Rule::word)?);
            fields.push((name, self.value(find(&field, Rule::value)?)));
        }
        Some(Node::new(LogLine { time, kind, fields }, span))
    }
}
