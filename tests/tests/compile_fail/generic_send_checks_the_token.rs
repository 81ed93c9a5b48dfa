// The generic path is checked like the generated methods: sending a user-only
// request type through an app client does not compile either.
use ttv_helix::requests::GetFollowedStreams;
use ttv_helix::{App, Helix};

fn followed(helix: &Helix<App>) {
    let request = GetFollowedStreams::new("123");
    let _ = helix.send(&request);
}

fn main() {
    let _ = followed;
}
