//! One WebSocket connection at `/ws`: the welcome (or, on a reconnect URL,
//! the handover), keepalives when idle, pings, and the closes Twitch sends:
//! 4001 for any data frame from the client, 4002 for pings left unanswered,
//! 4003 when no subscription came within the welcome window, and whatever a
//! control asks for.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use tokio::sync::mpsc;
use tokio::time::{sleep_until, Instant};

use super::messages;
use super::session::{status_of_close, EventSub, Out, Start};

/// Pings go out at least this often (Twitch: every few seconds).
const MAX_PING_INTERVAL: Duration = Duration::from_secs(5);
/// A ping unanswered for this long (and for three ping intervals) closes with 4002.
const MIN_PONG_WAIT: Duration = Duration::from_secs(10);
/// How long to wait for the client's answer to a close frame.
const CLOSE_WAIT: Duration = Duration::from_secs(2);

/// Answers the upgrade request of `/ws` and runs the connection.
pub async fn upgrade(hub: Arc<EventSub>, mut parts: Parts) -> Response {
    let ws = match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
        Ok(ws) => ws,
        Err(rejection) => return rejection.into_response(),
    };
    let params = crate::params::Params::from_query(parts.uri.query().unwrap_or_default());
    let keepalive = params.first("keepalive_timeout_seconds").map(|s| s.trim().parse::<u64>().ok());
    // A value that is no whole number: Twitch's default.
    let keepalive = keepalive.flatten();
    let reconnect = params.first("reconnect").map(str::to_owned);
    ws.on_upgrade(move |socket| run(hub, socket, keepalive, reconnect))
}

/// The reason text of a close code, as Twitch names them.
fn reason(code: u16) -> &'static str {
    match code {
        1000 => "",
        4000 => "internal server error",
        4001 => "sent inbound traffic",
        4002 => "failed ping pong",
        4003 => "connection unused",
        4004 => "reconnect grace time expired",
        4005 => "network timeout",
        4006 => "network error",
        4007 => "invalid reconnect",
        _ => "closed by ttv-mock",
    }
}

async fn close(socket: &mut WebSocket, code: u16) {
    let frame = CloseFrame { code, reason: reason(code).into() };
    if socket.send(Message::Close(Some(frame))).await.is_err() {
        return;
    }
    // Read until the client's close answer, so the frame is not lost in a reset.
    let _ = tokio::time::timeout(CLOSE_WAIT, async { while let Some(Ok(_)) = socket.recv().await {} }).await;
}

async fn run(hub: Arc<EventSub>, mut socket: WebSocket, keepalive: Option<u64>, reconnect: Option<String>) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let start = match &reconnect {
        Some(token) => match hub.claim(token) {
            Some(start) => start,
            None => return close(&mut socket, 4007).await,
        },
        None => hub.open(keepalive, tx.clone()),
    };
    let welcome = messages::welcome(&start.session_id, &start.connected_at, &start.keepalive_seconds);
    let status = if socket.send(Message::Text(welcome.text.into())).await.is_err() {
        status_of_close(None)
    } else {
        if reconnect.is_some() {
            hub.welcomed(&start.session_id, start.conn_id, tx);
        } else {
            drop(tx);
        }
        serve(&hub, &mut socket, &mut rx, &start).await
    };
    hub.ended(&start.session_id, start.conn_id, status);
}

fn ping_interval(keepalive: Duration) -> Duration {
    keepalive.min(MAX_PING_INTERVAL).max(Duration::from_millis(1))
}

/// Keepalives go out when nothing was sent for three quarters of the
/// timeout, so a client's watchdog never fires on a healthy connection.
fn idle_limit(keepalive: Duration) -> Duration {
    (keepalive * 3 / 4).max(Duration::from_millis(1))
}

/// Runs the connection until it ends; returns the subscription status it leaves.
async fn serve(
    hub: &EventSub,
    socket: &mut WebSocket,
    rx: &mut mpsc::UnboundedReceiver<Out>,
    start: &Start,
) -> &'static str {
    let mut keepalive = start.keepalive;
    let mut last_sent = Instant::now();
    let mut ping_every = ping_interval(keepalive);
    let mut next_ping = Instant::now() + ping_every;
    let mut unanswered: Option<Instant> = None;
    let mut silenced = false;
    let far = Instant::now() + Duration::from_secs(86_400 * 365);
    let mut window = start.welcome_window.map(|w| Instant::now() + w);
    let mut stop = hub.shutdown_signal();
    loop {
        tokio::select! {
            incoming = socket.recv() => match incoming {
                None | Some(Err(_)) => return status_of_close(None),
                Some(Ok(Message::Close(_))) => {
                    // The close answer goes out on the next read.
                    let _ = tokio::time::timeout(CLOSE_WAIT, socket.recv()).await;
                    return status_of_close(None);
                }
                Some(Ok(Message::Text(_) | Message::Binary(_))) => {
                    close(socket, 4001).await;
                    return status_of_close(Some(4001));
                }
                Some(Ok(Message::Pong(_))) => unanswered = None,
                // Answered by the protocol layer; not traffic Twitch refuses.
                Some(Ok(Message::Ping(_))) => {}
            },
            out = rx.recv() => match out {
                None => return status_of_close(None),
                Some(Out::Text(text)) => {
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        return status_of_close(None);
                    }
                    last_sent = Instant::now();
                }
                Some(Out::Close(code)) => {
                    close(socket, code).await;
                    return status_of_close(Some(code));
                }
                // Dropping the socket closes TCP with no close frame.
                Some(Out::Hangup) => return status_of_close(None),
                Some(Out::Silence) => silenced = true,
                Some(Out::Keepalive(d)) => {
                    keepalive = d;
                    ping_every = ping_interval(d);
                    next_ping = Instant::now() + ping_every;
                }
            },
            _ = sleep_until(last_sent + idle_limit(keepalive)), if !silenced => {
                if socket.send(Message::Text(messages::keepalive().text.into())).await.is_err() {
                    return status_of_close(None);
                }
                last_sent = Instant::now();
            }
            _ = sleep_until(next_ping), if !silenced => {
                let patience = (ping_every * 3).max(MIN_PONG_WAIT);
                if unanswered.is_some_and(|since| since.elapsed() > patience) {
                    close(socket, 4002).await;
                    return status_of_close(Some(4002));
                }
                unanswered.get_or_insert_with(Instant::now);
                if socket.send(Message::Ping(axum::body::Bytes::new())).await.is_err() {
                    return status_of_close(None);
                }
                next_ping = Instant::now() + ping_every;
            }
            _ = sleep_until(window.unwrap_or(far)), if window.is_some() => {
                window = None;
                if !hub.has_subscribed(&start.session_id) {
                    close(socket, 4003).await;
                    return status_of_close(Some(4003));
                }
            }
            _ = stop.changed() => return status_of_close(None),
        }
    }
}
