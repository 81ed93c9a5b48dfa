// Get Conduits needs an app access token; a user client cannot call it.
use ttv_helix::{Helix, User};

fn conduits(helix: &Helix<User>) {
    let _ = helix.get_conduits();
}

fn main() {
    let _ = conduits;
}
