//! Compares the spec's `eventsub` section with the reference table of
//! subscription types (`subscription-types.tsv` of the shared EventSub
//! reference): which type/version rows are missing, and where conditions,
//! scopes, transports, token rules, status or event field names differ.

use crate::eventsub_model::{AppTokenRule, Subscription};
use crate::model::Model;
use std::collections::BTreeSet;
use std::fmt;
use std::path::Path;

/// What the comparison found.
#[derive(Debug, Default)]
pub struct EventSubReport {
    /// Rows (type, version) in the table.
    pub total: usize,
    /// Of those, the ones the spec describes.
    pub covered: usize,
    /// Rows the spec lacks, as `type v1`.
    pub missing: Vec<String>,
    /// Differences with no recorded reason.
    pub differences: Vec<String>,
    /// Differences the spec records as decisions (`reference_differs`), with the reason.
    pub accepted: Vec<String>,
    /// Subscriptions in the spec that the table does not have.
    pub extra: Vec<String>,
}

impl EventSubReport {
    /// Nothing missing and no unexplained difference.
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty() && self.differences.is_empty()
    }
}

impl fmt::Display for EventSubReport {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        writeln!(f, "covered {} of {} EventSub subscription types", self.covered, self.total)?;
        let sections = [
            ("missing", &self.missing),
            ("differences", &self.differences),
            ("decided in the spec (reference_differs)", &self.accepted),
            ("not in the reference table", &self.extra),
        ];
        crate::coverage::write_sections(f, &sections, self.is_complete())
    }
}

/// Reads the table at `tsv` and compares `model` with it.
pub fn run(model: &Model, tsv: &Path) -> Result<EventSubReport, String> {
    let text = std::fs::read_to_string(tsv).map_err(|e| format!("cannot read {}: {e}", tsv.display()))?;
    compare(model, &text).map_err(|e| format!("{}: {e}", tsv.display()))
}

/// One row of the table, by column name.
struct Row<'a> {
    columns: &'a [&'a str],
    cells: Vec<&'a str>,
}

impl Row<'_> {
    fn get(&self, column: &str) -> &str {
        self.columns.iter().position(|c| *c == column).and_then(|i| self.cells.get(i)).copied().unwrap_or_default()
    }
}

/// Compares `model` with the text of the table.
pub fn compare(model: &Model, tsv: &str) -> Result<EventSubReport, String> {
    let mut lines = tsv.lines();
    let columns: Vec<&str> = lines.next().ok_or("the table is empty")?.split('\t').collect();
    for needed in ["type", "version", "status", "transports", "scopes", "event_fields"] {
        if !columns.contains(&needed) {
            return Err(format!("the table has no `{needed}` column"));
        }
    }
    let mut report = EventSubReport::default();
    let mut seen = BTreeSet::new();
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let row = Row { columns: &columns, cells: line.split('\t').collect() };
        let (ty, version) = (row.get("type"), row.get("version"));
        report.total += 1;
        seen.insert((ty.to_owned(), version.to_owned()));
        let Some(s) = model.eventsub.subscriptions.iter().find(|s| s.ty == ty && s.version == version) else {
            report.missing.push(format!("{ty} v{version}"));
            continue;
        };
        report.covered += 1;
        compare_row(s, &row, &mut report);
    }
    for s in &model.eventsub.subscriptions {
        if !seen.contains(&(s.ty.clone(), s.version.clone())) {
            report.extra.push(format!("{} v{}", s.ty, s.version));
        }
    }
    Ok(report)
}

