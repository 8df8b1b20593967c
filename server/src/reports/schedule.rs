//! When the embedded scheduler runs each job (UTC), parsed from the environment, and the pure
//! next-run computation (tested with a fake clock).

use proctorwise_batch::{Date, Job};

const DAY_MS: i64 = 86_400_000;

/// A time of day (UTC).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeOfDay {
    /// 0–23.
    pub hour: u32,
    /// 0–59.
    pub minute: u32,
}

impl TimeOfDay {
    /// Parses `HH:MM`.
    pub fn parse(s: &str) -> Option<Self> {
        let (h, m) = s.trim().split_once(':')?;
        let (hour, minute) = (h.parse().ok()?, m.parse().ok()?);
        (hour < 24 && minute < 60).then_some(Self { hour, minute })
    }

    fn offset_ms(self) -> i64 {
        i64::from(self.hour * 60 + self.minute) * 60_000
    }
}

/// The three jobs' times: the prototype's are daily 02:00, Sunday 03:00, the 1st at 05:00.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// Daily anomalies: every day at this time.
    pub daily: TimeOfDay,
    /// Weekly grades: ISO weekday (Monday 1 … Sunday 7) and time.
    pub weekly: (u32, TimeOfDay),
    /// Monthly users: day of the month (1–28, so it exists every month) and time.
    pub monthly: (u32, TimeOfDay),
}

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

impl Default for Schedule {
    fn default() -> Self {
        Self {
            daily: TimeOfDay { hour: 2, minute: 0 },
            weekly: (7, TimeOfDay { hour: 3, minute: 0 }),
            monthly: (1, TimeOfDay { hour: 5, minute: 0 }),
        }
    }
}

/// Parses `sun 03:00`.
pub fn parse_weekly(s: &str) -> Option<(u32, TimeOfDay)> {
    let (day, time) = s.trim().split_once(' ')?;
    let day = day.trim().to_ascii_lowercase();
    let index = WEEKDAYS.iter().position(|d| day.starts_with(d))?;
    Some((u32::try_from(index).ok()? + 1, TimeOfDay::parse(time)?))
}

/// Parses `1 05:00` (day 1–28).
pub fn parse_monthly(s: &str) -> Option<(u32, TimeOfDay)> {
    let (day, time) = s.trim().split_once(' ')?;
    let day: u32 = day.trim().parse().ok()?;
    ((1..=28).contains(&day)).then_some(())?;
    Some((day, TimeOfDay::parse(time)?))
}

impl Schedule {
    /// The first time strictly after `now_ms` at which `job` is due.
    pub fn next_after(&self, job: Job, now_ms: i64) -> i64 {
        let today = Date::from_ms(now_ms);
        let candidates = (0..=62).map(|d| today.add_days(d));
        let mut fits = candidates.filter_map(|date| {
            let (ok, time) = match job {
                Job::DailyAnomalies => (true, self.daily),
                Job::WeeklyGrades => (date.iso_weekday() == self.weekly.0, self.weekly.1),
                Job::MonthlyUsers => (date.day == self.monthly.0, self.monthly.1),
            };
            let at = date.start_ms() + time.offset_ms();
            (ok && at > now_ms).then_some(at)
        });
        fits.next().unwrap_or(now_ms + DAY_MS)
    }

    /// A readable form for the admin page (`02:00`, `sun 03:00`, `1 05:00`, UTC).
    pub fn describe(&self, job: Job) -> String {
        let t = |t: TimeOfDay| format!("{:02}:{:02}", t.hour, t.minute);
        match job {
            Job::DailyAnomalies => t(self.daily),
            Job::WeeklyGrades => {
                let day = WEEKDAYS.get(self.weekly.0.saturating_sub(1) as usize).copied().unwrap_or("sun");
                format!("{day} {}", t(self.weekly.1))
            }
            Job::MonthlyUsers => format!("{} {}", self.monthly.0, t(self.monthly.1)),
        }
    }
}

/// The scheduler's memory: when each job is next due.
#[derive(Clone, Debug)]
pub struct Due {
    next: [(Job, i64); 3],
}

impl Due {
    /// Next runs as seen at `now_ms` (a job whose time has just passed waits for the next one).
    pub fn new(schedule: &Schedule, now_ms: i64) -> Self {
        Self { next: Job::ALL.map(|job| (job, schedule.next_after(job, now_ms))) }
    }

