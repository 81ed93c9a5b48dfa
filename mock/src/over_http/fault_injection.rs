//! Injected faults as a client sees them: 429 with headers, cut bodies and
//! dropped connections.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::faults::{Fault, FaultKind};

#[test]
fn faults_over_a_real_socket() {
    use crate::test_http::{fixture_server, helix};
    use std::io::{Read, Write};
    let mock = fixture_server();
    let app = mock.issue_app_token();

    mock.faults().push(Fault::new(FaultKind::TooManyRequests { reset_after: Duration::from_secs(3) }));
    let r = helix(&mock, "GET", "/users?id=10001", &app, "");
    assert_eq!(r.status, 429);
    assert_eq!(r.header("ratelimit-remaining"), Some("0"));
    let reset: u64 = r.header("ratelimit-reset").and_then(|v| v.parse().ok()).expect("reset header");
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    assert!((now + 2..=now + 4).contains(&reset), "{reset} vs {now}");

    mock.faults().push(Fault::new(FaultKind::Truncated).on("/helix/users"));
    let cut = helix(&mock, "GET", "/users?id=10001", &app, "");
    let whole = helix(&mock, "GET", "/users?id=10001", &app, "");
    assert_eq!((cut.status, whole.status), (200, 200));
    assert!(whole.json().is_object() && cut.json().is_null(), "the fault hit the first request only");
    assert_eq!(cut.body.len(), whole.body.len() / 2);

    mock.faults().push(Fault::new(FaultKind::DropConnection));
    let mut stream = std::net::TcpStream::connect(mock.addr()).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let request = format!(
        "GET /helix/users?id=10001 HTTP/1.1\r\nHost: x\r\nClient-Id: {}\r\nAuthorization: Bearer {app}\r\n\r\n",
        mock.client_id()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    assert!(answer.is_empty(), "closed without a byte: {:?}", String::from_utf8_lossy(&answer));
    assert_eq!(helix(&mock, "GET", "/users?id=10001", &app, "").status, 200, "the server goes on");
}
