//! Several `ttv` processes at once against one mock, sharing a client id and
//! a cache folder: one app token is minted for all of them, and processes
//! that drain one small rate-limit bucket wait for it instead of failing.

use std::process::{Child, Command, Stdio};
use std::time::Duration;
use ttv_mock::{MockConfig, MockServer};

fn spawn(mut cmd: Command) -> Child {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("ttv starts")
}

/// Waits for every child; returns (exit code, stderr) of each.
fn finish(children: Vec<Child>) -> Vec<(i32, String)> {
    children
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().expect("ttv ends");
            (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
        })
        .collect()
}

#[test]
fn eight_processes_share_one_minted_app_token() {
    let mock = ttv_tests::mock();
    let cli = ttv_tests::Cli::new(&mock);
    let children: Vec<Child> = (0..8)
        .map(|_| {
            let mut cmd = cli.ttv();
            cmd.args(["get-users", "--login", "ninja"]);
            spawn(cmd)
        })
        .collect();
    for (code, stderr) in finish(children) {
        assert_eq!(code, 0, "{stderr}");
    }
    assert_eq!(mock.stats().app_tokens_minted, 1, "one mint across the processes");
}

#[test]
fn processes_draining_one_small_bucket_all_finish() {
    let mock = MockServer::start_background(MockConfig {
        bucket_size: 5,
        bucket_window: Duration::from_secs(1),
        follows_per_user: 0,
        ..MockConfig::default()
    })
    .expect("the mock starts");
    let cli = ttv_tests::Cli::new(&mock);
    // One token (minted now, cached) for all: they share its bucket.
    let first = cli.run(["get-users", "--login", "ninja"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    // 500 logins: five requests a process, twenty on a five-point bucket.
    let logins: Vec<String> = (0..500).map(|i| format!("user{i}")).collect();
    let logins = logins.join(",");
    let children: Vec<Child> = (0..4)
        .map(|_| {
            let mut cmd = cli.ttv();
            // One retry: a 429 that names its reset must not use it up.
            cmd.args(["get-users", "--login", &logins, "--retries", "1"]);
            spawn(cmd)
        })
        .collect();
    for (code, stderr) in finish(children) {
        assert_eq!(code, 0, "{stderr}");
    }
    assert!(mock.stats().rate_limited > 0, "the processes did meet 429s: {:?}", mock.stats().rate_limited);
    assert_eq!(mock.stats().app_tokens_minted, 1);
}
