// Get Followed Streams needs a user access token; an app client cannot call it.
use ttv_helix::{App, Helix};

fn followed(helix: &Helix<App>) {
    let _ = helix.get_followed_streams("123");
}

fn main() {
    let _ = followed;
}
