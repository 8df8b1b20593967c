//! Reporting windows (day, week, month in UTC milliseconds) and the output layout shared by every
//! job (the prototype's HDFS layout).

/// A calendar date (proleptic Gregorian).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month 1–12.
    pub month: u32,
    /// Day 1–31.
    pub day: u32,
}

impl Date {
    /// Parses `YYYY-MM-DD`, checking that the day exists.
    pub fn parse(s: &str) -> Option<Date> {
        let mut it = s.trim().splitn(3, '-');
        let year = it.next()?.parse().ok()?;
        let month = it.next()?.parse().ok()?;
        let day = it.next()?.parse().ok()?;
        let date = Date { year, month, day };
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)).then_some(date)
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_from_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_days(days: i64) -> Date {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
        let month = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
        let year = i32::try_from(yoe + era * 400 + i64::from(month <= 2)).unwrap_or(1970);
        Date { year, month, day }
    }

    /// The UTC date of a millisecond timestamp.
    pub fn from_ms(ms: i64) -> Date {
        Date::from_days(ms.div_euclid(86_400_000))
    }

    /// The date `n` days later (earlier when negative).
    pub fn add_days(self, n: i64) -> Date {
        Date::from_days(self.days_from_epoch() + n)
    }

    /// Start of the day, UTC milliseconds.
    pub fn start_ms(self) -> i64 {
        self.days_from_epoch() * 86_400_000
    }

    /// ISO weekday, Monday = 1 … Sunday = 7.
    pub fn iso_weekday(self) -> u32 {
        u32::try_from((self.days_from_epoch() + 3).rem_euclid(7) + 1).unwrap_or(1)
    }

    /// Week number with Monday as the first day of the week, days before the year's first
    /// Monday in week 0 (C's `%W`).
    pub fn monday_week(self) -> u32 {
        let yday = self.days_from_epoch() - Date { year: self.year, month: 1, day: 1 }.days_from_epoch();
        u32::try_from((yday + 7 - i64::from(self.iso_weekday() - 1)) / 7).unwrap_or(0)
    }

    /// ISO week number (1–53).
    pub fn iso_week(self) -> u32 {
        let doy = self.days_from_epoch() - Date { year: self.year, month: 1, day: 1 }.days_from_epoch() + 1;
        let week = (doy - i64::from(self.iso_weekday()) + 10) / 7;
        if week < 1 {
            Date { year: self.year - 1, month: 12, day: 31 }.iso_week()
        } else if week == 53 && (Date { year: self.year, month: 12, day: 31 }).iso_weekday() < 4 {
            1
        } else {
            u32::try_from(week).unwrap_or(1)
        }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A calendar month, `YYYY-MM`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    /// Year.
    pub year: i32,
    /// Month 1–12.
    pub month: u32,
}

impl Month {
    /// Parses `YYYY-MM`.
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.trim().split_once('-')?;
        let (year, month) = (y.parse().ok()?, m.parse().ok()?);
        (y.len() == 4 && (1..=12).contains(&month)).then_some(Month { year, month })
    }

    /// The month containing `date`.
    pub fn of(date: Date) -> Month {
        Month { year: date.year, month: date.month }
    }

    /// The month before this one.
    pub fn previous(self) -> Month {
        if self.month == 1 { Month { year: self.year - 1, month: 12 } } else { Month { month: self.month - 1, ..self } }
    }

    /// Its window.
    pub fn window(self) -> Window {
        month_window(self.year, self.month)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The prototype's default day: yesterday (UTC).
pub fn default_day(today: Date) -> Date {
    today.add_days(-1)
}

/// The prototype's default week: the Sunday one week before the most recent Sunday (on a Sunday,
/// the previous Sunday→Saturday).
pub fn default_week_start(today: Date) -> Date {
    let since_sunday = i64::from(today.iso_weekday() % 7);
    today.add_days(-since_sunday - 7)
}

/// The prototype's default month: the previous calendar month.
pub fn default_month(today: Date) -> Month {
    Month::of(today).previous()
}

/// Number of days in a month.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// A half-open time window `[start, end)` in UTC milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// First millisecond included.
    pub start_ms: i64,
    /// First millisecond excluded.
    pub end_ms: i64,
}

/// The day of `date`.
pub fn day_window(date: Date) -> Window {
    Window { start_ms: date.start_ms(), end_ms: date.start_ms() + 86_400_000 }
}

/// The seven days starting at `week_start`.
pub fn week_window(week_start: Date) -> Window {
    Window { start_ms: week_start.start_ms(), end_ms: week_start.start_ms() + 7 * 86_400_000 }
}

