//! `ttv auth ...` end to end: the `ttv` binary as a subprocess against the
//! mock over real HTTP. The device code flow (approval after some polls,
//! slow_down, expiry), the browser flow through the real local listener (a
//! raw HTTP client stands in for the browser and follows the redirect by
//! hand), status / validate / logout / token, profiles, several processes
//! refreshing one expired token at once, a corrupt token file, and no secret
//! or token in anything printed, even at `-vv`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;
use ttv_helix::{FileStore, StoredUserToken, TokenStore};
use ttv_mock::{MockConfig, MockServer};
use ttv_tests::{run, Cli, CliTarget, Run};

/// Device logins approved at the second poll, one second apart.
fn quick() -> MockConfig {
    MockConfig { device_interval: 1, device_polls_before_approval: 1, ..MockConfig::default() }
}

fn mock_with(config: MockConfig) -> MockServer {
    MockServer::start_background(config).expect("the mock starts")
}

fn mock() -> MockServer {
    mock_with(quick())
}

fn state_dir(dir: &Path) -> PathBuf {
    dir.join("state")
}

/// `ttv` wired to the mock, with its token profiles under `dir/state`.
fn tv(cli: &Cli) -> Command {
    let mut cmd = cli.ttv();
    cmd.env("TTV_STATE_DIR", state_dir(cli.home()));
    cmd
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// Stores a profile as `ttv auth login` would, without going through a login.
fn seed(
    mock: &MockServer,
    dir: &Path,
    profile: &str,
    login: &str,
    scopes: &[&str],
    expires_at: u64,
) -> (String, String) {
    let token = ttv_tests::stored_login(mock, login, scopes, expires_at);
    let (access, refresh) = (
        token.access_token.expose().to_owned(),
        token.refresh_token.as_ref().map(|r| r.expose().to_owned()).unwrap_or_default(),
    );
    FileStore::new(state_dir(dir)).save(profile, &token).unwrap();
    (access, refresh)
}

fn stored(dir: &Path, profile: &str) -> Option<StoredUserToken> {
    FileStore::new(state_dir(dir)).load(profile).unwrap()
}

#[track_caller]
fn assert_ok(out: &Run) {
    assert_eq!(out.code, 0, "stdout:\n{}\nstderr:\n{}", out.stdout, out.stderr);
}

// --- the device code flow -------------------------------------------------

#[test]
fn device_login_stores_a_private_profile_that_user_verbs_use() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let out = run(tv(&cli).args(["auth", "login", "--scopes", "user:read:follows chat:read"]));
    assert_ok(&out);
    assert!(out.stderr.contains("/oauth2/activate"), "shows where to go: {}", out.stderr);
    assert!(out.stderr.contains("enter the code"), "{}", out.stderr);
    let v = out.json();
    assert_eq!(v["login"], "ninja");
    assert_eq!(v["profile"], "default");
    assert_eq!(v["scopes"], serde_json::json!(["user:read:follows", "chat:read"]));
    assert_eq!(v["refreshable"], true);

    let file = state_dir(cli.home()).join("user-default.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&file), 0o600);
        assert_eq!(mode(&state_dir(cli.home())), 0o700);
    }
    let token = stored(cli.home(), "default").unwrap();
    assert!(mock.is_token_valid(token.access_token.expose()));

    // A user verb with no TWITCH_USER_TOKEN uses the stored profile.
    let out = run(tv(&cli).args(["get-followed-streams", "--user-id", &mock.user_id("ninja").unwrap()]));
    assert_ok(&out);
    assert!(out.json().is_array());
}

#[test]
fn device_login_works_for_a_public_client_without_a_secret() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let out = run(tv(&cli).env_remove("TWITCH_CLIENT_SECRET").args(["auth", "login", "--scopes", "chat:read"]));
    assert_ok(&out);
    assert_eq!(out.json()["login"], "ninja");
    // And it refreshes without one: the server ends the token, the next run refreshes.
    let token = stored(cli.home(), "default").unwrap();
    mock.expire_token(token.access_token.expose());
    let out = run(tv(&cli).env_remove("TWITCH_CLIENT_SECRET").args(["auth", "validate"]));
    assert_ok(&out);
    assert_eq!(mock.stats().refreshes, 1);
}

