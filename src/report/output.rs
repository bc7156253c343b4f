//! Where rendered reports and inventories go: files written atomically with
//! private permissions, or standard output, and the time stamped into them.

use crate::exit::Failure;
use std::io::Write;
use std::path::Path;

/// The time written into reports: now, or `SOURCE_DATE_EPOCH` (seconds since the
/// Unix epoch, the reproducible-builds convention) so reports can be regenerated
/// byte for byte.
pub fn report_time() -> Result<chrono::DateTime<chrono::Utc>, Failure> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) if !text.trim().is_empty() => text
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
            .ok_or_else(|| {
                Failure::bad_input(format!(
                    "SOURCE_DATE_EPOCH={text:?}: not a number of seconds since 1970-01-01"
                ))
            }),
        _ => Ok(chrono::Utc::now()),
    }
}

/// Mode of reports and inventories: they describe an estate (account ids, ARNs,
/// tags), so only their owner reads them.
pub const PRIVATE: u32 = 0o600;

/// Mode of the config `init` writes: nothing in it is sensitive.
pub const SHARED: u32 = 0o644;

/// Refuses to replace anything but a regular file: a rename over a symbolic link,
/// a FIFO or a device would silently swap it for a regular file.
pub fn refuse_non_regular(path: &Path) -> Result<(), Failure> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if !meta.file_type().is_file() => Err(Failure::bad_input(format!(
            "{}: not a regular file; refusing to replace it",
            path.display()
        ))),
        _ => Ok(()),
    }
}

/// Writes to a temporary file beside `path` with permissions `mode`, then renames:
/// a reader never sees a half-written report that looks complete. Only a missing
/// path or a regular file is replaced (see [`refuse_non_regular`]).
pub fn write_atomically(path: &Path, text: &str, mode: u32) -> Result<(), Failure> {
    refuse_non_regular(path)?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let fail = |e: &dyn std::fmt::Display| {
        Failure::bad_input(format!("{}: cannot write: {e}", path.display()))
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| fail(&e))?;
    tmp.write_all(text.as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| fail(&e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(|e| fail(&e))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    tmp.persist(path).map_err(|e| fail(&e.error))?;
    Ok(())
}

/// Writes to standard output; a closed pipe or a full device is an error (exit 2),
/// never a silent success with no report.
pub fn write_stdout(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| Failure::bad_input(format!("<stdout>: cannot write: {e}")))
}
