//! The one-shot local listener of the authorization code flow: Twitch sends
//! the browser back to `http://localhost:PORT/...?code=...&state=...`; this
//! answers that one request, checks `state`, and hands over the code.
//!
//! It binds 127.0.0.1 and, where IPv6 loopback exists, `[::1]` on the same port
//! (a browser may resolve `localhost` to either; leaving one free would let
//! another local user listen there). Connections are served concurrently, each
//! with its own read timeout, so an idle one stalls nothing. Requests for other
//! paths get a 404 and requests with the wrong `state` a 400 (a page elsewhere
//! could try to slip a code in); both are ignored and the listener keeps
//! waiting for the real redirect.

use crate::secret::Secret;
use crate::Error;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

/// The most a browser's request head may take.
const MAX_HEAD: usize = 16 * 1024;
/// How long one connection may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// A bound listener for one redirect.
#[derive(Debug)]
pub struct RedirectListener {
    listener: TcpListener,
    /// The same port on `[::1]`; `None` where the machine has no IPv6 loopback.
    listener_v6: Option<TcpListener>,
    redirect_uri: String,
    path: String,
}

/// What the redirect carried.
enum Outcome {
    Code(Secret),
    Refused { error: String, description: String },
}

impl RedirectListener {
    /// Listens on 127.0.0.1:`port` for `redirect_uri`, which must be
    /// `http://localhost[:PORT][/path]` (or 127.0.0.1). `port` 0 takes the
    /// URI's port.
    pub async fn bind(redirect_uri: &str, port: u16) -> Result<RedirectListener, Error> {
        let (uri_port, path) = parse_local_uri(redirect_uri)?;
        let port = if port == 0 { uri_port } else { port };
        let v4 = std::net::SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, port));
        let listener = TcpListener::bind(v4).await.map_err(|source| Error::RedirectListen { address: v4, source })?;
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(port);
        let v6 = std::net::SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, port));
        let listener_v6 = match TcpListener::bind(v6).await {
            Ok(l) => Some(l),
            Err(e) if no_ipv6_loopback(&e) => None,
            Err(source) => return Err(Error::RedirectListen { address: v6, source }),
        };
        Ok(RedirectListener { listener, listener_v6, redirect_uri: redirect_uri.to_owned(), path })
    }

    /// The redirect URI to register in the console and send in the authorize URL.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or_default()
    }

    /// Waits for the redirect with this `state` and returns its code, or
    /// Twitch's `error` / `error_description` as an error.
    pub async fn wait_for_code(&self, state: &str) -> Result<Secret, Error> {
        let mut connections = JoinSet::new();
        loop {
            let accepted = tokio::select! {
                accepted = self.listener.accept() => accepted,
                accepted = accept_v6(self.listener_v6.as_ref()) => accepted,
                Some(done) = connections.join_next() => {
                    match done.ok().flatten() {
                        Some(Outcome::Code(code)) => return Ok(code),
                        Some(Outcome::Refused { error, description }) => {
                            let message =
                                if description.is_empty() { error } else { format!("{error}: {description}") };
                            return Err(Error::OAuth { what: "browser login", status: 400, message });
                        }
                        None => continue,
                    }
                }
            };
            let (stream, _) = accepted.map_err(|e| Error::Config(format!("the login listener stopped: {e}")))?;
            if connections.len() >= MAX_CONNECTIONS {
                // Someone is flooding the port; the browser's retry finds room later.
                drop(stream);
                continue;
            }
            connections.spawn(handle(stream, self.path.clone(), state.to_owned()));
        }
    }
}

/// Accepts on `[::1]` when bound; never ready otherwise.
async fn accept_v6(listener: Option<&TcpListener>) -> std::io::Result<(TcpStream, std::net::SocketAddr)> {
    match listener {
        Some(l) => l.accept().await,
        None => std::future::pending().await,
    }
}

/// The machine has no [::1] (IPv6 off), as opposed to someone holding the port.
fn no_ipv6_loopback(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    if e.raw_os_error() == Some(libc::EAFNOSUPPORT) {
        return true;
    }
    matches!(e.kind(), std::io::ErrorKind::AddrNotAvailable | std::io::ErrorKind::Unsupported)
}

/// Connections served at once; more are closed at once.
const MAX_CONNECTIONS: usize = 64;

/// Answers one connection; `None` when it was not the redirect we wait for.
async fn handle(mut stream: TcpStream, wanted_path: String, state: String) -> Option<Outcome> {
    let state = state.as_str();
    let head = match tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream)).await {
        Ok(Some(head)) => head,
        _ => return None,
    };
    let target = head.lines().next().and_then(|line| {
        let mut parts = line.split(' ');
        (parts.next() == Some("GET")).then(|| parts.next()).flatten().map(str::to_owned)
    });
    let Some(target) = target else {
        respond(&mut stream, "405 Method Not Allowed", "Only GET is served here.").await;
        return None;
    };
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    if path != wanted_path {
        respond(&mut stream, "404 Not Found", "Not the login redirect.").await;
        return None;
    }
    let pairs = ttv_meta::form::parse_pairs(query);
    let get = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    if get("state").as_deref() != Some(state) {
        tracing::warn!("the login listener got a redirect with a state it did not issue; ignored");
        respond(
            &mut stream,
            "400 Bad Request",
            "This login was not started here (the state does not match); it was refused.",
        )
        .await;
        return None;
    }
    if let Some(error) = get("error") {
        let description = get("error_description").unwrap_or_default();
        let page = format!("Twitch did not log you in: {error}: {description}. You can close this tab.");
        respond(&mut stream, "200 OK", &page).await;
        return Some(Outcome::Refused { error, description });
    }
    match get("code") {
        Some(code) => {
            respond(&mut stream, "200 OK", "You are logged in; you can close this tab and go back to ttv.").await;
            Some(Outcome::Code(Secret::new(code)))
        }
        None => {
            respond(&mut stream, "400 Bad Request", "The redirect has neither a code nor an error.").await;
            None
        }
    }
}

