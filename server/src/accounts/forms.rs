//! Raw form input of the accounts pages and its validation into domain values.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::model::{Email, NewUser, Role, check_password, parse_name};
use crate::i18n::Lang;

/// Field name → i18n key of its error.
pub type FieldErrors = BTreeMap<&'static str, &'static str>;

/// The login form.
#[derive(Debug, Default, Deserialize)]
pub struct LoginForm {
    /// Email as typed.
    #[serde(default)]
    pub email: String,
    /// Password as typed.
    #[serde(default)]
    pub password: String,
    /// Where to go afterwards.
    pub next: Option<String>,
}

/// The self-registration form (always creates a student).
#[derive(Debug, Default, Deserialize)]
pub struct RegisterForm {
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Email.
    #[serde(default)]
    pub email: String,
    /// Password.
    #[serde(default)]
    pub password: String,
    /// Password again.
    #[serde(default)]
    pub password_confirm: String,
}

/// The admin's "new account" form (any role).
#[derive(Debug, Default, Deserialize)]
pub struct AdminUserForm {
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Email.
    #[serde(default)]
    pub email: String,
    /// Initial password.
    #[serde(default)]
    pub password: String,
    /// Role to grant.
    #[serde(default)]
    pub role: String,
}

fn validate_common(name: &str, email: &str, password: &str, errors: &mut FieldErrors) -> Option<(String, Email)> {
    let name = parse_name(name).map_err(|e| errors.insert("name", e)).ok();
    let email = Email::parse(email).map_err(|e| errors.insert("email", e)).ok();
    if let Err(e) = check_password(password) {
        errors.insert("password", e);
    }
    Some((name?, email?))
}

impl RegisterForm {
    /// A student account to create, or the errors per field. Whatever the request says, the
    /// role is `Student`: only an admin grants other roles.
    pub fn validate(&self, lang: Lang) -> Result<NewUser, FieldErrors> {
        let mut errors = FieldErrors::new();
        let common = validate_common(&self.name, &self.email, &self.password, &mut errors);
        if self.password != self.password_confirm {
            errors.insert("password_confirm", "field.password.mismatch");
        }
        match common {
            Some((name, email)) if errors.is_empty() => {
                Ok(NewUser { email, name, password: self.password.clone(), role: Role::Student, locale: Some(lang) })
            }
            _ => Err(errors),
        }
    }
}

impl AdminUserForm {
    /// An account with the chosen role, or the errors per field.
    pub fn validate(&self) -> Result<NewUser, FieldErrors> {
        let mut errors = FieldErrors::new();
        let common = validate_common(&self.name, &self.email, &self.password, &mut errors);
        let role = Role::parse(&self.role);
        if role.is_none() {
            errors.insert("role", "field.role.invalid");
        }
        match (common, role) {
            (Some((name, email)), Some(role)) if errors.is_empty() => {
                Ok(NewUser { email, name, password: self.password.clone(), role, locale: None })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_never_grants_a_role() {
        let form = RegisterForm {
            name: "Eve".into(),
            email: "eve@example.com".into(),
            password: "password123".into(),
            password_confirm: "password123".into(),
        };
        assert_eq!(form.validate(Lang::En).map(|u| u.role).ok(), Some(Role::Student));
    }

    #[test]
    fn registration_reports_every_bad_field() {
        let form = RegisterForm {
            name: " ".into(),
            email: "nope".into(),
            password: "short".into(),
            password_confirm: "x".into(),
        };
        let errors = form.validate(Lang::En).err().unwrap_or_default();
        assert_eq!(errors.keys().copied().collect::<Vec<_>>(), ["email", "name", "password", "password_confirm"]);
    }

    #[test]
    fn admin_form_needs_a_known_role() {
        let form = AdminUserForm {
            name: "P".into(),
            email: "p@x.org".into(),
            password: "password123".into(),
            role: "root".into(),
        };
        assert!(form.validate().err().is_some_and(|e| e.contains_key("role")));
    }
}