fn compare_row(s: &Subscription, row: &Row, report: &mut EventSubReport) {
    let mut diff = |aspect: &str, what: &str, ours: String, theirs: String| {
        if ours == theirs {
            return;
        }
        let text = format!("{} v{}: {what}: spec {ours:?}, reference {theirs:?}", s.ty, s.version);
        match s.reference_differs.iter().find(|(a, _)| a == aspect) {
            Some((_, why)) => report.accepted.push(format!("{text} ({why})")),
            None => report.differences.push(text),
        }
    };
    diff("status", "status", s.status.as_str().to_owned(), row.get("status").to_owned());
    diff(
        "transports",
        "transports",
        sorted(s.transports.iter().map(|t| t.as_str().to_owned())),
        sorted(list(row.get("transports"))),
    );
    let in_groups: BTreeSet<&str> = s.one_of.iter().flatten().map(String::as_str).collect();
    let required = s.condition.iter().filter(|c| c.required).map(|c| c.name.clone());
    let optional =
        s.condition.iter().filter(|c| !c.required && !in_groups.contains(c.name.as_str())).map(|c| c.name.clone());
    diff("condition", "required condition fields", sorted(required), sorted(list(row.get("condition_required"))));
    diff("condition", "optional condition fields", sorted(optional), sorted(list(row.get("condition_optional"))));
    diff(
        "condition",
        "one-of condition groups",
        cnf_text(&s.one_of),
        cnf_text(&parse_cnf(row.get("condition_one_of"))),
    );
    diff(
        "token_user",
        "token's-user field",
        s.token_user_field().unwrap_or_default().to_owned(),
        row.get("user_token_rule").to_owned(),
    );
    diff("scopes", "scopes", cnf_text(&s.scopes), cnf_text(&parse_cnf(row.get("scopes"))));
    diff("app_token", "app-token rule", app_token_text(&s.app_token), app_token_text_of(row.get("app_token_rule")));
    // Long lists: name only what one side has and the other lacks.
    let ours: BTreeSet<String> = s.event.fields.iter().map(|f| f.name.clone()).collect();
    let theirs: BTreeSet<String> = list(row.get("event_fields")).collect();
    diff(
        "event_fields",
        "event fields only on one side",
        sorted(ours.difference(&theirs).cloned()),
        sorted(theirs.difference(&ours).cloned()),
    );
    diff("event_fields", "batched", s.batched.to_string(), (row.get("batched") == "yes").to_string());
}

fn list(cell: &str) -> impl Iterator<Item = String> + '_ {
    cell.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

fn sorted(items: impl Iterator<Item = String>) -> String {
    items.collect::<BTreeSet<_>>().into_iter().collect::<Vec<_>>().join(",")
}

/// `a|b;c` -> `[[a, b], [c]]`.
fn parse_cnf(cell: &str) -> Vec<Vec<String>> {
    cell.split(';')
        .filter(|g| !g.trim().is_empty())
        .map(|g| g.split('|').map(|s| s.trim().to_owned()).collect())
        .collect()
}

/// Groups of alternatives in a canonical order: order means nothing in either.
fn cnf_text(groups: &[Vec<String>]) -> String {
    let set: BTreeSet<String> = groups
        .iter()
        .map(|g| g.iter().collect::<BTreeSet<_>>().into_iter().cloned().collect::<Vec<_>>().join("|"))
        .collect();
    set.into_iter().collect::<Vec<_>>().join(";")
}

/// The model's app-token rule in the table's notation, clauses in a canonical order.
fn app_token_text(rules: &[(String, AppTokenRule)]) -> String {
    let mut clauses: Vec<String> = Vec::new();
    for (field, rule) in rules {
        match rule {
            AppTokenRule::Grant(groups) => clauses.push(format!("{field}: {}", cnf_text(groups))),
            AppTokenRule::TokenClient => clauses.push(format!("{field} = token client id")),
            AppTokenRule::OwnedByTokenClient => match clauses.last_mut() {
                Some(last) => last.push_str(&format!(", and {field} (if set) owned by that client")),
                None => clauses.push(format!("{field} (if set) owned by the token's client")),
            },
            AppTokenRule::OwnsTokenClient => clauses.push(format!("token client owned by a member of {field}")),
        }
    }
    clauses.sort();
    clauses.join(" & ")
}

/// The table's app-token rule with each clause's scope groups in canonical order.
fn app_token_text_of(cell: &str) -> String {
    let mut clauses: Vec<String> = cell
        .split(" & ")
        .filter(|c| !c.trim().is_empty())
        .map(|clause| match clause.split_once(": ") {
            Some((field, cnf)) => format!("{field}: {}", cnf_text(&parse_cnf(cnf))),
            None => clause.trim().to_owned(),
        })
        .collect();
    clauses.sort();
    clauses.join(" & ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_groups_compare_without_order() {
        assert_eq!(cnf_text(&parse_cnf("b|a;c")), cnf_text(&parse_cnf("c;a|b")));
        assert_ne!(cnf_text(&parse_cnf("a;b")), cnf_text(&parse_cnf("a|b")));
    }

    #[test]
    fn app_token_rules_render_in_the_table_notation() {
        let rules = vec![
            ("client_id".to_owned(), AppTokenRule::TokenClient),
            ("conduit_id".to_owned(), AppTokenRule::OwnedByTokenClient),
        ];
        assert_eq!(
            app_token_text(&rules),
            app_token_text_of("client_id = token client id, and conduit_id (if set) owned by that client")
        );
        let grant = vec![(
            "user_id".to_owned(),
            AppTokenRule::Grant(vec![vec!["user:bot".into()], vec!["user:read:chat".into()]]),
        )];
        assert_eq!(app_token_text(&grant), app_token_text_of("user_id: user:read:chat;user:bot"));
    }
}
