//! Nightly analytics jobs. This crate starts with the reporting windows and the output layout
//! shared by every job (the prototype's HDFS layout); the polars jobs build on them.

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

    /// Start of the day, UTC milliseconds.
    pub fn start_ms(self) -> i64 {
        self.days_from_epoch() * 86_400_000
    }

    /// ISO weekday, Monday = 1 … Sunday = 7.
    pub fn iso_weekday(self) -> u32 {
        u32::try_from((self.days_from_epoch() + 3).rem_euclid(7) + 1).unwrap_or(1)
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

/// Output folder of a weekly grading table.
pub fn grading_results_dir(week_start: Date, table: &str) -> String {
    format!("processed/grading_results/{:04}/week_{:02}/{table}", week_start.year, week_start.iso_week())
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
    fn windows_and_layout() {
        let w = month_window(2026, 12);
        assert_eq!(w.end_ms - w.start_ms, 31 * 86_400_000);
        assert_eq!(day_window(d("2026-01-05")).end_ms, d("2026-01-06").start_ms());
        assert_eq!(anomaly_report_dir(d("2026-03-04"), "hourly"), "processed/anomaly_reports/2026/03/hourly/04");
        assert_eq!(
            grading_results_dir(d("2026-11-16"), "exam_statistics"),
            "processed/grading_results/2026/week_47/exam_statistics"
        );
        assert_eq!(user_performance_dir(2026, 5, "tiers"), "processed/user_performance/2026/05/tiers");
    }
}
