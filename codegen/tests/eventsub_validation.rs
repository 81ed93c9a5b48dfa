//! Every kind of mistake in the `eventsub:` section is refused with the
//! subscription (or type) and the key, as for endpoints.

use ttv_codegen::eventsub_model::{AppTokenRule, Status, Transport};
use ttv_codegen::load_str;

/// A valid spec with one subscription; `extra` is spliced into it and `types` appended.
fn spec(extra: &str, types: &str) -> String {
    format!(
        "version: 1\nendpoints: []\neventsub:\n  subscriptions:\n  - type: channel.thing.happen\n    version: \"1\"\n    summary: A thing happened.\n    doc: channelthinghappen\n    condition:\n      broadcaster_user_id: {{type: string, required: true, token_user: true}}\n      from_id: string\n      to_id: string\n    event:\n      id: string\n      detail: \"Detail?\"\n{extra}  types:\n    Detail:\n      fields:\n        text: string\n{types}"
    )
}

fn error_of(text: &str) -> String {
    match load_str(text) {
        Ok(_) => panic!("the spec should be refused:\n{text}"),
        Err(e) => e.to_string(),
    }
}

const PLACE: &str = "eventsub \"channel.thing.happen v1\"";

#[test]
fn a_valid_subscription_loads_with_defaults() {
    let text = spec(
        "    scopes: {all: [channel:read:things], any: [[a:read, a:manage], [b:read, b:manage]]}\n    app_token:\n      broadcaster_user_id: {any: [channel:bot, \"moderator(from_id)\"]}\n    one_of: [[from_id, to_id]]\n",
        "",
    );
    let model = load_str(&text).unwrap();
    let s = &model.eventsub.subscriptions[0];
    assert_eq!(s.type_name, "ChannelThingHappenV1");
    assert_eq!(s.event.name, "ChannelThingHappenV1Event");
    assert_eq!(s.condition_type(), "ChannelThingHappenV1Condition");
    assert_eq!(s.status, Status::Stable);
    assert_eq!(s.transports, Transport::ALL.to_vec());
    assert_eq!(s.token_user_field(), Some("broadcaster_user_id"));
    assert_eq!(s.scopes, vec![vec!["channel:read:things"], vec!["a:read", "a:manage"], vec!["b:read", "b:manage"]]);
    assert_eq!(
        s.app_token,
        vec![(
            "broadcaster_user_id".to_owned(),
            AppTokenRule::Grant(vec![vec!["channel:bot".into(), "moderator(from_id)".into()]])
        )]
    );
    assert_eq!(model.eventsub.types[0].name, "Detail");
    assert!(s.doc_url.ends_with("#channelthinghappen"), "{}", s.doc_url);
}

#[test]
fn unknown_keys_are_refused() {
    let err = error_of(&spec("    transport: [webhook]\n", ""));
    assert!(err.contains("unknown field `transport`"), "{err}");
}

#[test]
fn duplicate_type_and_version_is_refused() {
    let text = spec("", "").replace(
        "  subscriptions:\n",
        "  subscriptions:\n  - type: channel.thing.happen\n    version: \"1\"\n    summary: Again.\n    doc: x\n    event: {id: string}\n",
    );
    let err = error_of(&text);
    assert!(err.contains(&format!("{PLACE}, key `version`: this type and version are already described")), "{err}");
}

#[test]
fn two_types_that_become_one_rust_name_are_refused() {
    let text = spec("", "").replace(
        "  subscriptions:\n",
        "  subscriptions:\n  - type: channel.thing_happen\n    version: \"1\"\n    summary: Other.\n    doc: x\n    event: {id: string}\n",
    );
    let err = error_of(&text);
    assert!(err.contains("becomes the Rust name `ChannelThingHappenV1`"), "{err}");
}

#[test]
fn malformed_type_names_and_versions_are_refused() {
    let err = error_of(&spec("", "").replace("channel.thing.happen", "Channel.Thing").replace("\"1\"", "\"1.0\""));
    assert!(err.contains("key `type`: a type is lowercase words"), "{err}");
    assert!(err.contains("key `version`: a version is letters and digits"), "{err}");
}

#[test]
fn unknown_status_is_refused() {
    let err = error_of(&spec("    status: removed\n", ""));
    assert!(err.contains(&format!("{PLACE}, key `status`: `removed` is not stable, beta or deprecated")), "{err}");
}

#[test]
fn unknown_or_repeated_transports_are_refused() {
    let err = error_of(&spec("    transports: [webhook, pigeon, webhook]\n", ""));
    assert!(err.contains("unknown transport `pigeon`"), "{err}");
    assert!(err.contains("`webhook` is listed twice"), "{err}");
}

#[test]
fn malformed_scopes_are_refused() {
    let err = error_of(&spec("    scopes: [Channel Read, \"moderator(from_id)\", a:b, a:b]\n", ""));
    assert!(err.contains("`Channel Read` is not a scope"), "{err}");
    assert!(err.contains("`moderator(from_id)` is an app-token alternative"), "{err}");
    assert!(err.contains("key `scopes`: `a:b` is listed twice"), "{err}");
}

