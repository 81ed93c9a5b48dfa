//! id.twitch.tv's OAuth endpoints: client-credentials tokens, validation and
//! revocation (the user login flows are in `oauth_flows`). The wire format,
//! form fields and the OAuth error shape, is in `oauth_form`.

use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::oauth_flows;
use crate::oauth_form::{error, field, fields};
use crate::request::MockRequest;
use crate::state::MockState;

/// Answers a request under `/oauth2`.
pub fn respond(state: &MockState, req: &MockRequest) -> Response {
    let path = req.path.strip_prefix("/oauth2").unwrap_or(&req.path);
    match (req.method.clone(), path.trim_end_matches('/')) {
        (Method::POST, "/token") => token(state, req),
        (Method::GET, "/validate") => validate(state, req),
        (Method::POST, "/revoke") => revoke(state, req),
        // The user login flows live in their own module.
        (Method::POST, "/device") => oauth_flows::device(state, req),
        (Method::GET, "/authorize") => oauth_flows::authorize(state, req),
        (Method::GET, "/activate") => oauth_flows::activate(state, req),
        (_, "/token" | "/validate" | "/revoke" | "/device" | "/authorize" | "/activate") => {
            error(StatusCode::METHOD_NOT_ALLOWED, "method not allowed")
        }
        _ => error(StatusCode::NOT_FOUND, "not found"),
    }
}

fn token(state: &MockState, req: &MockRequest) -> Response {
    let f = fields(req);
    let Some(client_id) = field(&f, "client_id") else {
        return error(StatusCode::BAD_REQUEST, "missing client id");
    };
    if client_id != state.config.client_id {
        return error(StatusCode::BAD_REQUEST, "invalid client");
    }
    match field(&f, "grant_type") {
        Some("client_credentials") => {}
        Some(grant @ (oauth_flows::DEVICE_GRANT | "authorization_code" | "refresh_token")) => {
            return oauth_flows::token_grant(state, req, grant)
        }
        Some(_) => return error(StatusCode::BAD_REQUEST, "unsupported grant type"),
        None => return error(StatusCode::BAD_REQUEST, "missing grant type"),
    }
    if field(&f, "client_secret") != Some(state.config.client_secret.as_str()) {
        return error(StatusCode::FORBIDDEN, "invalid client secret");
    }
    let token = state.mint(None, Vec::new());
    state.count_app_token();
    Json(json!({
        "access_token": token,
        "expires_in": state.config.token_lifetime.as_secs(),
        "token_type": "bearer",
    }))
    .into_response()
}

fn validate(state: &MockState, req: &MockRequest) -> Response {
    state.count_validate();
    let Some(header) = req.header("authorization") else {
        return error(StatusCode::UNAUTHORIZED, "missing authorization token");
    };
    // Twitch documents `OAuth <token>` and also takes `Bearer <token>`.
    let token = header
        .trim()
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("oauth") || scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim());
    let Some(info) = token.and_then(|t| state.lookup(t)) else {
        return error(StatusCode::UNAUTHORIZED, "invalid access token");
    };
    let mut body = json!({
        "client_id": info.client_id,
        "scopes": info.scopes,
        "expires_in": info.expires_in(),
    });
    if let Some(user) = &info.user {
        body["login"] = json!(user.login);
        body["user_id"] = json!(user.id);
    }
    Json(body).into_response()
}

fn revoke(state: &MockState, req: &MockRequest) -> Response {
    let f = fields(req);
    let Some(client_id) = field(&f, "client_id") else {
        return error(StatusCode::BAD_REQUEST, "missing client id");
    };
    if client_id != state.config.client_id {
        return error(StatusCode::NOT_FOUND, "client does not exist");
    }
    let Some(token) = field(&f, "token") else {
        return error(StatusCode::BAD_REQUEST, "missing oauth token");
    };
    if !state.revoke(token) {
        return error(StatusCode::BAD_REQUEST, "Invalid token");
    }
    state.flows.revoke_access(token);
    StatusCode::OK.into_response()
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
    async fn client_credentials_mint_a_token_that_validates_and_revokes() {
        let state = state();
        let form = format!(
            "client_id={}&client_secret={}&grant_type=client_credentials",
            state.config.client_id, state.config.client_secret
        );
        let answer = respond(&state, &request("POST", "/oauth2/token", &[], &form));
        assert_eq!(answer.status(), StatusCode::OK);
        let token = json(answer).await["access_token"].as_str().map(str::to_owned).expect("a token");
        assert_eq!(state.stats().app_tokens_minted, 1);

        let auth = format!("OAuth {token}");
        let valid = respond(&state, &request("GET", "/oauth2/validate", &[("authorization", &auth)], ""));
        assert_eq!(json(valid).await["client_id"], json!(state.config.client_id));

        let revoke = format!("client_id={}&token={token}", state.config.client_id);
        assert_eq!(respond(&state, &request("POST", "/oauth2/revoke", &[], &revoke)).status(), StatusCode::OK);
        assert!(state.lookup(&token).is_none());
    }

    #[tokio::test]
    async fn unknown_paths_and_methods_get_oauth_errors() {
        let state = state();
        let wrong_method = respond(&state, &request("GET", "/oauth2/token", &[], ""));
        assert_eq!(wrong_method.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(json(wrong_method).await, json!({"status": 405, "message": "method not allowed"}));
        assert_eq!(respond(&state, &request("GET", "/oauth2/nope", &[], "")).status(), StatusCode::NOT_FOUND);
    }
}
