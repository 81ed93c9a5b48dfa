//! The real `ttv` binary against small misbehaving HTTP servers on
//! 127.0.0.1, written here as raw responses: redirects to another host,
//! endless and huge bodies, far-future, past and garbage rate-limit resets,
//! empty bodies, OAuth failures, silent endpoints, absurd lifetimes and
//! intervals, and input that must be refused before anything is sent. Every
//! error path is checked for the secrets in play.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use ttv_tests::{Cli, CliTarget, Run};

const CLIENT_ID: &str = "hostileclientid0000000000000000";
const CLIENT_SECRET: &str = "hostile-client-secret-value";
const ACCESS_TOKEN: &str = "hostile-access-token-value";
const USER_TOKEN: &str = "hostile-user-token-value";

/// One request as the server read it.
#[derive(Debug, Clone)]
struct Request {
    method: String,
    path: String,
    body: String,
}

/// What the server writes for a request: raw bytes, an endless chunked
/// body, or silence.
enum Reply {
    Raw(String),
    EndlessChunked,
    Silent,
}

type Handler = dyn Fn(&Request) -> Reply + Send + Sync;

/// A server on its own threads, one connection at a time each, every
/// answer closing its connection.
struct Hostile {
    port: u16,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Hostile {
    fn start(handler: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("address").port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let seen = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (handler, seen) = (handler.clone(), seen.clone());
                std::thread::spawn(move || serve(stream, &*handler, &seen));
            }
        });
        Hostile { port, requests }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn count(&self, path: &str) -> usize {
        self.requests().iter().filter(|r| r.path.starts_with(path)).count()
    }
}

fn serve(stream: TcpStream, handler: &Handler, seen: &Mutex<Vec<Request>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let path = parts.next().unwrap_or_default().to_owned();
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length.min(1 << 20)];
    let _ = reader.read_exact(&mut body);
    let request = Request { method, path, body: String::from_utf8_lossy(&body).into_owned() };
    seen.lock().unwrap_or_else(|e| e.into_inner()).push(request.clone());
    let mut stream = stream;
    match handler(&request) {
        Reply::Raw(text) => {
            let _ = stream.write_all(text.as_bytes());
        }
        Reply::EndlessChunked => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
            let chunk = format!("10000\r\n{}\r\n", " ".repeat(0x10000));
            // Bounded: stops when the client hangs up (or after 4 GiB).
            if stream.write_all(head.as_bytes()).is_ok() {
                for _ in 0..65_536 {
                    if stream.write_all(chunk.as_bytes()).is_err() {
                        break;
                    }
                }
            }
        }
        Reply::Silent => std::thread::sleep(Duration::from_secs(8)),
    }
}

/// A complete answer with a body and extra header lines.
fn answer(status: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut text = format!("HTTP/1.1 {status}\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        text.push_str(&format!("{k}: {v}\r\n"));
    }
    text.push_str("\r\n");
    text.push_str(body);
    Reply::Raw(text)
}

fn json(body: &str) -> Reply {
    answer("200 OK", &[("Content-Type", "application/json")], body)
}

