//! The reports page: schedule and "run now", run history, weekly difficulty, monthly figures.

use maud::{Markup, html};
use proctorwise_batch::Job;
use proctorwise_batch::runs::Run;

use super::queries::{AtRisk, QuestionDifficulty, SummaryRow};
use super::schedule::{Due, Schedule};
use crate::views::components::{local_time, notice};
use crate::web::PageCtx;

/// What the page shows.
pub struct ReportsPage<'a> {
    /// Latest runs.
    pub runs: &'a [Run],
    /// The schedule and next runs; `None` when the scheduler is off.
    pub next: Option<&'a (Schedule, Due)>,
    /// Latest weekly difficulty.
    pub difficulty: Option<&'a (String, Vec<QuestionDifficulty>)>,
    /// Latest monthly figures.
    pub month: Option<&'a (String, Vec<SummaryRow>, Vec<AtRisk>)>,
    /// Names of the at-risk students, in order.
    pub names: &'a [String],
    /// The job "run now" just started.
    pub started: Option<Job>,
}

fn job_label(ctx: &PageCtx, job: &str) -> &'static str {
    match job {
        "daily-anomalies" => ctx.t("reports.job.daily"),
        "weekly-grades" => ctx.t("reports.job.weekly"),
        _ => ctx.t("reports.job.monthly"),
    }
}

fn status_label(ctx: &PageCtx, status: &str) -> &'static str {
    match status {
        "succeeded" => ctx.t("reports.status.succeeded"),
        "failed" => ctx.t("reports.status.failed"),
        _ => ctx.t("reports.status.running"),
    }
}

fn percent(hundredths: i64) -> String {
    format!("{}.{:02} %", hundredths / 100, (hundredths % 100).abs())
}

/// The whole page content.
pub fn page(ctx: &PageCtx, p: &ReportsPage<'_>) -> Markup {
    html! {
        @if let Some(job) = p.started {
            (notice("success", &format!("{} — {}", ctx.t("reports.started"), job_label(ctx, job.name()))))
        }
        (jobs(ctx, p.next))
        (history(ctx, p.runs))
        (difficulty(ctx, p.difficulty))
        (monthly(ctx, p.month, p.names))
    }
}

fn jobs(ctx: &PageCtx, next: Option<&(Schedule, Due)>) -> Markup {
    html! {
        section #batch-jobs aria-labelledby="batch-jobs-title" {
            h2 #batch-jobs-title { (ctx.t("reports.jobs")) }
            @if next.is_none() { p .notice .notice-info { (ctx.t("reports.schedule_off")) } }
            table { thead { tr {
                th scope="col" { (ctx.t("reports.col.job")) } th scope="col" { (ctx.t("reports.col.schedule")) }
                th scope="col" { (ctx.t("reports.col.next")) } th scope="col" { (ctx.t("reports.run_now")) }
            } } tbody {
                @for job in Job::ALL {
                    tr id={"job-" (job.name())} {
                        td { (job_label(ctx, job.name())) }
                        td { @if let Some((s, _)) = next { (s.describe(job)) " UTC" } @else { "—" } }
                        td { @if let Some((_, due)) = next { (local_time(due.next(job))) } @else { "—" } }
                        td { (run_form(ctx, job)) }
                    }
                }
            } }
        }
    }
}

fn run_form(ctx: &PageCtx, job: Job) -> Markup {
    let (hint, id) = match job {
        Job::MonthlyUsers => ("YYYY-MM", "period-monthly"),
        Job::WeeklyGrades => ("YYYY-MM-DD", "period-weekly"),
        Job::DailyAnomalies => ("YYYY-MM-DD", "period-daily"),
    };
    html! {
        form method="post" action="/admin/reports/run" .inline-form {
            input type="hidden" name="csrf_token" value=(ctx.csrf);
            input type="hidden" name="job" value=(job.name());
            label for=(id) { (ctx.t("reports.period")) }
            input id=(id) type="text" name="period" placeholder=(hint) size="10" aria-describedby="period-help";
            button type="submit" { (ctx.t("reports.run_now")) }
        }
    }
}

