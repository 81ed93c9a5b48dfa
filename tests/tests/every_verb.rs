//! Every verb of the spec, run as a `ttv` subprocess against the mock over real
//! HTTP, with flags built from the meta table alone (no per-endpoint lists):
//!
//! - with the token its class needs (and `either` verbs both ways) each verb
//!   exits 0 and prints valid output: text for text answers, else the whole
//!   JSON answer (`-o raw`), which also decodes through the endpoint's
//!   generated types, so the mock and the library agree on every shape;
//! - with the wrong class of credentials each verb is refused with exit code 3
//!   and a message naming what to set, before any request reaches Helix.

use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;
use ttv_helix::meta::{AuthClass, EndpointMeta, ParamMeta, ResponseMeta, Shape};
use ttv_mock::MockServer;
use ttv_tests::decode::decode_as;
use ttv_tests::{mock, run, ttv, verb_of, Run};

/// Subprocesses in flight at once.
const THREADS: usize = 4;
/// The data set's user the tokens belong to, and its id.
const LOGIN: &str = "ninja";
const USER_ID: &str = "10001";

/// A plausible value for a parameter or field of this shape, as JSON.
fn sample(name: &str, shape: &Shape) -> Value {
    match shape {
        Shape::Optional(inner) => sample(name, inner),
        Shape::String if name.ends_with("id") => json!(USER_ID),
        Shape::String if name.ends_with("login") => json!(LOGIN),
        Shape::String => json!("text"),
        Shape::Integer => json!(1),
        Shape::Number => json!(1),
        Shape::Boolean => json!(true),
        Shape::DateTime => json!("2024-01-01T00:00:00Z"),
        Shape::Json => json!({}),
        Shape::List(inner) => json!([sample(name, inner)]),
        Shape::Object(ty) => Value::Object(
            ty.fields
                .iter()
                .map(|f| {
                    let value = match (f.values.first(), f.min_length) {
                        // A field's closed set or lower limit: anything else is refused before sending.
                        (Some(first), _) => json!(first),
                        (None, Some(min)) => json!("t".repeat(min as usize)),
                        (None, None) => sample(f.name, &f.shape),
                    };
                    (f.name.to_owned(), value)
                })
                .collect(),
        ),
    }
}

/// Which token a run's request goes out with, for `token_values`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    App,
    User,
    /// Extension JWT or none: no token-dependent values apply.
    Other,
}

/// The value a parameter gets: the low end of its range (always valid), else
/// the first of its closed set, else a sample of its shape, with the first value `token_values` allows for `token`
/// put in place. A list gets one item.
fn param_value(meta: &EndpointMeta, p: &ParamMeta, token: Token) -> Value {
    let mut value = match (p.range, p.values.first()) {
        (Some((lo, _)), _) => json!(lo),
        // A closed set: its first value (anything else is refused before sending).
        (None, Some(first)) if matches!(p.shape.inner(), Shape::Integer) => {
            json!(first.parse::<i64>().expect("the spec's check: a whole number"))
        }
        (None, Some(first)) if p.shape.is_list() => json!([first]),
        (None, Some(first)) => json!(first),
        (None, None) => sample(p.name, p.shape.inner()),
    };
    for tv in meta.token_values {
        let allowed = match token {
            Token::App => tv.app,
            Token::User => tv.user,
            Token::Other => continue,
        };
        let mut path = tv.field.split('.');
        if path.next() != Some(p.name) {
            continue;
        }
        let Some(first) = allowed.first() else { continue };
        let target = path.try_fold(&mut value, |v, key| v.get_mut(key));
        if let Some(target) = target {
            *target = json!(first);
        }
    }
    value
}

/// One flag value: strings as they are, everything else as JSON text. A list
/// gives its items comma-separated.
fn flag_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(flag_text).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

/// The flags a verb needs: every required parameter (query, path or body), and
/// the first member of each `one_of` / `at_least_one_of` group.
fn flags(meta: &EndpointMeta, token: Token) -> Vec<String> {
    let in_group = |p: &ParamMeta| meta.one_of.iter().chain(meta.at_least_one_of).any(|g| g.first() == Some(&p.name));
    let mut wanted: Vec<&ParamMeta> = meta.params.iter().filter(|p| p.required || in_group(p)).collect();
    // An app token has no user to stand for: it names one (`app_token_at_least_one_of`).
    if token == Token::App {
        let groups =
            meta.app_token_at_least_one_of.iter().filter(|g| !g.iter().any(|n| wanted.iter().any(|p| p.name == *n)));
        let firsts: Vec<&ParamMeta> = groups.filter_map(|g| g.first().and_then(|n| meta.param(n))).collect();
        wanted.extend(firsts);
    }
    // Query, path and body parameters all take `--name=value`.
    wanted
        .iter()
        .map(|p| format!("--{}={}", p.name.replace('_', "-"), flag_text(&param_value(meta, p, token))))
        .collect()
}

