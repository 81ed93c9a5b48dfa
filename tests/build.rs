//! Generates `decode_as`, the per-endpoint dispatch the conformance test needs:
//! response types differ per endpoint, so decoding "the answer of endpoint X"
//! takes one match arm per endpoint in the spec. Also the CLI's verb table
//! (`verbs.rs`), as the CLI's own build emits it: the library carries no verbs.

use std::fmt::Write;

fn main() {
    let manifest = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let spec = ttv_codegen::spec_path(&manifest);
    ttv_codegen::build_script(&spec, "decode_as.rs", decode_as);
    ttv_codegen::build_script(&spec, "verbs.rs", ttv_codegen::emit::cli::verb_lookup);
}

/// `fn decode_as(endpoint_name, body)`: decodes `body` through the generated
/// output type of the endpoint with that reference name and serializes it back
/// to JSON. Pure: the same model gives the same text.
fn decode_as(model: &ttv_codegen::Model) -> String {
    let mut arms = String::new();
    for e in &model.endpoints {
        writeln!(arms, "        {:?} => decode::<ttv_helix::requests::{}>(body),", e.name, e.type_name).unwrap();
    }
    format!(
        "{header}
/// Decodes `body` as the answer of the endpoint named `endpoint_name` (the
/// reference's name) with the generated types, then serializes the result back.
#[allow(deprecated)]
pub fn decode_as(endpoint_name: &str, body: &[u8]) -> Result<serde_json::Value, String> {{
    match endpoint_name {{
{arms}        other => Err(format!(\"no endpoint named `{{other}}` in the spec\")),
    }}
}}

fn decode<E: ttv_helix::Endpoint>(body: &[u8]) -> Result<serde_json::Value, String>
where
    E::Output: serde::Serialize,
{{
    let output = <E::Output as ttv_helix::Decode>::decode(E::meta(), body).map_err(|e| e.to_string())?;
    serde_json::to_value(&output).map_err(|e| e.to_string())
}}
",
        header = ttv_codegen::emit::HEADER
    )
}
