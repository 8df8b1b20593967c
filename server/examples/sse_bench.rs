//! Measures the proctor's live panel over real HTTP: a ProctorWise server listening on
//! 127.0.0.1 (a free port), N proctors each connected to `GET /proctor/stream` (server-sent
//! events, read by a minimal HTTP/1.1 client on a TCP socket), then, round after round, one
//! student posts a frame whose verdict shows two faces; the time from sending that frame to the
//! `toast` event of the stored critical anomaly is taken on every stream (p50/p95/max). The
//! panel spaces its pushes by 250 ms by design (coalescing bursts), which is part of the figure.
//!
//! `cargo run -p proctorwise --release --example sse_bench -- [mysql://root@127.0.0.1:3306] [streams] [rounds] [students]`
//! (defaults: SQLite in a temporary directory, 100 streams, 5 rounds, 100 active sessions).

mod bench_support;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bench_support::{BOUNDARY, BenchDb, frame_body, login, machine, percentiles, user, verdict};
use proctorwise::accounts::model::Role;
use proctorwise::db::now_ms;
use proctorwise::{AppState, build_router};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (db, rest) = BenchDb::from_args(&args).await?;
    let streams: usize = rest.first().map_or(Ok(100), |a| a.parse())?;
    let rounds: usize = rest.get(1).map_or(Ok(5), |a| a.parse())?;
    let students: usize = rest.get(2).map_or(Ok(100), |a| a.parse())?;
    anyhow::ensure!(rounds <= students, "one student per round: rounds ≤ students");
    let state = AppState::new(db.config()).await?;
    let router = build_router(state.clone());
    let students = bench_support::students(&state, &router, students).await?;
    let mut cookies = Vec::with_capacity(streams);
    for i in 0..streams {
        let email = format!("p{i}@bench.test");
        user(&state, &email, &format!("Proctor {i}"), Role::Proctor).await?;
        cookies.push(login(&router, &email).await?.0);
    }

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = router.clone().into_make_service_with_connect_info::<SocketAddr>();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    println!(
        "sse_bench: database {:?}, server on http://{addr}, {streams} proctor streams, {} active sessions, {rounds} rounds; {}",
        state.db.backend(),
        students.len(),
        machine()
    );

    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel(streams.max(1));
    let (go_tx, _) = tokio::sync::broadcast::channel::<(Instant, String)>(rounds.max(1));
    let mut tasks = Vec::new();
    for cookie in cookies {
        let (ready, mut go) = (ready_tx.clone(), go_tx.subscribe());
        tasks.push(tokio::spawn(async move {
            let mut sse = Sse::open(addr, &format!("/proctor/stream?after={}", now_ms()), &cookie).await?;
            sse.wait_for(b"event: sessions", Duration::from_secs(30)).await?;
            ready.send(()).await?;
            let mut seen = Vec::with_capacity(rounds);
            for _ in 0..rounds {
                let (sent, name) = go.recv().await?;
                sse.wait_for(format!("{name} (Bench)").as_bytes(), Duration::from_secs(30)).await?;
                seen.push(sent.elapsed());
            }
            Ok::<_, anyhow::Error>(seen)
        }));
    }
    for _ in 0..streams {
        ready_rx.recv().await.ok_or_else(|| anyhow::anyhow!("a stream failed to open"))?;
    }
    println!("{streams} streams connected; {}", machine());

    let mut posts = Vec::with_capacity(rounds);
    for (round, student) in students.iter().take(rounds).enumerate() {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let body = frame_body(&verdict(round + 1, 2), None);
        let sent = Instant::now();
        let _ = go_tx.send((sent, student.name.clone()));
        let status = post(addr, &student.frames_url, &student.cookie, &student.csrf, &body).await?;
        anyhow::ensure!(status == 202, "critical frame of round {round}: HTTP {status}");
        posts.push(sent.elapsed());
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await??);
    }
    let (p50, p95, _, max) = percentiles(&mut latencies);
    let (post50, _, _, post_max) = percentiles(&mut posts);
    println!(
        "SSE over HTTP: frame sent → toast of the stored critical anomaly on {streams} streams × {rounds} rounds ({} samples): p50 {p50:.0} ms, p95 {p95:.0} ms, max {max:.0} ms (the frame's own POST: p50 {post50:.0} ms, max {post_max:.0} ms); {}",
        latencies.len(),
        machine()
    );
    server.abort();
    db.drop(&state).await
}

/// A server-sent event stream read from a raw HTTP/1.1 connection (chunked body decoded).
struct Sse {
    socket: TcpStream,
    raw: Vec<u8>,
    body: Vec<u8>,
}

impl Sse {
    async fn open(addr: SocketAddr, path: &str, cookie: &str) -> anyhow::Result<Self> {
        let mut socket = TcpStream::connect(addr).await?;
        let head =
            format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nAccept: text/event-stream\r\n\r\n");
        socket.write_all(head.as_bytes()).await?;
        let mut raw = Vec::new();
        let end = loop {
            if let Some(i) = find(&raw, b"\r\n\r\n") {
                break i;
            }
            anyhow::ensure!(socket.read_buf(&mut raw).await? > 0, "connection closed before the headers");
        };
        let headers = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
        anyhow::ensure!(
            headers.starts_with("http/1.1 200"),
            "stream refused: {}",
            headers.lines().next().unwrap_or("")
        );
        anyhow::ensure!(headers.contains("transfer-encoding: chunked"), "expected a chunked stream: {headers}");
        let raw = raw.split_off(end + 4);
        Ok(Self { socket, raw, body: Vec::new() })
    }

    /// Reads until the decoded body contains `needle`; drops what precedes its end.
    async fn wait_for(&mut self, needle: &[u8], limit: Duration) -> anyhow::Result<()> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            self.decode()?;
            if let Some(i) = find(&self.body, needle) {
                self.body.drain(..i + needle.len());
                return Ok(());
            }
            let read = tokio::time::timeout_at(deadline, self.socket.read_buf(&mut self.raw)).await??;
            anyhow::ensure!(read > 0, "stream ended");
        }
    }

    /// Moves every complete chunk of `raw` into `body`.
    fn decode(&mut self) -> anyhow::Result<()> {
        while let Some(line_end) = find(&self.raw, b"\r\n") {
            let size = std::str::from_utf8(&self.raw[..line_end])?.split(';').next().unwrap_or("").trim();
            let size = usize::from_str_radix(size, 16)?;
            anyhow::ensure!(size > 0, "stream ended");
            let (start, end) = (line_end + 2, line_end + 2 + size);
            if self.raw.len() < end + 2 {
                return Ok(());
            }
            self.body.extend_from_slice(&self.raw[start..end]);
            self.raw.drain(..end + 2);
        }
        Ok(())
    }
}

/// A multipart frame POST over its own connection; returns the status code.
async fn post(addr: SocketAddr, path: &str, cookie: &str, csrf: &str, body: &[u8]) -> anyhow::Result<u16> {
    let mut socket = TcpStream::connect(addr).await?;
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n\
         Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    socket.write_all(head.as_bytes()).await?;
    socket.write_all(body).await?;
    let mut response = Vec::new();
    socket.read_to_end(&mut response).await?;
    let status = String::from_utf8_lossy(&response).split_whitespace().nth(1).unwrap_or("0").parse()?;
    Ok(status)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
