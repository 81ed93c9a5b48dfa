//! An interrupted refresh never loses the login (issue 9, item 3).
//!
//! A stored profile whose access token has expired makes every `ttv auth
//! validate` refresh it first, and the mock rotates refresh tokens: each works
//! once. The loop starts that run over and over and stops it at a random moment
//! with SIGKILL, SIGINT or SIGTERM. After every stop, the profile as the next run
//! reads it (the library's `FileStore`, which recovers what an interrupted save
//! left) must hold the refresh token the mock currently accepts, and every so
//! often an uninterrupted run must succeed without a new login.
//!
//! SIGKILL cannot be caught: a kill after the mock rotated the token and before
//! ttv has written the answer (microseconds on 127.0.0.1) loses the new pair in
//! any design. The mock knows when it answered each refresh; a SIGKILL loss is
//! allowed only when the kill came soon after that answer ([`IN_FLIGHT`]) and
//! no file, complete or temporary, holds the new token. Every other loss fails.

#![cfg(unix)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ttv_helix::{FileStore, Secret, StoredUserToken, TokenStore};
use ttv_mock::{MockConfig, MockServer};
use ttv_tests::{run, Cli};

/// Interrupted runs the loop needs at least.
const WANTED_INTERRUPTED: usize = 300;
/// The whole loop stops after this, whatever it reached (then it fails).
const BUDGET: Duration = Duration::from_secs(100);
/// How long after the mock spent a refresh token a SIGKILL may still find the
/// answer unwritten: receiving and parsing it is quick, but the debug binary
/// shares two busy cores. Only SIGKILL gets this, and only when no file holds
/// the new token.
const IN_FLIGHT: Duration = Duration::from_millis(50);
/// An uninterrupted run every so many stops.
const CHECK_EVERY: usize = 40;

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// A small deterministic generator (xorshift64*), seeded per run and printed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1)
    }
}

fn tv(cli: &Cli) -> Command {
    let mut cmd = cli.ttv();
    cmd.env("TTV_STATE_DIR", cli.home().join("state")).args(["auth", "validate"]);
    cmd
}

fn store(dir: &Path) -> FileStore {
    FileStore::new(dir.join("state"))
}

/// Marks the stored access token expired, so the next run refreshes.
fn expire(dir: &Path) {
    let store = store(dir);
    let mut token = store.load("default").unwrap().expect("the profile is there");
    token.expires_at = now().saturating_sub(60);
    token.obtained_at = now().saturating_sub(4 * 3600);
    store.save("default", &token).unwrap();
}

fn refresh_token(token: &StoredUserToken) -> &str {
    token.refresh_token.as_ref().map(Secret::expose).expect("a refreshable token")
}

