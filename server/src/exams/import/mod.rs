//! Bulk import of questions (pure: the uploaded bytes in, validated rows out). CSV with a header
//! row `kind,prompt,options,answer,points,partial_credit` (options separated by `|`), or JSON: an
//! array of objects with the same fields (`options` an array). Every row is validated by
//! `QuestionInput::validate`; nothing is saved unless every row is valid.

pub(in crate::exams) mod handlers;
pub(in crate::exams) mod views;

use serde_json::Value;

use super::questions::{QuestionDraft, QuestionInput};

/// Largest accepted file.
pub const MAX_BYTES: usize = 1024 * 1024;
/// Most rows in one file.
pub const MAX_ROWS: usize = 500;
/// The CSV columns, in the documented order.
pub const COLUMNS: [&str; 6] = ["kind", "prompt", "options", "answer", "points", "partial_credit"];

/// File formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// A JSON array of objects.
    Json,
}

impl Format {
    /// Form value.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }

    /// Parses the form value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "csv" => Some(Format::Csv),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    /// From the file name's extension, else from the content (JSON starts with `[`).
    pub fn detect(file_name: &str, bytes: &[u8]) -> Format {
        let lower = file_name.to_ascii_lowercase();
        if lower.ends_with(".json") {
            return Format::Json;
        }
        if lower.ends_with(".csv") {
            return Format::Csv;
        }
        let first = strip_bom(bytes).iter().find(|b| !b.is_ascii_whitespace());
        if first == Some(&b'[') { Format::Json } else { Format::Csv }
    }
}

/// One data row and what validation says about it.
#[derive(Clone, Debug)]
pub struct ImportRow {
    /// 1-based number of the data row (header excluded).
    pub number: usize,
    /// What the row holds.
    pub input: QuestionInput,
    /// (column, i18n key) of every problem.
    pub errors: Vec<(&'static str, &'static str)>,
    /// The question to insert when the row is valid.
    pub draft: Option<QuestionDraft>,
}

/// Parsed rows, or a problem with the whole file (an i18n key; `editor.import.too_many_rows`
/// takes `{max}`).
pub fn parse(bytes: &[u8], format: Format) -> Result<Vec<ImportRow>, &'static str> {
    if bytes.len() > MAX_BYTES {
        return Err("editor.import.too_large");
    }
    let text = std::str::from_utf8(strip_bom(bytes)).map_err(|_| "editor.import.not_utf8")?;
    let raw = match format {
        Format::Csv => parse_csv(text)?,
        Format::Json => parse_json(text)?,
    };
    if raw.is_empty() {
        return Err("editor.import.empty");
    }
    if raw.len() > MAX_ROWS {
        return Err("editor.import.too_many_rows");
    }
    Ok(raw.into_iter().enumerate().map(|(i, (input, errors))| finish(i + 1, input, errors)).collect())
}

/// Whether every row can be saved.
pub fn all_valid(rows: &[ImportRow]) -> bool {
    rows.iter().all(|r| r.draft.is_some())
}

fn finish(number: usize, input: QuestionInput, mut errors: Vec<(&'static str, &'static str)>) -> ImportRow {
    // A row that is not even an object has nothing more to say.
    if errors.iter().any(|(_, key)| *key == "editor.import.not_object") {
        return ImportRow { number, input, errors, draft: None };
    }
    let draft = match input.validate() {
        Ok(d) if errors.is_empty() => Some(d),
        Ok(_) => None,
        Err(found) => {
            errors.extend(found);
            None
        }
    };
    ImportRow { number, input, errors, draft }
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

type RawRow = (QuestionInput, Vec<(&'static str, &'static str)>);

fn parse_bool(raw: &str) -> Option<bool> {
    match raw.trim().to_lowercase().as_str() {
        "" | "false" | "faux" | "0" | "no" | "non" | "n" => Some(false),
        "true" | "vrai" | "1" | "yes" | "oui" | "y" | "x" => Some(true),
        _ => None,
    }
}

fn parse_csv(text: &str) -> Result<Vec<RawRow>, &'static str> {
    let mut reader =
        csv::ReaderBuilder::new().has_headers(true).flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|_| "editor.import.bad_csv")?.clone();
    let index: Vec<Option<usize>> =
        COLUMNS.iter().map(|c| headers.iter().position(|h| h.eq_ignore_ascii_case(c))).collect();
    if index[0].is_none() || index[1].is_none() {
        return Err("editor.import.header");
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| "editor.import.bad_csv")?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        if rows.len() == MAX_ROWS {
            return Err("editor.import.too_many_rows");
        }
        let cell = |col: usize| index[col].and_then(|i| record.get(i)).unwrap_or("").to_owned();
        let mut errors = Vec::new();
        let partial_credit = parse_bool(&cell(5)).unwrap_or_else(|| {
            errors.push(("partial_credit", "editor.import.bad_bool"));
            false
        });
        let options = cell(2);
        let input = QuestionInput {
            kind: cell(0),
            prompt: cell(1),
            options: if options.is_empty() { Vec::new() } else { options.split('|').map(str::to_owned).collect() },
            answer: cell(3),
            points: cell(4),
            partial_credit,
        };
        rows.push((input, errors));
    }
    Ok(rows)
}

