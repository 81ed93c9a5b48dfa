//! Running the `ttv` binary in a test: a private home folder, a clean
//! environment pointing at one server, and what the run printed.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;
use ttv_mock::MockServer;

use crate::ttv_bin;

/// Where a `ttv` run sends its requests and which app credentials it has.
#[derive(Clone, Debug)]
pub struct CliTarget {
    pub client_id: String,
    pub client_secret: String,
    pub helix_url: String,
    pub oauth2_url: String,
}

impl CliTarget {
    /// The mock's URLs and app credentials.
    pub fn mock(mock: &MockServer) -> CliTarget {
        CliTarget {
            client_id: mock.client_id().into(),
            client_secret: mock.client_secret().into(),
            helix_url: mock.helix_url(),
            oauth2_url: mock.oauth2_url(),
        }
    }
}

/// One CLI user: a temporary home folder (config, cache and, when asked, state
/// under it) that lives as long as the harness, and the server the runs talk
/// to. Runs of one harness share their cached tokens and stored logins.
pub struct Cli {
    home: TempDir,
    target: CliTarget,
    /// Variables every run gets, pointing at folders under the home.
    home_env: Vec<(OsString, PathBuf)>,
}

impl Cli {
    /// A fresh home wired to `mock`: client credentials set, a private cache
    /// folder, no user token, no config file.
    pub fn new(mock: &MockServer) -> Cli {
        Cli::against(CliTarget::mock(mock))
    }

    /// A fresh home wired to any server (e.g. a hostile one).
    pub fn against(target: CliTarget) -> Cli {
        Cli { home: tempfile::tempdir().expect("a temporary home folder"), target, home_env: Vec::new() }
    }

    /// Every run also gets `key` set to the folder `relative` under the home
    /// (e.g. `TTV_STATE_DIR` = `home/state`).
    pub fn with_home_env(mut self, key: impl AsRef<OsStr>, relative: impl AsRef<Path>) -> Cli {
        let path = self.home.path().join(relative);
        self.home_env.push((key.as_ref().to_owned(), path));
        self
    }

    /// Later runs go to `target` instead, keeping this home (its stored
    /// logins and cached tokens).
    pub fn point_at(&mut self, target: CliTarget) {
        self.target = target;
    }

    /// The temporary home folder.
    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// `ttv` with a clean environment: `PATH`, the home folders, the app
    /// credentials and the server's URLs; add arguments and variables to it.
    pub fn ttv(&self) -> Command {
        let mut cmd = ttv_command(&self.target, self.home());
        for (key, path) in &self.home_env {
            cmd.env(key, path);
        }
        cmd
    }

    /// Runs `ttv args…` and waits for it.
    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        run(self.ttv().args(args))
    }
}

/// `ttv` with a clean environment pointing at `target`, its home at `home`.
fn ttv_command(target: &CliTarget, home: &Path) -> Command {
    let mut cmd = Command::new(ttv_bin());
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("TTV_CACHE_DIR", home.join("cache"))
        .env("TWITCH_CLIENT_ID", &target.client_id)
        .env("TWITCH_CLIENT_SECRET", &target.client_secret)
        .env("TWITCH_HELIX_URL", &target.helix_url)
        .env("TWITCH_OAUTH2_URL", &target.oauth2_url);
    cmd
}

/// `ttv` with a clean environment pointing at `mock`: client credentials set,
/// a private cache folder under `cache`, no user token, no config file. For
/// tests that manage their own folder; others use [`Cli`].
pub fn ttv(mock: &MockServer, cache: &Path) -> Command {
    ttv_command(&CliTarget::mock(mock), cache)
}

/// What a finished command printed, and its exit code (-1 when a signal
/// ended it).
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Stdout as JSON; panics with both streams when it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}\nstderr:\n{}", self.stdout, self.stderr))
    }
}

/// Runs `cmd` to the end and keeps what it printed.
pub fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("ttv runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
