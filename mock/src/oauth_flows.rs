//! The user login flows of id.twitch.tv: the device code flow
//! (`POST /oauth2/device`, then the `device_code` grant), the authorization
//! code flow (`GET /oauth2/authorize` redirecting back with a code, then the
//! `authorization_code` grant) and the `refresh_token` grant with rotation: a
//! refresh token works once, and the answer carries its successor.
//!
//! The mock has no login page: device codes are approved for the configured
//! login after a few polls (or by `MockServer::approve_device`), and
//! `/authorize` approves at once (or refuses, after `deny_next_authorize`).

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rand::Rng;
use serde_json::json;

use crate::flows::{lock, AuthCode, Device, Grant};
use crate::oauth_form::{error, field, fields};
use crate::request::MockRequest;
use crate::state::MockState;
use crate::token::{random_token, TokenUser};

/// The grant type of the device code flow.
pub const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// How long an authorization code can be exchanged.
const CODE_LIFETIME: Duration = Duration::from_secs(600);
/// RFC 8628: each `slow_down` adds this to the polling interval.
const SLOW_DOWN_STEP: u64 = 5;

fn approving_login(state: &MockState) -> String {
    state.flows.login().unwrap_or_else(|| state.config.login.clone())
}

fn random_user_code() -> String {
    const LETTERS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut rng = rand::rng();
    (0..8).map(|_| LETTERS[rng.random_range(0..LETTERS.len())] as char).collect()
}

fn split_scopes(scopes: Option<&str>) -> Vec<String> {
    scopes.unwrap_or_default().split_whitespace().map(str::to_string).collect()
}

/// `POST /oauth2/device`: starts a device code flow.
pub fn device(state: &MockState, req: &MockRequest) -> Response {
    let f = fields(req);
    match field(&f, "client_id") {
        None => return error(StatusCode::BAD_REQUEST, "missing client id"),
        Some(id) if id != state.config.client_id => return error(StatusCode::BAD_REQUEST, "invalid client"),
        Some(_) => {}
    }
    let device_code = random_token();
    state.flows.remember(&device_code);
    let user_code = random_user_code();
    let lifetime = state.config.device_code_lifetime;
    let interval = state.config.device_interval;
    lock(&state.flows.devices).insert(
        device_code.clone(),
        Device {
            user_code: user_code.clone(),
            scopes: split_scopes(field(&f, "scopes").or(field(&f, "scope"))),
            expires_at: Instant::now() + lifetime,
            interval,
            last_poll: None,
            pending_answers: 0,
            configured_slow_downs: 0,
            approved: None,
        },
    );
    let host = req.header("host").unwrap_or("127.0.0.1");
    Json(json!({
        "device_code": device_code,
        "expires_in": lifetime.as_secs(),
        "interval": interval,
        "user_code": user_code,
        "verification_uri": format!("http://{host}/oauth2/activate?public=true&device-code={user_code}"),
    }))
    .into_response()
}

/// `GET /oauth2/activate?device-code=...`: what the user's browser does on
/// Twitch, here without a login page: approves the code for the configured login.
pub fn activate(state: &MockState, req: &MockRequest) -> Response {
    let f = fields(req);
    let Some(code) = field(&f, "device-code") else {
        return error(StatusCode::BAD_REQUEST, "missing device-code");
    };
    let Some(user) = state.user(&approving_login(state)) else {
        return error(StatusCode::BAD_REQUEST, "the mock's login user does not exist");
    };
    if !state.flows.approve(code, user) {
        return error(StatusCode::BAD_REQUEST, "invalid device code");
    }
    (StatusCode::OK, "Device approved; go back to your application.").into_response()
}

