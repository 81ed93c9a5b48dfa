//! ttv's own folders (config, cache, state) from the platform's conventions.
//! They hold secrets, so a relative `HOME` (which would put them under the
//! current folder, wherever that is) gives none; relative `XDG_*` variables are
//! ignored, as the XDG specification says.

use std::path::Path;

/// The platform's folders for ttv, or `None` when there is no home folder or
/// it is not an absolute path (see [`home_problem`] for the message).
pub fn project_dirs() -> Option<directories::ProjectDirs> {
    if home_problem().is_some() {
        return None;
    }
    directories::ProjectDirs::from("", "", "ttv").filter(|d| d.config_dir().is_absolute())
}

/// Why there are no default folders, when `HOME` is the reason.
pub fn home_problem() -> Option<String> {
    let home = std::env::var_os("HOME").filter(|h| !h.is_empty())?;
    (!Path::new(&home).is_absolute()).then(|| {
        format!(
            "HOME is `{}`, not an absolute path, so ttv has no folder of its own (it would be under the current \
             folder); set HOME to an absolute path",
            Path::new(&home).display()
        )
    })
}
