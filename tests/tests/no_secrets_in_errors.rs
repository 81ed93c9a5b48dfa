//! Every error path prints what went wrong and never a secret: the client
//! secret, app and user access tokens, refresh tokens, or a secret written in
//! a broken config file. Each case runs the real binary at `-vv` (the most it
//! logs) against the mock with a fault, and stdout and stderr are searched for
//! every secret in play, including every token the mock handed out.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use ttv_helix::{FileStore, TokenStore};
use ttv_mock::{Fault, FaultKind, MockConfig, MockServer};
use ttv_tests::{run, Cli, Run};

/// One error path: how to run it, and the exit code it must end with.
struct Case {
    name: &'static str,
    code: i32,
    out: Run,
}

fn quick_mock() -> MockServer {
    MockServer::start_background(MockConfig { device_interval: 1, ..MockConfig::default() }).expect("mock starts")
}

fn verbose(cli: &Cli) -> Command {
    let mut cmd = cli.ttv();
    cmd.env("TTV_STATE_DIR", cli.home().join("state")).arg("-vv");
    cmd
}

/// A stored login whose access token has expired, so the next verb refreshes it.
fn seed_expired_profile(mock: &MockServer, dir: &Path) {
    let token = ttv_tests::stored_login(mock, "ninja", &["user:read:follows"], 1);
    FileStore::new(dir.join("state")).save("default", &token).expect("seed the profile");
}

/// Runs one case, saying how long it took (the slow ones are the ones to look at).
fn case(name: &'static str, code: i32, cmd: &mut Command) -> Case {
    let started = std::time::Instant::now();
    let out = run(cmd);
    println!("{name}: exit {} in {:.1} s", out.code, started.elapsed().as_secs_f64());
    Case { name, code, out }
}

fn assert_clean(case: &Case, secrets: &[String]) {
    assert_eq!(case.out.code, case.code, "{}: stdout:\n{}\nstderr:\n{}", case.name, case.out.stdout, case.out.stderr);
    assert!(!case.out.stderr.trim().is_empty(), "{}: an error says what went wrong", case.name);
    for secret in secrets.iter().filter(|s| s.len() >= 8) {
        for (stream, text) in [("stdout", &case.out.stdout), ("stderr", &case.out.stderr)] {
            assert!(!text.contains(secret.as_str()), "{}: a secret appears on {stream}:\n{text}", case.name);
        }
    }
}

#[test]
fn no_error_path_prints_a_secret() {
    let mock = quick_mock();
    let mut cases = Vec::new();
    let mut extra_secrets = vec![mock.client_secret().to_owned()];
    let users = ["get-users", "--login", "ninja"];

    // The OAuth server fails, garbles its answer, or refuses the client.
    for (name, kind, code) in [
        ("token endpoint 500", FaultKind::Status(500), 6),
        ("token endpoint garbled", FaultKind::Malformed, 7),
        ("token endpoint hangs up", FaultKind::DropConnection, 6),
    ] {
        let cli = Cli::new(&mock);
        mock.faults().push(Fault::new(kind).on("/oauth2/token").always());
        cases.push(case(name, code, verbose(&cli).args(["--retries", "1"]).args(users)));
        mock.faults().clear();
    }
    let cli = Cli::new(&mock);
    cases.push(case(
        "wrong client secret",
        4,
        verbose(&cli).env("TWITCH_CLIENT_SECRET", "not-the-secret-at-all").args(users),
    ));

    // Helix refuses the token, fails, hangs up, is slow, or answers a wrong shape.
    for (name, kind, code, flags) in [
        ("helix 401", FaultKind::Status(401), 4, vec![]),
        ("helix 503", FaultKind::Status(503), 5, vec!["--retries", "1"]),
        ("helix hangs up", FaultKind::DropConnection, 6, vec!["--retries", "1"]),
        ("helix too slow", FaultKind::Delay(Duration::from_secs(5)), 6, vec!["--retries", "0", "--timeout", "1"]),
        ("helix wrong type", FaultKind::WrongType, 7, vec![]),
        (
            "helix rate limited past the deadline",
            FaultKind::TooManyRequests { reset_after: Duration::from_secs(30) },
            8,
            vec!["--deadline", "2"],
        ),
    ] {
        let cli = Cli::new(&mock);
        mock.faults().push(Fault::new(kind).on("/helix/users").always());
        cases.push(case(name, code, verbose(&cli).args(flags).args(users)));
        mock.faults().clear();
    }

    // A user token without the scope, and one that was revoked.
    let cli = Cli::new(&mock);
    let token = mock.issue_user_token("ninja", &[]);
    cases.push(case("missing scope", 4, verbose(&cli).env("TWITCH_USER_TOKEN", &token).arg("get-followed-streams")));

    let token = mock.issue_user_token("ninja", &["user:read:follows"]);
    mock.expire_token(&token);
    cases.push(case(
        "revoked user token",
        4,
        verbose(&cli).env("TWITCH_USER_TOKEN", &token).arg("get-followed-streams"),
    ));

    // A stored login whose refresh is refused, and one whose refresh meets a broken server.
    for (name, kind, code) in
        [("refresh refused", FaultKind::Status(400), 4), ("refresh meets a 503", FaultKind::Status(503), 6)]
    {
        let cli = Cli::new(&mock);
        seed_expired_profile(&mock, cli.home());
        mock.faults().push(Fault::new(kind).on("/oauth2/token").always());
        cases.push(case(name, code, verbose(&cli).args(["--retries", "1", "get-followed-streams"])));
        mock.faults().clear();
    }

    // A config file with a syntax error on the line that holds the secret.
    let cli = Cli::new(&mock);
    let config = cli.home().join("broken.toml");
    let written_secret = "topsecretvalue-in-a-broken-config";
    let written_token = "usertokenvalue-in-a-broken-config";
    std::fs::write(
        &config,
        format!("client_id = \"abc\"\nuser_token = \"{written_token}\"\nclient_secret = \"{written_secret}\n"),
    )
    .unwrap();
    cases.push(case(
        "config syntax error",
        3,
        cli.ttv().env_remove("TWITCH_CLIENT_SECRET").args(["-vv", "--config"]).arg(&config).args(users),
    ));

    extra_secrets.extend([written_secret.to_owned(), written_token.to_owned()]);

    let mut secrets = mock.issued_secrets();
    secrets.extend(extra_secrets);
    assert!(secrets.len() > 10, "the mock handed out tokens to look for: {}", secrets.len());
    for case in &cases {
        assert_clean(case, &secrets);
    }
}
