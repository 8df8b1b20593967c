//! Number and date formats of the analytics pages and reports (French uses a decimal comma).

use crate::i18n::Lang;

/// One decimal, in the language's notation (`57.5` / `57,5`).
pub fn dec1(lang: Lang, v: f64) -> String {
    let text = format!("{v:.1}");
    if lang == Lang::Fr { text.replace('.', ",") } else { text }
}

/// A percentage with one decimal (`57.5 %`, French `57,5 %`).
pub fn pct(lang: Lang, v: f64) -> String {
    format!("{}\u{a0}%", dec1(lang, v))
}

/// Points from hundredths (`2.5`, `2,5`), without trailing zeros.
pub fn points(lang: Lang, hundredths: f64) -> String {
    let text = format!("{:.2}", hundredths / 100.0);
    let text = text.trim_end_matches('0').trim_end_matches('.').to_owned();
    if lang == Lang::Fr { text.replace('.', ",") } else { text }
}

/// `YYYY-MM-DD` of a UTC time in ms.
pub fn date(ms: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(format).ok())
        .unwrap_or_default()
}

/// `MM-DD` of a UTC time in ms (chart labels).
pub fn short_day(ms: i64) -> String {
    date(ms).get(5..).unwrap_or_default().to_owned()
}

/// ISO 8601 UTC (`2026-11-22T08:00:00Z`) for CSV files.
pub fn iso(ms: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(format).ok())
        .unwrap_or_default()
}

/// Parses `YYYY-MM-DD` as the UTC midnight starting that day, in ms.
pub fn parse_day(text: &str) -> Option<i64> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day = time::Date::parse(text.trim(), format).ok()?;
    let nanos = day.midnight().assume_utc().unix_timestamp_nanos();
    i64::try_from(nanos / 1_000_000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(pct(Lang::En, 57.46), "57.5\u{a0}%");
        assert_eq!(pct(Lang::Fr, 57.46), "57,5\u{a0}%");
        assert_eq!(points(Lang::En, 250.0), "2.5");
        assert_eq!(points(Lang::Fr, 62.0), "0,62");
        assert_eq!(points(Lang::En, 400.0), "4");
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(parse_day("1970-01-02"), Some(86_400_000));
        assert_eq!(parse_day("2026-13-01"), None);
        assert_eq!(short_day(86_400_000), "01-02");
    }
}
