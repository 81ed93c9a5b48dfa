//! One error type for everything the client can run into. Messages say what
//! went wrong in the library's terms (which profile, which scope, which
//! port); what a program tells its user to do about it is the program's
//! business (the `ttv` CLI turns them into commands to run). None of them ever
//! contains a secret or token, and the underlying I/O and HTTP errors stay
//! reachable through [`std::error::Error::source`].

use std::net::SocketAddr;
use std::path::PathBuf;

/// What went wrong with a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Credentials or settings are missing or unusable.
    #[error("{0}")]
    Config(String),

    /// No user token is stored under this profile.
    #[error("no user token is stored for profile `{profile}`")]
    NotLoggedIn {
        /// The profile asked for.
        profile: String,
    },

    /// The profile's token was deleted (logged out) while the client used it.
    #[error("profile `{profile}` was logged out meanwhile")]
    LoggedOutMeanwhile {
        /// The profile in use.
        profile: String,
    },

    /// A stored profile was logged in with another application's client id.
    #[error("profile `{profile}` was logged in with client id {logged_in_with}, but the client id is {client_id}")]
    ProfileOfOtherClient {
        /// The profile in use.
        profile: String,
        /// The client id the stored token was issued to.
        logged_in_with: String,
        /// The client id of the [`Config`](crate::Config).
        client_id: String,
    },

    /// A stored profile was logged in at another OAuth server.
    #[error("profile `{profile}` was logged in at {logged_in_at}, not at {oauth2_url}")]
    ProfileOfOtherServer {
        /// The profile in use.
        profile: String,
        /// The OAuth server the stored token came from.
        logged_in_at: String,
        /// The OAuth server of the [`Config`](crate::Config).
        oauth2_url: String,
    },

    /// A profile's token file does not parse. The parser's own message is not
    /// kept: it could quote part of a token.
    #[error("the token file {} of profile `{profile}` is corrupt ({problem} at line {line} column {column})", path.display())]
    CorruptTokenFile {
        /// The profile whose file it is.
        profile: String,
        /// The file.
        path: PathBuf,
        /// `not valid JSON` or `unexpected content`.
        problem: &'static str,
        /// Where parsing stopped (1-based).
        line: usize,
        /// Where parsing stopped (1-based).
        column: usize,
    },

    /// The user token was refused when validated; `profile` is where it came
    /// from (`None`: supplied by the caller).
    #[error("User token: Twitch refused the token ({status}): {message}")]
    UserTokenRefused {
        /// The profile the token came from, `None` for a supplied token.
        profile: Option<String>,
        /// The HTTP status of the refusal.
        status: u16,
        /// Twitch's message.
        message: String,
    },

    /// The user token expired (or was refused) and has no refresh token.
    #[error("User token: the user token {reason} and cannot be refreshed (it came without a refresh token)")]
    UserTokenExpired {
        /// The profile the token came from, `None` for a supplied token.
        profile: Option<String>,
        /// `expired`, `expired or was revoked`, `was refused`.
        reason: &'static str,
    },

    /// Twitch refused the refresh token (revoked, expired or already used):
    /// only a new login gives a usable token.
    #[error(
        "Refresh user token: Twitch refused the token ({status}): {message}: the refresh token is no longer valid \
         (revoked, expired or already used)"
    )]
    RefreshRefused {
        /// The profile the token came from, `None` for a supplied token.
        profile: Option<String>,
        /// The HTTP status of the refusal.
        status: u16,
        /// Twitch's message.
        message: String,
    },

    /// The token given as a user token is an app access token.
    #[error("{} holds an app access token, not a user access token", token_origin(profile.as_deref()))]
    NotAUserToken {
        /// The profile the token came from, `None` for a supplied token.
        profile: Option<String>,
    },

    /// The user token belongs to another application.
    #[error("the user token was issued to client id {token_client_id}, but the client id is {client_id}; use the same application")]
    TokenOfOtherClient {
        /// The client id the token was issued to.
        token_client_id: String,
        /// The client id of the [`Config`](crate::Config).
        client_id: String,
    },

    /// What was asked needs the client secret, which the config lacks (only
    /// Confidential clients have one).
    #[error("{needed_for} needs the client secret, which only Confidential clients have (Twitch console > your app > New Secret)")]
    NoClientSecret {
        /// What needed it.
        needed_for: SecretNeed,
    },

    /// The login redirect listener could not listen on this address.
    #[error("cannot listen on {address} for the login redirect ({source}){}", ipv6_note(address))]
    RedirectListen {
        /// The loopback address and port.
        address: SocketAddr,
        /// Why.
        source: std::io::Error,
    },

    /// A file or folder could not be used.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done, e.g. `read the token file`.
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },

    /// The input would be refused by Twitch, so it was not sent.
    #[error("{endpoint}: {message}")]
    InvalidInput {
        /// The endpoint (or setting) refused.
        endpoint: &'static str,
        /// What is wrong with it.
        message: String,
    },

    /// The token lacks a scope the endpoint requires (checked before sending).
    #[error("{endpoint} needs the scope {missing}, which this token was not granted; log in again asking for it (or turn the scope check off if Twitch's scope table changed)")]
    MissingScope {
        /// The endpoint.
        endpoint: &'static str,
        /// The scope (or scopes, `a or b`) it needs.
        missing: String,
    },

    /// The token was refused (invalid, expired, revoked, or the wrong kind).
    #[error("{endpoint}: Twitch refused the token ({status}): {message}")]
    Unauthorized {
        /// The endpoint.
        endpoint: String,
        /// The HTTP status (401 or 403).
        status: u16,
        /// Twitch's message.
        message: String,
    },

    /// Helix answered with an error: `{error, status, message}`.
    #[error("{endpoint}: {status} {error}: {message}")]
    Helix {
        /// The endpoint.
        endpoint: String,
        /// The HTTP status.
        status: u16,
        /// Twitch's `error` (the status's reason).
        error: String,
        /// Twitch's `message`.
        message: String,
        /// The body's other top-level fields, as Twitch sent them: a 409 from
        /// Create EventSub Subscription carries the existing subscription's
        /// `id` (see [`Error::helix_field`]). Empty when there are none.
        fields: Box<serde_json::Map<String, serde_json::Value>>,
    },

    /// The OAuth server refused a token request.
    #[error("Twitch's OAuth server refused the {what} ({status}): {message}")]
    OAuth {
        /// The request refused, e.g. `app token`.
        what: &'static str,
        /// The HTTP status.
        status: u16,
        /// Twitch's message.
        message: String,
    },

    /// The answer did not have the documented shape.
    #[error("{endpoint}: the response does not decode at `{path}`: {message}")]
    Decode {
        /// The endpoint.
        endpoint: String,
        /// Where in the answer, e.g. `data[2].login`.
        path: String,
        /// What was wrong there.
        message: String,
    },

    /// Twitch answered 2xx but did not carry the request out, e.g. Send Chat
    /// Message with `is_sent: false`: AutoMod or the channel's settings
    /// dropped the message. `code` and `message` are Twitch's reason.
    #[error("{endpoint}: Twitch did not do it: {message} ({code})")]
    Refused {
        /// The endpoint.
        endpoint: &'static str,
        /// Twitch's reason code, e.g. `msg_duplicate` (empty when it gave none).
        code: String,
        /// Twitch's explanation.
        message: String,
    },

    /// No answer within the configured timeout.
    #[error("{endpoint}: no answer within {seconds} s")]
    Timeout {
        /// The endpoint.
        endpoint: String,
        /// The bound that passed.
        seconds: u64,
    },

    /// The request could not be sent or the connection broke.
    #[error("{endpoint}: network error: {message}")]
    Network {
        /// The endpoint.
        endpoint: String,
        /// What failed, with its causes.
        message: String,
        /// The HTTP stack's error (it never holds the URL), when there was one.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },

    /// Twitch kept answering 429 Too Many Requests without saying when its
    /// bucket refills (no `Ratelimit-*` figures) after every retry allowed
    /// ([`crate::Config::max_retries`]). A 429 that names its reset is waited
    /// out instead, until [`crate::Config::deadline`] ([`Error::Deadline`]).
    #[error("{endpoint}: rate limited by Twitch (429) after {retries} retries; wait and try again")]
    RateLimited {
        /// The endpoint.
        endpoint: String,
        /// How many retries were made.
        retries: u32,
    },

    /// The call's total deadline ([`crate::Config::deadline`]) passed while
    /// it waited for the rate limit or retried; `waited` is how long it spent
    /// waiting in all (seconds), `reason` what it was waiting for last.
    #[error(
        "{endpoint}: gave up after {deadline} s, the call's deadline, having waited {waited} s in all ({reason}); \
         try again later or allow a longer deadline"
    )]
    Deadline {
        /// The endpoint.
        endpoint: String,
        /// The deadline (seconds).
        deadline: u64,
        /// Seconds spent waiting in all.
        waited: u64,
        /// What it waited for last.
        reason: String,
    },

    /// The server answered with a redirect, which is never followed: it
    /// could carry the token or the client secret to another host.
    #[error(
        "{endpoint}: the server answered {status} redirecting to {host}; redirects are never followed (they could \
         carry a token or secret elsewhere), so nothing more was sent. Check the Helix and OAuth URLs"
    )]
    Redirect {
        /// The endpoint.
        endpoint: String,
        /// The 3xx status.
        status: u16,
        /// The host the redirect named.
        host: String,
    },

    /// The answer was longer than [`crate::Config::max_answer_bytes`]; reading stopped there.
    #[error(
        "{endpoint}: the answer is larger than the cap of {limit} bytes, so it was not read further; raise the \
         answer size cap if such answers are expected"
    )]
    AnswerTooLarge {
        /// The endpoint.
        endpoint: String,
        /// The cap (bytes).
        limit: u64,
    },

    /// An EventSub WebSocket session failed (or one of its events did not
    /// decode): close codes are named with their meaning.
    #[error(transparent)]
    EventSub(#[from] crate::eventsub::EventSubError),
}

