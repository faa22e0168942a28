//! One writer per generated folder: an advisory lock on the folder itself.
//!
//! `flock` on the folder's own inode needs no extra file anywhere (so it works
//! on a mount point, on `.`, and in a read-only parent), and the kernel
//! releases it when a process dies. A regeneration swaps a new folder into
//! place, so the path then names another inode: a run that waited on the old
//! one sees that after it gets the lock, lets go and locks the new one. The
//! writer locks its staging folder before swapping it in, so the path is never
//! unlocked while it works.

use std::fs::{self, File, TryLockError};
use std::io;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

/// How often a waiting run tries the lock again.
const RETRY_EVERY: Duration = Duration::from_millis(50);

/// Whether other runs may hold the lock at the same time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Reading only (`--check`, `--dry-run`): readers share the lock.
    Shared,
    /// Writing: one run at a time, and no reader while it writes.
    Exclusive,
}

/// Why the lock was not taken.
#[derive(Debug)]
pub(crate) enum LockError {
    /// Another run held it for the whole wait; who, where the system says.
    Held {
        /// "pid 1234: infraplan generate --out infra …", when known.
        holder: Option<String>,
    },
    /// The folder could not be opened or locked.
    Io(io::Error),
}

/// Locks held for the life of a run; dropping releases them.
#[derive(Debug)]
pub(crate) struct FolderLock {
    held: Vec<File>,
}

impl FolderLock {
    /// Locks the folder at `path`, trying for up to `wait`.
    pub(crate) fn acquire(
        path: &Path,
        access: Access,
        wait: Duration,
    ) -> Result<FolderLock, LockError> {
        let deadline = Instant::now() + wait;
        loop {
            let folder = File::open(path).map_err(LockError::Io)?;
            let attempt = match access {
                Access::Shared => folder.try_lock_shared(),
                Access::Exclusive => folder.try_lock(),
            };
            match attempt {
                Ok(()) => {
                    // The path may have been swapped to a new folder while we
                    // waited: then this lock guards nothing; take the new one.
                    if same_inode(&folder, path).map_err(LockError::Io)? {
                        return Ok(FolderLock { held: vec![folder] });
                    }
                }
                Err(TryLockError::WouldBlock) => {
                    if Instant::now() >= deadline {
                        return Err(LockError::Held {
                            holder: holder_of(&folder),
                        });
                    }
                    thread::sleep(RETRY_EVERY);
                }
                Err(TryLockError::Error(error)) => return Err(LockError::Io(error)),
            }
        }
    }

    /// Also locks `path` (a staging folder no other run knows yet), so the
    /// folder stays locked after it is swapped into place.
    pub(crate) fn also_hold(&mut self, path: &Path) -> io::Result<()> {
        let folder = File::open(path)?;
        folder.lock()?;
        self.held.push(folder);
        Ok(())
    }
}

#[cfg(unix)]
fn same_inode(file: &File, path: &Path) -> io::Result<bool> {
    use std::os::unix::fs::MetadataExt;
    let open = file.metadata()?;
    let now = fs::metadata(path)?;
    Ok(open.dev() == now.dev() && open.ino() == now.ino())
}

#[cfg(not(unix))]
fn same_inode(_: &File, _: &Path) -> io::Result<bool> {
    Ok(true)
}

/// Who holds a lock on `file`'s inode, from `/proc/locks` and the holder's
/// command line (Linux); `None` elsewhere or when the holder has gone.
#[cfg(target_os = "linux")]
fn holder_of(file: &File) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let metadata = file.metadata().ok()?;
    let dev = metadata.dev();
    let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & !0xfff);
    let minor = (dev & 0xff) | ((dev >> 12) & !0xff);
    let wanted = format!("{major:02x}:{minor:02x}:{}", metadata.ino());
    let locks = fs::read_to_string("/proc/locks").ok()?;
    let pid = locks.lines().find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        // `1: FLOCK  ADVISORY  WRITE 18435 fe:00:10010666 0 EOF`
        let position = fields.iter().position(|field| *field == wanted)?;
        let pid = fields.get(position.checked_sub(1)?)?;
        (pid.parse::<u32>().ok()? != std::process::id()).then(|| (*pid).to_owned())
    })?;
    let command = fs::read(format!("/proc/{pid}/cmdline"))
        .ok()
        .map(|bytes| {
            String::from_utf8_lossy(&bytes)
                .split('\0')
                .filter(|part| !part.is_empty())
                .map(|part| {
                    Path::new(part)
                        .file_name()
                        .filter(|_| !part.starts_with('-'))
                        .map_or_else(
                            || part.to_owned(),
                            |name| name.to_string_lossy().into_owned(),
                        )
                })
                .take(6)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|command| !command.is_empty());
    Some(match command {
        Some(command) => format!("pid {pid}: {command}"),
        None => format!("pid {pid}"),
    })
}

#[cfg(not(target_os = "linux"))]
fn holder_of(_: &File) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("infraplan-lock-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_second_writer_is_refused_and_readers_share() {
        let dir = scratch("refused");
        let first = FolderLock::acquire(&dir, Access::Exclusive, Duration::ZERO).unwrap();
        let second = FolderLock::acquire(&dir, Access::Exclusive, Duration::ZERO);
        assert!(matches!(second, Err(LockError::Held { .. })));
        let reader = FolderLock::acquire(&dir, Access::Shared, Duration::ZERO);
        assert!(matches!(reader, Err(LockError::Held { .. })));
        drop(first);
        let one = FolderLock::acquire(&dir, Access::Shared, Duration::ZERO).unwrap();
        let two = FolderLock::acquire(&dir, Access::Shared, Duration::ZERO).unwrap();
        drop((one, two));
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_waiting_run_follows_a_swapped_folder() {
        let dir = scratch("swapped");
        let out = dir.join("out");
        fs::create_dir(&out).unwrap();
        let mut writer = FolderLock::acquire(&out, Access::Exclusive, Duration::ZERO).unwrap();
        let staging = dir.join("staging");
        fs::create_dir(&staging).unwrap();
        writer.also_hold(&staging).unwrap();
        fs::rename(&out, dir.join("old")).unwrap();
        fs::rename(&staging, &out).unwrap();
        // The new folder is locked too: nobody gets in while the writer lives.
        assert!(matches!(
            FolderLock::acquire(&out, Access::Exclusive, Duration::from_millis(120)),
            Err(LockError::Held { .. })
        ));
        drop(writer);
        assert!(FolderLock::acquire(&out, Access::Exclusive, Duration::ZERO).is_ok());
        fs::remove_dir_all(dir).unwrap();
    }
}
