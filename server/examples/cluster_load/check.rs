//! After the run: what the database holds compared with what the server acknowledged, the
//! events of the run, the failures and the proctor's stream. Each check prints one line.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use proctorwise::db::{Db, DbText};
use proctorwise::notifications::routing::HANDLED;

use crate::faults::FaultRecord;
use crate::proctor::StreamLog;
use crate::seed::{QUESTIONS, Question, Run};
use crate::stats::Report;
use crate::student::Outcome;

/// How long the events of the run may take to be published and consumed after the load.
const DRAIN: Duration = Duration::from_secs(180);

struct Verdict(bool);

impl Verdict {
    fn check(&mut self, ok: bool, what: String) {
        println!("{} {what}", if ok { "PASS" } else { "FAIL" });
        self.0 &= ok;
    }
}

pub async fn run(
    db: &Db,
    run: &Run,
    outcomes: &[Outcome],
    report: &Report,
    stream: &StreamLog,
    faults: &[FaultRecord],
) -> anyhow::Result<bool> {
    let mut v = Verdict(true);
    println!();
    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| o.failure.is_some()).collect();
    for o in failed.iter().take(5) {
        println!("  {}: {}", o.email, o.failure.as_deref().unwrap_or_default());
    }
    v.check(
        failed.is_empty(),
        format!("{} of {} students went through the whole exam", outcomes.len() - failed.len(), outcomes.len()),
    );
    let broken: Vec<&FaultRecord> = faults.iter().filter(|f| !f.ok).collect();
    v.check(broken.is_empty(), format!("{} of {} fault steps ran", faults.len() - broken.len(), faults.len()));
    answers(db, run, outcomes, &mut v).await?;
    grading(db, run, outcomes, &mut v).await?;
    events(db, run, &mut v).await?;
    let explained: usize = report.explained.iter().map(|(_, n)| n).sum();
    v.check(
        report.unexpected.is_empty(),
        format!(
            "{} 5xx or cut connections outside the seconds after a kill ({explained} within them)",
            report.unexpected.len()
        ),
    );
    v.check(
        report.throttled == 0,
        format!("{} requests refused by a rate limit (each student keeps the browser's pace)", report.throttled),
    );
    proctor_stream(stream, faults, &mut v);
    Ok(v.0)
}

/// Every answer saved with a 2xx is there, at that revision or a later one.
async fn answers(db: &Db, run: &Run, outcomes: &[Outcome], v: &mut Verdict) -> anyhow::Result<()> {
    let questions: Vec<String> = sqlx::query_scalar("SELECT id FROM questions WHERE exam_id = ? ORDER BY position")
        .bind(&run.exam_id)
        .fetch_all(db.pool())
        .await?;
    let rows: Vec<(String, String, DbText)> = sqlx::query_as(
        "SELECT an.attempt_id, an.question_id, an.response FROM answers an JOIN attempts t ON t.id = an.attempt_id WHERE t.exam_id = ?",
    )
    .bind(&run.exam_id)
    .fetch_all(db.pool())
    .await?;
    let stored: HashMap<(String, String), String> = rows.into_iter().map(|(a, q, r)| ((a, q), r.0)).collect();
    let (mut acked, mut lost) = (0usize, 0usize);
    for outcome in outcomes {
        let Some(attempt) = &outcome.attempt_id else { continue };
        for (n, &rev) in outcome.acked.iter().enumerate() {
            if rev == 0 {
                continue;
            }
            acked += 1;
            let response = questions.get(n).and_then(|q| stored.get(&(attempt.clone(), q.clone())));
            let kept = match (QUESTIONS[n], response) {
                (_, None) => false,
                (Question::Text, Some(r)) => revision(r).is_some_and(|kept| kept >= rev),
                (_, Some(_)) => true,
            };
            if !kept {
                lost += 1;
                println!("  lost: {} question {} revision {rev}, stored {response:?}", outcome.email, n + 1);
            }
        }
    }
    v.check(lost == 0 && acked > 0, format!("{acked} answers acknowledged, {lost} lost"));
    Ok(())
}

