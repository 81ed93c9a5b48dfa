//! Chat, plainly: read a channel's messages (the `channel.chat.message`
//! EventSub type over a WebSocket session) and send one (Send Chat Message,
//! whose `is_sent: false` answer is [`Error::Refused`] with Twitch's reason).
//! A channel is named by login or by user id; the token's user reads and sends.
//!
//! Hand-written on top of generated items: Get Users, Send Chat Message and
//! `channel.chat.message` v1 must be in the spec (the test fixture has them too).

use crate::eventsub::{ChannelChatMessageV1Condition, Event, Wanted, WebSocket};
use crate::{Error, Helix, User};

impl Helix<User> {
    /// A WebSocket session reading `channel`'s chat (a login or a user id) as
    /// the token's user, who needs `user:read:chat`. Its notifications are
    /// `Event::ChannelChatMessageV1`; see [`WebSocket`] for what the session
    /// handles (reconnects, duplicates, lost connections).
    ///
    /// ```no_run
    /// # async fn demo(helix: ttv_helix::Helix<ttv_helix::User>) -> Result<(), ttv_helix::Error> {
    /// use futures_util::StreamExt;
    /// use ttv_helix::eventsub::{Event, SessionEvent};
    /// let mut chat = helix.read_chat("ninja").await?;
    /// while let Some(item) = chat.next().await {
    ///     if let SessionEvent::Notification(n) = item? {
    ///         if let Event::ChannelChatMessageV1(m) = n.event {
    ///             println!("<{}> {}", m.chatter_user_name, m.message.text);
    ///         }
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn read_chat(&self, channel: &str) -> Result<WebSocket<Event>, Error> {
        let broadcaster = self.user_id_of(channel).await?;
        let reader = self.token_info().user_id.clone().unwrap_or_default();
        let condition = ChannelChatMessageV1Condition::new(broadcaster, reader);
        self.eventsub_websocket::<Event>().subscribe(Wanted::of(&condition))?.connect().await
    }

    /// Sends `message` to `channel` (a login or a user id) as the token's
    /// user (`user:write:chat`). Returns the message's id; when Twitch drops
    /// the message (AutoMod, the channel's settings, a duplicate) the error is
    /// [`Error::Refused`] with Twitch's code and reason.
    pub async fn send_chat(&self, channel: &str, message: &str) -> Result<String, Error> {
        let broadcaster = self.user_id_of(channel).await?;
        let sender = self.token_info().user_id.clone().unwrap_or_default();
        let sent = self.send_chat_message(broadcaster, sender, message).send().await?;
        Ok(sent.data.into_iter().next().map(|m| m.message_id).unwrap_or_default())
    }

    /// A user id as given (digits only: Twitch's user ids are numbers), or
    /// the id of the user with this login, looked up through Get Users.
    async fn user_id_of(&self, channel: &str) -> Result<String, Error> {
        let channel = channel.trim_start_matches('#');
        if !channel.is_empty() && channel.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(channel.to_owned());
        }
        let users = self.get_users().login([channel.to_lowercase()]).send().await?;
        users.data.into_iter().next().map(|u| u.id).ok_or_else(|| Error::InvalidInput {
            endpoint: "Get Users",
            message: format!("no Twitch user has the login `{channel}`"),
        })
    }
}