    /// The jobs due at `now_ms`, moving each to its following time.
    pub fn take_due(&mut self, schedule: &Schedule, now_ms: i64) -> Vec<Job> {
        let mut due = Vec::new();
        for (job, next) in &mut self.next {
            if now_ms >= *next {
                due.push(*job);
                *next = schedule.next_after(*job, now_ms);
            }
        }
        due
    }

    /// When `job` is next due.
    pub fn next(&self, job: Job) -> i64 {
        self.next.iter().find(|(j, _)| *j == job).map_or(0, |(_, at)| *at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(date: &str, hh: i64, mm: i64) -> i64 {
        Date::parse(date).map_or(0, Date::start_ms) + (hh * 60 + mm) * 60_000
    }

    #[test]
    fn next_runs_follow_the_prototype_times() {
        let s = Schedule::default();
        // Wednesday 2026-11-18 10:00.
        let now = at("2026-11-18", 10, 0);
        assert_eq!(s.next_after(Job::DailyAnomalies, now), at("2026-11-19", 2, 0));
        assert_eq!(s.next_after(Job::WeeklyGrades, now), at("2026-11-22", 3, 0));
        assert_eq!(s.next_after(Job::MonthlyUsers, now), at("2026-12-01", 5, 0));
        // Exactly on time is not "after": the next one comes.
        assert_eq!(s.next_after(Job::DailyAnomalies, at("2026-11-19", 2, 0)), at("2026-11-20", 2, 0));
        assert_eq!(s.next_after(Job::DailyAnomalies, at("2026-11-19", 1, 59)), at("2026-11-19", 2, 0));
        assert_eq!(s.next_after(Job::MonthlyUsers, at("2026-12-31", 23, 0)), at("2027-01-01", 5, 0));
        assert_eq!(s.next_after(Job::WeeklyGrades, at("2026-11-22", 2, 0)), at("2026-11-22", 3, 0));
    }

    #[test]
    fn a_fake_clock_runs_each_job_once_per_period() {
        let s = Schedule::default();
        let mut now = at("2026-11-28", 0, 0);
        let mut due = Due::new(&s, now);
        let mut runs = Vec::new();
        // Ten days in 30-second ticks.
        while now < at("2026-12-08", 0, 0) {
            now += 30_000;
            for job in due.take_due(&s, now) {
                runs.push((job, Date::from_ms(now).to_string()));
            }
        }
        let count = |j: Job| runs.iter().filter(|(job, _)| *job == j).count();
        assert_eq!(count(Job::DailyAnomalies), 10);
        assert_eq!(count(Job::WeeklyGrades), 2, "Sundays 29 Nov and 6 Dec");
        assert_eq!(count(Job::MonthlyUsers), 1);
        assert!(runs.contains(&(Job::MonthlyUsers, "2026-12-01".into())));
        assert_eq!(due.next(Job::MonthlyUsers), at("2027-01-01", 5, 0));
    }

    #[test]
    fn parses_the_environment_forms() {
        assert_eq!(TimeOfDay::parse("02:30"), Some(TimeOfDay { hour: 2, minute: 30 }));
        assert_eq!(TimeOfDay::parse("24:00"), None);
        assert_eq!(parse_weekly("Sunday 03:00"), Some((7, TimeOfDay { hour: 3, minute: 0 })));
        assert_eq!(parse_weekly("mon 00:15"), Some((1, TimeOfDay { hour: 0, minute: 15 })));
        assert_eq!(parse_weekly("someday 03:00"), None);
        assert_eq!(parse_monthly("1 05:00"), Some((1, TimeOfDay { hour: 5, minute: 0 })));
        assert_eq!(parse_monthly("31 05:00"), None, "day 31 does not exist every month");
        let custom = Schedule { weekly: (1, TimeOfDay { hour: 4, minute: 5 }), ..Schedule::default() };
        assert_eq!(custom.describe(Job::WeeklyGrades), "mon 04:05");
        assert_eq!(custom.describe(Job::MonthlyUsers), "1 05:00");
        assert_eq!(custom.next_after(Job::WeeklyGrades, at("2026-11-22", 12, 0)), at("2026-11-23", 4, 5));
    }
}
