//! The `ttv` binary against bad input and hostile answers: config files that
//! do not parse never show their secret, empty values are refused before
//! sending, endless inputs are cut off, servers' texts cannot drive the
//! terminal, encoded traversal stays out of `ttv api`, and answers that do not
//! match the endpoint's typed model fail with their JSON path.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use ttv_mock::{Fault, FaultKind};
use ttv_tests::{mock, Cli, Run};

/// Runs `cmd`, killing it when it takes longer than `limit`: an input cap that
/// does not work must fail the test, not hang it.
fn run_bounded(cmd: &mut Command, limit: Duration) -> Run {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("ttv starts");
    let (mut stdout, mut stderr) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        stdout.read_to_end(&mut s).map(|_| s)
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        stderr.read_to_end(&mut s).map(|_| s)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("ttv can be waited for") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("ttv still ran after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let text = |bytes: Vec<u8>| String::from_utf8_lossy(&bytes).into_owned();
    Run {
        code: status.code().unwrap_or(-1),
        stdout: text(out.join().unwrap().unwrap()),
        stderr: text(err.join().unwrap().unwrap()),
    }
}

fn run(cmd: &mut Command) -> Run {
    run_bounded(cmd.stdin(Stdio::null()), Duration::from_secs(60))
}

/// Neither stdout nor stderr holds any of `secrets`.
fn assert_no_secret(out: &Run, secrets: &[&str]) {
    for secret in secrets {
        assert!(!out.stdout.contains(secret) && !out.stderr.contains(secret), "a secret leaked:\n{}", out.stderr);
    }
}

#[test]
fn config_syntax_errors_name_the_place_never_the_secret() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let config = cli.home().join("config.toml");
    let cases: [(&str, &str); 5] = [
        ("client_id = \"abc\"\nclient_secret = \"topsecretvalue\n", "line 2"),
        ("client_secret = \"topsecretvalue\" trailing\n", "line 1"),
        ("client_secret = topsecretvalue\n", "line 1"),
        ("[auth]\nclient_secret = 'topsecretvalue' = \"x\"\n", "line 2"),
        ("client_id = \"abc\"\n\"topsecretvalue\"\n", "line 2"),
    ];
    for (text, line) in cases {
        std::fs::write(&config, text).unwrap();
        let out = run(cli.ttv().arg("--config").arg(&config).args(["get-users", "--login", "ninja"]));
        assert_eq!(out.code, 3, "{text:?}: {}", out.stderr);
        assert!(out.stderr.contains(&config.display().to_string()), "{}", out.stderr);
        assert!(out.stderr.contains(line) && out.stderr.contains("column"), "{text:?}: {}", out.stderr);
        assert_no_secret(&out, &["topsecret", mock.client_secret()]);
    }
    // The key is named when the line sets one of the config's keys.
    std::fs::write(&config, "client_secret = \"topsecretvalue\n").unwrap();
    let out = run(cli.ttv().arg("--config").arg(&config).args(["get-users", "--login", "ninja"]));
    assert!(out.stderr.contains("`client_secret`"), "{}", out.stderr);
}

#[test]
fn empty_values_are_refused_before_sending() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let token = mock.issue_user_token("ninja", &["user:read:email"]);
    let before = mock.stats().helix_requests;
    for args in [
        &["is-live", "--login", ""][..],
        &["get-users", "--login", ""],
        &["get-users", "--login", "ninja,,pokimane"],
        &["get-users", "--id", " "],
        &["get-channel-information", "--broadcaster-id", ""],
        &["get-streams", "--user-login", "ninja", "--after", ""],
    ] {
        let out = run(cli.ttv().env("TWITCH_USER_TOKEN", &token).args(args));
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("empty"), "{args:?}: {}", out.stderr);
        assert_no_secret(&out, &[&token, mock.client_secret()]);
    }
    assert_eq!(mock.stats().helix_requests, before, "nothing was sent");
}

#[test]
fn endless_inputs_are_cut_off_with_a_clear_error() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let token = mock.issue_user_token("ninja", &["channel:manage:broadcast"]);
    let id = mock.user_id("ninja").unwrap();
    let limit = Duration::from_secs(60);
    let body = run(cli.ttv().env("TWITCH_USER_TOKEN", &token).args([
        "modify-channel-information",
        "--broadcaster-id",
        &id,
        "--body",
        "@/dev/zero",
    ]));
    let logins = cli.run(["get-users", "--login", "@/dev/zero"]);
    let config = cli.run(["--config", "/dev/zero", "get-users", "--login", "ninja"]);
    let zero = || std::fs::File::open("/dev/zero").expect("/dev/zero opens");
    let stdin = run_bounded(cli.ttv().args(["api", "POST", "/x", "--body", "-"]).stdin(zero()), limit);
    let secret = run_bounded(
        cli.ttv().args(["config", "init", "--client-id", "x", "--client-secret-stdin"]).stdin(zero()),
        limit,
    );
    for (what, out, code) in [
        ("--body @", &body, 2),
        ("--login @", &logins, 2),
        ("--config", &config, 3),
        ("--body -", &stdin, 2),
        ("secret", &secret, 2),
    ] {
        assert_eq!(out.code, code, "{what}: {}", out.stderr);
        assert!(out.stderr.contains("larger than 4 MiB"), "{what}: {}", out.stderr);
        assert_no_secret(out, &[&token, mock.client_secret()]);
    }
}

