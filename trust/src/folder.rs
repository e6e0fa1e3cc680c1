//! Opening files inside a folder written by someone else, without check-then-open.
//!
//! A submission, a bundle folder and the files a decision record names are all written by a
//! party assure does not trust, who may also be changing them while assure runs. Checking a
//! path (canonicalise it, see it is inside the folder) and then opening it leaves a window in
//! which a link can be swapped in. Here the folder is opened once, as a directory handle, and
//! every file is opened *relative to that handle* by a call that refuses the escape itself:
//!
//! - on Linux, `openat2` with `RESOLVE_BENEATH` (no `..` above the folder, no absolute link,
//!   no link that leads out) and `RESOLVE_NO_MAGICLINKS`, plus `RESOLVE_NO_SYMLINKS` where
//!   links are refused altogether;
//! - elsewhere on Unix, and on a Linux kernel without `openat2` (before 5.6), each path
//!   component is opened with `O_NOFOLLOW` relative to the one before it, so any link is
//!   refused (stricter than the above: a link inside the folder is refused too).
//!
//! The file opened is then checked *by its handle* to be a regular file (a FIFO or device is
//! never read, and the open does not block on one), and read through that same handle.

use std::fs::File;
use std::path::{Path, PathBuf};

/// Whether links inside the folder may be followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// Links that stay inside the folder are followed; one that leads out is refused.
    StayInside,
    /// Every link is refused.
    Refused,
}

/// Why a file inside a folder was not opened.
#[derive(Debug)]
pub enum OpenError {
    /// There is no such file.
    Missing,
    /// The path leads out of the folder (`..`, an absolute link, a link out of it).
    Escapes,
    /// A link on the way, where links are refused.
    Link,
    /// It is not a regular file (a folder, FIFO, device or socket).
    NotAFile,
    /// Any other failure.
    Io(std::io::Error),
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Missing => f.write_str("the file is missing"),
            Self::Escapes => f.write_str("it resolves outside the folder (a link or `..` escape)"),
            Self::Link => f.write_str("it is, or passes through, a symbolic link"),
            Self::NotAFile => f.write_str("it is not a regular file"),
            Self::Io(e) => write!(f, "it cannot be read: {e}"),
        }
    }
}

impl std::error::Error for OpenError {}

/// A folder opened once; files inside it are opened relative to it.
#[derive(Debug)]
pub struct Folder {
    path: PathBuf,
    #[cfg(unix)]
    handle: std::os::fd::OwnedFd,
}

impl Folder {
    /// Opens the folder at `path` (following a link there: the caller chose the path).
    pub fn open(path: &Path) -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use rustix::fs::{Mode, OFlags};
            let handle = rustix::fs::open(
                path,
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
                Mode::empty(),
            )?;
            Ok(Self {
                path: path.to_owned(),
                handle,
            })
        }
        #[cfg(not(unix))]
        {
            if !std::fs::metadata(path)?.is_dir() {
                return Err(std::io::Error::other("not a folder"));
            }
            Ok(Self {
                path: path.canonicalize()?,
            })
        }
    }

    /// The path the folder was opened at (for messages).
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Opens the regular file at `relative` (`/`-separated, inside the folder) for reading,
    /// refusing an escape when it opens, not before.
    pub fn open_file(&self, relative: &str, links: Links) -> Result<File, OpenError> {
        let file = self.open_beneath(relative, links)?;
        let meta = file.metadata().map_err(OpenError::Io)?;
        if !meta.is_file() {
            return Err(OpenError::NotAFile);
        }
        Ok(file)
    }

    #[cfg(target_os = "linux")]
    fn open_beneath(&self, relative: &str, links: Links) -> Result<File, OpenError> {
        use rustix::fs::{Mode, ResolveFlags};
        use rustix::io::Errno;
        let mut resolve = ResolveFlags::BENEATH | ResolveFlags::NO_MAGICLINKS;
        if links == Links::Refused {
            resolve |= ResolveFlags::NO_SYMLINKS;
        }
        // The kernel asks for a retry when a rename raced the lookup.
        for _ in 0..16 {
            match rustix::fs::openat2(&self.handle, relative, read_flags(), Mode::empty(), resolve)
            {
                Ok(fd) => return Ok(File::from(fd)),
                Err(Errno::AGAIN | Errno::INTR) => {}
                // No openat2 (kernel before 5.6, or a sandbox that forbids it).
                Err(Errno::NOSYS | Errno::PERM) => return self.open_by_components(relative),
                Err(Errno::XDEV) => return Err(OpenError::Escapes),
                Err(Errno::LOOP) if links == Links::Refused => return Err(OpenError::Link),
                Err(e) => return Err(errno(e)),
            }
        }
        Err(OpenError::Io(std::io::Error::other(
            "the folder kept changing while the file was opened",
        )))
    }

    #[cfg(all(unix, not(target_os = "linux")))]
    fn open_beneath(&self, relative: &str, _links: Links) -> Result<File, OpenError> {
        self.open_by_components(relative)
    }

    /// Opens `relative` one component at a time with `O_NOFOLLOW`: any link is refused.
    #[cfg(unix)]
    fn open_by_components(&self, relative: &str) -> Result<File, OpenError> {
        use rustix::fs::{Mode, OFlags};
        use rustix::io::Errno;
        let parts: Vec<&str> = relative.split('/').filter(|p| !p.is_empty()).collect();
        let Some((last, folders)) = parts.split_last() else {
            return Err(OpenError::NotAFile);
        };
        let mut dir: Option<std::os::fd::OwnedFd> = None;
        for part in folders {
            if *part == "." || *part == ".." {
                return Err(OpenError::Escapes);
            }
            let at = dir.as_ref().unwrap_or(&self.handle);
            let next = rustix::fs::openat(
                at,
                *part,
                OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::empty(),
            )
            .map_err(|e| match e {
                Errno::LOOP | Errno::NOTDIR => OpenError::Link,
                e => errno(e),
            })?;
            dir = Some(next);
        }
        if *last == "." || *last == ".." {
            return Err(OpenError::Escapes);
        }
        let at = dir.as_ref().unwrap_or(&self.handle);
        rustix::fs::openat(at, *last, read_flags() | OFlags::NOFOLLOW, Mode::empty())
            .map(File::from)
            .map_err(|e| match e {
                Errno::LOOP => OpenError::Link,
                e => errno(e),
            })
    }

    #[cfg(not(unix))]
    fn open_beneath(&self, relative: &str, links: Links) -> Result<File, OpenError> {
        // No directory handles here: the best std offers is to resolve, then open.
        let path = self.path.join(relative);
        let meta = std::fs::symlink_metadata(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => OpenError::Missing,
            _ => OpenError::Io(e),
        })?;
        if links == Links::Refused && meta.file_type().is_symlink() {
            return Err(OpenError::Link);
        }
        let real = path.canonicalize().map_err(OpenError::Io)?;
        if !real.starts_with(&self.path) {
            return Err(OpenError::Escapes);
        }
        File::open(&real).map_err(OpenError::Io)
    }
}

