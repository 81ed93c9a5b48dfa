//! The one HTTP client of a process, on hyper: HTTP/1.1 (HTTP/2 with the
//! `http2` feature) over rustls, a keep-alive pool, a connect timeout and a
//! total timeout on every exchange, the answer read within
//! [`Config::max_answer_bytes`].
//!
//! hyper rather than a higher-level client: ttv needs one request shape
//! (method, URL, a few headers, a small body, the whole answer back), and
//! reqwest's cookies, redirects, decompression and URL handling cost a fifth
//! of a user's cold build for nothing here.
//!
//! Redirects are never followed and no `Referer` is sent: a redirect would
//! resend the token or a form with the client secret to whatever host the
//! `Location` names. A 3xx becomes [`Error::Redirect`].
//!
//! TLS: the caller's rustls config ([`Config::with_tls_config`]) or, with the
//! `rustls-ring` feature, ring and the platform's certificate verifier (see
//! tls.rs). Plain `http://` (a local mock) needs neither.
//!
//! Proxies: with [`Config::proxy_from_env`], an `https://` request goes
//! through the proxy `HTTPS_PROXY` or `ALL_PROXY` names (CONNECT, with the
//! proxy URL's user and password as basic auth), unless `NO_PROXY` excludes
//! the host. Plain `http://` requests always go direct: Twitch is only
//! served over HTTPS, and `http://` is for servers on this machine.

use crate::config::Config;
use crate::Error;
use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, LOCATION, USER_AGENT};
use http::{HeaderMap, Method, Request, Uri};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

type Connector = hyper_rustls::HttpsConnector<ProxyConnector>;
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The client every request of one [`crate::Client`] or OAuth client goes
/// through. Cheap to clone (the pool is shared).
#[derive(Clone)]
pub(crate) struct HttpClient {
    client: hyper_util::client::legacy::Client<Connector, Full<Bytes>>,
    user_agent: HeaderValue,
    timeout: Duration,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient").field("timeout", &self.timeout).finish_non_exhaustive()
    }
}

