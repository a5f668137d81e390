//! Running one sequence case: `reset`, then one request per step, each
//! output checked against the output rules and the step's expectation.

use super::*;

/// What one `execute` gave.
pub(super) struct Executed {
    /// The log entry (input, output or error, decoded value, findings).
    pub(super) entry: Value,
    /// `{failed}`: the code and message.
    failed: Option<(u32, String)>,
    /// The decoded output, as a value and typed.
    value: Option<(Value, RopOutputBuffer)>,
    /// Output-rule problems: graded by their own level in every case.
    rules: Vec<Problem>,
}

pub(super) struct Runner<'a> {
    pub(super) case: &'a SequenceCase,
    pub(super) profile: &'a str,
    /// The layout the target reads requests in (`reset`).
    pub(super) layout: Layout,
    pub(super) imp: &'a mut dyn Implementation,
    pub(super) exchanges: Vec<Exchange>,
    pub(super) binds: BTreeMap<String, Value>,
    pub(super) handles: Handles,
    /// The folders the target says its events changed besides (`side_effects`).
    pub(super) side_effects: super::side_effects::SideEffects,
    /// Expected notifications a poll's output had no room for (carry.rs).
    pub(super) carry: super::carry::Carry,
}

impl Runner<'_> {
    pub(super) fn call(&mut self, req: Request, record: bool) -> Reply {
        let reply = self.imp.call(req.clone());
        if record {
            self.exchanges.push(exchange(&req, &reply));
        }
        reply
    }

    /// Binds names from `expect` against `act`; new names must not take a
    /// value another name holds (unless the case lists one in `may_equal`).
    pub(super) fn bind(&mut self, exp: &Value, act: &Value, diffs: &mut Vec<(String, String)>) -> Vec<Problem> {
        let before: BTreeSet<String> = self.binds.keys().cloned().collect();
        match_partial("", exp, act, &mut self.binds, diffs);
        self.distinct(&before)
    }

    pub(super) fn distinct(&self, before: &BTreeSet<String>) -> Vec<Problem> {
        let mut problems = Vec::new();
        for (n, v) in self.binds.iter().filter(|(n, _)| !before.contains(*n)) {
            for (m, w) in &self.binds {
                if m == n || (!before.contains(m) && m > n) || !scalar_eq(v, w) {
                    continue;
                }
                if self.case.may_equal.contains(n) || self.case.may_equal.contains(m) {
                    continue;
                }
                problems.push(Problem::must(format!(
                    "{m} and {n} are both {v}: distinct names bind distinct handles, and a live handle is given out \
                     once (MS-OXCROPS_R4556)"
                )));
            }
        }
        problems
    }

    /// Sends one input and applies the output rules to the reply.
    pub(super) fn execute(
        &mut self,
        k: usize,
        input: &[u8],
        max_output: usize,
        record: bool,
    ) -> Result<Executed, Box<Outcome>> {
        let reply = self.call(request::execute(input, max_output), record);
        if let Some(o) = unusable(&format!("step {k}: execute"), &reply) {
            return Err(o.into());
        }
        let ok = match &reply {
            Reply::Ok(ok) => ok.clone(),
            _ => Value::Null,
        };
        let mut entry = json!({"step": k, "input": crate::hex::encode(input), "max_output": max_output});
        let mut rules = transport_rules(&ok);
        if let Some(f) = ok.get("failed") {
            let code = f["code"].as_u64().unwrap_or(0) as u32;
            let message = f["message"].as_str().unwrap_or("").to_string();
            entry["error"] = json!({"code": code, "message": message});
            return Ok(Executed { entry, failed: Some((code, message)), value: None, rules });
        }
        let out = match ok.get("hex").and_then(Value::as_str).map(crate::hex::parse) {
            Some(Ok(b)) => b,
            _ => {
                let mut o = Outcome::without_checks(
                    Verdict::Error,
                    format!("step {k}: execute: the reply has neither hex nor failed"),
                );
                o.actual = ok.clone();
                return Err(o.into());
            }
        };
        entry["output"] = Value::String(crate::hex::encode(&out));
        if out.len() > max_output {
            rules.push(Problem::must(format!(
                "the output is {}, over the {} allowed",
                crate::plural::plural(out.len(), "byte"),
                max_output
            )));
        }
        let mut value = None;
        match Structure::RopOutputBuffer.decode(&out, Layout::Spec) {
            Err(e) => {
                let message = match e.kind {
                    ErrorKind::UnexpectedRopId { rop_id: 0x01 } => format!(
                        "a response to RopRelease: RopRelease has no response, and the server MUST NOT return one \
                         (MS-OXCROPS_R4572); the output does not decode: {e}"
                    ),
                    _ => format!("the output does not decode: {e}"),
                };
                rules.push(Problem::at(Grade::Must, &e.field, message));
                entry["decode_error"] = error_json(&e);
            }
            Ok((v, findings)) => {
                // A MUST broken always counts. A SHOULD departed from is
                // NON-STRICT under the `spec` profile, and not counted under a
                // product profile, whose products depart from some SHOULDs on
                // purpose (for example TagCount for ObjectModified, MS-OXCNOTIF_R198).
                for f in &findings {
                    let grade = if f.level == crate::wire::Level::Must {
                        Some(Grade::Must)
                    } else if self.profile == "spec" {
                        Some(Grade::Should)
                    } else {
                        None
                    };
                    if let Some(g) = grade {
                        rules.push(Problem::at(g, &f.field, format!("the output breaks a rule: {f}")));
                    }
                }
                if !findings.is_empty() {
                    entry["findings"] = Value::Array(findings.iter().map(finding_json).collect());
                }
                if let (Ok(i), Ok(o)) =
                    (decode::<RopInputBuffer>(input, self.case.layout), decode::<RopOutputBuffer>(&out, Layout::Spec))
                {
                    rules.extend(self.handles.observe(&i.value, &o.value));
                    value = Some((v, o.value));
                }
            }
        }
        Ok(Executed { entry, failed: None, value, rules })
    }

    /// A `repeat` step: the events go in batches (pipelined through an
    /// adapter); the report keeps the first two exchanges and the last.
    pub(super) fn repeat(&mut self, k: usize, count: usize, event: &Value) -> Result<(), Box<Outcome>> {
        const BATCH: usize = 4096;
        let mut n = 0;
        while n < count {
            let end = (n + BATCH).min(count);
            let reqs: Vec<Request> = (n..end).map(|i| request::event(&with_n(event, i))).collect();
            let replies = self.imp.call_many(&reqs);
            for (j, (req, reply)) in reqs.iter().zip(replies.iter()).enumerate() {
                let i = n + j;
                if i < 2 || i + 1 == count {
                    self.exchanges.push(exchange(req, reply));
                }
                if let Some(o) = unusable(&format!("step {k}: event {i} of {count}"), reply) {
                    self.exchanges.push(exchange(req, reply));
                    return Err(o.into());
                }
            }
            if replies.len() < reqs.len() {
                return Err(Box::new(Outcome::without_checks(
                    Verdict::Error,
                    format!("step {k}: {} of {} events got no reply", reqs.len() - replies.len(), reqs.len()),
                )));
            }
            n = end;
        }
        Ok(())
    }

    /// A `drain` step: polls until an output carries no RopPending, then
    /// once more; every RopNotify is matched against `each` in order.
    pub(super) fn drain(
        &mut self,
        k: usize,
        step: &Step,
        all: &ExpectAll,
        problems: &mut Vec<Problem>,
    ) -> Result<Value, Box<Outcome>> {
        let grade = expectation_grade(self.case, step);
        let limit = all.count + 3;
        let (mut received, mut wrong, mut polls, mut idle) = (0usize, 0usize, 0usize, 0usize);
        let mut rules = 0usize;
        let mut confirming = false;
        let mut first: Option<Value> = None;
        let mut last_exchange: Option<Exchange> = None;
        loop {
            if polls >= limit {
                problems.push(Problem::at(
                    grade,
                    "RopsList",
                    format!(
                        "still RopPending after {}, with {received} RopNotify delivered",
                        crate::plural::plural(polls, "poll")
                    ),
                ));
                break;
            }
            let record = polls < 2;
            let ex = self.execute(k, &[0x02, 0x00], step.max_output, record)?;
            if !record {
                last_exchange = self.imp_last(&ex);
            }
            polls += 1;
            for p in ex.rules {
                rules += 1;
                if rules <= 10 {
                    problems.push(p.in_step(k));
                }
            }
            if first.is_none() {
                first = Some(ex.entry.clone());
            }
            if let Some((code, message)) = &ex.failed {
                problems.push(Problem::at(
                    grade,
                    "",
                    format!("poll {polls}: the call failed with 0x{code:08X}: {message}"),
                ));
                break;
            }
            let Some((_, out)) = ex.value else { break };
            let mut got = 0;
            let mut pending = false;
            for (i, r) in out.rops_list.iter().enumerate() {
                match r {
                    RopResponse::Notify(n) => {
                        let act = n.to_value(Layout::Spec);
                        if received < all.count {
                            let mut diffs = Vec::new();
                            match_partial(
                                &format!("RopsList[{i}]"),
                                &with_n(&all.each, received),
                                &act,
                                &mut self.binds,
                                &mut diffs,
                            );
                            if !diffs.is_empty() {
                                wrong += 1;
                                if wrong <= 3 {
                                    for (p, m) in diffs {
                                        problems.push(
                                            Problem::at(grade, &p, format!("poll {polls}, RopNotify #{received}: {m}"))
                                                .in_step(k),
                                        );
                                    }
                                }
                            }
                        }
                        received += 1;
                        got += 1;
                    }
                    RopResponse::Pending(_) => pending = true,
                    _ => {}
                }
            }
            if confirming && got > 0 {
                problems.push(
                    Problem::at(
                        grade_of(["MS-OXCNOTIF_R349"]).min(self.case.grade),
                        "RopsList",
                        format!(
                            "RopPending expected after {received_before} RopNotify; none sent (MS-OXCNOTIF_R349): \
                             the next poll brought {got} more",
                            received_before = received - got
                        ),
                    )
                    .in_step(k),
                );
                confirming = false;
            }
            idle = if got == 0 { idle + 1 } else { 0 };
            if pending && idle >= 3 {
                problems.push(
                    Problem::at(grade, "RopsList", "RopPending announces notifications that never come".to_string())
                        .in_step(k),
                );
                break;
            }
            if !pending {
                if confirming || received >= all.count {
                    break;
                }
                confirming = true;
            }
        }
        if let Some(e) = last_exchange {
            self.exchanges.push(e);
        }
        if wrong > 3 {
            problems.push(
                Problem::at(
                    grade,
                    "RopsList",
                    format!("{wrong} RopNotify in all differ from what was expected of them"),
                )
                .in_step(k),
            );
        }
        if rules > 10 {
            problems.push(Problem::must(format!("… and {} more output-rule problems", rules - 10)).in_step(k));
        }
        // How many arrived is graded by `count_requirements` where the case
        // gives them (every event notified at all), the rest by the step's.
        let (count_grade, ids) = match &all.count_requirements {
            Some(r) => {
                let r: Vec<&str> = r.iter().map(String::as_str).collect();
                (grade_of(r.iter().copied()).min(self.case.grade), breaking(&r))
            }
            None => (grade, breaking_ids(self.case, step)),
        };
        if received < all.count {
            problems.push(
                Problem::at(
                    count_grade,
                    "RopsList",
                    format!(
                        "{received} of {} arrived in {}: #{received} and the {} after it never did ({ids})",
                        crate::plural::plural(all.count, "notification"),
                        crate::plural::plural(polls, "poll"),
                        all.count - received - 1
                    ),
                )
                .in_step(k),
            );
        } else if received > all.count {
            problems.push(
                Problem::at(
                    count_grade,
                    "RopsList",
                    format!(
                        "{} arrived, {} expected ({ids})",
                        crate::plural::plural(received, "notification"),
                        all.count
                    ),
                )
                .in_step(k),
            );
        }
        let mut entry = first.unwrap_or_else(|| json!({"step": k}));
        entry["drain"] = json!({"polls": polls, "received": received, "expected": all.count});
        Ok(entry)
    }

    pub(super) fn imp_last(&self, ex: &Executed) -> Option<Exchange> {
        // The last poll of a drain is reported with its output; the ones in
        // between are left out of the report to keep it small.
        Some(Exchange {
            request: request::execute(&[0x02, 0x00], ex.entry["max_output"].as_u64().unwrap_or(0) as usize),
            reply: match (&ex.failed, ex.entry.get("output")) {
                (Some((code, message)), _) => json!({"ok": {"failed": {"code": code, "message": message}}}),
                (None, Some(h)) => json!({"ok": {"hex": h}}),
                _ => Value::Null,
            },
        })
    }
}