/// Read-only, and never blocking on a FIFO or becoming a controlling terminal.
#[cfg(unix)]
fn read_flags() -> rustix::fs::OFlags {
    use rustix::fs::OFlags;
    OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NONBLOCK | OFlags::NOCTTY
}

#[cfg(unix)]
fn errno(e: rustix::io::Errno) -> OpenError {
    if e == rustix::io::Errno::NOENT {
        OpenError::Missing
    } else {
        OpenError::Io(e.into())
    }
}

#[cfg(all(test, unix))]
#[expect(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;
    use std::io::Read as _;
    use std::os::unix::fs::symlink;

    fn read(folder: &Folder, relative: &str, links: Links) -> Result<String, OpenError> {
        let mut text = String::new();
        folder
            .open_file(relative, links)?
            .read_to_string(&mut text)
            .unwrap();
        Ok(text)
    }

    #[test]
    fn a_link_swapped_in_after_the_folder_is_opened_cannot_lead_out() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside");
        let root = dir.path().join("submission");
        std::fs::create_dir_all(root.join("docs")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(outside.join("secret"), "outside").unwrap();
        std::fs::write(root.join("docs/sbom.json"), "inside").unwrap();
        std::fs::write(root.join("a.json"), "a").unwrap();
        symlink("a.json", root.join("inner-link")).unwrap();

        let folder = Folder::open(&root).unwrap();
        assert_eq!(
            read(&folder, "docs/sbom.json", Links::StayInside).unwrap(),
            "inside"
        );
        assert_eq!(read(&folder, "inner-link", Links::StayInside).unwrap(), "a");
        assert!(matches!(
            read(&folder, "inner-link", Links::Refused),
            Err(OpenError::Link)
        ));

        // Between the two opens, the folder `docs` becomes a link out, and a
        // file becomes an absolute link out.
        std::fs::rename(root.join("docs"), dir.path().join("docs-away")).unwrap();
        symlink(&outside, root.join("docs")).unwrap();
        std::fs::remove_file(root.join("a.json")).unwrap();
        symlink(outside.join("secret"), root.join("a.json")).unwrap();
        std::fs::write(outside.join("sbom.json"), "outside").unwrap();
        for links in [Links::StayInside, Links::Refused] {
            let swapped = read(&folder, "docs/sbom.json", links);
            assert!(
                matches!(swapped, Err(OpenError::Escapes | OpenError::Link)),
                "{swapped:?}"
            );
            let swapped = read(&folder, "a.json", links);
            assert!(
                matches!(swapped, Err(OpenError::Escapes | OpenError::Link)),
                "{swapped:?}"
            );
        }
        assert!(matches!(
            read(&folder, "../outside/secret", Links::StayInside),
            Err(OpenError::Escapes | OpenError::Link)
        ));
        assert!(matches!(
            read(&folder, "nothing", Links::StayInside),
            Err(OpenError::Missing)
        ));
        assert!(matches!(
            read(&folder, "docs-none/x", Links::StayInside),
            Err(OpenError::Missing)
        ));
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let status = std::process::Command::new("mkfifo")
            .arg(dir.path().join("pipe"))
            .status();
        if !status.is_ok_and(|s| s.success()) {
            return;
        }
        let folder = Folder::open(dir.path()).unwrap();
        assert!(matches!(
            folder.open_file("pipe", Links::StayInside),
            Err(OpenError::NotAFile)
        ));
    }
}
