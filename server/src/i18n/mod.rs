//! French and English interface texts. The language comes from the user's choice (kept in the
//! session and on the account), else from `Accept-Language`, else English.

mod messages;

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

/// Every context's texts: (key, English, French).
pub static CATALOG: &[&[(&str, &str, &str)]] = &[
    messages::MESSAGES,
    crate::exams::messages::MESSAGES,
    crate::exams::detection::messages::MESSAGES,
    crate::bookings::messages::MESSAGES,
    crate::attempts::messages::MESSAGES,
    crate::grading::messages::MESSAGES,
    crate::notifications::messages::MESSAGES,
    crate::dead_letters::messages::MESSAGES,
    crate::analytics::messages::MESSAGES,
    crate::monitoring::messages::MESSAGES,
    crate::monitoring::explain::messages::MESSAGES,
    crate::detection::messages::MESSAGES,
    crate::reports::messages::MESSAGES,
];

/// An interface language.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// French.
    Fr,
}

static TABLE: LazyLock<HashMap<&'static str, (&'static str, &'static str)>> =
    LazyLock::new(|| CATALOG.iter().flat_map(|m| m.iter()).map(|(k, en, fr)| (*k, (*en, *fr))).collect());

impl Lang {
    /// Every supported language, for the language switcher.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    /// The BCP 47 code (`en`, `fr`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// The language's own name, as shown in the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
        }
    }

    /// Parses a language code such as `fr`, `fr-FR` or `EN`.
    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "fr" => Some(Lang::Fr),
            _ => None,
        }
    }

    /// Picks the best supported language from an `Accept-Language` header, honouring q-values.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let Some(lang) = pieces.next().and_then(Lang::parse) else { continue };
            let q = pieces.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, lang)| lang)
    }

    /// The text for `key` in this language; the key itself when it is missing (a test forbids it).
    pub fn t(self, key: &'static str) -> &'static str {
        match TABLE.get(key) {
            Some((en, fr)) => match self {
                Lang::En => en,
                Lang::Fr => fr,
            },
            None => key,
        }
    }

    /// The text for `key` with `{name}` placeholders replaced by the given values.
    pub fn tf(self, key: &'static str, args: &[(&str, &str)]) -> String {
        let mut text = self.t(key).to_owned();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_prefers_highest_quality() {
        assert_eq!(Lang::from_accept_language("en;q=0.5, fr-FR;q=0.9"), Some(Lang::Fr));
        assert_eq!(Lang::from_accept_language("de, en-GB;q=0.8"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("de, es"), None);
        assert_eq!(Lang::from_accept_language("fr;q=0"), None);
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            Lang::Fr.tf("auth.locked", &[("minutes", "12")]),
            "Trop de tentatives échouées. Réessayez dans 12 minute(s)."
        );
    }

    #[test]
    fn keys_are_unique_and_translated() {
        let mut seen = std::collections::HashSet::new();
        for (key, en, fr) in CATALOG.iter().flat_map(|m| m.iter()) {
            assert!(seen.insert(key), "duplicate key {key}");
            assert!(!en.is_empty() && !fr.is_empty(), "{key} lacks a translation");
        }
    }

    /// Every `t("…")`/`tf("…"` key used in the sources exists in the table.
    #[test]
    fn every_used_key_exists() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut missing = Vec::new();
        visit(&root, &mut |text| {
            for marker in [".t(\"", ".tf(\""] {
                for (i, _) in text.match_indices(marker) {
                    let rest = &text[i + marker.len()..];
                    if let Some(end) = rest.find('"') {
                        let key = &rest[..end];
                        if !TABLE.contains_key(key) {
                            missing.push(key.to_owned());
                        }
                    }
                }
            }
        });
        assert!(missing.is_empty(), "missing i18n keys: {missing:?}");
    }

    fn visit(dir: &std::path::Path, f: &mut dyn FnMut(&str)) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                visit(&path, f);
            } else if path.extension().is_some_and(|e| e == "rs") {
                f(&std::fs::read_to_string(&path).unwrap_or_default());
            }
        }
    }
}
