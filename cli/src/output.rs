//! Printing answers: JSON (the `data` array), NDJSON, a table, or the raw answer.

use serde_json::Value;
use std::io::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Ndjson,
    Table,
    Raw,
}

impl Format {
    pub fn parse(s: &str) -> Format {
        match s {
            "ndjson" => Format::Ndjson,
            "table" => Format::Table,
            "raw" => Format::Raw,
            _ => Format::Json,
        }
    }
}

/// Prints a Helix answer. A closed stdout (`| head`) is not an error.
pub fn print_answer(answer: &Value, format: Format) -> std::io::Result<()> {
    // Buffered: stdout alone writes each line with its own system call.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let data = answer.get("data").unwrap_or(answer);
    let result = match (format, answer) {
        // Text answers (iCalendar) are printed as sent, whatever the format.
        (_, Value::String(text)) => write!(out, "{text}"),
        _ => print_json(&mut out, answer, data, format),
    }
    .and_then(|()| out.flush());
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

fn print_json(out: &mut impl Write, answer: &Value, data: &Value, format: Format) -> std::io::Result<()> {
    match format {
        Format::Raw => {
            serde_json::to_writer_pretty(&mut *out, answer).map_err(std::io::Error::from).and_then(|()| writeln!(out))
        }
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, data).map_err(std::io::Error::from).and_then(|()| writeln!(out))
        }
        Format::Ndjson => match data {
            Value::Array(items) => items.iter().try_for_each(|i| writeln!(out, "{i}")),
            other => writeln!(out, "{other}"),
        },
        Format::Table => write!(out, "{}", table(data)),
    }
}

pub fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
}

/// A plain-text table of the scalar fields of each item.
pub fn table(data: &Value) -> String {
    let items: Vec<&Value> = match data {
        Value::Array(a) => a.iter().collect(),
        Value::Null => vec![],
        other => vec![other],
    };
    let Some(Value::Object(first)) = items.first() else {
        return if items.is_empty() { "(no results)\n".into() } else { format!("{}\n", pretty(data)) };
    };
    let columns: Vec<&String> = first.iter().filter(|(_, v)| !v.is_object() && !v.is_array()).map(|(k, _)| k).collect();
    let cell = |item: &Value, col: &str| -> String {
        let text = match item.get(col) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(v) => v.to_string(),
        };
        let text = text.replace(['\n', '\t'], " ");
        if text.chars().count() > 40 {
            format!("{}…", text.chars().take(39).collect::<String>())
        } else {
            text
        }
    };
    let rows: Vec<Vec<String>> = items.iter().map(|i| columns.iter().map(|c| cell(i, c)).collect()).collect();
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| rows.iter().map(|r| r[i].chars().count()).chain([c.len()]).max().unwrap_or(0))
        .collect();
    let line = |cells: Vec<String>| -> String {
        let padded: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    let mut out = line(columns.iter().map(|c| c.to_uppercase()).collect());
    for r in rows {
        out.push_str(&line(r));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn table_lines_up_scalar_columns() {
        let t = table(&json!([{"id": "1", "login": "ninja", "tags": ["a"]}, {"id": "22", "login": "x"}]));
        assert_eq!(t, "ID  LOGIN\n1   ninja\n22  x\n");
        assert_eq!(table(&json!([])), "(no results)\n");
    }
}
