//! [`FileStore`] (feature `file-store`): user tokens in files, one per
//! profile in the user's state folder, mode 0600 in a 0700 folder, written
//! atomically (see [`super::file`]) and locked across processes for refreshes.

use super::file::{self, check_private_dir, create_private_dir, write_private, Leftover};
use super::store::{check_profile_name, StoreLock, StoredUserToken, TokenStore};
use crate::secret::Secret;
use crate::Error;
use std::path::{Path, PathBuf};

/// Tokens in files: `user-<profile>.json` in one folder (0700), each file 0600
/// and written atomically, with `user-<profile>.lock` beside it for refreshes.
#[derive(Debug, Clone)]
pub struct FileStore {
    dir: PathBuf,
}

impl FileStore {
    /// The store in `dir` (created privately on the first save).
    pub fn new(dir: impl Into<PathBuf>) -> FileStore {
        FileStore { dir: dir.into() }
    }

    /// The folder `TTV_STATE_DIR` names when it is set and not empty (the one
    /// variable this reads), else [`FileStore::default_dir`].
    pub fn from_env() -> Option<FileStore> {
        let dir = std::env::var_os("TTV_STATE_DIR").filter(|d| !d.is_empty()).map(PathBuf::from);
        dir.or_else(FileStore::default_dir).map(FileStore::new)
    }

    /// The user's state folder for ttv (`~/.local/state/ttv` on Linux), or the
    /// local data folder where the platform has no state folder; `None` without
    /// an absolute home folder. Found by the `directories` crate from the
    /// platform's conventions (`HOME`, and `XDG_STATE_HOME` on Linux); reads no
    /// `TTV_*` variable.
    pub fn default_dir() -> Option<PathBuf> {
        let dirs = super::folders::project_dirs()?;
        Some(dirs.state_dir().unwrap_or_else(|| dirs.data_local_dir()).to_path_buf())
    }

    /// The folder the token files are in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The profile's token file.
    pub fn path(&self, profile: &str) -> Result<PathBuf, Error> {
        check_profile_name(profile)?;
        Ok(self.dir.join(format!("user-{profile}.json")))
    }

    fn lock_path(&self, profile: &str) -> Result<PathBuf, Error> {
        check_profile_name(profile)?;
        Ok(self.dir.join(format!("user-{profile}.lock")))
    }
}

/// What is still legible in a corrupt token file (see [`FileStore::salvage`]).
#[derive(Debug, Default, Clone, PartialEq)]
#[non_exhaustive]
pub struct Salvaged {
    /// The application the token was issued to, if legible.
    pub client_id: Option<String>,
    /// The OAuth server that issued it, if legible (to revoke it at the right one).
    pub oauth2_url: Option<String>,
    /// The access token, if legible.
    pub access_token: Option<Secret>,
    /// The refresh token, if legible (revoked when the access token is not).
    pub refresh_token: Option<Secret>,
}

impl FileStore {
    /// The fields still legible in the profile's token file, even when it is
    /// not valid JSON any more (cut short, say): logging out can then revoke
    /// the token before deleting the file.
    pub fn salvage(&self, profile: &str) -> Salvaged {
        let Ok(path) = self.path(profile) else { return Salvaged::default() };
        let Ok(bytes) = std::fs::read(&path) else { return Salvaged::default() };
        let text = String::from_utf8_lossy(&bytes);
        Salvaged {
            client_id: string_field(&text, "client_id"),
            oauth2_url: string_field(&text, "oauth2_url"),
            access_token: string_field(&text, "access_token").map(Secret::new),
            refresh_token: string_field(&text, "refresh_token").map(Secret::new),
        }
    }

    /// Checks, before a login starts at Twitch, that its token can be saved:
    /// the folder exists (or is created) privately and a file can be created in it.
    pub fn check_writable(&self) -> Result<(), Error> {
        let probe = self.dir.join(".write-check");
        write_private(&probe, b"").map_err(|e| io_error("save tokens in", &self.dir, e))?;
        let _ = std::fs::remove_file(&probe);
        Ok(())
    }

