//! The Redis backend of the shared store: per session, a record (`SET … PX`, so Redis
//! expires it), a set of subscriptions, a log level and an initialized mark, each change one
//! atomic command (so changes made through two instances at once are both kept); the bus as one pub/sub channel, and each SSE stream's newest events as a
//! list (`RPUSH`, `LTRIM`, `PEXPIRE` in one transaction; each entry is the event's sequence
//! number, 8 bytes big-endian, then its data); each task's record under its id (`SET … PX`)
//! and its owner's set of task ids (`SADD`, `PEXPIRE … GT`: Redis 7 or newer); each
//! short-lived value under its namespace and key (`SET … PX`, taken with `GETDEL`), and for a
//! kind stored within a limit an index trimmed on every insert by one Lua script. Commands go
//! through one multiplexed
//! connection that reconnects by itself; every command is bounded by a timeout, so a
//! Redis that hangs fails calls quickly instead of holding them. The bus subscriber
//! reconnects in a loop, with a growing pause, for as long as someone listens.

use std::time::Duration;

use futures_util::StreamExt as _;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::{OnceCell, mpsc};

use super::{
    BUS_QUEUE, EventLog, ExpiringValues, Limit, LoggedEvents, MessageBus, SessionChange, SessionRecords, StoreError,
    StoreFuture, StoredSession, TaskRecords,
};

/// How long one command may take, connecting included.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(2);
/// The longest pause between two attempts to resubscribe to the bus.
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// Records and bus on one Redis.
pub(super) struct RedisStore {
    client: redis::Client,
    /// Opened on first use; a failed open is tried again by the next command.
    commands: OnceCell<ConnectionManager>,
    prefix: String,
}

fn unavailable(e: impl std::fmt::Display) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

impl RedisStore {
    /// Parses `url` (no I/O).
    pub(super) fn open(url: &str, prefix: &str) -> Result<RedisStore, crate::Error> {
        let client = redis::Client::open(url)
            .map_err(|e| crate::Error::Config(format!("shared store: not a Redis URL: {}", e.category())))?;
        Ok(RedisStore { client, commands: OnceCell::new(), prefix: prefix.to_owned() })
    }

    /// The address and database, never the credentials.
    pub(super) fn describe(&self) -> String {
        let info = self.client.get_connection_info();
        format!("{} db {} (prefix {})", info.addr(), info.redis_settings().db(), self.prefix)
    }

    fn channel(&self) -> String {
        format!("{}:bus", self.prefix)
    }

    fn events_key(&self, stream: &str) -> String {
        format!("{}:events:{stream}", self.prefix)
    }

    fn task_key(&self, id: &str) -> String {
        format!("{}:task:{id}", self.prefix)
    }

    fn value_key(&self, space: &str, key: &str) -> String {
        format!("{}:value:{space}:{key}", self.prefix)
    }

    /// Where the index of a kind stored within a [`Limit`] lives (see [`FORGET`]).
    fn kind_base(&self, space: &str) -> String {
        format!("{}:kind:{space}", self.prefix)
    }

    fn owner_key(&self, owner: &str) -> String {
        format!("{}:tasks-of:{owner}", self.prefix)
    }

    /// Runs `cmd`, connecting first when needed, within [`COMMAND_TIMEOUT`].
    async fn run<T: redis::FromRedisValue>(&self, cmd: redis::Cmd) -> Result<T, StoreError> {
        self.run_with(|con| Box::pin(async move { cmd.query_async::<T>(con).await })).await
    }

    /// Runs `pipe` (a transaction), as [`Self::run`].
    async fn run_pipe<T: redis::FromRedisValue>(&self, pipe: redis::Pipeline) -> Result<T, StoreError> {
        self.run_with(|con| Box::pin(async move { pipe.query_async::<T>(con).await })).await
    }

