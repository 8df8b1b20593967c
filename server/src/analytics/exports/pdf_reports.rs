//! The PDF reports (exam, student, platform) in the reader's language: title, names (never raw
//! ids), generation time, summary table, distribution chart, item analysis or score history,
//! anomaly summary.

use super::pdf::Report;
use crate::analytics::anomaly_source::ExplainedAnomaly;
use crate::analytics::fmt;
use crate::analytics::platform::PlatformReport;
use crate::analytics::reports::stats::{BANDS, ScoreSummary};
use crate::analytics::reports::views::{kind_label, signed};
use crate::analytics::reports::{ExamReport, UserReport};
use crate::i18n::Lang;
use crate::monitoring::explain::views::explain_lines;
use crate::views::components::datetime;

fn summary_rows(lang: Lang, s: &ScoreSummary) -> Vec<(String, String)> {
    let t = |k: &'static str| lang.t(k).to_owned();
    vec![
        (t("analytics.graded"), s.count.to_string()),
        (t("analytics.mean"), fmt::pct(lang, s.mean)),
        (t("analytics.median"), fmt::pct(lang, s.median)),
        (t("analytics.min"), fmt::pct(lang, s.min)),
        (t("analytics.max"), fmt::pct(lang, s.max)),
        (t("analytics.std_dev"), fmt::dec1(lang, s.std_dev)),
        (t("analytics.q1"), fmt::pct(lang, s.q1)),
        (t("analytics.q3"), fmt::pct(lang, s.q3)),
        (t("analytics.passed"), s.passed.to_string()),
        (t("analytics.pass_rate"), fmt::pct(lang, s.pass_rate)),
    ]
}

fn distribution(r: &mut Report, lang: Lang, s: &ScoreSummary) {
    r.heading(lang.t("analytics.chart.scores"));
    if s.count == 0 {
        r.line(lang.t("analytics.no_graded"));
    } else {
        let points: Vec<(String, f64)> =
            BANDS.iter().zip(s.distribution).map(|(b, n)| (format!("{b} %"), n as f64)).collect();
        r.bar_chart(&points);
    }
}

fn anomalies(r: &mut Report, lang: Lang, by_type: &[(String, i64)]) {
    r.heading(lang.t("analytics.anomalies_by_type"));
    if by_type.is_empty() {
        r.line(lang.t("analytics.no_anomalies"));
    } else {
        let rows: Vec<Vec<String>> = by_type.iter().map(|(k, n)| vec![k.clone(), n.to_string()]).collect();
        r.table(&[lang.t("analytics.anomaly_type"), lang.t("analytics.anomalies")], &[90.0, 40.0], &rows);
    }
}

/// Each confirmed anomaly explained: who and when, the reason, both verdicts, models and
/// thresholds, the evidence frame.
fn explained(r: &mut Report, lang: Lang, flags: &[ExplainedAnomaly]) {
    r.heading(lang.t("explain.pdf.heading"));
    if flags.is_empty() {
        r.line(lang.t("explain.pdf.none"));
    }
    for a in flags {
        for line in explain_lines(lang, a) {
            r.line(&line);
        }
        r.gap();
    }
}

/// A role's label in the reader's language (the stored name if unknown).
pub fn role_label(lang: Lang, role: &str) -> String {
    crate::accounts::model::Role::parse(role).map_or_else(|| role.to_owned(), |r| r.label(lang).to_owned())
}

fn footer(lang: Lang, generated_at: i64) -> String {
    format!("ProctorWise · {} {}", lang.t("analytics.generated"), datetime(generated_at))
}

/// The exam report.
pub fn exam_pdf(lang: Lang, e: &ExamReport) -> anyhow::Result<Vec<u8>> {
    let title = lang.tf("analytics.exam_report_title", &[("exam", &e.title)]);
    let mut r = Report::new(&title, &footer(lang, e.generated_at))?;
    r.title(&title);
    r.facts(&[
        (lang.t("analytics.teacher").to_owned(), e.teacher_name.clone()),
        (lang.t("analytics.generated").to_owned(), datetime(e.generated_at)),
        (lang.t("analytics.submissions").to_owned(), e.submissions.to_string()),
        (lang.t("grading.pending").to_owned(), e.pending.to_string()),
        (lang.t("analytics.pass_mark").to_owned(), format!("{} %", e.pass_mark)),
    ]);
    r.heading(lang.t("analytics.summary"));
    r.facts(&summary_rows(lang, &e.summary));
    distribution(&mut r, lang, &e.summary);
    r.heading(lang.t("analytics.items"));
    let rows: Vec<Vec<String>> = e
        .items
        .iter()
        .map(|i| {
            vec![
                i.question.position.to_string(),
                i.question.prompt.replace(['\n', '\r'], " "),
                i.stats.attempts.to_string(),
                fmt::pct(lang, i.stats.correct_rate),
                lang.t(i.stats.difficulty.key()).to_owned(),
                i.stats
                    .discrimination
                    .map_or("—".into(), |d| format!("{}{}", signed(lang, d), if d < 0.0 { " ⚠" } else { "" })),
                format!(
                    "{} / {}",
                    fmt::points(lang, i.stats.average_hundredths),
                    fmt::points(lang, i.question.points_hundredths as f64)
                ),
            ]
        })
        .collect();
    let headers = [
        "#",
        lang.t("analytics.question"),
        lang.t("analytics.attempts"),
        lang.t("analytics.correct_rate"),
        lang.t("analytics.difficulty"),
        lang.t("analytics.discrimination"),
        lang.t("analytics.avg_points"),
    ];
    r.table(&headers, &[8.0, 44.0, 16.0, 27.0, 22.0, 28.0, 29.0], &rows);
    let flagged: Vec<String> =
        e.items.iter().filter(|i| i.stats.flagged()).map(|i| format!("Q{}", i.question.position)).collect();
    if !flagged.is_empty() {
        r.line(&format!("⚠ {} {}", lang.t("analytics.items_flagged"), flagged.join(", ")));
    }
    anomalies(&mut r, lang, &e.anomalies);
    explained(&mut r, lang, &e.flags);
    Ok(r.finish())
}

