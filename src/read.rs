//! Reading what walint is handed, whatever it is: only regular files (a FIFO would block
//! forever, `/dev/zero` never ends), and never more than the limit plus one byte, so a
//! file over it is known to be over it without reading all of it. Documents, the config,
//! the baseline and standard input are all read through here.

use std::fs::{File, FileType};
use std::io::{self, Read};
use std::path::Path;

/// Why a path could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// It exists, but is not a regular file: what it is instead.
    NotRegular(&'static str),
    /// A symbolic link to nothing that can be opened (missing, or a loop).
    BrokenLink(io::Error),
    Io(io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotRegular(what) => write!(f, "not a regular file ({what})"),
            ReadError::BrokenLink(error) => {
                write!(f, "a symbolic link that leads nowhere ({})", reason(error))
            }
            ReadError::Io(error) => write!(f, "{}", reason(error)),
        }
    }
}

/// An I/O error as a reason in a sentence: "Permission denied", without the "(os error 13)"
/// the standard library appends.
pub fn reason(error: &io::Error) -> String {
    let text = error.to_string();
    match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => text[..at].to_string(),
        _ => text,
    }
}

/// What a file type is, in words, when it is not a regular file.
pub fn what_it_is(file_type: FileType) -> Option<&'static str> {
    if file_type.is_file() {
        return None;
    }
    if file_type.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("a named pipe");
        }
        if file_type.is_char_device() {
            return Some("a character device");
        }
        if file_type.is_block_device() {
            return Some("a block device");
        }
        if file_type.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a file")
}

/// Opens `path` for reading without blocking on a FIFO: the type is checked on the path
/// first, and again on what was opened (the path may have changed in between).
fn open_regular(path: &Path) -> Result<(File, u64), ReadError> {
    let metadata = std::fs::metadata(path).map_err(|error| {
        if path.symlink_metadata().is_ok() {
            ReadError::BrokenLink(error)
        } else {
            ReadError::Io(error)
        }
    })?;
    if let Some(what) = what_it_is(metadata.file_type()) {
        return Err(ReadError::NotRegular(what));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(ReadError::Io)?;
    let metadata = file.metadata().map_err(ReadError::Io)?;
    if let Some(what) = what_it_is(metadata.file_type()) {
        return Err(ReadError::NotRegular(what));
    }
    Ok((file, metadata.len()))
}

/// A regular file's bytes, at most `limit + 1` of them, and its size.
pub fn read_capped(path: &Path, limit: u64) -> Result<(Vec<u8>, u64), ReadError> {
    let (file, size) = open_regular(path)?;
    let mut bytes = Vec::with_capacity(size.min(limit + 1) as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    let size = size.max(bytes.len() as u64);
    Ok((bytes, size))
}

/// A stream's bytes (standard input), at most `limit + 1` of them.
pub fn read_stream_capped(stream: impl Read, limit: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    stream.take(limit + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_limit_and_one_byte_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.json");
        std::fs::write(&path, vec![b'x'; 10_000]).unwrap();
        let (bytes, size) = read_capped(&path, 100).unwrap();
        assert_eq!((bytes.len(), size), (101, 10_000));
        let bytes = read_stream_capped(&b"abcdef"[..], 3).unwrap();
        assert_eq!(bytes, b"abcd");
    }

    #[test]
    fn folders_and_missing_files_say_what_they_are() {
        let dir = tempfile::tempdir().unwrap();
        let error = read_capped(dir.path(), 10).unwrap_err();
        assert_eq!(error.to_string(), "not a regular file (a folder)");
        let error = read_capped(&dir.path().join("none.yaml"), 10).unwrap_err();
        assert_eq!(error.to_string(), "No such file or directory");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_device_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("x.yaml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let error = read_capped(&fifo, 10).unwrap_err();
            assert_eq!(error.to_string(), "not a regular file (a named pipe)");
        }
        let error = read_capped(Path::new("/dev/zero"), 10).unwrap_err();
        assert_eq!(error.to_string(), "not a regular file (a character device)");
    }
}
