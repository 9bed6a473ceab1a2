//! The syntax tree of a rule file, exactly as written.
//!
//! Every node carries its [`Span`](crate::source::Span) through [`Node`]; equality
//! ignores spans. Names are not resolved here: that is the checker's job.

use crate::source::Node;
use crate::time::{Duration, Stamp};

/// A name as written: `netzarim`, `release`, `GZ-2.3`.
pub type Name = Node<String>;

/// A whole rule file.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct File {
    /// The items in the order written.
    pub items: Vec<Node<Item>>,
    /// The names the items with syntax errors would have declared (`rule
    /// a`, `zone north`): the checker says nothing of them as undeclared,
    /// so that one broken item does not cause errors elsewhere.
    pub broken: Vec<String>,
}

/// One top-level item.
// Items are built once and walked a few times; boxing the large variants
// would add indirection everywhere for no measurable gain.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    /// `agreement "Gaza ceasefire, January 2025"`
    Agreement(Node<String>),
    /// `include "schema.cfr"`
    Include(Node<String>),
    /// `allow CF0701, CF1103` (`false`): warnings of these codes are not
    /// reported for the file (and, by `verify`, for the logs); `deny
    /// CF1103` (`true`): they are errors.
    Allow(bool, Vec<Node<String>>),
    /// `calendar "Europe/Kyiv"`: the unit's time zone (LANGUAGE-v2 §10).
    Calendar(Node<String>),
    /// `evidence sources >= 2`: the standard for every rule of the file
    /// that sets none of its own (LANGUAGE-v2 §9.2).
    Evidence(Node<Condition>),
    /// `zone netzarim "Netzarim corridor"`
    Zone(ZoneDecl),
    /// `area NAME ["Display"] from "file.geojson"` (LANGUAGE-v2 §12)
    Area(PlaceDecl),
    /// `line NAME ["Display"] from "file.geojson"` (LANGUAGE-v2 §12)
    Line(PlaceDecl),
    /// `event release { batch: int, hostages: int }`
    Event(EventDecl),
    /// `source ucdp "UCDP GED" { kind = ..., time = ... }` (LANGUAGE-v2 §11)
    Source(SourceDecl),
    /// `phase phase1 = from ceasefire_start for 42d`
    Phase(PhaseDecl),
    /// `rule ID { ... }`
    Rule(Rule),
    /// `test "name" { ... }`
    Test(Test),
}

/// `zone NAME ["Display name"]`
#[derive(Clone, Debug, PartialEq)]
pub struct ZoneDecl {
    /// The zone's name.
    pub name: Name,
    /// The name shown to people, if given.
    pub display: Option<Node<String>>,
    /// `area "file.geojson"`: the zone's area, if it has one (LANGUAGE-v2 §12).
    pub area: Option<Node<String>>,
}

/// `area NAME ["Display"] from "FILE"` or `line …`: a place read from GeoJSON.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaceDecl {
    /// The place's name.
    pub name: Name,
    /// The name shown to people, if given.
    pub display: Option<Node<String>>,
    /// The GeoJSON file, relative to the rule file.
    pub path: Node<String>,
}

/// `event KIND [{ FIELD: TYPE, ... }]`
#[derive(Clone, Debug, PartialEq)]
pub struct EventDecl {
    /// The event kind.
    pub name: Name,
    /// The declared fields in order.
    pub fields: Vec<FieldDecl>,
}

/// `FIELD: TYPE` inside an event declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldDecl {
    /// The field's name.
    pub name: Name,
    /// The type as written (`int`, `number`, `text`, `bool`, `zone`, `time`).
    pub ty: Name,
}

/// `source NAME ["Display name"] { TARGET = VALUE ... }`: how a dataset's
/// columns become observations (LANGUAGE-v2 §11).
#[derive(Clone, Debug, PartialEq)]
pub struct SourceDecl {
    /// The source's name, as `--log NAME=PATH` gives it.
    pub name: Name,
    /// The name shown to people, if given.
    pub display: Option<Node<String>>,
    /// `calendar "Zone"` lines inside the block (at most one is allowed).
    pub calendars: Vec<Node<String>>,
    /// The `TARGET = VALUE` lines in order.
    pub lines: Vec<SourceLine>,
}

/// `TARGET = VALUE` in a source.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceLine {
    /// `kind`, `time`, `id`, `source`, `status` or a declared field.
    pub target: Name,
    /// Where its value comes from.
    pub value: Node<SourceValue>,
}

