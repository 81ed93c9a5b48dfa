// Calls can run on other tasks: their futures are `Send + 'static` once the
// client is moved in, as bots that spawn a task per command need.
use ttv_helix::{App, Helix, User};

fn spawn_app(helix: Helix<App>) {
    tokio::spawn(async move { helix.get_users().login(["ninja"]).send().await.map(|r| r.data.len()) });
}

fn spawn_user(helix: Helix<User>) {
    tokio::spawn(async move {
        let id = helix.user_id().to_owned();
        helix.get_followed_streams(id).send_json().await.map(|v| v.is_null())
    });
}

fn main() {
    let _ = spawn_app;
    let _ = spawn_user;
}