#[test]
fn killing_a_refresh_at_random_moments_never_loses_the_login() {
    let mock = MockServer::start_background(MockConfig::default()).expect("the mock starts");
    let cli = Cli::new(&mock);
    let seeded = ttv_tests::stored_login(&mock, "ninja", &["chat:read"], 0);
    store(cli.home()).save("default", &seeded).unwrap();

    // Built before anything is timed.
    ttv_tests::ttv_bin();
    // How long one refreshing run takes: kills land anywhere in it.
    let mut longest = Duration::ZERO;
    for _ in 0..3 {
        expire(cli.home());
        let started = Instant::now();
        let out = run(&mut tv(&cli));
        assert_eq!(out.code, 0, "an uninterrupted run works:\n{}", out.stderr);
        longest = longest.max(started.elapsed());
    }
    let window_us = (longest.as_micros() as u64).saturating_mul(11) / 10;

    let seed = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64 | 1;
    eprintln!("seed {seed}, one run takes up to {longest:?}");
    let mut rng = Rng(seed);
    let signals = [(libc::SIGKILL, "SIGKILL"), (libc::SIGINT, "SIGINT"), (libc::SIGTERM, "SIGTERM")];
    let started = Instant::now();
    let (mut interrupted, mut stops, mut unavoidable, mut sigkills) = (0usize, 0usize, 0usize, 0usize);
    let mut losses = Vec::new();
    while interrupted < WANTED_INTERRUPTED && started.elapsed() < BUDGET {
        expire(cli.home());
        let before = store(cli.home()).load("default").unwrap().expect("the profile is there");
        let refreshes_before = mock.stats().refreshes;
        let (signal, name) = signals[stops % signals.len()];
        let delay = Duration::from_micros(rng.below(window_us));
        let child = tv(&cli).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("ttv starts");
        std::thread::sleep(delay);
        // The child is not reaped before wait below, so its pid is still its own.
        let killed_at = Instant::now();
        unsafe { libc::kill(child.id() as libc::pid_t, signal) };
        let out = child.wait_with_output().expect("ttv is waited for");
        stops += 1;
        let stopped = {
            use std::os::unix::process::ExitStatusExt;
            out.status.signal().is_some() || matches!(out.status.code(), Some(130 | 143))
        };
        if stopped {
            interrupted += 1;
            sigkills += usize::from(signal == libc::SIGKILL);
        } else {
            assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains(refresh_token(&before)), "a refresh token was printed:\n{stderr}");

        let after = store(cli.home()).load("default").unwrap().expect("the profile is never deleted");
        if !mock.is_refresh_token_valid(refresh_token(&after)) {
            let rotated = mock.stats().refreshes > refreshes_before;
            let answered_ago = mock.last_refresh_answered().map(|t| killed_at.saturating_duration_since(t));
            // Killed while the answer was on its way, or being written: no process can keep it.
            let in_flight = answered_ago.is_none_or(|ago| ago < IN_FLIGHT);
            if signal == libc::SIGKILL && rotated && in_flight && no_file_holds_a_valid_token(&mock, cli.home()) {
                unavoidable += 1;
                // Log in again, as a user would have to.
                let (access, refresh) = mock.issue_user_tokens("ninja", &["chat:read"]);
                let mut relogged = after.clone();
                relogged.access_token = Secret::new(access.as_str());
                relogged.refresh_token = Some(Secret::new(refresh.as_str()));
                store(cli.home()).save("default", &relogged).unwrap();
            } else {
                losses.push(format!("{name} after {delay:?} (answered {answered_ago:?} before): {stderr}"));
                break;
            }
        }
        if stops % CHECK_EVERY == 0 {
            let out = run(&mut tv(&cli));
            assert_eq!(out.code, 0, "the next run works without a new login:\n{}", out.stderr);
        }
    }
    eprintln!(
        "{stops} runs, {interrupted} interrupted ({sigkills} by SIGKILL), {} refreshes, {unavoidable} SIGKILLs \
         while the answer was in flight, in {:?}",
        mock.stats().refreshes,
        started.elapsed()
    );
    assert!(losses.is_empty(), "a login was lost: {losses:#?}");
    assert!(interrupted >= WANTED_INTERRUPTED, "only {interrupted} interrupted runs within {BUDGET:?}");
    // How many kills land between the mock's answer and the written file
    // depends on how busy the two cores are (18 of ~100 SIGKILLs were seen on
    // a loaded CI machine), so the bound is loose. A design that kept the
    // pair only in memory, or lost it in a temporary file, fails above on
    // its first SIGINT, SIGTERM or recoverable SIGKILL; this bound only
    // catches SIGKILLs excused far more often than a short window explains.
    assert!(unavoidable * 2 <= sigkills, "too many losses to call them bad luck: {unavoidable} of {sigkills} SIGKILLs");
    let out = run(&mut tv(&cli));
    assert_eq!(out.code, 0, "the login still works at the end:\n{}", out.stderr);
    let leftovers: Vec<_> = std::fs::read_dir(cli.home().join("state"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files are cleaned: {leftovers:?}");
}

/// Whether the token file or any temporary file beside it holds a refresh
/// token the mock still accepts (then recovery should have found it).
fn no_file_holds_a_valid_token(mock: &MockServer, dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir.join("state")) else { return true };
    !entries.filter_map(|e| e.ok()).any(|e| {
        let Ok(bytes) = std::fs::read(e.path()) else { return false };
        let text = String::from_utf8_lossy(&bytes);
        serde_json::from_str::<StoredUserToken>(&text)
            .ok()
            .and_then(|t| t.refresh_token)
            .is_some_and(|r| mock.is_refresh_token_valid(r.expose()))
    })
}