impl Runner<'_> {
    pub(super) fn run(&mut self, expected: &Value) -> Result<Outcome, Box<Outcome>> {
        let case = self.case;
        let req = request::reset(self.profile, self.layout.name(), &case.setup_value);
        let reply = self.call(req, true);
        if let Some(o) = unusable("reset", &reply) {
            return Err(o.into());
        }
        let mut problems: Vec<Problem> = Vec::new();
        let mut problems_at_reset: Vec<Problem> = Vec::new();
        if let Reply::Ok(ok) = &reply {
            // A live server's responses while the setup was built.
            problems_at_reset.extend(transport_rules(ok));
            if let Some(m) = ok.get("logons").and_then(Value::as_object) {
                for (l, h) in m {
                    self.binds.insert(format!("$logon{l}"), h.clone());
                    if let (Ok(id), Some(h)) = (l.parse::<u8>(), h.as_u64()) {
                        self.handles.logon(id, h as u32);
                    }
                }
            }
            // The folders and messages the setup opens, in the first logon.
            let first = case.setup.logons.first().copied().unwrap_or(0);
            for o in &case.setup.opened {
                match ok.get("handles").and_then(|m| m.get(&o.name)) {
                    Some(h) => {
                        self.binds.insert(o.name.clone(), h.clone());
                        if let Some(h) = h.as_u64() {
                            self.handles.live.insert(h as u32, (first, false));
                        }
                    }
                    None => problems_at_reset.push(Problem::must(format!(
                        "reset: the reply names no handle for {}, which the setup opens",
                        o.name
                    ))),
                }
            }
        }
        problems.extend(problems_at_reset);
        problems.extend(self.distinct(&BTreeSet::new()));
        let mut log = Vec::new();
        let mut last_poll = None;
        for (k, step) in case.steps.iter().enumerate() {
            let mut step_problems: Vec<Problem> = Vec::new();
            let input = match &step.action {
                Action::Event(e) => {
                    let reply = self.call(request::event(e), true);
                    if let Some(o) = unusable(&format!("step {k}: event"), &reply) {
                        return Err(o.into());
                    }
                    if let Reply::Ok(ok) = &reply {
                        self.side_effects.add(ok);
                        if ok.get("side_effects").and_then(Value::as_array).is_some_and(|a| !a.is_empty()) {
                            self.carry.active = true;
                        }
                        // The trigger session's responses are held to the
                        // same transport rules as the client session's.
                        problems.extend(transport_rules(ok).into_iter().map(|p| p.in_step(k)));
                    }
                    log.push(json!({"step": k, "event": e.get("Type").cloned().unwrap_or(Value::Null)}));
                    continue;
                }
                Action::Repeat { count, event } => {
                    self.repeat(k, *count, event)?;
                    log.push(
                        json!({"step": k, "event": event.get("Type").cloned().unwrap_or(Value::Null), "repeat": count}),
                    );
                    continue;
                }
                Action::Drain => {
                    let Some(all) = &step.expect_all else { continue };
                    let entry = self.drain(k, step, all, &mut problems)?;
                    log.push(entry);
                    continue;
                }
                Action::Poll => vec![0x02, 0x00],
                Action::SendHex(b) => b.clone(),
                Action::Send(v) => {
                    let mut unbound = Vec::new();
                    let v = substitute(v, &self.binds, &mut unbound);
                    step_problems.extend(unbound.into_iter().map(Problem::must));
                    match RopInputBuffer::from_value(&v, case.layout).and_then(|b| crate::wire::encode(&b, case.layout))
                    {
                        Ok(b) => b,
                        Err(e) => {
                            problems.push(Problem::must(format!("the input value does not encode: {e}")).in_step(k));
                            break;
                        }
                    }
                }
            };
            if matches!(step.action, Action::Poll) {
                last_poll = Some((k, step.max_output));
            }
            let ex = self.execute(k, &input, step.max_output, true)?;
            if let (Action::Send(_) | Action::SendHex(_), Some((_, typed))) = (&step.action, &ex.value) {
                self.side_effects.observe(typed);
            }
            step_problems.extend(ex.rules);
            let grade = expectation_grade(case, step);
            let breaks = breaking_ids(case, step);
            let mut entry = ex.entry;
            match (&ex.failed, step.expect_error) {
                (Some((code, _)), Some(c)) if *code == c => {}
                (Some((code, message)), Some(c)) => step_problems.push(Problem::at(
                    grade,
                    "",
                    format!(
                        "expected the call to fail with 0x{c:08X}, it failed with 0x{code:08X}: {message} ({breaks})"
                    ),
                )),
                (Some((code, message)), None) => step_problems.push(Problem::at(
                    grade,
                    "",
                    format!("the call failed with 0x{code:08X}: {message} ({breaks})"),
                )),
                (None, Some(c)) => step_problems.push(Problem::at(
                    grade,
                    "",
                    format!("expected the call to fail with 0x{c:08X}, but it answered ({breaks})"),
                )),
                (None, None) => {}
            }
            if let Some((v, typed)) = ex.value {
                if let Some(exp) = &step.expect {
                    self.compare(k, exp, &v, &typed, &mut entry, &mut step_problems);
                }
                entry["value"] = v;
            }
            log.push(entry);
            problems.extend(step_problems.into_iter().map(|p| p.in_step(k)));
        }
        if let Some((k, max_output)) = last_poll.filter(|_| !self.carry.owed.is_empty()) {
            self.extra_polls(k, max_output, &mut log, &mut problems)?;
        }
        // The grades are final here (expectations capped by the case's
        // `grade:`, output rules at their own level), so no further cap.
        Ok(Outcome::graded(problems, Grade::Must, Value::Array(log), expected.clone()))
    }
}

