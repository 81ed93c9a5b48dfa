//! The accept loop. Each connection is served by hyper (HTTP/1.1 with
//! keep-alive; over TLS, HTTP/2 or HTTP/1.1 as ALPN decides) and carries a
//! [`Hangup`] in its requests' extensions, so a handler can close the
//! connection without answering, as a crashed server or a broken proxy would
//! (the `DropConnection` fault).
//!
//! A development server still must not be stopped by one misbehaving client:
//! a request head (and a TLS handshake) has to arrive within
//! `header_timeout`, and at `max_connections` the longest-idle connection
//! makes room for the new one (see [`Connections`]).

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::Request;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};

/// Closes the connection a request came on, without an answer.
#[derive(Debug, Clone, Default)]
pub struct Hangup(Arc<Notify>);

impl Hangup {
    pub fn hang_up(&self) {
        // A stored permit: works even before the connection task waits.
        self.0.notify_one();
    }
}

/// How long connections may dawdle and how many may be open.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_timeout: Duration,
    pub max_connections: usize,
}

/// The open connections: whether each has a request in progress and when it
/// last did something, so the cap evicts the idle one that waited longest.
#[derive(Debug, Default)]
struct Connections {
    open: Mutex<HashMap<u64, Activity>>,
}

#[derive(Debug)]
struct Activity {
    busy: u32,
    last: Instant,
    hangup: Hangup,
}

impl Connections {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Activity>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a new connection; false when every open one is busy and the
    /// cap is reached, so the new one must be closed.
    fn admit(&self, id: u64, hangup: Hangup, max: usize) -> bool {
        let mut open = self.lock();
        if open.len() >= max.max(1) {
            let idlest = open.iter().filter(|(_, a)| a.busy == 0).min_by_key(|(_, a)| a.last).map(|(id, _)| *id);
            match idlest {
                Some(evicted) => {
                    if let Some(a) = open.remove(&evicted) {
                        a.hangup.hang_up();
                    }
                }
                None => return false,
            }
        }
        open.insert(id, Activity { busy: 0, last: Instant::now(), hangup });
        true
    }

    fn request_started(&self, id: u64) {
        if let Some(a) = self.lock().get_mut(&id) {
            a.busy += 1;
            a.last = Instant::now();
        }
    }

    fn request_ended(&self, id: u64) {
        if let Some(a) = self.lock().get_mut(&id) {
            a.busy = a.busy.saturating_sub(1);
            a.last = Instant::now();
        }
    }

    fn closed(&self, id: u64) {
        self.lock().remove(&id);
    }
}

/// Serves `app` on `listener` until `stop` completes; then every open
/// connection is closed too.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    tls: Option<tokio_rustls::TlsAcceptor>,
    limits: Limits,
    stop: impl Future<Output = ()>,
) {
    let (closing, closed) = watch::channel(());
    let connections = Arc::new(Connections::default());
    let mut next_id = 0u64;
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    next_id += 1;
                    let hangup = Hangup::default();
                    if connections.admit(next_id, hangup.clone(), limits.max_connections) {
                        let conn = Conn { id: next_id, hangup, connections: connections.clone(), limits };
                        tokio::spawn(conn.run(stream, app.clone(), tls.clone(), closed.clone()));
                    }
                }
                // Out of file descriptors and the like: breathe, then go on.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
        }
    }
    drop(closing);
}

/// One admitted connection.
struct Conn {
    id: u64,
    hangup: Hangup,
    connections: Arc<Connections>,
    limits: Limits,
}

impl Conn {
    async fn run(
        self,
        stream: TcpStream,
        app: Router,
        tls: Option<tokio_rustls::TlsAcceptor>,
        mut closed: watch::Receiver<()>,
    ) {
        // Small answers must not wait for Nagle's algorithm.
        let _ = stream.set_nodelay(true);
        let tower = TowerToHyperService::new(app);
        let for_requests = self.hangup.clone();
        let (connections, id) = (self.connections.clone(), self.id);
        let service = service_fn(move |mut req: Request<Incoming>| {
            req.extensions_mut().insert(for_requests.clone());
            let answer = hyper::service::Service::call(&tower, req);
            let connections = connections.clone();
            connections.request_started(id);
            async move {
                let result = answer.await;
                connections.request_ended(id);
                result
            }
        });
        let mut h1 = http1::Builder::new();
        h1.timer(TokioTimer::new()).header_read_timeout(self.limits.header_timeout);
        match tls {
            None => {
                // Upgrades: the EventSub WebSocket at /ws.
                let conn = h1.serve_connection(TokioIo::new(stream), service).with_upgrades();
                until_closed(conn, &self.hangup, &mut closed).await;
            }
            Some(tls) => {
                // A client that gives up on the handshake (an untrusted
                // certificate) or never finishes it just goes.
                let handshake = tokio::time::timeout(self.limits.header_timeout, tls.accept(stream));
                let Ok(Ok(stream)) = handshake.await else {
                    self.connections.closed(self.id);
                    return;
                };
                let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                builder.http1().timer(TokioTimer::new()).header_read_timeout(self.limits.header_timeout);
                let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
                until_closed(conn, &self.hangup, &mut closed).await;
            }
        }
        self.connections.closed(self.id);
    }
}

/// Runs a connection until it ends, a handler hangs up, or the server stops.
async fn until_closed(conn: impl Future, hangup: &Hangup, closed: &mut watch::Receiver<()>) {
    tokio::select! {
        _ = conn => {}
        // Dropping `conn` here closes the socket with nothing written.
        _ = hangup.0.notified() => {}
        _ = closed.changed() => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_evicts_the_longest_idle_connection_and_never_a_busy_one() {
        let c = Connections::default();
        let (a, b) = (Hangup::default(), Hangup::default());
        assert!(c.admit(1, a.clone(), 2));
        assert!(c.admit(2, b.clone(), 2));
        c.request_started(2);
        c.request_ended(2); // 2 did something after 1 was opened: 1 is the idlest.
        assert!(c.admit(3, Hangup::default(), 2));
        assert!(!c.lock().contains_key(&1), "the idlest connection made room");
        assert!(c.lock().contains_key(&2));
        // When every open connection has a request in progress, the new one is refused.
        c.request_started(2);
        c.request_started(3);
        assert!(!c.admit(4, Hangup::default(), 2));
        c.closed(2);
        assert!(c.admit(4, Hangup::default(), 2));
    }
}
