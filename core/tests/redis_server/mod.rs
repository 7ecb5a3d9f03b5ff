//! A `redis-server` for the tests that need one: started on a free loopback port without
//! persistence, stopped when dropped; skipped with a note when none is installed, unless
//! `MCPFORGE_REQUIRE_REDIS` is set. Also a raw command, for what a test reads of Redis itself.

#![allow(dead_code, reason = "each test file uses a different part")]

use std::process::Stdio;

use std::time::Duration;

use mcpforge::SharedStore;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// A `redis-server` on a free loopback port, without persistence, stopped when dropped.
pub struct Redis {
    child: tokio::process::Child,
    pub port: u16,
    dir: std::path::PathBuf,
}

fn binary() -> Option<std::path::PathBuf> {
    let on_path = std::env::var_os("PATH").into_iter().flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>());
    on_path
        .chain([std::path::PathBuf::from("/usr/bin"), "/usr/sbin".into()])
        .map(|d| d.join("redis-server"))
        .find(|p| p.is_file())
}

impl Redis {
    /// Started and answering; `None` (with a note) when no `redis-server` is installed
    /// and `MCPFORGE_REQUIRE_REDIS` is not set.
    pub async fn start() -> Option<Redis> {
        let Some(bin) = binary() else {
            assert!(
                std::env::var_os("MCPFORGE_REQUIRE_REDIS").is_none(),
                "MCPFORGE_REQUIRE_REDIS is set but no redis-server is installed"
            );
            eprintln!("note: no redis-server installed; the Redis half of this test is skipped");
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        Some(Redis::on_port(&bin, port).await)
    }

    async fn on_port(bin: &std::path::Path, port: u16) -> Redis {
        let dir = std::env::temp_dir().join(format!("mcpforge-redis-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let child = tokio::process::Command::new(bin)
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start redis-server");
        let redis = Redis { child, port, dir };
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            assert!(tokio::time::Instant::now() < deadline, "redis-server does not accept connections");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        redis
    }

    pub fn store(&self) -> SharedStore {
        // A prefix per store, so that tests running at once on one Redis could not meet.
        SharedStore::redis(&format!("redis://127.0.0.1:{}/0", self.port), "test").expect("a Redis URL")
    }

    /// Stops the server and starts it again on the same port (empty).
    pub async fn restart(&mut self) {
        self.stop().await;
        let bin = binary().expect("redis-server");
        let again = Redis::on_port(&bin, self.port).await;
        *self = again;
    }

    /// The raw reply (RESP) to one command of `words`.
    pub async fn command(&self, words: &[&str]) -> String {
        let mut request = String::new();
        // The command, then QUIT: Redis answers both, then closes the connection.
        for command in [words, &["QUIT"]] {
            request.push_str(&format!("*{}\r\n", command.len()));
            for w in command {
                request.push_str(&format!("${}\r\n{w}\r\n", w.len()));
            }
        }
        let mut tcp = tokio::net::TcpStream::connect(("127.0.0.1", self.port)).await.expect("connect to redis");
        tcp.write_all(request.as_bytes()).await.expect("send to redis");
        let mut reply = String::new();
        let read = tcp.read_to_string(&mut reply);
        tokio::time::timeout(Duration::from_secs(10), read).await.expect("redis answers").expect("read");
        reply.strip_suffix("+OK\r\n").unwrap_or(&reply).to_owned()
    }

    /// `used_memory` of `INFO memory`, in bytes.
    pub async fn used_memory(&self) -> u64 {
        let info = self.command(&["INFO", "memory"]).await;
        let line = info.lines().find_map(|l| l.strip_prefix("used_memory:")).expect("used_memory");
        line.trim().parse().expect("a number")
    }

    /// How many keys match `pattern`.
    pub async fn count_keys(&self, pattern: &str) -> usize {
        let reply = self.command(&["KEYS", pattern]).await;
        reply.lines().next().and_then(|l| l.strip_prefix('*')).and_then(|n| n.parse().ok()).expect("an array")
    }

    pub async fn stop(&mut self) {
        let _ = self.child.kill().await;
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