fn history(ctx: &PageCtx, runs: &[Run]) -> Markup {
    html! {
        section #batch-runs aria-labelledby="batch-runs-title" {
            h2 #batch-runs-title { (ctx.t("reports.history")) }
            p #period-help .hint { (ctx.t("reports.period_help")) }
            @if runs.is_empty() { p .empty { (ctx.t("reports.no_runs")) } } @else {
                table .runs { thead { tr {
                    th scope="col" { (ctx.t("reports.col.job")) } th scope="col" { (ctx.t("reports.col.period")) }
                    th scope="col" { (ctx.t("reports.col.trigger")) } th scope="col" { (ctx.t("reports.col.status")) }
                    th scope="col" { (ctx.t("reports.col.started")) } th scope="col" { (ctx.t("reports.col.finished")) }
                    th scope="col" { (ctx.t("reports.col.rows_read")) } th scope="col" { (ctx.t("reports.col.rows_written")) }
                    th scope="col" { (ctx.t("reports.col.error")) }
                } } tbody {
                    @for r in runs {
                        tr .{"run-" (r.status)} {
                            td { (job_label(ctx, &r.job)) } td { (r.period) } td { (r.trigger) }
                            td { span .badge { (status_label(ctx, &r.status)) } }
                            td { (local_time(r.started_at)) }
                            td { @if let Some(f) = r.finished_at { (local_time(f)) } }
                            td { (r.rows_read) } td { (r.rows_written) }
                            td { @if let Some(e) = &r.error { (e) } }
                        }
                    }
                } }
            }
        }
    }
}

fn difficulty(ctx: &PageCtx, data: Option<&(String, Vec<QuestionDifficulty>)>) -> Markup {
    html! {
        section #weekly-difficulty aria-labelledby="weekly-difficulty-title" {
            h2 #weekly-difficulty-title { (ctx.t("reports.difficulty")) }
            @match data {
                None => { p .empty { (ctx.t("reports.no_weekly")) } }
                Some((week, rows)) => {
                    p { (ctx.t("reports.week_of")) " " strong .period { (week) } }
                    table { thead { tr {
                        th scope="col" { (ctx.t("reports.col.question")) } th scope="col" { (ctx.t("reports.col.type")) }
                        th scope="col" { (ctx.t("reports.col.answers")) } th scope="col" { (ctx.t("reports.col.correct")) }
                        th scope="col" { (ctx.t("reports.col.correct_rate")) } th scope="col" { (ctx.t("reports.col.difficulty")) }
                    } } tbody {
                        @for q in rows {
                            tr .{"difficulty-" (q.difficulty)} {
                                td { code { (q.question_id) } } td { (q.question_type) } td { (q.total_attempts) }
                                td { (q.correct_count) } td { (percent(q.correct_rate_hundredths)) }
                                td { span .badge { (level(ctx, &q.difficulty)) } }
                            }
                        }
                    } }
                }
            }
        }
    }
}

fn level(ctx: &PageCtx, value: &str) -> &'static str {
    match value {
        "easy" => ctx.t("reports.easy"),
        "medium" => ctx.t("reports.medium"),
        "hard" => ctx.t("reports.hard"),
        "excellent" => ctx.t("reports.tier.excellent"),
        "good" => ctx.t("reports.tier.good"),
        "average" => ctx.t("reports.tier.average"),
        "needs_improvement" => ctx.t("reports.tier.needs_improvement"),
        "high" => ctx.t("reports.risk.high"),
        "low" => ctx.t("reports.risk.low"),
        _ => ctx.t("reports.risk.medium"),
    }
}

fn monthly(ctx: &PageCtx, data: Option<&(String, Vec<SummaryRow>, Vec<AtRisk>)>, names: &[String]) -> Markup {
    html! {
        section #monthly-users aria-labelledby="monthly-users-title" {
            h2 #monthly-users-title { (ctx.t("reports.monthly")) }
            @match data {
                None => { p .empty { (ctx.t("reports.no_monthly")) } }
                Some((month, summary, at_risk)) => {
                    p { (ctx.t("reports.month_of")) " " strong .period { (month) } }
                    ul .summary {
                        @for s in summary {
                            li .{"summary-" (s.dimension) "-" (s.value)} { (level(ctx, &s.value)) ": " strong { (s.users) } }
                        }
                    }
                    h3 { (ctx.t("reports.at_risk")) }
                    @if at_risk.is_empty() { p .empty { (ctx.t("reports.no_at_risk")) } } @else {
                        table .at-risk { thead { tr {
                            th scope="col" { (ctx.t("reports.col.student")) } th scope="col" { (ctx.t("reports.col.exams")) }
                            th scope="col" { (ctx.t("reports.col.avg")) } th scope="col" { (ctx.t("reports.col.tier")) }
                            th scope="col" { (ctx.t("reports.col.risk")) } th scope="col" { (ctx.t("reports.col.anomalies")) }
                        } } tbody {
                            @for (row, name) in at_risk.iter().zip(names) {
                                tr { td { (name) } td { (row.total_exams) }
                                    td { @if let Some(a) = row.avg_score_hundredths { (percent(a)) } @else { "—" } }
                                    td { (level(ctx, &row.performance_tier)) } td { (level(ctx, &row.risk_level)) }
                                    td { (row.total_anomalies) " (" (row.critical_anomalies) " " (ctx.t("reports.critical")) ")" } }
                            }
                        } }
                    }
                }
            }
        }
    }
}
