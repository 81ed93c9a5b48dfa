//! The one HTTP client of a process: rustls (ring, no OpenSSL; feature
//! `rustls-ring`), connection reuse, and a connect and total timeout on every
//! request. Without `rustls-ring` the caller gives its own client
//! ([`Config::http_client`]).
//!
//! Redirects are never followed and no `Referer` is sent: a redirect would
//! resend the token or a form with the client secret to whatever host the
//! `Location` names. A 3xx becomes [`Error::Redirect`] in [`read_answer`],
//! which also caps how much of an answer is read.
//!
//! The certificate verifier is the platform's (as reqwest would pick), but
//! made on the first TLS handshake rather than when the client is built:
//! loading the system's root certificates takes milliseconds, which a
//! one-shot command against `http://` (the mock) never needs to spend.

use crate::config::Config;
use crate::Error;
#[cfg(feature = "rustls-ring")]
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
#[cfg(feature = "rustls-ring")]
use rustls::crypto::CryptoProvider;
#[cfg(feature = "rustls-ring")]
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
#[cfg(feature = "rustls-ring")]
use rustls::{DigitallySignedStruct, SignatureScheme};
#[cfg(feature = "rustls-ring")]
use std::sync::{Arc, OnceLock};

/// The caller's client ([`Config::http_client`]) if there is one, else one
/// built from `config` (feature `rustls-ring`).
pub(crate) fn client(config: &Config) -> Result<reqwest::Client, Error> {
    check_client_id(&config.client_id)?;
    if let Some(client) = &config.http_client {
        return Ok(client.clone());
    }
    built_client(config)
}

/// Built without TLS of its own: the caller must bring a client.
#[cfg(not(feature = "rustls-ring"))]
fn built_client(_config: &Config) -> Result<reqwest::Client, Error> {
    Err(Error::Config(
        "ttv-runtime was built without its TLS backend (the `rustls-ring` feature): give your own \
         reqwest::Client with Config::with_http_client, or enable the feature"
            .into(),
    ))
}

#[cfg(feature = "rustls-ring")]
fn built_client(config: &Config) -> Result<reqwest::Client, Error> {
    let setup = |e: &dyn std::fmt::Display| Error::Config(format!("cannot set up HTTP: {e}"));
    // reqwest is built without a default crypto provider so that no C-heavy
    // aws-lc build is needed. Ring is given to this TLS config only, never
    // installed as the process-wide provider: that is the host program's choice.
    let provider: Arc<CryptoProvider> = Arc::new(rustls::crypto::ring::default_provider());
    let mut tls = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| setup(&e))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(LazyVerifier { provider, verifier: OnceLock::new() }))
        .with_no_client_auth();
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let builder = reqwest::Client::builder();
    // reqwest reads the proxy variables unless told not to; only a caller
    // who asked for the environment gets them.
    let builder = if config.proxy_from_env { builder } else { builder.no_proxy() };
    builder
        .user_agent(config.user_agent.as_str())
        .timeout(config.timeout)
        .connect_timeout(config.connect_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .referer(false)
        .pool_idle_timeout(std::time::Duration::from_secs(60))
        .tcp_nodelay(true)
        .tls_backend_preconfigured(tls)
        .build()
        .map_err(|e| setup(&e))
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

/// An answer read within the limits: its status, headers and body.
pub(crate) struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

/// Reads `resp` whole, refusing a redirect and stopping at
/// [`Config::max_answer_bytes`]: a declared length over the cap is refused
/// before reading, and a body is read chunk by chunk so that an endless one
/// never takes more memory than the cap.
pub(crate) async fn read_answer(endpoint: &str, config: &Config, mut resp: reqwest::Response) -> Result<Answer, Error> {
    let status = resp.status().as_u16();
    if (300..400).contains(&status) {
        return Err(Error::Redirect { endpoint: endpoint.to_owned(), status, host: location_host(resp.headers()) });
    }
    let limit = config.max_answer_bytes;
    let too_large = || Error::AnswerTooLarge { endpoint: endpoint.to_owned(), limit };
    if resp.content_length().is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let mut body = Vec::with_capacity(resp.content_length().unwrap_or(0).min(limit).min(1 << 20) as usize);
    while let Some(chunk) = resp.chunk().await.map_err(|e| Error::from_reqwest(endpoint, config, e))? {
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer { status, headers: std::mem::take(resp.headers_mut()), body })
}

/// The host a redirect points to, never the whole URL (its path or query
/// may hold a code or token).
fn location_host(headers: &reqwest::header::HeaderMap) -> String {
    let Some(location) = headers.get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()) else {
        return "no Location".into();
    };
    match reqwest::Url::parse(location) {
        Ok(url) => match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => "a URL without a host".into(),
        },
        // A relative Location stays on the same host.
        Err(_) => "a path on the same host".into(),
    }
}

