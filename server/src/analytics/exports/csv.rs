//! CSV reports: UTF-8 with a byte-order mark (spreadsheets then read accents right), RFC 4180
//! quoting by the `csv` crate, sections separated by an empty line, each section a title row
//! then a header row. Numbers use a decimal point whatever the language, so they stay machine-
//! readable; labels follow the reader's language. Every cell goes through [`safe_cell`] (no
//! formula injection through a name or a title).

use std::borrow::Cow;

use crate::analytics::fmt;
use crate::analytics::platform::PlatformReport;
use crate::analytics::reports::stats::{BANDS, ScoreSummary};
use crate::analytics::reports::{ExamReport, UserReport};
use crate::i18n::Lang;

/// UTF-8 byte-order mark written first.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A cell a spreadsheet cannot run as a formula (OWASP, "CSV injection"): text starting with
/// `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, which spreadsheets read as
/// "this is text". A plain number (`-1.00`, `+3`) is left alone: it is read as a number, never
/// as a formula, and stays machine-readable. Quoting (commas, quotes, newlines) is the `csv`
/// writer's job, after this.
pub fn safe_cell(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_plain_number(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// An optional sign, digits, at most one decimal point (no exponent, no `inf`).
fn is_plain_number(cell: &str) -> bool {
    let digits = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "0"));
    !int.is_empty() && !frac.is_empty() && (int.bytes().chain(frac.bytes())).all(|b| b.is_ascii_digit())
}

/// Writes one record, every cell through [`safe_cell`].
pub fn write_safe<W: std::io::Write, S: AsRef<str>>(
    w: &mut csv::Writer<W>,
    cells: impl IntoIterator<Item = S>,
) -> csv::Result<()> {
    w.write_record(cells.into_iter().map(|c| safe_cell(c.as_ref()).into_owned()))
}

/// Writes sections of rows.
pub struct Sections {
    out: csv::Writer<Vec<u8>>,
    started: bool,
}

impl Sections {
    /// An empty file.
    pub fn new() -> Self {
        let mut buf = Vec::with_capacity(4096);
        buf.extend_from_slice(BOM);
        Self { out: csv::WriterBuilder::new().flexible(true).from_writer(buf), started: false }
    }

    /// A section: title row, header row, rows.
    pub fn section<S: AsRef<str>>(&mut self, title: &str, header: &[&str], rows: &[Vec<S>]) -> csv::Result<()> {
        if self.started {
            self.out.write_record(None::<&[u8]>)?;
        }
        self.started = true;
        write_safe(&mut self.out, [title])?;
        write_safe(&mut self.out, header)?;
        for row in rows {
            write_safe(&mut self.out, row)?;
        }
        Ok(())
    }

    /// The bytes.
    pub fn finish(self) -> anyhow::Result<Vec<u8>> {
        self.out.into_inner().map_err(|e| anyhow::anyhow!("csv: {e}"))
    }
}

impl Default for Sections {
    fn default() -> Self {
        Self::new()
    }
}

fn n1(v: f64) -> String {
    format!("{v:.1}")
}

fn summary(lang: Lang, s: &ScoreSummary) -> Vec<Vec<String>> {
    let row = |k: &'static str, v: String| vec![lang.t(k).to_owned(), v];
    vec![
        row("analytics.graded", s.count.to_string()),
        row("analytics.mean", n1(s.mean)),
        row("analytics.median", n1(s.median)),
        row("analytics.min", n1(s.min)),
        row("analytics.max", n1(s.max)),
        row("analytics.std_dev", n1(s.std_dev)),
        row("analytics.q1", n1(s.q1)),
        row("analytics.q3", n1(s.q3)),
        row("analytics.passed", s.passed.to_string()),
        row("analytics.pass_rate", n1(s.pass_rate)),
    ]
}

fn distribution(s: &ScoreSummary) -> Vec<Vec<String>> {
    BANDS.iter().zip(s.distribution).map(|(b, n)| vec![format!("{b} %"), n.to_string()]).collect()
}

fn metric_headers(lang: Lang) -> [&'static str; 2] {
    [lang.t("analytics.metric"), lang.t("analytics.value")]
}

