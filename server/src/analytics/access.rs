//! Who may read which report, and the date ranges of the platform reports and exports.

use super::fmt;
use super::handlers::RangeQuery;
use super::platform::queries::DAY_MS;
use crate::accounts::model::{Role, User};
use crate::db::{Db, is_id};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;

/// The student whose analytics `caller` asks for, and whether only released results may show:
/// an admin reads anyone's, a student their own (released results only); another student's id
/// is a 404 (never a 403 that would confirm the account exists); other roles are refused.
pub async fn visible_user(db: &Db, caller: &User, user_id: &str) -> AppResult<(User, bool)> {
    match caller.role {
        Role::Admin => {
            if !is_id(user_id) {
                return Err(AppError::NotFound);
            }
            let user = crate::accounts::queries::find(db, user_id).await?.ok_or(AppError::NotFound)?;
            Ok((user, false))
        }
        Role::Student if caller.id == user_id => Ok((caller.clone(), true)),
        Role::Student => Err(AppError::NotFound),
        Role::Teacher | Role::Proctor => Err(AppError::Forbidden),
    }
}

/// The last 30 days up to today included: `[from, to)` in UTC ms.
pub fn default_range(now: i64) -> (i64, i64) {
    let tomorrow = now - now.rem_euclid(DAY_MS) + DAY_MS;
    (tomorrow - 30 * DAY_MS, tomorrow)
}

/// Parses `from`/`to` (both days included, either may be empty for the default range).
pub fn parse_range(lang: Lang, q: &RangeQuery, now: i64) -> AppResult<(i64, i64)> {
    let (default_from, default_to) = default_range(now);
    let invalid = || AppError::Invalid(lang.t("analytics.error.range").to_owned());
    let from = if q.from.trim().is_empty() { default_from } else { fmt::parse_day(&q.from).ok_or_else(invalid)? };
    let to = if q.to.trim().is_empty() { default_to } else { fmt::parse_day(&q.to).ok_or_else(invalid)? + DAY_MS };
    if from >= to {
        return Err(invalid());
    }
    Ok((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(from: &str, to: &str) -> RangeQuery {
        RangeQuery { from: from.into(), to: to.into(), exam_id: String::new() }
    }

    #[test]
    fn ranges() {
        let now = 40 * DAY_MS + 5;
        assert_eq!(default_range(now), (11 * DAY_MS, 41 * DAY_MS));
        assert_eq!(parse_range(Lang::En, &q("", ""), now).ok(), Some((11 * DAY_MS, 41 * DAY_MS)));
        assert_eq!(parse_range(Lang::En, &q("1970-01-02", "1970-01-02"), now).ok(), Some((DAY_MS, 2 * DAY_MS)));
        assert!(parse_range(Lang::En, &q("1970-01-03", "1970-01-02"), now).is_err());
        assert!(parse_range(Lang::En, &q("yesterday", ""), now).is_err());
    }
}
