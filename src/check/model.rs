//! The checked model: every name resolved, every value typed, every window
//! built. The evaluator reads only this, never the syntax tree.

use crate::source::Span;
// The model's operators and directions are the syntax's: re-exported so
// that the evaluator reads only the model.
pub use crate::syntax::ast::{ArithOp, CmpOp, Direction};
use crate::time::{Calendar, Duration};
use crate::verdict::Verdict;
use chrono::{DateTime, TimeDelta, Utc};

/// Index of a zone in [`Model::zones`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ZoneId(pub u32);
/// Index of an event kind in [`Model::kinds`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KindId(pub u32);
/// Index of a field in its kind's [`Kind::fields`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FieldId(pub u32);
/// Index of a phase in [`Model::phases`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PhaseId(pub u32);
/// Index of a `for each` variable in its rule's [`Rule::vars`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VarId(pub u32);

/// Everything one rule file (with its includes) declares and requires.
#[derive(Clone, Debug, Default)]
pub struct Model {
    /// The `agreement` title of the root file, if any.
    pub agreement: Option<String>,
    /// Declared zones.
    pub zones: Vec<Zone>,
    /// Declared event kinds.
    pub kinds: Vec<Kind>,
    /// Declared phases.
    pub phases: Vec<Phase>,
    /// Rules in file order (included files first, in include order).
    pub rules: Vec<Rule>,
    /// Test blocks.
    pub tests: Vec<Test>,
    /// The calendar the unit counts days in (`calendar "Europe/Kyiv"`), if
    /// it sets one; see [`Model::days`].
    pub calendar: Option<Calendar>,
    /// Declared sources: how datasets' columns become observations.
    pub sources: Vec<Source>,
    /// Declared areas and lines.
    pub places: Vec<Place>,
}

impl Model {
    /// The calendar days and local times are counted in: the unit's, or
    /// UTC (v1's meaning) when it sets none.
    pub fn days(&self) -> Calendar {
        self.calendar.unwrap_or_default()
    }

    /// Whether some rule sets an evidence standard: only then are the
    /// sources and status of observations read.
    pub fn has_evidence_standards(&self) -> bool {
        self.rules.iter().any(|r| r.evidence.is_some())
    }
}

/// `source NAME ["Display"] { TARGET = VALUE ... }` (LANGUAGE-v2 §11).
#[derive(Clone, Debug)]
pub struct Source {
    /// The name `--log NAME=PATH` gives.
    pub name: String,
    /// The name shown to people.
    pub display: Option<String>,
    /// The calendar the source's local dates and times are read in, if it
    /// sets its own (else the unit's).
    pub calendar: Option<Calendar>,
    /// What each target takes, in the order written (`kind` and `time` among them).
    pub targets: Vec<SourceTarget>,
    /// The declaration's name.
    pub span: Span,
}

impl Source {
    /// The target of this name.
    pub fn target(&self, name: &str) -> Option<&SourceTarget> {
        self.targets.iter().find(|t| t.name == name)
    }

    /// Every column the source reads, each once, in the order written.
    pub fn columns(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for target in &self.targets {
            for column in target.value.columns() {
                if !out.contains(&column) {
                    out.push(column);
                }
            }
        }
        out
    }
}

/// `TARGET = VALUE` in a source.
#[derive(Clone, Debug)]
pub struct SourceTarget {
    /// `kind`, `time`, `id`, `source`, `status` or a declared field.
    pub name: String,
    /// Where the value comes from.
    pub value: Mapping,
    /// The line.
    pub span: Span,
}

/// Where a source's target takes its value from. Literals and map
/// outputs are kept as the text a log would hold: they are typed as a
/// log's values are.
#[derive(Clone, Debug, PartialEq)]
pub enum Mapping {
    /// The cell of a column.
    Column(String),
    /// Quoted text: the column of that name if the log has one, else the text itself.
    ColumnOrText(String),
    /// The same value for every record.
    Literal(String),
    /// `A .. B`: from the start of A's time to the end of B's (B empty: A alone).
    Range(String, String),
    /// `COLUMN map { KEY: OUT, ..., else: OUT }`: the first key equal to the
    /// cell's text, spaces trimmed.
    Map {
        /// The column looked up.
        column: String,
        /// Keys (as text) and what they give.
        entries: Vec<(String, MapOut)>,
        /// What a cell no key matches gives.
        otherwise: MapOut,
    },
    /// `COLUMN split "SEP"`: the distinct non-empty parts.
    Split(String, String),
    /// `(LAT, LON) ± RADIUS`: a position from two columns of degrees.
    Position {
        /// The latitude's column.
        lat: String,
        /// The longitude's column.
        lon: String,
        /// The uncertainty radius.
        radius: Radius,
    },
}