/// Where a source's target takes its value from.
#[derive(Clone, Debug, PartialEq)]
pub enum SourceValue {
    /// A column named by a name (`best`), or a literal (`0`, `true`).
    /// A quoted string is a column if the log has one of that name, else
    /// the literal text.
    Cell(Node<Value>),
    /// `A .. B`: from the start of A's time to the end of B's.
    Range(Column, Column),
    /// `COLUMN map { KEY: OUT, ..., else: OUT }`
    Map {
        /// The column whose cell is looked up.
        column: Column,
        /// The entries in order, `else` excluded.
        entries: Vec<MapEntry>,
        /// What `else` says (default: keep the cell); more than one is an
        /// error the checker reports.
        otherwise: Vec<Node<MapOut>>,
    },
    /// `COLUMN split "SEP"`
    Split(Column, Node<String>),
    /// `(LAT, LON)`, perhaps `± RADIUS` (LANGUAGE-v2 §12).
    Position {
        /// The latitude's column.
        lat: Column,
        /// The longitude's column.
        lon: Column,
        /// The uncertainty radius: a distance, or a map of a column to distances.
        radius: Option<Box<Node<SourceValue>>>,
    },
    /// A distance literal as written (`25km`), as a radius.
    Distance(Node<String>),
}

/// A column of a dataset: a name, or quoted header text.
pub type Column = Node<String>;

/// `KEY: OUT` in a map.
#[derive(Clone, Debug, PartialEq)]
pub struct MapEntry {
    /// The cell text it matches (a number matches its decimal spelling).
    pub key: Node<Value>,
    /// What the cell becomes.
    pub out: Node<MapOut>,
}

/// What a map gives for a cell.
#[derive(Clone, Debug, PartialEq)]
pub enum MapOut {
    /// A value: a literal, or a name (of a kind, a zone, or as text).
    Value(Value),
    /// A distance as written (`25km`), for a radius.
    Distance(String),
    /// `skip`: the record is not an observation.
    Skip,
    /// `keep` (after `else` only): the cell as it is.
    Keep,
}

/// `phase NAME = from ANCHOR (for DURATION | until ANCHOR)`
#[derive(Clone, Debug, PartialEq)]
pub struct PhaseDecl {
    /// The phase's name.
    pub name: Name,
    /// Where it starts.
    pub start: Node<Anchor>,
    /// Where it ends.
    pub end: PhaseEnd,
}

/// How a phase ends.
#[derive(Clone, Debug, PartialEq)]
pub enum PhaseEnd {
    /// `for 42d`: the phase is `[start, start + 42d)`.
    For(Node<Duration>),
    /// `until ANCHOR`: the phase is `[start, anchor)`.
    Until(Node<Anchor>),
}

/// A point in time.
#[derive(Clone, Debug, PartialEq)]
pub struct Anchor {
    /// The point the offsets start from.
    pub base: Node<AnchorBase>,
    /// `+ 72h`, `- 1d`, in order.
    pub offsets: Vec<Node<Offset>>,
}

/// `+ D` or `- D` after an anchor.
#[derive(Clone, Debug, PartialEq)]
pub struct Offset {
    /// Whether it was `-`.
    pub negative: bool,
    /// D
    pub duration: Duration,
}

impl Offset {
    /// The signed length of time.
    pub fn delta(&self) -> chrono::TimeDelta {
        if self.negative {
            -self.duration.delta()
        } else {
            self.duration.delta()
        }
    }

    /// The signed calendar days (`d` and `w`).
    pub fn days(&self) -> i64 {
        if self.negative {
            -self.duration.days()
        } else {
            self.duration.days()
        }
    }
}

/// The base of an anchor.
#[derive(Clone, Debug, PartialEq)]
pub enum AnchorBase {
    /// `2025-01-19T08:30:00Z`, `2015-02-15T00:00` (local), `2025-01-19`
    Time(Stamp),
    /// `first release batch 2`, `last drawdown` (`first` is the default).
    Event(Occurrence, Node<Pattern>),
    /// `start of day A`: the calendar's midnight at or before `A`.
    DayStart(Box<Node<Anchor>>),
    /// `end of day A`: the midnight after that (`start of day A + 1d`).
    DayEnd(Box<Node<Anchor>>),
    /// `start of phase1`
    PhaseStart(Name),
    /// `end of phase1`
    PhaseEnd(Name),
    /// `(first release + 2d)`: an anchor in parentheses.
    Group(Box<Node<Anchor>>),
}

/// Which occurrence of a pattern an anchor means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Occurrence {
    /// `first P` (the default).
    First,
    /// `last P`.
    Last,
}

/// `KIND QUALIFIER* [where CONDITION]`: which observations a rule talks about.
#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    /// The event kind.
    pub kind: Name,
    /// `batch 2`, `in zone netzarim`: each a field that must equal a value.
    pub qualifiers: Vec<Node<Qualifier>>,
    /// `where CONDITION`.
    pub condition: Option<Node<Condition>>,
}

/// A field that must equal a value.
#[derive(Clone, Debug, PartialEq)]
pub struct Qualifier {
    /// The field (`zone` for `in zone X`).
    pub field: Name,
    /// The value it must equal.
    pub value: Node<Value>,
}

