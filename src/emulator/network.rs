//! The network-down fault: the emulator's listener hands out connections that fail while the
//! `network_down` knob is set (reads and writes error, as after a pulled cable) and closes the
//! connections that arrive meanwhile at once. The server keeps all its state: once the knob is
//! cleared, new connections are served as before.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use axum::serve::Listener;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// Whether the network is down; shared by the knob and every connection.
#[derive(Debug, Clone, Default)]
pub(crate) struct NetworkSwitch(Arc<AtomicBool>);

impl NetworkSwitch {
    pub(crate) fn set_down(&self, down: bool) {
        self.0.store(down, Ordering::SeqCst);
    }

    pub(crate) fn is_down(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// `Err` (connection reset) while the network is down.
    fn check(&self) -> io::Result<()> {
        if self.is_down() {
            return Err(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "the network is down (emulator fault)",
            ));
        }
        Ok(())
    }
}

/// A TCP listener whose connections the switch can cut.
#[derive(Debug)]
pub(crate) struct CuttableListener {
    inner: TcpListener,
    switch: NetworkSwitch,
}

impl CuttableListener {
    pub(crate) fn new(inner: TcpListener, switch: NetworkSwitch) -> Self {
        Self { inner, switch }
    }
}

impl Listener for CuttableListener {
    type Io = CuttableStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let (stream, addr) = Listener::accept(&mut self.inner).await;
            if self.switch.is_down() {
                // Closed before a byte is read: the client sees its connection drop.
                drop(stream);
                continue;
            }
            let stream = CuttableStream {
                inner: stream,
                switch: self.switch.clone(),
            };
            return (stream, addr);
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// One accepted connection: every read and write fails while the network is down.
#[derive(Debug)]
pub(crate) struct CuttableStream {
    inner: TcpStream,
    switch: NetworkSwitch,
}

impl AsyncRead for CuttableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.switch.check()?;
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for CuttableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.switch.check()?;
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.switch.check()?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// An echo server on a cuttable listener; returns its address.
    async fn echo(switch: NetworkSwitch) -> SocketAddr {
        let inner = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut listener = CuttableListener::new(inner, switch);
        let addr = Listener::local_addr(&listener).unwrap();
        tokio::spawn(async move {
            loop {
                let (mut conn, _) = Listener::accept(&mut listener).await;
                tokio::spawn(async move {
                    let mut buf = [0u8; 64];
                    while let Ok(n) = conn.read(&mut buf).await {
                        if n == 0 || conn.write_all(&buf[..n]).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        addr
    }

    async fn round_trip(conn: &mut TcpStream) -> io::Result<Vec<u8>> {
        conn.write_all(b"ping").await?;
        let mut buf = [0u8; 4];
        conn.read_exact(&mut buf).await?;
        Ok(buf.to_vec())
    }

    #[tokio::test]
    async fn cuts_open_and_new_connections_and_comes_back() {
        let switch = NetworkSwitch::default();
        let addr = echo(switch.clone()).await;
        let mut open = TcpStream::connect(addr).await.unwrap();
        assert_eq!(round_trip(&mut open).await.unwrap(), b"ping");

        switch.set_down(true);
        assert!(round_trip(&mut open).await.is_err(), "the open one is cut");
        let mut new = TcpStream::connect(addr).await.unwrap();
        assert!(round_trip(&mut new).await.is_err(), "a new one is closed");

        switch.set_down(false);
        let mut again = TcpStream::connect(addr).await.unwrap();
        assert_eq!(round_trip(&mut again).await.unwrap(), b"ping");
    }
}
