//! `--all` and `--max-items N` on paginated verbs: follow cursors and write
//! items as they arrive (NDJSON one a line, JSON as one array written piece by
//! piece), so memory holds one page however many items there are. Progress
//! goes to stderr, and only when stderr is a terminal.

use crate::error::CliError;
use crate::outcome::Outcome;
use crate::output::{self, Format};
use clap::ArgMatches;
use futures::StreamExt;
use serde_json::Value;
use std::io::{IsTerminal, Write};
use ttv_helix::meta::EndpointMeta;
use ttv_helix::{Endpoint, Helix, Permits, TokenKind};

/// How far to follow cursors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    /// Stop after this many items; `None`: to the end.
    pub max_items: Option<u64>,
    pub format: Format,
}

impl Paging {
    /// `--all` / `--max-items` of a verb (only paginated verbs have them).
    pub fn from_matches(sub: &ArgMatches, format: Format) -> Option<Paging> {
        let all = sub.try_get_one::<bool>("all").ok().flatten().copied().unwrap_or(false);
        let max_items = sub.try_get_one::<u64>("max-items").ok().flatten().copied();
        (all || max_items.is_some()).then_some(Paging { max_items, format })
    }
}

pub async fn follow<T, E>(client: &Helix<T>, request: &E, paging: Paging) -> Result<Outcome, CliError>
where
    T: TokenKind + Permits<E::Auth>,
    E: Endpoint,
{
    let request = with_page_size(request, E::meta(), paging.max_items)?;
    // Each page is checked against the typed model before any of it is written.
    let pages = client
        .json_pages(&request)
        .map(|page| page.and_then(|page| crate::model_check::check::<E>(&page).map(|()| page)));
    follow_pages(pages, paging, "--after ").await
}

/// Writes the items of `pages` (whole answers) as they come, up to the limit.
/// `resume_with` is what goes before a cursor to carry on (`--after `).
pub async fn follow_pages(
    pages: impl futures::Stream<Item = Result<Value, ttv_helix::Error>>,
    paging: Paging,
    resume_with: &str,
) -> Result<Outcome, CliError> {
    write_pages(pages, paging, resume_with, std::io::BufWriter::new(std::io::stdout())).await
}

/// [`follow_pages`] onto `out`.
async fn write_pages(
    pages: impl futures::Stream<Item = Result<Value, ttv_helix::Error>>,
    paging: Paging,
    resume_with: &str,
    out: impl Write,
) -> Result<Outcome, CliError> {
    futures::pin_mut!(pages);
    let mut sink = Sink::new(paging.format, out);
    let mut progress = Progress::new();
    let limit = paging.max_items.unwrap_or(u64::MAX);
    let (mut count, mut page_count) = (0u64, 0u64);
    let mut resume: Option<String> = None;
    let mut result = Ok(());
    while count < limit {
        let page = match pages.next().await {
            None => break,
            Some(Ok(page)) => page,
            Some(Err(e)) => {
                result = Err(CliError::from(e));
                break;
            }
        };
        page_count += 1;
        let items = match page.get("data") {
            Some(Value::Array(items)) => items.as_slice(),
            // `data` as one object per page (Get Channel Stream Schedule): that
            // object, with the page's segments, is the page's one item, as the
            // library's `items()` has it. Skipping it printed `[]`.
            Some(one @ Value::Object(_)) => std::slice::from_ref(one),
            _ => &[],
        };
        let room = usize::try_from(limit - count).unwrap_or(usize::MAX);
        let taken = items.len().min(room);
        let written = sink.page(&page, &items[..taken]);
        count += taken as u64;
        // Where to go on from, when this page was used whole.
        resume = if taken == items.len() { cursor(&page) } else { None };
        match written {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(Outcome::Streamed),
            Err(e) => return Err(CliError::Output(e)),
        }
        progress.show(page_count, count);
    }
    progress.clear();
    match sink.finish() {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(Outcome::Streamed),
        Err(e) => return Err(CliError::Output(e)),
    }
    result?;
    if count >= limit {
        if let Some(cursor) = resume {
            let cursor = output::terminal_safe(&cursor);
            eprintln!("ttv: stopped after {count} items; more results: repeat with {resume_with}{cursor}");
        }
    }
    Ok(Outcome::Streamed)
}

fn cursor(page: &Value) -> Option<String> {
    match page.get("pagination")? {
        Value::String(c) => Some(c.clone()),
        p => p.get("cursor").and_then(Value::as_str).map(str::to_owned),
    }
    .filter(|c| !c.is_empty())
}

