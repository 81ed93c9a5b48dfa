//! Finding an endpoint by what a user types.

use ttv_helix::meta::EndpointMeta;

/// The endpoint with this verb, alias, method name or reference name.
pub fn find(name: &str) -> Option<&'static EndpointMeta> {
    ttv_helix::ENDPOINTS.iter().copied().find(|e| {
        e.verb == name || e.method_name == name || e.name.eq_ignore_ascii_case(name) || e.aliases.contains(&name)
    })
}
