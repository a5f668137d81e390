//! Building the endpoint's responses: the headers every response carries,
//! success and failure replies, 401, and the bodies ([MS-OXCMAPIHTTP]
//! 2.2.2.2, 2.2.3, 2.2.4); and recording each request's findings.

use super::*;

impl Endpoint {
    pub(super) fn headers(&self, head: &Head, context: Option<u64>, code: u32) -> Vec<(String, String)> {
        let content_type = if code == rc::SUCCESS { "application/mapi-http" } else { "text/html" };
        let mut h = vec![
            ("Content-Type".to_string(), content_type.to_string()),
            ("X-RequestType".to_string(), head.request_type.to_string()),
            ("X-ResponseCode".to_string(), code.to_string()),
        ];
        // MS-OXCMAPIHTTP_R2040, R156: echoed as sent.
        if let Some(v) = head.request_id {
            h.push(("X-RequestId".into(), v.into()));
        }
        if let Some(v) = head.client_info {
            h.push(("X-ClientInfo".into(), v.into()));
        }
        h.push(("X-ServerApplication".into(), self.config.server_application.clone()));
        // MS-OXCMAPIHTTP_R1242, R167.
        h.push(("X-PendingPeriod".into(), self.config.pending_period_ms.to_string()));
        h.push(("X-ExpirationInfo".into(), self.config.expiration_ms.to_string()));
        if let Some(c) = context.and_then(|id| self.contexts.get(&id)) {
            // MS-OXCMAPIHTTP_R1221, R1236.
            for v in c.set_cookies() {
                h.push(("Set-Cookie".into(), v));
            }
        }
        h
    }

    pub(super) fn success(&self, head: &Head, id: u64, body: Vec<u8>) -> Reply {
        Reply {
            status: 200,
            headers: self.headers(head, Some(id), rc::SUCCESS),
            body: Body::Inner { headers: Vec::new(), body },
            context: Some(id),
            session: Some(id),
            woken: Vec::new(),
        }
    }

    pub(super) fn failure(&self, head: &Head, context: Option<u64>, code: u32, message: &str) -> Reply {
        let requirement = rc::lookup(code).map(|c| c.requirement).unwrap_or("");
        let page = format!(
            "<!DOCTYPE html>\n<html><head><title>X-ResponseCode {code}</title></head><body>\n<p>X-ResponseCode {} ({requirement}): {}</p>\n</body></html>\n",
            escape(&describe(code)),
            escape(message)
        );
        // Content-Type text/html for a non-zero X-ResponseCode (R2038).
        Reply {
            status: 200,
            headers: self.headers(head, context, code),
            body: Body::Plain(page.into_bytes()),
            context: None,
            session: context,
            woken: Vec::new(),
        }
    }

    pub(super) fn bad_body(
        &self,
        head: &Head,
        context: Option<u64>,
        what: &str,
        e: &crate::wire::Error,
        findings: &mut Vec<ClientFinding>,
    ) -> Reply {
        let message = format!("the {what} does not parse: {e}");
        let mut f = finding("MS-OXCMAPIHTTP_R148", &e.field, &message, rc::INVALID_REQUEST_BODY);
        f.offset = Some(e.offset);
        findings.push(f);
        self.failure(head, context, rc::INVALID_REQUEST_BODY, &message)
    }

    pub(super) fn record(&mut self, context: Option<u64>, req: &Request, code: u32, mut findings: Vec<ClientFinding>) {
        let request_type = req.header("x-requesttype").unwrap_or("").to_string();
        let request_id = req.header("x-requestid").map(str::to_string);
        let ctx =
            context.and_then(|id| self.contexts.get_mut(&id).or_else(|| self.ended.iter_mut().find(|c| c.id == id)));
        let (n, who) = match ctx {
            Some(c) => {
                c.requests += 1;
                (c.requests, format!("session {} ({})", c.id, c.user))
            }
            None => (0, "no session".to_string()),
        };
        for f in &mut findings {
            f.request = n;
            f.request_type.clone_from(&request_type);
            f.request_id.clone_from(&request_id);
            if f.response_code == rc::SUCCESS {
                f.response_code = code;
            }
            self.fresh.push(format!(
                "{who}, request {n} ({request_type}): {} {} {}: {}",
                f.level.name(),
                f.requirement,
                f.field,
                f.message
            ));
        }
        let ctx =
            context.and_then(|id| self.contexts.get_mut(&id).or_else(|| self.ended.iter_mut().find(|c| c.id == id)));
        match ctx {
            Some(c) => c.findings.extend(findings),
            None => self.loose.extend(findings),
        }
    }
}

/// The X-ResponseCode a reply's headers carry.
pub(super) fn response_code_of(headers: &[(String, String)]) -> u32 {
    headers.iter().find(|(n, _)| n == "X-ResponseCode").and_then(|(_, v)| v.parse().ok()).unwrap_or(rc::SUCCESS)
}

pub(super) fn finding(requirement: &'static str, field: &str, message: &str, response_code: u32) -> ClientFinding {
    ClientFinding {
        request: 0,
        request_type: String::new(),
        request_id: None,
        requirement,
        level: Level::Must,
        field: field.to_string(),
        offset: None,
        message: message.to_string(),
        response_code,
    }
}

pub(super) fn push_codec_findings(out: &mut Vec<ClientFinding>, findings: &[Finding]) {
    for f in findings {
        out.push(ClientFinding {
            level: f.level,
            offset: Some(f.offset),
            ..finding(f.requirement, &f.field, &f.message, rc::SUCCESS)
        });
    }
}

pub(super) fn wait_body(pending: bool) -> Vec<u8> {
    crate::wire::transport::body::bytes_of(&NotificationWaitResponse {
        status_code: 0,
        error_code: 0,
        event_pending: u32::from(pending),
        auxiliary_buffer: Vec::new(),
    })
}

/// The ROP output buffer in one extended buffer, compressed unless the
/// request's Flags say NoCompression (0x1) or compressing does not make it
/// smaller, and obfuscated unless they say NoXorMagic (0x2)
/// (MS-OXCRPC 3.1.4.2, R632-R645; R1634-R1639).
pub(super) fn out_buffer(data: &[u8], flags: u32) -> ExtendedBuffer {
    let compress = flags & 0x1 == 0 && lz77::compress(data).len() < data.len();
    let t = Transform { compress, obfuscate: flags & 0x2 == 0 };
    ExtendedBuffer::from_payloads(&[(data, t)])
        .or_else(|_| ExtendedBuffer::from_payloads(&[(data, Transform::default())]))
        .unwrap_or_default()
}

pub(super) fn unauthorized(head: &Head) -> Reply {
    let mut headers = vec![
        ("WWW-Authenticate".to_string(), "Basic realm=\"oxcnotif\"".to_string()),
        ("Content-Type".to_string(), "text/plain".to_string()),
    ];
    if let Some(v) = head.request_id {
        headers.push(("X-RequestId".into(), v.into()));
    }
    Reply {
        status: 401,
        headers,
        body: Body::Plain(b"401: Basic credentials of a served user are required (MS-OXCMAPIHTTP_R35, R36)\n".to_vec()),
        context: None,
        session: None,
        woken: Vec::new(),
    }
}

pub(super) fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