/// `"rev 12"` → 12.
fn revision(response: &str) -> Option<u64> {
    let digits: String = response.split("rev ").nth(1)?.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Every submission acknowledged is submitted and graded, with one `grading_completed` each.
async fn grading(db: &Db, run: &Run, outcomes: &[Outcome], v: &mut Verdict) -> anyhow::Result<()> {
    let attempts: Vec<(String, String, String)> =
        sqlx::query_as("SELECT id, status, grading_status FROM attempts WHERE exam_id = ?")
            .bind(&run.exam_id)
            .fetch_all(db.pool())
            .await?;
    let events: Vec<(String, i64)> = sqlx::query_as(
        "SELECT aggregate_id, COUNT(*) FROM outbox WHERE event_type = 'grading_completed' AND occurred_at >= ? GROUP BY aggregate_id",
    )
    .bind(run.since)
    .fetch_all(db.pool())
    .await?;
    let events: HashMap<String, i64> = events.into_iter().collect();
    let acknowledged: Vec<&str> =
        outcomes.iter().filter(|o| o.submitted).filter_map(|o| o.attempt_id.as_deref()).collect();
    let by_id: HashMap<&str, (&str, &str)> =
        attempts.iter().map(|(id, s, g)| (id.as_str(), (s.as_str(), g.as_str()))).collect();
    let not_graded = acknowledged
        .iter()
        .filter(|id| by_id.get(*id) != Some(&("submitted", "graded")) || events.get(**id) != Some(&1))
        .count();
    let twice = attempts.iter().filter(|(id, _, _)| events.get(id).is_some_and(|n| *n > 1)).count();
    let submitted = attempts.iter().filter(|(_, s, _)| s == "submitted").count();
    v.check(
        not_graded == 0 && twice == 0 && !acknowledged.is_empty(),
        format!(
            "{} submissions acknowledged ({submitted} attempts submitted in all): {not_graded} not graded exactly once, {twice} graded twice",
            acknowledged.len()
        ),
    );
    Ok(())
}

/// Every event of the run published and handled once by the notifications consumer.
async fn events(db: &Db, run: &Run, v: &mut Verdict) -> anyhow::Result<()> {
    let handled: Vec<String> = HANDLED.iter().map(|t| format!("'{}'", t.as_str())).collect();
    let unconsumed_sql = format!(
        "SELECT COUNT(*) FROM outbox o WHERE o.occurred_at >= ? AND o.event_type IN ({}) \
         AND NOT EXISTS (SELECT 1 FROM consumed_events c WHERE c.consumer = 'notifications' AND c.event_id = o.id)",
        handled.join(", ")
    );
    let started = Instant::now();
    let (pending, unconsumed) = loop {
        let pending: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE occurred_at >= ? AND published_at IS NULL")
                .bind(run.since)
                .fetch_one(db.pool())
                .await?;
        let unconsumed: i64 = sqlx::query_scalar(&unconsumed_sql).bind(run.since).fetch_one(db.pool()).await?;
        if (pending == 0 && unconsumed == 0) || started.elapsed() > DRAIN {
            break (pending, unconsumed);
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    };
    let by_type: Vec<(String, i64)> = sqlx::query_as(
        "SELECT event_type, COUNT(*) FROM outbox WHERE occurred_at >= ? GROUP BY event_type ORDER BY event_type",
    )
    .bind(run.since)
    .fetch_all(db.pool())
    .await?;
    let total: i64 = by_type.iter().map(|(_, n)| n).sum();
    let listed: Vec<String> = by_type.iter().map(|(t, n)| format!("{t} {n}")).collect();
    println!("  events of the run: {}", listed.join(", "));
    v.check(
        pending == 0 && unconsumed == 0,
        format!(
            "{total} events: {pending} not published, {unconsumed} not handled by the notifications consumer (after {:.0} s of drain)",
            started.elapsed().as_secs_f64()
        ),
    );
    let duplicates: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT n.event_id FROM notifications n JOIN outbox o ON o.id = n.event_id \
         WHERE o.occurred_at >= ? GROUP BY n.event_id, n.user_id, n.title HAVING COUNT(*) > 1) d",
    )
    .bind(run.since)
    .fetch_one(db.pool())
    .await?;
    let notices: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications n JOIN outbox o ON o.id = n.event_id WHERE o.occurred_at >= ?",
    )
    .bind(run.since)
    .fetch_one(db.pool())
    .await?;
    let parked: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM dead_letters WHERE first_seen_at >= ?")
        .bind(run.since)
        .fetch_one(db.pool())
        .await?;
    v.check(
        duplicates == 0 && parked == 0,
        format!("{notices} notifications, {duplicates} duplicated; {parked} dead letters"),
    );
    let emails: Vec<(String, i64)> = sqlx::query_as(
        "SELECT e.status, COUNT(*) FROM email_outbox e JOIN notifications n ON n.id = e.notification_id \
         JOIN outbox o ON o.id = n.event_id WHERE o.occurred_at >= ? GROUP BY e.status ORDER BY e.status",
    )
    .bind(run.since)
    .fetch_all(db.pool())
    .await?;
    let listed: Vec<String> = emails.iter().map(|(s, n)| format!("{s} {n}")).collect();
    println!("  emails of the run by status: {}", if listed.is_empty() { "none".into() } else { listed.join(", ") });
    Ok(())
}

/// The stream came back after each cut and carried events after the last fault.
fn proctor_stream(stream: &StreamLog, faults: &[FaultRecord], v: &mut Verdict) {
    if let Some(failure) = &stream.failure {
        v.check(false, format!("the proctor's stream: {failure}"));
        return;
    }
    let connections = &stream.connections;
    let cuts = connections.iter().filter(|c| c.cut).count();
    // Each cut followed by another connection: the time from the cut to its opening.
    let gaps: Vec<u64> =
        connections.windows(2).filter(|w| w[0].cut).map(|w| w[1].opened_ms.saturating_sub(w[0].closed_ms)).collect();
    let (reopened, longest_gap) = (gaps.len(), gaps.iter().copied().max().unwrap_or(0));
    let events: u64 = connections.iter().map(|c| c.events).sum();
    let last_fault = faults.iter().map(|f| f.finished_ms).max().unwrap_or(0);
    let after = connections.iter().any(|c| c.last_event_ms > last_fault);
    v.check(
        !connections.is_empty() && reopened == cuts && after,
        format!(
            "the proctor's stream: {} connections, cut {cuts} times, reopened {reopened} times (longest gap {:.1} s), {events} events, {} after the last fault ({} refused openings)",
            connections.len(),
            longest_gap as f64 / 1000.0,
            if after { "some" } else { "none" },
            stream.refused
        ),
    );
}
