//! Generates the endpoint half of the library from endpoints.yaml.
fn main() {
    let manifest = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let spec = ttv_codegen::spec_path(&manifest);
    ttv_codegen::build_script(&spec, "endpoints.rs", ttv_codegen::emit::client::library);
    ttv_codegen::build_script(&spec, "eventsub.rs", ttv_codegen::emit::eventsub::library);
    ttv_codegen::build_script(&spec, "eventsub_catalog.rs", ttv_codegen::emit::eventsub_catalog::catalog);
}