/// A fresh `state` for one login: 32 random letters and digits.
pub fn random_state() -> String {
    crate::random::alphanumeric(32)
}

/// `http://localhost:3000/cb` → (3000, "/cb").
fn parse_local_uri(uri: &str) -> Result<(u16, String), Error> {
    let bad = || {
        Error::Config(format!(
            "the redirect URL `{uri}` is not a local http URL: use http://localhost:PORT (registered for the app in \
             the Twitch console)"
        ))
    };
    let rest = uri.strip_prefix("http://").ok_or_else(bad)?;
    let (authority, path) = match rest.find(['/', '?', '#']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let path = path.split(['?', '#']).next().filter(|p| !p.is_empty()).unwrap_or("/");
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, port.parse::<u16>().map_err(|_| bad())?),
        None => (authority, 80),
    };
    if !matches!(host, "localhost" | "127.0.0.1") {
        return Err(bad());
    }
    Ok((port, path.to_owned()))
}

async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.windows(4).any(|w| w == b"\r\n\r\n") || buf.windows(2).any(|w| w == b"\n\n") {
            return Some(String::from_utf8_lossy(&buf).into_owned());
        }
        if buf.len() > MAX_HEAD {
            return None;
        }
    }
}

async fn respond(stream: &mut TcpStream, status: &str, text: &str) {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>ttv login</title></head>\
         <body><p>{}</p></body></html>\n",
        html_escape(text)
    );
    let reply = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(reply.as_bytes()).await;
    let _ = stream.shutdown().await;
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// `a=1&b=x+y%21` → pairs, percent- and plus-decoded.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_redirect_urls_give_port_and_path() {
        assert_eq!(parse_local_uri("http://localhost:3000").unwrap(), (3000, "/".into()));
        assert_eq!(parse_local_uri("http://localhost:3000/").unwrap(), (3000, "/".into()));
        assert_eq!(parse_local_uri("http://127.0.0.1:8080/auth/cb?x=1").unwrap(), (8080, "/auth/cb".into()));
        assert_eq!(parse_local_uri("http://localhost").unwrap(), (80, "/".into()));
        for bad in ["https://localhost:3000", "http://example.com:3000", "http://localhost:x", "localhost:3000"] {
            assert!(parse_local_uri(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn queries_decode() {
        assert_eq!(
            ttv_meta::form::parse_pairs("code=a%2Fb&error_description=The+user+denied&x"),
            vec![
                ("code".into(), "a/b".into()),
                ("error_description".into(), "The user denied".into()),
                ("x".into(), "".into())
            ]
        );
        assert_eq!(ttv_meta::form::decode("100%"), "100%");
        assert_eq!(ttv_meta::form::decode("%4"), "%4");
        assert_eq!(ttv_meta::form::decode("%41"), "A");
    }

    fn redirect_request(state: &str) -> String {
        format!("GET /cb?code=the-code&state={state} HTTP/1.1\r\nHost: localhost\r\n\r\n")
    }

    #[tokio::test]
    async fn an_idle_connection_does_not_hold_up_the_redirect() {
        let listener = RedirectListener::bind("http://localhost:0/cb", 0).await.unwrap();
        let port = listener.port();
        let idle = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let mut real = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        real.write_all(redirect_request("s1").as_bytes()).await.unwrap();
        let code = listener.wait_for_code("s1").await.unwrap();
        assert_eq!(code.expose(), "the-code");
        // Served while the idle one still waits for its read timeout (not after it).
        let mut buf = [0u8; 1];
        let still_open = matches!(idle.try_read(&mut buf), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock);
        assert!(still_open, "the idle connection was served first");
    }

    #[tokio::test]
    async fn the_redirect_arrives_over_ipv6_loopback_too() {
        let listener = RedirectListener::bind("http://localhost:0/cb", 0).await.unwrap();
        if listener.listener_v6.is_none() {
            eprintln!("no IPv6 loopback here; skipped");
            return;
        }
        let mut real = TcpStream::connect(("::1", listener.port())).await.unwrap();
        real.write_all(redirect_request("s2").as_bytes()).await.unwrap();
        assert_eq!(listener.wait_for_code("s2").await.unwrap().expose(), "the-code");
    }

    #[tokio::test]
    async fn a_squatter_on_ipv6_loopback_is_refused() {
        let Ok(squatter) = std::net::TcpListener::bind(("::1", 0)) else {
            eprintln!("no IPv6 loopback here; skipped");
            return;
        };
        let port = squatter.local_addr().unwrap().port();
        let err = RedirectListener::bind(&format!("http://localhost:{port}"), 0).await.unwrap_err();
        assert!(err.to_string().contains("[::1]"), "{err}");
    }
}
