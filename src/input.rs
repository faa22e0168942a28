//! Reading the files users name, bounded: only regular files, at most
//! [`MAX_INPUT_BYTES`], never blocking on a FIFO or reading a device forever.

use std::fmt;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::Path;

/// The largest input file infraplan reads (16 MiB): far above any real stage,
/// price, usage, scenarios, months or template file.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// Why a file could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The operating system refused.
    Io(io::Error),
    /// It is not a regular file (a folder, a FIFO, a device, a socket).
    NotAFile(&'static str),
    /// It is larger than [`MAX_INPUT_BYTES`].
    TooLarge,
    /// It is not UTF-8 text.
    NotText,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(error) => write!(f, "{error}"),
            ReadError::NotAFile(kind) => write!(f, "it is {kind}, not a regular file"),
            ReadError::TooLarge => write!(
                f,
                "it is larger than {} MiB, the most infraplan reads",
                MAX_INPUT_BYTES / (1024 * 1024)
            ),
            ReadError::NotText => write!(f, "it is not UTF-8 text"),
        }
    }
}

impl ReadError {
    /// Whether the file does not exist.
    pub(crate) fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io(error) if error.kind() == io::ErrorKind::NotFound)
    }
}

/// Reads a regular file of at most [`MAX_INPUT_BYTES`] as UTF-8 text.
///
/// The file is opened without blocking (a FIFO with no writer would otherwise
/// hang here) and checked on the open handle, so it cannot be swapped for
/// something else between the check and the read.
pub(crate) fn read_text(path: &Path) -> Result<String, ReadError> {
    let file = open_nonblocking(path).map_err(ReadError::Io)?;
    let metadata = file.metadata().map_err(ReadError::Io)?;
    if let Some(kind) = not_a_file(&metadata.file_type()) {
        return Err(ReadError::NotAFile(kind));
    }
    if metadata.len() > MAX_INPUT_BYTES {
        return Err(ReadError::TooLarge);
    }
    let mut bytes = Vec::new();
    // The file may grow after the check; never read more than the limit.
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(ReadError::TooLarge);
    }
    String::from_utf8(bytes).map_err(|_| ReadError::NotText)
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// What a non-regular file is, in words; `None` for a regular file.
fn not_a_file(kind: &fs::FileType) -> Option<&'static str> {
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Some("a device");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("infraplan-input-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn regular_files_are_read() {
        let dir = scratch("regular");
        fs::write(dir.join("a.json"), "{}").unwrap();
        assert_eq!(read_text(&dir.join("a.json")).unwrap(), "{}");
        assert!(
            read_text(&dir.join("missing.json"))
                .unwrap_err()
                .is_not_found()
        );
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn folders_devices_and_large_files_are_refused() {
        let dir = scratch("refused");
        assert!(matches!(
            read_text(&dir),
            Err(ReadError::NotAFile("a folder"))
        ));
        #[cfg(unix)]
        assert!(matches!(
            read_text(Path::new("/dev/zero")),
            Err(ReadError::NotAFile("a device"))
        ));
        let big = dir.join("big.json");
        let file = File::create(&big).unwrap();
        file.set_len(MAX_INPUT_BYTES + 1).unwrap();
        assert!(matches!(read_text(&big), Err(ReadError::TooLarge)));
        fs::write(dir.join("binary"), [0xff, 0xfe, 0x00]).unwrap();
        assert!(matches!(
            read_text(&dir.join("binary")),
            Err(ReadError::NotText)
        ));
        fs::remove_dir_all(dir).unwrap();
    }
}
