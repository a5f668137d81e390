//! Comparing a step's output with its partial expectation, and the level
//! each difference takes: bindings, `field_requirements`, RopPending's
//! presence and place.

use super::*;

/// Replaces `$name` strings with their bound values.
pub(crate) fn substitute(v: &Value, binds: &BTreeMap<String, Value>, problems: &mut Vec<String>) -> Value {
    match v {
        Value::String(s) if s.starts_with('$') => match binds.get(s) {
            Some(b) => b.clone(),
            None => {
                problems.push(format!("{s} is used before it is bound"));
                Value::from(0xFFFF_FFFFu32)
            }
        },
        Value::Array(items) => Value::Array(items.iter().map(|x| substitute(x, binds, problems)).collect()),
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, x)| (k.clone(), substitute(x, binds, problems))).collect::<Map<_, _>>())
        }
        other => other.clone(),
    }
}

/// Partial match: maps compare only the keys expected; lists compare
/// length and each element; `$name` binds on first sight.
pub fn match_partial(
    path: &str,
    exp: &Value,
    act: &Value,
    binds: &mut BTreeMap<String, Value>,
    problems: &mut Vec<(String, String)>,
) {
    let at = |k: &str| if path.is_empty() { k.to_string() } else { format!("{path}.{k}") };
    match (exp, act) {
        (Value::String(s), _) if s.starts_with('$') => match binds.get(s) {
            Some(b) => {
                if !scalar_eq(b, act) {
                    problems
                        .push((path.to_string(), format!("expected {s} = {}, got {}", show(path, b), show(path, act))));
                }
            }
            None => {
                binds.insert(s.clone(), act.clone());
            }
        },
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                match a.get(k) {
                    Some(av) => match_partial(&at(k), ev, av, binds, problems),
                    None => problems.push((at(k), format!("expected {}, but the field is absent", show(&at(k), ev)))),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                problems.push((
                    path.to_string(),
                    format!("expected {}, got {}", crate::plural::plural_of(e.len(), "entry", "entries"), a.len()),
                ));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                match_partial(&format!("{path}[{i}]"), ev, av, binds, problems);
            }
        }
        _ => {
            if !scalar_eq(exp, act) {
                problems.push((path.to_string(), format!("expected {}, got {}", show(path, exp), show(path, act))));
            }
        }
    }
}

/// The requirements that grade a step's expectation: the step's own, or
/// the case's less those its `field_requirements` name (or, when those are
/// all of them, the field requirements themselves).
fn grading_ids<'a>(case: &'a SequenceCase, step: &'a Step) -> Vec<&'a str> {
    let by_field: BTreeSet<&str> =
        step.field_requirements.iter().flat_map(|(_, ids)| ids.iter().map(String::as_str)).collect();
    let ids: Vec<&str> = match &step.requirements {
        Some(r) => r.iter().map(String::as_str).collect(),
        None => case.requirements.iter().map(String::as_str).filter(|r| !by_field.contains(r)).collect(),
    };
    if ids.is_empty() {
        by_field.into_iter().collect()
    } else {
        ids
    }
}

/// The grade of a step's expectation: the level of the requirements it
/// verifies, capped by the case's `grade:`.
pub(super) fn expectation_grade(case: &SequenceCase, step: &Step) -> Grade {
    grade_of(grading_ids(case, step)).min(case.grade)
}

/// The requirements a failed expectation of the step breaks, for its
/// message: those of the step's grading rows at the strongest level among
/// them (the rows that decide its grade).
pub(super) fn breaking_ids(case: &SequenceCase, step: &Step) -> String {
    breaking(&grading_ids(case, step))
}

/// Of `ids`, those at the strongest level among them, comma-separated.
pub(super) fn breaking(ids: &[&str]) -> String {
    let top = grade_of(ids.iter().copied());
    ids.iter().filter(|id| grade_of([**id]) == top).copied().collect::<Vec<_>>().join(", ")
}

/// Whether problem path `p` is `field` or lies under it.
pub(super) fn under(p: &str, field: &str) -> bool {
    p == field || (p.starts_with(field) && matches!(p.as_bytes().get(field.len()), Some(b'.') | Some(b'[')))
}

/// An expectation's differences, each graded: by the field's own
/// requirements where `field_requirements` names it (cited in the
/// message), by the step's otherwise.
pub(super) fn graded_diffs(case: &SequenceCase, step: &Step, diffs: Vec<(String, String)>) -> Vec<Problem> {
    let base = expectation_grade(case, step);
    let breaks = breaking_ids(case, step);
    diffs
        .into_iter()
        .map(|(p, m)| {
            let own = step.field_requirements.iter().filter(|(f, _)| under(&p, f)).max_by_key(|(f, _)| f.len());
            match own {
                Some((_, ids)) => Problem::at(
                    grade_of(ids.iter().map(String::as_str)).min(case.grade),
                    &p,
                    format!("{m} ({})", ids.join(", ")),
                ),
                None => Problem::at(base, &p, format!("{m} ({breaks})")),
            }
        })
        .collect()
}

