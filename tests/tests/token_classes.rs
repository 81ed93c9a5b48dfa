//! The token class of each endpoint is enforced by the type checker: these
//! cases compile (or fail to) and the expected compiler output is checked in
//! next to them (EventSub's WebSocket session, user tokens only, among them:
//! `compile_fail/eventsub_*.rs`). Regenerate the `.stderr` files after a deliberate change with
//! `TRYBUILD=overwrite cargo test -p ttv-helix --test token_classes`.

#[test]
fn token_classes() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile_fail/*.rs");
    t.pass("tests/pass/*.rs");
}