/// The platform verifier, made when a server's certificate is first checked.
#[cfg(feature = "rustls-ring")]
#[derive(Debug)]
struct LazyVerifier {
    provider: Arc<CryptoProvider>,
    verifier: OnceLock<Result<rustls_platform_verifier::Verifier, rustls::Error>>,
}

#[cfg(feature = "rustls-ring")]
impl LazyVerifier {
    fn get(&self) -> Result<&rustls_platform_verifier::Verifier, rustls::Error> {
        self.verifier
            .get_or_init(|| rustls_platform_verifier::Verifier::new(self.provider.clone()))
            .as_ref()
            .map_err(Clone::clone)
    }
}

#[cfg(feature = "rustls-ring")]
impl ServerCertVerifier for LazyVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.get()?.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.get()?.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.get()?.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

#[cfg(all(test, not(feature = "rustls-ring")))]
mod without_tls_tests {
    use super::*;

    #[test]
    fn without_the_tls_feature_a_client_of_the_callers_own_is_required() {
        let err = client(&Config::new("cid")).expect_err("no TLS backend");
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        assert!(err.to_string().contains("Config::with_http_client"), "{err}");
        // The caller's client, with the TLS of the caller's choice.
        let tls =
            rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .expect("TLS versions")
                .with_root_certificates(rustls::RootCertStore::empty())
                .with_no_client_auth();
        let own = reqwest::Client::builder().tls_backend_preconfigured(tls).build().expect("the caller's client");
        assert!(client(&Config::new("cid").with_http_client(own)).is_ok());
    }
}

#[cfg(all(test, feature = "rustls-ring"))]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// Serves one request on 127.0.0.1 and returns what it was sent.
    async fn one_request(client: reqwest::Client) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut buf = vec![0; 4096];
            let n = stream.read(&mut buf).await.unwrap();
            stream.write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n").await.unwrap();
            String::from_utf8_lossy(&buf[..n]).to_lowercase()
        });
        client.get(url).send().await.unwrap();
        server.await.unwrap()
    }

    #[test]
    fn proxy_variables_are_read_only_when_the_caller_asks() {
        // reqwest shows its proxy matchers in Debug; the environment's is one.
        let unasked = format!("{:?}", client(&Config::new("cid")).unwrap());
        assert!(!unasked.contains("proxies"), "{unasked}");
        let asked = format!("{:?}", client(&Config::new("cid").with_proxy_from_env(true)).unwrap());
        assert!(asked.contains("proxies"), "{asked}");
        assert!(Config::new("cid").with_env().proxy_from_env);
    }

    #[test]
    fn building_a_client_installs_no_process_wide_tls_provider() {
        client(&Config::new("cid")).unwrap();
        assert!(CryptoProvider::get_default().is_none(), "the host program's choice stays open");
    }

    #[tokio::test]
    async fn the_user_agent_and_the_callers_own_client_are_used() {
        let config = Config::new("cid").with_user_agent("my-bot/1.0");
        assert!(one_request(client(&config).unwrap()).await.contains("user-agent: my-bot/1.0"));
        // Any reqwest client; this one is built here so as to need no TLS provider of its own.
        let own = client(&Config::new("cid").with_user_agent("own-client/2")).unwrap();
        let config = Config::new("cid").with_http_client(own);
        assert!(one_request(client(&config).unwrap()).await.contains("user-agent: own-client/2"));
    }

    use super::*;

    #[test]
    fn building_the_client_loads_no_certificate() {
        let v =
            LazyVerifier { provider: Arc::new(rustls::crypto::ring::default_provider()), verifier: OnceLock::new() };
        assert!(!v.supported_verify_schemes().is_empty());
        assert!(v.verifier.get().is_none());
        client(&Config::new("x")).expect("client builds");
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
        let mut h = reqwest::header::HeaderMap::new();
        h.insert(reqwest::header::LOCATION, "http://127.0.0.1:9/oauth2/token?code=secret".parse().unwrap());
        assert_eq!(location_host(&h), "127.0.0.1:9");
        h.insert(reqwest::header::LOCATION, "/elsewhere?token=x".parse().unwrap());
        assert_eq!(location_host(&h), "a path on the same host");
        assert_eq!(location_host(&reqwest::header::HeaderMap::new()), "no Location");
    }
}