    /// [`recover_leftovers`](FileStore::recover_leftovers) when no one holds
    /// the profile's lock (a holder recovers, or is writing, itself).
    fn recover_if_unlocked(&self, profile: &str, path: &Path) {
        let Ok(lock_path) = self.lock_path(profile) else { return };
        if file::leftovers(path).is_empty() {
            return;
        }
        let mut opts = std::fs::OpenOptions::new();
        opts.read(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC);
        }
        let Ok(lock) = opts.open(&lock_path) else { return };
        if lock.try_lock().is_ok() {
            self.recover_leftovers(path);
        }
    }

    /// What an interrupted save left beside the token file: a complete
    /// temporary file holding a newer token of the same application and OAuth
    /// server (a refresh killed before its rename) replaces the file; every
    /// other one is deleted. Only with the profile's lock held.
    fn recover_leftovers(&self, path: &Path) {
        let current: Option<StoredUserToken> = std::fs::read(path).ok().and_then(|b| serde_json::from_slice(&b).ok());
        let mut best: Option<(StoredUserToken, Leftover)> = None;
        for leftover in file::leftovers(path) {
            let token = serde_json::from_slice::<StoredUserToken>(&leftover.bytes).ok();
            let Some(token) = token.filter(|t| replaces(t, current.as_ref())) else {
                let _ = leftover.remove();
                continue;
            };
            if best.as_ref().is_some_and(|(b, _)| !replaces(&token, Some(b))) {
                let _ = leftover.remove();
                continue;
            }
            if let Some((_, worse)) = best.replace((token, leftover)) {
                let _ = worse.remove();
            }
        }
        if let Some((_, leftover)) = best {
            match leftover.adopt(path) {
                Ok(()) => tracing::info!(file = %path.display(), "recovered the token an interrupted save left"),
                Err(e) => tracing::warn!(file = %path.display(), error = %e, "cannot recover an interrupted save"),
            }
        }
    }
}

/// The value of `"key": "value"` in `text`, when it is complete and plain
/// (tokens, ids and URLs have no escapes).
fn string_field(text: &str, key: &str) -> Option<String> {
    let quoted = format!("\"{key}\"");
    let rest = &text[text.find(&quoted)? + quoted.len()..];
    let rest = rest.trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
    let value = &rest[..rest.find('"')?];
    let plain = value.chars().all(|c| c.is_ascii_alphanumeric() || "-_.:/".contains(c));
    (plain && !value.is_empty()).then(|| value.to_owned())
}

/// Whether `candidate` is newer than `current` (issued later, or expiring later)
/// and of the same application and OAuth server; anything beats no (or a corrupt) token.
fn replaces(candidate: &StoredUserToken, current: Option<&StoredUserToken>) -> bool {
    let Some(current) = current else { return true };
    candidate.client_id == current.client_id
        && candidate.oauth2_url == current.oauth2_url
        && (candidate.obtained_at, candidate.expires_at) > (current.obtained_at, current.expires_at)
}

fn io_error(action: &'static str, path: &Path, source: std::io::Error) -> Error {
    Error::Io { action, path: path.to_path_buf(), source }
}