    async fn run_with<T>(
        &self,
        query: impl FnOnce(&mut ConnectionManager) -> StoreFuture<'_, redis::RedisResult<T>>,
    ) -> Result<T, StoreError> {
        let attempt = async {
            let manager = self
                .commands
                .get_or_try_init(|| async {
                    let config = ConnectionManagerConfig::new()
                        .set_number_of_retries(1)
                        .set_connection_timeout(Some(COMMAND_TIMEOUT))
                        .set_response_timeout(Some(COMMAND_TIMEOUT));
                    self.client.get_connection_manager_with_config(config).await
                })
                .await
                .map_err(unavailable)?;
            let mut con = manager.clone();
            query(&mut con).await.map_err(unavailable)
        };
        tokio::time::timeout(COMMAND_TIMEOUT, attempt).await.unwrap_or_else(|_| Err(unavailable("timed out")))
    }
}

fn millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

/// The keys of one session: its record, its subscriptions (a set), its log level, and the
/// mark that it was initialized.
struct SessionKeys {
    record: String,
    subscriptions: String,
    level: String,
    initialized: String,
}

impl RedisStore {
    fn session_keys(&self, id: &str) -> SessionKeys {
        let record = format!("{}:session:{id}", self.prefix);
        SessionKeys {
            subscriptions: format!("{record}:subscriptions"),
            level: format!("{record}:level"),
            initialized: format!("{record}:initialized"),
            record,
        }
    }
}

impl SessionKeys {
    fn all(&self) -> [&str; 4] {
        [&self.record, &self.subscriptions, &self.level, &self.initialized]
    }

    /// `PEXPIRE` of every key (a key that does not exist is left alone).
    fn expire(&self, pipe: &mut redis::Pipeline, ttl: Duration) {
        for key in self.all() {
            pipe.cmd("PEXPIRE").arg(key).arg(millis(ttl)).ignore();
        }
    }
}

impl SessionRecords for RedisStore {
    fn create<'a>(&'a self, id: &'a str, record: Vec<u8>, ttl: Duration) -> StoreFuture<'a, Result<(), StoreError>> {
        let keys = self.session_keys(id);
        let mut pipe = redis::pipe();
        pipe.atomic().cmd("DEL").arg(&keys.subscriptions).arg(&keys.level).arg(&keys.initialized).ignore();
        pipe.cmd("SET").arg(&keys.record).arg(record).arg("PX").arg(millis(ttl)).ignore();
        Box::pin(self.run_pipe::<()>(pipe))
    }

    fn load<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Result<Option<StoredSession>, StoreError>> {
        let keys = self.session_keys(id);
        let mut pipe = redis::pipe();
        pipe.atomic()
            .cmd("GET")
            .arg(&keys.record)
            .cmd("SMEMBERS")
            .arg(&keys.subscriptions)
            .cmd("GET")
            .arg(&keys.level)
            .cmd("EXISTS")
            .arg(&keys.initialized);
        Box::pin(async move {
            type Loaded = (Option<Vec<u8>>, Vec<String>, Option<String>, bool);
            let (record, subscriptions, log_level, initialized): Loaded = self.run_pipe(pipe).await?;
            Ok(record.map(|record| StoredSession { record, initialized, log_level, subscriptions }))
        })
    }

    fn change<'a>(
        &'a self,
        id: &'a str,
        change: &'a SessionChange,
        ttl: Duration,
    ) -> StoreFuture<'a, Result<(), StoreError>> {
        let keys = self.session_keys(id);
        let mut pipe = redis::pipe();
        pipe.atomic();
        match change {
            SessionChange::Initialized => pipe.cmd("SET").arg(&keys.initialized).arg(1).ignore(),
            SessionChange::LogLevel(level) => pipe.cmd("SET").arg(&keys.level).arg(level).ignore(),
            SessionChange::Subscribe(uri) => pipe.cmd("SADD").arg(&keys.subscriptions).arg(uri).ignore(),
            SessionChange::Unsubscribe(uri) => pipe.cmd("SREM").arg(&keys.subscriptions).arg(uri).ignore(),
        };
        keys.expire(&mut pipe, ttl);
        Box::pin(self.run_pipe::<()>(pipe))
    }

    fn touch<'a>(&'a self, id: &'a str, ttl: Duration) -> StoreFuture<'a, Result<(), StoreError>> {
        let keys = self.session_keys(id);
        let mut pipe = redis::pipe();
        keys.expire(&mut pipe, ttl);
        Box::pin(self.run_pipe::<()>(pipe))
    }

    fn remove<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Result<(), StoreError>> {
        let keys = self.session_keys(id);
        let mut cmd = redis::cmd("DEL");
        for key in keys.all() {
            cmd.arg(key);
        }
        Box::pin(async move { self.run::<i64>(cmd).await.map(drop) })
    }

    fn ping(&self) -> StoreFuture<'_, Result<(), StoreError>> {
        Box::pin(async move { self.run::<String>(redis::cmd("PING")).await.map(drop) })
    }
}