/// Every scope any endpoint names, so one user token can call every verb.
fn all_scopes() -> Vec<&'static str> {
    let scopes: BTreeSet<&str> = ttv_helix::ENDPOINTS
        .iter()
        .flat_map(|e| e.scopes_all.iter().chain(e.scopes_any).chain(e.scopes_optional).copied())
        .collect();
    scopes.into_iter().collect()
}

/// The extension secret as the console shows it (standard base64).
fn extension_secret_base64(mock: &MockServer) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(mock.extension_secret())
}

/// How a run gets its credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Creds {
    /// Client id and secret (app token).
    App,
    /// Client id and a user token holding every scope; no client secret.
    User,
    /// Both, with `--token app` or `--token user` choosing.
    Forced(Token),
    /// Client id and the extension secret and owner; no client secret.
    Extension,
    /// Only a client id.
    ClientIdOnly,
}

impl Creds {
    /// The token the request goes out with.
    fn token(self) -> Token {
        match self {
            Creds::App => Token::App,
            Creds::User => Token::User,
            Creds::Forced(token) => token,
            Creds::Extension | Creds::ClientIdOnly => Token::Other,
        }
    }

    /// `app`, `user`, `extension` or `none`, for `--token` and messages.
    fn label(self) -> &'static str {
        match self {
            Creds::App | Creds::Forced(Token::App) => "app",
            Creds::User | Creds::Forced(_) => "user",
            Creds::Extension => "extension",
            Creds::ClientIdOnly => "none",
        }
    }
}

/// The ways a verb of this class is run when it should work.
fn good_creds(auth: AuthClass) -> Vec<Creds> {
    match auth {
        AuthClass::App => vec![Creds::App],
        AuthClass::User => vec![Creds::User],
        AuthClass::Either => vec![Creds::Forced(Token::App), Creds::Forced(Token::User)],
        AuthClass::Extension => vec![Creds::Extension],
        AuthClass::NoToken => vec![Creds::ClientIdOnly],
    }
}

/// `ttv` pointed at `mock` with `creds` and the verb's flags.
fn command(mock: &MockServer, dir: &Path, user_token: &str, meta: &EndpointMeta, creds: Creds) -> Command {
    let mut cmd = ttv(mock, dir);
    match creds {
        Creds::App => {}
        Creds::User => {
            cmd.env_remove("TWITCH_CLIENT_SECRET").env("TWITCH_USER_TOKEN", user_token);
        }
        Creds::Forced(_) => {
            cmd.env("TWITCH_USER_TOKEN", user_token).args(["--token", creds.label()]);
        }
        Creds::Extension => {
            cmd.env_remove("TWITCH_CLIENT_SECRET")
                .env("TWITCH_EXTENSION_SECRET", extension_secret_base64(mock))
                .env("TWITCH_EXTENSION_OWNER_ID", USER_ID);
        }
        Creds::ClientIdOnly => {
            cmd.env_remove("TWITCH_CLIENT_SECRET");
        }
    }
    // The whole answer, to decode it as the library would.
    cmd.args(["-o", "raw", verb_of(meta)]).args(flags(meta, creds.token()));
    cmd
}

/// Runs `job` over `items` on [`THREADS`] threads, each with its own folder
/// and whatever `setup` gives it; returns the failures, in no set order.
fn in_parallel<T: Sync, S>(
    items: &[T],
    setup: impl Fn() -> S + Sync,
    job: impl Fn(&T, &Path, &S) -> Result<(), String> + Sync,
) -> Vec<String> {
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..THREADS {
            scope.spawn(|| {
                let dir = tempfile::tempdir().unwrap();
                let state = setup();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    if let Err(e) = job(item, dir.path(), &state) {
                        failures.lock().unwrap().push(e);
                    }
                }
            });
        }
    });
    failures.into_inner().unwrap()
}

fn describe(meta: &EndpointMeta, creds: Creds, out: &Run) -> String {
    format!(
        "{} ({}) {}: exit {}\n  stdout: {}\n  stderr: {}",
        verb_of(meta),
        creds.label(),
        flags(meta, creds.token()).join(" "),
        out.code,
        out.stdout.trim(),
        out.stderr.trim()
    )
}