fn parse_json(text: &str) -> Result<Vec<RawRow>, &'static str> {
    let value: Value = serde_json::from_str(text).map_err(|_| "editor.import.bad_json")?;
    let items = value.as_array().ok_or("editor.import.not_array")?;
    if items.len() > MAX_ROWS {
        return Err("editor.import.too_many_rows");
    }
    Ok(items.iter().map(question_from_json).collect())
}

/// A JSON value as text: strings as they are, numbers and booleans printed, arrays joined.
fn text_of(value: Option<&Value>, join: &str) -> Option<String> {
    match value {
        None | Some(Value::Null) => Some(String::new()),
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::Bool(b)) => Some(b.to_string()),
        Some(Value::Array(items)) => {
            let parts: Option<Vec<String>> = items.iter().map(|i| text_of(Some(i), join)).collect();
            parts.map(|p| p.join(join))
        }
        Some(Value::Object(_)) => None,
    }
}

/// A question from one JSON object (import rows and the API): its input and the type errors.
pub fn question_from_json(item: &Value) -> (QuestionInput, Vec<(&'static str, &'static str)>) {
    let mut errors = Vec::new();
    let Some(obj) = item.as_object() else {
        return (QuestionInput::default(), vec![("kind", "editor.import.not_object")]);
    };
    let mut field = |name: &'static str, join: &str| {
        text_of(obj.get(name), join).unwrap_or_else(|| {
            errors.push((name, "editor.import.bad_type"));
            String::new()
        })
    };
    let kind = field("kind", "");
    let prompt = field("prompt", "");
    let join = if kind.trim() == "mcq" { "," } else { "|" };
    let answer = field("answer", join);
    let points = field("points", "");
    let options = match obj.get("options") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.iter().filter_map(|i| text_of(Some(i), "")).collect(),
        Some(Value::String(s)) => s.split('|').map(str::to_owned).collect(),
        Some(_) => {
            errors.push(("options", "editor.import.bad_type"));
            Vec::new()
        }
    };
    let partial_credit = match obj.get("partial_credit") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => text_of(Some(other), "").as_deref().and_then(parse_bool).unwrap_or_else(|| {
            errors.push(("partial_credit", "editor.import.bad_bool"));
            false
        }),
    };
    (QuestionInput { kind, prompt, options, answer, points, partial_credit }, errors)
}

