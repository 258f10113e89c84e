//! A TCP proxy in front of a dependency (PostgreSQL, the object store) that a test can make
//! hang — connections stay open and nothing is answered, as with a process stopped or a
//! network that drops packets — or go down: connections closed and new ones dropped.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// What the proxy does with the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Passes them on.
    Open,
    /// Holds them: the dependency hung.
    Hung,
    /// Closes every connection: the dependency down.
    Down,
}

/// The proxy; it stops when dropped.
pub struct Freezer {
    addr: SocketAddr,
    mode: watch::Sender<Mode>,
    task: JoinHandle<()>,
}

impl Freezer {
    /// A proxy on a free local port in front of `target`, passing everything on.
    pub async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let addr = listener.local_addr().expect("proxy address");
        let (mode, watching) = watch::channel(Mode::Open);
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if *watching.borrow() == Mode::Down {
                    drop(client);
                    continue;
                }
                tokio::spawn(relay(client, target, watching.clone()));
            }
        });
        Self { addr, mode, task }
    }

    /// Where to connect instead of the dependency.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// From now on nothing passes, and nothing is closed.
    pub fn hang(&self) {
        self.mode.send_replace(Mode::Hung);
    }

    /// Every connection is closed, and new ones are dropped at once.
    pub fn down(&self) {
        self.mode.send_replace(Mode::Down);
    }

    /// Everything passes again (connections cut while down stay cut).
    pub fn open(&self) {
        self.mode.send_replace(Mode::Open);
    }
}

impl Drop for Freezer {
    fn drop(&mut self) {
        self.task.abort();
        self.mode.send_replace(Mode::Down);
    }
}

async fn relay(client: TcpStream, target: SocketAddr, mode: watch::Receiver<Mode>) {
    let Ok(server) = TcpStream::connect(target).await else {
        return;
    };
    let (client_in, client_out) = client.into_split();
    let (server_in, server_out) = server.into_split();
    tokio::join!(
        pipe(client_in, server_out, mode.clone()),
        pipe(server_in, client_out, mode),
    );
}

/// Copies one direction, holding each read while the proxy hangs; returns when either side
/// closes or the proxy goes down.
async fn pipe(mut from: OwnedReadHalf, mut to: OwnedWriteHalf, mut mode: watch::Receiver<Mode>) {
    let mut buffer = vec![0u8; 16 * 1024];
    loop {
        let n = tokio::select! {
            read = from.read(&mut buffer) => match read {
                Ok(0) | Err(_) => return,
                Ok(n) => n,
            },
            () = went_down(&mut mode) => return,
        };
        loop {
            match *mode.borrow_and_update() {
                Mode::Open => break,
                Mode::Down => return,
                Mode::Hung => {}
            }
            if mode.changed().await.is_err() {
                return;
            }
        }
        if to.write_all(&buffer[..n]).await.is_err() {
            return;
        }
    }
}

async fn went_down(mode: &mut watch::Receiver<Mode>) {
    while *mode.borrow_and_update() != Mode::Down {
        if mode.changed().await.is_err() {
            return;
        }
    }
}
