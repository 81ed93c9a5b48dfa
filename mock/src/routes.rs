//! The route table generated from endpoints.yaml (see `build.rs`).

include!(concat!(env!("OUT_DIR"), "/routes.rs"));
