//! Subscribing with the app-token transports against the mock: a webhook
//! (callback and secret checked before sending, the secret never sent back)
//! and a conduit; the rules of the spec refuse a type's wrong transport first.

use serde_json::json;
use ttv_helix::eventsub::{StreamOnlineV1Condition, UserAuthorizationGrantV1Condition, Wanted, WebhookSecret};
use ttv_helix::{Error, Helix};
use ttv_tests::{start_mock, MockClientConfig};

#[tokio::test]
async fn a_webhook_subscription_is_created_with_the_app_token_and_its_secret_stays_secret() {
    let mock = start_mock(ttv_mock::MockConfig::default()).await;
    let helix = Helix::app(mock.client_config()).expect("app client");
    let secret = WebhookSecret::new("a-secret-for-webhooks").expect("a valid secret");
    let online = Wanted::of(&StreamOnlineV1Condition::new("10001"));
    let made = helix.subscribe_webhook(&online, "https://example.com/eventsub", &secret).await.expect("created");
    assert_eq!((made.subscription_type.as_str(), made.version.as_str()), ("stream.online", "1"));
    assert_eq!(made.transport["callback"], "https://example.com/eventsub");
    assert!(made.transport.get("secret").is_none(), "{:?}", made.transport);
    assert!(!format!("{made:?}").contains("a-secret-for-webhooks"));
    let listed = helix.get_eventsub_subscriptions().send().await.expect("listed");
    assert!(listed.data.iter().any(|s| s.id == made.id), "the mock keeps it");

    // Checked before sending: plain HTTP to a public host, and a type that
    // has no webhook transport.
    let before = mock.stats().helix_requests;
    let e = helix.subscribe_webhook(&online, "http://example.com/eventsub", &secret).await.unwrap_err();
    assert!(matches!(e, Error::InvalidInput { .. }) && e.to_string().contains("HTTPS"), "{e}");
    assert_eq!(mock.stats().helix_requests, before, "nothing was sent");
}

#[tokio::test]
async fn a_conduit_subscription_goes_to_the_conduit_and_a_websocket_only_rule_is_refused() {
    let mock = start_mock(ttv_mock::MockConfig::default()).await;
    let helix = Helix::app(mock.client_config()).expect("app client");
    let conduit = helix.create_conduits(2).send().await.expect("a conduit");
    let conduit_id = conduit.data[0].id.clone();
    let grant = Wanted::of(&UserAuthorizationGrantV1Condition::new(mock.client_id()));
    let made = helix.subscribe_conduit(&grant, &conduit_id).await.expect("created");
    assert_eq!(made.transport, json!({"method": "conduit", "conduit_id": conduit_id}));

    let before = mock.stats().helix_requests;
    let e = helix.subscribe_conduit(&grant, " ").await.unwrap_err();
    assert!(e.to_string().contains("conduit id is empty"), "{e}");
    let Err(e) = WebhookSecret::new("short") else { panic!("a 5-character secret") };
    assert!(e.to_string().contains("10 to 100"), "{e}");
    assert_eq!(mock.stats().helix_requests, before, "nothing was sent");
}
