//! What does the spec say should happen? Loading and running the YAML cases
//! under `spec-cases/` (format: `spec-cases/README.md`).
//!
//! This is the one module besides the CLI that reads files. Loading checks
//! everything a case file can get wrong (unknown keys, a bad structure name,
//! hex that is not whole bytes, two cases with one id, an expectation of the
//! wrong shape) and names the file, the line and the field.

pub mod compare;
pub mod corpus;
pub mod doc;
pub mod expected;
pub mod glob;
pub mod levels;
pub mod mapi_http;
pub mod regression;
pub mod requirements;
pub mod run;
pub mod sequence;
pub mod trace;
pub mod verdict;
pub mod wire;

use crate::wire::{Layout, Structure};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// A case file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    /// `wire` (the default) for byte cases.
    #[serde(default)]
    #[allow(dead_code)]
    kind: Option<String>,
    /// Default structure of the file's cases.
    #[serde(default)]
    structure: Option<String>,
    /// Default layout of the file's cases.
    #[serde(default)]
    layout: Option<String>,
    /// What the file covers.
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
    cases: Vec<RawCase>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    id: String,
    description: String,
    #[serde(default)]
    structure: Option<String>,
    #[serde(default)]
    layout: Option<String>,
    sections: Vec<String>,
    requirements: Vec<String>,
    #[serde(default)]
    bytes: Option<String>,
    #[serde(default)]
    value: Option<Value>,
    #[serde(default)]
    grade: Option<String>,
    expect: RawExpect,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExpect {
    #[serde(default)]
    value: Option<Value>,
    #[serde(default)]
    findings: Option<Vec<String>>,
    #[serde(default)]
    error: Option<ExpectedError>,
    #[serde(default)]
    encode_error: Option<ExpectedEncodeError>,
    #[serde(default)]
    also: Vec<RawAlso>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAlso {
    reading: String,
    #[serde(default)]
    value: Option<Value>,
    #[serde(default)]
    findings: Option<Vec<String>>,
    #[serde(default)]
    error: Option<AnyError>,
}

/// A framing error an alternative reading accepts: any error, or one of
/// this kind, at this field.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AnyError {
    /// The error kind, if the reading pins it.
    #[serde(default)]
    pub kind: Option<String>,
    /// The field path, if the reading pins it.
    #[serde(default)]
    pub field: Option<String>,
}

/// Another conforming answer to a decode case, where the spec leaves the
/// reading open: the case's own expectation is the reference's reading;
/// an implementation that gives one of these instead is INFO, with the
/// reading named, not FAIL.
#[derive(Debug, Clone, PartialEq)]
pub struct Alternative {
    /// What reading this is, in a sentence (shown in the report).
    pub reading: String,
    /// What the reading gives.
    pub answer: AltAnswer,
}

/// What an alternative reading gives.
#[derive(Debug, Clone, PartialEq)]
pub enum AltAnswer {
    /// The bytes are refused.
    Error(AnyError),
    /// The bytes decode to this value (if given) with these findings (if
    /// given and the decoder reports findings).
    Decode {
        /// The value, compared field by field.
        value: Option<Value>,
        /// Requirement IDs of the findings, sorted.
        findings: Option<Vec<String>>,
    },
}

/// The framing error a case expects.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ExpectedError {
    /// The error kind (`Truncated`, …).
    pub kind: String,
    /// The field path.
    pub field: String,
    /// The byte offset, when the case pins it.
    #[serde(default)]
    pub offset: Option<usize>,
}

/// The encoder refusal a case expects.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ExpectedEncodeError {
    /// The field path the refusal must name.
    pub field: String,
}

