//! The rules every response of the mailbox endpoint is held to, each at
//! its own row's level, and the helpers the expectations use.

use super::*;
use crate::cases::levels::grade_of;
use crate::cases::verdict::Problem;
use crate::target::mapi_http::Exchange;
use crate::wire::transport::execute_response::ExecuteResponse;
use crate::wire::{decode, Layout, WireStructure};
/// The success response body of `request_type`, decoded to its value
/// (`None` for PING and unknown types).
pub(super) fn response_value(request_type: &str, body: &[u8]) -> Option<Result<Value, crate::wire::Error>> {
    fn value<T: WireStructure>(b: &[u8]) -> Result<Value, crate::wire::Error> {
        decode::<T>(b, Layout::Spec).map(|d| d.value.to_value(Layout::Spec))
    }
    use crate::wire::transport::connect::ConnectResponse;
    use crate::wire::transport::disconnect::DisconnectResponse;
    use crate::wire::transport::notification_wait::NotificationWaitResponse;
    Some(match request_type {
        "Connect" => value::<ConnectResponse>(body),
        "Execute" => value::<ExecuteResponse>(body),
        "Disconnect" => value::<DisconnectResponse>(body),
        "NotificationWait" => value::<NotificationWaitResponse>(body),
        _ => return None,
    })
}

/// The rules every response is held to, each at its own row's level.
pub(super) fn always_checks(x: &Exchange, request_type: &str) -> Vec<Problem> {
    let mut out = Vec::new();
    let at = |id: &str| grade_of([id]);
    if x.status == 401 {
        return out;
    }
    for h in ["content-type", "x-requesttype", "x-responsecode", "x-requestid"] {
        // A response cannot return an X-RequestId the request did not have.
        if x.header(h).is_none() && (h != "x-requestid" || x.sent(h).is_some()) {
            out.push(Problem::at(
                at("MS-OXCMAPIHTTP_R44"),
                h,
                "every response MUST carry this header (MS-OXCMAPIHTTP_R44)",
            ));
        }
    }
    for (h, id) in [("X-RequestId", "MS-OXCMAPIHTTP_R2040"), ("X-ClientInfo", "MS-OXCMAPIHTTP_R156")] {
        if let Some(sent) = x.sent(h) {
            let got = x.header(&h.to_ascii_lowercase());
            if got != Some(sent) {
                out.push(Problem::at(
                    at(id),
                    h,
                    format!("sent {sent:?}, the response carries {got:?}: it MUST be returned as sent ({id})"),
                ));
            }
        }
    }
    let code = x.response_code;
    let ct = x.header("content-type").unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match code {
        Some(0) if ct != "application/mapi-http" => out.push(Problem::at(
            at("MS-OXCMAPIHTTP_R2037"),
            "Content-Type",
            format!("{ct:?} with X-ResponseCode 0; it MUST be application/mapi-http (MS-OXCMAPIHTTP_R2037)"),
        )),
        Some(c) if c != 0 && ct != "text/html" => out.push(Problem::at(
            at("MS-OXCMAPIHTTP_R2038"),
            "Content-Type",
            format!("{ct:?} with X-ResponseCode {c}; it MUST be text/html (MS-OXCMAPIHTTP_R2038)"),
        )),
        _ => {}
    }
    if code == Some(0) && super::REQUEST_TYPES.contains(&request_type) {
        match (&x.inner, &x.inner_error) {
            // MS-OXCMAPIHTTP_R41: META-TAGS, ADDITIONAL HEADERS, CRLF, RESPONSE BODY.
            (_, Some(e)) => out.push(Problem::at(
                at("MS-OXCMAPIHTTP_R41"),
                "inner stream",
                format!("the response body does not read as an inner stream (meta-tag lines, additional headers, an empty line, the body; MS-OXCMAPIHTTP_R41): {e}"),
            )),
            (Some(i), None) => {
                if i.meta_tags.first().map(|t| t.name()) != Some("PROCESSING") {
                    out.push(Problem::at(
                        at("MS-OXCMAPIHTTP_R1238"),
                        "meta-tags",
                        "the first meta-tag is not PROCESSING (MS-OXCMAPIHTTP_R1238)",
                    ));
                }
                if request_type == "PING" && !i.body.is_empty() {
                    out.push(Problem::at(
                        at("MS-OXCMAPIHTTP_R1460"),
                        "body",
                        format!(
                            "a PING response with a {}-byte body; PING has no response body (MS-OXCMAPIHTTP_R1460)",
                            i.body.len()
                        ),
                    ));
                }
                if let Some(v) = i.header("X-ElapsedTime") {
                    elapsed_check(v, x, &mut out);
                }
                if i.header("X-ElapsedTime").is_none() {
                    out.push(Problem::at(
                        at("MS-OXCMAPIHTTP_R2228"),
                        "X-ElapsedTime",
                        "DONE is not followed by X-ElapsedTime (MS-OXCMAPIHTTP_R2228)",
                    ));
                }
            }
            (None, None) => {}
        }
    }
    out
}

/// Whether the meta-tags `got` are `want`, where `NAME+` stands for one or
/// more of that tag.
pub(super) fn meta_matches(want: &[String], got: &[&str]) -> bool {
    let mut i = 0;
    for w in want {
        let (name, many) = match w.strip_suffix('+') {
            Some(n) => (n, true),
            None => (w.as_str(), false),
        };
        if got.get(i) != Some(&name) {
            return false;
        }
        i += 1;
        while many && got.get(i) == Some(&name) {
            i += 1;
        }
    }
    i == got.len()
}

/// X-ElapsedTime is the server's processing time in milliseconds
/// (MS-OXCMAPIHTTP_R168): a decimal integer, and, for a request the client
/// saw take at least 300 ms (a held NotificationWait), not less than a
/// quarter of that: a server counting seconds reports a thousandth.
fn elapsed_check(v: &str, x: &Exchange, out: &mut Vec<Problem>) {
    let at = grade_of(["MS-OXCMAPIHTTP_R168"]);
    let Ok(ms) = v.trim().parse::<u64>() else {
        out.push(Problem::at(
            at,
            "X-ElapsedTime",
            format!("{v:?} is not a whole number of milliseconds (MS-OXCMAPIHTTP_R168)"),
        ));
        return;
    };
    let seen = x.arrivals.last().map(|(_, d)| d.as_millis() as u64).unwrap_or(0);
    if seen >= 300 && ms.saturating_mul(4) < seen {
        out.push(Problem::at(
            at,
            "X-ElapsedTime",
            format!("{ms} for a request that took {seen} ms to answer: X-ElapsedTime counts milliseconds (MS-OXCMAPIHTTP_R168), not seconds"),
        ));
    }
}
