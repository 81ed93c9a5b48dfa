//! What can go wrong with an EventSub WebSocket session
//! ([`crate::Error::EventSub`]). Messages name close codes with their
//! meaning and URLs without their query.

use super::close::close_code_meaning;
use super::decode::EventDecodeError;

/// An EventSub WebSocket session failed, or one notification did not decode.
///
/// On a `WebSocket` stream every error ends the
/// stream (it is the last item) except [`EventSubError::Decode`], after
/// which events go on; [`EventSubError::is_fatal`] tells them apart.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EventSubError {
    /// The server closed the socket with a code saying the client did
    /// something wrong (4001, 4002, 4003, 4007), so no new session is tried.
    #[error("the EventSub server closed the session with {code} ({}){}", meaning(*code), detail(reason))]
    Closed {
        /// The WebSocket close code, e.g. 4003.
        code: u16,
        /// The reason text of the close frame, as sent (often empty).
        reason: String,
    },

    /// The WebSocket could not be opened (TCP, TLS or the HTTP upgrade).
    #[error("cannot connect to the EventSub WebSocket at {url}: {message}")]
    Connect {
        /// The URL, without its query.
        url: String,
        /// What failed.
        message: String,
        /// The underlying error, when there is one.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },

    /// The connection was lost while the session was being opened (a
    /// lost connection later opens a new session instead, reported as
    /// `Lifecycle::ConnectionLost`).
    #[error("the EventSub connection was lost: {reason}")]
    ConnectionLost {
        /// What happened.
        reason: String,
    },

    /// The server sent something the protocol does not allow here (no
    /// welcome, a message that is not JSON of the documented shape).
    #[error("the EventSub server broke the protocol: {message}")]
    Protocol {
        /// What was wrong.
        message: String,
    },

    /// A wanted subscription could not be created on the session.
    #[error("cannot subscribe to {subscription_type} v{version}: {source}")]
    Subscribe {
        /// Twitch's type name.
        subscription_type: String,
        /// Twitch's version.
        version: String,
        /// Helix's answer or the transport's error.
        #[source]
        source: Box<crate::Error>,
    },

    /// One notification's event did not fit its type; the session goes on.
    #[error(transparent)]
    Decode(#[from] EventDecodeError),
}

impl EventSubError {
    /// Whether the session ended with this error (all but [`EventSubError::Decode`]).
    pub fn is_fatal(&self) -> bool {
        !matches!(self, EventSubError::Decode(_))
    }

    /// The close code, for [`EventSubError::Closed`].
    pub fn close_code(&self) -> Option<u16> {
        match self {
            EventSubError::Closed { code, .. } => Some(*code),
            _ => None,
        }
    }
}

fn meaning(code: u16) -> &'static str {
    close_code_meaning(code).unwrap_or("a code Twitch does not document")
}

fn detail(reason: &str) -> String {
    if reason.trim().is_empty() {
        String::new()
    } else {
        format!(": {}", reason.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_errors_name_the_code_and_its_meaning() {
        let e = EventSubError::Closed { code: 4003, reason: String::new() };
        assert_eq!(
            e.to_string(),
            "the EventSub server closed the session with 4003 (connection unused: no subscription within the welcome \
             window)"
        );
        let e = EventSubError::Closed { code: 4001, reason: "bye".into() };
        assert!(e
            .to_string()
            .ends_with("(client sent inbound traffic: a client may only answer Pings with Pongs): bye"));
        assert_eq!(e.close_code(), Some(4001));
        assert!(e.is_fatal());
    }
}
