//! Connection limits against clients that never finish a request head.

use std::time::Duration;

/// Slow clients (slowloris) holding every connection slot neither stop
/// the server answering nor keep their sockets for ever.
#[test]
fn slow_clients_neither_lock_others_out_nor_stay_open() {
    use std::io::{Read, Write};
    let server = crate::server::MockServer::start_background(crate::config::MockConfig {
        users: 10,
        games: 2,
        routes: crate::test_fixtures::ROUTES,
        header_timeout: Duration::from_millis(300),
        max_connections: 20,
        ..crate::config::MockConfig::default()
    })
    .expect("start mock");
    // Four times the cap, each sending half a request head and then nothing.
    let mut slow: Vec<std::net::TcpStream> = (0..80)
        .map(|_| {
            let mut s = std::net::TcpStream::connect(server.addr()).expect("connect");
            s.write_all(b"GET /helix/users HTTP/1.1\r\nHost: x\r\n").expect("half a head");
            s
        })
        .collect();
    // A well-behaved client is still answered.
    let reply = crate::test_http::send(server.addr(), "GET", "/helix/users", &[], b"");
    assert!(reply.status < 500, "answered while slow clients wait: {}", reply.status);
    // Each slow connection is closed by the server (evicted or timed out):
    // reading gives end-of-file or a reset well before the 10 s guard.
    for s in &mut slow {
        s.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
        // Whatever the server wrote before closing (perhaps a 408), then end-of-file.
        let mut rest = Vec::new();
        match s.read_to_end(&mut rest) {
            Ok(_) => {}
            Err(e) => assert!(
                e.kind() != std::io::ErrorKind::WouldBlock && e.kind() != std::io::ErrorKind::TimedOut,
                "a slow connection was left open: {e}"
            ),
        }
    }
}
