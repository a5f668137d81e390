//! Reading sequence case files: the raw YAML form, checked field by field
//! into [`SequenceCase`]s.

use super::*;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFile {
    kind: String,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
    #[serde(default)]
    profile: Option<String>,
    cases: Vec<RawCase>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCase {
    id: String,
    description: String,
    sections: Vec<String>,
    requirements: Vec<String>,
    #[serde(default)]
    profile: Option<String>,
    #[serde(default)]
    layout: Option<String>,
    #[serde(default)]
    setup: Option<Value>,
    #[serde(default)]
    grade: Option<String>,
    #[serde(default)]
    may_equal: Vec<String>,
    steps: Vec<Value>,
}

/// Parses a `kind: sequence` file.
pub fn parse_file(path: &Path, text: &str) -> Result<Vec<SequenceCase>, LoadError> {
    let raw: RawFile = super::super::parse_yaml(path, text)?;
    if raw.kind != "sequence" {
        return Err(LoadError {
            file: path.into(),
            line: Some(1),
            field: "kind".into(),
            message: "expected sequence".into(),
        });
    }
    let mut out = Vec::new();
    for (i, rc) in raw.cases.into_iter().enumerate() {
        let line = super::super::line_of_id(text, &rc.id);
        let err = |field: String, message: String| LoadError {
            file: path.into(),
            line,
            field: format!("cases[{i}] ({}).{field}", rc.id),
            message,
        };
        super::super::check_common(&rc.id, &rc.sections, &rc.requirements).map_err(|(f, m)| err(f.into(), m))?;
        let pname = rc.profile.as_deref().or(raw.profile.as_deref()).unwrap_or("spec");
        let profile = profile::named(pname).ok_or_else(|| {
            err(
                "profile".into(),
                format!(
                    "{pname:?} is not a profile; one of {}",
                    profile::all().keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            )
        })?;
        let lname = rc.layout.as_deref().unwrap_or("spec");
        let layout =
            Layout::from_name(lname).ok_or_else(|| err("layout".into(), format!("{lname:?} is not spec or legacy")))?;
        let setup = match &rc.setup {
            Some(v) => Setup::from_value(v).map_err(|e| err(format!("setup.{}", e.field), e.message))?,
            None => Setup { logons: vec![0], ..Setup::default() },
        };
        let grade = match rc.grade.as_deref() {
            None => Grade::Must,
            Some(g) => {
                Grade::from_name(g).ok_or_else(|| err("grade".into(), format!("{g:?} is not must, should or info")))?
            }
        };
        for (k, n) in rc.may_equal.iter().enumerate() {
            if !n.starts_with('$') {
                return Err(err(format!("may_equal[{k}]"), format!("{n:?} is not a $name")));
            }
        }
        let setup_value = rc.setup.clone().unwrap_or_else(|| json!({"logons": [0]}));
        let mut steps = Vec::new();
        for (k, s) in rc.steps.iter().enumerate() {
            let step = parse_step(s)
                .map_err(|e| err(format!("steps[{k}].{}", e.field).trim_end_matches('.').to_string(), e.message))?;
            let cited = step
                .requirements
                .iter()
                .flatten()
                .map(|r| ("requirements", r))
                .chain(
                    step.field_requirements.iter().flat_map(|(_, ids)| ids.iter().map(|r| ("field_requirements", r))),
                )
                .chain(
                    step.expect_all
                        .iter()
                        .flat_map(|a| a.count_requirements.iter().flatten())
                        .map(|r| ("expect_all.count_requirements", r)),
                );
            for (key, r) in cited {
                if !rc.requirements.contains(r) {
                    return Err(err(
                        format!("steps[{k}].{key}"),
                        format!("{r} is not among the case's requirements; list it there too"),
                    ));
                }
            }
            steps.push(step);
        }
        if steps.is_empty() {
            return Err(err("steps".into(), "a sequence has at least one step".into()));
        }
        out.push(SequenceCase {
            id: rc.id,
            description: rc.description,
            sections: rc.sections,
            requirements: rc.requirements,
            profile,
            layout,
            setup,
            setup_value,
            grade,
            may_equal: rc.may_equal,
            steps,
            file: path.into(),
            line: line.unwrap_or(0),
        });
    }
    Ok(out)
}

/// Replaces every string `"#n"` with the number `n`.
pub fn with_n(v: &Value, n: usize) -> Value {
    match v {
        Value::String(s) if s == "#n" => Value::from(n as u64),
        Value::Array(items) => Value::Array(items.iter().map(|x| with_n(x, n)).collect()),
        Value::Object(m) => Value::Object(m.iter().map(|(k, x)| (k.clone(), with_n(x, n))).collect::<Map<_, _>>()),
        other => other.clone(),
    }
}

/// Whether the partial value `v` pins something at `path`
/// (`RopsList[0].NotificationData.TagCount`).
pub(super) fn pins(v: &Value, path: &str) -> bool {
    let mut cur = v;
    for part in path.split('.') {
        let (key, rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            match cur.get(key) {
                Some(x) => cur = x,
                None => return false,
            }
        }
        for idx in rest.split('[').skip(1) {
            let Some(n) = idx.strip_suffix(']').and_then(|x| x.parse::<usize>().ok()) else { return false };
            match cur.get(n) {
                Some(x) => cur = x,
                None => return false,
            }
        }
    }
    true
}

pub(super) fn id_list(v: &Value, field: &str) -> Result<Vec<String>, crate::wire::EncodeError> {
    use crate::wire::EncodeError;
    let items = v.as_array().ok_or_else(|| EncodeError::new(field, "expected a list of requirement IDs"))?;
    let mut out = Vec::new();
    for (i, x) in items.iter().enumerate() {
        match x.as_str() {
            Some(id) if id.starts_with("MS-") && id.contains("_R") => out.push(id.to_string()),
            _ => return Err(EncodeError::new(format!("{field}[{i}]"), format!("{x} is not a requirement ID"))),
        }
    }
    if out.is_empty() {
        return Err(EncodeError::new(field, "names no requirement"));
    }
    Ok(out)
}

pub(super) fn parse_step(v: &Value) -> Result<Step, crate::wire::EncodeError> {
    use crate::wire::EncodeError;
    let o = Obj::new(
        v,
        &[
            "send",
            "send_hex",
            "event",
            "poll",
            "repeat",
            "drain",
            "max_output",
            "expect",
            "expect_error",
            "expect_all",
            "requirements",
            "field_requirements",
        ],
    )?;
    let mut max_output = o.opt_u32("max_output")?.map(|n| n as usize);
    let only_max_output = |p: &Value, what: &str, max_output: &mut Option<usize>| -> Result<(), EncodeError> {
        if let Some(po) = p.as_object() {
            if let Some(m) = po.get("max_output") {
                *max_output = Some(
                    crate::wire::value::int_of(m, u32::MAX as u64)
                        .map_err(|m| EncodeError::new(format!("{what}.max_output"), m))? as usize,
                );
            }
            if po.keys().any(|k| k != "max_output") {
                return Err(EncodeError::new(what, format!("a {what} takes only max_output")));
            }
        }
        Ok(())
    };
    let action =
        match (o.get("send"), o.get("send_hex"), o.get("event"), o.get("poll"), o.get("repeat"), o.get("drain")) {
            (Some(s), None, None, None, None, None) => Action::Send(s.clone()),
            (None, Some(h), None, None, None, None) => {
                let text = h.as_str().ok_or_else(|| EncodeError::new("send_hex", "expected hex text"))?;
                Action::SendHex(crate::hex::parse(text).map_err(|e| EncodeError::new("send_hex", e.to_string()))?)
            }
            (None, None, Some(e), None, None, None) => {
                Event::from_value(e).map_err(|e| e.within("event"))?;
                Action::Event(e.clone())
            }
            (None, None, Some(e), None, Some(r), None) => {
                let count = crate::wire::value::int_of(r, MAX_REPEAT as u64)
                    .map_err(|m| EncodeError::new("repeat", m))? as usize;
                if count == 0 {
                    return Err(EncodeError::new("repeat", "repeats an event at least once"));
                }
                Event::from_value(&with_n(e, 0)).map_err(|e| e.within("event"))?;
                Action::Repeat { count, event: e.clone() }
            }
            (None, None, None, Some(p), None, None) => {
                only_max_output(p, "poll", &mut max_output)?;
                Action::Poll
            }
            (None, None, None, None, None, Some(p)) => {
                only_max_output(p, "drain", &mut max_output)?;
                Action::Drain
            }
            _ => {
                return Err(EncodeError::new(
                    "",
                    "a step is exactly one of send, send_hex, event, poll, drain, or repeat with event",
                ))
            }
        };
    let is_event = matches!(action, Action::Event(_) | Action::Repeat { .. });
    let is_drain = action == Action::Drain;
    let expect = o.get("expect").cloned();
    let expect_error = o.opt_u32("expect_error")?;
    if is_event && (expect.is_some() || expect_error.is_some() || max_output.is_some()) {
        return Err(EncodeError::new("expect", "an event step has no output to expect"));
    }
    let expect_all = match o.get("expect_all") {
        None => None,
        Some(_) if !is_drain => return Err(EncodeError::new("expect_all", "only a drain step has expect_all")),
        Some(x) => {
            let xo = Obj::new(x, &["count", "each", "count_requirements"]).map_err(|e| e.within("expect_all"))?;
            let count =
                xo.get("count").ok_or_else(|| EncodeError::new("expect_all.count", "missing")).and_then(|c| {
                    crate::wire::value::int_of(c, MAX_REPEAT as u64)
                        .map_err(|m| EncodeError::new("expect_all.count", m))
                })? as usize;
            let each = xo.get("each").cloned().ok_or_else(|| EncodeError::new("expect_all.each", "missing"))?;
            let count_requirements = match xo.get("count_requirements") {
                None => None,
                Some(ids) => Some(id_list(ids, "expect_all.count_requirements")?),
            };
            Some(ExpectAll { count, each, count_requirements })
        }
    };
    if is_drain && (expect.is_some() || expect_error.is_some() || expect_all.is_none()) {
        return Err(EncodeError::new("expect_all", "a drain step expects expect_all, and only that"));
    }
    let requirements = o.get("requirements").map(|r| id_list(r, "requirements")).transpose()?;
    let mut field_requirements = Vec::new();
    if let Some(fr) = o.get("field_requirements") {
        let m = fr.as_object().ok_or_else(|| EncodeError::new("field_requirements", "expected a map"))?;
        for (path, ids) in m {
            let at = format!("field_requirements.{path}");
            if !expect.as_ref().is_some_and(|e| pins(e, path)) {
                return Err(EncodeError::new(at, "names no field this step's expect pins"));
            }
            field_requirements.push((path.clone(), id_list(ids, &at)?));
        }
    }
    if is_event && (requirements.is_some() || !field_requirements.is_empty()) {
        return Err(EncodeError::new("requirements", "an event step has no expectation to grade"));
    }
    Ok(Step {
        action,
        max_output: max_output.unwrap_or(DEFAULT_MAX_OUTPUT),
        expect,
        expect_error,
        expect_all,
        requirements,
        field_requirements,
    })
}
