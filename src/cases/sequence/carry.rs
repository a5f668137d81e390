//! Polls through a small output buffer when a live server adds
//! notifications. The notifications a server reports besides the case's
//! own (side_effects.rs) take room in the output buffer, so the RopNotify
//! the case expects in one poll may only fit in the next: the server sends
//! the ones that fit, then RopPending (MS-OXCNOTIF_R332, R334, R349), and
//! the rest come later in the same order (R345). Which poll carries which
//! notification is then the server's, not the case's, to decide.
//!
//! So, once the target names side effects for a case or a notification
//! has been tolerated as one, an expectation entry a poll did not deliver,
//! when that poll ended with RopPending, is expected in the next poll,
//! before that poll's own entries; the RopSize of a poll whose entries
//! moved is not compared (it counts the case's split); and what is still
//! owed after the case's last step is fetched by further polls
//! ([`EXTRA_POLLS`] at most). Nothing else changes: the order, the fields,
//! and RopPending's place are compared as before, and an expected
//! notification that never comes is still a difference. Against a target
//! that adds nothing (the reference) nothing ever moves.

use super::*;

/// How many polls after the case's last step may fetch the notifications
/// still owed, beyond one per owed notification.
pub(super) const EXTRA_POLLS: usize = 4;

/// The expectation entries owed to later polls.
#[derive(Debug, Default)]
pub(super) struct Carry {
    /// Whether entries may move: the target named side effects, or a
    /// notification was tolerated as one.
    pub(super) active: bool,
    /// RopNotify entries, in order, not yet delivered.
    pub(super) owed: Vec<Value>,
}

impl Carry {
    /// `exp` with the entries owed by earlier polls before its own, and how
    /// many those are; the RopSize of such an expectation is not compared
    /// (it counts the case's split). Only a poll's expectation (RopNotify
    /// and RopPending) takes them; any other leaves them owed.
    pub(super) fn prepend(&mut self, exp: &Value) -> (Value, usize) {
        let Some(el) = exp.get("RopsList").and_then(Value::as_array) else { return (exp.clone(), 0) };
        if self.owed.is_empty() || el.iter().any(|r| !rop_is(r, 0x2A) && !rop_is(r, 0x6E)) {
            return (exp.clone(), 0);
        }
        let owed = std::mem::take(&mut self.owed);
        let n = owed.len();
        let mut list = owed;
        list.extend(el.iter().filter(|r| rop_is(r, 0x2A)).cloned());
        list.extend(el.iter().filter(|r| rop_is(r, 0x6E)).cloned());
        let mut out = exp.clone();
        out["RopsList"] = Value::Array(list);
        if let Some(o) = out.as_object_mut() {
            o.remove("RopSize");
        }
        (out, n)
    }

    /// The expectation to compare a poll's output `act` (side effects
    /// already taken out) with: `exp` (after [`Carry::prepend`], which
    /// moved `carried_in` entries into it) with only the RopNotify that
    /// came, when `act` ends with RopPending before all of them did; the
    /// rest are owed to the next poll. A note says what moved, if anything
    /// did.
    pub(super) fn split(&mut self, exp: &Value, act: &Value, carried_in: usize) -> (Value, Option<String>) {
        let mut notes = Vec::new();
        if carried_in > 0 {
            notes.push(format!(
                "owed by the previous poll, expected first here: {}",
                crate::plural::plural(carried_in, "RopNotify")
            ));
        }
        let mut out = exp.clone();
        if let (true, Some(el), Some(al)) =
            (self.active, exp.get("RopsList").and_then(Value::as_array), act.get("RopsList").and_then(Value::as_array))
        {
            let poll = el.iter().chain(al).all(|r| rop_is(r, 0x2A) || rop_is(r, 0x6E));
            let mut want: Vec<Value> = el.iter().filter(|r| rop_is(r, 0x2A)).cloned().collect();
            let delivered = al.iter().filter(|r| rop_is(r, 0x2A)).count();
            if poll && al.last().is_some_and(|r| rop_is(r, 0x6E)) && delivered < want.len() {
                self.owed = want.split_off(delivered);
                want.push(el.iter().find(|r| rop_is(r, 0x6E)).cloned().unwrap_or_else(|| json!({"RopId": 0x6E})));
                out["RopsList"] = Value::Array(want);
                if let Some(o) = out.as_object_mut() {
                    o.remove("RopSize");
                }
                notes.push(format!(
                    "not delivered here beside the server's own notifications, so expected in the next poll (this \
                     one ends with RopPending, MS-OXCNOTIF_R332, R334, R345): {}",
                    crate::plural::plural(self.owed.len(), "RopNotify")
                ));
            }
        }
        if notes.is_empty() {
            return (out, None);
        }
        (out, Some(format!("{}; RopSize is not compared", notes.join("; "))))
    }

