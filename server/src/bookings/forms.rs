//! Raw booking input (form field or JSON body), validated into a slot id.

use serde::Deserialize;

use crate::db::is_id;

/// `slot_id` as sent by the catalogue's form or by an API client.
#[derive(Debug, Default, Deserialize)]
pub struct BookForm {
    /// The slot to book.
    #[serde(default)]
    pub slot_id: Option<String>,
}

/// A slot id that has the shape of an id (whether the slot exists is the service's question).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotId(String);

impl SlotId {
    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl BookForm {
    /// The slot id, or the i18n key of why it cannot be one.
    pub fn validate(&self) -> Result<SlotId, &'static str> {
        match self.slot_id.as_deref().map(str::trim) {
            Some(id) if is_id(id) => Ok(SlotId(id.to_owned())),
            _ => Err("booking.error.slot_id"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_id_must_look_like_an_id() {
        let form = |s: Option<&str>| BookForm { slot_id: s.map(str::to_owned) };
        let id = crate::db::new_id();
        assert_eq!(form(Some(&format!(" {id} "))).validate().map(|s| s.as_str().to_owned()), Ok(id));
        assert_eq!(form(None).validate(), Err("booking.error.slot_id"));
        assert_eq!(form(Some("")).validate(), Err("booking.error.slot_id"));
        assert_eq!(form(Some("1 OR 1=1")).validate(), Err("booking.error.slot_id"));
    }
}
