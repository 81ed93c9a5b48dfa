//! What a verb produced, for run.rs to print. A leaf module.

use serde_json::Value;

/// What a verb produced.
pub enum Outcome {
    /// A Helix answer, printed in the chosen format.
    Answer(Value),
    /// Something to print as JSON, then exit with this code.
    Report(Value, u8),
    /// Text printed on stdout as is (`ttv auth token`), exit 0.
    Text(String),
    /// Pages already written as they came (`--all`, `--max-items`; paging.rs).
    Streamed,
}