    /// [`Carry::prepend`] then [`Carry::split`], for a test.
    #[cfg(test)]
    fn apply(&mut self, exp: &Value, act: &Value) -> (Value, Option<String>) {
        let (exp, n) = self.prepend(exp);
        self.split(&exp, act, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notify(m: &str) -> Value {
        json!({"RopId": 0x2A, "NotificationData": {"MessageId": m}})
    }
    fn pending() -> Value {
        json!({"RopId": 0x6E, "SessionIndex": 0})
    }
    fn list(v: Vec<Value>) -> Value {
        json!({"RopSize": 60, "RopsList": v})
    }

    #[test]
    fn nothing_moves_unless_active() {
        let mut c = Carry::default();
        let exp = list(vec![notify("a"), notify("b")]);
        let (e, note) = c.apply(&exp, &list(vec![notify("a"), pending()]));
        assert_eq!(e, exp);
        assert!(note.is_none() && c.owed.is_empty());
    }

    #[test]
    fn what_did_not_fit_is_owed_to_the_next_poll() {
        let mut c = Carry { active: true, owed: Vec::new() };
        let (e, note) = c.apply(&list(vec![notify("a"), notify("b")]), &list(vec![notify("a"), pending()]));
        assert_eq!(e, json!({"RopsList": [notify("a"), {"RopId": 0x6E}]}));
        assert_eq!(c.owed, vec![notify("b")]);
        assert!(note.unwrap().contains("so expected in the next poll"));
        // The next poll expects it first, then its own, with its RopPending.
        let (e, note) = c.apply(&list(vec![notify("c"), pending()]), &list(vec![notify("b"), notify("c"), pending()]));
        assert_eq!(e, json!({"RopsList": [notify("b"), notify("c"), pending()]}));
        assert!(c.owed.is_empty());
        assert!(note.unwrap().starts_with("owed by the previous poll, expected first here: 1 RopNotify"));
    }

    #[test]
    fn an_output_without_ropending_moves_nothing() {
        // A server that sends fewer than expected and no RopPending lost
        // them: the comparison shows it.
        let mut c = Carry { active: true, owed: Vec::new() };
        let exp = list(vec![notify("a"), notify("b")]);
        let (e, note) = c.apply(&exp, &list(vec![notify("a")]));
        assert_eq!(e, exp);
        assert!(note.is_none() && c.owed.is_empty());
    }

    #[test]
    fn other_rops_are_left_alone() {
        let mut c = Carry { active: true, owed: vec![notify("x")] };
        let exp = json!({"RopsList": [{"RopId": 0x29, "ReturnValue": 0}]});
        let (e, _) = c.apply(&exp, &json!({"RopsList": [{"RopId": 0x29, "ReturnValue": 0}, pending()]}));
        assert_eq!(e, exp);
        assert_eq!(c.owed, vec![notify("x")], "still owed to a later poll");
    }
}

/// The whole runner against a reference that, like `serve --folder-counts`,
/// adds ObjectModified of the folders a move changes (and names them as
/// side effects): the moved split passes; a server that also loses a
/// notification the case expects still fails.
#[cfg(test)]
mod runner_tests {
    use super::*;
    use crate::target::reference::Reference;
    use crate::target::{Hello, Implementation};

    struct AddsFolderCounts {
        inner: Reference,
        /// Leave out the case's ObjectModified events (a lost notification).
        lose_modified: bool,
    }

    impl Implementation for AddsFolderCounts {
        fn hello(&self) -> &Hello {
            self.inner.hello()
        }
        fn call_many(&mut self, requests: &[Request]) -> Vec<Reply> {
            requests
                .iter()
                .map(|r| match r {
                    Request::Event { event } if event["Type"] == "ObjectMoved" => {
                        let reply = self.inner.answer(r);
                        let folders = [event["Folder"].clone(), event["ToFolder"].clone()];
                        for f in &folders {
                            let extra = json!({"Type": "ObjectModified", "Folder": f, "TotalMessageCount": 1});
                            self.inner.answer(&Request::Event { event: extra });
                        }
                        match reply {
                            Reply::Ok(_) => Reply::Ok(json!({"side_effects": folders})),
                            other => other,
                        }
                    }
                    Request::Event { event } if self.lose_modified && event["Type"] == "ObjectModified" => {
                        Reply::Ok(json!({}))
                    }
                    _ => self.inner.answer(r),
                })
                .collect()
        }
    }

    fn case() -> SequenceCase {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("spec-cases/sequences/pending.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        load::parse_file(&path, &text)
            .unwrap()
            .into_iter()
            .find(|c| c.id == "sequence.pending.mixed-sizes-nothing-lost")
            .expect("the case is in pending.yaml")
    }

    #[test]
    fn a_split_moved_by_added_notifications_passes() {
        let case = case();
        let mut imp = AddsFolderCounts { inner: Reference::new(), lose_modified: false };
        let o = run_with(&case, "spec", &mut imp);
        assert_eq!(o.verdict, Verdict::Pass, "{:#?}", o.problems);
        let log = o.actual.as_array().unwrap();
        assert!(log.iter().any(|e| e.get("extra_poll").is_some()), "the owed notification came by an extra poll");
    }

    #[test]
    fn a_lost_notification_still_fails() {
        let case = case();
        let mut imp = AddsFolderCounts { inner: Reference::new(), lose_modified: true };
        let o = run_with(&case, "spec", &mut imp);
        // At the level of the last poll's expectation: this case's rows
        // include SHOULDs (MS-OXCROPS_R452202), so its expectations grade as
        // SHOULD, as they do against the reference.
        let grade = expectation_grade(&case, &case.steps[9]);
        // The owed ObjectModified is missing from the poll that would have
        // held it: that poll differs (the server's own ObjectModified of the
        // folder, with T, does not stand in for it).
        assert_ne!(o.verdict, Verdict::Pass);
        assert!(o.problems.iter().any(|p| p.grade == grade && p.step == Some(9)), "{:#?}", o.problems);
    }
}
