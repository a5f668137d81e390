//! Reading `kind: mapi-http` case files, field by field, with errors that
//! name the case, the step and the key.

use super::*;
use crate::cases::LoadError;
use serde::Deserialize;
use serde_json::Map;
use std::path::Path;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    kind: String,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
    cases: Vec<RawCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    id: String,
    description: String,
    sections: Vec<String>,
    requirements: Vec<String>,
    #[serde(default)]
    grade: Option<String>,
    #[serde(default)]
    server: Option<Value>,
    steps: Vec<Value>,
    #[serde(default)]
    cleanup: Vec<Value>,
}

/// Parses a `kind: mapi-http` file.
pub fn parse_file(path: &Path, text: &str) -> Result<Vec<MapiHttpCase>, LoadError> {
    let raw: RawFile = crate::cases::parse_yaml(path, text)?;
    if raw.kind != "mapi-http" {
        return Err(LoadError {
            file: path.into(),
            line: Some(1),
            field: "kind".into(),
            message: "expected mapi-http".into(),
        });
    }
    let mut out = Vec::new();
    for (i, rc) in raw.cases.into_iter().enumerate() {
        let line = crate::cases::line_of_id(text, &rc.id);
        let err = |field: String, message: String| LoadError {
            file: path.into(),
            line,
            field: format!("cases[{i}] ({}).{field}", rc.id).trim_end_matches('.').to_string(),
            message,
        };
        crate::cases::check_common(&rc.id, &rc.sections, &rc.requirements).map_err(|(f, m)| err(f.into(), m))?;
        let grade = match rc.grade.as_deref() {
            None => Grade::Must,
            Some(g) => {
                Grade::from_name(g).ok_or_else(|| err("grade".into(), format!("{g:?} is not must, should or info")))?
            }
        };
        let server = match &rc.server {
            None => ServerOptions::default(),
            Some(v) => server_options(v).map_err(|(f, m)| err(format!("server.{f}"), m))?,
        };
        let mut steps = Vec::new();
        let mut held: Vec<String> = Vec::new();
        for (k, s) in rc.steps.iter().enumerate() {
            let step = parse_step(s).map_err(|(f, m)| err(format!("steps[{k}].{f}"), m))?;
            for r in step.requirements.iter().flatten() {
                if !rc.requirements.contains(r) {
                    return Err(err(
                        format!("steps[{k}].requirements"),
                        format!("{r} is not among the case's requirements; list it there too"),
                    ));
                }
            }
            match &step.action {
                Action::Request(r) if r.hold => {
                    if held.contains(&step.session) {
                        return Err(err(
                            format!("steps[{k}].hold"),
                            format!("session {} already holds a request", step.session),
                        ));
                    }
                    held.push(step.session.clone());
                }
                Action::Await(s) => {
                    if !held.contains(s) {
                        return Err(err(format!("steps[{k}].await"), format!("session {s} holds no request to await")));
                    }
                    held.retain(|h| h != s);
                }
                _ => {}
            }
            steps.push(step);
        }
        if let Some(s) = held.first() {
            return Err(err("steps".into(), format!("session {s} holds a request no `await` step completes")));
        }
        if steps.is_empty() {
            return Err(err("steps".into(), "a case has at least one step".into()));
        }
        for (k, c) in rc.cleanup.iter().enumerate() {
            let ok = c.as_object().is_some_and(|o| o.contains_key("RopsList"));
            if !ok {
                return Err(err(
                    format!("cleanup[{k}]"),
                    "a cleanup entry is a ROP input buffer: {RopsList: [...], ServerObjectHandleTable: [...]}".into(),
                ));
            }
        }
        out.push(MapiHttpCase {
            id: rc.id,
            description: rc.description,
            sections: rc.sections,
            requirements: rc.requirements,
            grade,
            server,
            steps,
            cleanup: rc.cleanup,
            file: path.into(),
            line: line.unwrap_or(1),
        });
    }
    Ok(out)
}

type Bad = (String, String);

