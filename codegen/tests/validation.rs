//! Every kind of spec mistake is refused with the endpoint (or type) and the key.

use ttv_codegen::load_str;

/// A valid one-endpoint spec with `extra` spliced into the endpoint and `types` appended.
fn spec(endpoint_extra: &str, types: &str) -> String {
    format!(
        "version: 1\nendpoints:\n  - name: Get Things\n    summary: Get things.\n    doc: get-things\n    method: GET\n    path: /things\n{endpoint_extra}types:\n  Thing:\n    fields:\n      id: string\n{types}"
    )
}

fn error_of(text: &str) -> String {
    match load_str(text) {
        Ok(_) => panic!("the spec should be refused:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_valid_spec_loads() {
    let model = load_str(&spec("    auth: either\n    response: {item: Thing}\n", "")).unwrap();
    assert_eq!(model.endpoints[0].verb, "get-things");
    assert_eq!(model.endpoints[0].method_name, "get_things");
}

#[test]
fn unknown_keys_are_refused_with_their_line() {
    let err = error_of(&spec("    auth: either\n    pagniated: true\n", ""));
    assert!(err.contains("unknown field `pagniated`"), "{err}");
    assert!(err.contains("line"), "{err}");
}

#[test]
fn unknown_keys_in_the_long_field_form_are_refused() {
    let err = error_of(&spec("    auth: either\n    params:\n      id: {type: string, requird: true}\n", ""));
    assert!(err.contains("unknown field `requird`"), "{err}");
}

#[test]
fn duplicate_names_are_refused() {
    let text = spec("    auth: either\n", "").replace(
        "endpoints:\n",
        "endpoints:\n  - name: Get Things\n    summary: Again.\n    doc: x\n    method: GET\n    path: /x\n    auth: app\n",
    );
    let err = error_of(&text);
    assert!(err.contains("endpoint \"Get Things\", key `name`: duplicate name"), "{err}");
}

#[test]
fn duplicate_verbs_through_aliases_are_refused() {
    let text = spec("    auth: either\n    aliases: [get-stuff]\n", "").replace(
        "endpoints:\n",
        "endpoints:\n  - name: Get Stuff\n    summary: Stuff.\n    doc: x\n    method: GET\n    path: /x\n    auth: app\n",
    );
    let err = error_of(&text);
    assert!(err.contains("key `aliases`: verb `get-stuff` is already taken by \"Get Stuff\""), "{err}");
}

#[test]
fn undeclared_path_parameters_are_refused() {
    let err = error_of(&spec("    auth: either\n", "").replace("path: /things", "path: /things/{thing_id}"));
    assert!(err.contains("endpoint \"Get Things\", key `path`: `{thing_id}` is not a declared parameter"), "{err}");
}

#[test]
fn path_parameters_missing_from_the_path_are_refused() {
    let err = error_of(&spec(
        "    auth: either\n    params:\n      thing_id: {type: string, in: path, required: true}\n",
        "",
    ));
    assert!(err.contains("key `params.thing_id`: declared `in: path`"), "{err}");
}

#[test]
fn unknown_types_are_refused() {
    let err = error_of(&spec("    auth: either\n    response: {item: Thingy}\n", ""));
    assert!(err.contains("key `response.item`: unknown type `Thingy`"), "{err}");
    let err = error_of(&spec("    auth: either\n    params:\n      id: \"[Widget]\"\n", ""));
    assert!(err.contains("key `params.id.type`: unknown type `Widget`"), "{err}");
    let err = error_of(&spec("    auth: either\n", "  Other:\n    fields:\n      x: strng\n"));
    assert!(err.contains("type \"Other\", key `fields.x`: `strng` is not a type"), "{err}");
}

#[test]
fn scopes_on_an_app_only_endpoint_are_refused() {
    let err = error_of(&spec("    auth: app\n    scopes: [user:read:email]\n", ""));
    assert!(err.contains("endpoint \"Get Things\", key `scopes`: an app-only endpoint cannot require scopes"), "{err}");
}

#[test]
fn bad_ranges_are_refused() {
    let err = error_of(&spec("    auth: either\n    params:\n      first: {type: integer, range: [50, 1]}\n", ""));
    assert!(err.contains("key `params.first.range`: min 50 is above max 1"), "{err}");
    let err = error_of(&spec("    auth: either\n    params:\n      first: {type: integer, range: [1, 5000]}\n", ""));
    assert!(err.contains("key `params.first.range`: `first` max 5000 is above"), "{err}");
    let err = error_of(&spec("    auth: either\n    params:\n      login: {type: string, range: [1, 5]}\n", ""));
    assert!(err.contains("key `params.login.range`: `range` applies to"), "{err}");
}

#[test]
fn max_on_a_scalar_is_refused() {
    let err = error_of(&spec("    auth: either\n    params:\n      id: {type: string, max: 100}\n", ""));
    assert!(err.contains("key `params.id.max`"), "{err}");
}

#[test]
fn token_user_marks_a_string_on_a_user_token_endpoint() {
    let err = error_of(&spec("    auth: either\n    params:\n      first: {type: integer, token_user: true}\n", ""));
    assert!(err.contains("key `params.first.token_user`") && err.contains("must be `string`"), "{err}");
    let err = error_of(&spec("    auth: app\n    body:\n      user_id: {type: string, token_user: true}\n", ""));
    assert!(err.contains("key `body.user_id.token_user`") && err.contains("user token"), "{err}");
    load_str(&spec("    auth: user\n    params:\n      user_id: {type: string, token_user: true}\n", "")).unwrap();
}

#[test]
fn app_token_groups_need_an_either_endpoint_and_declared_parameters() {
    let err = error_of(&spec("    auth: user\n    params:\n      id: string\n      login: string\n    app_token_at_least_one_of: [[id, login]]\n", ""));
    assert!(err.contains("key `app_token_at_least_one_of`") && err.contains("either token"), "{err}");
    let err = error_of(&spec(
        "    auth: either\n    params:\n      id: string\n    app_token_at_least_one_of: [[id, login]]\n",
        "",
    ));
    assert!(err.contains("key `app_token_at_least_one_of`: `login` is not a declared parameter"), "{err}");
}

#[test]
fn groups_must_name_declared_parameters() {
    let err = error_of(&spec("    auth: either\n    params:\n      id: string\n    one_of: [[id, login]]\n", ""));
    assert!(err.contains("key `one_of`: `login` is not a declared parameter"), "{err}");
}

#[test]
fn a_name_cannot_be_both_query_and_body() {
    let err = error_of(&spec("    auth: user\n    params:\n      id: string\n    body:\n      id: string\n", ""));
    assert!(err.contains("key `body.id`: is also a query parameter"), "{err}");
}

#[test]
fn mock_rules_are_checked() {
    let err = error_of(&spec("    auth: either\n    mock: {source: widgets}\n", ""));
    assert!(err.contains("key `mock.source`: unknown source `widgets`"), "{err}");
    let err =
        error_of(&spec("    auth: either\n    params:\n      id: string\n    mock: {filters: {id: equals id}}\n", ""));
    assert!(err.contains("key `mock.filters.id`"), "{err}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let err = error_of(&spec("    auth: app\n    scopes: [a:b]\n    response: {item: Nope}\n", ""));
    assert!(err.starts_with("2 problems in the spec"), "{err}");
}

#[test]
fn names_that_cannot_become_identifiers_are_refused() {
    for (name, why) in [
        ("\"\"", "starts with a letter"),
        ("\"123\"", "starts with a letter"),
        ("\"!!!\"", "starts with a letter"),
        ("\"Get-Things\"", "`-` cannot be part of a name"),
        ("self", "`self` is reserved"),
        ("Self", "`self` is reserved"),
        ("crate", "`crate` is reserved"),
        ("super", "`super` is reserved"),
    ] {
        let text = spec("    auth: either\n", "").replace("name: Get Things", &format!("name: {name}"));
        let err = error_of(&text);
        assert!(err.contains("key `name`") && err.contains(why), "{name}: {err}");
    }
    // Keywords that can be raw identifiers are fine, and so are digits after the first letter.
    for name in ["type", "Get 1st Things"] {
        let text = spec("    auth: either\n", "").replace("name: Get Things", &format!("name: {name}"));
        load_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn aliases_must_be_verbs() {
    let err = error_of(&spec("    auth: either\n    aliases: [\"get things\"]\n", ""));
    assert!(err.contains("key `aliases`: `get things` is not a verb"), "{err}");
}

#[test]
fn field_and_parameter_names_need_a_letter_or_digit_and_distinct_rust_names() {
    let err = error_of(&spec("    auth: either\n    params:\n      \"!!\": string\n", ""));
    assert!(err.contains("key `params.!!`: a parameter name needs at least one letter or digit"), "{err}");
    let err = error_of(&spec("    auth: either\n", "      \"_\": string\n"));
    assert!(err.contains("key `fields._`: a field name needs at least one letter or digit"), "{err}");
    let err = error_of(&spec("    auth: either\n", "      ID: string\n"));
    assert!(err.contains("type \"Thing\", key `fields.ID`: becomes the same Rust field as `id`"), "{err}");
    let err = error_of(&spec("    auth: either\n    params:\n      user_id: string\n      userId: string\n", ""));
    assert!(err.contains("key `params.userId`: becomes the same Rust field as `user_id`"), "{err}");
    // `self` as an API name is kept for serde and renamed in Rust.
    load_str(&spec("    auth: either\n    params:\n      self: string\n", "      super: string\n")).unwrap();
}

#[test]
fn types_that_contain_themselves_without_a_list_are_refused() {
    let err = error_of(&spec("    auth: either\n", "      me: Thing?\n"));
    assert!(
        err.contains("type \"Thing\", key `fields`: contains itself without a list in between (Thing -> Thing)"),
        "{err}"
    );
    let err = error_of(&spec("    auth: either\n", "      other: Other\n  Other:\n    fields:\n      back: Thing\n"));
    assert!(err.contains("(Other -> Thing -> Other)"), "{err}");
    assert_eq!(err.matches("contains itself").count(), 1, "one cycle, named once: {err}");
    // Through a list, a type may hold itself (a tree).
    load_str(&spec("    auth: either\n", "      children: \"[Thing]\"\n")).unwrap();
    let err = error_of(&spec("    auth: either\n", "  Self:\n    fields:\n      a: string\n"));
    assert!(err.contains("type \"Self\": `Self` is reserved"), "{err}");
}

#[test]
fn value_sets_are_distinct_strings_on_string_fields() {
    let ok = "    auth: either\n    params:\n      status: {type: string, values: [ACTIVE, ENDED]}\n      kinds: {type: \"[string]\", values: [a, b]}\n    response: {item: Thing}\n";
    let model = load_str(&spec(ok, "      state: {type: string, values: [live, off]}\n")).unwrap();
    assert_eq!(model.endpoints[0].params[0].values, ["ACTIVE", "ENDED"]);
    assert_eq!(model.types[0].fields[1].values, ["live", "off"]);
    let err = error_of(&spec("    auth: either\n    params:\n      first: {type: integer, values: [a]}\n", ""));
    assert!(err.contains("key `params.first.values`: `a` is not a whole number"), "{err}");
    let err = error_of(&spec("    auth: either\n    params:\n      ratio: {type: number, values: [1]}\n", ""));
    assert!(err.contains("key `params.ratio.values`: a value set applies to strings"), "{err}");
    // An integer's set is written as numbers and kept as their text.
    let ints = "    auth: either\n    body:\n      delay: {type: integer, values: [2, 4, 6]}\n";
    assert_eq!(load_str(&spec(ints, "")).unwrap().endpoints[0].params[0].values, ["2", "4", "6"]);
    let err = error_of(&spec("    auth: either\n    body:\n      status: {type: string, values: [A, A]}\n", ""));
    assert!(err.contains("key `body.status.values`: `A` is listed twice"), "{err}");
    let err = error_of(&spec("    auth: either\n    params:\n      status: {type: string, values: [\"\"]}\n", ""));
    assert!(err.contains("key `params.status.values`: a listed value cannot be empty"), "{err}");
    // Answers may list `""`: Twitch's "none of these" (a user's `broadcaster_type`).
    load_str(&spec("    auth: either\n", "      kind: {type: string, values: [partner, \"\"]}\n")).unwrap();
    let err = error_of(&spec("    auth: either\n", "      live: {type: boolean, values: [a]}\n"));
    assert!(err.contains("type \"Thing\", key `fields.live.values`"), "{err}");
}

#[test]
fn length_limits_apply_to_strings_in_order() {
    let ok = "    auth: either\n    body:\n      title: {type: string, min_length: 1, max_length: 60}\n";
    let model = load_str(&spec(ok, "")).unwrap();
    assert_eq!((model.endpoints[0].params[0].min_length, model.endpoints[0].params[0].max_length), (Some(1), Some(60)));
    let err = error_of(&spec("    auth: either\n    params:\n      first: {type: integer, max_length: 5}\n", ""));
    assert!(err.contains("key `params.first.max_length`: length limits apply to strings"), "{err}");
    let err =
        error_of(&spec("    auth: either\n    body:\n      title: {type: string, min_length: 9, max_length: 2}\n", ""));
    assert!(err.contains("key `body.title.min_length`: min_length 9 is above max_length 2"), "{err}");
    let err = error_of(&spec("    auth: either\n    body:\n      title: {type: string, max_length: 0}\n", ""));
    assert!(err.contains("key `body.title.max_length`"), "{err}");
    // A type's string field may carry limits (it is checked when sent in a body).
    let model =
        load_str(&spec("    auth: either\n", "      name: {type: string, min_length: 2, max_length: 5}\n")).unwrap();
    let name = model.types[0].fields.iter().find(|f| f.name == "name").unwrap();
    assert_eq!((name.min_length, name.max_length), (Some(2), Some(5)));
    let err = error_of(&spec("    auth: either\n", "      live: {type: boolean, max_length: 5}\n"));
    assert!(err.contains("type \"Thing\", key `fields.live.max_length`: length limits apply to strings"), "{err}");
    let err = error_of(&spec("    auth: either\n", "      name: {type: string, max: 5}\n"));
    assert!(err.contains("key `fields.name`: type fields take only"), "{err}");
}

#[test]
fn at_most_one_of_groups_name_declared_parameters() {
    let ok = "    auth: either\n    params:\n      status: string\n      type: string\n    at_most_one_of: [[status, type]]\n";
    assert_eq!(load_str(&spec(ok, "")).unwrap().endpoints[0].at_most_one_of, [["status", "type"]]);
    let err = error_of(&spec(
        "    auth: either\n    params:\n      status: string\n    at_most_one_of: [[status, user_id]]\n",
        "",
    ));
    assert!(err.contains("key `at_most_one_of`: `user_id` is not a declared parameter"), "{err}");
    let err =
        error_of(&spec("    auth: either\n    params:\n      status: string\n    at_most_one_of: [[status]]\n", ""));
    assert!(err.contains("key `at_most_one_of`: a group names at least two parameters"), "{err}");
}

#[test]
fn token_kind_rules_need_an_either_endpoint() {
    let ok = "    auth: either\n    body:\n      for_source_only: {type: boolean, token: app}\n";
    assert!(load_str(&spec(ok, "")).unwrap().endpoints[0].params[0].token.is_some());
    let err = error_of(&spec("    auth: user\n    body:\n      for_source_only: {type: boolean, token: app}\n", ""));
    assert!(err.contains("key `body.for_source_only.token`: only endpoints that take either token"), "{err}");
    let err = error_of(&spec("    auth: either\n    body:\n      for_source_only: {type: boolean, token: bot}\n", ""));
    assert!(err.contains("unknown variant `bot`"), "{err}");
}

#[test]
fn answer_value_sets_get_one_enum_per_distinct_set_with_variant_names() {
    let types = "      status: {type: string, values: [ACTIVE, channel.follow, \"1.0\", \"\"]}\n  Other:\n    fields:\n      state: {type: \"[string]\", values: [ACTIVE, channel.follow, \"1.0\", \"\"]}\n";
    let model = load_str(&spec("    auth: either\n", types)).unwrap();
    let e = model.types[0].fields[1].value_enum.clone().expect("an enum");
    assert_eq!(e.name, "ThingStatus");
    let variants: Vec<&str> = e.variants.iter().map(|(_, v)| v.as_str()).collect();
    assert_eq!(variants, ["Active", "ChannelFollow", "V1_0", "Empty"]);
    assert_eq!(model.types[1].fields[0].value_enum.as_ref().map(|e| e.name.as_str()), Some("ThingStatus"), "same set");
    let err = error_of(&spec("    auth: either\n", "      kind: {type: string, values: [a-b, a_b]}\n"));
    assert!(err.contains("`a_b` becomes the variant `AB`, which is taken"), "{err}");
    let err = error_of(&spec("    auth: either\n", "      kind: {type: string, values: [unknown]}\n"));
    assert!(err.contains("becomes the variant `Unknown`"), "{err}");
    let err = error_of(&spec(
        "    auth: either\n",
        "      state: {type: string, values: [a]}\n  ThingState:\n    fields:\n      x: string\n",
    ));
    assert!(err.contains("its enum would be named `ThingState`, which is already a type"), "{err}");
}

#[test]
fn beta_and_gone_are_read_into_the_model() {
    let model = load_str(&spec("    auth: either\n    beta: true\n", "")).unwrap();
    assert!(model.endpoints[0].beta && model.endpoints[0].gone.is_none());
    let model = load_str(&spec("    auth: either\n    gone: {status: 410, since: 2023-07}\n", "")).unwrap();
    let gone = model.endpoints[0].gone.as_ref().expect("gone");
    assert_eq!((gone.status, gone.since.as_str(), gone.reason()), (410, "2023-07", "Gone"));
}

#[test]
fn a_gone_status_is_404_or_410() {
    let err = error_of(&spec("    auth: either\n    gone: {status: 200, since: 2023-07}\n", ""));
    assert!(err.contains("key `gone.status`: 200 is not a status of a removed endpoint (404 or 410)"), "{err}");
}

#[test]
fn a_gone_date_is_a_year_and_month() {
    for since in ["July 2023", "2023-13", "2023-7", "23-07"] {
        let err = error_of(&spec(&format!("    auth: either\n    gone: {{status: 410, since: \"{since}\"}}\n"), ""));
        assert!(err.contains(&format!("key `gone.since`: `{since}` is not a month as `YYYY-MM`")), "{err}");
    }
}

#[test]
fn a_gone_endpoint_is_not_beta() {
    let err = error_of(&spec("    auth: either\n    beta: true\n    gone: {status: 410, since: 2023-07}\n", ""));
    assert!(err.contains("key `gone`: a removed endpoint is not also `beta`"), "{err}");
}

#[test]
fn gone_takes_only_status_and_since() {
    let err = error_of(&spec("    auth: either\n    gone: {status: 410, since: 2023-07, reason: x}\n", ""));
    assert!(err.contains("unknown field `reason`"), "{err}");
}

#[test]
fn since_must_be_a_date() {
    for bad in ["2026-5-29", "May 2026", "2026-13-01", "2026-05-32", "26-05-29"] {
        let err = error_of(&spec(&format!("    auth: either\n    since: \"{bad}\"\n"), ""));
        assert!(err.contains("endpoint \"Get Things\", key `since`: "), "{bad}: {err}");
        assert!(err.contains("is not a date (YYYY-MM-DD)"), "{bad}: {err}");
    }
    let model = load_str(&spec("    auth: either\n    since: 2026-05-29\n", "")).unwrap();
    assert_eq!(model.endpoints[0].since.as_deref(), Some("2026-05-29"));
}

#[test]
fn a_refused_rule_must_name_a_boolean_field_and_a_field_of_the_answer_item() {
    let ok = "    auth: either\n    response: {item: Thing}\n    refused: {when_false: is_done, reason: why}\n";
    let types = "      is_done: boolean\n      why: string?\n";
    let model = load_str(&spec(ok, types)).unwrap();
    assert_eq!(model.endpoints[0].refused, Some(("is_done".into(), "why".into())));
    let not_bool = error_of(&spec(ok, "      is_done: string\n      why: string?\n"));
    assert!(not_bool.contains("key `refused.when_false`: `is_done` of Thing is not a boolean"), "{not_bool}");
    let no_reason = error_of(&spec(ok, "      is_done: boolean\n"));
    assert!(no_reason.contains("key `refused.reason`: Thing has no field `why`"), "{no_reason}");
    let no_item = error_of(&spec("    auth: either\n    refused: {when_false: is_done, reason: why}\n", types));
    assert!(no_item.contains("key `refused`: only an answer whose item is a named type"), "{no_item}");
}
