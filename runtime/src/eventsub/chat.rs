//! Chat, plainly: read a channel's messages (the `channel.chat.message` v1
//! EventSub type over a WebSocket session) and send one (Send Chat Message,
//! whose `is_sent: false` answer is [`Error::Refused`] with Twitch's reason).
//! A channel is named by login or by user id; the token's user reads and sends.
//!
//! The few facts used here (the type and its rules, the two paths) are also
//! in the spec; `tests/tests/chat_library.rs` runs both against the mock,
//! which enforces the spec's rules, so a drift between them fails there.

use super::decode::{DecodeEvent, Subscription};
use super::session::WebSocket;
use super::wanted::Wanted;
use crate::client::Client;
use crate::token::{Permits, TokenKind, User};
use crate::{Error, RawRequest};
use serde::Serialize;
use serde_json::{json, Value};
use ttv_meta::HttpMethod;

/// The condition of `channel.chat.message` v1.
#[derive(Serialize)]
struct ChatMessages {
    broadcaster_user_id: String,
    user_id: String,
}

impl Subscription for ChatMessages {
    const TYPE: &'static str = "channel.chat.message";
    const VERSION: &'static str = "1";
    const SCOPES: &'static [&'static [&'static str]] = &[&["user:read:chat"]];
    const TOKEN_USER: Option<&'static str> = Some("user_id");
    const TRANSPORTS: &'static [&'static str] = &["webhook", "websocket", "conduit"];
    type Event = Value;
}

impl<T: TokenKind> Client<T> {
    /// A WebSocket session reading `channel`'s chat (a login or a user id) as
    /// the token's user, who needs `user:read:chat`. `E` is what each message
    /// decodes to (ttv-helix's `eventsub::Event` gives
    /// `Event::ChannelChatMessageV1`); see [`WebSocket`] for what the session
    /// handles (reconnects, duplicates, lost connections).
    pub async fn read_chat<E: DecodeEvent>(&self, channel: &str) -> Result<WebSocket<E>, Error>
    where
        T: Permits<User>,
    {
        let broadcaster_user_id = self.user_id_of(channel).await?;
        let user_id = self.inner.token_user_id().unwrap_or_default().to_owned();
        let condition = ChatMessages { broadcaster_user_id, user_id };
        self.eventsub_websocket::<E>().subscribe(Wanted::of(&condition))?.connect().await
    }

    /// Sends `message` to `channel` (a login or a user id) as the token's
    /// user (`user:write:chat`). Returns the message's id; when Twitch drops
    /// the message (AutoMod, the channel's settings, a duplicate) the error is
    /// [`Error::Refused`] with Twitch's code and reason.
    pub async fn send_chat(&self, channel: &str, message: &str) -> Result<String, Error>
    where
        T: Permits<User>,
    {
        let broadcaster_id = self.user_id_of(channel).await?;
        let sender_id = self.inner.token_user_id().unwrap_or_default().to_owned();
        let body = json!({"broadcaster_id": broadcaster_id, "sender_id": sender_id, "message": message});
        let answer = self.send_raw(&RawRequest::new(HttpMethod::Post, "/chat/messages").body(body)).await?;
        crate::refused::check_answer("Send Chat Message", "is_sent", "drop_reason", &answer)?;
        Ok(answer.pointer("/data/0/message_id").and_then(Value::as_str).unwrap_or_default().to_owned())
    }

    /// A user id as given (digits only: Twitch's user ids are numbers), or
    /// the id of the user with this login, looked up through Get Users.
    async fn user_id_of(&self, channel: &str) -> Result<String, Error> {
        let channel = channel.trim_start_matches('#');
        if !channel.is_empty() && channel.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(channel.to_owned());
        }
        let login = channel.to_lowercase();
        let users = self.send_raw(&RawRequest::new(HttpMethod::Get, "/users").query("login", login.as_str())).await?;
        match users.pointer("/data/0/id").and_then(Value::as_str) {
            Some(id) => Ok(id.to_owned()),
            None => Err(Error::InvalidInput {
                endpoint: "Get Users",
                message: format!("no Twitch user has the login `{channel}`"),
            }),
        }
    }
}
