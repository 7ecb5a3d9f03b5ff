//! Mounting a C server in an HTTP server the program already runs: `mcpf_http_app` is the
//! engine's HTTP application without a listener (`HttpApp`), served by one engine thread
//! where every callback runs; `mcpf_exchange` is one request handed to it by the host's own
//! code (any thread), whose answer is read back as a status, headers and body chunks.

use std::ffi::c_char;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::thread::{JoinHandle, ThreadId};

use mcpforge::HttpApp;
use mcpforge::transport::http::{Bytes, HostRequest, HostResponse};
use tokio::runtime::Handle;
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

use crate::boundary::{self, Fail, check_out, try_box, try_opt_str, try_ref, try_str, write_out};
use crate::handles::Table;
use crate::server::mcpf_server;
use crate::serving::http_options;
use crate::status::mcpf_status;

/// One request header for `mcpf_http_app_handle`: a name and a value, each a pointer and a
/// length (the value's bytes are sent as given; names are ASCII).
#[repr(C)]
pub struct mcpf_header {
    /// The header name (any case).
    pub name: *const c_char,
    /// Its length in bytes (`SIZE_MAX`: NUL-terminated).
    pub name_len: usize,
    /// The header value.
    pub value: *const c_char,
    /// Its length in bytes (`SIZE_MAX`: NUL-terminated).
    pub value_len: usize,
}

/// The MCP endpoint of a server, mounted in the program's own HTTP server. Create with
/// `mcpf_http_app_new`, free with `mcpf_http_app_free` (before freeing the server).
pub struct mcpf_http_app {
    app: HttpApp,
    /// The engine thread's runtime, where requests run.
    runtime: Handle,
    engine_thread: ThreadId,
    /// Tripped by `mcpf_http_app_free`: the engine thread ends.
    freed: CancellationToken,
    thread: Option<JoinHandle<()>>,
    /// The server's `running` flag is cleared through this when the application is freed.
    server: *const mcpf_server,
}

/// One request in progress: its answer's status and headers, then its body, read with
/// `mcpf_exchange_next_chunk`. Free with `mcpf_exchange_free`. Opaque: the pointer C holds
/// is a handle, never dereferenced, so an exchange used or freed after its free is refused.
pub struct mcpf_exchange {
    _opaque: (),
}

/// What an exchange handle names (see `handles.rs`).
pub(crate) struct Exchange {
    status: u16,
    headers: Vec<(String, Vec<u8>)>,
    body: Arc<tokio::sync::Mutex<Option<HostResponse>>>,
    runtime: Handle,
    /// The chunk handed out last: valid until the next call or the free.
    current: Mutex<Option<Bytes>>,
    /// Tripped by `mcpf_exchange_free`: the request is abandoned (the client went away).
    gone: CancellationToken,
    /// Set while `mcpf_exchange_next_chunk` reads the body: one reader at a time.
    reading: AtomicBool,
}

/// The exchanges C holds (see `handles.rs`).
pub(crate) fn exchanges() -> &'static Table<Arc<Exchange>, mcpf_exchange> {
    static TABLE: LazyLock<Table<Arc<Exchange>, mcpf_exchange>> = LazyLock::new(Table::new);
    &TABLE
}

/// The body's one reader, for as long as a `mcpf_exchange_next_chunk` call lasts.
struct Reader<'a>(&'a AtomicBool);

impl<'a> Reader<'a> {
    /// Claims the body, or refuses a second reader.
    fn claim(exchange: &'a Exchange) -> Result<Reader<'a>, Fail> {
        exchange.reading.compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire).map_err(|_| {
            Fail::new(
                mcpf_status::InvalidArgument,
                "another thread is reading this exchange's body: one reader at a time",
            )
        })?;
        Ok(Reader(&exchange.reading))
    }
}

impl Drop for Reader<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// The live exchange of handle `exchange`: refused when it is NULL, or was freed already.
fn live(exchange: *const mcpf_exchange) -> Result<Arc<Exchange>, Fail> {
    if exchange.is_null() {
        return Err(boundary::null("exchange"));
    }
    exchanges().with(exchange, Arc::clone).ok_or_else(freed)
}

