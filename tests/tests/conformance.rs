//! Conformance with the Helix reference: every example answer in the shared
//! OpenAPI description decodes through the generated types of its endpoint,
//! and re-serializing the decoded value loses nothing the example holds.
//!
//! The reference lives outside the project (`../shared/helix-reference`); on a
//! fresh clone without it the test prints a note and passes.

use serde_json::Value;
use ttv_helix::meta::{ResponseMeta, Shape};
use ttv_tests::decode::decode_as;

/// Examples the reference gets wrong in a way no spec change can absorb:
/// (endpoint, example key, why). Keep this empty unless truly unavoidable.
const KNOWN_BAD: &[(&str, &str, &str)] = &[
    (
        "Get Ad Schedule",
        "Example",
        "shows RFC 3339 strings and quoted numbers; Helix sends numbers (Unix seconds), as the \
         reference schema says (twitchdev/issues#857)",
    ),
    ("Snooze Next Ad", "Example", "the same as Get Ad Schedule"),
    (
        "Create Stream Marker",
        "Example",
        "shows `id` as a bare number; the reference schema and every marker id Helix returns are strings",
    ),
];

/// The shared OpenAPI description, or `None` (with a note) when it is absent.
fn reference() -> Option<Value> {
    let file = ttv_tests::workspace_root().join("../shared/helix-reference/openapi.json");
    let Ok(text) = std::fs::read_to_string(&file) else {
        println!("note: {} is absent; skipping the conformance check", file.display());
        return None;
    };
    Some(serde_json::from_str(&text).expect("openapi.json is JSON"))
}

/// One example answer from the reference.
struct Example {
    endpoint: String,
    key: String,
    value: Value,
}

/// Every `responses.<2xx>.content.application/json.examples.*.value`, by the
/// operation's reference name (`externalDocs.description`). Also returns the
/// names of all operations, to check each maps to an endpoint.
fn examples(openapi: &Value) -> (Vec<Example>, Vec<String>) {
    let mut found = Vec::new();
    let mut names = Vec::new();
    let paths = openapi["paths"].as_object().expect("the OpenAPI file has `paths`");
    for item in paths.values() {
        for op in item.as_object().into_iter().flat_map(|m| m.values()) {
            let Some(responses) = op.get("responses").and_then(Value::as_object) else { continue };
            let name = op["externalDocs"]["description"].as_str().expect("every operation names its reference section");
            names.push(name.to_owned());
            for (status, response) in responses {
                if !status.starts_with('2') {
                    continue;
                }
                let Some(examples) = response.pointer("/content/application~1json/examples").and_then(Value::as_object)
                else {
                    continue;
                };
                for (key, example) in examples {
                    // A few examples show only the request (no `value`): nothing to decode.
                    if let Some(value) = example.get("value") {
                        found.push(Example { endpoint: name.to_owned(), key: key.clone(), value: value.clone() });
                    }
                }
            }
        }
    }
    (found, names)
}

/// Differences between what the example holds and what came back, as
/// `path: what`. Keys the decoded value adds are fine (defaults for fields the
/// example leaves out); a null may come back absent; numbers compare by value.
fn lost(expected: &Value, actual: Option<&Value>, path: &str, out: &mut Vec<String>) {
    let Some(actual) = actual else {
        if !expected.is_null() {
            out.push(format!("{path}: missing after decoding (was {})", short(expected)));
        }
        return;
    };
    match (expected, actual) {
        (Value::Null, Value::Null) => {}
        (Value::Object(e), Value::Object(a)) => {
            for (k, v) in e {
                lost(v, a.get(k), &format!("{path}.{k}"), out);
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push(format!("{path}: {} items became {}", e.len(), a.len()));
                return;
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                lost(ev, Some(av), &format!("{path}[{i}]"), out);
            }
        }
        (Value::Number(e), Value::Number(a)) => {
            if e.as_f64() != a.as_f64() {
                out.push(format!("{path}: {e} became {a}"));
            }
        }
        (e, a) if e == a => {}
        (e, a) => out.push(format!("{path}: {} became {}", short(e), short(a))),
    }
}

fn short(v: &Value) -> String {
    let text = v.to_string();
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(59).collect::<String>())
    } else {
        text
    }
}

/// The shape of an endpoint's answer items, from the mock's route table (the
/// library's metadata carries no answer shapes).
fn answer_item(endpoint: &str) -> Option<&'static Shape> {
    ttv_mock::ROUTES.iter().find(|r| r.endpoint.name == endpoint).and_then(|r| r.item.as_ref())
}

