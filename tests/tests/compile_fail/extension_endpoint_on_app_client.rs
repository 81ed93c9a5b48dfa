// Get Extension Secrets takes an extension JWT; an app client cannot call it.
use ttv_helix::{App, Helix};

fn secrets(helix: &Helix<App>) {
    let _ = helix.get_extension_secrets("ext-id");
}

fn main() {
    let _ = secrets;
}
