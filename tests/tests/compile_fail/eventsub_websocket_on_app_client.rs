// EventSub over WebSocket is delivered to user tokens only: an app client
// cannot open a session.
use ttv_helix::{App, Helix};

fn listen(helix: &Helix<App>) {
    let _ = helix.eventsub_websocket::<serde_json::Value>();
}

fn main() {
    let _ = listen;
}
