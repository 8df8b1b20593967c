//! French and English interface texts. The language comes from the user's choice (kept in the
//! session and on the account), else from `Accept-Language`, else English.

mod messages;

use std::collections::HashMap;
use std::sync::{LazyLock, PoisonError, RwLock};

use serde::{Deserialize, Serialize};

/// One context's texts: (key, English, French).
pub type Catalogue = &'static [(&'static str, &'static str, &'static str)];

/// Every text installed so far, and which catalogues they came from.
struct Table {
    texts: HashMap<&'static str, (&'static str, &'static str)>,
    catalogues: Vec<Catalogue>,
}

/// The plumbing's own texts (errors, navigation, forms), then each context's as it is installed.
static TABLE: LazyLock<RwLock<Table>> = LazyLock::new(|| {
    let mut table = Table { texts: HashMap::new(), catalogues: Vec::new() };
    table.add(messages::MESSAGES);
    RwLock::new(table)
});

impl Table {
    fn add(&mut self, catalogue: Catalogue) {
        if self.catalogues.iter().any(|c| std::ptr::eq(*c, catalogue)) {
            return;
        }
        self.catalogues.push(catalogue);
        self.texts.extend(catalogue.iter().map(|(k, en, fr)| (*k, (*en, *fr))));
    }
}

/// Adds the contexts' texts (the assembly point installs every context's; a unit test its own).
/// Installing a catalogue twice changes nothing.
pub fn install(catalogues: &[Catalogue]) {
    let mut table = TABLE.write().unwrap_or_else(PoisonError::into_inner);
    for catalogue in catalogues {
        table.add(catalogue);
    }
}

/// Every catalogue installed, the plumbing's first.
pub fn installed() -> Vec<Catalogue> {
    TABLE.read().unwrap_or_else(PoisonError::into_inner).catalogues.clone()
}

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
        match TABLE.read().unwrap_or_else(PoisonError::into_inner).texts.get(key).copied() {
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
}