fn by_type(lang: Lang, w: &mut Sections, rows: &[(String, i64)]) -> csv::Result<()> {
    let rows: Vec<Vec<String>> = rows.iter().map(|(k, n)| vec![k.clone(), n.to_string()]).collect();
    w.section(
        lang.t("analytics.anomalies_by_type"),
        &[lang.t("analytics.anomaly_type"), lang.t("analytics.anomalies")],
        &rows,
    )
}

/// The exam report as CSV.
pub fn exam_csv(lang: Lang, e: &ExamReport) -> anyhow::Result<Vec<u8>> {
    let mut w = Sections::new();
    let about = vec![
        vec![lang.t("analytics.exam").to_owned(), e.title.clone()],
        vec![lang.t("analytics.teacher").to_owned(), e.teacher_name.clone()],
        vec![lang.t("analytics.generated").to_owned(), fmt::iso(e.generated_at)],
        vec![lang.t("analytics.submissions").to_owned(), e.submissions.to_string()],
        vec![lang.t("grading.pending").to_owned(), e.pending.to_string()],
        vec![lang.t("analytics.pass_mark").to_owned(), e.pass_mark.to_string()],
    ];
    w.section(&lang.tf("analytics.exam_report_title", &[("exam", &e.title)]), &metric_headers(lang), &about)?;
    w.section(lang.t("analytics.summary"), &metric_headers(lang), &summary(lang, &e.summary))?;
    w.section(
        lang.t("analytics.chart.scores"),
        &[lang.t("analytics.range"), lang.t("analytics.copies")],
        &distribution(&e.summary),
    )?;
    let items: Vec<Vec<String>> = e
        .items
        .iter()
        .map(|i| {
            vec![
                i.question.position.to_string(),
                i.question.prompt.clone(),
                i.question.kind.clone(),
                i.stats.attempts.to_string(),
                n1(i.stats.correct_rate),
                lang.t(i.stats.difficulty.key()).to_owned(),
                i.stats.discrimination.map_or(String::new(), |d| format!("{d:.2}")),
                format!("{:.2}", i.stats.average_hundredths / 100.0),
                format!("{:.2}", i.question.points_hundredths as f64 / 100.0),
                if i.stats.flagged() { lang.t("analytics.negative").to_owned() } else { String::new() },
            ]
        })
        .collect();
    let header = [
        "#",
        lang.t("analytics.question"),
        lang.t("analytics.kind"),
        lang.t("analytics.attempts"),
        lang.t("analytics.correct_rate"),
        lang.t("analytics.difficulty"),
        lang.t("analytics.discrimination"),
        lang.t("analytics.avg_points"),
        lang.t("analytics.max_points"),
        lang.t("analytics.flag"),
    ];
    w.section(lang.t("analytics.items"), &header, &items)?;
    by_type(lang, &mut w, &e.anomalies)?;
    w.finish()
}

/// The student report as CSV.
pub fn user_csv(lang: Lang, u: &UserReport) -> anyhow::Result<Vec<u8>> {
    let mut w = Sections::new();
    let about = vec![
        vec![lang.t("analytics.student").to_owned(), u.name.clone()],
        vec![lang.t("analytics.email").to_owned(), u.email.clone()],
        vec![lang.t("analytics.generated").to_owned(), fmt::iso(u.generated_at)],
        vec![lang.t("analytics.exams_taken").to_owned(), u.history.len().to_string()],
        vec![lang.t("analytics.failed").to_owned(), (u.summary.count - u.summary.passed).to_string()],
        vec![lang.t("analytics.total_anomalies").to_owned(), u.total_anomalies().to_string()],
    ];
    w.section(&lang.tf("analytics.user_report_title", &[("name", &u.name)]), &metric_headers(lang), &about)?;
    w.section(lang.t("analytics.summary"), &metric_headers(lang), &summary(lang, &u.summary))?;
    let history: Vec<Vec<String>> = u
        .history
        .iter()
        .map(|h| {
            vec![
                h.exam_title.clone(),
                fmt::iso(h.submitted_at),
                h.score_hundredths.map_or(String::new(), |s| {
                    n1(crate::analytics::reports::stats::percent(s, h.max_score_hundredths))
                }),
                h.grading_status.clone(),
                h.passed.map_or(String::new(), |p| p.to_string()),
            ]
        })
        .collect();
    let header = [
        lang.t("analytics.exam"),
        lang.t("analytics.when"),
        lang.t("analytics.score_pct"),
        lang.t("grading.status"),
        lang.t("grading.passed"),
    ];
    w.section(lang.t("analytics.history"), &header, &history)?;
    let kinds: Vec<Vec<String>> =
        u.kinds.iter().map(|k| vec![k.kind.clone(), k.answers.to_string(), n1(k.rate)]).collect();
    w.section(
        lang.t("analytics.kinds"),
        &[lang.t("analytics.kind"), lang.t("analytics.answers"), lang.t("analytics.score_pct")],
        &kinds,
    )?;
    by_type(lang, &mut w, &u.anomalies)?;
    w.finish()
}

