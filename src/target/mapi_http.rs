//! A MAPI over HTTP client of the mailbox endpoint ([MS-OXCMAPIHTTP]): the
//! requests a client sends (Connect, Execute, NotificationWait, PING,
//! Disconnect) with the headers and cookies the spec asks of a client,
//! and each response read as it arrives, meta-tag by meta-tag, with the
//! time each came.
//!
//! What it does as a client, with the rule each follows: Basic
//! credentials (MS-OXCMAPIHTTP_R35); `Content-Type: application/mapi-http`
//! (R67); X-RequestType, X-RequestId with one GUID per Session Context and a
//! counter that increases (R130, R1305, R2039); X-ClientInfo with one GUID
//! per client and a counter per Session Context (R155, R2041-R2045);
//! every cookie the server set, passed back on every request (R1148,
//! R1149, R1150). Responses are de-chunked by hyper and their inner
//! stream read by [`InnerStreamReader`] (R1184, R1187).
//!
//! A [`Client`] is one Session Context. Its methods take `&self`, so a
//! NotificationWait can be held while an Execute is sent (R1170); each
//! request goes on a connection of its own.

use crate::wire::transport::extended_buffer::{ExtendedBuffer, Transform};
use crate::wire::transport::inner_stream::{InnerStream, InnerStreamEvent, InnerStreamReader, MetaTag};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Why a request got no response to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientError(pub String);

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ClientError {}

/// The most of a response body the client reads before it gives up on the
/// response: 16 MiB. MS-OXCMAPIHTTP sets no maximum, so the bound is the
/// harness's own, far above any honest answer (an Execute's ROP output is
/// bounded by the MaxRopOut the client sends, 2.2.4.2.1; PENDING lines are a
/// few bytes each), so that a server streaming without end cannot fill the
/// client's memory before the request's timeout (the time bound) ends it.
pub const MAX_RESPONSE_BODY: usize = 16 << 20;

fn err(e: impl std::fmt::Display) -> ClientError {
    ClientError(e.to_string())
}

/// One response, as received.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The HTTP status.
    pub status: u16,
    /// The response headers, names in lower case, in order.
    pub headers: Vec<(String, String)>,
    /// The X-ResponseCode, if the header is there and a number.
    pub response_code: Option<u32>,
    /// The body as received (de-chunked).
    pub raw: Vec<u8>,
    /// The inner stream, when X-ResponseCode is 0 and the body reads as one.
    pub inner: Option<InnerStream>,
    /// Why the body does not read as an inner stream, when it should.
    pub inner_error: Option<String>,
    /// Each meta-tag and when it arrived, from the request's start.
    pub arrivals: Vec<(MetaTag, Duration)>,
    /// When the response headers arrived.
    pub headers_at: Duration,
    /// The request's headers, as sent.
    pub request_headers: Vec<(String, String)>,
}

