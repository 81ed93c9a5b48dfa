//! Spec errors that say where the mistake is: the endpoint (or type) and the key.

use std::fmt;

/// One mistake in the spec, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// `endpoint "Get Users"` or `type "User"`; empty for file-level errors.
    pub place: String,
    /// The key path inside that place, e.g. `params.first.range`.
    pub key: String,
    /// What is wrong, and what would be right.
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match (self.place.is_empty(), self.key.is_empty()) {
            (true, true) => write!(f, "{}", self.message),
            (true, false) => write!(f, "key `{}`: {}", self.key, self.message),
            (false, true) => write!(f, "{}: {}", self.place, self.message),
            (false, false) => write!(f, "{}, key `{}`: {}", self.place, self.key, self.message),
        }
    }
}

/// Every mistake found in one pass, so a maintainer fixes them all at once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct SpecErrors(pub Vec<SpecError>);

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let n = self.0.len();
        writeln!(f, "{n} problem{} in the spec:", if n == 1 { "" } else { "s" })?;
        for e in &self.0 {
            writeln!(f, "  - {e}")?;
        }
        Ok(())
    }
}

impl SpecErrors {
    /// A list of one error.
    pub fn single(place: impl Into<String>, key: impl Into<String>, message: impl Into<String>) -> Self {
        SpecErrors(vec![SpecError { place: place.into(), key: key.into(), message: message.into() }])
    }

    /// True when some error mentions `needle` (used by tests and the CLI's exit code).
    pub fn mentions(&self, needle: &str) -> bool {
        self.0.iter().any(|e| e.to_string().contains(needle))
    }
}
