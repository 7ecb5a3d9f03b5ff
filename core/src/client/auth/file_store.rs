//! A token store in one JSON file ([`FileTokenStore`]) that several processes can share:
//! written whole and renamed into place (mode 0600), its refreshes serialized across
//! processes by an advisory lock on a lock file beside it (`<file>.lock`), so one refresh
//! runs per expiry however many processes hold the store.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::store::{StoreLock, TokenStore, Tokens};
use crate::sync::{BoxFuture, lock};

/// How long [`FileTokenStore::lock_for_refresh`] waits for another process's refresh before
/// failing, unless [`FileTokenStore::lock_timeout`] says otherwise. A refresh takes one
/// bounded exchange with the token endpoint (10 s at most), so a lock held longer belongs to
/// a process that is stuck.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(30);

/// How often a lock held by another process is tried again.
const LOCK_RETRY: Duration = Duration::from_millis(20);

/// Tokens by resource in one JSON file, shared by every process that names the same file.
/// Clones share the file and this process's side of its lock.
#[derive(Debug, Clone)]
pub struct FileTokenStore {
    path: PathBuf,
    lock_path: PathBuf,
    timeout: Duration,
    /// Held by this process's refresh under way (the file lock keeps other processes out,
    /// not the other tasks of this one).
    gate: Arc<tokio::sync::Mutex<()>>,
    /// Serializes this process's read-modify-write of the file.
    writing: Arc<Mutex<()>>,
}

impl FileTokenStore {
    /// The store kept in `path` (created on the first save; its directory must exist).
    pub fn new(path: impl Into<PathBuf>) -> FileTokenStore {
        let path = path.into();
        let mut lock_path = path.clone().into_os_string();
        lock_path.push(".lock");
        FileTokenStore {
            path,
            lock_path: lock_path.into(),
            timeout: DEFAULT_LOCK_TIMEOUT,
            gate: Arc::default(),
            writing: Arc::default(),
        }
    }

    /// How long to wait for the lock another process holds (default [`DEFAULT_LOCK_TIMEOUT`]).
    #[must_use]
    pub fn lock_timeout(mut self, timeout: Duration) -> FileTokenStore {
        self.timeout = timeout;
        self
    }

    /// The file the tokens are kept in.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl TokenStore for FileTokenStore {
    fn load<'a>(&'a self, resource: &'a str) -> BoxFuture<'a, Option<Tokens>> {
        Box::pin(async move {
            let path = self.path.clone();
            let read = tokio::task::spawn_blocking(move || read_all(&path)).await;
            read.ok()?.remove(resource)
        })
    }

    fn save<'a>(&'a self, resource: &'a str, tokens: Option<Tokens>) -> BoxFuture<'a, ()> {
        let (path, writing) = (self.path.clone(), self.writing.clone());
        let resource = resource.to_owned();
        Box::pin(async move {
            let written = tokio::task::spawn_blocking(move || {
                let _writing = lock(&writing);
                let mut all = read_all(&path);
                match tokens {
                    Some(tokens) => _ = all.insert(resource, tokens),
                    None => _ = all.remove(&resource),
                }
                write_all(&path, &all)
            })
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e)));
            if let Err(e) = written {
                tracing::warn!(path = %self.path.display(), "saving the tokens failed: {e}");
            }
        })
    }

    fn lock_for_refresh<'a>(&'a self, _resource: &'a str) -> BoxFuture<'a, Result<Option<StoreLock>, String>> {
        Box::pin(async move {
            let deadline = tokio::time::Instant::now() + self.timeout;
            let late = || {
                format!(
                    "the token store {} stayed locked by another refresh for {} s",
                    self.lock_path.display(),
                    self.timeout.as_secs_f64()
                )
            };
            let gate = tokio::time::timeout_at(deadline, self.gate.clone().lock_owned()).await.map_err(|_| late())?;
            let file =
                open_private(&self.lock_path, false).map_err(|e| format!("{}: {e}", self.lock_path.display()))?;
            loop {
                match try_flock(&file) {
                    Ok(true) => break,
                    Ok(false) if tokio::time::Instant::now() < deadline => tokio::time::sleep(LOCK_RETRY).await,
                    Ok(false) => return Err(late()),
                    Err(e) => return Err(format!("locking {}: {e}", self.lock_path.display())),
                }
            }
            // Closing the file releases the lock; the gate goes with it.
            let held: StoreLock = Box::new((file, gate));
            Ok(Some(held))
        })
    }
}

