//! Writing reports and decision records without touching what was judged.
//!
//! An `--output FORMAT=PATH` or `--attest PATH` that names the manifest or
//! any file in a submission folder (directly, through a link, or as a hard
//! link to one) is refused before anything is written: a check must never
//! destroy the evidence it has just judged. Every output is written to a
//! temporary file beside it and renamed into place, so a reader never sees
//! half a report and a link at the output path is replaced, not followed.

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The files of the submissions being checked, by identity, so that an
/// output path can be compared with them however it is spelt.
pub struct JudgedFiles {
    files: Vec<Identity>,
}

/// What makes two paths the same file.
#[derive(PartialEq, Eq)]
struct Identity {
    #[cfg(unix)]
    device_inode: (u64, u64),
    #[cfg(not(unix))]
    canonical: PathBuf,
}

impl Identity {
    /// The identity of the file `path` leads to, if it exists.
    fn of(path: &Path) -> Option<Self> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt as _;
            let meta = std::fs::metadata(path).ok()?;
            Some(Self {
                device_inode: (meta.dev(), meta.ino()),
            })
        }
        #[cfg(not(unix))]
        {
            Some(Self {
                canonical: path.canonicalize().ok()?,
            })
        }
    }
}

/// How many entries of one folder are looked at; a folder with more is
/// refused by the loader's own limit long before.
const MAX_ENTRIES: usize = 1_000_000;

impl JudgedFiles {
    /// Every file under each folder (the manifest, declared evidence and
    /// anything else present), and the target of every link there.
    pub fn of<'a>(folders: impl IntoIterator<Item = &'a Path>) -> Self {
        let mut files = Vec::new();
        for folder in folders {
            files.extend(
                walkdir::WalkDir::new(folder)
                    .follow_links(false)
                    .into_iter()
                    .take(MAX_ENTRIES)
                    .filter_map(Result::ok)
                    .filter(|e| !e.file_type().is_dir())
                    .filter_map(|e| Identity::of(e.path())),
            );
        }
        Self { files }
    }

    /// Refuses `path` if it is one of the inputs: `what` names the option in
    /// the message (`the sarif report`, `the decision record`).
    pub fn refuse(&self, what: &str, path: &Path) -> Result<(), String> {
        match Identity::of(path) {
            Some(identity) if self.files.contains(&identity) => Err(format!(
                "{what} would be written to {}, which is a file of the submission being \
                 checked; nothing was written: choose a path outside the submission folder",
                path.display()
            )),
            _ => Ok(()),
        }
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder
/// (created new, never an existing file or link), renamed into place.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.{nonce}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    // Reports are for others to read, as a plain write would leave them.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o666);
    let result = (|| {
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Prints a report on standard output. A closed pipe (`assure check … |
/// head`) is not an error.
pub fn print(text: &str) -> Result<(), crate::failure::Failure> {
    use std::io::Write as _;
    let mut stdout = anstream::stdout();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(
            crate::failure::Failure::usage(format!("cannot write the report: {e}")),
        ),
        _ => Ok(()),
    }
}
