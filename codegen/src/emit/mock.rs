//! The mock server's generated half: every endpoint's rules and the shape of
//! every type, so that it routes, checks and answers as the spec says.

use crate::model::Model;

/// The whole `routes.rs` of ttv-mock.
pub fn routes(model: &Model) -> String {
    super::render(super::meta::table(model))
}