#[test]
fn device_login_keeps_polling_while_pending_and_slows_down_when_asked() {
    let mock = mock_with(MockConfig { device_slow_downs: 1, device_polls_before_approval: 0, ..quick() });
    let mut cli = Cli::new(&mock);
    let started = Instant::now();
    let out = run(tv(&cli).args(["-v", "auth", "login", "--scopes", "chat:read"]));
    assert_ok(&out);
    // First poll at 1 s gets slow_down; the next comes 1 + 5 s later (the mock
    // answers slow_down again to anything quicker).
    assert!(started.elapsed() >= Duration::from_secs(6), "{:?}", started.elapsed());
    assert!(out.stderr.contains("slow down"), "{}", out.stderr);

    let mock = mock_with(MockConfig { device_polls_before_approval: 3, device_interval: 0, ..quick() });
    cli.point_at(CliTarget::mock(&mock));
    let out = run(tv(&cli).args(["-v", "auth", "login", "--profile", "patient"]));
    assert_ok(&out);
    assert_eq!(out.stderr.matches("not approved yet").count(), 3, "{}", out.stderr);
}

#[test]
fn device_login_stops_when_the_code_expires() {
    let mock = mock_with(MockConfig {
        device_code_lifetime: Duration::from_secs(2),
        device_polls_before_approval: u32::MAX,
        ..quick()
    });
    let cli = Cli::new(&mock);
    let out = run(tv(&cli).args(["auth", "login"]));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(out.stderr.contains("expired"), "{}", out.stderr);
    assert!(out.stderr.contains("log in again"), "{}", out.stderr);
    assert!(out.stdout.is_empty());
    assert!(stored(cli.home(), "default").is_none());
}

