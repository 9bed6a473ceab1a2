//! The stable diagnostic codes, their default severity, a short title, and
//! the long explanation kept in `docs/errors/CFnnnn.md`.

use super::severity::Severity;

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $num:literal, $severity:ident, $title:literal; )*) => {
        /// A stable diagnostic code (`CF` + four digits).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Every code, in numeric order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code as written: `CF0201`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => concat!("CF", $num),)* }
            }

            /// A name for the code in `UpperCamelCase`, as SARIF wants.
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => stringify!($variant),)* }
            }

            /// Whether diagnostics of this code are errors or warnings.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// A one-line description.
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title,)* }
            }

            /// The long explanation: a bad example, the fixed example, and why.
            pub fn explanation(self) -> &'static str {
                match self {
                    $(Code::$variant => include_str!(concat!("../../docs/errors/CF", $num, ".md")),)*
                }
            }
        }
    };
}

codes! {
    /// The text does not follow the grammar.
    SyntaxError = "0001", Error, "syntax error";
    /// A declaration's `{` with no matching `}` before the next declaration.
    UnclosedBrace = "0013", Error, "unclosed brace";
    /// Parentheses or `not`s nested beyond the limit.
    TooDeep = "0002", Error, "nesting too deep";
    /// A rule file that is not UTF-8.
    InvalidUtf8 = "0003", Error, "rule file is not valid UTF-8";
    /// A rule file larger than the limit.
    FileTooLarge = "0004", Error, "rule file too large";
    /// A time of day with no UTC offset.
    TimeWithoutOffset = "0005", Error, "time without a UTC offset";
    /// A timestamp that is not a real instant.
    InvalidTimestamp = "0006", Error, "invalid timestamp";
    /// A duration with an unknown or misplaced unit.
    InvalidDuration = "0007", Error, "invalid duration";
    /// A duration of zero.
    ZeroDuration = "0008", Error, "zero duration";
    /// A number that does not fit.
    NumberOutOfRange = "0009", Error, "number out of range";
    /// An unknown escape in a string.
    InvalidEscape = "0010", Error, "invalid escape in a string";
    /// A file that fails to parse and does not look like rule source; its text is not shown.
    NotRuleText = "0011", Error, "not a rule file";
    /// A local time a summer-time change skipped or repeated.
    LocalTimeNotOne = "0012", Error, "local time skipped or repeated";
    /// An included file that does not exist.
    IncludeNotFound = "0101", Error, "included file not found";
    /// Files that include each other.
    IncludeCycle = "0102", Error, "include cycle";
    /// An include of a folder, device or unreadable file.
    IncludeUnreadable = "0103", Error, "included file cannot be read";
    /// An include of a file whose name does not end in `.cfr`.
    IncludeNotRuleFile = "0104", Error, "include of a file that is not a `.cfr` rule file";
    /// An include that resolves outside `--include-root`.
    IncludeOutsideRoot = "0105", Error, "include outside the include root";
    /// An `area`, `line` or zone area whose GeoJSON file cannot be read.
    PlaceFileUnreadable = "0106", Error, "GeoJSON file cannot be read";
    /// A pattern names an event kind that is not declared.
    UndeclaredKind = "0201", Error, "undeclared event kind";
    /// A field that the event kind does not declare.
    UndeclaredField = "0202", Error, "undeclared field";
    /// A zone name that is not declared.
    UndeclaredZone = "0203", Error, "undeclared zone";
    /// A phase name that is not declared.
    UndeclaredPhase = "0204", Error, "undeclared phase";
    /// A condition names no declared area, line or zone with an area.
    UndeclaredPlace = "0225", Error, "undeclared area or line";
    /// A name that is no `for each` variable in scope.
    UndeclaredVariable = "0205", Error, "undeclared variable";
    /// An `expect` names a rule that does not exist.
    UnknownRule = "0206", Error, "unknown rule";
    /// Two declarations of the same name.
    DuplicateName = "0207", Error, "duplicate name";
    /// An event declares the same field twice.
    DuplicateField = "0208", Error, "duplicate field";
    /// A field type that does not exist.
    UnknownType = "0209", Error, "unknown field type";
    /// A severity that does not exist.
    UnknownSeverity = "0210", Error, "unknown severity";
    /// A rule gives `title`, `ref` or `severity` twice.
    DuplicateAttribute = "0211", Error, "duplicate rule attribute";
    /// More than one `agreement` in a file.
    DuplicateAgreement = "0212", Error, "more than one agreement";
    /// An `expect` names a verdict that does not exist.
    UnknownVerdict = "0213", Error, "unknown verdict";
    /// A field named `time` or `kind`, which logs use for themselves.
    ReservedField = "0214", Error, "reserved field name";
    /// A `for each` variable whose name is already taken.
    VariableConflict = "0215", Error, "variable name already taken";
    /// A file with two file-level `evidence` standards.
    DuplicateEvidence = "0216", Error, "more than one evidence standard in a file";
    /// A root file and its includes set more than one `calendar`.
    DuplicateCalendar = "0217", Error, "more than one calendar";
    /// A `calendar` that names no IANA time zone.
    UnknownCalendar = "0218", Error, "unknown time zone";
    /// A source sets something that is neither built in nor a declared field.
    UnknownSourceTarget = "0219", Error, "unknown source target";
    /// A source sets the same target twice.
    DuplicateSourceTarget = "0220", Error, "source target set twice";
    /// A source without `kind` or `time`.
    MissingSourceTarget = "0221", Error, "source without `kind` or `time`";
    /// `A .. B` for another target than `time`, or `split` for another than `source`.
    SourceValueNotAllowed = "0222", Error, "source value not allowed for its target";
    /// A map that gives the same key, or `else`, twice.
    DuplicateMapKey = "0223", Error, "map key given twice";
    /// A GeoJSON file that holds no usable geometry of the declared sort.
    InvalidGeometry = "0224", Error, "invalid geometry";
    /// `allow` with a code that does not exist or is not a warning's.
    AllowNotWarning = "0226", Error, "`allow` or `deny` of a code that is no warning";
    /// A `for each VAR in [...]` list that names the same value twice.
    DuplicateListValue = "0227", Error, "value listed twice";
    /// A literal or variable of the wrong type for its field.
    TypeMismatch = "0301", Error, "type mismatch";
    /// `sum` over a field that is not a number.
    NotNumeric = "0302", Error, "sum of a non-numeric field";
    /// An ordering comparison on a type without order.
    InvalidComparison = "0303", Error, "invalid comparison";
    /// A comparison with no aggregate on either side.
    ConstantComparison = "0304", Error, "comparison without an aggregate";
    /// A `for each` range whose end is before its start.
    EmptyRange = "0305", Error, "empty range";
    /// A `for each` that would make too many instances.
    TooManyInstances = "0306", Error, "too many rule instances";
    /// Phases defined from each other in a circle.
    PhaseCycle = "0401", Error, "phase cycle";
    /// A `between` range, or a phase, that ends before it starts.
    ReversedWindow = "0402", Error, "window ends before it starts";
    /// A rate or aggregate constraint with no window.
    MissingWindow = "0403", Error, "rate or aggregate without a window";
    /// A rate over a window with no start (`before A`).
    RateWithoutStart = "0404", Error, "rate over a window without a start";
    /// `daily HH:MM to HH:MM` with two equal times.
    EmptyDailyWindow = "0405", Error, "empty daily window";
    /// `daily` together with `per`.
    DailyWithPer = "0406", Error, "daily window with slices";
    /// Two tests with the same name.
    DuplicateTest = "0501", Error, "duplicate test name";
    /// A test with two `as of` lines.
    DuplicateAsOf = "0502", Error, "more than one `as of`";
    /// A log line gives the same field twice.
    DuplicateLogField = "0503", Error, "field given twice in a log line";
    /// A declaration that no rule uses.
    UnusedDeclaration = "0701", Warning, "declaration not used by any rule";
    /// A `for each` variable the body does not use.
    UnusedVariable = "0702", Warning, "unused variable";
    /// A window that is empty by construction.
    EmptyWindow = "0703", Warning, "empty window";
    /// A test without any `expect`.
    TestWithoutExpect = "0704", Warning, "test without expectations";
    /// A rate whose slices are longer than its window.
    NoCompleteSlice = "0705", Warning, "no slice fits in the window";
    /// `per 1d` or `per 1w` where a calendar is set: probably `per day` or `per week`.
    FixedSlicesUnderCalendar = "0706", Warning, "24-hour slices under a calendar";
    /// A title or ref says "day N" and the rule says `within Nd after`.
    DayNumberAsDuration = "0707", Warning, "\"day N\" written as N days after";
    /// A path on the command line that does not exist.
    PathNotFound = "0901", Error, "path not found";
    /// A folder with no rule files.
    NoRuleFiles = "0902", Error, "no rule files found";
    /// A file on the command line that cannot be read.
    CannotRead = "0903", Error, "cannot read file";
    /// `explain` with a code that does not exist.
    UnknownCode = "0904", Error, "unknown diagnostic code";
    /// The report cannot be written.
    CannotWrite = "0905", Error, "cannot write output";
    /// A log whose format cannot be told from its name.
    UnknownLogFormat = "0906", Error, "unknown log format";
    /// `--rule` names a rule that does not exist.
    UnknownRuleArgument = "0907", Error, "unknown rule in `--rule`";
    /// `--as-of` that is not a timestamp.
    InvalidAsOf = "0908", Error, "invalid `--as-of`";
    /// The formatter's output would not read back as the same rules (a bug).
    FormatChangedMeaning = "0909", Error, "formatting refused: it would change the file";
    /// The syntax-tree builder met a parse tree it does not know (a bug).
    UnexpectedParseTree = "0910", Error, "internal error: unexpected parse tree";
    /// `-o FILE` names a file the run reads.
    OutputIsInput = "0911", Error, "the output would overwrite an input";
    /// A rule's sum or arithmetic went past the range of exact numbers.
    OutOfExactRange = "0912", Error, "arithmetic past the range of exact numbers";
    /// `--log NAME=PATH` names no declared source.
    UnknownSource = "0913", Error, "unknown source in `--log`";
    /// `--baseline` that is no JSON report of `verify`.
    InvalidBaseline = "0914", Error, "invalid `--baseline`";
    /// A log record that is not well-formed JSON or CSV.
    MalformedRecord = "1001", Error, "malformed log record";
    /// A JSON Lines record that is not an object.
    NotAnObject = "1002", Error, "log record is not an object";
    /// A log record without `time`.
    MissingTime = "1003", Error, "log record without a time";
    /// A log record whose `time` cannot be read.
    InvalidTime = "1004", Error, "invalid time in a log record";
    /// A log record whose time has no UTC offset.
    LogTimeWithoutOffset = "1005", Error, "log time without a UTC offset";
    /// A log record without `kind`.
    MissingKind = "1006", Error, "log record without a kind";
    /// A log record whose `kind` is not a name.
    InvalidKind = "1007", Error, "invalid kind in a log record";
    /// A field value that does not fit the field's declared type.
    ValueDoesNotFit = "1008", Error, "log value does not fit its field";
    /// A log record that is not UTF-8.
    LogInvalidUtf8 = "1009", Error, "log record is not valid UTF-8";
    /// A CSV row with more or fewer cells than the header.
    RaggedRow = "1010", Error, "CSV row of the wrong length";
    /// A CSV header without `time` or `kind`.
    MissingColumn = "1011", Error, "CSV header without `time` or `kind`";
    /// A log file that cannot be read or decompressed.
    UnreadableLog = "1012", Error, "log cannot be read";
    /// A JSON Lines record that gives `time`, `kind` or a declared field twice.
    DuplicateKey = "1013", Error, "log record with a key twice";
    /// A CSV header that names a column twice.
    DuplicateColumn = "1014", Error, "CSV header names a column twice";
    /// A log in another encoding than UTF-8 (UTF-16, UTF-32).
    LogNotUtf8 = "1015", Error, "log not in UTF-8";
    /// A time range in a log that does not end after it starts.
    BackwardsTimeRange = "1016", Error, "time range that does not end after it starts";
    /// A log time without an offset that a summer-time change skipped or repeated.
    LogLocalTimeNotOne = "1017", Error, "local time skipped or repeated in a log";
    /// A log read through a source lacks a column the source reads.
    MissingSourceColumn = "1018", Error, "log without a column its source reads";
    /// Observations of kinds no rule uses.
    UnusedKind = "1101", Warning, "observations no rule uses";
    /// Observations of kinds no declaration names.
    UndeclaredLogKind = "1102", Warning, "undeclared kind in the log";
    /// Zone values no declaration names.
    UndeclaredLogZone = "1103", Warning, "undeclared zone in the log";
    /// Two records with the same `id`.
    DuplicateId = "1104", Warning, "duplicate observation id";
    /// Records earlier than the record before them.
    OutOfOrder = "1105", Warning, "records out of time order";
    /// Observations after `--as-of`, which are not judged.
    AfterAsOf = "1106", Warning, "observations after the horizon";
    /// Objects and arrays, which are not fields.
    NestedValue = "1107", Warning, "nested value ignored";
    /// A log without observations.
    EmptyLog = "1108", Warning, "no observations";
    /// Invalid records skipped under `--skip-invalid`.
    SkippedRecords = "1109", Warning, "invalid records skipped";
    /// A source's map sent every record of a log to `skip`.
    MapSkipsEverything = "1110", Warning, "a map skipped every record";
    /// A column a source reads is empty in every record of a log.
    EmptyColumn = "1111", Warning, "column empty in every record";
}

impl Code {
    /// Looks a code up by its text, ignoring case: `CF0201`, `cf0201`, or just `0201`.
    pub fn parse(text: &str) -> Option<Code> {
        let text = text.trim();
        let digits = text
            .strip_prefix("CF")
            .or_else(|| text.strip_prefix("cf"))
            .or_else(|| text.strip_prefix("Cf"))
            .or_else(|| text.strip_prefix("cF"))
            .unwrap_or(text);
        Code::ALL.iter().copied().find(|c| &c.as_str()[2..] == digits)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
