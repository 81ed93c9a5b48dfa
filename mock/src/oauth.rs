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
    use serde_json::json;

    use crate::test_http::{fixture_server, send};

    const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");

    #[test]
    fn client_credentials_mint_app_tokens_that_validate() {
        let mock = fixture_server();
        let body = format!(
            "client_id={}&client_secret={}&grant_type=client_credentials",
            mock.client_id(),
            mock.client_secret()
        );
        let r = send(mock.addr(), "POST", "/oauth2/token", &[FORM], body.as_bytes());
        assert_eq!(r.status, 200);
        let v = r.json();
        assert_eq!(v["token_type"], json!("bearer"));
        assert_eq!(v["expires_in"], json!(4 * 3600));
        let token = v["access_token"].as_str().expect("token").to_string();

        let auth = format!("OAuth {token}");
        let r = send(mock.addr(), "GET", "/oauth2/validate", &[("Authorization", &auth)], b"");
        assert_eq!(r.status, 200);
        let v = r.json();
        assert_eq!(v["client_id"], json!(mock.client_id()));
        assert_eq!(v["scopes"], json!([]));
        assert!(v.get("login").is_none() && v.get("user_id").is_none());
        assert!(v["expires_in"].as_u64().is_some_and(|s| s > 3600));

        let stats = mock.stats();
        assert_eq!((stats.app_tokens_minted, stats.validate_calls), (1, 1));
    }

    #[test]
    fn the_query_string_works_as_well_as_the_body() {
        let mock = fixture_server();
        let target = format!(
            "/oauth2/token?client_id={}&client_secret={}&grant_type=client_credentials",
            mock.client_id(),
            mock.client_secret()
        );
        assert_eq!(send(mock.addr(), "POST", &target, &[], b"").status, 200);
    }

    #[test]
    fn wrong_credentials_get_oauth_errors() {
        let mock = fixture_server();
        let wrong_secret = format!("client_id={}&client_secret=nope&grant_type=client_credentials", mock.client_id());
        let r = send(mock.addr(), "POST", "/oauth2/token", &[FORM], wrong_secret.as_bytes());
        assert_eq!(r.status, 403);
        assert_eq!(r.json(), json!({"status": 403, "message": "invalid client secret"}));

        let wrong_client = "client_id=other&client_secret=x&grant_type=client_credentials";
        let r = send(mock.addr(), "POST", "/oauth2/token", &[FORM], wrong_client.as_bytes());
        assert_eq!(r.status, 400);
        assert_eq!(r.json()["message"], json!("invalid client"));

        let wrong_grant = format!("client_id={}&client_secret=x&grant_type=password", mock.client_id());
        let r = send(mock.addr(), "POST", "/oauth2/token", &[FORM], wrong_grant.as_bytes());
        assert_eq!(r.status, 400);
        assert_eq!(mock.stats().app_tokens_minted, 0);
    }

    #[test]
    fn user_tokens_validate_with_login_and_scopes() {
        let mock = fixture_server();
        let token = mock.issue_user_token("pokimane", &["user:read:follows", "chat:read"]);
        let auth = format!("Bearer {token}");
        let v = send(mock.addr(), "GET", "/oauth2/validate", &[("Authorization", &auth)], b"").json();
        assert_eq!(v["login"], json!("pokimane"));
        assert_eq!(v["user_id"], json!("10002"));
        assert_eq!(v["scopes"], json!(["user:read:follows", "chat:read"]));
    }

    #[test]
    fn invalid_expired_and_revoked_tokens_fail_validation() {
        let mock = fixture_server();
        let validate = |token: &str| {
            let auth = format!("OAuth {token}");
            send(mock.addr(), "GET", "/oauth2/validate", &[("Authorization", &auth)], b"")
        };
        let r = validate("notatoken");
        assert_eq!(r.status, 401);
        assert_eq!(r.json(), json!({"status": 401, "message": "invalid access token"}));
        assert_eq!(send(mock.addr(), "GET", "/oauth2/validate", &[], b"").status, 401);

        let expired = mock.issue_app_token();
        mock.expire_token(&expired);
        assert_eq!(validate(&expired).status, 401);

        let revoked = mock.issue_user_token("ninja", &[]);
        let body = format!("client_id={}&token={revoked}", mock.client_id());
        let r = send(mock.addr(), "POST", "/oauth2/revoke", &[FORM], body.as_bytes());
        assert_eq!(r.status, 200);
        assert_eq!(validate(&revoked).status, 401);
        // Revoking twice: the token is unknown now.
        let r = send(mock.addr(), "POST", "/oauth2/revoke", &[FORM], body.as_bytes());
        assert_eq!(r.status, 400);
        assert_eq!(mock.stats().validate_calls, 4);
    }
}