/// What a case expects.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// The bytes decode to this value with exactly these findings (by
    /// requirement ID, as a multiset; empty for a conforming input), and the
    /// decoded value encodes back to the bytes. With `value: None` only the
    /// findings (and the round trip) are checked.
    Decode {
        /// The value, if the case gives one.
        value: Option<Value>,
        /// Requirement IDs of the findings, sorted.
        findings: Vec<String>,
        /// Other conforming readings (`also:`), where the spec leaves the
        /// reading open.
        also: Vec<Alternative>,
    },
    /// The bytes do not frame: this error.
    Error(ExpectedError),
    /// The case's input value must be refused by the encoder, naming this field.
    EncodeError(ExpectedEncodeError),
}

/// What every kind of case has, whatever it checks: for reports and
/// selection.
pub trait CaseMeta {
    /// Stable id.
    fn id(&self) -> &str;
    /// One line saying what it checks.
    fn description(&self) -> &str;
    /// Spec sections it verifies.
    fn sections(&self) -> &[String];
    /// Requirement IDs it verifies.
    fn requirements(&self) -> &[String];
    /// The case file.
    fn file(&self) -> &Path;
    /// The line of the case in its file.
    fn line(&self) -> usize;
}

macro_rules! case_meta {
    ($t:ty, $sections:ident, $requirements:ident) => {
        impl CaseMeta for $t {
            fn id(&self) -> &str {
                &self.id
            }
            fn description(&self) -> &str {
                &self.description
            }
            fn sections(&self) -> &[String] {
                case_meta!(@list self, $sections)
            }
            fn requirements(&self) -> &[String] {
                case_meta!(@list self, $requirements)
            }
            fn file(&self) -> &Path {
                &self.file
            }
            fn line(&self) -> usize {
                self.line
            }
        }
    };
    (@list $s:ident, none) => {
        &[]
    };
    (@list $s:ident, $f:ident) => {
        &$s.$f
    };
}

case_meta!(Case, sections, requirements);
case_meta!(sequence::SequenceCase, sections, requirements);
case_meta!(trace::TraceCase, sections, requirements);
case_meta!(regression::RegressionCase, none, none);
case_meta!(mapi_http::MapiHttpCase, sections, requirements);

/// One loaded case.
#[derive(Debug, Clone)]
pub struct Case {
    /// Stable id.
    pub id: String,
    /// One line saying what it checks.
    pub description: String,
    /// The structure.
    pub structure: Structure,
    /// The request reading.
    pub layout: Layout,
    /// Spec sections.
    pub sections: Vec<String>,
    /// Requirement IDs verified.
    pub requirements: Vec<String>,
    /// The input bytes (absent for encoder-refusal cases).
    pub bytes: Option<Vec<u8>>,
    /// The annotated hex as written.
    pub bytes_text: Option<String>,
    /// The input value of an encoder-refusal case.
    pub value: Option<Value>,
    /// The expectation.
    pub expect: Expect,
    /// How strong the case's checks are (`grade:`; default MUST).
    pub grade: run::Grade,
    /// The file it came from.
    pub file: PathBuf,
    /// Its line in that file.
    pub line: usize,
}

/// A case file that cannot be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The file.
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// The field (`cases[3].expect`, `bytes`, …).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
        }
        if !self.field.is_empty() {
            write!(f, ": {}", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for LoadError {}

/// Every `*.yaml` file under `dir`, sorted.
pub fn case_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| LoadError {
            file: d.clone(),
            line: None,
            field: String::new(),
            message: e.to_string(),
        })?;
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Loads every wire case under `dir`, refusing duplicate ids (across all kinds).
pub fn load_dir(dir: &Path) -> Result<Vec<Case>, LoadError> {
    load_suite(dir).map(|s| s.wire)
}

/// Loads one case file.
pub fn load_file(path: &Path) -> Result<Vec<Case>, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|e| LoadError {
        file: path.into(),
        line: None,
        field: String::new(),
        message: e.to_string(),
    })?;
    parse_file(path, &text)
}

/// Parses YAML text into `T`, reporting a syntax or shape error with the
/// file and line.
pub(crate) fn parse_yaml<T: serde::de::DeserializeOwned>(path: &Path, text: &str) -> Result<T, LoadError> {
    serde_yaml::from_str(text).map_err(|e| LoadError {
        file: path.into(),
        line: e.location().map(|l| l.line()),
        field: String::new(),
        message: e.to_string(),
    })
}