/// The platform report as CSV.
pub fn platform_csv(lang: Lang, p: &PlatformReport) -> anyhow::Result<Vec<u8>> {
    let mut w = Sections::new();
    let about = vec![
        vec![lang.t("analytics.from").to_owned(), fmt::date(p.from)],
        vec![lang.t("analytics.to").to_owned(), fmt::date(p.to - 1)],
        vec![lang.t("analytics.generated").to_owned(), fmt::iso(p.generated_at)],
        vec![lang.t("analytics.submissions").to_owned(), p.submissions.to_string()],
    ];
    w.section(lang.t("analytics.platform"), &metric_headers(lang), &about)?;
    w.section(lang.t("analytics.summary"), &metric_headers(lang), &summary(lang, &p.summary))?;
    w.section(
        lang.t("analytics.chart.scores"),
        &[lang.t("analytics.range"), lang.t("analytics.copies")],
        &distribution(&p.summary),
    )?;
    let days: Vec<Vec<String>> = p.per_day.iter().map(|(d, n)| vec![fmt::date(*d), n.to_string()]).collect();
    w.section(lang.t("analytics.chart.per_day"), &[lang.t("analytics.day"), lang.t("analytics.submissions")], &days)?;
    let exams: Vec<Vec<String>> = p
        .exams
        .iter()
        .map(|e| vec![e.title.clone(), e.teacher.clone(), e.graded.to_string(), n1(e.mean), n1(e.pass_rate)])
        .collect();
    let header = [
        lang.t("analytics.exam"),
        lang.t("analytics.teacher"),
        lang.t("analytics.graded"),
        lang.t("analytics.mean"),
        lang.t("analytics.pass_rate"),
    ];
    w.section(lang.t("analytics.per_exam"), &header, &exams)?;
    let users: Vec<Vec<String>> = p.new_users.iter().map(|(r, n)| vec![r.clone(), n.to_string()]).collect();
    w.section(lang.t("analytics.new_users"), &[lang.t("analytics.role"), lang.t("analytics.value")], &users)?;
    by_type(lang, &mut w, &p.anomalies)?;
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_numbers_and_text_kept() {
        for (raw, safe) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
            ("\tleading tab", "'\tleading tab"),
            ("\rcarriage return", "'\rcarriage return"),
            ("-", "'-"),
            ("-inf", "'-inf"),
            ("-1e5", "'-1e5"),
            ("-1.00", "-1.00"),
            ("+3", "+3"),
            ("-0.5", "-0.5"),
            ("Zoë \"Zed\", Jr.", "Zoë \"Zed\", Jr."),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(safe_cell(raw), safe, "{raw:?}");
        }
    }

    #[test]
    fn sections_round_trip_through_a_csv_reader() {
        let mut w = Sections::new();
        let rows = vec![vec!["=1+1".to_owned(), "Élise, \"la\"\nseconde".to_owned(), "-12.5".to_owned()]];
        w.section("@title", &["a", "b", "c"], &rows).expect("write");
        let bytes = w.finish().expect("bytes");
        let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(&bytes[BOM.len()..]);
        let got: Vec<Vec<String>> =
            r.records().map(|r| r.expect("record").iter().map(str::to_owned).collect()).collect();
        assert_eq!(got, [vec!["'@title"], vec!["a", "b", "c"], vec!["'=1+1", "Élise, \"la\"\nseconde", "-12.5"]]);
    }
}
