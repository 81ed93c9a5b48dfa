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

/// Writes a Helix answer on `out` (stdout). A closed stdout (`| head`) is not an error.
pub fn write_answer(out: &mut impl Write, answer: &Value, format: Format) -> std::io::Result<()> {
    // Buffered: stdout alone writes each line with its own system call.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
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

/// The most of one message ttv prints on stderr; servers' texts can be any length.
pub const MESSAGE_CAP: usize = 500;

/// `text` made safe to print on a terminal: control characters (ESC, CR, BEL,
/// newlines, ...) and invisible direction marks shown as escapes (`\u{1b}`)
/// instead of acting, and the whole cut after [`MESSAGE_CAP`] characters.
/// For stderr: servers' messages and cursors reach it, and must not move the
/// cursor, retitle the window or fake another line.
pub fn terminal_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MESSAGE_CAP + 64));
    let mut chars = text.chars();
    for (shown, c) in chars.by_ref().enumerate() {
        if shown == MESSAGE_CAP {
            let rest = 1 + chars.count();
            out.push_str(&format!("… ({rest} more characters cut)"));
            break;
        }
        if c.is_control() || is_invisible_format(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// Direction overrides and zero-width characters, which reorder or hide text.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
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

    #[test]
    fn terminal_text_is_escaped_and_cut() {
        assert_eq!(terminal_safe("plain: ok"), "plain: ok");
        assert_eq!(terminal_safe("a\x1b[31mred\x07\r\nb"), "a\\u{1b}[31mred\\u{7}\\u{d}\\u{a}b");
        assert_eq!(terminal_safe("x\u{202e}y"), "x\\u{202e}y");
        let long = terminal_safe(&"é".repeat(MESSAGE_CAP + 20));
        assert!(long.starts_with(&"é".repeat(MESSAGE_CAP)), "{long}");
        assert!(long.ends_with("… (20 more characters cut)"), "{long}");
        assert_eq!(terminal_safe(&"x".repeat(MESSAGE_CAP)), "x".repeat(MESSAGE_CAP));
    }

    fn written(answer: &Value, format: Format) -> String {
        let mut out = Vec::new();
        write_answer(&mut out, answer, format).expect("written");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn formats_are_parsed_and_anything_else_is_json() {
        assert_eq!(Format::parse("ndjson"), Format::Ndjson);
        assert_eq!(Format::parse("table"), Format::Table);
        assert_eq!(Format::parse("raw"), Format::Raw);
        assert_eq!(Format::parse("json"), Format::Json);
        assert_eq!(Format::parse("yaml"), Format::Json);
    }

    #[test]
    fn each_format_prints_its_part_of_the_answer() {
        let answer = json!({"data": [{"id": "1"}, {"id": "2"}], "pagination": {"cursor": "c"}});
        assert_eq!(written(&answer, Format::Json), format!("{}\n", pretty(&answer["data"])));
        assert_eq!(written(&answer, Format::Raw), format!("{}\n", pretty(&answer)));
        assert_eq!(written(&answer, Format::Ndjson), "{\"id\":\"1\"}\n{\"id\":\"2\"}\n");
        assert_eq!(written(&answer, Format::Table), "ID\n1\n2\n");
        let one = json!({"data": {"segments": []}});
        assert_eq!(written(&one, Format::Ndjson), "{\"segments\":[]}\n", "a data object is one line");
        let no_data = json!({"login": "x"});
        assert_eq!(written(&no_data, Format::Json), format!("{}\n", pretty(&no_data)), "no data: the whole");
    }

    #[test]
    fn text_answers_are_printed_as_sent_in_every_format() {
        let calendar = Value::String("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".into());
        for format in [Format::Json, Format::Ndjson, Format::Table, Format::Raw] {
            assert_eq!(written(&calendar, format), "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "{format:?}");
        }
    }

    #[test]
    fn table_cells_stay_on_one_line_and_are_cut_at_40_characters() {
        let long = "é".repeat(50);
        let t = table(&json!([{"title": format!("a\nb\tc"), "long": long, "n": 5, "none": null}]));
        let mut lines = t.lines();
        let header = lines.next().expect("a header");
        assert!(header.starts_with("TITLE") && header.contains("LONG") && header.contains("NONE"), "{header}");
        let row = lines.next().expect("a row");
        assert!(row.starts_with("a b c"), "{row}");
        assert!(row.contains(&format!("{}…", "é".repeat(39))) && !row.contains(&"é".repeat(40)), "{row}");
        assert!(lines.next().is_none());
        assert_eq!(table(&Value::Null), "(no results)\n");
        assert_eq!(table(&json!(["a", "b"])), format!("{}\n", pretty(&json!(["a", "b"]))));
        assert_eq!(table(&json!({"id": "7"})), "ID\n7\n", "one object is one row");
    }

    #[test]
    fn zero_width_and_direction_characters_are_shown_not_obeyed() {
        assert_eq!(terminal_safe("a\u{200b}b\u{2066}c\u{feff}"), "a\\u{200b}b\\u{2066}c\\u{feff}");
        assert_eq!(terminal_safe("日本語 ok"), "日本語 ok", "printable text stays");
    }
}
