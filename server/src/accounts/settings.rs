//! The accounts' part of the configuration.

use crate::config::Config;

/// `PROCTORWISE_VERIFY_EMAIL`: self-registered students confirm their address by a link before
/// they can log in (off by default, and in the demo).
#[derive(Clone, Debug, Default)]
pub struct AccountsConfig {
    /// Whether new students must confirm their address.
    pub verify_email: bool,
}

impl AccountsConfig {
    /// From the environment; an unreadable value is an error at start-up.
    pub fn from_env() -> anyhow::Result<Self> {
        let verify_email = match std::env::var("PROCTORWISE_VERIFY_EMAIL") {
            Err(_) => false,
            Ok(v) => match v.trim().to_ascii_lowercase().as_str() {
                "" | "0" | "false" | "no" | "off" => false,
                "1" | "true" | "yes" | "on" => true,
                other => anyhow::bail!("PROCTORWISE_VERIFY_EMAIL must be true or false, not {other:?}"),
            },
        };
        Ok(Self { verify_email })
    }
}

impl Config {
    /// The accounts section.
    pub fn accounts(&self) -> &AccountsConfig {
        self.section()
    }

    /// The accounts section, to change it (tests and tools).
    pub fn accounts_mut(&mut self) -> &mut AccountsConfig {
        self.section_mut()
    }
}
