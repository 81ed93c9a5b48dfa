//! The EventSub catalog generated from endpoints.yaml (see `build.rs`):
//! each subscription type's condition and the shape of its event.

include!(concat!(env!("OUT_DIR"), "/eventsub_catalog.rs"));
