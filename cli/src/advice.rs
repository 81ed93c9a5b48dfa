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
        Error::Refused { .. } => exit::REFUSED,
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

    fn io_error() -> std::io::Error {
        std::io::Error::from(std::io::ErrorKind::PermissionDenied)
    }

    #[test]
    fn every_kind_of_library_error_has_its_exit_code() {
        let table: Vec<(Error, u8)> = vec![
            (Error::InvalidInput { endpoint: "Get Users", message: "too many".into() }, exit::USAGE),
            (
                Error::Refused { endpoint: "Send Chat Message", code: "msg_duplicate".into(), message: "m".into() },
                exit::REFUSED,
            ),
            (
                Error::MissingScope { endpoint: "Start Commercial", missing: "channel:edit:commercial".into() },
                exit::AUTH,
            ),
            (Error::Unauthorized { endpoint: "Get Users".into(), status: 401, message: "bad".into() }, exit::AUTH),
            (Error::OAuth { what: "refresh", status: 400, message: "no".into() }, exit::AUTH),
            (Error::RefreshRefused { profile: None, status: 400, message: "no".into() }, exit::AUTH),
            (Error::UserTokenRefused { profile: None, status: 401, message: "no".into() }, exit::AUTH),
            (Error::LoggedOutMeanwhile { profile: "p".into() }, exit::AUTH),
            (
                Error::Helix {
                    endpoint: "x".into(),
                    status: 500,
                    error: "Internal".into(),
                    message: "m".into(),
                    fields: Default::default(),
                },
                exit::HELIX,
            ),
            (Error::Timeout { endpoint: "x".into(), seconds: 30 }, exit::NETWORK),
            (Error::Network { endpoint: "x".into(), message: "refused".into(), source: None }, exit::NETWORK),
            (Error::Redirect { endpoint: "x".into(), status: 302, host: "elsewhere".into() }, exit::NETWORK),
            (Error::Decode { endpoint: "x".into(), path: ".data".into(), message: "m".into() }, exit::DECODE),
            (Error::AnswerTooLarge { endpoint: "x".into(), limit: 10 }, exit::DECODE),
            (Error::RateLimited { endpoint: "x".into(), retries: 3 }, exit::RATE_LIMITED),
            (
                Error::Deadline { endpoint: "x".into(), deadline: 5, waited: 5, reason: "429".into() },
                exit::RATE_LIMITED,
            ),
            (Error::Config("no".into()), exit::CONFIG),
            (Error::NoClientSecret { needed_for: SecretNeed::AppToken }, exit::CONFIG),
            (Error::Io { action: "read", path: "/x".into(), source: io_error() }, exit::CONFIG),
        ];
        for (e, code) in table {
            assert_eq!(exit_code(&e), code, "{e:?}");
            assert_eq!(crate::error::CliError::from(e).exit_code(), code);
        }
    }

    #[test]
    fn a_missing_secret_says_which_flow_needs_it_and_what_works_without() {
        let app = message(&Error::NoClientSecret { needed_for: SecretNeed::AppToken });
        assert!(app.contains("TWITCH_CLIENT_SECRET") && app.contains("TWITCH_USER_TOKEN"), "{app}");
        let code = message(&Error::NoClientSecret { needed_for: SecretNeed::CodeExchange });
        assert_eq!(code, PUBLIC_CLIENT_HINT);
        assert!(code.contains("without --browser"));
    }

    #[test]
    fn profile_errors_name_the_login_for_that_profile() {
        let other = Error::ProfileOfOtherClient {
            profile: "bot".into(),
            logged_in_with: "old-client".into(),
            client_id: "new-client".into(),
        };
        assert!(message(&other).ends_with("log in again with this client id: ttv auth login --profile bot"));
        let corrupt = Error::CorruptTokenFile {
            profile: "work".into(),
            path: "/state/user-work.json".into(),
            problem: "not JSON",
            line: 1,
            column: 2,
        };
        assert!(message(&corrupt).ends_with("; log in again: ttv auth login --profile work"), "{}", message(&corrupt));
        let refused = Error::RefreshRefused { profile: Some("work".into()), status: 400, message: "Invalid".into() };
        assert!(message(&refused).ends_with("log in again: ttv auth login --profile work"));
        let supplied = Error::UserTokenRefused { profile: None, status: 401, message: "invalid".into() };
        assert!(
            message(&supplied).ends_with("get a new user token (TWITCH_USER_TOKEN), or log in with `ttv auth login`")
        );
    }

    #[test]
    fn supplied_tokens_are_named_by_the_variables_that_hold_them() {
        let app_token = message(&Error::NotAUserToken { profile: None });
        assert!(app_token.starts_with("TWITCH_USER_TOKEN holds an app access token"), "{app_token}");
        let other = Error::TokenOfOtherClient { token_client_id: "a".into(), client_id: "b".into() };
        let text = message(&other);
        assert!(text.contains("client id a, but TWITCH_CLIENT_ID is b"), "{text}");
        let listen = Error::RedirectListen { address: "127.0.0.1:3000".parse().unwrap(), source: io_error() };
        assert!(message(&listen).contains("--port"), "{}", message(&listen));
        let plain = Error::Timeout { endpoint: "Get Users".into(), seconds: 30 };
        assert_eq!(message(&plain), plain.to_string(), "errors without advice keep the library's message");
        let printed = crate::error::CliError::from(Error::NotLoggedIn { profile: "bot".into() }).to_string();
        assert!(printed.contains("ttv auth login --profile bot"), "the CLI prints the advice: {printed}");
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
