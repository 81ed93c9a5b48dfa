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

/// A CONNECT proxy on 127.0.0.1 that tunnels every connection and records
/// each CONNECT line and `Proxy-Authorization` header it was sent.
fn connect_proxy() -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("the proxy binds");
    let url = format!("http://user:pa%40ss@{}", listener.local_addr().unwrap());
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let log = log.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(client.try_clone().unwrap());
                let mut target = String::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(rest) = line.strip_prefix("CONNECT ") {
                        target = rest.split(' ').next().unwrap_or_default().to_owned();
                    }
                    log.lock().unwrap().push(line.trim_end().to_owned());
                }
                let Ok(upstream) = std::net::TcpStream::connect(&target) else { return };
                let mut client = client;
                client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").unwrap();
                let (mut up_read, mut up_write) = (upstream.try_clone().unwrap(), upstream);
                let mut down = client.try_clone().unwrap();
                std::thread::spawn(move || std::io::copy(&mut up_read, &mut down));
                // What the client sent after the header (its TLS hello) is in the reader's buffer.
                let _ = up_write.write_all(reader.buffer());
                let mut rest = reader.into_inner();
                let _ = std::io::copy(&mut rest, &mut up_write);
            });
        }
    });
    (url, seen)
}

#[test]
fn https_goes_through_the_environments_proxy_unless_no_proxy_names_the_host() {
    let mock = https_mock();
    let cli = Cli::new(&mock);
    let (proxy, seen) = connect_proxy();
    let port = mock.helix_url().trim_start_matches("https://127.0.0.1:").split('/').next().unwrap().to_owned();
    let out = run(cli.ttv().env("SSL_CERT_FILE", fixture("ca.pem")).env("HTTPS_PROXY", &proxy).args([
        "get-users",
        "--login",
        "ninja",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines = seen.lock().unwrap().clone();
    assert!(lines.iter().any(|l| l == &format!("CONNECT 127.0.0.1:{port} HTTP/1.1")), "{lines:?}");
    // The proxy's own credentials, from its URL, as basic auth ("user:pa@ss").
    assert!(lines.iter().any(|l| l.eq_ignore_ascii_case("proxy-authorization: Basic dXNlcjpwYUBzcw==")), "{lines:?}");
    assert!(!out.stderr.contains("pa%40ss") && !out.stderr.contains("pa@ss"), "{}", out.stderr);

    seen.lock().unwrap().clear();
    let out = run(cli
        .ttv()
        .env("SSL_CERT_FILE", fixture("ca.pem"))
        .env("HTTPS_PROXY", &proxy)
        .env("NO_PROXY", "127.0.0.1")
        .args(["get-users", "--login", "ninja"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(seen.lock().unwrap().is_empty(), "NO_PROXY is honoured: {:?}", seen.lock().unwrap());
}
