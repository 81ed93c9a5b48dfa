//! The `ttv` binary following pages (`--all`, `--max-items`, `--after`),
//! splitting long lists, and reporting transport failures the mock injects:
//! exit codes, one-line messages, and `-v` logs without secrets.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use ttv_mock::{Fault, FaultKind, MockConfig, MockServer};
use ttv_tests::{mock, run, Cli};

fn ndjson(stdout: &str) -> Vec<Value> {
    stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
}

fn ids(items: &[Value]) -> Vec<String> {
    items.iter().map(|i| i["id"].as_str().expect("id").to_owned()).collect()
}

#[test]
fn all_pages_stream_as_ndjson_and_as_one_json_array() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let out = cli.run(["get-streams", "--all", "-o", "ndjson"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "", "no progress or hints when stderr is not a terminal");
    let items = ndjson(&out.stdout);
    assert!(items.len() > 100, "more than one page: {}", items.len());
    let unique: std::collections::HashSet<String> = ids(&items).into_iter().collect();
    assert_eq!(unique.len(), items.len());

    let json = cli.run(["getStreams", "--all", "--first", "7"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    assert_eq!(json.json(), Value::Array(items.clone()), "the same items, as one JSON array, in pages of 7");

    let table = cli.run(["get-streams", "--all", "-o", "table"]);
    assert_eq!(table.stdout.lines().count(), items.len() + 1, "a header and one line per item");
}

#[test]
fn max_items_stops_early_and_says_how_to_go_on() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let all = ndjson(&cli.run(["get-streams", "--all", "-o", "ndjson"]).stdout);

    let before = mock.stats().helix_requests;
    let first = cli.run(["get-streams", "--max-items", "45", "-o", "ndjson"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(mock.stats().helix_requests - before, 1, "one page of 45");
    let head = ndjson(&first.stdout);
    assert_eq!(head.len(), 45);
    let cursor = first
        .stderr
        .trim()
        .strip_prefix("ttv: stopped after 45 items; more results: repeat with --after ")
        .unwrap_or_else(|| panic!("{}", first.stderr))
        .to_owned();

    let rest = cli.run(["get-streams", "--all", "-o", "ndjson", "--after", &cursor]);
    assert_eq!(rest.code, 0, "{}", rest.stderr);
    let mut joined = head;
    joined.extend(ndjson(&rest.stdout));
    assert_eq!(ids(&joined), ids(&all));
}

#[test]
fn paging_flags_exist_only_on_paginated_verbs() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let out = cli.run(["get-users", "--login", "ninja", "--all"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--all"), "{}", out.stderr);
    let help = cli.run(["get-streams", "--help"]);
    assert!(help.stdout.contains("--all") && help.stdout.contains("--max-items"), "{}", help.stdout);
}

#[test]
fn long_lists_from_a_file_are_split_and_keep_their_order() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let logins: Vec<String> = (0..250).map(|i| format!("user{:04}", 10 + (i * 37) % 480)).collect();
    let file = cli.home().join("logins.txt");
    std::fs::write(&file, logins.join("\n")).unwrap();
    let out = cli.run(["get-users", "--login", &format!("@{}", file.display())]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let got: Vec<String> =
        out.json().as_array().unwrap().iter().map(|u| u["login"].as_str().unwrap().to_owned()).collect();
    assert_eq!(got, logins);
    assert_eq!(mock.stats().helix_requests, 3, "100 logins a request");
}

/// Runs `args` against a mock with `fault` on every request to `route`.
fn with_fault(fault: FaultKind, route: &str, args: &[&str]) -> ttv_tests::Run {
    let mock = mock();
    let cli = Cli::new(&mock);
    mock.faults().push(Fault::new(fault).on(route).always());
    run(cli.ttv().args(args))
}

#[test]
fn transport_failures_have_their_own_exit_codes_and_one_line_messages() {
    // A 429 naming its reset is waited out (past --retries) until the deadline.
    let top = ["--retries", "0", "--deadline", "2", "top-games"];
    let cases: [(FaultKind, u8, &str); 5] = [
        (FaultKind::TooManyRequests { reset_after: Duration::from_secs(30) }, 8, "the call's deadline"),
        (FaultKind::Status(503), 5, "503 Service Unavailable"),
        (FaultKind::DropConnection, 6, "network error"),
        (FaultKind::Malformed, 7, "does not decode"),
        (FaultKind::Delay(Duration::from_secs(5)), 6, "no answer within 1 s"),
    ];
    for (fault, code, text) in cases {
        let out = with_fault(fault.clone(), "/helix/games/top", &[&["--timeout", "1"], &top[..]].concat());
        assert_eq!(out.code, i32::from(code), "{fault:?}: {}", out.stderr);
        assert!(out.stderr.contains(text), "{fault:?}: {}", out.stderr);
        assert!(out.stderr.contains("Get Top Games"), "names the endpoint: {}", out.stderr);
        // Besides the notice of a long wait (waits.rs), one line.
        let lines = out.stderr.trim_end().lines().filter(|l| !l.starts_with("ttv: rate limited: waiting"));
        assert_eq!(lines.count(), 1, "one line: {}", out.stderr);
    }
}

#[test]
fn verbose_logs_requests_rate_limits_and_retries_without_secrets() {
    let mock = mock();
    let cli = Cli::new(&mock);
    mock.faults().push(Fault::new(FaultKind::Status(503)).on("/helix/users"));
    let out = cli.run(["-v", "get-users", "--login", "ninja"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let log = &out.stderr;
    for wanted in ["helix send", "target=/users?login=ninja", "status=503", "helix retry", "reason=503", "status=200"] {
        assert!(log.contains(wanted), "{wanted:?} missing from:\n{log}");
    }
    assert!(log.contains("ratelimit=799/800") || log.contains("ratelimit=798/800"), "{log}");
    assert!(log.contains("Bearer [redacted]"), "{log}");
    assert!(!log.contains('\u{1b}'), "no colour codes when stderr is not a terminal");
    let cache = std::fs::read_dir(cli.home().join("cache")).unwrap().next().unwrap().unwrap().path();
    let cached: Value = serde_json::from_str(&std::fs::read_to_string(cache).unwrap()).unwrap();
    assert!(!log.contains(cached["access_token"].as_str().unwrap()));
    assert!(!log.contains(mock.client_secret()));
}

/// Runs ttv, counting the lines it prints as they come, and returns the
/// count and the child's peak resident memory in kB (from `wait4`).
// The child is reaped by `wait4`, which `Child` does not know about.
#[allow(clippy::zombie_processes)]
fn lines_and_peak_rss(cmd: &mut std::process::Command) -> (usize, i64) {
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("ttv starts");
    let stdout = child.stdout.take().expect("piped");
    let counter = std::thread::spawn(move || {
        BufReader::new(stdout).lines().try_fold(0usize, |n, line| line.map(|_| n + 1)).expect("utf-8 lines")
    });
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet reaped; the pointers are valid for the call.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(reaped, pid);
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "ttv failed: {status}");
    (counter.join().expect("counter"), usage.ru_maxrss)
}

#[test]
fn following_100_000_items_keeps_memory_flat() {
    let mock = MockServer::start_background(MockConfig {
        users: 100_001,
        live_every: 1,
        follows_per_user: 0,
        games: 20,
        bucket_size: 1_000_000,
        ..MockConfig::default()
    })
    .expect("mock starts");
    let cli = Cli::new(&mock);
    let (ten_thousand, rss_small) =
        lines_and_peak_rss(cli.ttv().args(["get-streams", "--max-items", "10000", "-o", "ndjson"]));
    let (all, rss_all) = lines_and_peak_rss(cli.ttv().args(["get-streams", "--all", "-o", "ndjson"]));
    assert_eq!((ten_thousand, all), (10_000, 100_000));
    // Held in memory, 100,000 streams would take hundreds of MB.
    assert!(rss_all < rss_small + 10_000, "peak RSS {rss_small} kB for 10,000 items, {rss_all} kB for 100,000");
    eprintln!("ttv peak RSS: {rss_small} kB (10,000 items), {rss_all} kB (100,000 items)");
}

#[test]
fn progress_shows_on_a_terminal() {
    // `script` runs a command on a pseudo-terminal; without it, skip.
    if std::process::Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: no `script` to make a terminal");
        return;
    }
    let mock = mock();
    let cli = Cli::new(&mock);
    let cmd = cli.ttv();
    let env: Vec<String> =
        cmd.get_envs().filter_map(|(k, v)| Some(format!("{}='{}'", k.to_str()?, v?.to_str()?))).collect();
    let line = format!(
        "env -i {} '{}' get-streams --all --first 50 -o ndjson > /dev/null",
        env.join(" "),
        cmd.get_program().to_string_lossy()
    );
    let out = std::process::Command::new("script").args(["-qec", &line, "/dev/null"]).output().expect("script runs");
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{screen}");
    assert!(screen.contains("ttv: 1 page, 50 items") && screen.contains("ttv: 2 pages, 100 items"), "{screen:?}");
    assert!(screen.ends_with("\r\x1b[K"), "the progress line is cleared at the end: {screen:?}");
}

/// Get Channel Stream Schedule answers `data` as one object per page: `--all`,
/// `--max-items` and `ttv api --all` print it (it used to be `[]`, exit 0).
#[test]
fn paging_a_one_object_answer_prints_the_object() {
    let mock = mock();
    let cli = Cli::new(&mock);
    let verb = ["get-channel-stream-schedule", "--broadcaster-id", "10001"];
    for extra in [&["--all"][..], &["--max-items", "5"][..]] {
        let out = run(cli.ttv().args(verb).args(extra));
        assert_eq!(out.code, 0, "{extra:?}: {}", out.stderr);
        let pages = out.json();
        let pages = pages.as_array().expect("a JSON array");
        assert!(!pages.is_empty(), "{extra:?}: nothing printed");
        assert_eq!(pages[0]["broadcaster_id"], "10001", "{extra:?}");
        assert!(pages[0]["segments"].as_array().is_some_and(|s| !s.is_empty()), "{extra:?}: {}", out.stdout);
    }
    let out = cli.run(["api", "/schedule", "-q", "broadcaster_id=10001", "--all", "-o", "ndjson"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let lines = ndjson(&out.stdout);
    assert_eq!(lines.len(), 1, "{}", out.stdout);
    assert!(lines[0]["segments"].is_array(), "{}", out.stdout);
}
