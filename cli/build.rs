//! Generates the verb dispatch from endpoints.yaml.
fn main() {
    let manifest = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let spec = ttv_codegen::spec_path(&manifest);
    ttv_codegen::build_script(&spec, "verbs.rs", ttv_codegen::emit::cli::verbs);
}
