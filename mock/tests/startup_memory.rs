//! The mock's memory at start-up grows at most linearly with `--users` and
//! stays small: 100,000 users with the default settings must fit in 300 MB
//! (stored as JSON maps they took 0.86 GB). Measured as the peak resident
//! size (`VmHWM` in /proc) of the real binary once it listens, so Linux only.

#![cfg(target_os = "linux")]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// The whole process at 100,000 users, as the issue asks.
const MAX_BYTES_AT_100K: u64 = 300 * 1024 * 1024;
/// What each extra user may add. Generous (a debug build, allocator noise);
/// JSON maps per user cost about 8,600 bytes.
const MAX_BYTES_PER_USER: u64 = 1000;

/// Peak resident bytes of `ttv-mock --users N` once it listens.
fn peak_after_start(users: usize) -> u64 {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ttv-mock"))
        .args(["--port", "0", "--users", &users.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start ttv-mock");
    let stdout = child.stdout.take().expect("piped stdout");
    // The banner ends with this line once the socket is bound.
    let listening = BufReader::new(stdout).lines().map_while(Result::ok).any(|l| l.contains("Ctrl-C"));
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    assert!(listening, "ttv-mock --users {users} did not start");
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .expect("VmHWM in /proc/PID/status");
    kb * 1024
}

#[test]
fn start_up_memory_grows_at_most_linearly_and_100k_users_fit_in_300_mb() {
    let small = peak_after_start(20_000);
    let large = peak_after_start(100_000);
    assert!(large < MAX_BYTES_AT_100K, "100,000 users: {} MB at start-up", large / (1024 * 1024));
    let per_user = large.saturating_sub(small) / 80_000;
    assert!(per_user < MAX_BYTES_PER_USER, "{per_user} bytes per user (20,000: {small} B, 100,000: {large} B)");
}
