//! Conformance with the EventSub reference: every notification example in
//! `../shared/eventsub-reference/examples` decodes through the generated event
//! type of its subscription type and version, every field it holds is one the
//! spec names (nothing lands in `extra`), and re-serializing the decoded event
//! gives back every value. The examples that are not JSON (`INVALID.txt`) are
//! listed here as known bad, and the list must match the reference's.
//!
//! On a fresh clone without `../shared` the tests print a note and pass.

use serde_json::Value;
use std::path::PathBuf;
use ttv_codegen::model::{Model, TypeDef};
use ttv_codegen::typeexpr::{Prim, TypeExpr};
use ttv_helix::eventsub::Event;

/// The reference's notification examples that are not valid JSON: (type, version, n).
/// Their pairs are still typed, from the event tables.
const KNOWN_BAD: &[(&str, &str, &str)] = &[
    ("channel.ad_break.begin", "1", "1"),
    ("channel.shared_chat.end", "1", "1"),
    ("channel.subscription.gift", "1", "1"),
    ("channel.subscription.message", "1", "1"),
    ("channel.cheer", "1", "1"),
    ("channel.moderate", "1", "2"),
    ("channel.moderate", "1", "3"),
    ("channel.moderate", "2", "1"),
    ("channel.moderate", "2", "5"),
    ("channel.channel_points_custom_reward_redemption.add", "1", "1"),
    ("channel.channel_points_custom_reward_redemption.update", "1", "1"),
    ("channel.prediction.begin", "1", "1"),
    ("channel.prediction.progress", "1", "1"),
    ("channel.prediction.lock", "1", "1"),
    ("channel.prediction.end", "1", "1"),
    ("drop.entitlement.grant", "1", "1"),
    ("user.authorization.revoke", "1", "1"),
    ("user.update", "1", "1"),
];

/// Examples whose event is shaped unlike the event table (recorded in the spec's
/// `reference_differs`): their events are the items of this list field.
const WRAPPED: &[(&str, &str, &str)] = &[("automod.settings.update", "1", "data")];

fn reference() -> Option<PathBuf> {
    let dir = ttv_tests::workspace_root().join("../shared/eventsub-reference/examples");
    if dir.join("INDEX.tsv").exists() {
        Some(dir)
    } else {
        println!("note: {} is absent; skipping the EventSub conformance check", dir.display());
        None
    }
}

fn model() -> Model {
    ttv_codegen::load_file(&ttv_tests::workspace_root().join("endpoints.yaml")).expect("the spec loads")
}

/// (file, type, version) of every valid example.
fn examples(dir: &std::path::Path) -> Vec<(String, String, String)> {
    let index = std::fs::read_to_string(dir.join("INDEX.tsv")).expect("INDEX.tsv reads");
    index
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cells: Vec<&str> = l.split('\t').collect();
            (cells[0].to_owned(), cells[1].to_owned(), cells[2].to_owned())
        })
        .collect()
}

/// Paths of values in `expected` that `actual` lacks or changed.
fn lost(expected: &Value, actual: Option<&Value>, path: &str, out: &mut Vec<String>) {
    let Some(actual) = actual else {
        if !expected.is_null() {
            out.push(format!("{path}: missing after decoding (was {expected})"));
        }
        return;
    };
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, v) in e {
                lost(v, a.get(k), &format!("{path}.{k}"), out);
            }
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                lost(ev, Some(av), &format!("{path}[{i}]"), out);
            }
        }
        (Value::Number(e), Value::Number(a)) if e.as_f64() == a.as_f64() => {}
        (e, a) if e == a => {}
        (e, a) => out.push(format!("{path}: {e} became {a}")),
    }
}

/// Paths of fields in `value` that the spec's type does not name: they would land in `extra`.
fn unnamed(value: &Value, ty: &TypeExpr, model: &Model, path: &str, out: &mut Vec<String>) {
    match (ty, value) {
        (TypeExpr::Optional(t), v) => unnamed(v, t, model, path, out),
        (TypeExpr::List(t), Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                unnamed(item, t, model, &format!("{path}[{i}]"), out);
            }
        }
        (TypeExpr::Named(name), Value::Object(_)) => {
            let t = model.eventsub.types.iter().find(|t| &t.name == name).expect("validated names resolve");
            fields_named(value, t, model, path, out);
        }
        (TypeExpr::Prim(Prim::Json), _) | (_, Value::Null) => {}
        _ => {}
    }
}

fn fields_named(value: &Value, t: &TypeDef, model: &Model, path: &str, out: &mut Vec<String>) {
    let Value::Object(map) = value else {
        out.push(format!("{path}: not an object"));
        return;
    };
    for (k, v) in map {
        match t.fields.iter().find(|f| &f.name == k || f.also.contains(k)) {
            Some(f) => unnamed(v, &f.ty, model, &format!("{path}.{k}"), out),
            None => out.push(format!("{path}.{k}: not named by {}", t.name)),
        }
    }
}

