//! Interface texts of the attempts context: (key, English, French).

/// The texts.
pub static MESSAGES: &[(&str, &str, &str)] = &[];
