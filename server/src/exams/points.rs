//! Points as integer hundredths, so sums never drift (1.5 points = 150).

use std::fmt;

/// A non-negative score or weight in hundredths of a point.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Points(pub i64);

/// Largest weight of one question.
pub const MAX_QUESTION_POINTS: Points = Points(10_000);

impl Points {
    /// Parses a question weight typed by a teacher: `1`, `1.5`, `1,5`, `0.5`. Half points are
    /// allowed, finer steps are not; the error is an i18n key.
    pub fn parse_weight(raw: &str) -> Result<Points, &'static str> {
        let p = Self::parse_score(raw)?;
        if p.0 == 0 {
            Err("field.points.positive")
        } else if p.0 % 50 != 0 {
            Err("field.points.half_steps")
        } else if p > MAX_QUESTION_POINTS {
            Err("field.points.too_large")
        } else {
            Ok(p)
        }
    }

    /// Parses a score given by a grader (hundredths allowed, e.g. `2.25`).
    pub fn parse_score(raw: &str) -> Result<Points, &'static str> {
        let s = raw.trim().replace(',', ".");
        let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
        if int.is_empty() && frac.is_empty() {
            return Err("field.points.invalid");
        }
        if !int.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) || frac.len() > 2 {
            return Err("field.points.invalid");
        }
        let int: i64 = if int.is_empty() { 0 } else { int.parse().map_err(|_| "field.points.invalid")? };
        let frac: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| "field.points.invalid")? * 10,
            _ => frac.parse().map_err(|_| "field.points.invalid")?,
        };
        int.checked_mul(100).and_then(|v| v.checked_add(frac)).map(Points).ok_or("field.points.invalid")
    }

    /// Percentage of `self` in `max` with one decimal, as tenths of a percent (`875` = 87.5 %).
    pub fn percent_tenths_of(self, max: Points) -> i64 {
        if max.0 <= 0 { 0 } else { (self.0 * 1000 + max.0 / 2) / max.0 }
    }
}

impl fmt::Display for Points {
    /// `1`, `1.5`, `2.25`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (int, frac) = (self.0 / 100, self.0 % 100);
        match frac {
            0 => write!(f, "{int}"),
            f10 if f10 % 10 == 0 => write!(f, "{int}.{}", f10 / 10),
            _ => write!(f, "{int}.{frac:02}"),
        }
    }
}

/// Formats tenths of a percent (`875` → `87.5`).
pub fn format_percent_tenths(tenths: i64) -> String {
    format!("{}.{}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_accept_half_points_only() {
        assert_eq!(Points::parse_weight("1"), Ok(Points(100)));
        assert_eq!(Points::parse_weight("1,5"), Ok(Points(150)));
        assert_eq!(Points::parse_weight(" .5 "), Ok(Points(50)));
        assert_eq!(Points::parse_weight("0"), Err("field.points.positive"));
        assert_eq!(Points::parse_weight("1.25"), Err("field.points.half_steps"));
        assert_eq!(Points::parse_weight("101"), Err("field.points.too_large"));
        for bad in ["", "abc", "-1", "1.2.3", "1.234", "1e3"] {
            assert!(Points::parse_weight(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn scores_and_display() {
        assert_eq!(Points::parse_score("2.25"), Ok(Points(225)));
        assert_eq!(Points(225).to_string(), "2.25");
        assert_eq!(Points(150).to_string(), "1.5");
        assert_eq!(Points(300).to_string(), "3");
        assert_eq!(Points(2).percent_tenths_of(Points(3)), 667);
        assert_eq!(format_percent_tenths(Points(150).percent_tenths_of(Points(200))), "75.0");
    }
}
