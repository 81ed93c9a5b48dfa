//! Finding an endpoint verb by what a user types.

use crate::verb::Verb;

/// The verb with this name, alias, method name or reference name.
pub fn find(name: &str) -> Option<&'static Verb> {
    crate::verbs::VERBS.iter().find(|v| {
        v.verb == name
            || v.aliases.contains(&name)
            || v.endpoint.method_name == name
            || v.endpoint.name.eq_ignore_ascii_case(name)
    })
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn a_verb_is_found_by_each_of_its_spellings() {
        let users = find("get-users").expect("the spec has Get Users");
        assert_eq!(users.endpoint.name, "Get Users");
        for spelling in users.aliases.iter().copied().chain(["get_users", "get users", "GET USERS"]) {
            assert!(std::ptr::eq(find(spelling).expect(spelling), users), "{spelling}");
        }
        assert!(find("get-userz").is_none());
    }

    #[test]
    fn every_endpoint_has_exactly_one_verb() {
        for meta in ttv_helix::ENDPOINTS {
            let count = crate::verbs::VERBS.iter().filter(|v| std::ptr::eq(v.endpoint, *meta)).count();
            assert_eq!(count, 1, "{}", meta.name);
        }
        assert_eq!(crate::verbs::VERBS.len(), ttv_helix::ENDPOINTS.len());
    }
}