fn freed() -> Fail {
    Fail::new(mcpf_status::InvalidArgument, "the exchange was already freed (or is not an exchange)")
}

fn stopped() -> Fail {
    Fail::new(mcpf_status::Io, "the HTTP application stopped (the server shut down or the application was freed)")
}

fn refuse_engine_thread(app: &mcpf_http_app, what: &str) -> Result<(), Fail> {
    if std::thread::current().id() == app.engine_thread || Handle::try_current().is_ok() {
        return Err(Fail::new(
            mcpf_status::WouldBlock,
            format!(
                "{what} blocks until the engine answers: call it from the host server's threads, not inside a callback"
            ),
        ));
    }
    Ok(())
}

/// Makes the server's MCP endpoint an HTTP application to mount in an HTTP server the
/// program already runs. `options_json` is as for `mcpf_server_run_http` (`"bind"` and the
/// connection limits are the host server's business and not used; `"path"`, default
/// `"/mcp"`, is matched against each request's target). One engine thread starts; every
/// callback of the server runs on it, as with `mcpf_server_run_http`. It serves until
/// `mcpf_server_shutdown` (running requests finish within the grace period) or
/// `mcpf_http_app_free`. The server cannot also run stdio or HTTP meanwhile
/// (`MCPF_STATUS_ALREADY_RUNNING`). On success `*out` receives an application the caller
/// owns.
///
/// # Safety
/// `server` is NULL or a live server that outlives the application; `options_json` is NULL
/// or readable per the string rules; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_http_app_new(
    server: *mut mcpf_server,
    options_json: *const c_char,
    options_json_len: usize,
    out: *mut *mut mcpf_http_app,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let s = unsafe { try_ref(server, "server") }?;
        check_out(out, "out")?;
        // SAFETY: forwarded caller guarantee.
        let text = unsafe { try_opt_str(options_json, options_json_len, "options_json") }?;
        let options = http_options(text, s.state().verifier.clone())?;
        {
            let mut state = s.state();
            if state.running {
                return Err(Fail::new(mcpf_status::AlreadyRunning, "the server is already running"));
            }
            state.running = true;
        }
        let started = start(s, options);
        if started.is_err() {
            s.state().running = false;
        }
        let mut app = started?;
        app.server = server;
        // SAFETY: checked non-NULL above; writable per the caller.
        unsafe { write_out(out, Box::into_raw(Box::new(app)), "out") }
    })
}

/// Starts the engine thread and builds the application on its runtime.
fn start(server: &mcpf_server, options: mcpforge::HttpOptions) -> Result<mcpf_http_app, Fail> {
    let io = |e: std::io::Error| Fail::new(mcpf_status::Io, format!("cannot start the engine thread: {e}"));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(io)?;
    let handle = runtime.handle().clone();
    let engine = server.engine.clone();
    let app = {
        let _entered = handle.enter();
        // A stop requested with `mcpf_server_shutdown` (signal-safe) shuts the engine down.
        server.stop.watch(engine.clone()).map_err(io)?;
        engine.http_app(options)
    };
    let freed = CancellationToken::new();
    let (thread_app, thread_freed) = (app.clone(), freed.clone());
    let thread = std::thread::Builder::new()
        .name("mcpforge-http-app".into())
        .spawn(move || {
            runtime.block_on(async {
                tokio::select! {
                    () = thread_freed.cancelled() => {}
                    () = thread_app.drained() => {}
                }
            });
        })
        .map_err(io)?;
    Ok(mcpf_http_app {
        app,
        runtime: handle,
        engine_thread: thread.thread().id(),
        freed,
        thread: Some(thread),
        server: std::ptr::null(),
    })
}

/// Stops the application's engine thread and frees it. Requests still in progress are
/// abandoned; exchanges not freed yet read their end. Call it before `mcpf_server_free`, and
/// not from a callback. NULL is a no-op.
///
/// # Safety
/// `app` is NULL or an application from `mcpf_http_app_new` not freed before, whose server
/// is still live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_http_app_free(app: *mut mcpf_http_app) {
    boundary::guard((), || {
        if app.is_null() {
            return;
        }
        // SAFETY: non-NULL, from `Box::into_raw` in `mcpf_http_app_new`, not freed before.
        let Ok(mut app) = (unsafe { try_box(app, "app") }) else { return };
        app.freed.cancel();
        if std::thread::current().id() != app.engine_thread {
            if let Some(thread) = app.thread.take() {
                let _ = thread.join();
            }
        }
        // SAFETY: the caller guarantees the server outlives the application.
        if let Ok(server) = unsafe { try_ref(app.server, "server") } {
            server.state().running = false;
        }
    });
}