impl MessageBus for RedisStore {
    fn publish(&self, message: Vec<u8>) -> StoreFuture<'_, Result<(), StoreError>> {
        let mut cmd = redis::cmd("PUBLISH");
        cmd.arg(self.channel()).arg(message);
        Box::pin(async move { self.run::<i64>(cmd).await.map(drop) })
    }

    fn subscribe(&self) -> mpsc::Receiver<Vec<u8>> {
        let (tx, rx) = mpsc::channel(BUS_QUEUE);
        let client = self.client.clone();
        let channel = self.channel();
        tokio::spawn(async move {
            let mut pause = Duration::from_millis(50);
            while !tx.is_closed() {
                let subscribed = async {
                    let mut pubsub = client.get_async_pubsub().await?;
                    pubsub.subscribe(&channel).await?;
                    Ok::<_, redis::RedisError>(pubsub)
                };
                match tokio::time::timeout(COMMAND_TIMEOUT, subscribed).await {
                    Ok(Ok(pubsub)) => {
                        tracing::info!("shared store bus: subscribed");
                        pause = Duration::from_millis(50);
                        let mut messages = pubsub.into_on_message();
                        loop {
                            tokio::select! {
                                () = tx.closed() => return,
                                m = messages.next() => match m {
                                    Some(m) => {
                                        if tx.try_send(m.get_payload_bytes().to_vec()).is_err() && !tx.is_closed() {
                                            tracing::warn!("shared store bus: the subscriber is behind, a message was dropped");
                                        }
                                    }
                                    None => break,
                                },
                            }
                        }
                        tracing::warn!("shared store bus: connection lost, resubscribing");
                    }
                    Ok(Err(e)) => tracing::warn!(error = %e, "shared store bus: cannot subscribe"),
                    Err(_) => tracing::warn!("shared store bus: subscribing timed out"),
                }
                tokio::select! {
                    () = tx.closed() => return,
                    () = tokio::time::sleep(pause) => {}
                }
                pause = (pause * 2).min(MAX_BACKOFF);
            }
        });
        rx
    }
}

impl EventLog for RedisStore {
    fn append<'a>(
        &'a self,
        stream: &'a str,
        seq: u64,
        data: Vec<u8>,
        keep: usize,
        ttl: Duration,
    ) -> StoreFuture<'a, Result<(), StoreError>> {
        let key = self.events_key(stream);
        let mut entry = Vec::with_capacity(8 + data.len());
        entry.extend_from_slice(&seq.to_be_bytes());
        entry.extend_from_slice(&data);
        let keep = i64::try_from(keep.max(1)).unwrap_or(i64::MAX);
        let mut pipe = redis::pipe();
        pipe.atomic()
            .cmd("RPUSH")
            .arg(&key)
            .arg(entry)
            .ignore()
            .cmd("LTRIM")
            .arg(&key)
            .arg(-keep)
            .arg(-1)
            .ignore()
            .cmd("PEXPIRE")
            .arg(&key)
            .arg(millis(ttl))
            .ignore();
        Box::pin(self.run_pipe::<()>(pipe))
    }

    fn events<'a>(&'a self, stream: &'a str) -> StoreFuture<'a, Result<LoggedEvents, StoreError>> {
        let mut cmd = redis::cmd("LRANGE");
        cmd.arg(self.events_key(stream)).arg(0).arg(-1);
        Box::pin(async move {
            let entries: Vec<Vec<u8>> = self.run(cmd).await?;
            entries
                .into_iter()
                .map(|mut e| {
                    if e.len() < 8 {
                        return Err(StoreError::Corrupt("an event shorter than its sequence number".to_owned()));
                    }
                    let data = e.split_off(8);
                    let seq = u64::from_be_bytes(e.try_into().unwrap_or([0; 8]));
                    Ok((seq, data))
                })
                .collect()
        })
    }
}

