//! `ttv-codegen coverage --eventsub`: the spec's `eventsub` section against the
//! reference table of subscription types.

use std::path::PathBuf;
use ttv_codegen::eventsub_coverage::compare;
use ttv_codegen::load_str;

fn reference_table() -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/eventsub-reference/subscription-types.tsv");
    if path.exists() {
        Some(path)
    } else {
        eprintln!("skipped: {} is absent", path.display());
        None
    }
}

/// Every row of the table is described, and every difference is a recorded decision.
#[test]
fn the_spec_covers_every_subscription_type_of_the_reference() {
    let Some(table) = reference_table() else { return };
    let model = ttv_codegen::load_file(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../endpoints.yaml"))
        .expect("the spec loads");
    let report = ttv_codegen::eventsub_coverage::run(&model, &table).expect("the table reads");
    assert_eq!(report.total, 82, "{report}");
    assert_eq!(report.covered, report.total, "{report}");
    assert!(report.extra.is_empty(), "{report}");
    assert!(report.is_complete(), "{report}");
}

const SPEC: &str = "version: 1\nendpoints: []\neventsub:\n  subscriptions:\n  - type: channel.thing\n    version: \"1\"\n    summary: A thing.\n    doc: x\n    condition:\n      broadcaster_user_id: {type: string, required: true, token_user: true}\n    scopes: [channel:read:things]\n    event:\n      id: string\n      extra_field: string\n";
const HEADER: &str = "type\tversion\tstatus\ttransports\tcondition_required\tcondition_optional\tcondition_one_of\tuser_token_rule\tscopes\tapp_token_rule\tevent_fields\tbatched\n";

#[test]
fn a_matching_row_has_no_difference() {
    let model = load_str(SPEC).unwrap();
    let table = format!("{HEADER}channel.thing\t1\tstable\twebhook,websocket,conduit\tbroadcaster_user_id\t\t\tbroadcaster_user_id\tchannel:read:things\t\tid,extra_field\tno\n");
    let report = compare(&model, &table).unwrap();
    assert_eq!((report.total, report.covered), (1, 1));
    assert!(report.is_complete(), "{report}");
}

#[test]
fn each_aspect_that_differs_is_named_and_missing_rows_are_listed() {
    let model = load_str(SPEC).unwrap();
    let table = format!(
        "{HEADER}channel.thing\t1\tbeta\twebhook\tbroadcaster_id\tuser_id\t\tuser_id\tchannel:read:things|channel:manage:things\tuser_id: a:b\tid,other\tyes\nchannel.other\t2\tstable\twebhook\t\t\t\t\t\t\tid\tno\n"
    );
    let report = compare(&model, &table).unwrap();
    let text = report.to_string();
    assert_eq!(report.missing, ["channel.other v2"], "{text}");
    for what in [
        "status",
        "transports",
        "required condition fields",
        "optional condition fields",
        "token's-user field",
        "scopes",
        "app-token rule",
        "event fields only on one side: spec \"extra_field\", reference \"other\"",
        "batched",
    ] {
        assert!(text.contains(&format!("channel.thing v1: {what}")), "{what} is not named:\n{text}");
    }
    assert!(!report.is_complete());
}

#[test]
fn recorded_differences_are_listed_apart_with_their_reason() {
    let spec = format!("{SPEC}    reference_differs:\n      event_fields: \"the example carries extra_field\"\n");
    let model = load_str(&spec).unwrap();
    let table = format!("{HEADER}channel.thing\t1\tstable\twebhook,websocket,conduit\tbroadcaster_user_id\t\t\tbroadcaster_user_id\tchannel:read:things\t\tid\tno\n");
    let report = compare(&model, &table).unwrap();
    assert!(report.is_complete(), "{report}");
    assert_eq!(report.accepted.len(), 1, "{report}");
    assert!(report.accepted[0].contains("(the example carries extra_field)"), "{report}");
}

#[test]
fn a_table_without_the_needed_columns_is_an_error() {
    let model = load_str(SPEC).unwrap();
    let err = compare(&model, "type\tversion\n").unwrap_err();
    assert!(err.contains("no `status` column"), "{err}");
}