fn token_answer() -> Reply {
    json(&format!(r#"{{"access_token":"{ACCESS_TOKEN}","expires_in":3600,"token_type":"bearer"}}"#))
}

/// Answers the token endpoint; everything else goes to `helix`.
fn with_token(helix: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> impl Fn(&Request) -> Reply + Send + Sync {
    move |r: &Request| if r.path.starts_with("/oauth2/token") { token_answer() } else { helix(r) }
}

/// `server`'s URLs, with the app credentials it accepts.
fn target(server: &Hostile) -> CliTarget {
    CliTarget {
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
        helix_url: server.url("/helix"),
        oauth2_url: server.url("/oauth2"),
    }
}

/// A CLI home wired to `server`, its state under `home/state`.
fn cli(server: &Hostile) -> Cli {
    Cli::against(target(server)).with_home_env("XDG_STATE_HOME", "state")
}

/// No secret of the run appears in anything it printed.
fn assert_no_secret(run: &Run) {
    let all = format!("{}{}", run.stdout, run.stderr);
    for secret in [CLIENT_SECRET, ACCESS_TOKEN, USER_TOKEN] {
        assert!(!all.contains(secret), "a secret was printed:\n{all}");
    }
}

#[test]
fn a_redirect_from_the_token_endpoint_sends_nothing_to_its_host() {
    let elsewhere = Hostile::start(|_| token_answer());
    let location = elsewhere.url("/steal?code=x");
    let server = Hostile::start(move |_| answer("307 Temporary Redirect", &[("Location", &location)], ""));
    let cli = cli(&server);
    let out = cli.run(["get-users", "--login", "ninja"]);
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert!(out.stderr.contains("307"), "{}", out.stderr);
    assert!(out.stderr.contains(&format!("127.0.0.1:{}", elsewhere.port)), "{}", out.stderr);
    assert!(!out.stderr.contains("/steal"), "the Location's path is not shown: {}", out.stderr);
    assert_eq!(elsewhere.requests().len(), 0, "the redirect's host got {:?}", elsewhere.requests());
    assert_eq!(server.count("/oauth2/token"), 1, "nothing is sent again");
    assert_no_secret(&out);
}

#[test]
fn a_redirect_from_helix_sends_nothing_to_its_host() {
    let elsewhere = Hostile::start(|_| json(r#"{"data":[{"id":"1","login":"fake"}]}"#));
    let location = elsewhere.url("/helix/users");
    let server = Hostile::start(with_token(move |_| answer("302 Found", &[("Location", &location)], "")));
    let cli = cli(&server);
    let out = cli.run(["get-users", "--login", "ninja"]);
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert!(out.stderr.contains("302") && out.stderr.contains("redirect"), "{}", out.stderr);
    assert_eq!(elsewhere.requests().len(), 0, "the redirect's host got {:?}", elsewhere.requests());
    assert!(!out.stdout.contains("fake"));
    assert_no_secret(&out);
}

/// A page of users with these rate-limit headers.
fn limited(status: &str, remaining: &str, reset: &str) -> Reply {
    answer(
        status,
        &[
            ("Content-Type", "application/json"),
            ("Ratelimit-Limit", "800"),
            ("Ratelimit-Remaining", remaining),
            ("Ratelimit-Reset", reset),
        ],
        r#"{"data":[{"id":"1"}],"pagination":{"cursor":"next"}}"#,
    )
}

#[test]
fn a_far_future_reset_is_bounded_by_the_deadline_and_told_on_stderr() {
    let server = Hostile::start(with_token(|_| limited("200 OK", "0", "99999999999")));
    let mut cli = cli(&server);
    let started = Instant::now();
    let out = cli.run(["api", "/users", "--all", "--retries", "0", "--deadline", "3"]);
    assert_eq!(out.code, 8, "{}", out.stderr);
    assert!(started.elapsed() < Duration::from_secs(30), "{:?}", started.elapsed());
    assert!(out.stderr.contains("rate limited: waiting"), "{}", out.stderr);
    assert!(out.stderr.contains("deadline"), "{}", out.stderr);
    assert_no_secret(&out);

    // A 429 with the same reset: the same bound.
    let server = Hostile::start(with_token(|_| limited("429 Too Many Requests", "0", "99999999999")));
    cli.point_at(target(&server));
    let started = Instant::now();
    let out = cli.run(["get-users", "--login", "ninja", "--deadline", "2"]);
    assert_eq!(out.code, 8, "{}", out.stderr);
    assert!(started.elapsed() < Duration::from_secs(30), "{:?}", started.elapsed());
    assert_eq!(server.count("/helix"), 1, "waiting, not resending");
}

#[test]
fn a_429_whose_reset_is_past_waits_a_backoff_before_each_resend() {
    let server = Hostile::start(with_token(|_| limited("429 Too Many Requests", "0", "1")));
    let cli = cli(&server);
    let out = ttv_tests::run(cli.ttv().args(["get-users", "--login", "ninja", "--retries", "20", "--deadline", "2"]));
    assert_eq!(out.code, 8, "{}", out.stderr);
    // The old client resent 21 times at once; a backoff from 250 ms allows a handful in 2 s.
    let sent = server.count("/helix");
    assert!((2..=10).contains(&sent), "{sent} requests in the deadline");
    assert_no_secret(&out);
}

#[test]
fn garbage_reset_headers_fall_back_to_the_retry_budget() {
    let server = Hostile::start(with_token(|_| limited("429 Too Many Requests", "0", "soon")));
    let mut cli = cli(&server);
    let out = cli.run(["get-users", "--login", "ninja", "--retries", "2"]);
    assert_eq!(out.code, 8, "{}", out.stderr);
    assert_eq!(server.count("/helix"), 3, "one try and two retries");

    let server = Hostile::start(with_token(|_| limited("200 OK", "-5", "later")));
    cli.point_at(target(&server));
    let out = cli.run(["get-users", "--login", "ninja"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn an_endless_body_stops_at_the_cap() {
    let server = Hostile::start(with_token(|_| Reply::EndlessChunked));
    let cli = cli(&server);
    let out = cli.run(["get-users", "--login", "ninja", "--max-answer-mb", "1"]);
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert!(out.stderr.contains(&(1024 * 1024).to_string()), "the cap is named: {}", out.stderr);
    assert_no_secret(&out);
}

#[test]
fn a_huge_declared_body_is_refused_before_reading() {
    let server = Hostile::start(with_token(|_| {
        Reply::Raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n{".into())
    }));
    let cli = cli(&server);
    let out = cli.run(["get-users", "--login", "ninja"]);
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert!(out.stderr.contains(&(64u64 * 1024 * 1024).to_string()), "the default cap: {}", out.stderr);
    assert_no_secret(&out);
}

#[test]
fn an_empty_200_is_a_decode_error() {
    let server = Hostile::start(with_token(|_| answer("200 OK", &[("Content-Type", "application/json")], "")));
    let cli = cli(&server);
    for args in [&["get-users", "--login", "ninja"][..], &["is-live", "--login", "ninja"], &["api", "/users"]] {
        let out = ttv_tests::run(cli.ttv().args(args));
        assert_eq!(out.code, 7, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("empty"), "{}", out.stderr);
        assert_no_secret(&out);
    }
}

#[test]
fn oauth_server_errors_are_retried_and_reported_as_twitch_failing() {
    let server = Hostile::start(|_| answer("503 Service Unavailable", &[], r#"{"status":503,"message":"down"}"#));
    let cli = cli(&server);
    let out = cli.run(["get-users", "--login", "ninja", "--retries", "2"]);
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert!(out.stderr.contains("could not be reached or failed"), "{}", out.stderr);
    assert!(!out.stderr.contains("TWITCH_CLIENT_SECRET"), "no advice about credentials: {}", out.stderr);
    assert_eq!(server.count("/oauth2/token"), 3, "one try and two retries");
    assert_no_secret(&out);

    // Nothing listening at all: also a network error, after the retries.
    let closed = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = closed.local_addr().expect("address").port();
    drop(closed);
    let out = ttv_tests::run(cli.ttv().env("TWITCH_OAUTH2_URL", format!("http://127.0.0.1:{port}/oauth2")).args([
        "get-users",
        "--login",
        "ninja",
        "--retries",
        "1",
    ]));
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert!(out.stderr.contains("could not be reached or failed"), "{}", out.stderr);
    assert_no_secret(&out);
}

#[test]
fn a_failing_validation_endpoint_is_not_a_refused_token() {
    for status in ["404 Not Found", "503 Service Unavailable"] {
        let server = Hostile::start(move |_| answer(status, &[], r#"{"status":0,"message":"nope"}"#));
        let cli = cli(&server);
        let out = ttv_tests::run(cli.ttv().env("TWITCH_USER_TOKEN", USER_TOKEN).args(["validate", "--retries", "1"]));
        assert_eq!(out.code, 6, "{status}: {}", out.stderr);
        assert!(!out.stderr.contains("refused"), "{}", out.stderr);
        assert_no_secret(&out);
    }
}

#[test]
fn a_silent_validation_endpoint_names_the_real_timeout() {
    let server = Hostile::start(|_| Reply::Silent);
    let cli = cli(&server);
    let out = ttv_tests::run(cli.ttv().env("TWITCH_USER_TOKEN", USER_TOKEN).args([
        "validate",
        "--timeout",
        "1",
        "--retries",
        "0",
    ]));
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert!(out.stderr.contains("within 1 s"), "{}", out.stderr);
    assert!(!out.stderr.contains("30 s"), "{}", out.stderr);
    assert_no_secret(&out);
}

#[test]
fn an_absurd_token_lifetime_is_clamped_not_a_panic() {
    let server = Hostile::start(|r: &Request| {
        if r.path.starts_with("/oauth2/token") {
            json(&format!(r#"{{"access_token":"{ACCESS_TOKEN}","expires_in":18446744073709551615}}"#))
        } else {
            json(r#"{"data":[{"id":"1","login":"ninja"}]}"#)
        }
    });
    let cli = cli(&server);
    let out = cli.run(["get-users", "--login", "ninja"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_no_secret(&out);
}

#[test]
fn a_device_poll_interval_of_zero_polls_at_most_once_a_second() {
    let server = Hostile::start(|r: &Request| {
        if r.path.starts_with("/oauth2/device") {
            json(
                r#"{"device_code":"hostile-device-code","user_code":"ABCD","verification_uri":"http://127.0.0.1/activate","interval":0,"expires_in":3}"#,
            )
        } else {
            answer("400 Bad Request", &[], r#"{"status":400,"message":"authorization_pending"}"#)
        }
    });
    let cli = cli(&server);
    let out = cli.run(["auth", "login"]);
    assert_ne!(out.code, 0, "{}", out.stderr);
    let polls = server.count("/oauth2/token");
    assert!((1..=5).contains(&polls), "{polls} polls in 3 s");
    assert!(!format!("{}{}", out.stdout, out.stderr).contains("hostile-device-code"));
    assert_no_secret(&out);
}

#[test]
fn control_characters_in_the_client_id_and_huge_queries_are_refused_as_input() {
    let server = Hostile::start(with_token(|_| json(r#"{"data":[]}"#)));
    let cli = cli(&server);
    let out = ttv_tests::run(cli.ttv().args(["get-users", "--login", "ninja", "--client-id", "abc\r\nX-Evil: 1"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(server.requests().is_empty(), "sent: {:?}", server.requests());
    assert_no_secret(&out);

    let long = "a".repeat(100_000);
    let out = cli.run(["api", "/users", "-q", &format!("login={long}")]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(server.count("/helix"), 0, "no Helix request was sent");
    assert!(out.stderr.len() < 2_000, "the value is not echoed: {} bytes", out.stderr.len());
    assert_no_secret(&out);
    assert!(server.requests().iter().all(|r| r.method == "POST" && !r.body.contains(&long)));
}
