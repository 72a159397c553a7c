//! Zero-copy forwarding on Linux: `splice(2)` moves a chunk from one socket into a pipe and from
//! the pipe into the other socket inside the kernel, so a proxied byte is never copied through
//! user space. Readiness comes from tokio (`readable` / `writable` + `try_io`), so the sockets
//! stay ordinary `TcpStream`s.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use tokio::io::Interest;
use tokio::net::TcpStream;

/// The pipe size asked for (the kernel may refuse, e.g. past `pipe-user-pages-soft`; then the
/// default 64 KiB pipe is used).
const PIPE_SIZE: usize = 1024 * 1024;

/// A pipe used as the kernel-side buffer of one direction. A pump drains it completely before
/// filling it again, so a fill never finds it full and a drain never finds it empty: an `EAGAIN`
/// always means the socket is not ready.
pub struct Pipe {
    read: OwnedFd,
    write: OwnedFd,
    /// Bytes it holds.
    capacity: usize,
}

impl Pipe {
    /// A non-blocking pipe, as large as the kernel allows up to [`PIPE_SIZE`].
    pub fn new() -> io::Result<Self> {
        let mut fds: [libc::c_int; 2] = [0; 2];
        // SAFETY: `fds` has room for the two descriptors pipe2 writes.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) } < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: pipe2 succeeded, so both descriptors are open and owned by nobody else.
        let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        // SAFETY: plain fcntl calls on a descriptor we own.
        let size = unsafe {
            libc::fcntl(
                write.as_raw_fd(),
                libc::F_SETPIPE_SZ,
                PIPE_SIZE as libc::c_int,
            )
        };
        let capacity = if size > 0 {
            size as usize
        } else {
            // SAFETY: as above.
            (unsafe { libc::fcntl(write.as_raw_fd(), libc::F_GETPIPE_SZ) }).max(4096) as usize
        };
        Ok(Self {
            read,
            write,
            capacity,
        })
    }

    /// Moves up to `len` bytes (at most the pipe's size) from `from` into the pipe, waiting until
    /// `from` has data. `Ok(0)` is end of stream.
    pub async fn fill(&self, from: &TcpStream, len: usize) -> io::Result<usize> {
        let len = len.min(self.capacity);
        loop {
            from.readable().await?;
            match from.try_io(Interest::READABLE, || {
                splice(from.as_raw_fd(), self.write.as_raw_fd(), len)
            }) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                r => return r,
            }
        }
    }

    /// Moves the `n` bytes the pipe holds into `to`, waiting while `to` is full.
    pub async fn drain(&self, to: &TcpStream, mut n: usize) -> io::Result<()> {
        while n > 0 {
            to.writable().await?;
            match to.try_io(Interest::WRITABLE, || {
                splice(self.read.as_raw_fd(), to.as_raw_fd(), n)
            }) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(k) => n -= k,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

fn splice(from: RawFd, to: RawFd, len: usize) -> io::Result<usize> {
    // SAFETY: both descriptors are open for the duration of the call (borrowed from live
    // owners); null offsets mean "the current position", as sockets and pipes require.
    let n = unsafe {
        libc::splice(
            from,
            std::ptr::null_mut(),
            to,
            std::ptr::null_mut(),
            len,
            libc::SPLICE_F_MOVE | libc::SPLICE_F_NONBLOCK,
        )
    };
    if n < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(n as usize)
    }
}