impl TaskRecords for RedisStore {
    fn save<'a>(
        &'a self,
        id: &'a str,
        owner: &'a str,
        record: Vec<u8>,
        ttl: Duration,
    ) -> StoreFuture<'a, Result<(), StoreError>> {
        let mut pipe = redis::pipe();
        pipe.atomic().cmd("SET").arg(self.task_key(id)).arg(record).arg("PX").arg(millis(ttl)).ignore();
        if !owner.is_empty() {
            let index = self.owner_key(owner);
            pipe.cmd("SADD").arg(&index).arg(id).ignore();
            // A new set has no expiry, which GT treats as infinite: set one first (NX).
            pipe.cmd("PEXPIRE").arg(&index).arg(millis(ttl)).arg("NX").ignore();
            pipe.cmd("PEXPIRE").arg(&index).arg(millis(ttl)).arg("GT").ignore();
        }
        Box::pin(self.run_pipe::<()>(pipe))
    }

    fn load<'a>(&'a self, id: &'a str) -> StoreFuture<'a, Result<Option<Vec<u8>>, StoreError>> {
        let mut cmd = redis::cmd("GET");
        cmd.arg(self.task_key(id));
        Box::pin(self.run(cmd))
    }

    fn list<'a>(&'a self, owner: &'a str) -> StoreFuture<'a, Result<Vec<Vec<u8>>, StoreError>> {
        Box::pin(async move {
            if owner.is_empty() {
                return Ok(Vec::new());
            }
            let index = self.owner_key(owner);
            let mut members = redis::cmd("SMEMBERS");
            members.arg(&index);
            let ids: Vec<String> = self.run(members).await?;
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            let mut get = redis::cmd("MGET");
            for id in &ids {
                get.arg(self.task_key(id));
            }
            let records: Vec<Option<Vec<u8>>> = self.run(get).await?;
            let gone: Vec<&String> = ids.iter().zip(&records).filter(|(_, r)| r.is_none()).map(|(id, _)| id).collect();
            if !gone.is_empty() {
                // Expired tasks leave the owner's set (best effort: the next listing tries again).
                let mut forget = redis::cmd("SREM");
                forget.arg(&index).arg(gone);
                let _ = self.run::<i64>(forget).await;
            }
            Ok(records.into_iter().flatten().collect())
        })
    }
}

impl ExpiringValues for RedisStore {
    fn put<'a>(
        &'a self,
        space: &'a str,
        key: &'a str,
        value: Vec<u8>,
        ttl: Duration,
    ) -> StoreFuture<'a, Result<(), StoreError>> {
        let mut cmd = redis::cmd("SET");
        cmd.arg(self.value_key(space, key)).arg(value).arg("PX").arg(millis(ttl));
        Box::pin(self.run::<()>(cmd))
    }

    fn put_limited<'a>(
        &'a self,
        space: &'a str,
        key: &'a str,
        value: Vec<u8>,
        ttl: Duration,
        limit: Limit<'a>,
    ) -> StoreFuture<'a, Result<(), StoreError>> {
        if value.len() > limit.bytes {
            let e = format!("{} bytes, over the {} of {space}", value.len(), limit.bytes);
            return Box::pin(std::future::ready(Err(StoreError::Refused(e))));
        }
        let mut cmd = redis::cmd("EVAL");
        cmd.arg(format!("{FORGET}{PUT_LIMITED}"))
            .arg(0)
            .arg(self.kind_base(space))
            .arg(self.value_key(space, ""))
            .arg(key)
            .arg(limit.source)
            .arg(value)
            .arg(millis(ttl))
            .arg(limit.entries.max(1))
            .arg(limit.bytes);
        Box::pin(self.run::<()>(cmd))
    }

    fn get<'a>(&'a self, space: &'a str, key: &'a str) -> StoreFuture<'a, Result<Option<Vec<u8>>, StoreError>> {
        let mut cmd = redis::cmd("GET");
        cmd.arg(self.value_key(space, key));
        Box::pin(self.run(cmd))
    }

    fn take<'a>(&'a self, space: &'a str, key: &'a str) -> StoreFuture<'a, Result<Option<Vec<u8>>, StoreError>> {
        // The value, and its place in its kind's index when it was stored within a limit.
        let mut cmd = redis::cmd("EVAL");
        cmd.arg(format!("{FORGET}{TAKE}")).arg(0).arg(self.kind_base(space)).arg(self.value_key(space, "")).arg(key);
        Box::pin(self.run(cmd))
    }
}