/// Pages as large as the endpoint allows (fewer requests), unless `--first`
/// was given, or `--max-items` needs fewer.
fn with_page_size<E: Endpoint>(request: &E, meta: &EndpointMeta, max_items: Option<u64>) -> Result<E, CliError> {
    let Some((lo, hi)) = meta.param("first").and_then(|p| p.range) else { return Ok(request.clone()) };
    let mut fields = serde_json::to_value(request).map_err(|e| CliError::Usage(e.to_string()))?;
    if fields.get("first").is_some_and(|f| !f.is_null()) {
        return Ok(request.clone());
    }
    let want = max_items.map_or(hi, |m| i64::try_from(m).unwrap_or(hi).clamp(lo, hi));
    fields["first"] = Value::from(want);
    serde_json::from_value(fields).map_err(|e| CliError::Usage(e.to_string()))
}

/// Writes items in the chosen format as pages arrive.
struct Sink<W: Write> {
    format: Format,
    out: W,
    /// Items written so far (JSON needs to know the first), or kept for a table.
    written: u64,
    table: Vec<Value>,
}

impl<W: Write> Sink<W> {
    fn new(format: Format, out: W) -> Sink<W> {
        Sink { format, out, written: 0, table: Vec::new() }
    }

    fn page(&mut self, page: &Value, items: &[Value]) -> std::io::Result<()> {
        match self.format {
            Format::Ndjson => {
                for item in items {
                    serde_json::to_writer(&mut self.out, item)?;
                    self.out.write_all(b"\n")?;
                }
            }
            Format::Json => {
                for item in items {
                    self.out.write_all(if self.written == 0 { b"[\n" } else { b",\n" })?;
                    self.written += 1;
                    let pretty = output::pretty(item);
                    for (i, line) in pretty.lines().enumerate() {
                        if i > 0 {
                            self.out.write_all(b"\n")?;
                        }
                        write!(self.out, "  {line}")?;
                    }
                }
            }
            // The whole answer of each page, as sent.
            Format::Raw => writeln!(self.out, "{}", output::pretty(page))?,
            // Column widths need every row: a table is for people, not 100,000 items.
            Format::Table => self.table.extend(items.iter().cloned()),
        }
        self.out.flush()
    }

    fn finish(&mut self) -> std::io::Result<()> {
        match self.format {
            Format::Json if self.written == 0 => self.out.write_all(b"[]\n")?,
            Format::Json => self.out.write_all(b"\n]\n")?,
            Format::Table => write!(self.out, "{}", output::table(&Value::Array(std::mem::take(&mut self.table))))?,
            Format::Ndjson | Format::Raw => {}
        }
        self.out.flush()
    }
}

/// `ttv: 12 pages, 1,200 items` on one stderr line, rewritten as pages come.
struct Progress {
    on: bool,
}

impl Progress {
    fn new() -> Progress {
        Progress { on: std::io::stderr().is_terminal() }
    }

    fn show(&mut self, pages: u64, items: u64) {
        if self.on {
            eprint!("\r\x1b[Kttv: {}", progress_line(pages, items));
        }
    }

    fn clear(&mut self) {
        if self.on {
            eprint!("\r\x1b[K");
        }
    }
}

fn progress_line(pages: u64, items: u64) -> String {
    format!("{} {}, {} items", pages, if pages == 1 { "page" } else { "pages" }, thousands(items))
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_reads_well() {
        assert_eq!(progress_line(1, 20), "1 page, 20 items");
        assert_eq!(progress_line(1000, 100_000), "1000 pages, 100,000 items");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(0), "0");
    }

    fn written(format: Format, pages: &[Vec<Value>]) -> String {
        let mut sink = Sink::new(format, Vec::new());
        for items in pages {
            let page = serde_json::json!({"data": items, "pagination": {}});
            sink.page(&page, items).unwrap();
        }
        sink.finish().unwrap();
        String::from_utf8(sink.out).unwrap()
    }

    #[test]
    fn streamed_output_is_what_one_answer_would_print() {
        let a = serde_json::json!({"a": 1, "b": [1, {"c": null}]});
        let b = serde_json::json!({"a": "two"});
        let c = serde_json::json!({"a": 3});
        let pages = [vec![a.clone(), b.clone()], vec![], vec![c.clone()]];
        let all = Value::Array(vec![a, b, c]);
        assert_eq!(written(Format::Json, &pages), format!("{}\n", output::pretty(&all)));
        assert_eq!(written(Format::Json, &[vec![]]), "[]\n");
        let ndjson = written(Format::Ndjson, &pages);
        let lines: Vec<Value> = ndjson.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(Value::Array(lines), all);
        assert_eq!(written(Format::Table, &pages), output::table(&all));
    }
}