/// What needs the client secret ([`Error::NoClientSecret`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretNeed {
    /// Minting an app access token (client-credentials grant).
    AppToken,
    /// Exchanging a login's authorization code (the browser flow).
    CodeExchange,
}

impl std::fmt::Display for SecretNeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SecretNeed::AppToken => "an app access token",
            SecretNeed::CodeExchange => "the browser (authorization code) flow",
        })
    }
}

/// How messages name where a user token came from.
fn token_origin(profile: Option<&str>) -> String {
    match profile {
        Some(profile) => format!("profile `{profile}`"),
        None => "the supplied token".into(),
    }
}

/// Why a busy IPv6 port matters although 127.0.0.1 was free.
fn ipv6_note(address: &SocketAddr) -> &'static str {
    if address.is_ipv6() {
        ": something else holds that port on IPv6 loopback, and the browser may go there"
    } else {
        ""
    }
}

impl Error {
    /// A top-level field of a Helix error body other than `error`, `status`
    /// and `message`: `err.helix_field("id")` is the existing subscription's
    /// id when Create EventSub Subscription answers 409.
    pub fn helix_field(&self, name: &str) -> Option<&serde_json::Value> {
        match self {
            Error::Helix { fields, .. } => fields.get(name),
            _ => None,
        }
    }

    /// A network error without an underlying HTTP client error (for tests).
    #[cfg(test)]
    pub(crate) fn network(endpoint: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Network { endpoint: endpoint.into(), message: message.into(), source: None }
    }
}

/// A result whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
