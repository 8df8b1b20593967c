//! Interface texts of the bookings context: (key, English, French).

/// The texts.
pub static MESSAGES: &[(&str, &str, &str)] = &[];
