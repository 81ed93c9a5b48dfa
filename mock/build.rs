//! Generates the mock's route table and EventSub catalog from endpoints.yaml.
fn main() {
    let manifest = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let spec = ttv_codegen::spec_path(&manifest);
    ttv_codegen::build_script(&spec, "routes.rs", ttv_codegen::emit::mock::routes);
    ttv_codegen::build_script(&spec, "eventsub_catalog.rs", ttv_codegen::emit::eventsub_catalog::catalog);
}