impl Exchange {
    /// The first header named `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
    /// The request header named `name` (any case), as sent.
    pub fn sent(&self, name: &str) -> Option<&str> {
        self.request_headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    /// The request type's response body (after DONE and its headers).
    pub fn body(&self) -> Option<&[u8]> {
        self.inner.as_ref().map(|i| i.body.as_slice())
    }

    /// The exchange as a report shows it: the request's headers as sent
    /// (the Authorization value withheld), then the response's status,
    /// headers, meta-tags with when each arrived (ms from the request's
    /// start), and its body dissected as `request_type`'s response
    /// (MS-OXCMAPIHTTP 2.2.4), or as hex when it does not decode.
    pub fn to_value(&self, request_type: &str) -> serde_json::Value {
        use crate::wire::transport::{connect, disconnect, execute_response, notification_wait};
        use crate::wire::{decode, Layout, WireStructure};
        use serde_json::json;
        fn value<T: WireStructure>(b: &[u8]) -> serde_json::Value {
            match decode::<T>(b, Layout::Spec) {
                Ok(d) => d.value.to_value(Layout::Spec),
                Err(e) => json!({"hex": crate::hex::encode(b), "does_not_decode": e.to_string()}),
            }
        }
        let pairs = |h: &[(String, String)]| -> Vec<serde_json::Value> {
            h.iter()
                .map(|(n, v)| match n.eq_ignore_ascii_case("authorization") {
                    true => json!([n, "(withheld)"]),
                    false => json!([n, v]),
                })
                .collect()
        };
        let body = match (self.body(), request_type) {
            (None, _) => json!(crate::hex::encode(&self.raw)),
            (Some(b), "Connect") => value::<connect::ConnectResponse>(b),
            (Some(b), "Execute") => value::<execute_response::ExecuteResponse>(b),
            (Some(b), "Disconnect") => value::<disconnect::DisconnectResponse>(b),
            (Some(b), "NotificationWait") => value::<notification_wait::NotificationWaitResponse>(b),
            (Some(b), _) => json!(crate::hex::encode(b)),
        };
        json!({
            "request": {"X-RequestType": request_type, "headers": pairs(&self.request_headers)},
            "response": {
                "status": self.status,
                "X-ResponseCode": self.response_code,
                "headers": pairs(&self.headers),
                "meta": self.arrivals.iter().map(|(t, at)| json!([t.name(), at.as_millis() as u64])).collect::<Vec<_>>(),
                "inner_stream_error": self.inner_error,
                "body": body,
            },
        })
    }
}

/// Where and as whom a client connects.
#[derive(Clone)]
pub struct Endpoint {
    /// The mailbox endpoint's URL, query string kept.
    pub url: hyper::Uri,
    /// The user name.
    pub user: String,
    /// The password.
    pub password: String,
    /// TLS (for `https://`).
    pub tls: Option<tokio_rustls::TlsConnector>,
}

impl Endpoint {
    /// Reads `url` (http:// or https://); `insecure` accepts any server
    /// certificate (a test server's self-signed one).
    pub fn new(url: &str, user: &str, password: &str, insecure: bool) -> Result<Endpoint, ClientError> {
        let uri: hyper::Uri = url.parse().map_err(|e| err(format!("{url}: {e}")))?;
        let tls = match uri.scheme_str() {
            Some("http") => None,
            Some("https") => Some(tls_connector(insecure)?),
            _ => return Err(err(format!("{url}: the URL is not http:// or https://"))),
        };
        if uri.host().is_none() {
            return Err(err(format!("{url}: the URL names no host")));
        }
        Ok(Endpoint { url: uri, user: user.into(), password: password.into(), tls })
    }
}

struct State {
    cookies: Vec<(String, String)>,
    counter: u64,
}

/// One Session Context's client.
#[derive(Clone)]
pub struct Client {
    endpoint: Endpoint,
    request_guid: String,
    client_info: String,
    state: Arc<Mutex<State>>,
}

/// A fresh GUID-shaped value (not a registered UUID; unique enough for
/// X-RequestId and X-ClientInfo within a run).
pub fn guid() -> String {
    let a = crate::serve::context::opaque(std::process::id() as u64 ^ now_nanos());
    let a = a.to_ascii_uppercase();
    format!("{}-{}-{}-{}-{}", &a[0..8], &a[8..12], &a[12..16], &a[16..20], &a[20..32])
}

fn now_nanos() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0)
}

impl Client {
    /// A client of `endpoint`; `client_info` is the X-ClientInfo value
    /// (`{GUID}:counter`, the same GUID for every Session Context of one
    /// client instance).
    pub fn new(endpoint: Endpoint, client_info: String) -> Client {
        Client {
            endpoint,
            request_guid: guid(),
            client_info,
            state: Arc::new(Mutex::new(State { cookies: Vec::new(), counter: 0 })),
        }
    }

    /// The cookies the server has set, as (name, value).
    pub fn cookies(&self) -> Vec<(String, String)> {
        self.state.lock().map(|s| s.cookies.clone()).unwrap_or_default()
    }

    /// A second client of the same Session Context with its own copy of the
    /// cookie jar and a request counter 1,000 ahead: a test sends two
    /// requests at once, with the same cookies, through the two.
    pub fn twin(&self) -> Client {
        let (cookies, counter) = self.state.lock().map(|s| (s.cookies.clone(), s.counter + 1000)).unwrap_or_default();
        Client {
            endpoint: self.endpoint.clone(),
            request_guid: self.request_guid.clone(),
            client_info: self.client_info.clone(),
            state: Arc::new(Mutex::new(State { cookies, counter })),
        }
    }

    /// Replaces the cookie jar (a test that sends a stale cookie on purpose).
    pub fn set_cookies(&self, cookies: Vec<(String, String)>) {
        if let Ok(mut s) = self.state.lock() {
            s.cookies = cookies;
        }
    }

