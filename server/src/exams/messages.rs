//! Interface texts of the exams context: (key, English, French).

/// The texts.
pub static MESSAGES: &[(&str, &str, &str)] = &[];
