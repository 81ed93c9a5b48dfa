// Webhook (and conduit) subscriptions are created with an app token: a user
// client cannot create one.
use ttv_helix::eventsub::{StreamOnlineV1Condition, Wanted, WebhookSecret};
use ttv_helix::{Helix, User};

async fn subscribe(helix: &Helix<User>, secret: &WebhookSecret) {
    let wanted = Wanted::of(&StreamOnlineV1Condition::new("1"));
    let _ = helix.subscribe_webhook(&wanted, "https://example.com/cb", secret).await;
}

fn main() {
    let _ = subscribe;
}
