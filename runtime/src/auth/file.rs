//! Token files: private (0600) in a folder only their owner can write, and
//! written atomically, so a crash or a concurrent reader never sees half a file.
//!
//! A write goes to a temporary file with a random name in the same folder,
//! created exclusively (never through a symlink someone planted), locked while
//! it is written, fsynced, renamed over the target (which replaces a symlink
//! there rather than writing through it), and the folder is fsynced too. A
//! process killed in between leaves a complete or partial temporary file:
//! [`leftovers`] finds them so the store can recover or remove them.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Temporary names tried before giving up (each one is random, so a clash
/// means someone planted that name).
const TEMP_ATTEMPTS: usize = 16;

/// Writes `bytes` to `path` through a temporary file in the same folder and a
/// rename. The folder is created (0700) if missing, and refused if another
/// user owns it or can write it (see [`create_private_dir`]).
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_private_with_names(path, bytes, random_temp_name)
}

/// [`write_private`] with the temporary names chosen by `next_name` (tests plant
/// files at the names it gives).
fn write_private_with_names(
    path: &Path,
    bytes: &[u8],
    mut next_name: impl FnMut(&str) -> String,
) -> std::io::Result<()> {
    let dir = folder_of(path)?;
    create_private_dir(dir)?;
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("token");
    let (tmp, mut file) = create_temp(dir, || next_name(file_name))?;
    let result = (|| {
        // Held until the file is closed: a recovering process skips a file
        // whose writer is still alive.
        file.lock()?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn folder_of(path: &Path) -> std::io::Result<&Path> {
    match path.parent() {
        Some(dir) if dir.as_os_str().is_empty() => Ok(Path::new(".")),
        Some(dir) => Ok(dir),
        None => Err(std::io::Error::other("the file path has no folder")),
    }
}

/// `.NAME.<16 random letters>.tmp`: hidden, beside the target, never predictable.
fn random_temp_name(file_name: &str) -> String {
    let suffix = crate::random::alphanumeric(16);
    format!(".{file_name}.{suffix}.tmp")
}

/// Whether `name` is a temporary file of `file_name` (as [`random_temp_name`] makes them).
fn is_temp_of(name: &str, file_name: &str) -> bool {
    name.strip_prefix('.')
        .and_then(|n| n.strip_prefix(file_name))
        .and_then(|n| n.strip_prefix('.'))
        .and_then(|n| n.strip_suffix(".tmp"))
        .is_some_and(|mid| !mid.is_empty() && !mid.contains('/'))
}

/// Creates a new temporary file exclusively: an existing name (a file, or a
/// symlink, dangling or not) is never opened, another name is tried.
fn create_temp(dir: &Path, mut next_name: impl FnMut() -> String) -> std::io::Result<(PathBuf, File)> {
    let mut last = None;
    for _ in 0..TEMP_ATTEMPTS {
        let tmp = dir.join(next_name());
        match open_new_private(&tmp) {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no temporary file name was free")))
}

fn open_new_private(path: &Path) -> std::io::Result<File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600).custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC);
    }
    opts.open(path)
}

/// Makes the rename itself durable (the folder entry), not only the file's bytes.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Creates the folder (and missing parents) readable by the owner only, or
/// checks an existing one: it must be a folder that the current user owns and
/// that no one else can write. An existing folder's mode is never changed.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::DirBuilderExt;
                // Only the folders created here get this mode.
                builder.mode(0o700);
            }
            builder.create(dir)?;
        }
        Err(e) => return Err(e),
        Ok(_) => {}
    }
    check_private_dir(dir)
}

/// Refuses a folder that another user owns or that group or others can write:
/// someone else could plant or swap files in it.
pub fn check_private_dir(dir: &Path) -> std::io::Result<()> {
    let meta = std::fs::metadata(dir)?;
    if !meta.is_dir() {
        return Err(std::io::Error::other(format!("{} is not a folder", dir.display())));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = unsafe { libc::geteuid() };
        if meta.uid() != me {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!(
                    "the folder {} belongs to another user (uid {}, you are uid {me}), who could read or replace \
                     the files kept there; use a folder of your own, or `chown` this one to yourself and `chmod \
                     700` it",
                    dir.display(),
                    meta.uid()
                ),
            ));
        }
        let mode = meta.mode() & 0o7777;
        if mode & 0o022 != 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!(
                    "the folder {} can be written by other users (mode {mode:04o}), who could plant or replace the \
                     files kept there; make it private with `chmod 700 {}`, or use another folder",
                    dir.display(),
                    dir.display()
                ),
            ));
        }
    }
    Ok(())
}

/// A temporary file of an interrupted write, with its content; its lock is
/// held as long as this lives, so no live writer is still behind it.
#[derive(Debug)]
pub struct Leftover {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
    _file: File,
}

impl Leftover {
    /// Renames it over the target (durably): it held the newer content.
    pub fn adopt(self, target: &Path) -> std::io::Result<()> {
        std::fs::rename(&self.path, target)?;
        sync_dir(folder_of(target)?)
    }

