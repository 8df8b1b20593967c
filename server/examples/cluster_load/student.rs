//! One simulated student, doing what the exam page's scripts do. Failed steps are tried again
//! as the page would (a replica may be down for a few seconds); what the server acknowledged is
//! remembered for the checks.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use proctorwise::db::now_ms;

use crate::bench_support::{frame_body, repo_dir, verdict, webcam_jpeg};
use crate::seed::{QUESTIONS, Question};
use crate::stats::Kind;
use crate::web::{Browser, TRIES, Web, between, pause, transient};

/// The pictures frames carry.
pub struct Media {
    /// One person: a baseline picture the server asked for.
    one_face: Vec<u8>,
    /// Two people: a flagged frame the server re-verifies.
    two_people: Vec<u8>,
}

impl Media {
    pub fn load() -> anyhow::Result<Self> {
        let images = repo_dir("models/eval/images");
        let photo =
            |name: &str| webcam_jpeg(&images.join(name)).with_context(|| format!("{name} (models/fetch.sh images)"));
        Ok(Self { one_face: photo("Tom_Hanks_54745.png")?, two_people: photo("zidane.jpg")? })
    }
}

/// What the server acknowledged to one student.
#[derive(Debug, Default)]
pub struct Outcome {
    pub email: String,
    pub attempt_id: Option<String>,
    /// Per question: the last revision saved with a 2xx (0: none).
    pub acked: [u64; QUESTIONS.len()],
    pub submitted: bool,
    /// Why the journey stopped early.
    pub failure: Option<String>,
}

pub struct Journey {
    pub web: Web,
    pub media: std::sync::Arc<Media>,
    pub email: String,
    pub slot_id: String,
    /// UTC ms.
    pub opens_at: i64,
    pub stop_at: Instant,
    pub flag_every: u64,
    pub seed: u64,
}

const FRAME_EVERY: Duration = Duration::from_secs(2);
const ANSWER_EVERY: Duration = Duration::from_secs(5);

impl Journey {
    pub async fn run(self) -> Outcome {
        let mut outcome = Outcome { email: self.email.clone(), ..Outcome::default() };
        if let Err(e) = self.take(&mut outcome).await {
            outcome.failure = Some(format!("{e:#}"));
        }
        outcome
    }

    async fn take(&self, out: &mut Outcome) -> anyhow::Result<()> {
        let mut b = self.web.browser(self.seed as usize);
        b.log_in(&self.email).await?;
        let booking = self.book(&mut b).await?;
        // Students open the exam within a couple of seconds of the slot's opening.
        let open_in = self.opens_at - now_ms() + (self.seed % 2000) as i64;
        if open_in > 0 {
            tokio::time::sleep(Duration::from_millis(open_in as u64)).await;
        }
        let attempt = self.start(&mut b, &booking).await?;
        out.attempt_id = Some(attempt.clone());
        let frames = self.open_attempt(&mut b, &attempt).await?;
        self.work(&mut b, &attempt, &frames, out).await;
        for _ in 0..TRIES {
            let reply =
                b.form(Kind::Submit, &format!("/attempts/{attempt}/submit"), &[("confirm", "yes")], false).await;
            if reply.ok() {
                out.submitted = true;
                return Ok(());
            }
            if !transient(&reply) {
                bail!("submit refused: {}", reply.status);
            }
            pause().await;
        }
        bail!("submit: no answer after {TRIES} tries")
    }

    /// Books the slot (a booking already made by an answer that was lost on the way counts).
    async fn book(&self, b: &mut Browser) -> anyhow::Result<String> {
        for _ in 0..TRIES {
            let reply = b.form(Kind::Book, "/bookings", &[("slot_id", self.slot_id.as_str())], false).await;
            if reply.ok() || reply.status == 409 {
                let page = b.get(Kind::Page, "/bookings").await;
                if let Some(id) = booking_id(&page.body) {
                    return Ok(id);
                }
                if !transient(&page) {
                    bail!("booking answered {} but /bookings lists none", reply.status);
                }
            } else if !transient(&reply) {
                bail!("booking refused: {} {}", reply.status, reply.body.chars().take(200).collect::<String>());
            }
            pause().await;
        }
        bail!("booking: no answer after {TRIES} tries")
    }

