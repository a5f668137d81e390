//! The layer of `oxcnotif serve` that touches sockets: HTTP/1.1 by hyper
//! on tokio, TLS by rustls, around the sans-IO [`Endpoint`].
//!
//! Every response of the mailbox endpoint with X-ResponseCode 0 is chunked
//! (MS-OXCMAPIHTTP_R1173): the headers and `PROCESSING` go out at once,
//! with Nagle off (R1237, R1238, R2227), then `PENDING` every
//! X-PendingPeriod while a NotificationWait is held (R1239, R1241), then
//! `DONE`, X-ElapsedTime and X-StartTime (R1244, R2228), the blank line and
//! the body.
//!
//! The control endpoint, beside the mailbox endpoint on the same listener
//! and behind the same Basic credentials, is for a person or a script
//! (docs/serve.md):
//!
//! * `POST /oxcnotif/event` with a YAML or JSON event (the external form of
//!   [`crate::model::event::Event`], or a list of them) causes it in the
//!   mailbox of the authenticated user (or `?user=NAME`), as a change made
//!   elsewhere: every Session Context of that mailbox sees it;
//! * `GET /oxcnotif/report` answers the client report as JSON;
//! * `GET /oxcnotif/mailbox` answers what the user's mailbox holds (its
//!   folders with their parents, and its messages), as JSON.

use super::endpoint::{Body, Endpoint, Outcome, Reply, Request};
use super::report::ClientReport;
use crate::wire::transport::inner_stream::{done_part, PENDING_LINE, PROCESSING_LINE};
use bytes::Bytes;
use http_body_util::{combinators::BoxBody, BodyExt, Full, Limited};
use hyper::body::{Frame, Incoming};
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant, SystemTime};
use tokio::sync::{mpsc, Notify};

/// The largest request body read: MS-OXCRPC caps rgbIn at 0x40000 bytes
/// (R1373) and the auxiliary buffer at 0x1008 (R571); anything bigger is
/// X-ResponseCode 9, Too Large.
pub const MAX_REQUEST_BODY: usize = 0x40000 + 0x1008 + 64;

/// What the connections share.
pub struct Shared {
    /// The endpoint, behind one lock: a request holds it for the time
    /// its ROPs take (microseconds), never while waiting.
    pub endpoint: Mutex<Endpoint>,
    waiters: Mutex<HashMap<u64, Arc<Notify>>>,
    start: Instant,
    /// Where findings are printed as they happen (standard error in the binary).
    pub live: Box<dyn Fn(&str) + Send + Sync>,
}

impl Shared {
    /// Shares `endpoint`; `live` prints each finding as it is recorded.
    pub fn new(endpoint: Endpoint, live: Box<dyn Fn(&str) + Send + Sync>) -> Arc<Self> {
        Arc::new(Shared {
            endpoint: Mutex::new(endpoint),
            waiters: Mutex::new(HashMap::new()),
            start: Instant::now(),
            live,
        })
    }

    fn now_ms(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Endpoint> {
        // A panic while holding the lock is a bug; the state is still the
        // best there is, so the lock is taken over rather than poisoned.
        self.endpoint.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn waiter(&self, id: u64) -> Arc<Notify> {
        self.waiters.lock().unwrap_or_else(|p| p.into_inner()).entry(id).or_default().clone()
    }

    /// Wakes the held NotificationWaits of `ids`.
    pub fn wake(&self, ids: &[u64]) {
        let w = self.waiters.lock().unwrap_or_else(|p| p.into_inner());
        for id in ids {
            if let Some(n) = w.get(id) {
                n.notify_one();
            }
        }
    }

    fn print_fresh(&self, e: &mut Endpoint) {
        for line in e.take_fresh() {
            (self.live)(&line);
        }
    }

    /// The client report as it stands.
    pub fn report(&self) -> ClientReport {
        ClientReport::build(&self.lock(), false)
    }
}

/// A response body fed frame by frame from a channel.
struct ChannelBody(mpsc::Receiver<Bytes>);

impl hyper::body::Body for ChannelBody {
    type Data = Bytes;
    type Error = Infallible;
    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0.poll_recv(cx).map(|o| o.map(|b| Ok(Frame::data(b))))
    }
}

type Out = hyper::Response<BoxBody<Bytes, Infallible>>;

fn response(status: u16, headers: &[(String, String)], body: BoxBody<Bytes, Infallible>) -> Out {
    let mut b = hyper::Response::builder().status(status);
    for (n, v) in headers {
        b = b.header(n.as_str(), v.as_str());
    }
    // Every header value the endpoint builds is ASCII text.
    b.body(body).unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new()).boxed()))
}