impl Runner<'_> {
    /// Compares the output `v` (`typed`) of step `k` with `exp`: the side
    /// effects a live server adds taken out (side_effects.rs), expected
    /// notifications moved to where they fit (carry.rs), RopPending's
    /// presence and place, then the entries.
    fn compare(
        &mut self,
        k: usize,
        exp: &Value,
        v: &Value,
        typed: &RopOutputBuffer,
        entry: &mut Value,
        problems: &mut Vec<Problem>,
    ) {
        let (case, step) = (self.case, &self.case.steps[k]);
        let (exp, carried_in) = self.carry.prepend(exp);
        let (act, mut tolerated) = super::side_effects::tolerate(
            &exp,
            v,
            typed,
            &self.handles,
            &self.binds,
            &mut self.side_effects,
            self.carry.active,
        );
        if !tolerated.is_empty() {
            self.carry.active = true;
        }
        let (exp, moved) = self.carry.split(&exp, &act, carried_in);
        tolerated.extend(moved);
        if !tolerated.is_empty() {
            entry["tolerated"] = json!(tolerated);
        }
        let (exp, act) = pending_checks(case, &exp, &act, problems);
        let exp = basic_table_notifications(case, &exp, &act, problems);
        let mut diffs = Vec::new();
        problems.extend(self.bind(&exp, &act, &mut diffs));
        problems.extend(graded_diffs(case, step, diffs));
    }

    /// Polls after the case's last step for the notifications still owed
    /// (carry.rs), graded as the last poll `k` is; those that never come
    /// are a difference at that poll's level.
    fn extra_polls(
        &mut self,
        k: usize,
        max_output: usize,
        log: &mut Vec<Value>,
        problems: &mut Vec<Problem>,
    ) -> Result<(), Box<Outcome>> {
        let limit = self.carry.owed.len() + super::carry::EXTRA_POLLS;
        for n in 1..=limit {
            if self.carry.owed.is_empty() {
                break;
            }
            let ex = self.execute(k, &[0x02, 0x00], max_output, true)?;
            let mut step_problems = ex.rules;
            let mut entry = ex.entry;
            entry["extra_poll"] = json!(n);
            if let Some((code, message)) = &ex.failed {
                step_problems.push(Problem::at(
                    expectation_grade(self.case, &self.case.steps[k]),
                    "",
                    format!("poll {n} after the last step, for the notifications still owed, failed with 0x{code:08X}: {message}"),
                ));
                log.push(entry);
                problems.extend(step_problems.into_iter().map(|p| p.in_step(k)));
                return Ok(());
            }
            if let Some((v, typed)) = ex.value {
                self.compare(k, &json!({"RopsList": []}), &v, &typed, &mut entry, &mut step_problems);
                entry["value"] = v;
            }
            log.push(entry);
            problems.extend(step_problems.into_iter().map(|p| p.in_step(k)));
        }
        if !self.carry.owed.is_empty() {
            let step = &self.case.steps[k];
            problems.push(
                Problem::at(
                    expectation_grade(self.case, step),
                    "RopsList",
                    format!(
                        "{} expected never came, after {limit} more polls ({})",
                        crate::plural::plural(self.carry.owed.len(), "RopNotify"),
                        breaking_ids(self.case, step)
                    ),
                )
                .in_step(k),
            );
        }
        Ok(())
    }
}

/// A live-server target's transport: the rules each HTTP response behind
/// a reply broke (its `http` exchanges' `rules`), at their rows' levels
/// (docs/live.md), named by the session that got the response.
pub(super) fn transport_rules(ok: &Value) -> Vec<Problem> {
    let mut rules = Vec::new();
    for x in ok.get("http").and_then(Value::as_array).into_iter().flatten() {
        for r in x.get("rules").and_then(Value::as_array).into_iter().flatten() {
            let grade = r["grade"].as_str().and_then(Grade::from_name).unwrap_or(Grade::Must);
            let what = format!(
                "session {} {} response: {}",
                x["session"].as_str().unwrap_or("?"),
                x["request"]["X-RequestType"].as_str().unwrap_or("?"),
                r["message"].as_str().unwrap_or("")
            );
            rules.push(Problem::at(grade, r["field"].as_str().unwrap_or(""), what));
        }
    }
    rules
}
