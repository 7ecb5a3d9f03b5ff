//! Which source files changed under the folders `dev` watches ([`Watcher`]): each folder is
//! watched on its own (not recursively, so what is skipped costs no watch: `.git` and other
//! hidden folders, `node_modules`, `target`, `__pycache__`, `venv`), folders created later
//! are added as they appear, and only source files count (by extension: the languages'
//! code and configuration, not the data or logs a server writes beside it). Changes are
//! gathered until the files have been quiet for [`QUIET`], so one save (or a tool writing
//! several files) restarts the server once.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use notify::event::{EventKind, ModifyKind};
use notify::{Event, RecommendedWatcher, RecursiveMode, Watcher as _};
use tokio::sync::Notify;
use tokio::time::Instant;

use crate::failure::Failure;
use crate::output;

/// How long the files must be quiet after a change before the server restarts.
const QUIET: Duration = Duration::from_millis(300);
/// The longest a restart waits for quiet, however often the files keep changing.
const LONGEST: Duration = Duration::from_secs(2);
/// How many folders are watched at most.
const MAX_FOLDERS: usize = 4096;
/// How deep under a watched folder folders are watched.
const MAX_DEPTH: usize = 32;
/// Folders never watched, besides hidden ones.
const SKIPPED: [&str; 5] = ["node_modules", "target", "__pycache__", "venv", "site-packages"];
/// The extensions of the files whose change restarts the server.
const SOURCES: [&str; 30] = [
    "py", "pyi", "js", "mjs", "cjs", "ts", "mts", "cts", "jsx", "tsx", "rs", "go", "rb", "php", "java", "kt", "cs",
    "c", "h", "cc", "cpp", "hpp", "swift", "toml", "yaml", "yml", "ini", "cfg", "env", "lock",
];

/// What the watcher's thread hands over.
#[derive(Default)]
struct Pending {
    /// The first source file changed since the last restart.
    changed: Option<PathBuf>,
    /// Folders created since they were last looked at.
    folders: Vec<PathBuf>,
}

/// The watched folders' changes.
pub(super) struct Watcher {
    watcher: RecommendedWatcher,
    pending: Arc<Mutex<Pending>>,
    wake: Arc<Notify>,
    watched: HashSet<PathBuf>,
}

impl Watcher {
    /// Watches `roots` and the folders under them.
    pub(super) fn start(roots: &[PathBuf]) -> Result<Watcher, Failure> {
        let pending = Arc::new(Mutex::new(Pending::default()));
        let wake = Arc::new(Notify::new());
        let (to, woken) = (pending.clone(), wake.clone());
        let watcher = notify::recommended_watcher(move |event: notify::Result<Event>| {
            if let Ok(event) = event {
                if note(&event, &mut lock(&to)) {
                    woken.notify_one();
                }
            }
        })
        .map_err(|e| Failure::new(format!("cannot watch files: {e}")))?;
        let mut this = Watcher { watcher, pending, wake, watched: HashSet::new() };
        for root in roots {
            if !root.is_dir() {
                return Err(Failure::usage(format!("--watch {}: not a folder", root.display())));
            }
            this.add(root).map_err(Failure::new)?;
        }
        Ok(this)
    }

    /// Waits for a source file to change and then for quiet; returns the first one changed.
    pub(super) async fn changed(&mut self) -> PathBuf {
        let first = loop {
            self.wake.notified().await;
            if let Some(path) = self.take() {
                break path;
            }
        };
        let deadline = Instant::now() + LONGEST;
        loop {
            let quiet = tokio::time::timeout(QUIET, self.wake.notified()).await.is_err();
            let _ = self.take();
            if quiet || Instant::now() >= deadline {
                return first;
            }
        }
    }

    /// Watches the folders created since the last look; takes the changed file, if any.
    fn take(&mut self) -> Option<PathBuf> {
        let Pending { changed, folders } = std::mem::take(&mut *lock(&self.pending));
        for folder in folders {
            if let Err(e) = self.add(&folder) {
                output::said("dev", &e);
            }
        }
        changed
    }

