//! Answer fields with a closed value set decode into generated enums that
//! never fail on a value Twitch adds later: it is kept and goes back out as sent.

use serde_json::json;
use ttv_helix::types::{Poll, PollStatus, User, UserBroadcasterType, UserType};

#[test]
fn a_known_value_decodes_into_its_variant() {
    let poll: Poll = serde_json::from_value(json!({"id": "p1", "status": "ACTIVE"})).expect("decodes");
    assert_eq!(poll.status, PollStatus::Active);
    assert_eq!(poll.status.as_str(), "ACTIVE");
    assert_eq!(poll.status.to_string(), "ACTIVE");
    assert!(poll.status == "ACTIVE", "compares with the wire text");
}

#[test]
fn an_unknown_value_is_kept_and_round_trips() {
    let sent = json!({"id": "p1", "status": "PAUSED_BY_TWITCH"});
    let poll: Poll = serde_json::from_value(sent.clone()).expect("an unknown status still decodes");
    assert_eq!(poll.status, PollStatus::Unknown("PAUSED_BY_TWITCH".into()));
    let back = serde_json::to_value(&poll).expect("encodes");
    assert_eq!(back["status"], sent["status"]);
    let again: Poll = serde_json::from_value(back).expect("decodes again");
    assert_eq!(again.status, poll.status);
}

#[test]
fn the_empty_value_twitch_sends_for_none_has_its_own_variant() {
    let user: User =
        serde_json::from_value(json!({"id": "1", "type": "", "broadcaster_type": "partner"})).expect("decodes");
    assert_eq!(user.r#type, UserType::Empty);
    assert_eq!(user.broadcaster_type, UserBroadcasterType::Partner);
    // Missing and null read as the empty value, like every other field.
    let user: User = serde_json::from_value(json!({"id": "1", "broadcaster_type": null})).expect("decodes");
    assert_eq!(user.broadcaster_type, UserBroadcasterType::Empty);
    assert_eq!(UserType::from("staff"), UserType::Staff);
}
