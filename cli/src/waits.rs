//! The flags that bound a call (`--deadline`, `--max-answer-mb`) and the
//! stderr line for a long pause: a silent 16 s wait for the rate limit looks
//! like a hang.

use clap::ArgMatches;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use ttv_helix::{Wait, WaitHook, WaitReason};

/// Lays the bounding flags over `config` and has long pauses told on stderr.
pub fn apply_flags(matches: &ArgMatches, config: &mut ttv_helix::Config) {
    if let Some(secs) = matches.get_one::<u64>("deadline") {
        config.deadline = Duration::from_secs(*secs);
    }
    if let Some(mb) = matches.get_one::<u64>("max-answer-mb") {
        config.max_answer_bytes = mb.saturating_mul(1024 * 1024);
    }
    config.on_wait = Some(stderr_notice());
}

/// Prints `ttv: rate limited: waiting 16 s` (or the failure being retried).
/// The parts of a split batch wait together: one line a second at most.
fn stderr_notice() -> WaitHook {
    let last: Mutex<Option<Instant>> = Mutex::new(None);
    WaitHook::new(move |wait: &Wait| {
        let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
        if last.is_some_and(|at| at.elapsed() < Duration::from_secs(1)) {
            return;
        }
        *last = Some(Instant::now());
        eprintln!("ttv: {}", describe(wait));
    })
}

fn describe(wait: &Wait) -> String {
    let secs = wait.duration.as_millis().div_ceil(1000);
    match &wait.reason {
        WaitReason::RateLimited => format!("rate limited: waiting {secs} s"),
        WaitReason::Retry(why) => format!("{why}: retrying in {secs} s"),
        _ => format!("waiting {secs} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_are_described_in_whole_seconds() {
        let wait = |ms, reason| Wait::new("Get Users", Duration::from_millis(ms), reason);
        assert_eq!(describe(&wait(15_200, WaitReason::RateLimited)), "rate limited: waiting 16 s");
        assert_eq!(
            describe(&wait(2_000, WaitReason::Retry("503 Service Unavailable".into()))),
            "503 Service Unavailable: retrying in 2 s"
        );
    }
}