    /// Watches `root` and the folders under it that are not skipped (depth-first, bounded).
    fn add(&mut self, root: &Path) -> Result<(), String> {
        let mut stack = vec![(root.to_path_buf(), 0)];
        while let Some((folder, depth)) = stack.pop() {
            if self.watched.len() >= MAX_FOLDERS {
                return Err(format!(
                    "watching the first {MAX_FOLDERS} folders only; {} and others are not watched",
                    folder.display()
                ));
            }
            if !self.watched.insert(folder.clone()) {
                continue;
            }
            if let Err(e) = self.watcher.watch(&folder, RecursiveMode::NonRecursive) {
                self.watched.remove(&folder);
                return Err(format!("cannot watch {}: {e}", folder.display()));
            }
            let Ok(entries) = std::fs::read_dir(&folder) else { continue };
            for entry in entries.flatten() {
                // Symbolic links are not followed: no loops, nothing outside the folder.
                let is_folder = entry.file_type().is_ok_and(|t| t.is_dir());
                if is_folder && depth < MAX_DEPTH && !skipped(&entry.path()) {
                    stack.push((entry.path(), depth + 1));
                }
            }
        }
        Ok(())
    }
}

/// Notes what `event` changed in `pending`; whether there is something to look at.
fn note(event: &Event, pending: &mut Pending) -> bool {
    let counts = match event.kind {
        EventKind::Create(_) | EventKind::Remove(_) | EventKind::Any => true,
        EventKind::Modify(ModifyKind::Metadata(_)) | EventKind::Access(_) | EventKind::Other => false,
        EventKind::Modify(_) => true,
    };
    let mut noted = false;
    for path in event.paths.iter().filter(|p| counts && !skipped(p)) {
        if matches!(event.kind, EventKind::Create(_) | EventKind::Modify(ModifyKind::Name(_))) && path.is_dir() {
            if pending.folders.len() < MAX_FOLDERS {
                pending.folders.push(path.clone());
            }
            noted = true;
        } else if is_source(path) {
            pending.changed.get_or_insert_with(|| path.clone());
            noted = true;
        }
    }
    noted
}

/// Whether `path` is a hidden or skipped name.
fn skipped(path: &Path) -> bool {
    path.file_name().and_then(|n| n.to_str()).is_some_and(|name| name.starts_with('.') || SKIPPED.contains(&name))
}

/// Whether `path` names a source file (a hidden file, an editor's backup or swap file is not).
fn is_source(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return false };
    if name == ".env" {
        return true;
    }
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default();
    !name.starts_with('.') && SOURCES.contains(&extension)
}

fn lock(pending: &Mutex<Pending>) -> std::sync::MutexGuard<'_, Pending> {
    pending.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_source_files_outside_skipped_folders_count() {
        assert!(is_source(Path::new("/p/server.py")) && is_source(Path::new("/p/pyproject.toml")));
        assert!(is_source(Path::new("/p/.env")));
        for other in ["/p/server.py~", "/p/.server.py.swp", "/p/4913", "/p/app.log", "/p/data.json", "/p/.#server.py"] {
            assert!(!is_source(Path::new(other)), "{other}");
        }
        assert!(
            skipped(Path::new("/p/node_modules")) && skipped(Path::new("/p/.git")) && !skipped(Path::new("/p/src"))
        );
    }

    #[test]
    fn a_file_changed_then_a_folder_created_are_noted() {
        let mut pending = Pending::default();
        let write = Event::new(EventKind::Modify(ModifyKind::Data(notify::event::DataChange::Content)))
            .add_path(PathBuf::from("/p/server.py"));
        assert!(note(&write, &mut pending));
        let log = Event::new(EventKind::Modify(ModifyKind::Any)).add_path(PathBuf::from("/p/app.log"));
        assert!(!note(&log, &mut pending));
        assert_eq!(pending.changed.as_deref(), Some(Path::new("/p/server.py")));
        let dir = std::env::temp_dir();
        let made = Event::new(EventKind::Create(notify::event::CreateKind::Folder)).add_path(dir.clone());
        assert!(note(&made, &mut pending));
        assert_eq!(pending.folders, vec![dir]);
    }
}