    async fn start(&self, b: &mut Browser, booking: &str) -> anyhow::Result<String> {
        let path = format!("/bookings/{booking}/start");
        for _ in 0..TRIES {
            let reply = b.form(Kind::Start, &path, &[("consent", "on"), ("webcam", "granted")], false).await;
            if let Some(id) = reply.location.as_deref().and_then(|l| l.strip_prefix("/attempts/")) {
                return Ok(id.to_owned());
            }
            if !transient(&reply) {
                bail!("start refused: {}", reply.status);
            }
            pause().await;
        }
        bail!("start: no answer after {TRIES} tries")
    }

    /// The attempt's page: where frames go, and the page's CSRF token.
    async fn open_attempt(&self, b: &mut Browser, attempt: &str) -> anyhow::Result<String> {
        for _ in 0..TRIES {
            let mut page = b.get(Kind::Page, &format!("/attempts/{attempt}")).await;
            if let Some(next) = page.location.clone().filter(|_| page.status == 303) {
                page = b.get(Kind::Page, &next).await;
            }
            if page.status == 200 {
                b.take_csrf(&page.body);
                let frames = between(&page.body, "data-monitor-frames=\"", "\"")
                    .context("the attempt page has no monitoring endpoint")?;
                return Ok(frames.to_owned());
            }
            if !transient(&page) {
                bail!("attempt page: {}", page.status);
            }
            pause().await;
        }
        bail!("attempt page: no answer after {TRIES} tries")
    }

    /// Frames every 2 s and an answer every 5 s until the end of the load.
    async fn work(&self, b: &mut Browser, attempt: &str, frames: &str, out: &mut Outcome) {
        let start = Instant::now();
        let (mut next_frame, mut next_answer) = (start, start + Duration::from_millis(1000 + self.seed % 4000));
        let (mut seq, mut picture_next, mut saves) = (0u64, false, 0u64);
        loop {
            let due = next_frame.min(next_answer);
            if due >= self.stop_at {
                return;
            }
            tokio::time::sleep_until(due.into()).await;
            if next_frame <= next_answer {
                seq += 1;
                let flagged = (seq + self.seed) % self.flag_every == 0;
                let (kind, body) = if flagged {
                    (Kind::FrameFlagged, frame_body(&verdict(seq as usize, 2), Some(self.media.two_people.as_slice())))
                } else if picture_next {
                    (Kind::FramePicture, frame_body(&verdict(seq as usize, 1), Some(self.media.one_face.as_slice())))
                } else {
                    (Kind::Frame, frame_body(&verdict(seq as usize, 1), None))
                };
                let reply = b.multipart(kind, frames, body).await;
                if reply.status == 202 {
                    picture_next = reply.body.contains("\"picture_next\":true");
                }
                next_frame += FRAME_EVERY;
            } else {
                let q = (saves % QUESTIONS.len() as u64) as usize;
                let rev = saves + 1; // grows with each acknowledged save
                let text = format!("rev {rev}");
                let field = match QUESTIONS[q] {
                    Question::Text => ("text", text.as_str()),
                    Question::Choice => ("choice", if rev % 2 == 0 { "1" } else { "0" }),
                    Question::Truth => ("truth", if rev % 2 == 0 { "true" } else { "false" }),
                };
                let reply = b.form(Kind::Answer, &format!("/attempts/{attempt}/q/{}", q + 1), &[field], true).await;
                if reply.ok() {
                    out.acked[q] = rev;
                    saves += 1;
                    next_answer += ANSWER_EVERY;
                } else {
                    // The page's autosave tries the same answer again a second later.
                    next_answer = Instant::now() + Duration::from_secs(1);
                }
            }
        }
    }
}

/// The id in the first `/bookings/{id}/cancel` (before the slot opens) or `/start` link of the
/// bookings page (the run's students have one booking each).
fn booking_id(page: &str) -> Option<String> {
    page.match_indices("/bookings/").find_map(|(i, m)| {
        let rest = &page[i + m.len()..];
        let id = rest.get(..36)?;
        let action = &rest[36..];
        (action.starts_with("/cancel") || action.starts_with("/start")).then(|| id.to_owned())
    })
}
