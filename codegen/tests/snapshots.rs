//! The emitted code for a small fixture spec, reviewed as snapshots. The same
//! emitters run in the build scripts; the regeneration test in `ttv-tests`
//! compiles this fixture into a working client, CLI and mock.

use std::path::Path;

fn fixture() -> ttv_codegen::Model {
    ttv_codegen::load_file(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small.yaml")).unwrap()
}

#[test]
fn library_snapshot() {
    insta::assert_snapshot!("library", ttv_codegen::emit::client::library(&fixture()));
}

#[test]
fn cli_verbs_snapshot() {
    insta::assert_snapshot!("verbs", ttv_codegen::emit::cli::verbs(&fixture()));
}

#[test]
fn mock_routes_snapshot() {
    insta::assert_snapshot!("routes", ttv_codegen::emit::mock::routes(&fixture()));
}

#[test]
fn output_is_byte_for_byte_deterministic() {
    let (a, b) = (fixture(), fixture());
    assert_eq!(ttv_codegen::emit::client::library(&a), ttv_codegen::emit::client::library(&b));
    assert_eq!(ttv_codegen::emit::cli::verbs(&a), ttv_codegen::emit::cli::verbs(&b));
    assert_eq!(ttv_codegen::emit::mock::routes(&a), ttv_codegen::emit::mock::routes(&b));
}

/// The library's table carries client facts only: the mock's data sources,
/// filters and answer shapes are in the mock's own table, and the library
/// describes only the types its request parameters are made of.
#[test]
fn the_mock_facts_are_in_the_mock_table_only() {
    let model = fixture();
    let lib = ttv_codegen::emit::client::library(&model);
    let routes = ttv_codegen::emit::mock::routes(&model);
    for mock_only in ["MockFilter", ".source(", "pub static USER: TypeMeta", "pub static CONDUIT: TypeMeta"] {
        assert!(!lib.contains(mock_only), "the library emits {mock_only}");
    }
    assert!(lib.contains("pub static LABEL_INPUT: TypeMeta"), "a body parameter's type stays");
    assert!(routes.contains(r#".source("users")"#));
    assert!(routes.contains(r#"("login", MockFilter::Eq("login"))"#));
    assert!(routes.contains("pub static CONDUIT: TypeMeta"));
    assert!(routes.contains("pub static GET_USERS: EndpointMeta"), "the same endpoint statics");
    assert!(routes.contains(".item(Shape::Object(&type_meta::USER))"));
}

#[test]
fn output_carries_the_generated_header_and_spec_docs() {
    let lib = ttv_codegen::emit::client::library(&fixture());
    assert!(lib.starts_with("// @generated"));
    assert!(lib.contains("/// **Get Followed Streams**: Live streams of the channels the user follows."));
    assert!(lib.contains("scopes: `user:read:follows`"));
    assert!(lib.contains("https://dev.twitch.tv/docs/api/reference#get-followed-streams"));
    assert!(lib.contains("T: ttv_runtime::Permits<ttv_runtime::User>"));
    assert!(lib.contains("T: ttv_runtime::Permits<ttv_runtime::App>"));
}

/// The real spec's emitted code, reviewed as snapshots too: a YAML edit or a
/// generator change shows up here as the exact code it changes. After an
/// intended change, `INSTA_UPDATE=always cargo test -p ttv-codegen --test
/// snapshots` rewrites them (or `cargo insta review`, if installed).
#[test]
fn real_spec_snapshots() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../endpoints.yaml");
    let model = ttv_codegen::load_file(&path).unwrap();
    let lib = ttv_codegen::emit::client::library(&model);
    for e in &model.endpoints {
        assert!(lib.contains(&format!("pub fn {}(", e.method_name)), "no method for {}", e.name);
    }
    insta::assert_snapshot!("real_library", lib);
    insta::assert_snapshot!("real_verbs", ttv_codegen::emit::cli::verbs(&model));
}