/// A value in a pattern or a test log.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `42`
    Int(i64),
    /// `2.5`: exactly as written (`2.50` keeps its two places)
    Number(crate::number::Decimal),
    /// `"text"`
    Text(String),
    /// `true`, `false`
    Bool(bool),
    /// `2025-01-19T08:30Z`, `2015-02-15T00:00` (local), `2025-01-19`
    Time(Stamp),
    /// A zone name or a `for each` variable, resolved by the checker.
    Name(String),
}

/// A comparison operator: `= != < <= > >=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// Whether `a OP b` holds when `a.cmp(b)` is `ordering`.
    pub fn holds(self, ordering: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self {
            CmpOp::Eq => ordering == Equal,
            CmpOp::Ne => ordering != Equal,
            CmpOp::Lt => ordering == Less,
            CmpOp::Le => ordering != Greater,
            CmpOp::Gt => ordering == Greater,
            CmpOp::Ge => ordering != Less,
        }
    }

    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// A condition after `where`.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// `FIELD OP VALUE`: `hostages >= 3`
    Compare(Name, CmpOp, Node<Value>),
    /// `FIELD in [VALUE, ...]`: `zone in [north, rafah]`
    In(Name, Vec<Node<Value>>),
    /// `FIELD inside PLACE`: `position inside litani_south` (LANGUAGE-v2 §12)
    Inside(Name, Name),
    /// `distance(FIELD, PLACE) OP DISTANCE`: `distance(position, contact) <= 15km`;
    /// the distance as written.
    Distance(Box<(Name, Name, CmpOp, Node<String>)>),
    /// `C and C and ...`
    And(Vec<Node<Condition>>),
    /// `C or C or ...`
    Or(Vec<Node<Condition>>),
    /// `not C`
    Not(Box<Node<Condition>>),
}

/// `rule ID { [title] [ref] [severity] BODY }`
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// The rule id.
    pub id: Name,
    /// `title`, `ref`, `severity` and `evidence` lines in the order written.
    pub attributes: Vec<Node<Attribute>>,
    /// What the rule requires.
    pub body: Node<Body>,
}

/// A rule attribute.
#[derive(Clone, Debug, PartialEq)]
pub enum Attribute {
    /// `title "text"`
    Title(String),
    /// `ref "clause 2.3"`
    Ref(String),
    /// `severity critical` (checked against the four severities later).
    Severity(Name),
    /// `evidence status = "confirmed"`: the rule's own evidence standard.
    Evidence(Node<Condition>),
}

/// Zero or more `for each` headers and one form.
#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    /// The headers, outermost first.
    pub for_each: Vec<Node<ForEach>>,
    /// The form inside them.
    pub form: Node<Form>,
}

/// `for each ...:`
#[derive(Clone, Debug, PartialEq)]
pub struct ForEach {
    /// The variable bound.
    pub var: Name,
    /// The values it takes.
    pub domain: Domain,
}

/// The values a `for each` variable takes.
#[derive(Clone, Debug, PartialEq)]
pub enum Domain {
    /// `for each zone z:` (all zones) or `for each zone z in [north, rafah]:`
    Zones(Option<Vec<Name>>),
    /// `for each n in 1..6:` (both ends included)
    Range(Node<i64>, Node<i64>),
    /// `for each b of release.batch:` (each value seen in the log)
    Values(Name, Name),
    /// `for each s in ["Ukraine", "DPR"]:` (each listed value, seen in the log or not)
    List(Vec<Node<Value>>),
}

/// A rule's form (LANGUAGE.md §4).
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Form {
    /// `P precedes Q [within D]`
    Precedes {
        /// P
        first: Node<Pattern>,
        /// Q
        then: Node<Pattern>,
        /// D
        within: Option<Node<Duration>>,
    },
    /// `every P is (followed|preceded) by [no] Q [within D]`
    Every {
        /// P
        trigger: Node<Pattern>,
        /// `followed` or `preceded`
        direction: Direction,
        /// Whether `no` was written.
        negated: bool,
        /// Q
        target: Node<Pattern>,
        /// D (always present for `followed`)
        within: Option<Node<Duration>>,
    },
    /// `P occurs by ANCHOR`
    OccursBy {
        /// P
        pattern: Node<Pattern>,
        /// The deadline.
        deadline: Node<Anchor>,
    },
    /// `P occurs within D after ANCHOR`
    OccursWithin {
        /// P
        pattern: Node<Pattern>,
        /// D
        within: Node<Duration>,
        /// The anchor.
        after: Node<Anchor>,
    },
    /// `no P [daily HH:MM to HH:MM] WINDOW`
    Absence {
        /// P
        pattern: Node<Pattern>,
        /// The hours of each day the window is restricted to.
        daily: Option<Node<crate::time::DailyHours>>,
        /// The window.
        window: Node<Window>,
    },
    /// `at least N P [per D] WINDOW`, `at most N P [per D] WINDOW`
    Rate {
        /// `at least` or `at most`.
        bound: RateBound,
        /// N
        count: Node<i64>,
        /// P
        pattern: Node<Pattern>,
        /// D
        per: Option<Node<Duration>>,
        /// The hours of each day the window is restricted to.
        daily: Option<Node<crate::time::DailyHours>>,
        /// The window (missing is a checker error).
        window: Option<Node<Window>>,
    },
    /// `EXPR CMP EXPR [per D] WINDOW`
    Aggregate {
        /// The left side.
        lhs: Node<Expr>,
        /// The comparison.
        op: CmpOp,
        /// The right side.
        rhs: Node<Expr>,
        /// D
        per: Option<Node<Duration>>,
        /// The hours of each day the window is restricted to.
        daily: Option<Node<crate::time::DailyHours>>,
        /// The window (missing is a checker error).
        window: Option<Node<Window>>,
    },
}

