//! TLS for real, as against Twitch: the client's rustls stack (ring, the
//! platform verifier made on first use, ALPN) against the mock serving HTTPS
//! with a test-only certificate (`tests/fixtures/tls`). The platform verifier
//! reads extra roots from `SSL_CERT_FILE` on Linux, which is how the `ttv`
//! subprocess is told to trust the test CA.

use std::path::PathBuf;
use ttv_mock::{MockConfig, MockServer, MockTls};
use ttv_tests::{run, workspace_root, Cli};

fn fixture(name: &str) -> PathBuf {
    workspace_root().join("tests/fixtures/tls").join(name)
}

fn https_mock() -> MockServer {
    let read = |name: &str| std::fs::read(fixture(name)).expect("TLS fixture");
    let tls = MockTls { cert_chain_pem: read("server.pem"), key_pem: read("server.key") };
    MockServer::start_background(MockConfig { tls: Some(tls), ..MockConfig::default() }).expect("the mock starts")
}

#[test]
fn https_with_a_trusted_certificate_works_and_speaks_http2() {
    let mock = https_mock();
    assert!(mock.helix_url().starts_with("https://127.0.0.1:"), "{}", mock.helix_url());
    let cli = Cli::new(&mock);
    let out = run(cli.ttv().env("SSL_CERT_FILE", fixture("ca.pem")).args(["get-users", "--login", "ninja,pokimane"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json().as_array().map(Vec::len), Some(2));
    let stats = mock.stats();
    assert_eq!((stats.app_tokens_minted, stats.helix_requests), (1, 1));
    assert_eq!(stats.http2_requests, 2, "the token mint and the Helix call both negotiated HTTP/2");
}

#[test]
fn an_untrusted_certificate_is_refused_before_any_secret_is_sent() {
    let mock = https_mock();
    let cli = Cli::new(&mock);
    // No SSL_CERT_FILE: the test CA is in no trust store.
    let out = cli.run(["--retries", "0", "get-users", "--login", "ninja"]);
    assert_eq!(out.code, 6, "a network error: {}", out.stderr);
    assert!(out.stderr.contains("invalid peer certificate"), "says why: {}", out.stderr);
    assert!(out.stderr.contains("set SSL_CERT_FILE"), "and what to do: {}", out.stderr);
    assert!(!out.stderr.contains(mock.client_secret()));
    let stats = mock.stats();
    assert_eq!((stats.app_tokens_minted, stats.helix_requests), (0, 0), "the client secret never left");
}