/// A server on 127.0.0.1 that answers every request with `status` and `body`.
fn canned_server(status: &'static str, body: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(16) {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 1 << 20 {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body.as_bytes()));
        }
    });
    format!("http://127.0.0.1:{port}/helix")
}

/// `ttv` against the mock's OAuth server and `helix_url` for Helix.
fn ttv_at(cli: &Cli, helix_url: &str) -> Command {
    let mut cmd = cli.ttv();
    cmd.env("TWITCH_HELIX_URL", helix_url);
    cmd
}

#[test]
fn servers_texts_cannot_drive_the_terminal() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let hostile = format!("\u{1b}]0;pwned\u{7}\u{1b}[2J\rfake line\u{202e}{}", "A".repeat(5000));
    let error = serde_json::json!({"error": "Bad Request", "status": 400, "message": hostile}).to_string();
    let out = run(ttv_at(&cli, &canned_server("400 Bad Request", error)).args(["get-users", "--login", "ninja"]));
    assert_eq!(out.code, 5, "{}", out.stderr);
    assert!(!out.stderr.chars().any(|c| c.is_control() && c != '\n'), "raw control characters: {:?}", out.stderr);
    assert!(!out.stderr.contains('\u{202e}'), "{:?}", out.stderr);
    assert!(out.stderr.contains("\\u{1b}]0;pwned\\u{7}"), "{}", out.stderr);
    assert!(out.stderr.contains("more characters cut"), "{}", out.stderr);
    assert!(out.stderr.len() < 1000, "the message is cut: {} bytes", out.stderr.len());
    // A cursor is server text too, quoted in the hint on stderr.
    let page = serde_json::json!({"data": [], "pagination": {"cursor": "\u{1b}[31mred\u{7}"}}).to_string();
    let out = run(ttv_at(&cli, &canned_server("200 OK", page)).args(["get-streams"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("--after \\u{1b}[31mred\\u{7}"), "{}", out.stderr);
    assert!(!out.stderr.chars().any(|c| c.is_control() && c != '\n'), "raw control characters: {:?}", out.stderr);
    assert_no_secret(&out, &[mock.client_secret()]);
}

#[test]
fn api_refuses_encoded_traversal() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let before = mock.stats().helix_requests;
    for path in ["/users%2f..%2f..%2foauth2%2ftoken", "/users%2F%2E%2E", "/x%5c..%5coauth2", "/x/%252e%252e/oauth2"] {
        let out = cli.run(["api", path]);
        assert_eq!(out.code, 2, "{path}: {}", out.stderr);
        assert!(out.stderr.contains("give a path under the Helix URL"), "{}", out.stderr);
    }
    assert_eq!(mock.stats().helix_requests, before, "nothing was sent");
}

#[test]
fn answers_that_do_not_match_the_typed_model_fail_with_their_path() {
    let mock = mock();
    let cli = Cli::new(&mock);
    mock.faults().push(Fault::new(FaultKind::WrongType).on("/helix/users"));
    let out = cli.run(["get-users", "--login", "ninja"]);
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert!(out.stderr.contains("does not decode at `data[0]."), "{}", out.stderr);
    assert!(out.stdout.is_empty(), "nothing printed: {}", out.stdout);
    // Followed pages are checked too: the second page is wrongly typed.
    mock.faults().push(Fault::new(FaultKind::WrongType).on("/helix/streams").after(1));
    let out = cli.run(["-o", "ndjson", "get-streams", "--first", "5", "--max-items", "20"]);
    assert_eq!(out.code, 7, "{}", out.stderr);
    assert!(out.stderr.contains("`data[0]."), "{}", out.stderr);
    assert_eq!(out.stdout.lines().count(), 5, "the first page was printed: {}", out.stdout);
    // Without a fault, the answer prints as Twitch sent it.
    let out = cli.run(["-o", "raw", "get-users", "--login", "ninja"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.json()["data"][0]["login"], "ninja");
}
