//! EventSub helpers for the end-to-end tests: the mock's controls under
//! `{base}/mock/eventsub/` over plain HTTP (no token, outside Helix, so they
//! count neither as Helix requests nor against a bucket), and waiting for a
//! `ttv` subprocess without hanging.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, ChildStdout};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use ttv_mock::MockServer;

/// Guards against hangs only; nothing is timed against it.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// Scopes the EventSub tests' user tokens hold (follows and chat).
pub const EVENTSUB_SCOPES: &[&str] = &["moderator:read:followers", "user:read:chat", "user:write:chat"];

/// The controls of one mock (a plain-HTTP mock: a TLS mock's controls are
/// reached through `ttv events trigger` instead).
#[derive(Debug, Clone, Copy)]
pub struct Controls {
    addr: SocketAddr,
}

/// A control's answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Controls {
    /// The controls of `mock`.
    pub fn of(mock: &MockServer) -> Controls {
        Controls { addr: mock.addr() }
    }

    /// `POST /mock/eventsub/{path}` with `body`; panics unless it answers 200.
    pub fn post(&self, path: &str, body: Value) -> Value {
        let answer = self.send("POST", path, Some(&body));
        assert_eq!(answer.status, 200, "POST /mock/eventsub/{path} {body}: {}", answer.body);
        answer.body
    }

    /// `GET /mock/eventsub/sessions`: every session's `data` item.
    pub fn sessions(&self) -> Vec<Value> {
        let answer = self.send("GET", "sessions", None);
        assert_eq!(answer.status, 200, "{}", answer.body);
        answer.body["data"].as_array().cloned().unwrap_or_default()
    }

    /// One session of the sessions control, if it is listed.
    pub fn session(&self, id: &str) -> Option<Value> {
        self.sessions().into_iter().find(|s| s["id"] == id)
    }

    /// Polls the sessions control until one session satisfies `check`.
    pub fn session_until(&self, what: &str, check: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let all = self.sessions();
            if let Some(found) = all.iter().find(|s| check(s)) {
                return found.clone();
            }
            assert!(Instant::now() < deadline, "no session {what}: {all:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `POST /mock/eventsub/timers` (milliseconds).
    pub fn timers(&self, body: Value) {
        self.post("timers", body);
    }

    /// `POST /mock/eventsub/trigger`; the message ids the mock sent.
    pub fn trigger(&self, body: Value) -> Vec<String> {
        let done = self.post("trigger", body);
        ids(&done["message_ids"])
    }

    /// `POST /mock/eventsub/sessions/{id}/{what}` (reconnect, drop, silence).
    pub fn session_control(&self, id: &str, what: &str, body: Value) -> Value {
        self.post(&format!("sessions/{id}/{what}"), body)
    }

    /// One exchange with the mock, over a fresh connection.
    pub fn send(&self, method: &str, path: &str, body: Option<&Value>) -> Answer {
        let body = body.map(Value::to_string).unwrap_or_default();
        let mut stream = TcpStream::connect(self.addr).expect("the mock accepts");
        stream.set_read_timeout(Some(PATIENCE)).expect("a read timeout");
        let head = format!(
            "{method} /mock/eventsub/{path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.addr,
            body.len()
        );
        stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body.as_bytes())).expect("the request goes");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("the answer comes");
        parse_answer(&raw)
    }
}

/// The strings of a JSON array (message ids, subscription ids).
pub fn ids(list: &Value) -> Vec<String> {
    list.as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect()
}

fn parse_answer(raw: &[u8]) -> Answer {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("an HTTP head");
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status line");
    let mut body = raw[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        body = unchunk(&body);
    }
    let body = if body.is_empty() { json!(null) } else { serde_json::from_slice(&body).expect("a JSON answer") };
    Answer { status, body }
}

fn unchunk(mut rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = rest.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&rest[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&rest[end + 2..end + 2 + size]);
        rest = &rest[end + 2 + size + 2..];
    }
    out
}

/// A `ttv` run in the background whose stdout lines are read as they come.
pub struct Background {
    child: Child,
    lines: mpsc::Receiver<String>,
    stderr: Option<std::thread::JoinHandle<String>>,
}

/// How a background run ended.
#[derive(Debug)]
pub struct Ended {
    pub code: i32,
    pub lines: Vec<String>,
    pub stderr: String,
}

impl Background {
    /// Spawns `cmd` with stdout and stderr piped.
    pub fn spawn(cmd: &mut std::process::Command) -> Background {
        use std::process::Stdio;
        let mut child =
            cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("ttv starts");
        let stdout: ChildStdout = child.stdout.take().expect("piped stdout");
        let mut stderr = child.stderr.take().expect("piped stderr");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        Background { child, lines, stderr: Some(stderr) }
    }

    /// Polls the sessions control until a session holds a subscription (the
    /// run subscribed); fails at once, with its stderr, if the run ended first.
    pub fn until_subscribed(&mut self, controls: &Controls) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let all = controls.sessions();
            if let Some(found) = all.iter().find(|s| s["subscriptions"].as_array().is_some_and(|a| !a.is_empty())) {
                return found.clone();
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                let stderr = self.stderr.take().and_then(|h| h.join().ok()).unwrap_or_default();
                panic!("ttv ended ({status}) before subscribing:\n{stderr}");
            }
            assert!(Instant::now() < deadline, "ttv never subscribed: {all:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for the run to end (killing it after [`PATIENCE`], which fails the test).
    pub fn wait(mut self) -> Ended {
        let deadline = Instant::now() + PATIENCE;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("the child is there") {
                break status;
            }
            if Instant::now() >= deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                let stderr = self.stderr.take().and_then(|h| h.join().ok()).unwrap_or_default();
                panic!("ttv did not end within {PATIENCE:?}; stderr:\n{stderr}");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let stderr = self.stderr.take().and_then(|h| h.join().ok()).unwrap_or_default();
        // The reader thread ends with the pipe; everything it read is queued.
        let lines = self.lines.iter().collect();
        Ended { code: status.code().unwrap_or(-1), lines, stderr }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        // A test that panicked leaves no ttv behind.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