    /// Sends one request of `request_type` with `body` and reads the whole
    /// response. `extra` headers are added (or, with an empty value,
    /// removed) after the usual ones: a test breaks a rule on purpose.
    pub async fn send(
        &self,
        request_type: &str,
        body: Vec<u8>,
        extra: &[(&str, &str)],
    ) -> Result<Exchange, ClientError> {
        self.send_to("POST", "", request_type, body, extra).await
    }

    /// [`Client::send`] with another method than POST (a test breaks
    /// MS-OXCMAPIHTTP_R3 on purpose).
    pub async fn send_method(
        &self,
        method: &str,
        request_type: &str,
        body: Vec<u8>,
        extra: &[(&str, &str)],
    ) -> Result<Exchange, ClientError> {
        self.send_to(method, "", request_type, body, extra).await
    }

    /// [`Client::send`] with `method`, to `path` on the endpoint's host
    /// (empty: the endpoint's own path and query).
    pub async fn send_to(
        &self,
        method: &str,
        path: &str,
        request_type: &str,
        body: Vec<u8>,
        extra: &[(&str, &str)],
    ) -> Result<Exchange, ClientError> {
        let (cookie, counter) = {
            let mut s = self.state.lock().map_err(err)?;
            s.counter += 1;
            let c: Vec<String> = s.cookies.iter().map(|(n, v)| format!("{n}={v}")).collect();
            (c.join("; "), s.counter)
        };
        use base64::Engine;
        let auth = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", self.endpoint.user, self.endpoint.password));
        let uri = &self.endpoint.url;
        let host = uri.authority().map(|a| a.as_str().to_string()).unwrap_or_default();
        let mut headers: Vec<(String, String)> = vec![
            ("Host".into(), host.clone()),
            ("Authorization".into(), format!("Basic {auth}")),
            ("Content-Type".into(), "application/mapi-http".into()),
            ("X-RequestType".into(), request_type.into()),
            ("X-RequestId".into(), format!("{}:{counter}", self.request_guid)),
            ("X-ClientInfo".into(), self.client_info.clone()),
            ("X-ClientApplication".into(), format!("oxcnotif/{}", env!("CARGO_PKG_VERSION"))),
        ];
        if !cookie.is_empty() {
            headers.push(("Cookie".into(), cookie));
        }
        for (n, v) in extra {
            headers.retain(|(h, _)| !h.eq_ignore_ascii_case(n));
            if !v.is_empty() {
                headers.push((n.to_string(), v.to_string()));
            }
        }
        let target = if path.is_empty() { uri.path_and_query().map(|p| p.as_str()).unwrap_or("/") } else { path };
        let mut b = hyper::Request::builder().method(method).uri(target);
        for (n, v) in &headers {
            b = b.header(n.as_str(), v.as_str());
        }
        let request = b.body(Full::new(Bytes::from(body))).map_err(err)?;
        let request_headers = headers.clone();
        let started = Instant::now();
        let port = uri.port_u16().unwrap_or(if self.endpoint.tls.is_some() { 443 } else { 80 });
        let host_name = uri.host().unwrap_or_default().trim_start_matches('[').trim_end_matches(']').to_string();
        let tcp = tokio::net::TcpStream::connect((host_name.as_str(), port))
            .await
            .map_err(|e| err(format!("connecting to {host}: {e}")))?;
        let _ = tcp.set_nodelay(true);
        let response = match &self.endpoint.tls {
            None => exchange(hyper_util::rt::TokioIo::new(tcp), request).await?,
            Some(connector) => {
                let name = tokio_rustls::rustls::pki_types::ServerName::try_from(host_name.clone()).map_err(err)?;
                let tls = connector.connect(name, tcp).await.map_err(|e| err(format!("TLS with {host}: {e}")))?;
                exchange(hyper_util::rt::TokioIo::new(tls), request).await?
            }
        };
        let headers_at = started.elapsed();
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        let set: Vec<(String, String)> = headers
            .iter()
            .filter(|(n, _)| n == "set-cookie")
            .filter_map(|(_, v)| {
                v.split(';').next()?.split_once('=').map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
            })
            .collect();
        if !set.is_empty() {
            let mut s = self.state.lock().map_err(err)?;
            for (n, v) in set {
                s.cookies.retain(|(m, _)| *m != n);
                s.cookies.push((n, v));
            }
        }
        let response_code =
            headers.iter().find(|(n, _)| n == "x-responsecode").and_then(|(_, v)| v.trim().parse().ok());
        let mut body = response.into_body();
        let mut raw = Vec::new();
        let mut reader = InnerStreamReader::new();
        let mut arrivals = Vec::new();
        let mut inner_error = None;
        let streamed = status == 200 && response_code == Some(0);
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| err(format!("reading the {request_type} response body: {e}")))?;
            let Ok(data) = frame.into_data() else { continue };
            if raw.len() + data.len() > MAX_RESPONSE_BODY {
                return Err(err(format!(
                    "the {request_type} response body exceeded {} MiB, the client's cap (MAX_RESPONSE_BODY); \
                     the rest was not read",
                    MAX_RESPONSE_BODY >> 20
                )));
            }
            raw.extend_from_slice(&data);
            if streamed && inner_error.is_none() {
                match reader.push(&data) {
                    Ok(events) => {
                        for e in events {
                            if let InnerStreamEvent::MetaTag(t) = e {
                                arrivals.push((t, started.elapsed()));
                            }
                        }
                    }
                    Err(e) => inner_error = Some(e.to_string()),
                }
            }
        }
        let inner = if streamed && inner_error.is_none() {
            match reader.finish() {
                Ok(i) => Some(i),
                Err(e) => {
                    inner_error = Some(e.to_string());
                    None
                }
            }
        } else {
            None
        };
        Ok(Exchange { status, headers, response_code, raw, inner, inner_error, arrivals, headers_at, request_headers })
    }
}

