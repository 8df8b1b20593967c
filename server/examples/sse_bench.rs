//! Measures the way from a flagged frame to the proctor's screen over real HTTP: a ProctorWise
//! server listening on 127.0.0.1 (a free port) with the real server models, N proctors each
//! connected to `GET /proctor/stream` (server-sent events, read by a minimal HTTP/1.1 client on
//! a TCP socket), then, round after round, `burst` students post at once a frame whose verdict
//! shows two faces, with its picture (two people: `zidane.jpg` of the evaluation set). The server
//! verifies each picture with its own models before it stores the critical anomaly; the time
//! from sending a frame to its confirmed anomaly in the panel's alert feed (`Name · Exam`) is
//! taken on every stream (p50/p95/max). The panel spaces its pushes by 250 ms and shows at most
//! 5 toasts per push by design (coalescing bursts), so the feed, not the toast, is awaited.
//!
//! `cargo run -p proctorwise --release --example sse_bench -- [mysql://root@127.0.0.1:3306] [streams] [rounds] [burst]`
//! (defaults: SQLite in a temporary directory, 5 streams, 2 rounds of 50 sessions at once).

mod bench_support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use bench_support::{BOUNDARY, BenchDb, frame_body, login, machine, percentiles, repo_dir, user, verdict, webcam_jpeg};
use proctorwise::accounts::model::Role;
use proctorwise::build_router;
use proctorwise::db::now_ms;
use proctorwise::detection::ServerDetector;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (db, rest) = BenchDb::from_args(&args).await?;
    let streams: usize = rest.first().map_or(Ok(5), |a| a.parse())?;
    let rounds: usize = rest.get(1).map_or(Ok(2), |a| a.parse())?;
    let burst: usize = rest.get(2).map_or(Ok(50), |a| a.parse())?;
    let mut config = db.config();
    *config.detection_mut() = bench_support::server_models()?;
    config.monitoring_mut().queue_size = burst.max(1) * 2;
    let detector = Arc::new(ServerDetector::load(config.detection()).context("models (run models/fetch.sh)")?);
    let two_people = webcam_jpeg(&repo_dir("models/eval/images").join("zidane.jpg"))
        .context("zidane.jpg (run models/fetch.sh images)")?;
    let mut state = proctorwise::assembly::state(config).await?;
    state.set_analyzer(detector);
    let workers = proctorwise::monitoring::verify::start_workers(&state);
    let router = build_router(state.clone());
    let students = bench_support::students(&state, &router, rounds * burst).await?;
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
        "sse_bench: database {:?}, server on http://{addr}, {streams} proctor streams, {rounds} rounds of {burst} sessions sending a flagged frame at once, {} verification workers; {}",
        state.db.backend(),
        state.config.monitoring().workers,
        machine()
    );

    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel(streams.max(1));
    let (go_tx, _) = tokio::sync::broadcast::channel::<(Instant, Vec<String>)>(rounds.max(1));
    let mut tasks = Vec::new();
    for cookie in cookies {
        let (ready, mut go) = (ready_tx.clone(), go_tx.subscribe());
        tasks.push(tokio::spawn(async move {
            let mut sse = Sse::open(addr, &format!("/proctor/stream?after={}", now_ms()), &cookie).await?;
            sse.wait_for(b"event: sessions", Duration::from_secs(30)).await?;
            ready.send(()).await?;
            let mut seen = Vec::with_capacity(rounds);
            for _ in 0..rounds {
                let (sent, names) = go.recv().await?;
                let needles: Vec<Vec<u8>> = names.iter().map(|n| format!("{n} · Bench").into_bytes()).collect();
                seen.extend(sse.wait_all(&needles, sent, Duration::from_secs(120)).await?);
            }
            Ok::<_, anyhow::Error>(seen)
        }));
    }
    for _ in 0..streams {
        ready_rx.recv().await.ok_or_else(|| anyhow::anyhow!("a stream failed to open"))?;
    }
    println!("{streams} streams connected; {}", machine());

    let mut posts = Vec::with_capacity(rounds * burst);
    for (round, group) in students.chunks(burst).enumerate() {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let sent = Instant::now();
        let _ = go_tx.send((sent, group.iter().map(|s| s.name.clone()).collect()));
        let mut sends = Vec::new();
        for student in group {
            let body = frame_body(&verdict(round + 1, 2), Some(&two_people));
            let (url, cookie, csrf) = (student.frames_url.clone(), student.cookie.clone(), student.csrf.clone());
            sends.push(tokio::spawn(async move {
                let status = post(addr, &url, &cookie, &csrf, &body).await?;
                anyhow::ensure!(status == 202, "flagged frame of round {round}: HTTP {status}");
                Ok::<_, anyhow::Error>(sent.elapsed())
            }));
        }
        for s in sends {
            posts.push(s.await??);
        }
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await??);
    }
    let (p50, p95, _, max) = percentiles(&mut latencies);
    let (post50, _, _, post_max) = percentiles(&mut posts);
    println!(
        "SSE over HTTP: flagged frame sent → alert of its anomaly confirmed by the server's models, on {streams} streams × {rounds} rounds × {burst} sessions ({} samples): p50 {p50:.0} ms, p95 {p95:.0} ms, max {max:.0} ms (the frame's own POST: p50 {post50:.0} ms, max {post_max:.0} ms); {}",
        latencies.len(),
        machine()
    );
    let analysis: (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), CAST(COALESCE(SUM(verify_ms), 0) AS SIGNED) FROM monitoring_frames WHERE verification = 'done'",
    )
    .fetch_one(state.db.pool())
    .await?;
    let per_frame = analysis.1 as f64 / analysis.0.max(1) as f64;
    println!(
        "verifier: {} frames analysed, {per_frame:.0} ms each on one thread = {:.2} frames/s per core",
        analysis.0,
        1000.0 / per_frame.max(1.0)
    );
    workers.iter().for_each(tokio::task::JoinHandle::abort);
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

    /// Reads until every needle appeared; returns, for each, the time since `sent` when it did.
    async fn wait_all(&mut self, needles: &[Vec<u8>], sent: Instant, limit: Duration) -> anyhow::Result<Vec<Duration>> {
        let deadline = tokio::time::Instant::now() + limit;
        let mut seen: Vec<Option<Duration>> = vec![None; needles.len()];
        loop {
            self.decode()?;
            for (i, needle) in needles.iter().enumerate() {
                if seen[i].is_none() && find(&self.body, needle).is_some() {
                    seen[i] = Some(sent.elapsed());
                }
            }
            if seen.iter().all(Option::is_some) {
                self.body.clear();
                return Ok(seen.into_iter().flatten().collect());
            }
            let read = tokio::time::timeout_at(deadline, self.socket.read_buf(&mut self.raw)).await;
            let missing = seen.iter().filter(|s| s.is_none()).count();
            anyhow::ensure!(read.is_ok(), "{missing} confirmed anomalies did not reach the stream within {limit:?}");
            anyhow::ensure!(read?? > 0, "stream ended");
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
