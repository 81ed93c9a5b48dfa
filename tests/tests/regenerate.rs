//! Editing the spec is all it takes: a fixture spec with one more endpoint,
//! built through the real build scripts, yields one more library method, one
//! more CLI verb and one more mock route, with nothing hand-written.
//!
//! This builds the workspace twice into its own target folder (the first run
//! compiles the dependencies there once), so it is the slowest test here.

use std::path::{Path, PathBuf};
use std::process::Command;
use ttv_tests::workspace_root;

const EXTRA_ENDPOINT: &str = r#"
  - name: Get Widget Report
    summary: A made-up endpoint that exists only in this test's spec.
    doc: get-widget-report
    method: GET
    path: /widgets/{widget_id}/report
    auth: either
    params:
      widget_id: {type: string, in: path, required: true, summary: The widget.}
      first: {type: integer, range: [1, 50]}
    response: {item: Conduit, paginated: true}
"#;

fn build(spec: &Path, target: &Path) -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["build", "--quiet", "-p", "ttv", "--bin", "ttv", "--target-dir"])
        .arg(target)
        .env("TTV_SPEC", spec)
        .current_dir(workspace_root())
        .output()
        .expect("cargo runs");
    assert!(out.status.success(), "build with {} failed:\n{}", spec.display(), String::from_utf8_lossy(&out.stderr));
    target.join("debug").join(format!("ttv{}", std::env::consts::EXE_SUFFIX))
}

/// Verb names listed by `ttv --help`.
fn verbs(bin: &Path) -> Vec<String> {
    let out = Command::new(bin).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout).into_owned();
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect()
}

#[test]
fn one_more_endpoint_in_the_spec_is_one_more_method_verb_and_route() {
    let root = workspace_root();
    let fixture = root.join("codegen/tests/fixtures/small.yaml");
    let work = tempfile::tempdir().unwrap();
    let target = root.join("target/regen");

    let base_bin = build(&fixture, &target);
    let base = verbs(&base_bin);

    let text = std::fs::read_to_string(&fixture).unwrap();
    let plus = text.replacen("\ntypes:\n", &format!("{EXTRA_ENDPOINT}\ntypes:\n"), 1);
    assert_ne!(plus, text, "the fixture has a `types:` section to insert before");
    let plus_spec = work.path().join("plus.yaml");
    std::fs::write(&plus_spec, plus).unwrap();
    let plus_bin = build(&plus_spec, &target);
    let plus = verbs(&plus_bin);

    let added: Vec<&String> = plus.iter().filter(|v| !base.contains(v)).collect();
    assert_eq!(added, ["get-widget-report"], "base verbs {base:?}, new verbs {plus:?}");
    assert_eq!(plus.len(), base.len() + 1);

    // The new verb runs end to end against the embedded mock, whose routes
    // come from the same spec; the path parameter lands in the path.
    let out = Command::new(&plus_bin)
        .args(["--mock", "get-widget-report", "--widget-id", "w1", "--first", "2"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let data: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(data.as_array().map(Vec::len), Some(2), "{data}");
    assert!(data[0].get("shard_count").is_some(), "items have the Conduit shape: {data}");

    // And the library gained the typed method (the emitted source is what the build compiled).
    let model = ttv_codegen::load_file(&plus_spec).unwrap();
    let lib = ttv_codegen::emit::client::library(&model);
    assert!(lib.contains("pub fn get_widget_report("));
    assert!(lib.contains("widget_id: impl Into<String>"));
}