fn bad(field: &str, message: impl Into<String>) -> Bad {
    (field.to_string(), message.into())
}

fn server_options(v: &Value) -> Result<ServerOptions, Bad> {
    let Value::Object(m) = v else { return Err(bad("", "expected a map")) };
    let mut o = ServerOptions::default();
    for (k, v) in m {
        let d = match v {
            Value::String(s) => humantime::parse_duration(s).map_err(|e| bad(k, format!("{s:?}: {e}")))?,
            _ => return Err(bad(k, "expected a duration such as \"200ms\"")),
        };
        match k.as_str() {
            "pending_period" => o.pending_period = d,
            "wait_limit" => o.wait_limit = d,
            "expiration" => o.expiration = d,
            _ => return Err(bad(k, "not one of pending_period, wait_limit, expiration")),
        }
    }
    Ok(o)
}

const STEP_KEYS: &[&str] = &[
    "session",
    "request",
    "method",
    "body",
    "rops",
    "flags",
    "max_rop_out",
    "compress",
    "obfuscate",
    "client_mode",
    "headers",
    "cookies",
    "hold",
    "await",
    "event",
    "expect",
    "requirements",
];

fn int(m: &Map<String, Value>, k: &str, max: u64) -> Result<Option<u64>, Bad> {
    match m.get(k) {
        None => Ok(None),
        Some(v) => crate::wire::value::int_of(v, max).map(Some).map_err(|e| bad(k, e)),
    }
}

fn boolean(m: &Map<String, Value>, k: &str) -> Result<bool, Bad> {
    match m.get(k) {
        None => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(bad(k, "expected true or false")),
    }
}

fn header_map(v: &Value, k: &str) -> Result<Vec<(String, Option<String>)>, Bad> {
    let Value::Object(m) = v else { return Err(bad(k, "expected a map of header names")) };
    m.iter()
        .map(|(n, v)| match v {
            Value::Null => Ok((n.clone(), None)),
            Value::String(s) => Ok((n.clone(), Some(s.clone()))),
            Value::Number(x) => Ok((n.clone(), Some(x.to_string()))),
            _ => Err(bad(&format!("{k}.{n}"), "expected a string, a number or null")),
        })
        .collect()
}

fn ids(v: &Value, k: &str) -> Result<Vec<String>, Bad> {
    let Value::Array(a) = v else { return Err(bad(k, "expected a list of requirement IDs")) };
    a.iter()
        .map(|x| match x.as_str() {
            Some(s) if crate::cases::requirements::looks_like_id(s) => Ok(s.to_string()),
            _ => Err(bad(k, format!("{x} is not a requirement ID like MS-OXCMAPIHTTP_R1237"))),
        })
        .collect()
}

fn parse_expect(v: &Value) -> Result<Expect, Bad> {
    let Value::Object(m) = v else { return Err(bad("expect", "expected a map")) };
    let mut e = Expect::default();
    for (k, v) in m {
        let at = format!("expect.{k}");
        match k.as_str() {
            "status" => e.status = Some(crate::wire::value::int_of(v, 999).map_err(|m| bad(&at, m))? as u16),
            "X-ResponseCode" => {
                e.response_code = Some(crate::wire::value::int_of(v, u32::MAX as u64).map_err(|m| bad(&at, m))? as u32)
            }
            "headers" => e.headers = header_map(v, &at)?,
            "meta" => {
                let Value::Array(a) = v else { return Err(bad(&at, "expected a list of meta-tags")) };
                let mut tags = Vec::new();
                for t in a {
                    match t.as_str() {
                        Some(s @ ("PROCESSING" | "PENDING" | "DONE" | "PENDING+")) => tags.push(s.to_string()),
                        _ => {
                            return Err(bad(
                                &at,
                                format!("{t} is not PROCESSING, PENDING, PENDING+ (one or more) or DONE"),
                            ))
                        }
                    }
                }
                e.meta = Some(tags);
            }
            "body" => e.body = Some(v.clone()),
            "rops" => e.rops = Some(v.clone()),
            "client_findings" => e.client_findings = Some(ids(v, &at)?),
            "accepts_success" => match v {
                Value::Bool(b) => e.accepts_success = *b,
                _ => return Err(bad(&at, "expected true or false")),
            },
            _ => {
                return Err(bad(
                    &at,
                    "not one of status, X-ResponseCode, accepts_success, headers, meta, body, rops, client_findings",
                ))
            }
        }
    }
    Ok(e)
}