/// The calendar month `year`-`month`.
pub fn month_window(year: i32, month: u32) -> Window {
    let start = Date { year, month, day: 1 };
    let next =
        if month == 12 { Date { year: year + 1, month: 1, day: 1 } } else { Date { year, month: month + 1, day: 1 } };
    Window { start_ms: start.start_ms(), end_ms: next.start_ms() }
}

/// Output folder of a daily anomaly aggregation (`by_exam`, `by_user` or `hourly`).
pub fn anomaly_report_dir(date: Date, kind: &str) -> String {
    format!("processed/anomaly_reports/{:04}/{:02}/{kind}/{:02}", date.year, date.month, date.day)
}

/// Output folder of a weekly grading table: `week_{%W}`, the Monday-based week number of the
/// week's first day within its own year (00–53), as the prototype wrote it. (The ISO week would
/// put the weeks starting on Sunday 1 January and Sunday 31 December 2023 in the same folder.)
pub fn grading_results_dir(week_start: Date, table: &str) -> String {
    format!("processed/grading_results/{:04}/week_{:02}/{table}", week_start.year, week_start.monday_week())
}

/// Output folder of a monthly user-performance table.
pub fn user_performance_dir(year: i32, month: u32, table: &str) -> String {
    format!("processed/user_performance/{year:04}/{month:02}/{table}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap_or(Date { year: 0, month: 0, day: 0 })
    }

    #[test]
    fn parses_only_real_dates() {
        assert_eq!(Date::parse("2024-02-29"), Some(Date { year: 2024, month: 2, day: 29 }));
        assert_eq!(Date::parse("2023-02-29"), None);
        assert_eq!(Date::parse("2023-13-01"), None);
        assert_eq!(Date::parse("yesterday"), None);
    }

    #[test]
    fn epoch_days_and_weekdays() {
        assert_eq!(d("1970-01-01").days_from_epoch(), 0);
        assert_eq!(d("2026-11-22").days_from_epoch(), 20_779);
        assert_eq!(d("2026-11-22").iso_weekday(), 7);
        assert_eq!(d("2021-01-03").iso_week(), 53);
        assert_eq!(d("2024-12-30").iso_week(), 1);
        assert_eq!(d("2026-11-22").iso_week(), 47);
    }

    #[test]
    fn round_trips_and_defaults() {
        for s in ["1970-01-01", "2000-02-29", "2026-11-22", "1969-12-31"] {
            assert_eq!(Date::from_days(d(s).days_from_epoch()).to_string(), s);
        }
        assert_eq!(Date::from_ms(d("2026-11-22").start_ms() + 86_399_999), d("2026-11-22"));
        assert_eq!(default_day(d("2026-03-01")), d("2026-02-28"));
        // Sunday 2026-11-22 → the previous Sunday-to-Saturday week starts 2026-11-15.
        assert_eq!(default_week_start(d("2026-11-22")), d("2026-11-15"));
        // Wednesday 2026-11-25 → most recent Sunday 11-22, one week before: 11-15.
        assert_eq!(default_week_start(d("2026-11-25")), d("2026-11-15"));
        assert_eq!(default_month(d("2026-01-10")), Month { year: 2025, month: 12 });
        assert_eq!(Month::parse("2026-02").map(|m| m.to_string()), Some("2026-02".into()));
        assert_eq!(Month::parse("2026-13"), None);
        assert_eq!(Month::parse("26-01"), None);
    }

    #[test]
    fn windows_and_layout() {
        let w = month_window(2026, 12);
        assert_eq!(w.end_ms - w.start_ms, 31 * 86_400_000);
        assert_eq!(day_window(d("2026-01-05")).end_ms, d("2026-01-06").start_ms());
        assert_eq!(anomaly_report_dir(d("2026-03-04"), "hourly"), "processed/anomaly_reports/2026/03/hourly/04");
        assert_eq!(
            grading_results_dir(d("2026-11-16"), "exam_statistics"),
            "processed/grading_results/2026/week_46/exam_statistics"
        );
        assert_eq!(d("2023-01-01").monday_week(), 0);
        assert_eq!(d("2023-01-02").monday_week(), 1);
        assert_eq!(d("2023-12-31").monday_week(), 52);
        assert_eq!(d("2026-11-15").monday_week(), 45);
        assert_eq!(user_performance_dir(2026, 5, "tiers"), "processed/user_performance/2026/05/tiers");
    }
}