/// Hands one request the host server received to the engine and blocks until the answer's
/// head is ready. `method` (`"POST"`), `target` (path and query, relative to where the
/// endpoint is mounted: `"/mcp"`), the headers as received (`Content-Length`,
/// `Transfer-Encoding` and `Connection` are ignored: the body is given whole) and the whole
/// body (stop collecting one byte past the `"max_body_bytes"` option: the engine answers
/// 413). On success `*out` receives the exchange, which the caller owns: read its status,
/// headers and body, then free it. An invalid method, target or header is
/// `MCPF_STATUS_INVALID_ARGUMENT`; `MCPF_STATUS_WOULD_BLOCK` inside a callback;
/// `MCPF_STATUS_IO` once the application stopped. The request has no client address: every
/// client without a verified token counts as one for the per-client bounds
/// (`mcpf_http_app_handle_from` gives the address).
///
/// # Safety
/// `app` is NULL or a live application; `method`/`target` are readable per the string
/// rules; `headers` is NULL (with `header_count` 0) or points to `header_count` headers whose
/// strings are readable per the string rules; `body` is NULL (with `body_len` 0) or readable
/// for `body_len` bytes; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_http_app_handle(
    app: *const mcpf_http_app,
    method: *const c_char,
    method_len: usize,
    target: *const c_char,
    target_len: usize,
    headers: *const mcpf_header,
    header_count: usize,
    body: *const u8,
    body_len: usize,
    out: *mut *mut mcpf_exchange,
) -> mcpf_status {
    // SAFETY: forwarded caller guarantees; no client address.
    unsafe {
        mcpf_http_app_handle_from(
            app,
            std::ptr::null(),
            0,
            method,
            method_len,
            target,
            target_len,
            headers,
            header_count,
            body,
            body_len,
            out,
        )
    }
}