async fn exchange<T>(
    io: T,
    request: hyper::Request<Full<Bytes>>,
) -> Result<hyper::Response<hyper::body::Incoming>, ClientError>
where
    T: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake(io).await.map_err(err)?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    sender.send_request(request).await.map_err(|e| err(format!("sending the request: {e}")))
}

fn tls_connector(insecure: bool) -> Result<tokio_rustls::TlsConnector, ClientError> {
    use tokio_rustls::rustls;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(err)?;
    let config = if insecure {
        builder.dangerous().with_custom_certificate_verifier(Arc::new(AnyCertificate(provider))).with_no_client_auth()
    } else {
        // The system's trusted roots (the platform's certificate store).
        let mut roots = rustls::RootCertStore::empty();
        let found = rustls_native_certs::load_native_certs();
        for cert in found.certs {
            let _ = roots.add(cert);
        }
        if roots.is_empty() {
            return Err(err(format!(
                "https:// needs trusted root certificates and the system offers none{}; --insecure accepts any certificate",
                found.errors.first().map(|e| format!(" ({e})")).unwrap_or_default()
            )));
        }
        builder.with_root_certificates(roots).with_no_client_auth()
    };
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
}

/// Accepts any server certificate (`--insecure`), still checking that the
/// handshake's signatures are made by the certificate's key.
#[derive(Debug)]
struct AnyCertificate(Arc<tokio_rustls::rustls::crypto::CryptoProvider>);