/// The kind of a case file: `wire` (no `kind` key), `sequence`, `trace`, `regression` or `mapi-http`.
pub fn file_kind(path: &Path, text: &str) -> Result<String, LoadError> {
    #[derive(Deserialize)]
    struct Kind {
        #[serde(default)]
        kind: Option<String>,
    }
    let k: Kind = parse_yaml(path, text)?;
    let kind = k.kind.unwrap_or_else(|| "wire".into());
    if !["wire", "sequence", "trace", "regression", "mapi-http"].contains(&kind.as_str()) {
        return Err(LoadError {
            file: path.into(),
            line: None,
            field: "kind".into(),
            message: format!("{kind:?} is not wire, sequence, trace, regression or mapi-http"),
        });
    }
    Ok(kind)
}

/// Every case under a directory, by kind, with ids unique across kinds.
#[derive(Debug, Clone, Default)]
pub struct Suite {
    /// Byte-level cases.
    pub wire: Vec<Case>,
    /// Sequence cases against a server.
    pub sequences: Vec<sequence::SequenceCase>,
    /// Client trace cases.
    pub traces: Vec<trace::TraceCase>,
    /// Fuzz regression inputs.
    pub regressions: Vec<regression::RegressionCase>,
    /// MAPI over HTTP cases against a mailbox endpoint.
    pub mapi_http: Vec<mapi_http::MapiHttpCase>,
}

impl Suite {
    /// Number of cases of every kind.
    pub fn len(&self) -> usize {
        self.wire.len() + self.sequences.len() + self.traces.len() + self.regressions.len() + self.mapi_http.len()
    }

    /// Whether there is no case at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Loads every case file under `dir`.
pub fn load_suite(dir: &Path) -> Result<Suite, LoadError> {
    let mut files = Vec::new();
    for f in case_files(dir)? {
        let text = std::fs::read_to_string(&f).map_err(|e| LoadError {
            file: f.clone(),
            line: None,
            field: String::new(),
            message: e.to_string(),
        })?;
        files.push((f, text));
    }
    load_texts(&files)
}

/// The suite compiled into this build (`spec-cases/` as it was then), with
/// its files named `spec-cases/…`: what runs when there is no `spec-cases/`
/// directory here (an installed binary run anywhere).
pub fn builtin_files() -> Vec<(PathBuf, String)> {
    static DIR: include_dir::Dir<'static> = include_dir::include_dir!("$CARGO_MANIFEST_DIR/spec-cases");
    let mut out = Vec::new();
    let mut stack = vec![&DIR];
    while let Some(d) = stack.pop() {
        for e in d.entries() {
            match e {
                include_dir::DirEntry::Dir(sub) => stack.push(sub),
                include_dir::DirEntry::File(f) => {
                    let p = f.path();
                    if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                        if let Some(text) = f.contents_utf8() {
                            out.push((Path::new("spec-cases").join(p), text.to_string()));
                        }
                    }
                }
            }
        }
    }
    out.sort();
    out
}

