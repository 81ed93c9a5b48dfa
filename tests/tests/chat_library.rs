//! The library's chat, against the mock over real sockets: `read_chat` is a
//! WebSocket session on `channel.chat.message` for a channel named by login,
//! and `send_chat` sends as the token's user, failing with Twitch's reason
//! when the message is dropped.

use futures::StreamExt;
use std::time::Duration;
use ttv_helix::eventsub::{Event, SessionEvent};
use ttv_helix::{Error, Helix};
use ttv_tests::{start_mock, MockClientConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_sent_to_a_channel_reaches_its_reader_and_a_duplicate_is_refused() {
    let mock = start_mock(ttv_mock::MockConfig::default()).await;
    let config = mock.client_config().with_eventsub_websocket_url(mock.eventsub_url());
    let reader_token = mock.issue_user_token("pokimane", &["user:read:chat"]);
    let reader = Helix::user(config.clone(), reader_token.into()).await.expect("a user client");
    let sender_token = mock.issue_user_token("ninja", &["user:write:chat"]);
    let sender = Helix::user(config, sender_token.into()).await.expect("a user client");

    let mut chat = reader.read_chat::<Event>("ninja").await.expect("subscribed to ninja's chat");
    let id = sender.send_chat("ninja", "hello chat").await.expect("sent");
    assert!(!id.is_empty());

    let message = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match chat.next().await.expect("the session goes on").expect("no error") {
                SessionEvent::Notification(n) => break n,
                _ => continue,
            }
        }
    })
    .await
    .expect("the message arrives");
    let Event::ChannelChatMessageV1(m) = message.event else { panic!("a chat message: {:?}", message.event) };
    assert_eq!(m.message.text, "hello chat");
    assert_eq!(m.message_id, id, "the notification is of the message sent");
    assert_eq!((m.chatter_user_login.as_str(), m.broadcaster_user_login.as_str()), ("ninja", "ninja"));

    match sender.send_chat("10001", "hello chat").await {
        Err(Error::Refused { code, message, .. }) => {
            assert_eq!(code, "msg_duplicate");
            assert!(message.contains("identical"), "{message}");
        }
        other => panic!("a duplicate within 30 s is dropped: {other:?}"),
    }
    chat.close().await;
}

#[tokio::test]
async fn an_unknown_channel_login_is_an_input_error_before_any_session() {
    let mock = start_mock(ttv_mock::MockConfig::default()).await;
    let config = mock.client_config().with_eventsub_websocket_url(mock.eventsub_url());
    let token = mock.issue_user_token("ninja", &["user:read:chat", "user:write:chat"]);
    let helix = Helix::user(config, token.into()).await.expect("a user client");
    let Err(e) = helix.read_chat::<Event>("no_such_login_here").await else {
        panic!("read a channel that does not exist")
    };
    assert!(e.to_string().contains("no Twitch user has the login `no_such_login_here`"), "{e}");
    let Err(e) = helix.send_chat("no_such_login_here", "hi").await else { panic!("sent to nobody") };
    assert!(matches!(e, Error::InvalidInput { .. }), "{e:?}");
}