/// The index of a kind stored within a [`Limit`], under `base` (`ARGV[1]`): `base:index`
/// (a sorted set of keys by expiry), `base:of:<source>` (the same, per source),
/// `base:count` (a sorted set of sources by how many values they hold), `base:owner` and
/// `base:size` (hashes: each key's source and bytes) and `base:bytes` (the total). The
/// values themselves are under `ARGV[2]` followed by their key. `forget` removes a key from
/// the index and deletes its value.
const FORGET: &str = r"
local base, values = ARGV[1], ARGV[2]
local index, owners, sizes, counts, total = base..':index', base..':owner', base..':size', base..':count', base..':bytes'
local function forget(m)
  local src = redis.call('HGET', owners, m)
  if not src then return end
  local size = tonumber(redis.call('HGET', sizes, m) or '0')
  redis.call('ZREM', index, m)
  redis.call('ZREM', base..':of:'..src, m)
  if tonumber(redis.call('ZINCRBY', counts, -1, src)) <= 0 then redis.call('ZREM', counts, src) end
  redis.call('HDEL', owners, m)
  redis.call('HDEL', sizes, m)
  redis.call('DECRBY', total, size)
  redis.call('DEL', values..m)
end
";

/// Stores `ARGV[5]` under key `ARGV[3]` for source `ARGV[4]`, `ARGV[6]` ms, within
/// `ARGV[7]` values and `ARGV[8]` bytes: the expired go first (at most 256 a call), then the
/// oldest value of the source holding the most. Every index key lives as long as the newest
/// value (a kind has one lifetime).
const PUT_LIMITED: &str = r"
local key, source, value = ARGV[3], ARGV[4], ARGV[5]
local ttl, max_entries, max_bytes = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
forget(key)
for _, m in ipairs(redis.call('ZRANGEBYSCORE', index, '-inf', now, 'LIMIT', 0, 256)) do forget(m) end
local size = string.len(value)
while redis.call('ZCARD', index) >= max_entries or tonumber(redis.call('GET', total) or '0') + size > max_bytes do
  local top = redis.call('ZREVRANGE', counts, 0, 0)
  if #top == 0 then break end
  local oldest = redis.call('ZRANGE', base..':of:'..top[1], 0, 0)
  if #oldest == 0 then redis.call('ZREM', counts, top[1]) else forget(oldest[1]) end
end
local own = base..':of:'..source
redis.call('SET', values..key, value, 'PX', ttl)
redis.call('ZADD', index, now + ttl, key)
redis.call('ZADD', own, now + ttl, key)
redis.call('ZINCRBY', counts, 1, source)
redis.call('HSET', owners, key, source)
redis.call('HSET', sizes, key, size)
redis.call('INCRBY', total, size)
for _, k in ipairs({index, own, counts, owners, sizes, total}) do redis.call('PEXPIRE', k, ttl) end
";

/// Takes the value of key `ARGV[3]` (deleting it) and its place in the index.
const TAKE: &str = r"
local value = redis.call('GETDEL', values..ARGV[3])
forget(ARGV[3])
return value
";
