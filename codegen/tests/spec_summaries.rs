//! Every answer field, body field and type of the real `endpoints.yaml` has a
//! summary that says more than its own name: the summary is the field's doc in
//! the library and its line in `--help`, and a bare name teaches nothing.

use std::path::PathBuf;

use ttv_codegen::model::{Location, Model};

fn real_spec() -> Model {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../endpoints.yaml");
    ttv_codegen::load_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Lowercase letters and digits only, so `user_name`, `userName` and "User name." compare equal.
fn letters_and_digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// Why `summary` does not document `name`, or `None` when it does.
fn problem(name: &str, summary: &str) -> Option<&'static str> {
    let (said, name) = (letters_and_digits(summary), letters_and_digits(name));
    if summary.trim().is_empty() {
        Some("no summary")
    } else if said == name || said.strip_prefix("the") == Some(name.as_str()) {
        Some("the summary only repeats the name")
    } else {
        None
    }
}

/// Every place in the spec without a useful summary, as `Type.field: why`.
fn undocumented(model: &Model) -> Vec<String> {
    let mut found = Vec::new();
    for t in &model.types {
        if let Some(why) = problem(&t.name, &t.summary) {
            found.push(format!("type {}: {why}", t.name));
        }
        for f in &t.fields {
            if let Some(why) = problem(&f.name, &f.summary) {
                found.push(format!("{}.{}: {why}", t.name, f.name));
            }
        }
    }
    for e in &model.endpoints {
        for p in e.params.iter().filter(|p| p.location == Location::Body) {
            if let Some(why) = problem(&p.name, &p.summary) {
                found.push(format!("{} body.{}: {why}", e.name, p.name));
            }
        }
    }
    found
}

#[test]
fn every_answer_and_body_field_has_a_summary_of_its_own() {
    let found = undocumented(&real_spec());
    assert!(found.is_empty(), "{} places in endpoints.yaml lack a useful summary:\n{}", found.len(), found.join("\n"));
}

#[test]
fn a_summary_that_only_repeats_the_name_is_caught() {
    assert_eq!(problem("user_name", "User name."), Some("the summary only repeats the name"));
    assert_eq!(problem("user_name", "The user name"), Some("the summary only repeats the name"));
    assert_eq!(problem("ChatSettings", "Chat settings."), Some("the summary only repeats the name"));
    assert_eq!(problem("theme_mode", "Theme mode."), Some("the summary only repeats the name"));
    assert_eq!(problem("id", ""), Some("no summary"));
    assert_eq!(problem("user_name", "The user's display name."), None);
}
