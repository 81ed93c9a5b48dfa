// The same check on the runtime's own client: `Client<App>` has no EventSub
// WebSocket session either.
use ttv_helix::{App, Client};

fn listen(client: &Client<App>) {
    let _ = client.eventsub_websocket::<serde_json::Value>();
}

fn main() {
    let _ = listen;
}
