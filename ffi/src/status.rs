//! `mcpf_status`: what every fallible C function returns (zero is success, so `if (status)`
//! reads as "if it failed"), and `mcpf_status_str` for a fixed name of each code.

use std::ffi::c_char;

/// The result of a fallible call. `MCPF_STATUS_OK` (0) is success; every other value is a
/// failure whose details are in `mcpf_last_error_message()`.
///
/// Values are stable: new codes are only ever appended.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum mcpf_status {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullParameter = 1,
    /// A string argument was not valid UTF-8.
    InvalidUtf8 = 2,
    /// A JSON argument did not parse, or did not have the required shape.
    InvalidJson = 3,
    /// An argument was well-formed but not acceptable (bad name, bad schema, unknown level...).
    InvalidArgument = 4,
    /// The server is already running (`mcpf_server_run_stdio`/`_http` on another thread).
    AlreadyRunning = 5,
    /// An I/O or runtime failure while serving.
    Io = 6,
    /// A bug in the library was caught at the boundary (no panic ever crosses into C).
    Panic = 7,
    /// Any other internal failure.
    Internal = 8,
    /// The call would block the thread that runs the server's callbacks (a blocking
    /// client-input ask, or a client call, made inside a callback): make it from another
    /// thread.
    WouldBlock = 9,
    /// A client-input ask cannot be answered in this round (2026-07-28 wire): stop, and
    /// complete or free the responder; the client answers and the call runs again.
    InputRequired = 10,
    /// The client refused or could not answer a client-input ask (no such capability,
    /// declined the request, disconnected, or the call was cancelled).
    AskFailed = 11,
    /// No tool, prompt, resource or template is registered under that name or URI.
    NotFound = 12,
    /// Client: the server answered with a JSON-RPC error; `mcpf_last_error_code()` gives its
    /// code, `mcpf_last_error_message()` its message and `mcpf_last_error_data()` its data.
    ServerError = 13,
    /// Client: no answer came within the call's timeout (the server was told to cancel).
    Timeout = 14,
    /// Client: the call was cancelled with `mcpf_client_cancel_trigger` (the server was told).
    Cancelled = 15,
    /// Client: the connection is closed (the server exited, or `mcpf_client_close` ran).
    Closed = 16,
    /// Client: the server's answer breaks the protocol (an unknown version, a result of the
    /// wrong shape, too many pages, structured content that does not match the tool's
    /// output schema).
    BadAnswer = 17,
}

impl mcpf_status {
    /// The constant's name, NUL-terminated.
    fn name(self) -> &'static [u8] {
        match self {
            mcpf_status::Ok => b"MCPF_STATUS_OK\0",
            mcpf_status::NullParameter => b"MCPF_STATUS_NULL_PARAMETER\0",
            mcpf_status::InvalidUtf8 => b"MCPF_STATUS_INVALID_UTF8\0",
            mcpf_status::InvalidJson => b"MCPF_STATUS_INVALID_JSON\0",
            mcpf_status::InvalidArgument => b"MCPF_STATUS_INVALID_ARGUMENT\0",
            mcpf_status::AlreadyRunning => b"MCPF_STATUS_ALREADY_RUNNING\0",
            mcpf_status::Io => b"MCPF_STATUS_IO\0",
            mcpf_status::Panic => b"MCPF_STATUS_PANIC\0",
            mcpf_status::Internal => b"MCPF_STATUS_INTERNAL\0",
            mcpf_status::WouldBlock => b"MCPF_STATUS_WOULD_BLOCK\0",
            mcpf_status::InputRequired => b"MCPF_STATUS_INPUT_REQUIRED\0",
            mcpf_status::AskFailed => b"MCPF_STATUS_ASK_FAILED\0",
            mcpf_status::NotFound => b"MCPF_STATUS_NOT_FOUND\0",
            mcpf_status::ServerError => b"MCPF_STATUS_SERVER_ERROR\0",
            mcpf_status::Timeout => b"MCPF_STATUS_TIMEOUT\0",
            mcpf_status::Cancelled => b"MCPF_STATUS_CANCELLED\0",
            mcpf_status::Closed => b"MCPF_STATUS_CLOSED\0",
            mcpf_status::BadAnswer => b"MCPF_STATUS_BAD_ANSWER\0",
        }
    }

    /// The status with this numeric value, if there is one.
    fn from_u32(value: u32) -> Option<mcpf_status> {
        use mcpf_status::*;
        [
            Ok,
            NullParameter,
            InvalidUtf8,
            InvalidJson,
            InvalidArgument,
            AlreadyRunning,
            Io,
            Panic,
            Internal,
            WouldBlock,
            InputRequired,
            AskFailed,
            NotFound,
            ServerError,
            Timeout,
            Cancelled,
            Closed,
            BadAnswer,
        ]
        .into_iter()
        .find(|s| *s as u32 == value)
    }
}

/// The name of a status code (`"MCPF_STATUS_INVALID_JSON"`), as a static NUL-terminated
/// string owned by the library (never free it). Unknown values give
/// `"MCPF_STATUS_UNKNOWN"`.
///
/// `status` is a `uint32_t` rather than `mcpf_status` so that any integer is a valid input.
#[unsafe(no_mangle)]
pub extern "C" fn mcpf_status_str(status: u32) -> *const c_char {
    let name: &'static [u8] = match mcpf_status::from_u32(status) {
        Some(s) => s.name(),
        None => b"MCPF_STATUS_UNKNOWN\0",
    };
    name.as_ptr().cast()
}