#[test]
fn device_login_for_another_user_by_approval() {
    let mock = mock_with(MockConfig { device_polls_before_approval: u32::MAX, ..quick() });
    let cli = Cli::new(&mock);
    let mut child = tv(&cli)
        .args(["auth", "login", "--profile", "alt"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = stderr_lines(&mut child);
    let line = wait_for_line(&mut lines, |l| l.contains("enter the code"));
    let code = line.split("enter the code ").nth(1).unwrap().split_whitespace().next().unwrap();
    assert!(mock.approve_device(code, "pokimane"));
    let out = finish(child, lines);
    assert_ok(&out);
    assert_eq!(out.json()["login"], "pokimane");
}

// --- the browser flow -------------------------------------------------------

/// One HTTP/1.1 GET on a fresh connection; redirects are not followed.
fn http_get(url: &str) -> (u16, Option<String>, String) {
    let rest = url.strip_prefix("http://").expect("http URL");
    let (authority, target) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    let target = if target.starts_with('?') { format!("/{target}") } else { target };
    let port = authority.rsplit_once(':').map(|(_, p)| p).unwrap_or("80");
    let mut stream = TcpStream::connect(format!("127.0.0.1:{port}")).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET {target} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("status");
    let location = head.lines().find_map(|l| {
        l.split_once(':').filter(|(k, _)| k.eq_ignore_ascii_case("location")).map(|(_, v)| v.trim().to_string())
    });
    (status, location, body.to_string())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A running child's stderr, read on a thread so the child never blocks.
struct Lines {
    rx: mpsc::Receiver<String>,
    seen: Vec<String>,
}

fn stderr_lines(child: &mut std::process::Child) -> Lines {
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    Lines { rx, seen: Vec::new() }
}

fn wait_for_line(lines: &mut Lines, wanted: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = lines.rx.recv_timeout(left).unwrap_or_else(|_| panic!("no such line on stderr: {:?}", lines.seen));
        lines.seen.push(line.clone());
        if wanted(&line) {
            return line;
        }
    }
}

/// Waits for the child; stderr is every line it printed.
fn finish(child: std::process::Child, mut lines: Lines) -> Run {
    let out = child.wait_with_output().unwrap();
    // The reader thread ends at the child's end of stderr.
    lines.seen.extend(lines.rx.iter());
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: lines.seen.join("\n"),
    }
}

/// Starts `ttv auth login --browser` and returns it with the authorize URL it printed.
fn start_browser_login(cli: &Cli, port: u16, extra: &[&str]) -> (std::process::Child, Lines, String) {
    let port = port.to_string();
    let mut child = tv(cli)
        .args(["auth", "login", "--browser", "--port", &port, "--scopes", "chat:read"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = stderr_lines(&mut child);
    let url = wait_for_line(&mut lines, |l| l.starts_with("http"));
    (child, lines, url)
}

#[test]
fn browser_login_through_the_local_listener() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let port = free_port();
    let (child, lines, url) = start_browser_login(&cli, port, &[]);
    assert!(url.starts_with(&format!("{}/authorize?", mock.oauth2_url())), "{url}");
    assert!(url.contains(&format!("redirect_uri=http%3A%2F%2Flocalhost%3A{port}")), "{url}");

    // The "browser": Twitch answers with a redirect to the listener.
    let (status, location, _) = http_get(&url);
    assert_eq!(status, 302);
    let location = location.expect("a Location");
    assert!(location.starts_with(&format!("http://localhost:{port}")), "{location}");

    // A redirect this login did not start (wrong state) is refused.
    let (status, _, body) = http_get(&format!("http://localhost:{port}/?code=forged&state=not-the-state"));
    assert_eq!(status, 400);
    assert!(body.contains("state"), "{body}");
    // Other paths are not the redirect.
    assert_eq!(http_get(&format!("http://localhost:{port}/favicon.ico")).0, 404);

    let (status, _, body) = http_get(&location);
    assert_eq!(status, 200);
    assert!(body.contains("logged in"), "{body}");
    let out = finish(child, lines);
    assert_ok(&out);
    assert_eq!(out.json()["login"], "ninja");
    assert!(out.stderr.contains("did not issue"), "the forged redirect is reported: {}", out.stderr);
    let token = stored(cli.home(), "default").unwrap();
    assert_eq!(token.scopes, ["chat:read"]);
    assert!(mock.is_token_valid(token.access_token.expose()));
}

#[test]
fn browser_login_shows_twitchs_error() {
    let mock = mock();
    let cli = Cli::new(&mock);
    mock.deny_next_authorize();
    let (child, lines, url) = start_browser_login(&cli, free_port(), &[]);
    let (status, location, _) = http_get(&url);
    assert_eq!(status, 302);
    let location = location.unwrap();
    assert!(location.contains("error=access_denied"), "{location}");
    let (status, _, body) = http_get(&location);
    assert_eq!(status, 200);
    assert!(body.contains("The user denied you access"), "{body}");
    let out = finish(child, lines);
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(out.stderr.contains("access_denied"), "{}", out.stderr);
    assert!(out.stderr.contains("The user denied you access"), "{}", out.stderr);
    assert!(stored(cli.home(), "default").is_none());
}

#[test]
fn browser_login_with_a_custom_redirect_url() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let port = free_port();
    let redirect = format!("http://127.0.0.1:{port}/callback");
    let mut child = tv(&cli)
        .args(["auth", "login", "--browser", "--redirect-uri", &redirect])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = stderr_lines(&mut child);
    let url = wait_for_line(&mut lines, |l| l.starts_with("http"));
    let (_, location, _) = http_get(&url);
    let location = location.unwrap();
    assert!(location.starts_with(&format!("{redirect}?")), "{location}");
    assert_eq!(http_get(&location).0, 200);
    assert_ok(&finish(child, lines));
}

#[test]
fn a_public_client_is_sent_to_the_device_flow() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let out = run(tv(&cli).env_remove("TWITCH_CLIENT_SECRET").args(["auth", "login", "--browser"]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("Public client"), "{}", out.stderr);
    assert!(out.stderr.contains("without --browser"), "{}", out.stderr);
}

// --- status, validate, logout, token, profiles ------------------------------

#[test]
fn status_validate_token_and_logout() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let (access, refresh) = seed(&mock, cli.home(), "default", "ninja", &["chat:read"], now() + 3 * 3600);

    let out = run(tv(&cli).args(["auth", "status"]));
    assert_ok(&out);
    let v = out.json();
    assert_eq!(v["profiles"][0]["profile"], "default");
    assert_eq!(v["profiles"][0]["login"], "ninja");
    assert_eq!(v["profiles"][0]["scopes"], serde_json::json!(["chat:read"]));
    assert!(v["profiles"][0]["expires_in"].as_u64().unwrap() > 3600);
    assert_eq!(v["app"]["client_secret_set"], true);
    assert!(!out.stdout.contains(&access) && !out.stdout.contains(&refresh));

    let out = run(tv(&cli).args(["auth", "validate"]));
    assert_ok(&out);
    assert_eq!((out.json()["login"].clone(), out.json()["token"].clone()), ("ninja".into(), "user".into()));
    let out = run(tv(&cli).args(["auth", "validate", "--app"]));
    assert_ok(&out);
    assert_eq!(out.json()["token"], "app");
    assert!(out.json()["login"].is_null());

    // A token is printed only when asked for by kind.
    let out = run(tv(&cli).args(["auth", "token"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stdout.is_empty());
    let out = run(tv(&cli).args(["auth", "token", "--user"]));
    assert_ok(&out);
    assert_eq!(out.stdout, format!("{access}\n"));
    let out = run(tv(&cli).args(["auth", "token", "--app"]));
    assert_ok(&out);
    assert!(mock.is_token_valid(out.stdout.trim()));

    let out = run(tv(&cli).args(["auth", "logout"]));
    assert_ok(&out);
    assert_eq!(out.json()["revoked"], true);
    assert!(!mock.is_token_valid(&access), "revoked at Twitch");
    assert!(!mock.is_refresh_token_valid(&refresh));
    assert!(stored(cli.home(), "default").is_none(), "and deleted");
    let out = run(tv(&cli).args(["auth", "status"]));
    assert_eq!(out.json()["profiles"], serde_json::json!([]));
    let out = run(tv(&cli).args(["auth", "logout"]));
    assert_ok(&out);
    assert!(out.stderr.contains("not logged in"), "{}", out.stderr);
}

#[test]
fn profiles_keep_several_accounts_apart() {
    let mock = mock();
    let cli = Cli::new(&mock);
    seed(&mock, cli.home(), "default", "ninja", &[], now() + 3 * 3600);
    seed(&mock, cli.home(), "alt", "pokimane", &[], now() + 3 * 3600);
    let who = |args: &[&str]| {
        let out = run(tv(&cli).args(args));
        assert_ok(&out);
        out.json()["login"].as_str().unwrap().to_string()
    };
    assert_eq!(who(&["auth", "validate"]), "ninja");
    assert_eq!(who(&["--profile", "alt", "auth", "validate"]), "pokimane");
    assert_eq!(who(&["auth", "validate", "--profile", "alt"]), "pokimane");
    let out = run(tv(&cli).env("TTV_PROFILE", "alt").args(["auth", "validate"]));
    assert_eq!(out.json()["login"], "pokimane");
    // An `either` verb uses the profile's user token: Get Users with no
    // arguments answers with the token's user.
    let out = run(tv(&cli).args(["--profile", "alt", "get-users"]));
    assert_ok(&out);
    assert_eq!(out.json()[0]["login"], "pokimane");
    // TWITCH_USER_TOKEN wins over any profile.
    let env_token = mock.issue_user_token("shroud", &[]);
    let out = run(tv(&cli).env("TWITCH_USER_TOKEN", &env_token).args(["--profile", "alt", "auth", "validate"]));
    assert_eq!(out.json()["login"], "shroud");

    let v = run(tv(&cli).args(["auth", "status"])).json();
    let names: Vec<&str> = v["profiles"].as_array().unwrap().iter().map(|p| p["profile"].as_str().unwrap()).collect();
    assert_eq!(names, ["alt", "default"]);

    let out = run(tv(&cli).args(["--profile", "alt", "auth", "logout"]));
    assert_ok(&out);
    assert!(stored(cli.home(), "alt").is_none());
    assert!(stored(cli.home(), "default").is_some(), "other profiles stay");

    // A profile from another OAuth server (say a mock) does not get in the way
    // of `either` verbs, and user-only verbs say to log in again.
    let mut foreign = stored(cli.home(), "default").unwrap();
    foreign.oauth2_url = "http://127.0.0.1:9/oauth2".into();
    FileStore::new(state_dir(cli.home())).save("foreign", &foreign).unwrap();
    let out = run(tv(&cli).args(["--profile", "foreign", "get-users", "--login", "ninja"]));
    assert_ok(&out);
    let out = run(tv(&cli).args(["--profile", "foreign", "get-followed-streams", "--user-id", "1"]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("log in again"), "{}", out.stderr);

    // A bad name is bad input, refused before anything (see file_safety.rs).
    let out = run(tv(&cli).args(["--profile", "../etc", "auth", "login"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    let out = run(tv(&cli).args(["--profile", "nobody", "get-followed-streams", "--user-id", "1"]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("ttv auth login") && out.stderr.contains("TWITCH_USER_TOKEN"), "{}", out.stderr);
}

// --- refresh across processes, broken files ---------------------------------

/// Starts `n` `ttv` processes at once and waits for all of them.
fn run_at_once(cli: &Cli, n: usize, args: &[&str]) -> Vec<Run> {
    let children: Vec<_> =
        (0..n).map(|_| tv(cli).args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()).collect();
    children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            Run {
                code: out.status.code().unwrap_or(-1),
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            }
        })
        .collect()
}

#[test]
fn processes_hitting_an_expired_token_at_once_refresh_it_once() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let user_id = mock.user_id("ninja").unwrap();
    let verb = ["get-followed-streams", "--user-id", user_id.as_str()];

    // Expired by the clock: each process sees it before sending anything.
    let (_, refresh) = seed(&mock, cli.home(), "default", "ninja", &["user:read:follows"], now() - 60);
    for out in run_at_once(&cli, 4, &verb) {
        assert_ok(&out);
    }
    assert_eq!(mock.stats().refreshes, 1, "one refresh for four processes");
    let token = stored(cli.home(), "default").unwrap();
    assert!(!mock.is_refresh_token_valid(&refresh));
    assert!(mock.is_refresh_token_valid(token.refresh_token.as_ref().unwrap().expose()), "the rotated one is stored");

    // Ended early by Twitch: each process learns it from a 401.
    mock.expire_token(token.access_token.expose());
    for out in run_at_once(&cli, 4, &verb) {
        assert_ok(&out);
    }
    assert_eq!(mock.stats().refreshes, 2, "again exactly one");
}

#[test]
fn a_spent_refresh_token_says_to_log_in_again() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let (access, refresh) = seed(&mock, cli.home(), "default", "ninja", &[], now() - 60);
    // Redeemed elsewhere: the stored one is dead now.
    let stale = stored(cli.home(), "default").unwrap();
    assert_ok(&run(tv(&cli).args(["auth", "validate"])));
    FileStore::new(state_dir(cli.home())).save("default", &stale).unwrap();
    let out = run(tv(&cli).args(["auth", "validate"]));
    assert_eq!(out.code, 4, "{}", out.stderr);
    assert!(out.stderr.contains("log in again"), "{}", out.stderr);
    assert!(out.stderr.contains("ttv auth login"), "{}", out.stderr);
    assert!(!out.stderr.contains(&access) && !out.stderr.contains(&refresh));
}

#[test]
fn a_corrupt_token_file_is_reported_not_a_crash() {
    let mock = mock();
    let cli = Cli::new(&mock);
    seed(&mock, cli.home(), "default", "ninja", &[], now() + 3600);
    let file = state_dir(cli.home()).join("user-default.json");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, &text[..text.len() / 2]).unwrap();

    let out = run(tv(&cli).args(["get-followed-streams", "--user-id", "10001"]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("corrupt"), "{}", out.stderr);
    assert!(out.stderr.contains("ttv auth login"), "{}", out.stderr);

    let out = run(tv(&cli).args(["auth", "status"]));
    assert_ok(&out);
    assert_eq!(out.json()["profiles"][0]["status"], "corrupt");

    // Logging in again replaces it.
    let out = run(tv(&cli).args(["auth", "login"]));
    assert_ok(&out);
    assert!(stored(cli.home(), "default").is_some());
}

// --- no secret in anything printed ------------------------------------------

#[test]
fn no_secret_or_token_is_printed_in_any_flow_even_at_max_verbosity() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let user_id = mock.user_id("ninja").unwrap();
    let mut printed = String::new();
    fn keep(printed: &mut String, out: &Run, what: &str) {
        assert_ok(out);
        printed.push_str(&format!("== {what}\n{}\n{}\n", out.stdout, out.stderr));
    }

    keep(&mut printed, &run(tv(&cli).args(["-vv", "auth", "login", "--scopes", "user:read:follows"])), "device login");

    let (child, lines, url) = start_browser_login(&cli, free_port(), &["-vv", "--profile", "web"]);
    let (_, location, _) = http_get(&url);
    assert_eq!(http_get(&location.unwrap()).0, 200);
    keep(&mut printed, &finish(child, lines), "browser login");

    for args in [
        vec!["-vv", "auth", "status"],
        vec!["-vv", "auth", "validate"],
        vec!["-vv", "auth", "validate", "--app"],
        vec!["-vv", "--profile", "web", "auth", "validate"],
        vec!["-vv", "get-followed-streams", "--user-id", &user_id],
    ] {
        keep(&mut printed, &run(tv(&cli).args(&args)), &args.join(" "));
    }

    // A refresh, proactive and after a 401.
    let token = stored(cli.home(), "default").unwrap();
    mock.expire_token(token.access_token.expose());
    keep(
        &mut printed,
        &run(tv(&cli).args(["-vv", "get-followed-streams", "--user-id", &user_id])),
        "refresh after 401",
    );
    let mut old = stored(cli.home(), "default").unwrap();
    old.expires_at = now() - 1;
    FileStore::new(state_dir(cli.home())).save("default", &old).unwrap();
    keep(&mut printed, &run(tv(&cli).args(["-vv", "auth", "validate"])), "refresh on expiry");
    assert_eq!(mock.stats().refreshes, 2);

    // Failures print no secret either.
    let failed = run(tv(&cli)
        .env("TWITCH_CLIENT_SECRET", "wrong-secret-123")
        .env("TTV_CACHE_DIR", cli.home().join("no-cache"))
        .args(["-vv", "auth", "validate", "--app"]));
    assert_eq!(failed.code, 4);
    printed.push_str(&failed.stderr);
    let spent = stored(cli.home(), "web").unwrap();
    keep(&mut printed, &run(tv(&cli).args(["-vv", "--profile", "web", "auth", "logout"])), "logout");
    FileStore::new(state_dir(cli.home())).save("web", &spent.with_expires_at(now() - 1)).unwrap();
    let failed = run(tv(&cli).args(["-vv", "--profile", "web", "auth", "validate"]));
    assert_eq!(failed.code, 4, "{}", failed.stderr);
    printed.push_str(&failed.stdout);
    printed.push_str(&failed.stderr);

    // The one place a token is printed is `auth token`, on stdout, when asked.
    let out = run(tv(&cli).args(["-vv", "auth", "token", "--user"]));
    assert_ok(&out);
    printed.push_str(&out.stderr);

    assert!(printed.contains("oauth request") && printed.contains("helix request"), "-vv logs requests:\n{printed}");
    let mut secrets = mock.issued_secrets();
    assert!(secrets.len() >= 8, "tokens, refresh tokens, device and authorization codes: {}", secrets.len());
    secrets.push(mock.client_secret().to_string());
    secrets.push("wrong-secret-123".into());
    for secret in &secrets {
        assert!(!printed.contains(secret.as_str()), "a secret was printed:\n{printed}");
    }
    // The token files hold them, of course; nothing else in the state folder does.
    let value: Value =
        serde_json::from_str(&std::fs::read_to_string(state_dir(cli.home()).join("user-default.json")).unwrap())
            .unwrap();
    assert!(value["refresh_token"].is_string());
}

#[test]
fn logout_app_revokes_the_cached_app_token_and_deletes_it() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let out = run(tv(&cli).args(["auth", "token", "--app"]));
    assert_ok(&out);
    let app_token = out.stdout.trim().to_owned();
    assert!(mock.is_token_valid(&app_token));
    let cache_files = || std::fs::read_dir(cli.home().join("cache")).map(|d| d.count()).unwrap_or(0);
    assert_eq!(cache_files(), 1);

    let out = run(tv(&cli).args(["auth", "logout", "--app"]));
    assert_ok(&out);
    assert_eq!(out.json()["revoked"], true);
    assert!(!mock.is_token_valid(&app_token), "revoked at Twitch");
    assert_eq!(cache_files(), 0, "and the cache file deleted");
    assert!(!out.stdout.contains(&app_token) && !out.stderr.contains(&app_token));

    // Nothing cached: nothing to do, and nothing minted to revoke.
    let minted = mock.stats().app_tokens_minted;
    let out = run(tv(&cli).args(["auth", "logout", "--app"]));
    assert_ok(&out);
    assert_eq!(out.json()["revoked"], false);
    assert_eq!(mock.stats().app_tokens_minted, minted);
    // The next call mints a new token.
    assert_ok(&run(tv(&cli).args(["get-top-games", "--first", "1"])));
    assert_eq!(mock.stats().app_tokens_minted, minted + 1);
}
