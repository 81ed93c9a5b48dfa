//! Shared helpers for the end-to-end tests: the built `ttv` binary, a mock
//! Twitch on 127.0.0.1, and a command wired to it through the environment.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use ttv_mock::{MockConfig, MockServer};

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace").to_path_buf()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("target"))
}

/// Builds `ttv` once per test process (a no-op when cargo has it up to date)
/// and returns its path. Cargo only hands `CARGO_BIN_EXE_*` to the binary's own
/// package, so the end-to-end crate asks cargo itself.
pub fn ttv_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "--quiet", "-p", "ttv", "--bin", "ttv"])
            .current_dir(workspace_root())
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building ttv failed");
        target_dir().join("debug").join(format!("ttv{}", std::env::consts::EXE_SUFFIX))
    })
}

/// A mock on its own thread, for tests that run the binary as a subprocess.
pub fn mock() -> MockServer {
    MockServer::start_background(MockConfig::default()).expect("the mock starts on 127.0.0.1")
}

/// `ttv` with a clean environment pointing at `mock`: client credentials set,
/// a private cache folder, no user token, no config file.
pub fn ttv(mock: &MockServer, cache: &Path) -> Command {
    let mut cmd = Command::new(ttv_bin());
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", cache)
        .env("XDG_CONFIG_HOME", cache.join("config"))
        .env("TTV_CACHE_DIR", cache.join("cache"))
        .env("TWITCH_CLIENT_ID", mock.client_id())
        .env("TWITCH_CLIENT_SECRET", mock.client_secret())
        .env("TWITCH_HELIX_URL", mock.helix_url())
        .env("TWITCH_OAUTH2_URL", mock.oauth2_url());
    cmd
}

/// What a finished command printed.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}\nstderr:\n{}", self.stdout, self.stderr))
    }
}

pub fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("ttv runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
