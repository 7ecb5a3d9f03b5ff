//! `gateway --config FILE` follows its file: the file's size and modification time are
//! looked at every second, and when they change it is read again. Servers added are
//! started and their items appear, servers removed are taken out (their children stopped),
//! servers whose entry changed are restarted; the others, and every downstream session, go
//! on untouched. Clients are told each list that changed. A file that does not read or
//! does not check is said on stderr and ignored: the running configuration stays. The
//! `server` and `http` options are read at start only: a version that changes them says on
//! stderr that the running ones stay until the gateway restarts.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use mcpforge::Server;
use mcpforge::proxy::{Mode, Proxy, Upstream};
use tokio::sync::oneshot;

use super::config::File;

/// How often the file is looked at.
const POLL: Duration = Duration::from_secs(1);

/// The upstreams mounted on the gateway's server, one [`Proxy`] each, by name.
pub(crate) struct Mounted {
    server: Server,
    current: BTreeMap<String, (Upstream, Proxy)>,
}

impl Mounted {
    /// Mounts `upstreams` on `server`, waiting for each one's first catalogue (as
    /// [`Proxy::start`] does).
    pub(crate) async fn start(server: Server, upstreams: Vec<Upstream>) -> Mounted {
        let mut mounted = Mounted { server, current: BTreeMap::new() };
        for upstream in upstreams {
            mounted.mount(upstream).await;
        }
        mounted
    }

    async fn mount(&mut self, upstream: Upstream) {
        let proxy = Proxy::attach(self.server.clone(), vec![upstream.clone()]).await;
        self.current.insert(upstream.name.clone(), (upstream, proxy));
    }

    /// Makes `upstreams` the mounted ones, touching only what changed; returns what was
    /// added, removed and restarted, by name.
    pub(crate) async fn apply(&mut self, upstreams: Vec<Upstream>) -> [Vec<String>; 3] {
        let wanted: BTreeMap<String, Upstream> = upstreams.into_iter().map(|u| (u.name.clone(), u)).collect();
        let (mut added, mut removed, mut restarted) = (Vec::new(), Vec::new(), Vec::new());
        let gone: Vec<String> = self.current.keys().filter(|n| !wanted.contains_key(*n)).cloned().collect();
        for name in gone {
            if let Some((_, proxy)) = self.current.remove(&name) {
                proxy.detach();
            }
            removed.push(name);
        }
        for (name, upstream) in wanted {
            match self.current.get(&name) {
                Some((running, _)) if *running == upstream => continue,
                Some(_) => {
                    if let Some((_, proxy)) = self.current.remove(&name) {
                        proxy.detach();
                    }
                    restarted.push(name);
                }
                None => added.push(name),
            }
            self.mount(upstream).await;
        }
        [added, removed, restarted]
    }

    /// Stops every upstream's children.
    pub(crate) fn close(self) {
        self.current.into_values().for_each(|(_, proxy)| proxy.close());
    }
}

/// The file's size and modification time, or none when it cannot be read.
fn stamp(path: &Path) -> Option<(u64, SystemTime)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

/// Follows `path` (none: nothing to follow) until `stop`, applying each good version to
/// `mounted`, with `fixed` (the command line's upstream) mounted whatever the file says;
/// returns `mounted` then.
pub(crate) async fn follow(
    path: Option<PathBuf>,
    default: Mode,
    fixed: Vec<Upstream>,
    mut mounted: Mounted,
    mut stop: oneshot::Receiver<()>,
) -> Mounted {
    let Some(path) = path else {
        let _ = stop.await;
        return mounted;
    };
    let mut seen = stamp(&path);
    // The options the gateway started with (the file as read now: it was read at start).
    let started = File::read(&path, default).ok();
    loop {
        tokio::select! {
            _ = &mut stop => return mounted,
            () = tokio::time::sleep(POLL) => {}
        }
        let now = stamp(&path);
        if now == seen || now.is_none() {
            continue;
        }
        seen = now;
        let read = File::read(&path, default).and_then(|file| Ok((file.upstreams(default)?, file)));
        match read {
            Ok((upstreams, file)) => {
                let changed = started.as_ref().map(|s| s.options_changed(&file)).unwrap_or_default();
                if !changed.is_empty() {
                    eprintln!(
                        "mcpforge gateway: {}: the {} options changed; they are read at start only, the \
                         running ones stay until the gateway restarts",
                        path.display(),
                        changed.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(" and ")
                    );
                }
                let [added, removed, restarted] = mounted.apply(fixed.iter().cloned().chain(upstreams).collect()).await;
                eprintln!(
                    "mcpforge gateway: {} reloaded: added {added:?}, removed {removed:?}, restarted {restarted:?}",
                    path.display()
                );
            }
            Err(e) => eprintln!("mcpforge gateway: {e}; the running configuration stays"),
        }
    }
}
