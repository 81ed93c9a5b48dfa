//! The `ttv` binary against bad input and hostile answers: config files that
//! do not parse never show their secret, empty values are refused before
//! sending, endless inputs are cut off, servers' texts cannot drive the
//! terminal, encoded traversal stays out of `ttv api`, and answers that do not
//! match the endpoint's typed model fail with their JSON path.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use ttv_mock::{Fault, FaultKind, MockServer};
use ttv_tests::{mock, ttv, Run};

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
fn empty_values_are_refused_before_sending() {
    let mock = mock();
    let dir = tempfile::tempdir().unwrap();
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
        let out = run(ttv(&mock, dir.path()).env("TWITCH_USER_TOKEN", &token).args(args));
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("empty"), "{args:?}: {}", out.stderr);
        assert_no_secret(&out, &[&token, mock.client_secret()]);
    }
    assert_eq!(mock.stats().helix_requests, before, "nothing was sent");
}

#[test]
fn api_refuses_encoded_traversal() {
    let mock = mock();
    let dir = tempfile::tempdir().unwrap();
    let before = mock.stats().helix_requests;
    for path in ["/users%2f..%2f..%2foauth2%2ftoken", "/users%2F%2E%2E", "/x%5c..%5coauth2", "/x/%252e%252e/oauth2"] {
        let out = run(ttv(&mock, dir.path()).args(["api", path]));
        assert_eq!(out.code, 2, "{path}: {}", out.stderr);
        assert!(out.stderr.contains("give a path under the Helix URL"), "{}", out.stderr);
    }
    assert_eq!(mock.stats().helix_requests, before, "nothing was sent");
}
