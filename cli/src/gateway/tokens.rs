//! The tokens `gateway --stdio` signs in with, kept across runs in a file of the user's
//! settings (`mcpforge/tokens.json`, readable by the user alone): one JSON object, the
//! tokens of each server by its MCP endpoint's URL.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use mcpforge::client::auth::{TokenStore, Tokens};

/// The future type of [`TokenStore`]'s methods.
pub(crate) type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// The file's name in the settings' `mcpforge` directory.
const FILE: &str = "tokens.json";

/// Tokens in a file. The file is small and read or written once per sign-in or refresh, so
/// it is read and written in place, without a blocking-task hop.
#[derive(Debug)]
pub(crate) struct FileTokenStore {
    path: PathBuf,
    /// Serializes this process's reads and writes of the file.
    lock: Mutex<()>,
}

impl FileTokenStore {
    /// The store of the user's settings directory.
    pub(crate) fn of_user() -> Result<FileTokenStore, String> {
        let dir = crate::places::settings()?.join("mcpforge");
        Ok(FileTokenStore::at(dir.join(FILE)))
    }

    /// The store in the file at `path`.
    pub(crate) fn at(path: PathBuf) -> FileTokenStore {
        FileTokenStore { path, lock: Mutex::new(()) }
    }

    /// Where the tokens are kept.
    #[cfg(test)]
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Everything the file holds (nothing when it is missing or unreadable).
    fn all(&self) -> BTreeMap<String, Tokens> {
        let text = std::fs::read_to_string(&self.path).unwrap_or_default();
        serde_json::from_str(&text).unwrap_or_default()
    }

    /// Writes `all` to a new file beside the old one, readable by the user alone, then puts
    /// it in the old one's place.
    fn write(&self, all: &BTreeMap<String, Tokens>) -> std::io::Result<()> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)?;
        let fresh = self.path.with_extension(format!("json.{}", std::process::id()));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&fresh)?;
        file.write_all(&serde_json::to_vec_pretty(all).map_err(std::io::Error::other)?)?;
        file.sync_all()?;
        std::fs::rename(&fresh, &self.path)
    }
}

impl TokenStore for FileTokenStore {
    fn load<'a>(&'a self, resource: &'a str) -> BoxFuture<'a, Option<Tokens>> {
        let found = {
            let _held = self.lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            self.all().remove(resource)
        };
        Box::pin(async move { found })
    }

    fn save<'a>(&'a self, resource: &'a str, tokens: Option<Tokens>) -> BoxFuture<'a, ()> {
        let _held = self.lock.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut all = self.all();
        match tokens {
            Some(tokens) => _ = all.insert(resource.to_owned(), tokens),
            None => _ = all.remove(resource),
        }
        if let Err(e) = self.write(&all) {
            eprintln!("mcpforge gateway: cannot keep the tokens in {}: {e}", self.path.display());
        }
        Box::pin(async {})
    }
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
            issuer: "http://127.0.0.1:1".into(),
            token_endpoint: "http://127.0.0.1:1/token".into(),
            client_id: "c".into(),
            client_secret: None,
            auth_method: "none".into(),
            resource: "http://127.0.0.1:2/mcp".into(),
        }
    }

    #[test]
    fn tokens_are_kept_by_resource_in_a_private_file() {
        let dir = std::env::temp_dir().join(format!("mcpforge-tokens-{}", std::process::id()));
        let store = FileTokenStore::at(dir.join("sub").join(FILE));
        let run = futures_now::<Option<Tokens>>;
        futures_now(store.save("http://a/mcp", Some(tokens("one"))));
        futures_now(store.save("http://b/mcp", Some(tokens("two"))));
        let again = FileTokenStore::at(store.path().to_owned());
        assert_eq!(run(again.load("http://a/mcp")).map(|t| t.access_token).as_deref(), Some("one"));
        futures_now(again.save("http://a/mcp", None));
        assert!(run(store.load("http://a/mcp")).is_none());
        assert_eq!(run(store.load("http://b/mcp")).map(|t| t.access_token).as_deref(), Some("two"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(store.path()).expect("the file").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(&dir).expect("removed");
    }

    /// Runs a future that is ready at once.
    fn futures_now<T>(f: BoxFuture<'_, T>) -> T {
        tokio::runtime::Builder::new_current_thread().build().expect("a runtime").block_on(f)
    }
}
