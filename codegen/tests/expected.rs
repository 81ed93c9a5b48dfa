//! The emitters' output, reviewed as Rust: for the small fixture spec and for
//! the real `endpoints.yaml`, each consumer's generated file is kept under
//! `tests/expected/` and must match byte for byte. A generator change or a spec
//! edit therefore shows up in review as the exact Rust it changes. The files
//! are real code, not pictures of it: the real spec's output is what ttv-helix,
//! ttv and ttv-mock compile, and the `regenerate` test in ttv-tests compiles
//! and runs the fixture's.
//!
//! After an intended change: `TTV_ACCEPT=1 cargo test -p ttv-codegen --test expected`.

use std::path::{Path, PathBuf};
use ttv_codegen::Model;

type Emitter = fn(&Model) -> String;

/// Every consumer's emitter and the file it writes.
const EMITTERS: [(&str, Emitter); 5] = [
    ("endpoints.rs", ttv_codegen::emit::client::library),
    ("eventsub.rs", ttv_codegen::emit::eventsub::library),
    ("eventsub_catalog.rs", ttv_codegen::emit::eventsub_catalog::catalog),
    ("verbs.rs", ttv_codegen::emit::cli::verbs),
    ("routes.rs", ttv_codegen::emit::mock::routes),
];

fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compares (or, with `TTV_ACCEPT=1`, rewrites) the expected files of one spec.
fn check(spec: &Path, folder: &str) {
    let model = ttv_codegen::load_file(spec).unwrap_or_else(|e| panic!("{}: {e}", spec.display()));
    let dir = here().join("tests/expected").join(folder);
    let accept = std::env::var_os("TTV_ACCEPT").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for (file, emit) in EMITTERS {
        let emitted = emit(&model);
        let path = dir.join(file);
        if accept {
            std::fs::create_dir_all(&dir).expect("create tests/expected");
            std::fs::write(&path, &emitted).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if expected != emitted {
            let line = expected.lines().zip(emitted.lines()).position(|(a, b)| a != b);
            let at = line.map_or_else(|| "at the end".to_owned(), |n| format!("from line {}", n + 1));
            stale.push(format!("{folder}/{file} differs {at}"));
        }
    }
    assert!(
        stale.is_empty(),
        "the generated code changed: {}.\nReview it, then accept it with \
         `TTV_ACCEPT=1 cargo test -p ttv-codegen --test expected` and read `git diff codegen/tests/expected`.",
        stale.join("; ")
    );
}

#[test]
fn fixture_spec_output_is_as_expected() {
    check(&here().join("tests/fixtures/small.yaml"), "small");
}

#[test]
fn real_spec_output_is_as_expected() {
    let model_path = here().join("../endpoints.yaml");
    let model = ttv_codegen::load_file(&model_path).expect("the real spec is valid");
    let lib = ttv_codegen::emit::client::library(&model);
    for e in &model.endpoints {
        assert!(lib.contains(&format!("pub fn {}(", e.method_name)), "no method for {}", e.name);
    }
    check(&model_path, "real");
}

#[test]
fn output_is_byte_for_byte_deterministic() {
    let spec = here().join("tests/fixtures/small.yaml");
    let (a, b) = (ttv_codegen::load_file(&spec).expect("valid"), ttv_codegen::load_file(&spec).expect("valid"));
    for (file, emit) in EMITTERS {
        assert_eq!(emit(&a), emit(&b), "{file}");
    }
}

#[test]
fn output_carries_the_generated_header_and_spec_docs() {
    let model = ttv_codegen::load_file(&here().join("tests/fixtures/small.yaml")).expect("valid");
    let lib = ttv_codegen::emit::client::library(&model);
    assert!(lib.starts_with("// @generated"));
    assert!(lib.contains("/// **Get Followed Streams**: Live streams of the channels the user follows."));
    assert!(lib.contains("scopes: `user:read:follows`"));
    assert!(lib.contains("https://dev.twitch.tv/docs/api/reference#get-followed-streams"));
    assert!(lib.contains("T: ttv_runtime::Permits<ttv_runtime::User>"));
    assert!(lib.contains("T: ttv_runtime::Permits<ttv_runtime::App>"));
    for (file, emit) in EMITTERS {
        assert!(emit(&model).starts_with(ttv_codegen::emit::HEADER), "{file}");
    }
}

/// The library's table carries client facts only: the mock's data sources,
/// filters and answer shapes are in the mock's own table, and the library
/// describes only the types its request parameters are made of.
#[test]
fn the_mock_facts_are_in_the_mock_table_only() {
    let model = ttv_codegen::load_file(&here().join("tests/fixtures/small.yaml")).expect("valid");
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
