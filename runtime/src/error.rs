//! One error type for everything the client can run into. Messages say what
//! went wrong and what to do; none of them ever contains a secret or token.

/// What went wrong with a call.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Credentials or settings are missing or unusable.
    #[error("{0}")]
    Config(String),

    /// The input would be refused by Twitch, so it was not sent.
    #[error("{endpoint}: {message}")]
    InvalidInput { endpoint: &'static str, message: String },

    /// The token lacks a scope the endpoint requires (checked before sending).
    #[error("{endpoint} needs the scope {missing}, which this token was not granted; log in again asking for it (or turn the scope check off if Twitch's scope table changed)")]
    MissingScope { endpoint: &'static str, missing: String },

    /// The token was refused (invalid, expired, revoked, or the wrong kind).
    #[error("{endpoint}: Twitch refused the token ({status}): {message}")]
    Unauthorized { endpoint: String, status: u16, message: String },

    /// Client answered with an error: `{error, status, message}`.
    #[error("{endpoint}: {status} {error}: {message}")]
    Helix { endpoint: String, status: u16, error: String, message: String },

    /// The OAuth server refused a token request.
    #[error("Twitch's OAuth server refused the {what} ({status}): {message}")]
    OAuth { what: &'static str, status: u16, message: String },

    /// The answer did not have the documented shape.
    #[error("{endpoint}: the response does not decode at `{path}`: {message}")]
    Decode { endpoint: String, path: String, message: String },

    /// No answer within the configured timeout.
    #[error("{endpoint}: no answer within {seconds} s")]
    Timeout { endpoint: String, seconds: u64 },

    /// The request could not be sent or the connection broke.
    #[error("{endpoint}: network error: {message}")]
    Network { endpoint: String, message: String },

    /// Twitch kept answering 429 Too Many Requests without saying when its
    /// bucket refills (no `Ratelimit-*` figures) after every retry allowed
    /// ([`crate::Config::max_retries`]). A 429 that names its reset is waited
    /// out instead, until [`crate::Config::deadline`] ([`Error::Deadline`]).
    #[error("{endpoint}: rate limited by Twitch (429) after {retries} retries; wait and try again")]
    RateLimited { endpoint: String, retries: u32 },

    /// The call's total deadline ([`crate::Config::deadline`]) passed while
    /// it waited for the rate limit or retried; `waited` is how long it spent
    /// waiting in all (seconds), `reason` what it was waiting for last.
    #[error(
        "{endpoint}: gave up after {deadline} s, the call's deadline, having waited {waited} s in all ({reason}); \
         try again later or allow a longer deadline"
    )]
    Deadline { endpoint: String, deadline: u64, waited: u64, reason: String },

    /// The server answered with a redirect, which is never followed: it
    /// could carry the token or the client secret to another host.
    #[error(
        "{endpoint}: the server answered {status} redirecting to {host}; redirects are never followed (they could \
         carry a token or secret elsewhere), so nothing more was sent. Check the Client and OAuth URLs"
    )]
    Redirect { endpoint: String, status: u16, host: String },

    /// The answer was longer than [`crate::Config::max_answer_bytes`]; reading stopped there.
    #[error(
        "{endpoint}: the answer is larger than the cap of {limit} bytes, so it was not read further; raise the \
         answer size cap if such answers are expected"
    )]
    AnswerTooLarge { endpoint: String, limit: u64 },
}

impl Error {
    /// Builds a transport error without leaking the URL's query or any header.
    /// `config` gives the bounds a timeout message names: the connect
    /// timeout when connecting timed out, else the whole request's.
    pub(crate) fn from_reqwest(endpoint: &str, config: &crate::Config, e: reqwest::Error) -> Error {
        if e.is_timeout() {
            let bound = if e.is_connect() { config.connect_timeout } else { config.timeout };
            return Error::Timeout { endpoint: endpoint.to_owned(), seconds: bound.as_secs().max(1) };
        }
        if e.is_builder() {
            // A header value with a control character, say: nothing was sent,
            // and sending again would fail the same way.
            return Error::Config(format!("{endpoint}: the request could not be built: {}", e.without_url()));
        }
        let mut causes = String::new();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            causes.push_str(": ");
            causes.push_str(&s.to_string());
            source = s.source();
        }
        let mut message = format!("{}{causes}", e.without_url());
        if message.contains("invalid peer certificate") {
            message.push_str(
                "; the server's certificate is not trusted (behind a proxy or with a local server that has its own \
                 certificate authority, set SSL_CERT_FILE to that authority's PEM file)",
            );
        }
        Error::Network { endpoint: endpoint.to_owned(), message }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
