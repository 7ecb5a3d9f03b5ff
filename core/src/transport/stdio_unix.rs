//! The Unix side of protected stdio: private close-on-exec duplicates of fds 0 and 1 for
//! the protocol, fd 1 pointed at stderr and fd 0 at the null device while serving (restored
//! after), and readiness-based async I/O for pipes and sockets.

use std::fs::File;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

use tokio::io::{AsyncRead, AsyncWrite};

fn cvt(r: libc::c_int) -> std::io::Result<libc::c_int> {
    if r < 0 { Err(std::io::Error::last_os_error()) } else { Ok(r) }
}

/// Duplicates `fd` with close-on-exec (children never inherit our private copies).
pub(super) fn dup_cloexec(fd: RawFd) -> std::io::Result<OwnedFd> {
    // SAFETY: F_DUPFD_CLOEXEC on a valid descriptor returns a new descriptor we own.
    let new = cvt(unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 3) })?;
    // SAFETY: `new` was just returned by fcntl and is owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(new) })
}

/// Owns the process's stdio while serving; restores fds 0 and 1 when dropped.
pub(super) struct StdioGuard {
    saved_in: OwnedFd,
    saved_out: OwnedFd,
}

impl StdioGuard {
    /// Returns the guard plus private read and write descriptors for the protocol.
    pub(super) fn take() -> std::io::Result<(StdioGuard, OwnedFd, OwnedFd)> {
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
        let saved_in = dup_cloexec(0)?;
        let saved_out = dup_cloexec(1)?;
        let read = dup_cloexec(0)?;
        let write = dup_cloexec(1)?;
        let null = File::open("/dev/null")?;
        // SAFETY: dup2 onto the standard descriptors with valid sources; the originals
        // were saved above and are restored on drop.
        unsafe {
            cvt(libc::dup2(null.as_raw_fd(), 0))?;
            cvt(libc::dup2(2, 1))?;
        }
        Ok((StdioGuard { saved_in, saved_out }, read, write))
    }
}

impl Drop for StdioGuard {
    fn drop(&mut self) {
        use std::io::Write as _;
        // Whatever the process printed while serving went to stderr; flush it there.
        let _ = std::io::stdout().flush();
        // SAFETY: restoring the saved descriptors onto 0 and 1; both are valid.
        unsafe {
            libc::dup2(self.saved_in.as_raw_fd(), 0);
            libc::dup2(self.saved_out.as_raw_fd(), 1);
        }
    }
}

/// What kind of file a descriptor is: pipes and sockets get readiness-based async I/O;
/// anything else (a regular file, a terminal) is read on the blocking pool.
fn file_type(fd: &OwnedFd) -> libc::mode_t {
    // SAFETY: fstat writes into a zeroed stat struct for a valid descriptor.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    if unsafe { libc::fstat(fd.as_raw_fd(), &mut st) } < 0 {
        return 0;
    }
    st.st_mode & libc::S_IFMT
}

/// The protocol's input read from `fd`.
pub(super) fn reader(fd: OwnedFd) -> std::io::Result<Box<dyn AsyncRead + Unpin + Send>> {
    Ok(match file_type(&fd) {
        libc::S_IFIFO => Box::new(tokio::net::unix::pipe::Receiver::from_owned_fd(fd)?),
        libc::S_IFSOCK => {
            let s = std::os::unix::net::UnixStream::from(fd);
            s.set_nonblocking(true)?;
            Box::new(tokio::net::UnixStream::from_std(s)?)
        }
        _ => Box::new(tokio::fs::File::from_std(File::from(fd))),
    })
}

/// The protocol's output written to `fd`.
pub(super) fn writer(fd: OwnedFd) -> std::io::Result<Box<dyn AsyncWrite + Unpin + Send>> {
    Ok(match file_type(&fd) {
        libc::S_IFIFO => Box::new(tokio::net::unix::pipe::Sender::from_owned_fd(fd)?),
        libc::S_IFSOCK => {
            let s = std::os::unix::net::UnixStream::from(fd);
            s.set_nonblocking(true)?;
            Box::new(tokio::net::UnixStream::from_std(s)?)
        }
        _ => Box::new(tokio::fs::File::from_std(File::from(fd))),
    })
}