#[test]
fn every_valid_example_decodes_through_its_event_type_with_no_field_lost() {
    let Some(dir) = reference() else { return };
    let model = model();
    let mut problems = Vec::new();
    let mut checked = 0;
    for (file, ty, version) in examples(&dir) {
        let text = std::fs::read_to_string(dir.join(&file)).expect("example reads");
        let example: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file} is not JSON: {e}"));
        let Some(sub) = model.eventsub.subscriptions.iter().find(|s| s.ty == ty && s.version == version) else {
            problems.push(format!("{file}: {ty} v{version} is not in the spec"));
            continue;
        };
        let event = example.get("event").cloned().unwrap_or(Value::Null);
        let events = match WRAPPED.iter().find(|(t, v, _)| *t == ty && *v == version) {
            Some((_, _, field)) => event.get(field).and_then(Value::as_array).cloned().unwrap_or_default(),
            None => vec![event],
        };
        assert!(!events.is_empty(), "{file}: no event in the example");
        for event in events {
            let decoded = match Event::decode(&ty, &version, event.clone()) {
                Ok(d) => d,
                Err(e) => {
                    problems.push(format!("{file}: {e}"));
                    continue;
                }
            };
            if matches!(decoded, Event::Unknown(_)) || decoded.subscription_type() != ty || decoded.version() != version
            {
                problems.push(format!("{file}: decoded as {} v{}", decoded.subscription_type(), decoded.version()));
            }
            let mut out = Vec::new();
            fields_named(&event, &sub.event, &model, "event", &mut out);
            let again = serde_json::to_value(&decoded).expect("an event serializes");
            lost(&event, Some(&again), "event", &mut out);
            problems.extend(out.into_iter().map(|p| format!("{file}: {p}")));
            checked += 1;
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    assert!(checked >= 72, "only {checked} examples checked");
}

#[test]
fn the_known_bad_list_is_the_references_list_of_examples_that_are_not_json() {
    let Some(dir) = reference() else { return };
    let text = std::fs::read_to_string(dir.join("INVALID.txt")).expect("INVALID.txt reads");
    let listed: Vec<(String, String, String)> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c[0].to_owned(), c[1].to_owned(), c[2].to_owned())
        })
        .collect();
    let ours: Vec<(String, String, String)> =
        KNOWN_BAD.iter().map(|(t, v, n)| (t.to_string(), v.to_string(), n.to_string())).collect();
    assert_eq!(ours, listed);
    // Each known-bad pair is still typed by the spec.
    let model = model();
    for (t, v, _) in KNOWN_BAD {
        assert!(model.eventsub.subscriptions.iter().any(|s| s.ty == *t && s.version == *v), "{t} v{v}");
    }
}

/// The checks themselves: a field the spec does not name, and a value that
/// does not survive the round trip, are both reported.
#[test]
fn the_checks_catch_unnamed_and_lost_fields() {
    let model = model();
    let sub = model.eventsub.subscriptions.iter().find(|s| s.ty == "stream.online").expect("stream.online is typed");
    let event = serde_json::json!({"broadcaster_user_id": "1", "surprise": true});
    let mut out = Vec::new();
    fields_named(&event, &sub.event, &model, "event", &mut out);
    assert_eq!(out, ["event.surprise: not named by StreamOnlineV1Event"]);
    let decoded = Event::decode("stream.online", "1", event.clone()).unwrap();
    let Event::StreamOnlineV1(online) = &decoded else { panic!("{decoded:?}") };
    assert_eq!(online.extra.get("surprise"), Some(&Value::Bool(true)), "an unknown field is kept in extra");
    let mut out = Vec::new();
    lost(&serde_json::json!({"a": 1, "b": [1, 2]}), Some(&serde_json::json!({"a": 2, "b": [1]})), "$", &mut out);
    assert_eq!(out, ["$.a: 1 became 2", "$.b: [1,2] became [1]"]);
}

#[test]
fn unknown_types_and_versions_decode_as_unknown_and_write_back_as_sent() {
    let json = serde_json::json!({"anything": [1, {"x": null}]});
    let e = Event::decode("channel.not_yet", "7", json.clone()).unwrap();
    assert!(matches!(e, Event::Unknown(_)), "{e:?}");
    assert_eq!((e.subscription_type(), e.version()), ("channel.not_yet", "7"));
    assert_eq!(serde_json::to_value(&e).unwrap(), json);
    let newer = Event::decode("stream.online", "99", serde_json::json!({})).unwrap();
    assert!(matches!(newer, Event::Unknown(_)), "an unknown version of a known type is unknown too");
}

#[test]
fn a_known_event_with_a_wrong_json_type_is_an_error_that_keeps_the_json() {
    let json = serde_json::json!({"broadcaster_user_id": 5});
    let err = Event::decode("stream.online", "1", json.clone()).unwrap_err();
    assert_eq!(*err.event, json);
    assert!(err.to_string().contains("stream.online v1"), "{err}");
}