fn plain(status: u16, content_type: &str, text: impl Into<Bytes>) -> Out {
    response(status, &[("Content-Type".into(), content_type.into())], Full::new(text.into()).boxed())
}

/// Answers one HTTP request.
pub async fn handle(shared: Arc<Shared>, req: hyper::Request<Incoming>) -> Result<Out, Infallible> {
    let started = Instant::now();
    let start_time = SystemTime::now();
    let method = req.method().as_str().to_string();
    let path = req.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_default();
    let headers: Vec<(String, String)> = req
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_ascii_lowercase(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let body = match Limited::new(req.into_body(), MAX_REQUEST_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
            // The headers every response carries (MS-OXCMAPIHTTP_R44), as far as the request gave them.
            let mut h = vec![("X-ResponseCode".to_string(), "9".to_string())];
            h.push(("Content-Type".into(), "text/html".into()));
            for (n, shown) in
                [("x-requesttype", "X-RequestType"), ("x-requestid", "X-RequestId"), ("x-clientinfo", "X-ClientInfo")]
            {
                if let Some((_, v)) = headers.iter().find(|(k, _)| k == n) {
                    h.push((shown.to_string(), v.clone()));
                }
            }
            let page = format!("<p>X-ResponseCode 9 (Too Large): the body is over {MAX_REQUEST_BODY} bytes</p>\n");
            return Ok(response(200, &h, Full::new(Bytes::from(page)).boxed()));
        }
        Err(_) => return Ok(plain(400, "text/plain", "the request body could not be read\n")),
    };
    if path.starts_with("/oxcnotif/") {
        return Ok(control(&shared, &method, &path, &headers, &body));
    }
    let now = shared.now_ms();
    let outcome = {
        let mut e = shared.lock();
        let o = e.handle(&Request { method: &method, path: &path, headers: &headers, body: &body, now_ms: now });
        shared.print_fresh(&mut e);
        o
    };
    let elapsed_headers = move || {
        vec![
            ("X-ElapsedTime".to_string(), started.elapsed().as_millis().to_string()),
            ("X-StartTime".to_string(), httpdate::fmt_http_date(start_time)),
        ]
    };
    match outcome {
        Outcome::Reply(reply) => Ok(send_reply(&shared, reply, elapsed_headers)),
        Outcome::Wait { context, headers, deadline_ms } => {
            let (tx, rx) = mpsc::channel(4);
            let _ = tx.try_send(Bytes::from_static(PROCESSING_LINE));
            let notify = shared.waiter(context);
            let s = shared.clone();
            tokio::spawn(async move {
                let period = Duration::from_millis(s.lock().config().pending_period_ms.max(1));
                let deadline =
                    tokio::time::Instant::now() + Duration::from_millis(deadline_ms.saturating_sub(s.now_ms()));
                let mut keepalive = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
                loop {
                    tokio::select! {
                        _ = notify.notified() => {
                            if s.lock().wait_ready(context) { break; }
                        }
                        _ = keepalive.tick() => {
                            // MS-OXCMAPIHTTP_R1239, R1241
                            if tx.send(Bytes::from_static(PENDING_LINE)).await.is_err() { break; }
                        }
                        _ = tokio::time::sleep_until(deadline) => break,
                        _ = tx.closed() => break,
                    }
                }
                let done = s.lock().complete_wait(context, s.now_ms());
                if let Some((mut extra, body)) = done {
                    extra.extend(elapsed_headers());
                    let h: Vec<(&str, &str)> = extra.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
                    let _ = tx.send(Bytes::from(done_part(&h, &body))).await;
                }
            });
            Ok(response(200, &headers, ChannelBody(rx).boxed()))
        }
    }
}

fn send_reply(shared: &Arc<Shared>, reply: Reply, elapsed: impl FnOnce() -> Vec<(String, String)>) -> Out {
    shared.wake(&reply.woken);
    match reply.body {
        Body::Plain(bytes) => {
            if let Some(id) = reply.context {
                shared.lock().finished(id, shared.now_ms());
            }
            response(reply.status, &reply.headers, Full::new(Bytes::from(bytes)).boxed())
        }
        Body::Inner { headers: mut extra, body } => {
            let (tx, rx) = mpsc::channel(2);
            let _ = tx.try_send(Bytes::from_static(PROCESSING_LINE));
            extra.extend(elapsed());
            let h: Vec<(&str, &str)> = extra.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            let _ = tx.try_send(Bytes::from(done_part(&h, &body)));
            if let Some(id) = reply.context {
                shared.lock().finished(id, shared.now_ms());
            }
            response(reply.status, &reply.headers, ChannelBody(rx).boxed())
        }
    }
}

