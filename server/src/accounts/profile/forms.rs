//! The profile's two forms and their validation (errors are i18n keys by field).

use serde::Deserialize;

use crate::accounts::forms::FieldErrors;
use crate::accounts::model::{check_password, parse_name};

/// `POST /profile`.
#[derive(Debug, Default, Deserialize)]
pub struct NameForm {
    /// The new display name.
    #[serde(default)]
    pub name: String,
}

impl NameForm {
    /// The trimmed name, or the field's error.
    pub fn validate(&self) -> Result<String, FieldErrors> {
        parse_name(&self.name).map_err(|e| FieldErrors::from([("name", e)]))
    }
}

/// `POST /profile/password`.
#[derive(Debug, Default, Deserialize)]
pub struct PasswordForm {
    /// The password in use (checked by the handler).
    #[serde(default)]
    pub current_password: String,
    /// The new one.
    #[serde(default)]
    pub password: String,
    /// The new one again.
    #[serde(default)]
    pub password_confirm: String,
}

impl PasswordForm {
    /// The new password's own rules (length, confirmation, different from the current one).
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.current_password.is_empty() {
            errors.insert("current_password", "profile.error.current_required");
        }
        if let Err(e) = check_password(&self.password) {
            errors.insert("password", e);
        } else if self.password == self.current_password {
            errors.insert("password", "profile.error.same_password");
        }
        if self.password != self.password_confirm {
            errors.insert("password_confirm", "field.password.mismatch");
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(current: &str, new: &str, confirm: &str) -> PasswordForm {
        PasswordForm { current_password: current.into(), password: new.into(), password_confirm: confirm.into() }
    }

    #[test]
    fn a_new_password_follows_the_rules_and_differs_from_the_old_one() {
        assert!(form("old password", "new password", "new password").validate().is_ok());
        let errors = form("", "short", "other").validate().expect_err("invalid");
        assert_eq!(errors.keys().copied().collect::<Vec<_>>(), ["current_password", "password", "password_confirm"]);
        let same = form("same password", "same password", "same password").validate().expect_err("same");
        assert_eq!(same.get("password"), Some(&"profile.error.same_password"));
    }

    #[test]
    fn a_name_is_trimmed_and_required() {
        assert_eq!(NameForm { name: "  Ada  ".into() }.validate().expect("valid"), "Ada");
        assert!(NameForm { name: "  ".into() }.validate().is_err());
    }
}
