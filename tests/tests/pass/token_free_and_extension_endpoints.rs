// The iCalendar feed needs no token, so every kind of client has it; the
// extension endpoints exist on the extension client.
use ttv_helix::{App, Error, Extension, Helix, User};

async fn calendars(app: &Helix<App>, user: &Helix<User>, ext: &Helix<Extension>) -> Result<String, Error> {
    let a: String = app.get_channel_icalendar("123").send().await?;
    let b: String = user.get_channel_icalendar("123").send().await?;
    let c: String = ext.get_channel_icalendar("123").send().await?;
    ext.get_extension_secrets("ext-id").send().await?;
    Ok(a + &b + &c)
}

fn main() {
    let _ = calendars;
}