/// Paths whose items the mock keeps once created (polls, predictions, rewards,
/// EventSub subscriptions, blocked terms): ending, changing or deleting one by
/// a made-up id is Twitch's 404 (mock_realism.rs runs the create-then-end trip).
const KEPT_PATHS: &[&str] = &[
    "/polls",
    "/predictions",
    "/channel_points/custom_rewards",
    "/eventsub/subscriptions",
    "/moderation/blocked_terms",
];

/// Whether a run worked: exit 0 and output of the answer's kind, or for a
/// change to a kept item the mock never created, exit 5 with a 404.
fn check_run(meta: &EndpointMeta, creds: Creds, out: &Run) -> Result<(), String> {
    // An endpoint Twitch removed (spec `gone`): the mock answers its status, ttv exits 5.
    if let Some(status) = ttv_mock::ROUTES.iter().find(|r| r.endpoint.name == meta.name).and_then(|r| r.gone) {
        return match (out.code, out.stderr.contains(&status.to_string())) {
            (5, true) => Ok(()),
            _ => Err(format!("a removed endpoint is not a {status}: {}", describe(meta, creds, out))),
        };
    }
    let changes_kept = KEPT_PATHS.contains(&meta.path) && matches!(meta.http_method.as_str(), "PATCH" | "DELETE");
    // The pinned message is named by the message id the runs all give, so
    // Update and Unpin find the one Pin Chat Message pinned when that run came
    // first, and answer 404 otherwise (post_snapshot.rs runs the whole trip).
    let changes_pin = meta.path == "/chat/pins" && matches!(meta.http_method.as_str(), "PATCH" | "DELETE");
    if changes_pin && out.code == 5 && out.stderr.contains("404 Not Found") {
        return Ok(());
    }
    // An answer the spec says can mean "not done" (`refused`: Send Chat
    // Message's `is_sent: false`) may say so: the runs of both tokens send
    // the same text, and Twitch drops the second as a duplicate (exit 9).
    if meta.refused.is_some() && out.code == 9 {
        return if out.stderr.contains("Twitch did not do it") {
            Ok(())
        } else {
            Err(format!("exit 9 without Twitch's reason: {}", describe(meta, creds, out)))
        };
    }
    // A WebSocket subscription needs a live session, which no run has opened:
    // Twitch's 400 is the answer (eventsub_websocket.rs subscribes on live ones).
    let websocket_create =
        meta.path == "/eventsub/subscriptions" && meta.http_method.as_str() == "POST" && creds.token() == Token::User;
    if websocket_create {
        return match (out.code, out.stderr.contains("400 Bad Request")) {
            (5, true) => Ok(()),
            _ => {
                Err(format!("a WebSocket subscription without a session is not a 400: {}", describe(meta, creds, out)))
            }
        };
    }
    if changes_kept {
        return match (out.code, out.stderr.contains("404 Not Found")) {
            (5, true) => Ok(()),
            _ => Err(format!("an unknown id is not a 404: {}", describe(meta, creds, out))),
        };
    }
    if out.code != 0 {
        return Err(describe(meta, creds, out));
    }
    match meta.response {
        ResponseMeta::Text { .. } if out.stdout.trim().is_empty() => {
            Err(format!("printed nothing: {}", describe(meta, creds, out)))
        }
        ResponseMeta::Text { .. } => Ok(()),
        ResponseMeta::NoContent if out.stdout.is_empty() => Ok(()),
        ResponseMeta::NoContent => Err(format!("printed something for 204 No Content: {}", describe(meta, creds, out))),
        _ => {
            serde_json::from_str::<Value>(&out.stdout)
                .map_err(|e| format!("stdout is not JSON ({e}): {}", describe(meta, creds, out)))?;
            decode_as(meta.name, out.stdout.as_bytes())
                .map(|_| ())
                .map_err(|e| format!("the answer does not decode ({e}): {}", describe(meta, creds, out)))
        }
    }
}

