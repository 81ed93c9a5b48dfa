//! Opening one WebSocket: TCP, then TLS for `wss://` (the client's rustls
//! config, [`crate::Config::tls_config`] or the default one, with ALPN set
//! to HTTP/1.1 since the upgrade is an HTTP/1.1 request), then the upgrade.
//! `ws://` is allowed to loopback hosts only (a local mock): nothing secret
//! travels on the socket, but a plain-text connection to anywhere else is
//! a mistake worth refusing. No proxy is used for the socket.

use super::error::EventSubError;
use crate::Error;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::WebSocketStream;

/// A byte stream the socket runs on: TCP, or TLS over TCP.
pub(crate) trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// One open WebSocket.
pub(crate) type Ws = WebSocketStream<Box<dyn Io>>;

/// A checked `ws://` or `wss://` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SocketUrl {
    /// The whole URL, as it is requested.
    pub url: String,
    pub secure: bool,
    /// The host without IPv6 brackets.
    pub host: String,
    pub port: u16,
}

impl SocketUrl {
    /// Checks `url`: `wss://` anywhere, `ws://` to loopback hosts only.
    pub fn parse(url: &str) -> Result<SocketUrl, Error> {
        let refused = |why: &str| Error::Config(format!("the EventSub WebSocket URL {} {why}", without_query(url)));
        let uri: http::Uri = url.parse().map_err(|_| refused("is not a URL"))?;
        let secure = match uri.scheme_str() {
            Some("wss") => true,
            Some("ws") => false,
            _ => return Err(refused("must start with wss:// (or ws:// to a local mock)")),
        };
        let host = uri.host().ok_or_else(|| refused("has no host"))?;
        let host = host.trim_start_matches('[').trim_end_matches(']').to_owned();
        if !secure && !is_loopback(&host) {
            return Err(refused(
                "is ws:// to a host other than 127.0.0.1, localhost or ::1; use wss:// (plain ws:// is only for a \
                 local mock)",
            ));
        }
        let port = uri.port_u16().unwrap_or(if secure { 443 } else { 80 });
        Ok(SocketUrl { url: url.to_owned(), secure, host, port })
    }

    /// The URL as messages show it: without its query.
    pub fn shown(&self) -> String {
        without_query(&self.url)
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn without_query(url: &str) -> String {
    url.split(['?', '#']).next().unwrap_or_default().to_owned()
}

/// `url` with `key=value` in its query (replacing the key if it is there).
pub(crate) fn with_query(url: &str, key: &str, value: &str) -> String {
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let (path, query) = base.split_once('?').unwrap_or((base, ""));
    let mut pairs: Vec<&str> = query.split('&').filter(|p| !p.is_empty() && p.split('=').next() != Some(key)).collect();
    let pair = format!("{key}={value}");
    pairs.push(&pair);
    let mut out = format!("{path}?{}", pairs.join("&"));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// The rustls config of the socket: the caller's or the default, speaking HTTP/1.1.
pub(crate) fn tls_config(config: &crate::Config) -> Result<Arc<rustls::ClientConfig>, Error> {
    let mut tls = match &config.tls_config {
        Some(tls) => (**tls).clone(),
        None => crate::tls::default_config()?,
    };
    tls.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(tls))
}

/// Opens the socket within `timeout` (TCP, TLS and the upgrade together).
pub(crate) async fn open(
    url: &SocketUrl,
    tls: Option<&Arc<rustls::ClientConfig>>,
    user_agent: &str,
    timeout: Duration,
) -> Result<Ws, EventSubError> {
    match tokio::time::timeout(timeout, open_now(url, tls, user_agent)).await {
        Ok(ws) => ws,
        Err(_) => Err(EventSubError::Connect {
            url: url.shown(),
            message: format!("no connection within {} s", timeout.as_secs_f64()),
            source: None,
        }),
    }
}

async fn open_now(
    url: &SocketUrl,
    tls: Option<&Arc<rustls::ClientConfig>>,
    user_agent: &str,
) -> Result<Ws, EventSubError> {
    let failed = |message: &str, source: Box<dyn std::error::Error + Send + Sync>| EventSubError::Connect {
        url: url.shown(),
        message: format!("{message}: {source}"),
        source: Some(source),
    };
    let tcp = tokio::net::TcpStream::connect((url.host.as_str(), url.port))
        .await
        .map_err(|e| failed("TCP connection failed", e.into()))?;
    // Small frames (Pongs) go out at once.
    let _ = tcp.set_nodelay(true);
    let io: Box<dyn Io> = if url.secure {
        let Some(tls) = tls else {
            return Err(EventSubError::Connect {
                url: url.shown(),
                message: "no TLS setup (build with the rustls-ring feature or give Config::with_tls_config)".into(),
                source: None,
            });
        };
        let name = rustls::pki_types::ServerName::try_from(url.host.clone())
            .map_err(|e| failed("the host is not a TLS server name", e.into()))?;
        let stream = tokio_rustls::TlsConnector::from(tls.clone())
            .connect(name, tcp)
            .await
            .map_err(|e| failed("TLS handshake failed", e.into()))?;
        Box::new(stream)
    } else {
        Box::new(tcp)
    };
    let mut request = url.url.as_str().into_client_request().map_err(|e| failed("bad request", e.into()))?;
    if let Ok(agent) = http::HeaderValue::from_str(user_agent) {
        request.headers_mut().insert(http::header::USER_AGENT, agent);
    }
    let (ws, _response) =
        tokio_tungstenite::client_async(request, io).await.map_err(|e| failed("WebSocket upgrade failed", e.into()))?;
    Ok(ws)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ws_is_for_loopback_only() {
        let ok = SocketUrl::parse("ws://127.0.0.1:8080/ws?keepalive_timeout_seconds=10").unwrap();
        assert_eq!((ok.secure, ok.host.as_str(), ok.port), (false, "127.0.0.1", 8080));
        assert_eq!(ok.shown(), "ws://127.0.0.1:8080/ws");
        assert_eq!(SocketUrl::parse("ws://[::1]:9/ws").unwrap().host, "::1");
        assert!(SocketUrl::parse("ws://localhost/ws").is_ok());
        let twitch = SocketUrl::parse("wss://eventsub.wss.twitch.tv/ws").unwrap();
        assert_eq!((twitch.secure, twitch.port), (true, 443));
        for bad in
            ["ws://eventsub.wss.twitch.tv/ws", "ws://10.0.0.1/ws", "https://eventsub.wss.twitch.tv/ws", "nonsense"]
        {
            let err = SocketUrl::parse(bad).expect_err(bad);
            assert!(matches!(err, Error::Config(_)), "{err:?}");
            assert!(err.to_string().starts_with("the EventSub WebSocket URL"), "{err}");
        }
    }

    #[test]
    fn the_keepalive_goes_into_the_query() {
        assert_eq!(
            with_query("wss://h/ws", "keepalive_timeout_seconds", "30"),
            "wss://h/ws?keepalive_timeout_seconds=30"
        );
        assert_eq!(
            with_query("ws://h/ws?a=1&keepalive_timeout_seconds=5", "keepalive_timeout_seconds", "30"),
            "ws://h/ws?a=1&keepalive_timeout_seconds=30"
        );
    }
}