/// `followed` or `preceded`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// `is followed by`: look forward from each P.
    Followed,
    /// `is preceded by`: look back from each P.
    Preceded,
}

/// `at least` or `at most`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RateBound {
    /// `at least N`: count `>= N`.
    AtLeast,
    /// `at most N`: count `<= N`.
    AtMost,
}

/// A window of time.
#[derive(Clone, Debug, PartialEq)]
pub enum Window {
    /// `during PHASE`: `[start, end)`
    During(Name),
    /// `between A and B`: `[A, B)`
    Between(Node<Anchor>, Node<Anchor>),
    /// `after A`: `[A, ∞)`
    After(Node<Anchor>),
    /// `before A`: `(-∞, A)`
    Before(Node<Anchor>),
    /// `within D after A`: `[A, A + D]`
    WithinAfter(Node<Duration>, Node<Anchor>),
}

/// An arithmetic expression over aggregates.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// `count(P)`
    Count(Node<Pattern>),
    /// `sum(FIELD of P)`
    Sum(Name, Node<Pattern>),
    /// `30`: a whole number, kept as written (beyond 2⁵³ a decimal would
    /// not give it back)
    Integer(i64),
    /// `2.5`: exactly as written
    Number(crate::number::Decimal),
    /// `E + E`, `E - E`, `E * E`
    Binary(ArithOp, Box<Node<Expr>>, Box<Node<Expr>>),
}

/// `+`, `-` or `*`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
}

impl ArithOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
        }
    }
}

/// `test "name" { as of T  log { ... }  expect ID VERDICT }`
#[derive(Clone, Debug, PartialEq)]
pub struct Test {
    /// The test's name.
    pub name: Node<String>,
    /// The statements in the order written.
    pub statements: Vec<Node<TestStatement>>,
}

/// A statement inside a test.
#[derive(Clone, Debug, PartialEq)]
pub enum TestStatement {
    /// `as of 2025-02-20`
    AsOf(Stamp),
    /// `log { LINE* }`
    Log(Vec<Node<LogLine>>),
    /// `expect ID VERDICT`
    Expect(Name, Name),
}

/// `TIME KIND (FIELD VALUE)*` inside a test log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogLine {
    /// When.
    pub time: Node<LogTime>,
    /// The event kind.
    pub kind: Name,
    /// The fields in order.
    pub fields: Vec<(Name, LogValue)>,
}

/// When a test log line says something happened.
#[derive(Clone, Debug, PartialEq)]
pub struct LogTime {
    /// As it is printed back: an instant as every timestamp is, a date,
    /// month or range as written.
    pub text: String,
    /// The time read (a range in UTC, days counted in UTC).
    pub value: crate::time::LogTime,
}

/// A value in a test log line: one, or a list (`source ["A", "B"]`).
#[derive(Clone, Debug, PartialEq)]
pub enum LogValue {
    /// One value.
    One(Node<Value>),
    /// A list of values, with the span of the brackets.
    List(Node<Vec<Node<Value>>>),
    /// A position `(LAT, LON)`, perhaps `± RADIUS` (LANGUAGE-v2 §12).
    Position(Node<LogPosition>),
}

/// A position in a test log line, as written.
#[derive(Clone, Debug, PartialEq)]
pub struct LogPosition {
    /// The latitude as written.
    pub lat: String,
    /// The longitude as written.
    pub lon: String,
    /// The radius as written (`25km`), if any.
    pub radius: Option<String>,
}

impl std::fmt::Display for LogPosition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "({}, {})", self.lat, self.lon)?;
        match &self.radius {
            Some(radius) => write!(f, " ± {radius}"),
            None => Ok(()),
        }
    }
}