/// The downloadable example file.
pub const EXAMPLE_CSV: &str = "kind,prompt,options,answer,points,partial_credit\n\
mcq,\"Which are prime numbers? (2, 4, 5, 9)\",2|4|5|9,\"1,3\",2,true\n\
true_false,The Seine flows through Paris.,,true,1,\n\
short_answer,Capital of France?,,Paris|paris,1,\n\
essay,\"Explain, in a few lines, why proctoring must be fair.\",,Look for a clear argument,4,\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exams::questions::{AnswerKey, QuestionKind};

    #[test]
    fn example_is_valid() {
        let rows = parse(EXAMPLE_CSV.as_bytes(), Format::Csv).expect("parsed");
        assert_eq!(rows.len(), 4);
        assert!(all_valid(&rows), "{rows:?}");
        assert_eq!(rows[0].draft.as_ref().map(|d| d.key.clone()), Some(AnswerKey::Mcq(vec![0, 2])));
        assert!(rows[0].draft.as_ref().is_some_and(|d| d.partial_credit));
    }

    #[test]
    fn quoted_commas_and_newlines_bom_and_empty_lines() {
        let csv = "\u{feff}kind,prompt,options,answer,points,partial_credit\n\n\
                   mcq,\"One, two\nthree?\",\"a, b|c\",2,1.5,\n,,,,,\n\
                   short_answer,Q,,\"x, y\",1,no\n";
        let rows = parse(csv.as_bytes(), Format::Csv).expect("parsed");
        assert_eq!(rows.len(), 2);
        let first = rows[0].draft.as_ref().expect("valid");
        assert_eq!(first.prompt, "One, two\nthree?");
        assert_eq!(first.options, vec!["a, b", "c"]);
        assert_eq!(first.key, AnswerKey::Mcq(vec![1]));
        assert_eq!(rows[1].number, 2);
        assert_eq!(rows[1].draft.as_ref().map(|d| d.key.clone()), Some(AnswerKey::ShortAnswer(vec!["x, y".into()])));
    }

    #[test]
    fn bad_kind_and_bad_key_are_row_errors() {
        let csv = "kind,prompt,options,answer,points,partial_credit\n\
                   drawing,Q,,x,1,\nmcq,Q,a|b,Z,1,\ntrue_false,Q,,maybe,1,perhaps\n";
        let rows = parse(csv.as_bytes(), Format::Csv).expect("parsed");
        assert!(!all_valid(&rows));
        assert_eq!(rows[0].errors, vec![("kind", "question.error.kind")]);
        assert_eq!(rows[1].errors, vec![("answer", "question.error.mcq_key_range")]);
        assert!(rows[2].errors.contains(&("partial_credit", "editor.import.bad_bool")));
        assert!(rows[2].errors.contains(&("answer", "question.error.true_false_key")));
    }

    #[test]
    fn file_errors() {
        assert_eq!(parse(b"mcq,Q,a|b,1,1,\n", Format::Csv).err(), Some("editor.import.header"));
        assert_eq!(parse(b"kind,prompt\n", Format::Csv).err(), Some("editor.import.empty"));
        assert_eq!(parse(b"kind,prompt\n\xff\xfe,x\n", Format::Csv).err(), Some("editor.import.not_utf8"));
        let mut many = String::from("kind,prompt,answer\n");
        for i in 0..=MAX_ROWS {
            many.push_str(&format!("essay,Q{i},\n"));
        }
        assert_eq!(parse(many.as_bytes(), Format::Csv).err(), Some("editor.import.too_many_rows"));
        let json: Vec<Value> = (0..=MAX_ROWS).map(|_| serde_json::json!({"kind": "essay", "prompt": "Q"})).collect();
        let json = serde_json::to_vec(&json).expect("json");
        assert_eq!(parse(&json, Format::Json).err(), Some("editor.import.too_many_rows"));
        assert_eq!(parse(b"{\"kind\": \"mcq\"}", Format::Json).err(), Some("editor.import.not_array"));
        assert_eq!(parse(b"[1,", Format::Json).err(), Some("editor.import.bad_json"));
        assert_eq!(parse(&vec![b' '; MAX_BYTES + 1], Format::Csv).err(), Some("editor.import.too_large"));
    }

    #[test]
    fn json_rows() {
        let json = br#"[
            {"kind": "mcq", "prompt": "P", "options": ["a", "b", "c"], "answer": [1, 3], "points": 2, "partial_credit": true},
            {"kind": "true_false", "prompt": "T", "answer": false},
            {"kind": "short_answer", "prompt": "S", "answer": ["x", "y"], "points": "0.5"},
            {"kind": "essay", "prompt": {"no": 1}},
            "nope"
        ]"#;
        let rows = parse(json, Format::Json).expect("parsed");
        assert_eq!(
            rows[0].draft.as_ref().map(|d| (d.key.clone(), d.points.0)),
            Some((AnswerKey::Mcq(vec![0, 2]), 200))
        );
        assert_eq!(rows[1].draft.as_ref().map(|d| d.kind), Some(QuestionKind::TrueFalse));
        assert_eq!(
            rows[2].draft.as_ref().map(|d| d.key.clone()),
            Some(AnswerKey::ShortAnswer(vec!["x".into(), "y".into()]))
        );
        assert!(rows[3].errors.contains(&("prompt", "editor.import.bad_type")));
        assert_eq!(rows[4].errors, vec![("kind", "editor.import.not_object")]);
        assert_eq!(Format::detect("q.txt", b"  [ ]"), Format::Json);
        assert_eq!(Format::detect("q.JSON", b"kind"), Format::Json);
        assert_eq!(Format::detect("q", b"kind,prompt"), Format::Csv);
    }
}
