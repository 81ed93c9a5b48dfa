//! The accept loop. Each connection is served by hyper (HTTP/1.1 with
//! keep-alive; over TLS, HTTP/2 or HTTP/1.1 as ALPN decides) and carries a
//! [`Hangup`] in its requests' extensions, so a handler can close the
//! connection without answering, as a crashed server or a broken proxy would
//! (the `DropConnection` fault).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::Request;
use hyper_util::rt::{TokioExecutor, TokioIo};
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

/// Serves `app` on `listener` until `stop` completes; then every open
/// connection is closed too.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    tls: Option<tokio_rustls::TlsAcceptor>,
    stop: impl Future<Output = ()>,
) {
    let (closing, closed) = watch::channel(());
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(connection(stream, app.clone(), tls.clone(), closed.clone()));
                }
                // Out of file descriptors and the like: breathe, then go on.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
        }
    }
    drop(closing);
}

async fn connection(
    stream: TcpStream,
    app: Router,
    tls: Option<tokio_rustls::TlsAcceptor>,
    mut closed: watch::Receiver<()>,
) {
    // Small answers must not wait for Nagle's algorithm.
    let _ = stream.set_nodelay(true);
    let hangup = Hangup::default();
    let tower = TowerToHyperService::new(app);
    let for_requests = hangup.clone();
    let service = service_fn(move |mut req: Request<Incoming>| {
        req.extensions_mut().insert(for_requests.clone());
        hyper::service::Service::call(&tower, req)
    });
    let Some(tls) = tls else {
        let conn = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
        return until_closed(conn, &hangup, &mut closed).await;
    };
    // A client that gives up on the handshake (an untrusted certificate) just goes.
    let Ok(stream) = tls.accept(stream).await else { return };
    let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    until_closed(conn, &hangup, &mut closed).await;
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