fn parse_step(v: &Value) -> Result<Step, Bad> {
    let Value::Object(m) = v else { return Err(bad("", "a step is a map")) };
    if let Some(k) = m.keys().find(|k| !STEP_KEYS.contains(&k.as_str())) {
        return Err(bad(k, format!("not a step key; one of {}", STEP_KEYS.join(", "))));
    }
    let session = match m.get("session") {
        None => "a".to_string(),
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(_) => return Err(bad("session", "expected a session name")),
    };
    let expect = match m.get("expect") {
        None => Expect::default(),
        Some(v) => parse_expect(v)?,
    };
    let requirements = m.get("requirements").map(|v| ids(v, "requirements")).transpose()?;
    let chosen: Vec<&str> = ["request", "await", "event"].into_iter().filter(|k| m.contains_key(*k)).collect();
    if chosen.len() != 1 {
        return Err(bad("", "a step has exactly one of request, await, event"));
    }
    let action = match chosen[0] {
        "await" => match m.get("await") {
            Some(Value::String(s)) => Action::Await(s.clone()),
            _ => return Err(bad("await", "expected the session whose held request completes")),
        },
        "event" => {
            let e = m.get("event").cloned().unwrap_or(Value::Null);
            crate::serve::events::parse(serde_json::to_string(&e).unwrap_or_default().as_bytes())
                .map_err(|m| bad("event", m))?;
            Action::Event(e)
        }
        _ => {
            let request_type = match m.get("request") {
                Some(Value::String(s)) => s.clone(),
                _ => return Err(bad("request", "expected an X-RequestType")),
            };
            let body = match m.get("body") {
                None => None,
                Some(Value::String(h)) => Some(crate::hex::parse(h).map_err(|e| bad("body", e.to_string()))?),
                Some(_) => return Err(bad("body", "expected hex")),
            };
            if m.contains_key("rops") && request_type != "Execute" {
                return Err(bad("rops", "only an Execute carries ROPs"));
            }
            let cookies = match m.get("cookies") {
                None => None,
                Some(Value::String(s)) if s == "previous" || s == "none" => Some(s.clone()),
                Some(_) => return Err(bad("cookies", "expected previous or none")),
            };
            let client_mode = match m.get("client_mode") {
                None => None,
                Some(Value::String(s)) if s == "online" => Some(0x01),
                Some(Value::String(s)) if s == "cached" => Some(0x02),
                Some(v) => Some(crate::wire::value::int_of(v, 0xFF).map_err(|e| bad("client_mode", e))? as u8),
            };
            let hold = boolean(m, "hold")?;
            if hold && request_type != "NotificationWait" {
                return Err(bad("hold", "only a NotificationWait is held"));
            }
            Action::Request(RequestStep {
                method: match m.get("method") {
                    None => "POST".into(),
                    Some(Value::String(s)) => s.clone(),
                    Some(_) => return Err(bad("method", "expected an HTTP method")),
                },
                body,
                rops: m.get("rops").cloned(),
                flags: int(m, "flags", u32::MAX as u64)?.unwrap_or(0x3) as u32,
                max_rop_out: int(m, "max_rop_out", u32::MAX as u64)?.unwrap_or(0x1_0008) as u32,
                compress: boolean(m, "compress")?,
                obfuscate: boolean(m, "obfuscate")?,
                client_mode,
                headers: m.get("headers").map(|v| header_map(v, "headers")).transpose()?.unwrap_or_default(),
                cookies,
                hold,
                request_type,
            })
        }
    };
    Ok(Step { session, action, expect, requirements, written: v.clone() })
}
