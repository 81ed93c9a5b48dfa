//! Answers that are 2xx yet say Twitch did not do it (the spec's `refused`):
//! Send Chat Message answers 200 with `is_sent: false` and a `drop_reason`
//! when the message was dropped. A caller checking only the status would
//! think it was sent, so the client turns it into [`Error::Refused`]
//! (for the spec's endpoints here, and for the chat helpers in eventsub/chat.rs).

use crate::Error;
use serde_json::Value;
use ttv_meta::RefusedMeta;

/// Passes the body on, or the refusal when any item's flag is `false`.
pub(crate) fn check(endpoint: &'static str, refused: RefusedMeta, body: Vec<u8>) -> Result<Vec<u8>, Error> {
    // A body that is not JSON is left to the decoder, which names the problem.
    let Ok(answer) = serde_json::from_slice::<Value>(&body) else { return Ok(body) };
    check_answer(endpoint, refused.flag, refused.reason, &answer)?;
    Ok(body)
}

/// The refusal in a parsed answer: an item of `data` whose `flag` is `false`,
/// with its `reason` (an object of `code` and `message`, or a text).
pub(crate) fn check_answer(endpoint: &'static str, flag: &str, reason: &str, answer: &Value) -> Result<(), Error> {
    let items: Vec<&Value> = match answer.get("data") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(item @ Value::Object(_)) => vec![item],
        _ => Vec::new(),
    };
    let Some(item) = items.into_iter().find(|i| i.get(flag) == Some(&Value::Bool(false))) else {
        return Ok(());
    };
    let (code, message) = match item.get(reason) {
        Some(Value::Object(reason)) => (text(reason.get("code")), text(reason.get("message"))),
        Some(Value::String(s)) => (String::new(), s.clone()),
        _ => (String::new(), String::new()),
    };
    let message = if message.is_empty() { format!("`{flag}` is false and no reason was given") } else { message };
    Err(Error::Refused { endpoint, code, message })
}

fn text(v: Option<&Value>) -> String {
    v.and_then(Value::as_str).unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused() -> RefusedMeta {
        ttv_meta::EndpointMeta::new(
            "Send Chat Message",
            "send_chat_message",
            ttv_meta::HttpMethod::Post,
            "/chat/messages",
            ttv_meta::AuthClass::Either,
            ttv_meta::ResponseMeta::Data { paginated: false, single: false },
        )
        .refused("is_sent", "drop_reason")
        .refused
        .expect("set")
    }

    #[test]
    fn a_sent_message_passes_unchanged() {
        let body = br#"{"data":[{"message_id":"m1","is_sent":true,"drop_reason":null}]}"#.to_vec();
        assert_eq!(check("Send Chat Message", refused(), body.clone()).unwrap(), body);
    }

    #[test]
    fn a_dropped_message_is_an_error_with_twitchs_reason() {
        let body = br#"{"data":[{"message_id":"","is_sent":false,"drop_reason":{"code":"msg_duplicate","message":"Your message is identical to the one you sent within the last 30 seconds."}}]}"#;
        let err = check("Send Chat Message", refused(), body.to_vec()).unwrap_err();
        match &err {
            Error::Refused { code, message, .. } => {
                assert_eq!(code, "msg_duplicate");
                assert!(message.starts_with("Your message is identical"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().contains("(msg_duplicate)"), "{err}");
    }

    #[test]
    fn a_refusal_without_a_reason_still_says_what_happened() {
        let err = check("Send Chat Message", refused(), br#"{"data":[{"is_sent":false}]}"#.to_vec()).unwrap_err();
        assert!(err.to_string().contains("`is_sent` is false"), "{err}");
    }
}