/// The student report.
pub fn user_pdf(lang: Lang, u: &UserReport) -> anyhow::Result<Vec<u8>> {
    let title = lang.tf("analytics.user_report_title", &[("name", &u.name)]);
    let mut r = Report::new(&title, &footer(lang, u.generated_at))?;
    r.title(&title);
    r.facts(&[
        (lang.t("analytics.email").to_owned(), u.email.clone()),
        (lang.t("analytics.generated").to_owned(), datetime(u.generated_at)),
        (lang.t("analytics.exams_taken").to_owned(), u.history.len().to_string()),
        (lang.t("analytics.failed").to_owned(), (u.summary.count - u.summary.passed).to_string()),
        (lang.t("analytics.total_anomalies").to_owned(), u.total_anomalies().to_string()),
    ]);
    r.heading(lang.t("analytics.summary"));
    r.facts(&summary_rows(lang, &u.summary));
    distribution(&mut r, lang, &u.summary);
    r.heading(lang.t("analytics.kinds"));
    let kinds: Vec<Vec<String>> = u
        .kinds
        .iter()
        .map(|k| vec![kind_label(lang, &k.kind), k.answers.to_string(), fmt::pct(lang, k.rate)])
        .collect();
    if kinds.is_empty() {
        r.line(lang.t("analytics.no_graded"));
    } else {
        r.table(
            &[lang.t("analytics.kind"), lang.t("analytics.answers"), lang.t("analytics.score_pct")],
            &[70.0, 30.0, 30.0],
            &kinds,
        );
    }
    r.heading(lang.t("analytics.history"));
    let history: Vec<Vec<String>> = u
        .history
        .iter()
        .map(|h| {
            vec![
                h.exam_title.clone(),
                datetime(h.submitted_at),
                h.score_hundredths.map_or("—".into(), |s| {
                    fmt::pct(lang, crate::analytics::reports::stats::percent(s, h.max_score_hundredths))
                }),
                match h.passed {
                    Some(1) => lang.t("grading.passed"),
                    Some(_) => lang.t("grading.failed"),
                    None => lang.t("grading.pending"),
                }
                .to_owned(),
            ]
        })
        .collect();
    if history.is_empty() {
        r.line(lang.t("analytics.no_submissions"));
    } else {
        let headers =
            [lang.t("analytics.exam"), lang.t("analytics.when"), lang.t("analytics.score"), lang.t("grading.status")];
        r.table(&headers, &[76.0, 44.0, 24.0, 30.0], &history);
    }
    anomalies(&mut r, lang, &u.anomalies);
    Ok(r.finish())
}

/// The platform report of a date range.
pub fn platform_pdf(lang: Lang, p: &PlatformReport) -> anyhow::Result<Vec<u8>> {
    let range = format!("{} → {}", fmt::date(p.from), fmt::date(p.to - 1));
    let title = lang.tf("analytics.platform_title", &[("range", &range)]);
    let mut r = Report::new(&title, &footer(lang, p.generated_at))?;
    r.title(&title);
    r.facts(&[
        (lang.t("analytics.generated").to_owned(), datetime(p.generated_at)),
        (lang.t("analytics.submissions").to_owned(), p.submissions.to_string()),
    ]);
    r.heading(lang.t("analytics.chart.per_day"));
    if p.submissions == 0 {
        r.line(lang.t("analytics.no_submissions"));
    } else {
        let points: Vec<(String, f64)> = p.per_day.iter().map(|(d, n)| (fmt::short_day(*d), *n as f64)).collect();
        for chunk in points.chunks(31) {
            r.bar_chart(chunk);
        }
    }
    r.heading(lang.t("analytics.summary"));
    r.facts(&summary_rows(lang, &p.summary));
    distribution(&mut r, lang, &p.summary);
    r.heading(lang.t("analytics.new_users"));
    let users: Vec<(String, String)> =
        p.new_users.iter().map(|(role, n)| (role_label(lang, role), n.to_string())).collect();
    if users.is_empty() {
        r.line("—")
    } else {
        r.facts(&users)
    }
    r.heading(lang.t("analytics.per_exam"));
    let rows: Vec<Vec<String>> = p
        .exams
        .iter()
        .map(|e| {
            vec![
                e.title.clone(),
                e.teacher.clone(),
                e.graded.to_string(),
                fmt::pct(lang, e.mean),
                fmt::pct(lang, e.pass_rate),
            ]
        })
        .collect();
    if rows.is_empty() {
        r.line(lang.t("analytics.no_graded"));
    } else {
        let headers = [
            lang.t("analytics.exam"),
            lang.t("analytics.teacher"),
            lang.t("analytics.graded"),
            lang.t("analytics.mean"),
            lang.t("analytics.pass_rate"),
        ];
        r.table(&headers, &[64.0, 40.0, 22.0, 24.0, 24.0], &rows);
    }
    anomalies(&mut r, lang, &p.anomalies);
    Ok(r.finish())
}