/// Takes `file`'s advisory lock (`flock`, exclusive) without waiting: true when taken, false
/// while another open file holds it. Closing the file releases it, as does the end of the
/// process. Written on `libc` (already a dependency) rather than `File::try_lock`, which
/// needs Rust 1.89, past the workspace's rust-version.
#[cfg(unix)]
fn try_flock(file: &File) -> std::io::Result<bool> {
    use std::os::fd::AsRawFd;
    // SAFETY: `flock` on a descriptor `file` owns and keeps open for the call; it touches no
    // memory of ours.
    let done = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if done == 0 {
        return Ok(true);
    }
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EWOULDBLOCK | libc::EINTR) => Ok(false),
        _ => Err(e),
    }
}

/// Without `flock` the store cannot keep other processes out: taking its lock fails.
#[cfg(not(unix))]
fn try_flock(_file: &File) -> std::io::Result<bool> {
    Err(std::io::Error::new(std::io::ErrorKind::Unsupported, "the token file's lock needs a Unix system"))
}

/// Every resource's tokens in the file (none when it is missing or does not read).
fn read_all(path: &Path) -> BTreeMap<String, Tokens> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .inspect_err(|e| tracing::warn!(path = %path.display(), "the token file does not read: {e}"))
            .unwrap_or_default(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
        Err(e) => {
            tracing::warn!(path = %path.display(), "reading the token file failed: {e}");
            BTreeMap::new()
        }
    }
}

/// Writes `all` beside `path` and renames it into place, so a reader sees the old file or
/// the new one, never a part.
fn write_all(path: &Path, all: &BTreeMap<String, Tokens>) -> std::io::Result<()> {
    let mut temp = path.to_path_buf().into_os_string();
    temp.push(format!(".{}.tmp", std::process::id()));
    let temp = PathBuf::from(temp);
    let mut file = open_private(&temp, true)?;
    let written = serde_json::to_vec_pretty(all).map_err(std::io::Error::other).and_then(|json| {
        file.write_all(&json)?;
        file.sync_all()
    });
    drop(file);
    match written.and_then(|()| std::fs::rename(&temp, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            _ = std::fs::remove_file(&temp);
            Err(e)
        }
    }
}

/// Opens `path` for writing, created readable by its owner only (emptied when `truncate`).
fn open_private(path: &Path, truncate: bool) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).write(true).truncate(truncate);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(access: &str) -> Tokens {
        Tokens {
            access_token: access.into(),
            refresh_token: Some("r".into()),
            expires_at: None,
            scope: None,
            issuer: "i".into(),
            token_endpoint: "t".into(),
            client_id: "c".into(),
            client_secret: None,
            auth_method: "none".into(),
            resource: "r".into(),
        }
    }

    fn temp_path(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("mcpforge-file-store-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("tokens.json")
    }

    #[tokio::test]
    async fn saves_by_resource_privately_and_reads_back() {
        let path = temp_path("save");
        let store = FileTokenStore::new(&path);
        assert_eq!(store.load("http://a/mcp").await, None);
        store.save("http://a/mcp", Some(tokens("one"))).await;
        store.save("http://b/mcp", Some(tokens("two"))).await;
        let other = FileTokenStore::new(&path);
        assert_eq!(other.load("http://a/mcp").await.unwrap().access_token, "one");
        other.save("http://a/mcp", None).await;
        assert_eq!(store.load("http://a/mcp").await, None);
        assert_eq!(store.load("http://b/mcp").await.unwrap().access_token, "two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        _ = std::fs::remove_dir_all(path.parent().unwrap());
    }

    #[tokio::test]
    async fn a_held_lock_makes_another_holder_wait_then_fail_at_its_bound() {
        let path = temp_path("lock");
        let first = FileTokenStore::new(&path);
        // A second store on the same file stands for another process: its own gate, its
        // own open file, so only the file lock keeps it out.
        let second = FileTokenStore::new(&path).lock_timeout(Duration::from_millis(200));
        let held = first.lock_for_refresh("r").await.unwrap();
        assert!(held.is_some());
        let refused = second.lock_for_refresh("r").await.err().unwrap();
        assert!(refused.contains("stayed locked"), "{refused}");
        drop(held);
        assert!(second.lock_for_refresh("r").await.unwrap().is_some());
        _ = std::fs::remove_dir_all(path.parent().unwrap());
    }
}