/// `GET /oauth2/authorize`: approves at once and redirects to `redirect_uri`
/// with a code and the caller's `state`, or with `error` after `deny_next_authorize`.
pub fn authorize(state: &MockState, req: &MockRequest) -> Response {
    let f = fields(req);
    match field(&f, "client_id") {
        None => return error(StatusCode::BAD_REQUEST, "missing client id"),
        Some(id) if id != state.config.client_id => return error(StatusCode::BAD_REQUEST, "invalid client"),
        Some(_) => {}
    }
    let Some(redirect_uri) = field(&f, "redirect_uri") else {
        return error(StatusCode::BAD_REQUEST, "missing redirect_uri");
    };
    if field(&f, "response_type") != Some("code") {
        return error(StatusCode::BAD_REQUEST, "unsupported response_type");
    }
    let mut params: Vec<(&str, String)> = Vec::new();
    if state.flows.deny_next.swap(false, Ordering::SeqCst) {
        params.push(("error", "access_denied".into()));
        params.push(("error_description", "The user denied you access".into()));
    } else {
        let Some(user) = state.user(&approving_login(state)) else {
            return error(StatusCode::BAD_REQUEST, "the mock's login user does not exist");
        };
        let scope = field(&f, "scope").unwrap_or_default().to_string();
        let code = random_token();
        state.flows.remember(&code);
        lock(&state.flows.codes).insert(
            code.clone(),
            AuthCode {
                user,
                scopes: split_scopes(Some(&scope)),
                redirect_uri: redirect_uri.to_string(),
                expires_at: Instant::now() + CODE_LIFETIME,
            },
        );
        params.push(("code", code));
        params.push(("scope", scope));
    }
    if let Some(s) = field(&f, "state") {
        params.push(("state", s.to_string()));
    }
    let query = params.iter().map(|(k, v)| format!("{k}={}", ttv_meta::form::encode(v))).collect::<Vec<_>>().join("&");
    let separator = if redirect_uri.contains('?') { '&' } else { '?' };
    let location = format!("{redirect_uri}{separator}{query}");
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

/// `POST /oauth2/token` for the user grants; `grant_type` was read by the caller.
pub fn token_grant(state: &MockState, req: &MockRequest, grant_type: &str) -> Response {
    let f = fields(req);
    match grant_type {
        DEVICE_GRANT => device_grant(state, &f),
        "authorization_code" => code_grant(state, &f),
        "refresh_token" => refresh_grant(state, &f),
        _ => error(StatusCode::BAD_REQUEST, "unsupported grant type"),
    }
}

fn device_grant(state: &MockState, f: &[(String, String)]) -> Response {
    let Some(device_code) = field(f, "device_code") else {
        return error(StatusCode::BAD_REQUEST, "missing device_code");
    };
    let mut devices = lock(&state.flows.devices);
    let Some(device) = devices.get_mut(device_code) else {
        return error(StatusCode::BAD_REQUEST, "invalid device code");
    };
    let now = Instant::now();
    if device.expires_at <= now {
        devices.remove(device_code);
        return error(StatusCode::BAD_REQUEST, "invalid device code");
    }
    // Polling faster than asked earns a slow_down, as it does on Twitch (with
    // some slack for timers); so do the configured and on-demand ones.
    let too_fast =
        device.last_poll.is_some_and(|last| now.duration_since(last) < Duration::from_millis(device.interval * 800));
    device.last_poll = Some(now);
    let configured = device.configured_slow_downs < state.config.device_slow_downs;
    let on_demand = !too_fast
        && !configured
        && state.flows.slow_downs.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
    if too_fast || configured || on_demand {
        if configured && !too_fast {
            device.configured_slow_downs += 1;
        }
        device.interval += SLOW_DOWN_STEP;
        return error(StatusCode::BAD_REQUEST, "slow_down");
    }
    if device.approved.is_none() {
        if device.pending_answers < state.config.device_polls_before_approval {
            device.pending_answers += 1;
            return error(StatusCode::BAD_REQUEST, "authorization_pending");
        }
        match state.user(&approving_login(state)) {
            Some(user) => device.approved = Some(user),
            None => return error(StatusCode::BAD_REQUEST, "the mock's login user does not exist"),
        }
    }
    let Some(device) = devices.remove(device_code) else {
        return error(StatusCode::BAD_REQUEST, "invalid device code");
    };
    drop(devices);
    let user = device.approved.expect("approved above");
    issue(state, user, device.scopes)
}

fn code_grant(state: &MockState, f: &[(String, String)]) -> Response {
    if field(f, "client_secret") != Some(state.config.client_secret.as_str()) {
        return error(StatusCode::FORBIDDEN, "invalid client secret");
    }
    let Some(code) = field(f, "code") else {
        return error(StatusCode::BAD_REQUEST, "missing code");
    };
    // A code works once, whatever the outcome.
    let Some(grant) = lock(&state.flows.codes).remove(code) else {
        return error(StatusCode::BAD_REQUEST, "Invalid authorization code");
    };
    if grant.expires_at <= Instant::now() {
        return error(StatusCode::BAD_REQUEST, "Invalid authorization code");
    }
    if field(f, "redirect_uri") != Some(grant.redirect_uri.as_str()) {
        return error(StatusCode::BAD_REQUEST, "Parameter redirect_uri does not match registered URI");
    }
    issue(state, grant.user, grant.scopes)
}

fn refresh_grant(state: &MockState, f: &[(String, String)]) -> Response {
    // Public clients refresh without a secret; a wrong one is still refused.
    if let Some(secret) = field(f, "client_secret") {
        if secret != state.config.client_secret {
            return error(StatusCode::FORBIDDEN, "invalid client secret");
        }
    }
    let Some(refresh_token) = field(f, "refresh_token") else {
        return error(StatusCode::BAD_REQUEST, "missing refresh token");
    };
    // Rotation: the old refresh token is spent now.
    let Some(grant) = lock(&state.flows.grants).remove(refresh_token) else {
        return error(StatusCode::BAD_REQUEST, "Invalid refresh token");
    };
    state.count_refresh();
    issue(state, grant.user, grant.scopes)
}

/// A new access token and refresh token for `user`.
pub fn issue_tokens(state: &MockState, user: TokenUser, scopes: Vec<String>) -> (String, String) {
    let access_token = state.mint(Some(user.clone()), scopes.clone());
    let refresh_token = random_token();
    state.flows.remember(&refresh_token);
    lock(&state.flows.grants).insert(refresh_token.clone(), Grant { user, scopes, access_token: access_token.clone() });
    (access_token, refresh_token)
}

fn issue(state: &MockState, user: TokenUser, scopes: Vec<String>) -> Response {
    let (access_token, refresh_token) = issue_tokens(state, user, scopes.clone());
    Json(json!({
        "access_token": access_token,
        "refresh_token": refresh_token,
        "expires_in": state.token_lifetime().as_secs(),
        "scope": scopes,
        "token_type": "bearer",
    }))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::MockConfig;
    use crate::test_wire::{json, request};

    fn state() -> MockState {
        MockState::new(MockConfig { users: 5, games: 1, routes: &[], ..MockConfig::default() })
    }

    #[tokio::test]
    async fn a_refresh_token_works_once_and_its_successor_works() {
        let state = state();
        let user = state.user("ninja").expect("a user of the data set");
        let (access, refresh) = issue_tokens(&state, user, vec!["chat:read".into()]);
        assert!(state.lookup(&access).is_some());
        let grant = |refresh: &str| request("POST", "/oauth2/token", &[], &format!("refresh_token={refresh}"));
        let answer = token_grant(&state, &grant(&refresh), "refresh_token");
        assert_eq!(answer.status(), StatusCode::OK);
        let next = json(answer).await;
        assert_eq!(next["scope"], json!(["chat:read"]));
        let again = token_grant(&state, &grant(&refresh), "refresh_token");
        assert_eq!(json(again).await["message"], json!("Invalid refresh token"));
        let successor = next["refresh_token"].as_str().expect("a new refresh token");
        assert!(state.flows.refresh_token_valid(successor));
        assert_eq!(state.stats().refreshes, 1);
    }

    #[tokio::test]
    async fn a_device_code_is_redeemed_once_it_is_approved() {
        let state = MockState::new(MockConfig {
            users: 5,
            games: 1,
            routes: &[],
            device_polls_before_approval: u32::MAX,
            device_interval: 0,
            ..MockConfig::default()
        });
        let start = format!("client_id={}&scopes=chat:read", state.config.client_id);
        let started = json(device(&state, &request("POST", "/oauth2/device", &[], &start))).await;
        let (code, user_code) = (started["device_code"].as_str().unwrap_or_default(), started["user_code"].as_str());
        let poll = request("POST", "/oauth2/token", &[], &format!("device_code={code}"));
        assert_eq!(json(token_grant(&state, &poll, DEVICE_GRANT)).await["message"], json!("authorization_pending"));
        let ninja = state.user("ninja").expect("a user of the data set");
        assert!(state.flows.approve(user_code.unwrap_or_default(), ninja));
        let answer = json(token_grant(&state, &poll, DEVICE_GRANT)).await;
        let token = answer["access_token"].as_str().expect("a token");
        assert_eq!(state.lookup(token).and_then(|t| t.user).map(|u| u.login).as_deref(), Some("ninja"));
        assert_eq!(json(token_grant(&state, &poll, DEVICE_GRANT)).await["message"], json!("invalid device code"));
    }
}
