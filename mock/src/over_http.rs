//! Tests of the whole server over real sockets on 127.0.0.1, through the
//! small client in `test_http`. They sit at the top of the module graph, with
//! the server; the modules below are unit-tested in their own files.

mod eventsub_ws;
mod fault_injection;
mod helix_routes;
mod login_flows;
mod oauth_tokens;
mod slow_clients;
