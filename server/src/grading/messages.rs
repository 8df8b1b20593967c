//! Interface texts of the grading context: (key, English, French).

/// The texts.
pub static MESSAGES: &[(&str, &str, &str)] = &[];