/// `mcpf_http_app_handle` for a request from the client at `client_address`: the TCP peer
/// of the connection your server received it on, as text (`"192.0.2.7"`, `"192.0.2.7:51000"`,
/// `"2001:db8::7"`, `"[2001:db8::7]:51000"`; an IPv4-mapped IPv6 address is its IPv4
/// address). The bounds kept per client (`"max_sessions_per_client"`, the `"per_client"`
/// rate limit of requests without a session) count a client without a verified token by
/// it, as on the engine's own listener. NULL is no address (a unix socket), as with
/// `mcpf_http_app_handle`; text that is not an IP address is `MCPF_STATUS_INVALID_ARGUMENT`.
/// Give the peer, never a forwarded-for header the client wrote.
///
/// # Safety
/// As for `mcpf_http_app_handle`; `client_address` is NULL or readable per the string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_http_app_handle_from(
    app: *const mcpf_http_app,
    client_address: *const c_char,
    client_address_len: usize,
    method: *const c_char,
    method_len: usize,
    target: *const c_char,
    target_len: usize,
    headers: *const mcpf_header,
    header_count: usize,
    body: *const u8,
    body_len: usize,
    out: *mut *mut mcpf_exchange,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let app = unsafe { try_ref(app, "app") }?;
        check_out(out, "out")?;
        // SAFETY: forwarded caller guarantee.
        let remote = match unsafe { try_opt_str(client_address, client_address_len, "client_address") }? {
            None => None,
            Some(text) => Some(HostRequest::parse_remote(text).ok_or_else(|| {
                let what =
                    format!("client_address ({} bytes) is not an IP address, with or without a port", text.len());
                Fail::new(mcpf_status::InvalidArgument, what)
            })?),
        };
        // SAFETY: forwarded caller guarantee.
        let method = unsafe { try_str(method, method_len, "method") }?.to_owned();
        // SAFETY: forwarded caller guarantee.
        let target = unsafe { try_str(target, target_len, "target") }?.to_owned();
        // SAFETY: forwarded caller guarantee (`header_count` headers, or none).
        let given: &[mcpf_header] = if header_count == 0 {
            &[]
        } else {
            if headers.is_null() {
                return Err(boundary::null("headers"));
            }
            // SAFETY: non-NULL, readable for `header_count` headers per the caller.
            unsafe { std::slice::from_raw_parts(headers, header_count) }
        };
        let mut pairs = Vec::with_capacity(given.len());
        for h in given {
            // SAFETY: forwarded caller guarantee for each header's strings.
            let name = unsafe { try_str(h.name, h.name_len, "header name") }?.to_owned();
            if h.value.is_null() {
                return Err(boundary::null("header value"));
            }
            let value = if h.value_len == usize::MAX {
                // SAFETY: non-NULL and NUL-terminated per the caller.
                unsafe { std::ffi::CStr::from_ptr(h.value) }.to_bytes().to_vec()
            } else {
                // SAFETY: non-NULL and readable for `value_len` bytes per the caller.
                unsafe { std::slice::from_raw_parts(h.value.cast::<u8>(), h.value_len) }.to_vec()
            };
            pairs.push((name, value));
        }
        let body = if body_len == 0 {
            Vec::new()
        } else {
            if body.is_null() {
                return Err(boundary::null("body"));
            }
            // SAFETY: non-NULL and readable for `body_len` bytes per the caller.
            unsafe { std::slice::from_raw_parts(body, body_len) }.to_vec()
        };
        refuse_engine_thread(app, "mcpf_http_app_handle")?;
        let request = HostRequest { method, target, headers: pairs, body, remote };
        let (tx, rx) = oneshot::channel();
        let engine_app = app.app.clone();
        app.runtime.spawn(async move {
            let _ = tx.send(engine_app.handle_hosted(request).await);
        });
        let response = rx
            .blocking_recv()
            .map_err(|_| stopped())?
            .map_err(|e| Fail::new(mcpf_status::InvalidArgument, e.to_string()))?;
        let exchange = Exchange {
            status: response.status,
            headers: response.headers.clone(),
            body: Arc::new(tokio::sync::Mutex::new(Some(response))),
            runtime: app.runtime.clone(),
            current: Mutex::new(None),
            gone: CancellationToken::new(),
            reading: AtomicBool::new(false),
        };
        let handle = exchanges().insert(Arc::new(exchange));
        // SAFETY: checked non-NULL above; writable per the caller.
        let written = unsafe { write_out(out, handle, "out") };
        if written.is_err() {
            drop(exchanges().take(handle));
        }
        written
    })
}

/// The answer's HTTP status (0 for NULL or an exchange freed already). Thread-safe.
///
/// # Safety
/// `exchange` is any value: a live exchange, NULL, or one freed already.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_exchange_status(exchange: *const mcpf_exchange) -> u16 {
    boundary::guard(0, || exchanges().with(exchange, |e| e.status).unwrap_or(0))
}

/// How many headers the answer has (0 for NULL or an exchange freed already). Thread-safe.
///
/// # Safety
/// `exchange` is any value: a live exchange, NULL, or one freed already.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_exchange_header_count(exchange: *const mcpf_exchange) -> usize {
    boundary::guard(0, || exchanges().with(exchange, |e| e.headers.len()).unwrap_or(0))
}

/// The answer's header number `index` (from 0): its lowercase name and its value, each a
/// pointer and a length (not NUL-terminated), owned by the exchange and valid until it is
/// freed. `MCPF_STATUS_NOT_FOUND` past the last header; `MCPF_STATUS_INVALID_ARGUMENT` for
/// an exchange freed already.
///
/// # Safety
/// `exchange` is any value: a live exchange, NULL, or one freed already; the
/// out-parameters are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_exchange_header(
    exchange: *const mcpf_exchange,
    index: usize,
    name: *mut *const c_char,
    name_len: *mut usize,
    value: *mut *const c_char,
    value_len: *mut usize,
) -> mcpf_status {
    boundary::run(|| {
        let exchange = live(exchange)?;
        for (p, what) in [(name.cast::<u8>(), "name"), (value.cast::<u8>(), "value")] {
            check_out(p, what)?;
        }
        check_out(name_len, "name_len")?;
        check_out(value_len, "value_len")?;
        let (n, v) = exchange
            .headers
            .get(index)
            .ok_or_else(|| Fail::new(mcpf_status::NotFound, format!("the answer has no header number {index}")))?;
        // SAFETY: each out-parameter was checked non-NULL above and is writable per the caller.
        // The strings live in the exchange, which the handle table keeps until it is freed.
        unsafe {
            write_out(name, n.as_ptr().cast::<c_char>(), "name")?;
            write_out(name_len, n.len(), "name_len")?;
            write_out(value, v.as_ptr().cast::<c_char>(), "value")?;
            write_out(value_len, v.len(), "value_len")
        }
    })
}