/// The radius of a source's position.
#[derive(Clone, Debug, PartialEq)]
pub enum Radius {
    /// None: the position is exact.
    Exact,
    /// The same radius for every record, in metres.
    Fixed(f64),
    /// A map of a column's cells to radii in metres (`None`: `skip`).
    Map {
        /// The column looked up.
        column: String,
        /// Keys and their radii.
        entries: Vec<(String, Option<f64>)>,
        /// The radius of a cell no key matches.
        otherwise: Option<f64>,
    },
}

impl Mapping {
    /// The column whose map may skip a record: a map's, or a radius map's.
    pub fn map_column(&self) -> Option<&str> {
        match self {
            Mapping::Map { column, .. }
            | Mapping::Position {
                radius: Radius::Map { column, .. },
                ..
            } => Some(column),
            _ => None,
        }
    }

    /// The columns it reads.
    pub fn columns(&self) -> Vec<&str> {
        match self {
            Mapping::Column(c) | Mapping::ColumnOrText(c) | Mapping::Split(c, _) => vec![c],
            Mapping::Map { column, .. } => vec![column],
            Mapping::Range(a, b) => vec![a, b],
            Mapping::Position { lat, lon, radius } => {
                let mut columns = vec![lat.as_str(), lon.as_str()];
                if let Radius::Map { column, .. } = radius {
                    columns.push(column);
                }
                columns
            }
            Mapping::Literal(_) => Vec::new(),
        }
    }
}

/// What a map gives for a cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MapOut {
    /// This value, as text.
    Value(String),
    /// The record is not an observation.
    Skip,
    /// The cell as it is.
    Keep,
}

/// `zone NAME ["Display"]`
#[derive(Clone, Debug)]
pub struct Zone {
    /// The name used in rules and logs.
    pub name: String,
    /// The name shown to people.
    pub display: Option<String>,
    /// The declaration's name.
    pub span: Span,
    /// Its area, if declared with one (LANGUAGE-v2 §12): `in zone` then
    /// also holds for a position inside it.
    pub area: Option<std::sync::Arc<crate::places::Shape>>,
}

/// `area NAME … from "FILE"` or `line NAME … from "FILE"` (LANGUAGE-v2 §12).
#[derive(Clone, Debug)]
pub struct Place {
    /// The name conditions use.
    pub name: String,
    /// The name shown to people.
    pub display: Option<String>,
    /// The geometry read from the file.
    pub shape: std::sync::Arc<crate::places::Shape>,
    /// The file as written.
    pub path: String,
    /// The declaration's name.
    pub span: Span,
}

/// `event KIND { ... }`
#[derive(Clone, Debug)]
pub struct Kind {
    /// The kind's name.
    pub name: String,
    /// Declared fields.
    pub fields: Vec<Field>,
    /// The declaration's name.
    pub span: Span,
}

impl Kind {
    /// The field with this name.
    #[inline(always)]
    pub fn field(&self, name: &str) -> Option<FieldId> {
        // A loop of its own rather than `position`, which was not inlined:
        // this runs for every field of every record.
        for (i, f) in self.fields.iter().enumerate() {
            if f.name.len() == name.len() && f.name.as_bytes() == name.as_bytes() {
                return Some(FieldId(i as u32));
            }
        }
        None
    }
}

/// A declared field.
#[derive(Clone, Debug)]
pub struct Field {
    /// The field's name.
    pub name: String,
    /// What values it holds.
    pub ty: Type,
    /// The declaration.
    pub span: Span,
}

/// The type of a field or variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Type {
    /// Whole numbers.
    Int,
    /// Decimal numbers (whole numbers fit too).
    Number,
    /// Text.
    Text,
    /// `true` or `false`.
    Bool,
    /// A declared zone.
    Zone,
    /// A timestamp.
    Time,
    /// A place: latitude and longitude on WGS 84, perhaps with an
    /// uncertainty radius (LANGUAGE-v2 §12).
    Position,
}

impl Type {
    /// Every type, as written in declarations.
    pub const ALL: [Type; 7] = [
        Type::Int,
        Type::Number,
        Type::Text,
        Type::Bool,
        Type::Zone,
        Type::Time,
        Type::Position,
    ];

