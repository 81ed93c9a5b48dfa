//! What the CLI makes of a library error: the message with the command or
//! setting that fixes it (the library says what went wrong, in its own terms;
//! only the CLI knows its flags and variables), and the exit code. A leaf:
//! it knows `ttv_helix::Error` and the exit codes, nothing of the CLI above.

use crate::exit;
use ttv_helix::{Error, SecretNeed};

/// Why the browser flow cannot work without a secret, and what works instead.
pub const PUBLIC_CLIENT_HINT: &str = "the browser (authorization code) flow needs the client secret \
     (TWITCH_CLIENT_SECRET), which only Confidential clients have. A Public client has no secret: use the device \
     code flow instead (`ttv auth login` without --browser)";

/// The text printed for `e`: its message, then what to do about it.
pub fn message(e: &Error) -> String {
    match e {
        Error::NoClientSecret { needed_for: SecretNeed::CodeExchange } => PUBLIC_CLIENT_HINT.into(),
        Error::NoClientSecret { .. } => "an app access token needs the client secret: set TWITCH_CLIENT_SECRET. \
             Only Confidential clients have a secret (Twitch console > your app > New Secret); with a Public client, \
             use a user token instead (TWITCH_USER_TOKEN)"
            .into(),
        Error::NotAUserToken { profile: None } => {
            "TWITCH_USER_TOKEN holds an app access token, not a user access token".into()
        }
        Error::NotLoggedIn { profile } => {
            format!("{e}: log in with `ttv auth login --profile {profile}` (or set TWITCH_USER_TOKEN)")
        }
        Error::ProfileOfOtherClient { profile, .. } => {
            format!("{e}; log in again with this client id: ttv auth login --profile {profile}")
        }
        Error::LoggedOutMeanwhile { profile }
        | Error::ProfileOfOtherServer { profile, .. }
        | Error::CorruptTokenFile { profile, .. } => format!("{e}; log in again: ttv auth login --profile {profile}"),
        Error::UserTokenRefused { profile, .. }
        | Error::UserTokenExpired { profile, .. }
        | Error::RefreshRefused { profile, .. } => format!("{e}; {}", log_in_again(profile.as_deref())),
        Error::TokenOfOtherClient { .. } => e.to_string().replace("but the client id is", "but TWITCH_CLIENT_ID is"),
        Error::OAuth { message, .. } if message.contains("check the client") => {
            format!("{e} (TWITCH_CLIENT_ID and TWITCH_CLIENT_SECRET, or the config file)")
        }
        Error::RedirectListen { .. } => format!(
            "{e}; pick another port with --port (and register http://localhost:PORT as a redirect URL of the app in \
             the Twitch console)"
        ),
        _ => e.to_string(),
    }
}

/// How to get a working user token again, for one from `profile` or supplied.
fn log_in_again(profile: Option<&str>) -> String {
    match profile {
        Some(profile) => format!("log in again: ttv auth login --profile {profile}"),
        None => "get a new user token (TWITCH_USER_TOKEN), or log in with `ttv auth login`".into(),
    }
}

/// The exit code for `e` (see the README's table).
pub fn exit_code(e: &Error) -> u8 {
    match e {
        Error::InvalidInput { .. } => exit::USAGE,
        Error::MissingScope { .. }
        | Error::Unauthorized { .. }
        | Error::OAuth { .. }
        | Error::LoggedOutMeanwhile { .. }
        | Error::UserTokenRefused { .. }
        | Error::UserTokenExpired { .. }
        | Error::RefreshRefused { .. } => exit::AUTH,
        Error::Helix { .. } => exit::HELIX,
        Error::Timeout { .. } | Error::Network { .. } | Error::Redirect { .. } => exit::NETWORK,
        Error::Decode { .. } | Error::AnswerTooLarge { .. } => exit::DECODE,
        Error::RateLimited { .. } | Error::Deadline { .. } => exit::RATE_LIMITED,
        // Settings, stored profiles, files and the login listener; and what a
        // newer library may add.
        _ => exit::CONFIG,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_profiles_get_the_login_command_and_supplied_tokens_the_variable() {
        let stored = Error::UserTokenExpired { profile: Some("work".into()), reason: "expired" };
        assert!(message(&stored).ends_with("log in again: ttv auth login --profile work"), "{}", message(&stored));
        let supplied = Error::UserTokenExpired { profile: None, reason: "expired" };
        assert!(message(&supplied).contains("TWITCH_USER_TOKEN"), "{}", message(&supplied));
        assert!(!stored.to_string().contains("ttv auth"), "the library says no command: {stored}");
        assert_eq!(exit_code(&stored), exit::AUTH);
        let missing = Error::NotLoggedIn { profile: "bot".into() };
        assert!(message(&missing).contains("ttv auth login --profile bot"), "{}", message(&missing));
        assert_eq!(exit_code(&missing), exit::CONFIG);
    }

    #[test]
    fn a_refused_client_gets_the_variables_that_set_it() {
        let refused = Error::OAuth {
            what: "app token (client credentials)",
            status: 403,
            message: "invalid client secret; check the client id and the client secret".into(),
        };
        assert!(!refused.to_string().contains("TWITCH_"), "the library names no variable: {refused}");
        assert!(message(&refused).ends_with("(TWITCH_CLIENT_ID and TWITCH_CLIENT_SECRET, or the config file)"));
        let other = Error::OAuth { what: "token revocation", status: 400, message: "invalid token".into() };
        assert_eq!(message(&other), other.to_string());
    }
}
