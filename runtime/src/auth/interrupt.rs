//! Ctrl-C and SIGTERM must not cut a token refresh in half: once Twitch has
//! been asked for a new pair, the old refresh token may be spent, and only the
//! saved answer keeps the login. Such steps run under [`critical`]; a program
//! that handles signals calls [`stop`] before exiting, which waits for the
//! steps under way and lets no new one start.

use std::sync::{Arc, OnceLock};
use tokio::sync::{OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock};

fn gate() -> Arc<RwLock<()>> {
    static GATE: OnceLock<Arc<RwLock<()>>> = OnceLock::new();
    GATE.get_or_init(|| Arc::new(RwLock::new(()))).clone()
}

/// Held while a step that must not be interrupted runs (a refresh from the
/// request to the saved answer). Never ready after [`stop`].
#[must_use = "the step is protected only while this is held"]
#[derive(Debug)]
pub struct Critical(#[allow(dead_code)] OwnedRwLockReadGuard<()>);

/// Waits until no [`stop`] has begun, then marks a step that must finish.
pub async fn critical() -> Critical {
    Critical(gate().read_owned().await)
}

/// Held by a program on its way out: no protected step runs or starts.
#[must_use = "protected steps may start again when this is dropped"]
#[derive(Debug)]
pub struct Stopped(#[allow(dead_code)] OwnedRwLockWriteGuard<()>);

/// Waits for the protected steps under way to finish and keeps new ones from
/// starting; exit while holding the result.
pub async fn stop() -> Stopped {
    Stopped(gate().write_owned().await)
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;

    #[tokio::test]
    async fn stop_waits_for_steps_under_way_and_blocks_new_ones() {
        let step = critical().await;
        assert!(stop().now_or_never().is_none(), "stop waits while a step runs");
        drop(step);
        let stopped = stop().await;
        assert!(critical().now_or_never().is_none(), "no step starts once stopped");
        drop(stopped);
        drop(critical().await);
    }
}