    /// The type as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Type::Int => "int",
            Type::Number => "number",
            Type::Text => "text",
            Type::Bool => "bool",
            Type::Zone => "zone",
            Type::Time => "time",
            Type::Position => "position",
        }
    }

    /// Whether `<`, `<=`, `>`, `>=` mean something for this type.
    pub fn is_ordered(self) -> bool {
        matches!(self, Type::Int | Type::Number | Type::Time)
    }

    /// Whether `sum` can add it up.
    pub fn is_numeric(self) -> bool {
        matches!(self, Type::Int | Type::Number)
    }
}

/// `phase NAME = from A (for D | until B)`: the half-open interval `[start, end)`.
#[derive(Clone, Debug)]
pub struct Phase {
    /// The phase's name.
    pub name: String,
    /// Where it starts.
    pub start: Anchor,
    /// Where it ends.
    pub end: PhaseEnd,
    /// The declaration's name.
    pub span: Span,
}

/// How a phase ends.
#[derive(Clone, Debug)]
pub enum PhaseEnd {
    /// `for D`: at `start + D`.
    For(Duration),
    /// `until B`: at `B`.
    Until(Anchor),
}

/// A point in time: a base plus a signed offset.
#[derive(Clone, Debug)]
pub struct Anchor {
    /// What the offset is counted from.
    pub base: AnchorBase,
    /// The sum of the `+ D` and `- D` written after the base, days
    /// counted as 24 hours.
    pub offset: TimeDelta,
    /// Of that, the calendar days (`d` and `w`): in a calendar with summer
    /// time they step to the same local clock time (LANGUAGE-v2 §10).
    pub offset_days: i64,
    /// The anchor as a person would write it, for reports.
    pub text: String,
    /// Where it was written.
    pub span: Span,
}

/// The base of an anchor.
#[derive(Clone, Debug)]
pub enum AnchorBase {
    /// A fixed instant.
    Time(DateTime<Utc>),
    /// The first observation matching the pattern.
    First(Pattern),
    /// The last observation matching the pattern (up to the horizon).
    Last(Pattern),
    /// The start of a phase.
    PhaseStart(PhaseId),
    /// The end of a phase.
    PhaseEnd(PhaseId),
    /// The calendar's midnight at or before an anchor (`start of day A`).
    DayStart(Box<Anchor>),
    /// The midnight after that (`end of day A`).
    DayEnd(Box<Anchor>),
}

/// Which observations a rule talks about.
#[derive(Clone, Debug)]
pub struct Pattern {
    /// The event kind.
    pub kind: KindId,
    /// Field tests from qualifiers (`batch 2`, `in zone netzarim`), all required.
    pub tests: Vec<FieldTest>,
    /// The `where` condition.
    pub condition: Option<Condition>,
    /// The pattern as a person would write it, for reports.
    pub text: String,
    /// Where it was written.
    pub span: Span,
}

/// `FIELD OP OPERAND`
#[derive(Clone, Debug)]
pub struct FieldTest {
    /// The field of the pattern's kind.
    pub field: FieldId,
    /// How to compare.
    pub op: CmpOp,
    /// What to compare with.
    pub operand: Operand,
}

/// A `where` condition.
#[derive(Clone, Debug)]
pub enum Condition {
    /// `FIELD OP VALUE`
    Test(FieldTest),
    /// `FIELD in [VALUE, ...]`
    In(FieldId, Vec<Operand>),
    /// All hold.
    And(Vec<Condition>),
    /// One holds.
    Or(Vec<Condition>),
    /// Does not hold.
    Not(Box<Condition>),
    /// `FIELD inside AREA`: the position field lies in the area (LANGUAGE-v2 §12).
    Inside(FieldId, std::sync::Arc<crate::places::Shape>),
    /// `distance(FIELD, PLACE) OP METRES` (`<`, `<=`, `>`, `>=`), with the
    /// place's name (evidence shows the distance to it).
    Distance(FieldId, std::sync::Arc<crate::places::Shape>, String, CmpOp, f64),
    /// `in zone Z` by position, for a `for each zone` variable: inside the
    /// area of the zone the instance binds (none: never).
    InZoneArea(
        FieldId,
        VarId,
        std::sync::Arc<Vec<Option<std::sync::Arc<crate::places::Shape>>>>,
    ),
}

impl Condition {
    /// Whether it asks where a position is (its answer may be unknown).
    pub fn is_spatial(&self) -> bool {
        match self {
            Condition::Inside(..) | Condition::Distance(..) | Condition::InZoneArea(..) => true,
            Condition::And(parts) | Condition::Or(parts) => parts.iter().any(Condition::is_spatial),
            Condition::Not(inner) => inner.is_spatial(),
            Condition::Test(_) | Condition::In(..) => false,
        }
    }

