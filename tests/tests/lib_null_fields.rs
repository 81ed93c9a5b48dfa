//! Answers Twitch really sends with `null` where the reference promises a
//! value decode, instead of failing the whole page (hand-made from the shapes
//! Twitch sends; the proven fields are optional in the spec).

use ttv_helix::types::{ChannelStreamSchedule, ChannelTeam, Stream, StreamMarker, Team, TopPredictor, UnbanRequest};

#[test]
fn a_pending_unban_request_has_no_moderator() {
    let r: UnbanRequest = serde_json::from_str(
        r#"{"id": "92af127c-7326-4483-a52b-b0da0be61c01", "broadcaster_id": "274637212", "broadcaster_name": "b",
            "broadcaster_login": "b", "moderator_id": null, "moderator_login": null, "moderator_name": null,
            "user_id": "1", "user_login": "u", "user_name": "U", "text": "please", "status": "pending",
            "created_at": "2024-09-15T00:00:00Z", "resolved_at": null, "resolution_text": null}"#,
    )
    .expect("decodes");
    assert_eq!((r.moderator_id, r.moderator_login, r.moderator_name), (None, None, None));
    assert_eq!(r.status, "pending");
}

#[test]
fn teams_without_a_thumbnail_decode() {
    let t: Team = serde_json::from_str(
        r#"{"id": "6358", "team_name": "t", "team_display_name": "T", "thumbnail_url": null, "info": null,
            "users": null, "background_image_url": null, "banner": null, "created_at": "2019-07-04T00:00:00Z",
            "updated_at": "2019-07-04T00:00:00Z"}"#,
    )
    .expect("decodes");
    assert_eq!(t.thumbnail_url, None);
    // A null in a field the spec still calls required decodes like a missing one.
    assert!(t.info.is_empty() && t.users.is_empty());
    let c: ChannelTeam = serde_json::from_str(r#"{"id": "1", "thumbnail_url": null}"#).expect("decodes");
    assert_eq!(c.thumbnail_url, None);
}

#[test]
fn a_schedule_on_vacation_has_no_segments() {
    let s: ChannelStreamSchedule = serde_json::from_str(
        r#"{"segments": null, "broadcaster_id": "1", "broadcaster_name": "b", "broadcaster_login": "b",
            "vacation": {"start_time": "2021-07-01T00:00:00Z", "end_time": "2021-07-14T00:00:00Z"}}"#,
    )
    .expect("decodes");
    assert_eq!(s.segments, None);
}

#[test]
fn an_active_prediction_has_no_points_won() {
    let p: TopPredictor = serde_json::from_str(
        r#"{"user_id": "1", "user_name": "U", "user_login": "u", "channel_points_used": 100, "channel_points_won": null}"#,
    )
    .expect("decodes");
    assert_eq!(p.channel_points_won, None);
    assert_eq!(p.channel_points_used, 100);
}

#[test]
fn a_stream_without_tags_decodes() {
    let s: Stream =
        serde_json::from_str(r#"{"id": "1", "user_login": "u", "tags": null, "viewer_count": 5}"#).expect("decodes");
    assert_eq!(s.tags, None);
    assert_eq!(s.viewer_count, 5);
}

#[test]
fn stream_markers_take_both_spellings_of_the_link() {
    for key in ["url", "URL"] {
        let m: StreamMarker =
            serde_json::from_str(&format!(r#"{{"id": "1", "{key}": "https://twitch.tv/v/1?t=1s"}}"#)).expect("decodes");
        assert_eq!(m.url, "https://twitch.tv/v/1?t=1s", "{key}");
        assert!(m.extra.is_empty(), "{key} lands in the field, not in extra");
    }
}
