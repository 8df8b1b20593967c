//! SQLite pages: sqlx hands SQLite rows from its worker thread to the reader one at a time, a
//! thread hand-off and several allocations per row that cost more than SQLite's own scan. So a
//! SQLite reader asks for a page of rows at once, packed by SQLite into one JSON array of arrays
//! (`json_group_array(json_array(...))`), and parses it straight into the chunk's builders,
//! borrowing text from the JSON wherever it has no escapes.

use std::borrow::Cow;
use std::fmt;

use polars::prelude::ChunkedBuilder;
use serde::Deserializer as _;
use serde::de::{self, Deserialize, DeserializeSeed, SeqAccess, Visitor};

use super::rows::{Builder, Chunk, Columns};

/// `sql` (whose columns are named as in `columns`) wrapped to return one JSON array of its rows.
pub fn paged_sql(sql: &str, columns: Columns) -> String {
    let cells: Vec<String> = columns.iter().map(|(name, _)| format!("\"{name}\"")).collect();
    format!("SELECT json_group_array(json_array({})) FROM ({sql})", cells.join(", "))
}

impl Chunk {
    /// Appends the rows of a JSON page made by [`paged_sql`]; returns how many there were.
    pub fn push_json(&mut self, page: &str) -> anyhow::Result<usize> {
        let before = self.len;
        let mut de = serde_json::Deserializer::from_str(page);
        de.deserialize_seq(Rows { chunk: self })?;
        de.end()?;
        Ok(self.len - before)
    }
}

struct Rows<'a> {
    chunk: &'a mut Chunk,
}

impl<'de> Visitor<'de> for Rows<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of rows")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Row { chunk: &mut *self.chunk })?.is_some() {}
        Ok(())
    }
}

struct Row<'a> {
    chunk: &'a mut Chunk,
}

impl<'de> DeserializeSeed<'de> for Row<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Row<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a row (an array of cells)")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let width = self.chunk.builders.len();
        let missing = || de::Error::invalid_length(width, &"one cell per column");
        for builder in &mut self.chunk.builders {
            match builder {
                Builder::Text(b) => b.append_option(seq.next_element::<Option<Text>>()?.ok_or_else(missing)?),
                Builder::Int(b) => b.append_option(seq.next_element::<Option<i64>>()?.ok_or_else(missing)?),
                Builder::Float(v) => {
                    v.push(seq.next_element::<Option<i64>>()?.ok_or_else(missing)?.map(|p| p as f64 / 1000.0))
                }
            }
        }
        if seq.next_element::<de::IgnoredAny>()?.is_some() {
            return Err(de::Error::invalid_length(width + 1, &"one cell per column"));
        }
        self.chunk.len += 1;
        Ok(())
    }
}

/// A text cell, borrowed from the page unless it had escapes.
struct Text<'a>(Cow<'a, str>);

impl AsRef<str> for Text<'_> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("text")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::super::rows::Kind;
    use super::*;

    const COLUMNS: Columns = &[("name", Kind::Text), ("at", Kind::Int), ("confidence", Kind::Permille)];

    #[test]
    fn pages_fill_the_builders_with_escapes_nulls_and_numbers() {
        let mut chunk = Chunk::new(COLUMNS);
        let n = chunk
            .push_json(r#"[["plain",1,500],["quote \" and é \u00e9",null,null],[null,-7,1000]]"#)
            .expect("page parses");
        assert_eq!(n, 3);
        assert_eq!(chunk.push_json("[]").expect("empty page"), 0);
        let df = chunk.take().expect("frame");
        let names = crate::columns::strs(&df, "name").expect("text column");
        assert_eq!(names, [Some("plain".into()), Some("quote \" and é é".into()), None]);
        assert_eq!(crate::columns::i64s(&df, "at").expect("integer column"), [Some(1), None, Some(-7)]);
        assert_eq!(crate::columns::f64s(&df, "confidence").expect("float column"), [Some(0.5), None, Some(1.0)]);
    }

    #[test]
    fn malformed_pages_are_errors() {
        let mut chunk = Chunk::new(COLUMNS);
        assert!(chunk.push_json(r#"[["a",1]]"#).is_err(), "a missing cell");
        let mut chunk = Chunk::new(COLUMNS);
        assert!(chunk.push_json(r#"[["a",1,2,3]]"#).is_err(), "an extra cell");
        let mut chunk = Chunk::new(COLUMNS);
        assert!(chunk.push_json(r#"[[1,1,2]]"#).is_err(), "a number where text belongs");
    }

    #[test]
    fn the_wrapper_names_every_column() {
        assert_eq!(
            paged_sql("SELECT x AS name FROM t", COLUMNS),
            "SELECT json_group_array(json_array(\"name\", \"at\", \"confidence\")) FROM (SELECT x AS name FROM t)"
        );
    }
}