/// Checks one example; `Err` says what failed.
fn check(example: &Example) -> Result<(), String> {
    let meta = ttv_helix::ENDPOINTS
        .iter()
        .find(|e| e.name == example.endpoint)
        .ok_or_else(|| "no endpoint in endpoints.yaml has this reference name".to_owned())?;
    if matches!(meta.response, ResponseMeta::NoContent) {
        return Err("the example has a body but the spec says 204 No Content".into());
    }
    let body = serde_json::to_vec(&example.value).expect("a JSON value serializes");
    let decoded = decode_as(meta.name, &body)?;

    let mut expected = example.value.clone();
    let single = matches!(meta.response, ResponseMeta::Data { single: true, .. });
    match expected.get("data") {
        // The runtime hands one-object `data` over as a one-item list: compare like with like.
        Some(Value::Object(_)) if single => {
            let item = expected["data"].take();
            expected["data"] = Value::Array(vec![item]);
        }
        Some(Value::Object(_)) => return Err("`data` is one object: the spec needs `single: true`".into()),
        Some(Value::Array(_)) if single => {
            return Err("`data` is a list but the spec says `single: true`".into());
        }
        _ => {}
    }
    // A few answers send the cursor itself as `pagination`; the runtime keeps it as `{cursor}`.
    if let Some(Value::String(cursor)) = expected.get("pagination") {
        expected["pagination"] = serde_json::json!({ "cursor": cursor });
    }
    if let (Some(item), Some(Value::Array(items))) = (answer_item(meta.name), expected.get_mut("data")) {
        items.iter_mut().for_each(|v| respell(v, item));
    }
    let mut diffs = Vec::new();
    lost(&expected, Some(&decoded), "$", &mut diffs);
    if diffs.is_empty() {
        Ok(())
    } else {
        Err(diffs.join("\n    "))
    }
}

#[test]
fn every_reference_example_decodes_without_losing_a_field() {
    let Some(openapi) = reference() else { return };
    let (examples, names) = examples(&openapi);

    let mut failures = Vec::new();
    for name in &names {
        if !ttv_helix::ENDPOINTS.iter().copied().any(|e| e.name == name) {
            failures.push(format!("{name}: no endpoint in endpoints.yaml has this reference name"));
        }
    }
    let mut checked = 0;
    let mut known_bad = 0;
    for example in &examples {
        let known = KNOWN_BAD.iter().find(|(e, k, _)| *e == example.endpoint && *k == example.key);
        match (check(example), known) {
            (Ok(()), None) => checked += 1,
            (Ok(()), Some(_)) => failures.push(format!(
                "{} ({}): listed in KNOWN_BAD but decodes fine now; remove it from the list",
                example.endpoint, example.key
            )),
            (Err(_), Some(_)) => known_bad += 1,
            (Err(why), None) => failures.push(format!("{} ({}):\n    {why}", example.endpoint, example.key)),
        }
    }
    println!(
        "{checked} example answers of {} operations decode without loss ({known_bad} known bad, {} failing)",
        names.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
    assert!(checked > 100, "expected over 100 examples, found {checked}: has the file's layout changed?");
}

/// Fields the reference's examples spell differently from its field tables,
/// where endpoints.yaml follows the table (each has a YAML comment saying so):
/// (type, field as the example spells it). They decode into `extra`.
const EXAMPLE_SPELLINGS: &[(&str, &str)] = &[
    ("ExtensionComponentView", "aspect_width"),
    ("ExtensionComponentView", "aspect_height"),
    ("ExtensionComponentView", "size"),
    ("ExtensionComponentView", "zoom"),
    ("ExtensionComponentView", "zoom_pixels"),
    ("GuestStarSettings", "layout"),
    ("GuestStarGuest", "id"),
];

/// Other spellings the spec accepts for a field (its `also` key): (the
/// spelling in the example, the field's name). Decoding keeps the field's name.
const ACCEPTED_SPELLINGS: &[(&str, &str)] = &[("URL", "url")];

/// `value`, decoded as `shape`, with accepted spellings replaced by the field
/// names they decode to (only in types that have the field and not the spelling).
fn respell(value: &mut Value, shape: &Shape) {
    match (shape, value) {
        (Shape::Optional(inner), v) => respell(v, inner),
        (Shape::List(inner), Value::Array(items)) => items.iter_mut().for_each(|v| respell(v, inner)),
        (Shape::Object(ty), Value::Object(map)) => {
            let has = |n: &str| ty.fields.iter().any(|f| f.name == n);
            for (spelling, name) in ACCEPTED_SPELLINGS {
                if has(name) && !has(spelling) {
                    if let Some(v) = map.remove(*spelling) {
                        map.insert((*name).to_owned(), v);
                    }
                }
            }
            for f in ty.fields {
                if let Some(v) = map.get_mut(f.name) {
                    respell(v, &f.shape);
                }
            }
        }
        _ => {}
    }
}

/// Paths of fields in `value` that `shape` does not name (they survive
/// decoding only in the catch-all `extra` map, untyped).
fn unnamed(value: &Value, shape: &Shape, path: &str, out: &mut Vec<String>) {
    match (shape, value) {
        (Shape::Optional(inner), v) => unnamed(v, inner, path, out),
        (Shape::List(inner), Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                unnamed(item, inner, &format!("{path}[{i}]"), out);
            }
        }
        (Shape::Object(ty), Value::Object(map)) => {
            for (k, v) in map {
                match ty.fields.iter().find(|f| f.name == k) {
                    Some(f) => unnamed(v, &f.shape, &format!("{path}.{k}"), out),
                    None if EXAMPLE_SPELLINGS.contains(&(ty.name, k.as_str())) => {}
                    None if ACCEPTED_SPELLINGS
                        .iter()
                        .any(|(s, n)| s == k && ty.fields.iter().any(|f| f.name == *n)) => {}
                    None => out.push(format!("{path}.{k} (not a field of {})", ty.name)),
                }
            }
        }
        _ => {}
    }
}

