//! ttv-codegen: reads `endpoints.yaml`, validates it into one model, and emits
//! the library (`ttv-helix`), the CLI verbs (`ttv`) and the mock's route table.
//!
//! The format is documented in `SPEC.md` next to this crate's `Cargo.toml`.

#![deny(missing_docs)]

pub mod coverage;
pub mod emit;
pub mod error;
pub mod eventsub_coverage;
pub mod eventsub_model;
pub mod eventsub_spec;
pub mod model;
pub mod spec;
pub mod typeexpr;
pub mod validate;

pub use error::{SpecError, SpecErrors};
pub use model::Model;
pub use validate::load_str;

use std::path::Path;

/// Reads and validates a spec file.
pub fn load_file(path: &Path) -> Result<Model, SpecErrors> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| SpecErrors::single("", "", format!("cannot read {}: {e}", path.display())))?;
    load_str(&text).map_err(|mut errs| {
        for e in &mut errs.0 {
            if e.place.is_empty() {
                e.place = path.display().to_string();
            }
        }
        errs
    })
}

/// For build scripts: loads `spec`, writes `file_name` into `OUT_DIR` with `emit`,
/// and asks cargo to rerun when the spec changes. A bad spec fails the build
/// with the list of problems.
pub fn build_script(spec: &Path, file_name: &str, emit: fn(&Model) -> String) {
    println!("cargo:rerun-if-changed={}", spec.display());
    println!("cargo:rerun-if-env-changed=TTV_SPEC");
    let model = match load_file(spec) {
        Ok(m) => m,
        Err(errs) => {
            for e in &errs.0 {
                println!("cargo:warning={e}");
            }
            panic!("{errs}");
        }
    };
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR is set by cargo"));
    let text = emit(&model);
    let path = out.join(file_name);
    // Rewrite only on change so dependants do not rebuild for nothing.
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
}

/// Where build scripts find the spec: `TTV_SPEC` if set (tests use it to build
/// against a fixture), else `endpoints.yaml` in the crate's own folder. In the
/// repository that file is a link to the one at the workspace root; `cargo
/// package` stores its content, so a packaged crate carries the spec it builds from.
pub fn spec_path(manifest_dir: &Path) -> std::path::PathBuf {
    match std::env::var_os("TTV_SPEC") {
        Some(p) => p.into(),
        None => manifest_dir.join("endpoints.yaml"),
    }
}
