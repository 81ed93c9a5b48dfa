//! id.twitch.tv's token endpoints over real sockets: client credentials,
//! validation and revocation.

use serde_json::json;

use crate::test_http::{fixture_server, send};

const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");

#[test]
fn client_credentials_mint_app_tokens_that_validate() {
    let mock = fixture_server();
    let body =
        format!("client_id={}&client_secret={}&grant_type=client_credentials", mock.client_id(), mock.client_secret());
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