impl tokio_rustls::rustls::client::danger::ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &tokio_rustls::rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[tokio_rustls::rustls::pki_types::CertificateDer<'_>],
        _server_name: &tokio_rustls::rustls::pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: tokio_rustls::rustls::pki_types::UnixTime,
    ) -> Result<tokio_rustls::rustls::client::danger::ServerCertVerified, tokio_rustls::rustls::Error> {
        Ok(tokio_rustls::rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &tokio_rustls::rustls::pki_types::CertificateDer<'_>,
        dss: &tokio_rustls::rustls::DigitallySignedStruct,
    ) -> Result<tokio_rustls::rustls::client::danger::HandshakeSignatureValid, tokio_rustls::rustls::Error> {
        tokio_rustls::rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &tokio_rustls::rustls::pki_types::CertificateDer<'_>,
        dss: &tokio_rustls::rustls::DigitallySignedStruct,
    ) -> Result<tokio_rustls::rustls::client::danger::HandshakeSignatureValid, tokio_rustls::rustls::Error> {
        tokio_rustls::rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<tokio_rustls::rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// A decoded success body, or why there is none.
pub type Decoded<T> = Result<T, String>;

fn body_of<T: crate::wire::WireStructure>(x: &Exchange, what: &str) -> Decoded<T> {
    if x.response_code != Some(0) {
        return Err(format!(
            "X-ResponseCode {}",
            x.response_code.map(crate::wire::transport::response_code::describe).unwrap_or_else(|| "missing".into())
        ));
    }
    let Some(body) = x.body() else {
        return Err(format!("the inner stream does not read: {}", x.inner_error.as_deref().unwrap_or("no body")));
    };
    crate::wire::decode::<T>(body, crate::wire::Layout::Spec)
        .map(|d| d.value)
        .map_err(|e| format!("the {what} does not parse: {e}"))
}

impl Client {
    /// Connect (MS-OXCMAPIHTTP 2.2.4.1) as `user_dn`, with `auxiliary_buffer`
    /// (for example [`crate::wire::transport::aux_buffer::perf_client_info`]).
    pub async fn connect(
        &self,
        user_dn: &str,
        auxiliary_buffer: Vec<u8>,
    ) -> Result<(Exchange, Decoded<crate::wire::transport::connect::ConnectResponse>), ClientError> {
        use crate::wire::transport::connect::ConnectRequest;
        let req = ConnectRequest {
            user_dn: user_dn.to_string(),
            flags: 0,
            default_code_page: 1252,
            lcid_sort: 0x409,
            lcid_string: 0x409,
            auxiliary_buffer,
        };
        let x = self.send("Connect", crate::wire::transport::body::bytes_of(&req), &[]).await?;
        let b = body_of(&x, "Connect response body");
        Ok((x, b))
    }

    /// Execute (2.2.4.2): `rops` is a ROP input buffer (RopSize, RopsList,
    /// ServerObjectHandleTable), sent in one extended buffer transformed
    /// as `transform` says; `flags` are the request's Flags (0x1
    /// NoCompression, 0x2 NoXorMagic). Answers the ROP output buffer. A
    /// payload that LZ77 would not shrink is sent uncompressed.
    pub async fn execute(
        &self,
        rops: &[u8],
        transform: Transform,
        flags: u32,
        max_rop_out: u32,
    ) -> Result<(Exchange, Decoded<Vec<u8>>), ClientError> {
        use crate::wire::transport::execute_request::ExecuteRequest;
        use crate::wire::transport::execute_response::ExecuteResponse;
        // Compressed only when that makes the payload smaller (MS-OXCRPC_R4794).
        let buffer = ExtendedBuffer::from_payloads(&[(rops, transform)])
            .or_else(|_| ExtendedBuffer::from_payloads(&[(rops, Transform { compress: false, ..transform })]))
            .map_err(err)?;
        let req = ExecuteRequest { flags, rop_buffer: Some(buffer), max_rop_out, auxiliary_buffer: Vec::new() };
        let x = self.send("Execute", crate::wire::transport::body::bytes_of(&req), &[]).await?;
        let b = body_of::<ExecuteResponse>(&x, "Execute response body").and_then(|r| {
            if r.error_code != 0 {
                return Err(format!("ErrorCode 0x{:08X}", r.error_code));
            }
            Ok(r.rop_buffer.map(|b| b.data()).unwrap_or_default())
        });
        Ok((x, b))
    }

    /// NotificationWait (2.2.4.4): answers EventPending.
    pub async fn notification_wait(&self) -> Result<(Exchange, Decoded<u32>), ClientError> {
        use crate::wire::transport::notification_wait::{NotificationWaitRequest, NotificationWaitResponse};
        let x = self
            .send("NotificationWait", crate::wire::transport::body::bytes_of(&NotificationWaitRequest::default()), &[])
            .await?;
        let b = body_of::<NotificationWaitResponse>(&x, "NotificationWait response body").map(|r| r.event_pending);
        Ok((x, b))
    }

    /// PING (2.2.6): no body.
    pub async fn ping(&self) -> Result<Exchange, ClientError> {
        self.send("PING", Vec::new(), &[]).await
    }

    /// Disconnect (2.2.4.3).
    pub async fn disconnect(&self) -> Result<Exchange, ClientError> {
        use crate::wire::transport::disconnect::DisconnectRequest;
        self.send("Disconnect", crate::wire::transport::body::bytes_of(&DisconnectRequest::default()), &[]).await
    }
}