/// Blocks until the next piece of the answer's body: `*data` and `*len` give it (owned by
/// the exchange, valid until the next call or the free), or `*data` is NULL and `*len` 0 at
/// its end. A JSON answer is one chunk; an SSE stream is one chunk per event, each when it
/// is ready, so write each to the client as it comes. One reader at a time: a call while
/// another thread is inside this one for the same exchange is refused
/// (`MCPF_STATUS_INVALID_ARGUMENT`), as is an exchange freed already; freeing the exchange
/// from another thread ends a read in progress (`*data` NULL). `MCPF_STATUS_WOULD_BLOCK`
/// inside a callback.
///
/// # Safety
/// `exchange` is any value: a live exchange, NULL, or one freed already; `data`/`len` are
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_exchange_next_chunk(
    exchange: *mut mcpf_exchange,
    data: *mut *const u8,
    len: *mut usize,
) -> mcpf_status {
    boundary::run(|| {
        let exchange = live(exchange)?;
        check_out(data, "data")?;
        check_out(len, "len")?;
        if Handle::try_current().is_ok() {
            return Err(Fail::new(
                mcpf_status::WouldBlock,
                "mcpf_exchange_next_chunk blocks until the engine answers: not inside a callback",
            ));
        }
        let _reader = Reader::claim(&exchange)?;
        let (tx, rx) = oneshot::channel();
        let (body, gone) = (exchange.body.clone(), exchange.gone.clone());
        exchange.runtime.spawn(async move {
            let mut body = body.lock().await;
            let chunk = match body.as_mut() {
                Some(response) => tokio::select! {
                    chunk = response.next_chunk() => chunk,
                    () = gone.cancelled() => None,
                },
                None => None,
            };
            if chunk.is_none() {
                body.take();
            }
            let _ = tx.send(chunk);
        });
        // The engine thread gone (the application stopped) is the end of the body too, and
        // so is a free from another thread meanwhile.
        let chunk = rx.blocking_recv().unwrap_or(None).filter(|_| !exchange.gone.is_cancelled());
        let mut current = exchange.current.lock().unwrap_or_else(|e| e.into_inner());
        *current = chunk;
        let (p, n) = current.as_ref().map_or((std::ptr::null(), 0), |c| (c.as_ptr(), c.len()));
        // SAFETY: both checked non-NULL above and writable per the caller.
        unsafe {
            write_out(data, p, "data")?;
            write_out(len, n, "len")
        }
    })
}

/// Frees an exchange. Before the end of its body this is the client going away: the
/// request is abandoned (cancelled where the protocol says a disconnect cancels), and a
/// read in progress on another thread ends. NULL is a no-op (`MCPF_STATUS_OK`). The
/// pointer is a handle, never reused: freeing it again, or using it after the free, is
/// refused with `MCPF_STATUS_INVALID_ARGUMENT` without touching freed memory.
///
/// # Safety
/// `exchange` is any value: a live exchange, NULL, or one freed already.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_exchange_free(exchange: *mut mcpf_exchange) -> mcpf_status {
    boundary::run(|| {
        if exchange.is_null() {
            return Ok(());
        }
        let exchange = exchanges().take(exchange).ok_or_else(freed)?;
        exchange.gone.cancel();
        let body = exchange.body.clone();
        // Dropped on the engine thread, where its stream lives; a stopped engine already
        // dropped it.
        drop(exchange.runtime.spawn(async move {
            body.lock().await.take();
        }));
        Ok(())
    })
}