    /// Every area or line it asks about (for `in zone` by position, every
    /// zone's area).
    pub fn shapes(&self) -> Vec<&std::sync::Arc<crate::places::Shape>> {
        match self {
            Condition::Inside(_, shape) | Condition::Distance(_, shape, ..) => vec![shape],
            Condition::InZoneArea(_, _, areas) => areas.iter().flatten().collect(),
            Condition::And(parts) | Condition::Or(parts) => parts.iter().flat_map(Condition::shapes).collect(),
            Condition::Not(inner) => inner.shapes(),
            Condition::Test(_) | Condition::In(..) => Vec::new(),
        }
    }

    /// The `distance(FIELD, PLACE)` questions it asks: the field, the
    /// place's name and shape.
    pub fn distances(&self) -> Vec<(FieldId, &str, &std::sync::Arc<crate::places::Shape>)> {
        match self {
            Condition::Distance(field, shape, name, ..) => vec![(*field, name.as_str(), shape)],
            Condition::And(parts) | Condition::Or(parts) => parts.iter().flat_map(Condition::distances).collect(),
            Condition::Not(inner) => inner.distances(),
            _ => Vec::new(),
        }
    }
}

/// A constant or a `for each` variable.
#[derive(Clone, Debug)]
pub enum Operand {
    /// A literal or zone, typed for the field.
    Const(Value),
    /// A variable of the enclosing rule.
    Var(VarId),
}

/// A typed value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A whole number.
    Int(i64),
    /// A decimal number, exact.
    Number(crate::number::Decimal),
    /// Text.
    Text(String),
    /// A boolean.
    Bool(bool),
    /// A declared zone.
    Zone(ZoneId),
    /// An instant.
    Time(DateTime<Utc>),
}

/// The importance of a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuleSeverity {
    /// Informational.
    Info,
    /// Minor.
    Minor,
    /// Major (the default).
    Major,
    /// Critical.
    Critical,
}

impl RuleSeverity {
    /// Every severity, least first.
    pub const ALL: [RuleSeverity; 4] = [
        RuleSeverity::Info,
        RuleSeverity::Minor,
        RuleSeverity::Major,
        RuleSeverity::Critical,
    ];

    /// The severity as written.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleSeverity::Info => "info",
            RuleSeverity::Minor => "minor",
            RuleSeverity::Major => "major",
            RuleSeverity::Critical => "critical",
        }
    }
}

/// A checked rule.
#[derive(Clone, Debug)]
pub struct Rule {
    /// The rule id.
    pub id: String,
    /// `title`.
    pub title: Option<String>,
    /// `ref`: the clause of the agreement.
    pub reference: Option<String>,
    /// `severity` (default major).
    pub severity: RuleSeverity,
    /// The whole rule.
    pub span: Span,
    /// The rule id as written.
    pub id_span: Span,
    /// The body without `for each` headers, as written, for reports.
    pub form_span: Span,
    /// The `for each` variables, outermost first.
    pub vars: Vec<Var>,
    /// One header per variable, outermost first.
    pub for_each: Vec<ForEach>,
    /// What the rule requires of each instance.
    pub form: Form,
    /// The evidence standard its observations must meet to count as
    /// certain: its own, or its file's (LANGUAGE-v2 §9.2).
    pub evidence: Option<Standard>,
}

/// An evidence standard: a condition over the pseudo-fields `sources`
/// ([`Standard::SOURCES`]: how many distinct sources) and `status`
/// ([`Standard::STATUS`]: the status as written).
#[derive(Clone, Debug)]
pub struct Standard {
    /// The condition.
    pub condition: Condition,
    /// The condition as written, for reports.
    pub text: String,
    /// Where it was written.
    pub span: Span,
}