/// Where the expectation has an informative table notification
/// (TableRowAdded, Deleted or Modified) and the output the basic
/// TableChanged in its place: the level of notification is the server's
/// choice, informative SHOULD be sent when feasible (MS-OXCNOTIF_R260,
/// R267, R268, R270), so that is one SHOULD problem rather than a
/// difference per field. Returns the expectation with those
/// NotificationData taken from the output.
pub(super) fn basic_table_notifications(
    case: &SequenceCase,
    exp: &Value,
    act: &Value,
    problems: &mut Vec<Problem>,
) -> Value {
    let mut exp = exp.clone();
    let (Some(el), Some(al)) =
        (exp.get_mut("RopsList").and_then(Value::as_array_mut), act.get("RopsList").and_then(Value::as_array))
    else {
        return exp;
    };
    let event = |v: &Value| v.get("TableEventType").and_then(|t| crate::wire::value::int_of(t, 0xFFFF).ok());
    for (i, (e, a)) in el.iter_mut().zip(al).enumerate() {
        let (Some(ed), Some(ad)) = (e.get("NotificationData"), a.get("NotificationData")) else { continue };
        if matches!(event(ed), Some(3..=5)) && event(ad) == Some(1) {
            problems.push(Problem::at(
                grade_of(["MS-OXCNOTIF_R268", "MS-OXCNOTIF_R270"]).min(case.grade),
                &format!("RopsList[{i}].NotificationData.TableEventType"),
                format!(
                    "a basic TableChanged where the informative {} was expected: the server SHOULD send \
                     informative notifications whenever it can (MS-OXCNOTIF_R268, MS-OXCNOTIF_R270)",
                    show("TableEventType", &ed["TableEventType"])
                ),
            ));
            e["NotificationData"] = ad.clone();
        }
    }
    exp
}

pub(super) fn rop_is(v: &Value, id: u8) -> bool {
    v.get("RopId").is_some_and(|r| scalar_eq(r, &json!(id)))
}

/// RopPending's presence and place, graded by the rows that word them
/// (all SHOULD): expected but absent (MS-OXCNOTIF_R349), present though
/// not expected (MS-OXCROPS_R452202), present but not after the RopNotify
/// (MS-OXCNOTIF_R334). Returns the expectation and the output with the
/// RopPending checked here taken out, for the rest of the comparison.
pub(super) fn pending_checks(
    case: &SequenceCase,
    exp: &Value,
    act: &Value,
    problems: &mut Vec<Problem>,
) -> (Value, Value) {
    let (mut exp, mut act) = (exp.clone(), act.clone());
    let (Some(el), Some(al)) =
        (exp.get("RopsList").and_then(Value::as_array), act.get("RopsList").and_then(Value::as_array))
    else {
        return (exp, act);
    };
    let e_at = el.iter().rposition(|r| rop_is(r, 0x6E));
    let a_at = al.iter().rposition(|r| rop_is(r, 0x6E));
    let notifies = al.iter().filter(|r| rop_is(r, 0x2A)).count();
    let grade = |id: &str| grade_of([id]).min(case.grade);
    let (drop_e, drop_a) = match (e_at, a_at) {
        (Some(e), None) => {
            problems.push(Problem::at(
                grade("MS-OXCNOTIF_R349"),
                "RopsList",
                format!("RopPending expected after {notifies} RopNotify; none sent (MS-OXCNOTIF_R349)"),
            ));
            (Some(e), None)
        }
        (None, Some(a)) => {
            problems.push(Problem::at(
                grade("MS-OXCROPS_R452202"),
                &format!("RopsList[{a}]"),
                "RopPending sent, though the output holds every queued RopNotify the case expects (MS-OXCROPS_R452202)",
            ));
            (None, Some(a))
        }
        (Some(e), Some(a)) if a + 1 != al.len() => {
            let after = al[a + 1..].iter().filter(|r| rop_is(r, 0x2A)).count();
            problems.push(Problem::at(
                grade("MS-OXCNOTIF_R334"),
                &format!("RopsList[{a}]"),
                format!(
                    "RopPending comes before {after} RopNotify; the RopNotify that fit go first, then RopPending (MS-OXCNOTIF_R334)"
                ),
            ));
            (Some(e), Some(a))
        }
        _ => (None, None),
    };
    if let (Some(e), Some(a)) = (drop_e, drop_a) {
        // Still compare the RopPending itself (its SessionIndex).
        let mut binds = BTreeMap::new();
        let mut diffs = Vec::new();
        match_partial(&format!("RopsList[{a}]"), &el[e], &al[a], &mut binds, &mut diffs);
        problems.extend(diffs.into_iter().map(|(p, m)| Problem::at(Grade::Must.min(case.grade), &p, m)));
    }
    if let Some(e) = drop_e {
        if let Some(l) = exp.get_mut("RopsList").and_then(Value::as_array_mut) {
            l.remove(e);
        }
    }
    if let Some(a) = drop_a {
        if let Some(l) = act.get_mut("RopsList").and_then(Value::as_array_mut) {
            l.remove(a);
        }
    }
    (exp, act)
}