#[test]
fn every_field_of_the_examples_is_named_in_the_spec() {
    let Some(openapi) = reference() else { return };
    let (examples, _) = examples(&openapi);
    let mut found = Vec::new();
    let mut top_level = std::collections::BTreeSet::new();
    for example in &examples {
        let Some(meta) = ttv_helix::ENDPOINTS.iter().copied().find(|e| e.name == example.endpoint) else { continue };
        let ResponseMeta::Data { single, .. } = &meta.response else { continue };
        let Some(item) = answer_item(meta.name) else { continue };
        let data = match (&example.value["data"], single) {
            (Value::Array(items), false) => items.clone(),
            (one, true) => vec![one.clone()],
            _ => continue,
        };
        let mut paths = Vec::new();
        for (i, item_value) in data.iter().enumerate() {
            unnamed(item_value, item, &format!("$.data[{i}]"), &mut paths);
        }
        // The spec has no key for top-level fields besides data, pagination and
        // total: the rest are kept as sent in `Response::extra`. Noted, not failed.
        for top in example.value.as_object().into_iter().flat_map(|m| m.keys()) {
            if !["data", "pagination", "total"].contains(&top.as_str()) {
                top_level.insert(format!("{}.{top}", example.endpoint));
            }
        }
        if !paths.is_empty() {
            found.push(format!("{} ({}): {}", example.endpoint, example.key, paths.join(", ")));
        }
    }
    println!(
        "note: top-level fields kept untyped in `extra`: {}",
        top_level.into_iter().collect::<Vec<_>>().join(", ")
    );
    assert!(found.is_empty(), "{} examples hold fields the spec does not name:\n{}", found.len(), found.join("\n"));
}

#[test]
fn the_comparison_catches_lost_fields_and_tolerates_normal_forms() {
    let mut out = Vec::new();
    let expected = serde_json::json!({"a": 1.0, "b": null, "c": [{"d": "x"}], "e": "y"});
    lost(&expected, Some(&serde_json::json!({"a": 1, "c": [{"d": "x", "z": 0}], "e": "y"})), "$", &mut out);
    assert!(out.is_empty(), "{out:?}");
    lost(&expected, Some(&serde_json::json!({"a": 2, "c": [], "e": 5})), "$", &mut out);
    assert_eq!(out, ["$.a: 1.0 became 2", "$.c: 1 items became 0", "$.e: \"y\" became 5"]);
}

/// `ttv-codegen coverage` against the reference finds every operation and no
/// difference the spec has not recorded as a decision (`reference_differs`):
/// method, path, token class, scopes, required parameters and the parameters
/// that must name the token's user.
#[test]
fn the_spec_covers_the_reference_without_unexplained_differences() {
    let Some(reference) = reference() else { return };
    let model = ttv_codegen::load_file(&ttv_tests::workspace_root().join("endpoints.yaml")).expect("the spec loads");
    let report = ttv_codegen::coverage::compare(&model, &reference);
    assert_eq!(report.covered, report.total, "{report}");
    assert!(report.is_complete(), "{report}");
}
