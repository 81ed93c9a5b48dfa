//! The CLI's error: what went wrong and the exit code it maps to. A leaf
//! module, so every module below `run` can return it.

use crate::exit;

/// Why a run failed. Library errors travel as [`CliError::Api`] until they are
/// printed (main.rs).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Config(String),
    #[error("unknown verb `{0}`; see `ttv --help`")]
    UnknownVerb(String),
    /// Printed with the CLI's advice for it (advice.rs).
    #[error("{}", crate::advice::message(.0))]
    Api(#[from] ttv_helix::Error),
    #[error("cannot write the output: {0}")]
    Output(std::io::Error),
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) | CliError::UnknownVerb(_) => exit::USAGE,
            CliError::Config(_) => exit::CONFIG,
            CliError::Output(_) => exit::INTERNAL,
            CliError::Api(e) => crate::advice::exit_code(e),
        }
    }
}