#[test]
fn every_verb_works_with_the_token_its_endpoint_takes() {
    ttv_tests::ttv_bin(); // build once, before the threads
    let started = Instant::now();
    let mock = mock();
    let scopes = all_scopes();
    let user_token = mock.issue_user_token(LOGIN, &scopes);
    let cases: Vec<(&EndpointMeta, Creds)> = ttv_helix::ENDPOINTS
        .iter()
        .copied()
        .flat_map(|m| good_creds(m.auth).into_iter().map(move |c| (m, c)))
        .collect();

    let failures = in_parallel(
        &cases,
        || (),
        |&(meta, creds), dir, _| {
            let out = run(&mut command(&mock, dir, &user_token, meta, creds));
            check_run(meta, creds, &out)
        },
    );
    println!(
        "{} runs of {} verbs in {:.1?} on {THREADS} threads; {} failures",
        cases.len(),
        ttv_helix::ENDPOINTS.len(),
        started.elapsed(),
        failures.len()
    );
    assert!(failures.is_empty(), "{} of {} runs failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
    // Every auth class was exercised, so no branch above went untested.
    for class in [AuthClass::App, AuthClass::User, AuthClass::Either, AuthClass::Extension, AuthClass::NoToken] {
        assert!(ttv_helix::ENDPOINTS.iter().copied().any(|m| m.auth == class), "no {class:?} endpoint in the spec");
    }
}

/// Credentials of the wrong class, and the word the refusal must name.
fn wrong_creds(auth: AuthClass) -> Option<(&'static str, &'static str)> {
    match auth {
        AuthClass::User => Some(("app credentials only", "TWITCH_USER_TOKEN")),
        AuthClass::App => Some(("a user token and no client secret", "TWITCH_CLIENT_SECRET")),
        AuthClass::Extension => Some(("no extension credentials", "TWITCH_EXTENSION")),
        AuthClass::Either | AuthClass::NoToken => None,
    }
}

#[test]
fn the_wrong_token_class_is_refused_before_any_request() {
    ttv_tests::ttv_bin();
    let started = Instant::now();
    let cases: Vec<&EndpointMeta> =
        ttv_helix::ENDPOINTS.iter().copied().filter(|m| wrong_creds(m.auth).is_some()).collect();
    // One mock per thread, so its request count is this thread's alone.
    let failures = in_parallel(
        &cases,
        || {
            let mock = mock();
            let user_token = mock.issue_user_token(LOGIN, &all_scopes());
            (mock, user_token)
        },
        |&meta, dir, (mock, user_token)| {
            let (what, names) = wrong_creds(meta.auth).expect("filtered above");
            let mut cmd = ttv(mock, dir);
            // The flags a run with the right token would get.
            let token = match meta.auth {
                AuthClass::App => Token::App,
                AuthClass::User => Token::User,
                _ => Token::Other,
            };
            if meta.auth == AuthClass::App {
                cmd.env_remove("TWITCH_CLIENT_SECRET").env("TWITCH_USER_TOKEN", user_token);
            }
            cmd.arg(verb_of(meta)).args(flags(meta, token));
            let before = mock.stats().helix_requests;
            let out = run(&mut cmd);
            let sent = mock.stats().helix_requests - before;
            let mut problems = Vec::new();
            if out.code != 3 {
                problems.push(format!("exit {} instead of 3", out.code));
            }
            if !out.stderr.contains(names) {
                problems.push(format!("the message does not name {names}"));
            }
            if sent != 0 {
                problems.push(format!("{sent} Helix request(s) went out"));
            }
            if !out.stdout.is_empty() {
                problems.push("printed on stdout".into());
            }
            let result = if problems.is_empty() {
                Ok(())
            } else {
                Err(format!("{} with {what}: {}\n  stderr: {}", verb_of(meta), problems.join("; "), out.stderr.trim()))
            };
            result
        },
    );
    println!("{} refusals checked in {:.1?} on {THREADS} threads", cases.len(), started.elapsed());
    assert!(failures.is_empty(), "{} of {} refusals went wrong:\n{}", failures.len(), cases.len(), failures.join("\n"));
}

#[test]
fn flags_come_from_the_meta_table() {
    // No required parameter: no flag with a user token (Get Users answers for
    // the token's user), the first filter with an app token.
    let users = ttv_tests::endpoint("get-users").expect("the spec has Get Users");
    assert!(flags(users, Token::User).is_empty());
    assert_eq!(flags(users, Token::App).len(), 1);
    // A one_of group: its first member stands in for it.
    let clips = ttv_tests::endpoint("get-clips").expect("the spec has Get Clips");
    assert_eq!(flags(clips, Token::App), [format!("--{}={USER_ID}", clips.one_of[0][0].replace('_', "-"))]);
    // The low end of a range.
    let commercial = ttv_tests::endpoint("start-commercial").expect("the spec has Start Commercial");
    assert_eq!(flags(commercial, Token::User), [format!("--broadcaster-id={USER_ID}"), "--length=1".to_owned()]);
    // A token-dependent value.
    for meta in ttv_helix::ENDPOINTS.iter().copied().filter(|m| !m.token_values.is_empty()) {
        for (token, allowed) in meta.token_values.iter().flat_map(|tv| [(Token::App, tv.app), (Token::User, tv.user)]) {
            let line = flags(meta, token).join(" ");
            assert!(line.contains(&format!("\"{}\"", allowed[0])), "{}: {line}", verb_of(meta));
        }
    }
}
