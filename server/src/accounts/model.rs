//! Accounts domain: roles, users and validated input values.

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

/// What a user may do. Only an admin grants anything but `Student`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Books slots and takes exams.
    Student,
    /// Builds exams and grades them.
    Teacher,
    /// Watches live sessions and reviews anomalies.
    Proctor,
    /// Manages users and sees every dashboard.
    Admin,
}

impl Role {
    /// Every role, in display order.
    pub const ALL: [Role; 4] = [Role::Student, Role::Teacher, Role::Proctor, Role::Admin];

    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Student => "student",
            Role::Teacher => "teacher",
            Role::Proctor => "proctor",
            Role::Admin => "admin",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The role's name in the interface.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Role::Student => lang.t("role.student"),
            Role::Teacher => lang.t("role.teacher"),
            Role::Proctor => lang.t("role.proctor"),
            Role::Admin => lang.t("role.admin"),
        }
    }

    /// Where this role lands after login.
    pub fn home_path(self) -> &'static str {
        match self {
            Role::Student => "/student",
            Role::Teacher => "/teacher",
            Role::Proctor => "/proctor",
            Role::Admin => "/admin",
        }
    }
}

/// A stored account (never carries the password hash out of the accounts context).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Random identifier.
    pub id: String,
    /// Lower-cased email, unique.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Current role.
    pub role: Role,
    /// Preferred interface language, if the user chose one.
    pub locale: Option<Lang>,
    /// Deactivated accounts cannot log in and lose their sessions at once.
    pub active: bool,
    /// Creation time, UTC milliseconds.
    pub created_at: i64,
    /// Last password change, UTC milliseconds (0: none recorded). Sessions and tokens older
    /// than it are refused.
    pub password_changed_at: i64,
    /// Whether the address is confirmed (self-registered students confirm it by a link when
    /// `PROCTORWISE_VERIFY_EMAIL` is on); an unconfirmed account cannot log in.
    pub email_verified: bool,
}

/// A syntactically valid, lower-cased email address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Validates and normalises an address; the error is an i18n key.
    pub fn parse(raw: &str) -> Result<Email, &'static str> {
        let email = raw.trim().to_lowercase();
        let valid = email.len() <= 254
            && !email.chars().any(char::is_whitespace)
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains("..")
            });
        if valid { Ok(Email(email)) } else { Err("field.email.invalid") }
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A display name: trimmed, 1–200 characters.
pub fn parse_name(raw: &str) -> Result<String, &'static str> {
    let name = raw.trim();
    match name.chars().count() {
        0 => Err("field.name.required"),
        1..=200 => Ok(name.to_owned()),
        _ => Err("field.name.too_long"),
    }
}

/// Minimum password length.
pub const PASSWORD_MIN: usize = 8;
/// Maximum password length (argon2 cost grows with input; nobody types more).
pub const PASSWORD_MAX: usize = 128;

/// Checks a new password against the policy; the error is an i18n key.
pub fn check_password(raw: &str) -> Result<(), &'static str> {
    let n = raw.chars().count();
    if n < PASSWORD_MIN {
        Err("field.password.too_short")
    } else if n > PASSWORD_MAX {
        Err("field.password.too_long")
    } else {
        Ok(())
    }
}

/// A validated account to create.
#[derive(Clone, Debug)]
pub struct NewUser {
    /// Normalised email.
    pub email: Email,
    /// Display name.
    pub name: String,
    /// Plain password, hashed before storage.
    pub password: String,
    /// Role to grant.
    pub role: Role,
    /// Interface language.
    pub locale: Option<Lang>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(Email::parse(" Alice@Student.COM ").map(|e| e.0), Ok("alice@student.com".into()));
        for bad in ["", "alice", "a@b", "a b@c.d", "@c.d", "a@.c", "a@c.", "a@@c.d", "a@c..d"] {
            assert!(Email::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn password_policy() {
        assert!(check_password("short").is_err());
        assert!(check_password("long enough").is_ok());
        assert!(check_password(&"x".repeat(129)).is_err());
    }

    #[test]
    fn roles_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("superuser"), None);
    }
}
