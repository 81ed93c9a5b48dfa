//! The close codes of Twitch's EventSub WebSocket (4000–4007): what each
//! means and what a client does about it. A lost connection (4000, 4004,
//! 4005, 4006, or any other way a socket ends) opens a new session; the
//! other four say the client did something wrong, and trying again would
//! do it again, so the session ends with an error.

/// What the client does after the server closed the socket with a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(feature = "eventsub"), allow(dead_code))]
pub(crate) enum AfterClose {
    /// Open a new session on the base URL and subscribe again.
    NewSession,
    /// End with an error naming the code.
    Fail,
}

/// What the code means, for messages; `None` for codes outside 4000–4007.
pub fn close_code_meaning(code: u16) -> Option<&'static str> {
    Some(match code {
        4000 => "internal server error",
        4001 => "client sent inbound traffic: a client may only answer Pings with Pongs",
        4002 => "client failed ping-pong: a Ping went unanswered",
        4003 => "connection unused: no subscription within the welcome window",
        4004 => "reconnect grace time expired: the old connection was not replaced in time",
        4005 => "network timeout: the server could not write in time",
        4006 => "network error: writing to the client failed",
        4007 => "invalid reconnect: the reconnect URL was stale or used twice",
        _ => return None,
    })
}

/// What to do after a close with `code` (`None`: no close frame, the TCP connection ended).
#[cfg_attr(not(feature = "eventsub"), allow(dead_code))]
pub(crate) fn after_close(code: Option<u16>) -> AfterClose {
    match code {
        Some(4001 | 4002 | 4003 | 4007) => AfterClose::Fail,
        _ => AfterClose::NewSession,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_bugs_end_the_session_and_server_trouble_opens_a_new_one() {
        for code in [4001, 4002, 4003, 4007] {
            assert_eq!(after_close(Some(code)), AfterClose::Fail, "{code}");
        }
        for code in [Some(4000), Some(4004), Some(4005), Some(4006), Some(1000), Some(1006), None] {
            assert_eq!(after_close(code), AfterClose::NewSession, "{code:?}");
        }
    }

    #[test]
    fn every_twitch_code_has_a_meaning() {
        for code in 4000..=4007 {
            assert!(close_code_meaning(code).is_some_and(|m| !m.is_empty()), "{code}");
        }
        assert_eq!(close_code_meaning(4003), Some("connection unused: no subscription within the welcome window"));
        assert_eq!(close_code_meaning(1000), None);
    }
}
