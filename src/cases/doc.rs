//! Documents the command line reads from a file or standard input (the
//! value `encode` reads, a client trace, an expected-failures list): JSON
//! is parsed as JSON and YAML as YAML.
//!
//! Which one: a name ending in `.json` is JSON, one ending in `.yaml` or
//! `.yml` is YAML; standard input, or a file with any other name, is JSON
//! when its first non-blank character is `{` or `[`, YAML otherwise. JSON
//! goes through serde_json, so a trailing comma or a key given twice is an
//! error naming its line and column (a YAML parser would accept the first
//! and keep the last value of the second).

use serde::de::{DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use std::path::Path;

/// The syntax a document is read with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// serde_json.
    Json,
    /// serde_yaml.
    Yaml,
}

impl Syntax {
    /// The syntax of a document called `name` (`None`: standard input)
    /// holding `text`.
    pub fn of(name: Option<&Path>, text: &str) -> Syntax {
        let ext = name.and_then(|p| p.extension()).and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("json") => Syntax::Json,
            Some("yaml" | "yml") => Syntax::Yaml,
            _ if text.trim_start().starts_with(['{', '[']) => Syntax::Json,
            _ => Syntax::Yaml,
        }
    }

    /// `JSON` or `YAML`.
    pub fn name(self) -> &'static str {
        match self {
            Syntax::Json => "JSON",
            Syntax::Yaml => "YAML",
        }
    }
}

/// Why a document does not read, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocError {
    /// 1-based line, when the parser knows it.
    pub line: Option<usize>,
    /// 1-based column, when the parser knows it.
    pub column: Option<usize>,
    /// What is wrong (without the position).
    pub message: String,
}

impl std::fmt::Display for DocError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: {}", self.message),
            (Some(l), None) => write!(f, "line {l}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

/// A message without the ` at line L column C` the parsers append.
fn without_position(m: String) -> String {
    match m.rfind(" at line ") {
        Some(i) if m[i + 9..].split(' ').next().is_some_and(|n| n.parse::<usize>().is_ok()) => m[..i].to_string(),
        _ => m,
    }
}

fn json_error(e: serde_json::Error) -> DocError {
    let at = e.line() > 0;
    DocError {
        line: at.then_some(e.line()),
        column: at.then_some(e.column()),
        message: without_position(e.to_string()),
    }
}

fn yaml_error(e: serde_yaml::Error) -> DocError {
    let loc = e.location();
    DocError {
        line: loc.as_ref().map(|l| l.line()),
        column: loc.as_ref().map(|l| l.column()),
        message: without_position(e.to_string()),
    }
}

/// Reads `text` as `syntax` into a `T`.
pub fn parse<T: DeserializeOwned>(text: &str, syntax: Syntax) -> Result<T, DocError> {
    match syntax {
        Syntax::Json => {
            // First the syntax and repeated keys, anywhere in the document,
            // then the shape `T` wants; both with their position.
            serde_json::from_str::<NoRepeatedKeys>(text).map_err(json_error)?;
            serde_json::from_str(text).map_err(json_error)
        }
        Syntax::Yaml => serde_yaml::from_str(text).map_err(yaml_error),
    }
}

/// Reads a document called `name` (`None`: standard input), choosing the
/// syntax by [`Syntax::of`].
pub fn parse_named<T: DeserializeOwned>(name: Option<&Path>, text: &str) -> Result<T, DocError> {
    parse(text, Syntax::of(name, text))
}

/// Any JSON document in which no object gives a key twice.
struct NoRepeatedKeys;

impl<'de> serde::Deserialize<'de> for NoRepeatedKeys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NoRepeatedKeys)
    }
}

impl<'de> Visitor<'de> for NoRepeatedKeys {
    type Value = NoRepeatedKeys;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_unit<E>(self) -> Result<Self, E> {
        Ok(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Self, A::Error> {
        while a.next_element::<NoRepeatedKeys>()?.is_some() {}
        Ok(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self, A::Error> {
        let mut seen = std::collections::BTreeSet::new();
        while let Some(k) = a.next_key::<String>()? {
            if !seen.insert(k.clone()) {
                return Err(serde::de::Error::custom(format!("key {k:?} is given twice")));
            }
            a.next_value::<NoRepeatedKeys>()?;
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn the_syntax_is_chosen_by_name_then_by_content() {
        assert_eq!(Syntax::of(Some(Path::new("a.json")), "x: 1"), Syntax::Json);
        assert_eq!(Syntax::of(Some(Path::new("a.YML")), "{}"), Syntax::Yaml);
        assert_eq!(Syntax::of(None, "  \n{\"a\": 1}"), Syntax::Json);
        assert_eq!(Syntax::of(None, "[1]"), Syntax::Json);
        assert_eq!(Syntax::of(Some(Path::new("value.txt")), "a: 1"), Syntax::Yaml);
    }

    #[test]
    fn json_refuses_trailing_commas_and_repeated_keys_with_their_position() {
        let e = parse::<Value>("{\"a\": 1,\n}", Syntax::Json).unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(1)), "{e}");
        assert!(e.message.contains("trailing comma"), "{e}");
        let e = parse::<Value>("{\n  \"a\": 1,\n  \"b\": {\"c\": 1, \"c\": 2}\n}", Syntax::Json).unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.to_string().starts_with("line 3, column "), "{e}");
        assert!(e.message.contains("key \"c\" is given twice"), "{e}");
        assert_eq!(parse::<Value>("{\"a\": [1, {\"b\": null}]}", Syntax::Json).unwrap()["a"][1]["b"], Value::Null);
    }

    #[test]
    fn yaml_stays_yaml() {
        let v: Value = parse("a: 1\nb: [x, y]\n", Syntax::Yaml).unwrap();
        assert_eq!(v["b"][1], "y");
        let e = parse::<Value>("a: [1\n", Syntax::Yaml).unwrap_err();
        assert!(e.line.is_some(), "{e}");
    }
}