    /// Deletes it: it was incomplete, stale or not ours.
    pub fn remove(self) -> std::io::Result<()> {
        match std::fs::remove_file(&self.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// The temporary files that writes of `target` left behind, whose writers are
/// gone (a file another process still has locked is skipped). Symlinks at
/// such names are removed, never followed; other non-files are skipped.
pub fn leftovers(target: &Path) -> Vec<Leftover> {
    let (Ok(dir), Some(file_name)) = (folder_of(target), target.file_name().and_then(|n| n.to_str())) else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut found: Vec<Leftover> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_str().is_some_and(|n| is_temp_of(n, file_name)))
        .filter_map(|e| open_leftover(&e.path()))
        .collect();
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found
}

/// The most of a token file worth reading back.
const MAX_LEFTOVER: u64 = 1024 * 1024;

fn open_leftover(path: &Path) -> Option<Leftover> {
    if std::fs::symlink_metadata(path).ok()?.file_type().is_symlink() {
        // Not ours (writes never make one): removing the link leaves its target alone.
        let _ = std::fs::remove_file(path);
        return None;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC | libc::O_NONBLOCK);
    }
    let file = opts.open(path).ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    file.try_lock().ok()?;
    let mut bytes = Vec::new();
    (&file).take(MAX_LEFTOVER).read_to_end(&mut bytes).ok()?;
    Some(Leftover { path: path.to_owned(), bytes, _file: file })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(unix)]
    use std::os::unix::fs::PermissionsExt;

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        std::fs::symlink_metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn writes_owner_only_files_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/token.json");
        write_private(&path, b"{\"a\":1}").unwrap();
        write_private(&path, b"{\"a\":2}").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"{\"a\":2}");
        #[cfg(unix)]
        {
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(path.parent().unwrap()), 0o700);
        }
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    }

    #[test]
    fn temporary_names_are_random_and_recognized() {
        let (a, b) = (random_temp_name("user-x.json"), random_temp_name("user-x.json"));
        assert_ne!(a, b);
        assert!(is_temp_of(&a, "user-x.json"), "{a}");
        assert!(!is_temp_of(&a, "user-y.json"));
        assert!(!is_temp_of(".user-x.json.tmp", "user-x.json"));
        assert!(!is_temp_of("user-x.json", "user-x.json"));
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_planted_at_the_temporary_name_is_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"precious").unwrap();
        let state = dir.path().join("state");
        create_private_dir(&state).unwrap();
        let planted = ".token.json.planted.tmp";
        std::os::unix::fs::symlink(&victim, state.join(planted)).unwrap();
        // A dangling one too: O_CREAT alone would create its target.
        std::os::unix::fs::symlink(dir.path().join("created-by-us"), state.join(".token.json.dangling.tmp")).unwrap();
        let mut names = vec![".token.json.fresh.tmp", ".token.json.dangling.tmp", planted].into_iter();
        let path = state.join("token.json");
        write_private_with_names(&path, b"secret", |_| names.next_back().unwrap().to_owned()).unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        assert!(!dir.path().join("created-by-us").exists());
        assert_eq!(std::fs::read(&path).unwrap(), b"secret");
        assert_eq!(mode(&path), 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_at_the_final_name_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"precious").unwrap();
        let state = dir.path().join("state");
        create_private_dir(&state).unwrap();
        let path = state.join("token.json");
        std::os::unix::fs::symlink(&victim, &path).unwrap();
        write_private(&path, b"secret").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        assert!(std::fs::symlink_metadata(&path).unwrap().file_type().is_file());
        assert_eq!(std::fs::read(&path).unwrap(), b"secret");
    }

    #[cfg(unix)]
    #[test]
    fn folders_others_can_write_are_refused_and_left_as_they_are() {
        let dir = tempfile::tempdir().unwrap();
        for wanted in [0o777, 0o1777, 0o770, 0o702] {
            let folder = dir.path().join(format!("shared-{wanted:o}"));
            std::fs::create_dir(&folder).unwrap();
            std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(wanted)).unwrap();
            let err = write_private(&folder.join("token.json"), b"secret").unwrap_err();
            assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied);
            let message = err.to_string();
            assert!(message.contains("chmod 700") && message.contains(&folder.display().to_string()), "{message}");
            assert_eq!(mode(&folder), wanted, "the mode of an existing folder is never changed");
            assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 0, "nothing is written there");
        }
    }

    #[cfg(unix)]
    #[test]
    fn an_existing_private_folder_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("readable");
        std::fs::create_dir(&folder).unwrap();
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
        write_private(&folder.join("token.json"), b"secret").unwrap();
        assert_eq!(mode(&folder), 0o755);
    }

    #[test]
    fn leftovers_of_dead_writers_are_found_and_live_ones_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token.json");
        std::fs::write(dir.path().join(".token.json.deadwriter1.tmp"), b"{}").unwrap();
        std::fs::write(dir.path().join(".other.json.deadwriter2.tmp"), b"{}").unwrap();
        let live = dir.path().join(".token.json.livewriter.tmp");
        let held = File::create(&live).unwrap();
        held.lock().unwrap();
        let found = leftovers(&path);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].bytes, b"{}");
        found.into_iter().next().unwrap().adopt(&path).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"{}");
        drop(held);
        let found = leftovers(&path);
        assert_eq!(found.len(), 1);
        found.into_iter().next().unwrap().remove().unwrap();
        assert!(!live.exists());
    }
}