/// One request as ttv sends it.
pub(crate) struct Outgoing<'a> {
    pub method: Method,
    /// The whole URL, query included.
    pub url: &'a str,
    /// Extra headers (`Client-Id`, `Authorization`, ...).
    pub headers: Vec<(&'static str, String)>,
    /// The body and its content type.
    pub body: Option<(&'static str, Vec<u8>)>,
}

impl<'a> Outgoing<'a> {
    /// A request without headers or body.
    pub fn new(method: Method, url: &'a str) -> Outgoing<'a> {
        Outgoing { method, url, headers: Vec::new(), body: None }
    }

    /// Adds a header.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Outgoing<'a> {
        self.headers.push((name, value.into()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, content_type: &'static str, body: Vec<u8>) -> Outgoing<'a> {
        self.body = Some((content_type, body));
        self
    }
}

/// An answer read within the limits: its status, headers and body.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// The client built from `config`: its TLS ([`Config::tls_config`] or the
/// `rustls-ring` default), timeouts, user agent and proxy setting.
pub(crate) fn client(config: &Config) -> Result<HttpClient, Error> {
    check_client_id(&config.client_id)?;
    let tls = match &config.tls_config {
        Some(tls) => (**tls).clone(),
        None => crate::tls::default_config()?,
    };
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    http.set_connect_timeout(Some(config.connect_timeout));
    let proxies = config.proxy_from_env.then(|| Arc::new(Matcher::from_env()));
    let inner = ProxyConnector { http, proxies };
    let builder = hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(tls).https_or_http();
    #[cfg(feature = "http2")]
    let connector = builder.enable_all_versions().wrap_connector(inner);
    #[cfg(not(feature = "http2"))]
    let connector = builder.enable_http1().wrap_connector(inner);
    let client = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(60))
        .pool_timer(TokioTimer::new())
        .timer(TokioTimer::new())
        .build(connector);
    let user_agent = HeaderValue::from_str(&config.user_agent)
        .map_err(|_| Error::Config("the user agent holds a character a header cannot carry".into()))?;
    Ok(HttpClient { client, user_agent, timeout: config.timeout })
}

impl HttpClient {
    /// Sends `out` and reads the whole answer, within the total timeout.
    /// `what` names the request in errors.
    pub(crate) async fn send(&self, what: &str, config: &Config, out: Outgoing<'_>) -> Result<Answer, Error> {
        let request = self.request(what, out)?;
        match tokio::time::timeout(self.timeout, self.exchange(what, config, request)).await {
            Ok(answer) => answer,
            Err(_) => Err(Error::Timeout { endpoint: what.to_owned(), seconds: self.timeout.as_secs().max(1) }),
        }
    }

    fn request(&self, what: &str, out: Outgoing<'_>) -> Result<Request<Full<Bytes>>, Error> {
        // A header value with a control character, say: nothing was sent, and
        // sending again would fail the same way.
        let unbuildable = |why: &str| Error::Config(format!("{what}: the request could not be built: {why}"));
        let uri: Uri = out.url.parse().map_err(|_| unbuildable("the URL is not valid"))?;
        let mut builder = Request::builder().method(out.method).uri(uri).header(USER_AGENT, self.user_agent.clone());
        for (name, value) in out.headers {
            let value = HeaderValue::from_str(&value)
                .map_err(|_| unbuildable(&format!("the {name} header holds a character a header cannot carry")))?;
            builder = builder.header(HeaderName::from_static(name), value);
        }
        let body = match out.body {
            Some((content_type, body)) => {
                builder = builder.header(CONTENT_TYPE, content_type);
                Bytes::from(body)
            }
            None => Bytes::new(),
        };
        builder.body(Full::new(body)).map_err(|e| unbuildable(&e.to_string()))
    }

    async fn exchange(&self, what: &str, config: &Config, request: Request<Full<Bytes>>) -> Result<Answer, Error> {
        let resp = self.client.request(request).await.map_err(|e| network_error(what, config, e))?;
        read_answer(what, config, resp).await
    }
}

/// Reads `resp` whole, refusing a redirect and stopping at
/// [`Config::max_answer_bytes`]: a declared length over the cap is refused
/// before reading, and a body is read frame by frame so that an endless one
/// never takes more memory than the cap.
async fn read_answer(
    what: &str,
    config: &Config,
    resp: hyper::Response<hyper::body::Incoming>,
) -> Result<Answer, Error> {
    let status = resp.status().as_u16();
    if (300..400).contains(&status) {
        return Err(Error::Redirect { endpoint: what.to_owned(), status, host: location_host(resp.headers()) });
    }
    let limit = config.max_answer_bytes;
    let too_large = || Error::AnswerTooLarge { endpoint: what.to_owned(), limit };
    let declared =
        resp.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let (parts, mut incoming) = resp.into_parts();
    let mut body = Vec::with_capacity(declared.unwrap_or(0).min(limit).min(1 << 20) as usize);
    while let Some(frame) = incoming.frame().await {
        let frame = frame.map_err(|e| network_error(what, config, e))?;
        if let Ok(chunk) = frame.into_data() {
            if (body.len() + chunk.len()) as u64 > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
    }
    Ok(Answer { status, headers: parts.headers, body })
}

/// A transport error as [`Error::Network`] or [`Error::Timeout`], its causes
/// in the message. hyper's errors never hold the URL or a header.
fn network_error(what: &str, config: &Config, e: impl std::error::Error + Send + Sync + 'static) -> Error {
    let mut message = e.to_string();
    let mut timed_out = false;
    let mut cause = e.source();
    while let Some(s) = cause {
        message.push_str(": ");
        message.push_str(&s.to_string());
        timed_out |= s.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut);
        cause = s.source();
    }
    if timed_out {
        // Only connecting has a timer of its own; the total one is in `send`.
        return Error::Timeout { endpoint: what.to_owned(), seconds: config.connect_timeout.as_secs().max(1) };
    }
    if message.contains("invalid peer certificate") {
        message.push_str(
            "; the server's certificate is not trusted (behind a proxy or with a local server that has its own \
             certificate authority, set SSL_CERT_FILE to that authority's PEM file)",
        );
    }
    Error::Network { endpoint: what.to_owned(), message, source: Some(Box::new(e)) }
}

/// The longest client id accepted; Twitch's are 30 characters.
const MAX_CLIENT_ID_LEN: usize = 256;

/// A client id goes into a header of every request: one with a line break or
/// another control character (a pasted value) could not be sent, and is
/// refused here rather than failing each request as a network error.
fn check_client_id(id: &str) -> Result<(), Error> {
    let invalid = |message: String| Error::InvalidInput { endpoint: "Client id", message };
    if let Some(c) = id.chars().find(|c| c.is_control()) {
        return Err(invalid(format!("the client id holds the control character {c:?}; give the id alone")));
    }
    if id.len() > MAX_CLIENT_ID_LEN {
        return Err(invalid(format!("the client id is {} bytes long; Twitch's are about 30", id.len())));
    }
    Ok(())
}

/// The host a redirect points to, never the whole URL (its path or query
/// may hold a code or token).
fn location_host(headers: &HeaderMap) -> String {
    let Some(location) = headers.get(LOCATION).and_then(|v| v.to_str().ok()) else {
        return "no Location".into();
    };
    match location.parse::<Uri>() {
        Ok(uri) => match (uri.host(), uri.port_u16()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            // A relative Location stays on the same host.
            (None, _) => "a path on the same host".into(),
        },
        Err(_) => "a URL that does not parse".into(),
    }
}

/// TCP, through the environment's proxy for the `https://` hosts it covers.
#[derive(Clone)]
struct ProxyConnector {
    http: HttpConnector,
    proxies: Option<Arc<Matcher>>,
}

impl tower_service::Service<Uri> for ProxyConnector {
    type Response = hyper_util::rt::TokioIo<tokio::net::TcpStream>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.http.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        let via = self.proxies.as_ref().filter(|_| dst.scheme_str() == Some("https")).and_then(|m| m.intercept(&dst));
        match via {
            Some(proxy) if proxy.uri().scheme_str() != Some("http") => {
                // Only the scheme and host: the proxy URL may hold a password.
                let name =
                    format!("{}://{}", proxy.uri().scheme_str().unwrap_or("?"), proxy.uri().host().unwrap_or("?"));
                let why = format!("the proxy {name} is not supported; give an http:// proxy (it is sent CONNECT)");
                Box::pin(async move { Err(why.into()) })
            }
            Some(proxy) => {
                let mut tunnel = Tunnel::new(proxy.uri().clone(), self.http.clone());
                if let Some(auth) = proxy.basic_auth() {
                    tunnel = tunnel.with_auth(auth.clone());
                }
                Box::pin(async move { tunnel.call(dst).await.map_err(Into::into) })
            }
            None => {
                let connecting = self.http.call(dst);
                Box::pin(async move { connecting.await.map_err(Into::into) })
            }
        }
    }
}

// Building a client needs a TLS config: without the feature, tls.rs tests the refusal.
#[cfg(all(test, feature = "rustls-ring"))]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// Serves one request on 127.0.0.1 with `answer` and returns what it was sent.
    async fn one_request(config: &Config, answer: &'static [u8]) -> (Result<Answer, Error>, String) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/path?q=1", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut buf = vec![0; 4096];
            let n = stream.read(&mut buf).await.unwrap();
            stream.write_all(answer).await.unwrap();
            String::from_utf8_lossy(&buf[..n]).to_lowercase()
        });
        let http = client(config).unwrap();
        let out = Outgoing::new(Method::POST, &url).header("client-id", "cid").body("text/plain", b"hello".to_vec());
        let answer = http.send("Test", config, out).await;
        (answer, server.await.unwrap())
    }

    #[tokio::test]
    async fn the_request_carries_the_user_agent_headers_and_body() {
        let config = Config::new("cid").with_user_agent("my-bot/1.0");
        let (answer, sent) = one_request(&config, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-A: b\r\n\r\nok").await;
        let answer = answer.unwrap();
        assert_eq!((answer.status, answer.body.as_slice()), (200, &b"ok"[..]));
        assert_eq!(answer.headers.get("x-a").unwrap(), "b");
        assert!(sent.starts_with("post /path?q=1 http/1.1\r\n"), "{sent}");
        for line in ["user-agent: my-bot/1.0", "client-id: cid", "content-type: text/plain", "content-length: 5"] {
            assert!(sent.contains(line), "{line} in {sent}");
        }
        assert!(sent.ends_with("\r\n\r\nhello"), "{sent}");
        assert!(!sent.contains("referer"), "{sent}");
    }

    #[tokio::test]
    async fn a_redirect_is_refused_naming_the_host_only() {
        let config = Config::new("cid");
        let answer = b"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/x?code=secret\r\nContent-Length: 0\r\n\r\n";
        let err = one_request(&config, answer).await.0.expect_err("refused");
        assert!(matches!(&err, Error::Redirect { status: 302, host, .. } if host == "127.0.0.1:9"), "{err:?}");
        assert!(!err.to_string().contains("code="), "{err}");
    }

    #[tokio::test]
    async fn answers_over_the_cap_are_refused_declared_or_not() {
        let mut config = Config::new("cid");
        config.max_answer_bytes = 4;
        let declared = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789";
        assert!(matches!(one_request(&config, declared).await.0, Err(Error::AnswerTooLarge { limit: 4, .. })));
        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n";
        assert!(matches!(one_request(&config, chunked).await.0, Err(Error::AnswerTooLarge { limit: 4, .. })));
    }

    #[tokio::test]
    async fn a_closed_port_is_a_network_error_with_its_cause() {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let config = Config::new("cid");
        let url = format!("http://127.0.0.1:{port}/");
        let err = client(&config).unwrap().send("Test", &config, Outgoing::new(Method::GET, &url)).await;
        let err = err.expect_err("nothing listens");
        assert!(matches!(&err, Error::Network { .. }), "{err:?}");
        assert!(err.to_string().to_lowercase().contains("refused"), "{err}");
        assert!(std::error::Error::source(&err).is_some(), "the cause is kept");
    }

    #[tokio::test]
    async fn a_silent_server_times_out_with_the_total_bound() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let _held = tokio::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            tokio::time::sleep(Duration::from_secs(30)).await;
            drop(stream);
        });
        let mut config = Config::new("cid");
        config.timeout = Duration::from_millis(200);
        let err = client(&config).unwrap().send("Test", &config, Outgoing::new(Method::GET, &url)).await;
        assert!(matches!(err, Err(Error::Timeout { seconds: 1, .. })), "{:?}", err.err());
    }

    #[tokio::test]
    async fn a_proxy_other_than_http_is_refused_without_its_password() {
        let proxies = Matcher::builder().https("socks5://user:hunter2@127.0.0.1:9").build();
        let mut connector = ProxyConnector { http: HttpConnector::new(), proxies: Some(Arc::new(proxies)) };
        let err = tower_service::Service::call(&mut connector, "https://api.twitch.tv/".parse().unwrap())
            .await
            .expect_err("refused");
        let message = err.to_string();
        assert!(message.contains("the proxy socks5://127.0.0.1 is not supported"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }

    #[test]
    fn header_values_with_control_characters_are_refused_before_sending() {
        let config = Config::new("cid");
        let http = client(&config).unwrap();
        let out = Outgoing::new(Method::GET, "http://127.0.0.1:9/").header("authorization", "Bearer a\r\nX: y");
        let err = http.request("Test", out).expect_err("refused");
        assert!(matches!(&err, Error::Config(m) if m.contains("authorization")), "{err:?}");
    }

    #[test]
    fn client_ids_with_control_characters_are_refused_as_input() {
        for id in ["abc\r\nX-Evil: 1", "abc\n", "a\u{7}b"] {
            let err = client(&Config::new(id)).expect_err("refused");
            assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
        }
        assert!(matches!(client(&Config::new("a".repeat(100_000))), Err(Error::InvalidInput { .. })));
    }

    #[test]
    fn redirects_name_the_host_only() {
        let mut h = HeaderMap::new();
        h.insert(LOCATION, "http://127.0.0.1:9/oauth2/token?code=secret".parse().unwrap());
        assert_eq!(location_host(&h), "127.0.0.1:9");
        h.insert(LOCATION, "/elsewhere?token=x".parse().unwrap());
        assert_eq!(location_host(&h), "a path on the same host");
        assert_eq!(location_host(&HeaderMap::new()), "no Location");
    }
}