/// A short fingerprint of the built-in suite (its files' names and bytes),
/// for `oxcnotif --version`.
pub fn builtin_revision() -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let files = builtin_files();
    for (p, t) in &files {
        for b in p.to_string_lossy().bytes().chain([0]).chain(t.bytes()) {
            h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{:012x} ({} files)", h & 0xffff_ffff_ffff, files.len())
}

/// Loads `dir`, or the built-in suite when `dir` is the default
/// `spec-cases` and no such directory is here.
pub fn load_suite_or_builtin(dir: &Path) -> Result<Suite, LoadError> {
    if dir == Path::new("spec-cases") && !dir.is_dir() {
        load_texts(&builtin_files())
    } else {
        load_suite(dir)
    }
}

/// Loads a suite from case files already read: `(path, text)`, in order.
pub fn load_texts(files: &[(PathBuf, String)]) -> Result<Suite, LoadError> {
    let mut suite = Suite::default();
    let mut seen: BTreeMap<String, (PathBuf, usize)> = BTreeMap::new();
    let mut check = |id: &str, file: &Path, line: usize, text: &str| -> Result<(), LoadError> {
        if let Some((pf, pl)) = seen.get(id) {
            // A repeat in the same file: the case's own line is the first
            // declaration after the one already seen.
            let line = if pf == file { lines_of_id(text, id).find(|l| l > pl).unwrap_or(line) } else { line };
            return Err(LoadError {
                file: file.into(),
                line: Some(line),
                field: "id".into(),
                message: format!("{id:?} is already used at {}:{}", pf.display(), pl),
            });
        }
        seen.insert(id.to_string(), (file.into(), line));
        Ok(())
    };
    for (f, text) in files {
        let (f, text) = (f.as_path(), text.as_str());
        match file_kind(f, text)?.as_str() {
            "sequence" => {
                for c in sequence::parse_file(f, text)? {
                    check(&c.id, &c.file, c.line, text)?;
                    suite.sequences.push(c);
                }
            }
            "trace" => {
                for c in trace::parse_file(f, text)? {
                    check(&c.id, &c.file, c.line, text)?;
                    suite.traces.push(c);
                }
            }
            "regression" => {
                for c in regression::parse_file(f, text)? {
                    check(&c.id, &c.file, c.line, text)?;
                    suite.regressions.push(c);
                }
            }
            "mapi-http" => {
                for c in mapi_http::parse_file(f, text)? {
                    check(&c.id, &c.file, c.line, text)?;
                    suite.mapi_http.push(c);
                }
            }
            _ => {
                for c in parse_file(f, text)? {
                    check(&c.id, &c.file, c.line, text)?;
                    suite.wire.push(c);
                }
            }
        }
    }
    Ok(suite)
}

/// Checks the keys every kind of case shares: id, sections, requirements.
pub(crate) fn check_common(
    id: &str,
    sections: &[String],
    requirements: &[String],
) -> Result<(), (&'static str, String)> {
    if !valid_id(id) {
        return Err(("id", "an id is lower-case letters, digits, '.', '-' and '_', starting with a letter".into()));
    }
    if requirements.is_empty() {
        return Err(("requirements", "a case verifies at least one requirement".into()));
    }
    for r in requirements {
        if !requirements::looks_like_id(r) {
            return Err(("requirements", format!("{r:?} is not a requirement ID like MS-OXCNOTIF_R179")));
        }
    }
    if sections.is_empty() {
        return Err(("sections", "a case names at least one spec section".into()));
    }
    for sec in sections {
        if !looks_like_section(sec) {
            return Err(("sections", format!("{sec:?} is not a section like \"MS-OXCNOTIF 2.2.1.4.1.2\"")));
        }
    }
    Ok(())
}

/// Parses wire case-file text (`path` is for messages); a file of another
/// kind gives no wire cases.
pub fn parse_file(path: &Path, text: &str) -> Result<Vec<Case>, LoadError> {
    if file_kind(path, text)? != "wire" {
        return Ok(Vec::new());
    }
    let raw: RawFile = parse_yaml(path, text)?;
    let mut out = Vec::with_capacity(raw.cases.len());
    for (i, rc) in raw.cases.into_iter().enumerate() {
        let line = line_of_id(text, &rc.id);
        let err = |field: &str, message: String| LoadError {
            file: path.into(),
            line,
            field: format!("cases[{i}] ({}).{field}", rc.id),
            message,
        };
        check_common(&rc.id, &rc.sections, &rc.requirements).map_err(|(f, m)| err(f, m))?;
        let sname = rc
            .structure
            .as_deref()
            .or(raw.structure.as_deref())
            .ok_or_else(|| err("structure", "missing (give it on the case or once for the file)".into()))?;
        let structure = Structure::from_name(sname).ok_or_else(|| {
            err(
                "structure",
                format!(
                    "{sname:?} is not a structure; one of {}",
                    Structure::ALL.iter().map(|s| s.name()).collect::<Vec<_>>().join(", ")
                ),
            )
        })?;
        let lname = rc.layout.as_deref().or(raw.layout.as_deref()).unwrap_or("spec");
        let layout =
            Layout::from_name(lname).ok_or_else(|| err("layout", format!("{lname:?} is not spec or legacy")))?;
        let bytes = match &rc.bytes {
            Some(t) => Some(crate::hex::parse(t).map_err(|e| err("bytes", e.to_string()))?),
            None => None,
        };
        let grade = match rc.grade.as_deref() {
            None => run::Grade::Must,
            Some(g) => {
                run::Grade::from_name(g).ok_or_else(|| err("grade", format!("{g:?} is not must, should or info")))?
            }
        };
        let e = rc.expect;
        let shapes = [e.value.is_some() || e.findings.is_some(), e.error.is_some(), e.encode_error.is_some()];
        if shapes.iter().filter(|x| **x).count() != 1 {
            return Err(err(
                "expect",
                "give exactly one expectation: value and/or findings, or error, or encode_error".into(),
            ));
        }
        if !e.also.is_empty() && !shapes[0] {
            return Err(err(
                "expect.also",
                "other readings go with a decode expectation (value and/or findings)".into(),
            ));
        }
        let expect = if let Some(ee) = e.encode_error {
            if rc.value.is_none() || bytes.is_some() {
                return Err(err("value", "an encode_error case gives an input value and no bytes".into()));
            }
            Expect::EncodeError(ee)
        } else {
            if bytes.is_none() || rc.value.is_some() {
                return Err(err("bytes", "a decode case gives bytes and no input value".into()));
            }
            match e.error {
                Some(er) if !ERROR_KINDS.contains(&er.kind.as_str()) => {
                    return Err(err(
                        "expect.error.kind",
                        format!("{:?} is not one of {}", er.kind, ERROR_KINDS.join(", ")),
                    ))
                }
                Some(er) => Expect::Error(er),
                None => {
                    let mut findings = e.findings.unwrap_or_default();
                    findings.sort();
                    let mut also = Vec::new();
                    for (k, a) in e.also.into_iter().enumerate() {
                        let at = |f: &str| format!("expect.also[{k}]{f}");
                        if a.reading.trim().is_empty() {
                            return Err(err(&at(".reading"), "name the reading in a sentence".into()));
                        }
                        let answer = match (a.error, a.value, a.findings) {
                            (Some(er), None, None) => {
                                if let Some(kind) = er.kind.as_deref().filter(|k| !ERROR_KINDS.contains(k)) {
                                    return Err(err(
                                        &at(".error.kind"),
                                        format!("{kind:?} is not one of {}", ERROR_KINDS.join(", ")),
                                    ));
                                }
                                AltAnswer::Error(er)
                            }
                            (None, value, findings) if value.is_some() || findings.is_some() => AltAnswer::Decode {
                                value,
                                findings: findings.map(|mut f| {
                                    f.sort();
                                    f
                                }),
                            },
                            _ => {
                                return Err(err(
                                    &at(""),
                                    "an alternative reading gives error, or value and/or findings".into(),
                                ))
                            }
                        };
                        also.push(Alternative { reading: a.reading, answer });
                    }
                    Expect::Decode { value: e.value, findings, also }
                }
            }
        };
        out.push(Case {
            id: rc.id,
            description: rc.description,
            structure,
            layout,
            sections: rc.sections,
            requirements: rc.requirements,
            bytes,
            bytes_text: rc.bytes,
            value: rc.value,
            expect,
            grade,
            file: path.into(),
            line: line.unwrap_or(0),
        });
    }
    Ok(out)
}

/// The framing error kinds (`ErrorKind::name`).
pub const ERROR_KINDS: &[&str] = &[
    "Truncated",
    "RopSizeTooSmall",
    "UnexpectedRopId",
    "PartialHandle",
    "TrailingBytes",
    "UndefinedValue",
    "UnsupportedPropertyType",
    "BadMatchOffset",
    "SizeExceeded",
    "AuxSizeTooSmall",
    "MissingCrlf",
    "UnknownMetaTag",
    "HeaderBeforeDone",
    "MissingDone",
    "MalformedHeader",
    "LineTooLong",
];

fn looks_like_section(s: &str) -> bool {
    let Some((doc, num)) = s.split_once(' ') else { return false };
    doc.starts_with("MS-OX")
        && doc[3..].chars().all(|c| c.is_ascii_uppercase())
        && !num.is_empty()
        && num.split('.').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

fn valid_id(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase())
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'))
}

pub(crate) fn line_of_id(text: &str, id: &str) -> Option<usize> {
    lines_of_id(text, id).next()
}

/// Every line (1-based) that declares case `id`.
fn lines_of_id<'a>(text: &'a str, id: &'a str) -> impl Iterator<Item = usize> + 'a {
    text.lines().enumerate().filter_map(move |(i, l)| {
        let t = l.trim_start().trim_start_matches("- ").trim_start();
        t.strip_prefix("id:")
            .is_some_and(|rest| rest.trim().trim_matches(|c| c == '"' || c == '\'') == id)
            .then_some(i + 1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Case>, LoadError> {
        parse_file(Path::new("t.yaml"), text)
    }

    const GOOD: &str = "structure: pending-response\ncases:\n  - id: a.b\n    description: d\n    sections: [MS-OXCROPS 2.2.14.3.1]\n    requirements: [MS-OXCROPS_R4436]\n    bytes: |\n      6e   # RopId\n      0100 # SessionIndex\n    expect:\n      value: {RopId: 0x6E, SessionIndex: 1}\n";

    #[test]
    fn loads_a_case_with_its_line() {
        let c = parse(GOOD).unwrap();
        assert_eq!(c[0].id, "a.b");
        assert_eq!(c[0].line, 3);
        assert_eq!(c[0].bytes.as_deref(), Some(&[0x6e, 1, 0][..]));
    }

    #[test]
    fn load_errors_name_file_line_and_field() {
        let e = parse(&GOOD.replace("0100 # Session", "010 # Session")).unwrap_err();
        assert_eq!(e.field, "cases[0] (a.b).bytes");
        assert_eq!(e.line, Some(3));
        let e = parse(&GOOD.replace("description: d", "descripton: d")).unwrap_err();
        assert!(e.message.contains("unknown field `descripton`"), "{e}");
        assert_eq!(e.line, Some(4));
        let e = parse(&GOOD.replace("pending-response", "pending")).unwrap_err();
        assert!(e.to_string().starts_with("t.yaml:3: cases[0] (a.b).structure"), "{e}");
        let e =
            parse(&GOOD.replace(
                "value: {RopId: 0x6E, SessionIndex: 1}",
                "error: {kind: Truncated, field: X}\n      value: {}",
            ))
            .unwrap_err();
        assert_eq!(e.field, "cases[0] (a.b).expect");
    }

    #[test]
    fn a_repeated_id_is_reported_at_the_repeat() {
        let dir = std::env::temp_dir().join(format!("oxcnotif-dup-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let case = "  - id: a.b\n    description: d\n    sections: [MS-OXCROPS 2.2.14.3.1]\n    requirements: [MS-OXCROPS_R4436]\n    bytes: \"6e0100\"\n    expect: {value: {RopId: 0x6E, SessionIndex: 1}}\n";
        std::fs::write(dir.join("p.yaml"), format!("structure: pending-response\ncases:\n{case}{case}")).unwrap();
        let e = load_suite(&dir).unwrap_err();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(e.line, Some(9), "{e}");
        assert!(e.message.ends_with("p.yaml:3"), "{e}");
    }
}