impl TokenStore for FileStore {
    fn load(&self, profile: &str) -> Result<Option<StoredUserToken>, Error> {
        let path = self.path(profile)?;
        match check_private_dir(&self.dir) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_error("use the token folder", &self.dir, e)),
            Ok(()) => {}
        }
        self.recover_if_unlocked(profile, &path);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_error("read the token file", &path, e)),
        };
        // serde's own message may quote a value (a token); say only where it broke.
        serde_json::from_slice(&bytes).map(Some).map_err(|e| Error::CorruptTokenFile {
            profile: profile.to_owned(),
            path: path.clone(),
            problem: match e.classify() {
                serde_json::error::Category::Data => "unexpected content",
                _ => "not valid JSON",
            },
            line: e.line(),
            column: e.column(),
        })
    }

    fn save(&self, profile: &str, token: &StoredUserToken) -> Result<(), Error> {
        let path = self.path(profile)?;
        let bytes = serde_json::to_vec_pretty(token).expect("a token serializes");
        write_private(&path, &bytes).map_err(|e| io_error("save the token to", &path, e))
    }

    fn delete(&self, profile: &str) -> Result<bool, Error> {
        let path = self.path(profile)?;
        // A leftover of an interrupted save must not bring the login back.
        for leftover in file::leftovers(&path) {
            leftover.remove().map_err(|e| io_error("delete a temporary file in", &self.dir, e))?;
        }
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(io_error("delete", &path, e)),
        }
    }

    fn profiles(&self) -> Result<Vec<String>, Error> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io_error("list", &self.dir, e)),
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().to_str().map(str::to_owned))
            .filter_map(|n| n.strip_prefix("user-").and_then(|n| n.strip_suffix(".json")).map(str::to_owned))
            .filter(|n| check_profile_name(n).is_ok())
            .collect();
        names.sort();
        Ok(names)
    }

    fn lock(&self, profile: &str) -> Result<StoreLock, Error> {
        let path = self.lock_path(profile)?;
        create_private_dir(&self.dir).map_err(|e| io_error("create the token folder", &self.dir, e))?;
        let mut opts = std::fs::OpenOptions::new();
        opts.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600).custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC);
        }
        let file = opts.open(&path).map_err(|e| io_error("open the lock file", &path, e))?;
        // flock(2) / LockFileEx: released when the file is closed, also if the process dies.
        file.lock().map_err(|e| io_error("lock", &path, e))?;
        self.recover_leftovers(&self.path(profile)?);
        Ok(StoreLock::new(file))
    }

    fn location(&self, profile: &str) -> Option<PathBuf> {
        self.path(profile).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// When the test tokens were issued (in 2030, so none has expired).
    const ISSUED: u64 = 1_900_000_000;

    fn token(access: &str) -> StoredUserToken {
        StoredUserToken {
            client_id: "cid".into(),
            oauth2_url: "http://127.0.0.1:1/oauth2".into(),
            access_token: Secret::new(access),
            refresh_token: Some(Secret::new("refresh-secret-1")),
            // Fixed times: two tokens made a second apart must still be equal.
            expires_at: ISSUED + 3600,
            obtained_at: ISSUED,
            scopes: vec!["chat:read".into()],
            login: Some("ninja".into()),
            user_id: Some("10001".into()),
        }
    }

    #[test]
    fn file_store_round_trips_privately() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path().join("state"));
        assert_eq!(store.load("default").unwrap(), None);
        store.save("default", &token("access-secret-1")).unwrap();
        store.save("work", &token("access-secret-2")).unwrap();
        assert_eq!(store.load("default").unwrap(), Some(token("access-secret-1")));
        assert_eq!(store.profiles().unwrap(), ["default", "work"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&store.path("default").unwrap()), 0o600);
            assert_eq!(mode(store.dir()), 0o700);
        }
        assert!(store.delete("work").unwrap());
        assert!(!store.delete("work").unwrap());
        assert_eq!(store.profiles().unwrap(), ["default"]);
    }

    #[test]
    fn corrupt_files_name_their_profile_without_showing_their_content() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        std::fs::write(store.path("default").unwrap(), b"{\"access_token\": 7, \"client_id\": \"leaky-secret\"}")
            .unwrap();
        // A field of the wrong type: serde would quote the value.
        std::fs::write(store.path("other").unwrap(), b"{\"client_id\": \"c\", \"oauth2_url\": \"u\", \"access_token\": \"leaky-secret\", \"expires_at\": \"leaky-secret\"}").unwrap();
        let err = store.load("other").unwrap_err().to_string();
        assert!(err.contains("corrupt") && !err.contains("leaky-secret"), "{err}");
        let err = store.load("default").unwrap_err();
        assert!(matches!(&err, Error::CorruptTokenFile { profile, .. } if profile == "default"), "{err:?}");
        let chain = format!("{err} {err:?} {:?}", std::error::Error::source(&err));
        assert!(err.to_string().contains("corrupt") && !chain.contains("leaky-secret"), "{chain}");
    }

    #[test]
    fn bad_profile_names_are_refused() {
        let store = FileStore::new("/nonexistent");
        for bad in ["", "../x", "a/b", ".hidden", "x y"] {
            assert!(store.path(bad).is_err(), "{bad:?}");
        }
        assert!(store.path("work.2-b_c").is_ok());
    }

    #[test]
    fn the_file_lock_excludes_a_second_holder() {
        let dir = tempfile::tempdir().unwrap();
        let store = std::sync::Arc::new(FileStore::new(dir.path()));
        let first = store.lock("default").unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let s = store.clone();
        let waiter = std::thread::spawn(move || {
            let _second = s.lock("default").unwrap();
            tx.send(()).unwrap();
        });
        assert!(rx.recv_timeout(std::time::Duration::from_millis(200)).is_err(), "the second lock waits");
        drop(first);
        rx.recv_timeout(std::time::Duration::from_secs(5)).expect("then it gets the lock");
        waiter.join().unwrap();
    }

    fn saved_at(access: &str, obtained_at: u64) -> StoredUserToken {
        StoredUserToken { obtained_at, expires_at: obtained_at + 3600, ..token(access) }
    }

    /// Writes a temporary file as a save killed before its rename leaves it.
    fn leave_temp(dir: &Path, name: &str, bytes: &[u8]) {
        std::fs::write(dir.join(format!(".user-default.json.{name}.tmp")), bytes).unwrap();
    }

    fn temps(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".tmp"))
            .collect()
    }

    #[test]
    fn a_newer_complete_leftover_of_an_interrupted_save_is_recovered() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        store.save("default", &saved_at("access-old", 1_000)).unwrap();
        drop(store.lock("default").unwrap());
        let newer = serde_json::to_vec(&saved_at("access-rotated", 2_000)).unwrap();
        leave_temp(dir.path(), "killedwriter", &newer);
        leave_temp(dir.path(), "halfwritten", &newer[..newer.len() / 2]);
        let older = serde_json::to_vec(&saved_at("access-older", 500)).unwrap();
        leave_temp(dir.path(), "olderwriter", &older);
        let foreign =
            serde_json::to_vec(&StoredUserToken { client_id: "other".into(), ..saved_at("x", 9_000) }).unwrap();
        leave_temp(dir.path(), "otherclient", &foreign);

        let loaded = store.load("default").unwrap().unwrap();
        assert_eq!(loaded.access_token.expose(), "access-rotated");
        assert!(temps(dir.path()).is_empty(), "the others are cleaned: {:?}", temps(dir.path()));
    }

    #[test]
    fn an_older_leftover_is_deleted_and_the_file_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        store.save("default", &saved_at("access-current", 2_000)).unwrap();
        leave_temp(dir.path(), "stale", &serde_json::to_vec(&saved_at("access-stale", 1_000)).unwrap());
        let lock = store.lock("default").unwrap();
        assert!(temps(dir.path()).is_empty());
        drop(lock);
        assert_eq!(store.load("default").unwrap().unwrap().access_token.expose(), "access-current");
    }

    #[test]
    fn logging_out_removes_leftovers_too() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        store.save("default", &saved_at("access-old", 1_000)).unwrap();
        let _lock = store.lock("default").unwrap();
        leave_temp(dir.path(), "killedwriter", &serde_json::to_vec(&saved_at("access-new", 2_000)).unwrap());
        assert!(store.delete("default").unwrap());
        assert_eq!(store.load("default").unwrap(), None, "no login comes back after logout");
        assert!(temps(dir.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_others_can_write_is_refused_when_reading_too() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path().join("state"));
        store.save("default", &token("access-secret-1")).unwrap();
        std::fs::set_permissions(store.dir(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let message = store.load("default").unwrap_err().to_string();
        assert!(message.contains("chmod 700"), "{message}");
        assert!(store.check_writable().is_err());
        assert_eq!(std::fs::metadata(store.dir()).unwrap().permissions().mode() & 0o7777, 0o777);
    }

    #[test]
    fn a_corrupt_file_still_gives_up_its_tokens_for_revoking() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStore::new(dir.path());
        store.save("default", &token("access-secret-1")).unwrap();
        let path = store.path("default").unwrap();
        let whole = std::fs::read_to_string(&path).unwrap();
        let cut = &whole[..whole.find("expires_at").unwrap()];
        std::fs::write(&path, cut).unwrap();
        assert!(store.load("default").is_err(), "cut short, it is corrupt");
        let salvaged = store.salvage("default");
        assert_eq!(salvaged.access_token.as_ref().map(Secret::expose), Some("access-secret-1"));
        assert_eq!(salvaged.refresh_token.as_ref().map(Secret::expose), Some("refresh-secret-1"));
        assert_eq!(salvaged.client_id.as_deref(), Some("cid"));
        std::fs::write(&path, "{\"access_token\": \"unterminated").unwrap();
        assert_eq!(store.salvage("default"), Salvaged::default());
    }
}