fn control(shared: &Arc<Shared>, method: &str, path: &str, headers: &[(String, String)], body: &[u8]) -> Out {
    let auth = headers.iter().find(|(n, _)| n == "authorization").map(|(_, v)| v.as_str());
    let Some(user) = shared.lock().authenticate_header(auth) else {
        let mut r = plain(401, "text/plain", "401: Basic credentials of a served user are required\n");
        r.headers_mut().insert("WWW-Authenticate", hyper::header::HeaderValue::from_static("Basic realm=\"oxcnotif\""));
        return r;
    };
    let (route, query) = path.split_once('?').unwrap_or((path, ""));
    let target = query.split('&').find_map(|kv| kv.strip_prefix("user=")).map(str::to_string).unwrap_or(user);
    match (method, route) {
        ("GET", "/oxcnotif/report") => {
            let text = serde_json::to_string_pretty(&shared.report().to_json()).unwrap_or_default();
            plain(200, "application/json", text + "\n")
        }
        ("GET", "/oxcnotif/mailbox") => match shared.lock().mailbox(&target) {
            Ok(v) => plain(200, "application/json", serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"),
            Err(m) => plain(400, "text/plain", format!("{m}\n")),
        },
        ("POST", "/oxcnotif/event") => match super::events::parse(body) {
            Err(e) => plain(400, "text/plain", format!("{e}\n")),
            Ok(events) => {
                let mut e = shared.lock();
                let mut woken = Vec::new();
                for ev in &events {
                    match e.raise(&target, ev) {
                        Ok(w) => woken.extend(w),
                        Err(m) => return plain(400, "text/plain", format!("{m}\n")),
                    }
                }
                drop(e);
                woken.sort_unstable();
                woken.dedup();
                shared.wake(&woken);
                let text = serde_json::json!({"events": events.len(), "sessions_notified": woken.len()});
                plain(200, "application/json", format!("{text}\n"))
            }
        },
        _ => plain(
            404,
            "text/plain",
            format!(
                "{method} {route}: the control endpoint has GET /oxcnotif/report, GET /oxcnotif/mailbox and POST \
                 /oxcnotif/event\n"
            ),
        ),
    }
}

/// A TLS acceptor from PEM files (a certificate chain and its key).
pub fn tls_acceptor(cert: &std::path::Path, key: &std::path::Path) -> Result<tokio_rustls::TlsAcceptor, String> {
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| format!("{}: {e}", cert.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", cert.display()))?;
    if certs.is_empty() {
        return Err(format!("{}: no certificate in the file", cert.display()));
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| format!("{}: {e}", key.display()))?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = tokio_rustls::rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| format!("the certificate and key do not go together: {e}"))?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// Accepts connections on `listener` until `stop` resolves; each is served
/// on its own task. Idle Session Contexts are swept every second.
pub async fn serve(
    shared: Arc<Shared>,
    listener: tokio::net::TcpListener,
    tls: Option<tokio_rustls::TlsAcceptor>,
    stop: impl std::future::Future<Output = ()>,
) {
    let sweeper = {
        let s = shared.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            loop {
                tick.tick().await;
                let now = s.now_ms();
                s.lock().sweep(now);
            }
        })
    };
    tokio::pin!(stop);
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = &mut stop => break,
        };
        let Ok((stream, _peer)) = accepted else { continue };
        // MS-OXCMAPIHTTP_R2227: no Nagle, so PROCESSING leaves at once.
        let _ = stream.set_nodelay(true);
        let s = shared.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| handle(s.clone(), req));
            let http = hyper::server::conn::http1::Builder::new();
            match tls {
                None => {
                    let _ = http.serve_connection(hyper_util::rt::TokioIo::new(stream), service).await;
                }
                Some(acceptor) => {
                    if let Ok(stream) = acceptor.accept(stream).await {
                        let _ = http.serve_connection(hyper_util::rt::TokioIo::new(stream), service).await;
                    }
                }
            }
        });
    }
    sweeper.abort();
}

/// The URL a client uses: `http://ADDR/mapi/emsmdb/?MailboxId=USER@oxcnotif.invalid`.
pub fn url(addr: SocketAddr, tls: bool, user: &str) -> String {
    format!("{}://{addr}/mapi/emsmdb/?MailboxId={user}@oxcnotif.invalid", if tls { "https" } else { "http" })
}