impl Standard {
    /// The pseudo-field `sources`.
    pub const SOURCES: FieldId = FieldId(0);
    /// The pseudo-field `status`.
    pub const STATUS: FieldId = FieldId(1);
    /// The pseudo-fields with their types, by id.
    pub const FIELDS: [(&'static str, Type); 2] = [("sources", Type::Int), ("status", Type::Text)];
}

/// A `for each` variable.
#[derive(Clone, Debug)]
pub struct Var {
    /// Its name.
    pub name: String,
    /// The type of its values.
    pub ty: Type,
    /// Where it was bound.
    pub span: Span,
}

/// `for each VAR ...:`
#[derive(Clone, Debug)]
pub struct ForEach {
    /// The variable bound.
    pub var: VarId,
    /// Its values.
    pub domain: Domain,
}

/// The values of a `for each` variable.
#[derive(Clone, Debug)]
pub enum Domain {
    /// These zones, in declaration (or listed) order.
    Zones(Vec<ZoneId>),
    /// `A..B`, both included.
    Range(i64, i64),
    /// Each distinct value of the field seen in the log.
    Values(KindId, FieldId),
    /// These values, as listed (each gets its instance, seen in the log or not).
    List(Vec<Value>),
}

/// A rule's form with resolved parts (LANGUAGE.md §4). `at least` and
/// `at most` are aggregates of `count`.
#[derive(Clone, Debug)]
pub enum Form {
    /// `P precedes Q [within D]`
    Precedes {
        /// P
        first: Pattern,
        /// Q
        then: Pattern,
        /// D
        within: Option<Duration>,
    },
    /// `every P is (followed|preceded) by [no] Q [within D]`
    Every {
        /// P
        trigger: Pattern,
        /// Forward or back.
        direction: Direction,
        /// `no Q`.
        negated: bool,
        /// Q
        target: Pattern,
        /// D
        within: Option<Duration>,
    },
    /// `P occurs by A`
    OccursBy {
        /// P
        pattern: Pattern,
        /// A
        deadline: Anchor,
    },
    /// `P occurs within D after A`
    OccursWithin {
        /// P
        pattern: Pattern,
        /// D
        within: Duration,
        /// A
        after: Anchor,
    },
    /// `no P [daily HH:MM to HH:MM] WINDOW`
    Absence {
        /// P
        pattern: Pattern,
        /// The hours of each local day the window is restricted to.
        daily: Option<crate::time::DailyHours>,
        /// The window.
        window: Window,
    },
    /// `LHS CMP RHS [per D] WINDOW`
    Aggregate {
        /// The left side.
        lhs: Expr,
        /// The comparison.
        op: CmpOp,
        /// The right side.
        rhs: Expr,
        /// Tumbling slices of this length, if any.
        per: Option<Duration>,
        /// The hours of each local day the window is restricted to.
        daily: Option<crate::time::DailyHours>,
        /// The window.
        window: Window,
    },
}

/// A window of time.
#[derive(Clone, Debug)]
pub enum Window {
    /// `[start, end)` of the phase.
    During(PhaseId),
    /// `[A, B)`
    Between(Anchor, Anchor),
    /// `[A, ∞)`
    After(Anchor),
    /// `(-∞, A)`
    Before(Anchor),
    /// `[A, A + D]`
    WithinAfter(Duration, Anchor),
}

/// Arithmetic over aggregates.
#[derive(Clone, Debug)]
pub enum Expr {
    /// How many observations match.
    Count(Pattern),
    /// The sum of a numeric field over the matching observations.
    Sum(FieldId, Pattern),
    /// A constant, exact.
    Number(crate::number::Decimal),
    /// `E op E`
    Binary(ArithOp, Box<Expr>, Box<Expr>),
}

/// A `test` block, checked.
#[derive(Clone, Debug)]
pub struct Test {
    /// The test's name.
    pub name: String,
    /// Where it was written.
    pub span: Span,
    /// `as of`, if given.
    pub as_of: Option<DateTime<Utc>>,
    /// The log, in the order written.
    pub log: Vec<TestObservation>,
    /// What the test expects.
    pub expects: Vec<Expectation>,
}

/// One line of a test's log.
#[derive(Clone, Debug)]
pub struct TestObservation {
    /// When: the instant, or the first instant of its range.
    pub time: DateTime<Utc>,
    /// The end of its range (excluded), if it is one.
    pub until: Option<DateTime<Utc>>,
    /// Its sources (`source "A"`, `source ["A", "B"]`) where the kind
    /// declares no `source` field, distinct, in the order written.
    pub sources: Vec<String>,
    /// Its status (`status "confirmed"`) where the kind declares no
    /// `status` field.
    pub status: Option<String>,
    /// The event kind.
    pub kind: KindId,
    /// The fields given, typed.
    pub fields: Vec<(FieldId, Value)>,
    /// The positions given (`position (48.02, 37.80) ± 25km`).
    pub positions: Vec<(FieldId, crate::places::Position)>,
    /// Where it was written.
    pub span: Span,
}

/// `expect RULE VERDICT`
#[derive(Clone, Debug)]
pub struct Expectation {
    /// Index into [`Model::rules`].
    pub rule: usize,
    /// The verdict expected of the rule.
    pub verdict: Verdict,
    /// Where it was written.
    pub span: Span,
}