#[test]
fn mixed_any_groups_are_refused() {
    let err = error_of(&spec("    scopes: {any: [a:b, [c:d, e:f]]}\n", ""));
    assert!(err.contains("mixes the two") || err.contains("did not match"), "{err}");
}

#[test]
fn condition_fields_that_are_not_strings_are_refused() {
    let err = error_of(&spec("", "").replace("from_id: string", "from_id: integer"));
    assert!(err.contains(&format!("{PLACE}, key `condition.from_id.type`: condition fields are strings")), "{err}");
}

#[test]
fn answer_keys_on_condition_fields_are_refused() {
    let err = error_of(&spec("", "").replace("from_id: string", "from_id: {type: string, max: 3}"));
    assert!(err.contains("key `condition.from_id`: condition fields take only"), "{err}");
}

#[test]
fn two_token_user_fields_are_refused() {
    let err = error_of(&spec("", "").replace("from_id: string", "from_id: {type: string, token_user: true}"));
    assert!(err.contains("key `condition`: at most one field is the token's user"), "{err}");
}

#[test]
fn token_user_without_websocket_is_refused() {
    let err = error_of(&spec("    transports: [webhook, conduit]\n", ""));
    assert!(err.contains("`token_user` applies to user tokens"), "{err}");
}

#[test]
fn one_of_groups_must_name_optional_condition_fields() {
    let err = error_of(&spec("    one_of: [[from_id, nobody], [broadcaster_user_id, to_id], [to_id]]\n", ""));
    assert!(err.contains("key `one_of`: `nobody` is not a condition field"), "{err}");
    assert!(err.contains("`broadcaster_user_id` is required, so it cannot be one of a choice"), "{err}");
    assert!(err.contains("a group names at least two condition fields"), "{err}");
}

#[test]
fn app_token_rules_must_name_condition_fields_and_known_relations() {
    let err = error_of(&spec(
        "    app_token:\n      nobody: [a:b]\n      from_id: belongs_to_me\n      to_id: {any: [\"moderator(nobody)\", c:d]}\n",
        "",
    ));
    assert!(err.contains("key `app_token.nobody`: `nobody` is not a condition field"), "{err}");
    assert!(err.contains("key `app_token.from_id`: `belongs_to_me` is not token_client"), "{err}");
    assert!(err.contains("`moderator(nobody)` names `nobody`, which is not a condition field"), "{err}");
}

#[test]
fn app_token_rules_without_an_app_transport_are_refused() {
    let err = error_of(&spec("    transports: [websocket]\n    app_token:\n      from_id: token_client\n", ""));
    assert!(err.contains("key `app_token`: only webhook and conduit subscriptions use an app token"), "{err}");
}

#[test]
fn event_fields_with_unknown_types_are_refused() {
    let err = error_of(&spec("", "").replace("detail: \"Detail?\"", "detail: Nothing"));
    assert!(err.contains(&format!("{PLACE} event, key `fields.detail`: unknown type `Nothing`")), "{err}");
}

#[test]
fn event_fields_take_no_request_keys() {
    let err =
        error_of(&spec("", "").replace("id: string\n      detail", "id: {type: string, required: true}\n      detail"));
    assert!(err.contains("key `fields.id`: type fields take only"), "{err}");
}

#[test]
fn an_empty_event_is_refused() {
    let err =
        error_of(&spec("", "").replace("    event:\n      id: string\n      detail: \"Detail?\"\n", "    event: {}\n"));
    assert!(err.contains("key `event`: list the event's fields"), "{err}");
}

#[test]
fn unknown_reference_differs_aspects_are_refused() {
    let err = error_of(&spec("    reference_differs: {colour: \"because\"}\n", ""));
    assert!(err.contains("key `reference_differs.colour`: not one of condition"), "{err}");
}

#[test]
fn event_types_named_like_generated_ones_are_refused() {
    let err = error_of(&spec("", "    ChannelThingHappenV1Event:\n      fields:\n        a: string\n"));
    assert!(err.contains("eventsub type \"ChannelThingHappenV1Event\""), "{err}");
    let err = error_of(&spec("", "    Event:\n      fields:\n        a: string\n"));
    assert!(err.contains("eventsub type \"Event\""), "{err}");
}

#[test]
fn event_types_that_contain_themselves_are_refused() {
    let err =
        error_of(&spec("", "").replace("        text: string\n", "        text: string\n        again: Detail\n"));
    assert!(err.contains("contains itself without a list in between (Detail -> Detail)"), "{err}");
}

#[test]
fn event_types_may_reuse_endpoint_type_names() {
    let text = spec("", "")
        .replace("endpoints: []\n", "endpoints: []\ntypes:\n  Detail:\n    fields:\n      other: integer\n");
    let model = load_str(&text).unwrap();
    assert_eq!(model.types[0].name, "Detail");
    assert_eq!(model.eventsub.types[0].name, "Detail");
}

#[test]
fn value_sets_on_event_fields_are_refused_for_now() {
    let err = error_of(
        &spec("", "")
            .replace("      id: string\n      detail", "      id: {type: string, values: [a, b]}\n      detail"),
    );
    assert!(err.contains("key `fields.id.values`: event fields take no `values` yet"), "{err}");
}
