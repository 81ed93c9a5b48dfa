//! `--all` and `--max-items N` on paginated verbs: follow cursors and write
//! items as they arrive (NDJSON one a line, JSON as one array written piece by
//! piece), so memory holds one page however many items there are. Progress
//! goes to stderr, and only when stderr is a terminal.

use crate::error::CliError;
use crate::outcome::Outcome;
use crate::output::{self, Format};
use crate::verb::Request;
use clap::ArgMatches;
use futures::StreamExt;
use serde_json::Value;
use std::io::{IsTerminal, Write};
use ttv_helix::meta::EndpointMeta;
use ttv_helix::{Helix, Permits, TokenKind};

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
    E: Request,
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
fn with_page_size<E: Request>(request: &E, meta: &EndpointMeta, max_items: Option<u64>) -> Result<E, CliError> {
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
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
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

    use serde_json::json;

    fn page(items: &[u64], cursor: &str) -> Value {
        let items: Vec<Value> = items.iter().map(|i| json!({ "id": i.to_string() })).collect();
        json!({"data": items, "pagination": {"cursor": cursor}})
    }

    /// What [`write_pages`] writes of `pages`, and its outcome.
    async fn streamed(
        pages: Vec<Result<Value, ttv_helix::Error>>,
        max_items: Option<u64>,
        format: Format,
    ) -> (String, Result<Outcome, CliError>) {
        let mut out = Vec::new();
        let outcome =
            write_pages(futures::stream::iter(pages), Paging { max_items, format }, "--after ", &mut out).await;
        (String::from_utf8(out).expect("utf-8"), outcome)
    }

    fn ids(ndjson: &str) -> Vec<String> {
        ndjson
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).expect("a JSON line")["id"].as_str().expect("id").to_owned())
            .collect()
    }

    fn paging_of(verb: &str, flags: &[&str]) -> Option<Paging> {
        let verb = crate::verb_table::find(verb).expect("the verb");
        let m = crate::verb_command::verb(verb)
            .try_get_matches_from(std::iter::once(verb.verb).chain(flags.iter().copied()))
            .expect("the flags parse");
        Paging::from_matches(&m, Format::Ndjson)
    }

    #[test]
    fn paging_is_asked_for_with_all_or_max_items_only() {
        assert_eq!(paging_of("get-streams", &["--all"]), Some(Paging { max_items: None, format: Format::Ndjson }));
        assert_eq!(paging_of("get-streams", &["--max-items", "5"]).and_then(|p| p.max_items), Some(5));
        assert_eq!(paging_of("get-streams", &[]), None);
        assert_eq!(paging_of("get-users", &["--login", "x"]), None, "a verb without pages has no paging flags");
    }

    #[test]
    fn the_cursor_is_read_from_either_pagination_shape() {
        assert_eq!(cursor(&json!({"pagination": {"cursor": "abc"}})).as_deref(), Some("abc"));
        assert_eq!(cursor(&json!({"pagination": "xyz"})).as_deref(), Some("xyz"));
        assert_eq!(cursor(&json!({"pagination": {"cursor": ""}})), None);
        assert_eq!(cursor(&json!({"pagination": {}})), None);
        assert_eq!(cursor(&json!({"data": []})), None);
    }

    #[test]
    fn pages_are_as_large_as_allowed_unless_fewer_items_are_wanted() {
        use ttv_helix::requests::GetStreams;
        let meta = &ttv_helix::endpoints::GET_STREAMS;
        let request = GetStreams::default();
        assert_eq!(with_page_size(&request, meta, None).expect("sized").first, Some(100));
        assert_eq!(with_page_size(&request, meta, Some(5)).expect("sized").first, Some(5));
        assert_eq!(with_page_size(&request, meta, Some(100_000)).expect("sized").first, Some(100));
        let mut given = GetStreams::default();
        given.first = Some(7);
        assert_eq!(with_page_size(&given, meta, Some(50)).expect("sized").first, Some(7), "--first is kept");
    }

    #[tokio::test]
    async fn max_items_stops_mid_page_and_reads_no_further_page() {
        let not_fetched = Err(ttv_helix::Error::Config("the third page was fetched".into()));
        let pages = vec![Ok(page(&[1, 2], "c1")), Ok(page(&[3, 4], "c2")), not_fetched];
        let (out, outcome) = streamed(pages, Some(3), Format::Ndjson).await;
        assert!(matches!(outcome, Ok(Outcome::Streamed)));
        assert_eq!(ids(&out), ["1", "2", "3"]);
        let pages = vec![Ok(page(&[1, 2], "c1")), Ok(page(&[3, 4], "")), Ok(page(&[5], ""))];
        let (out, _) = streamed(pages, None, Format::Ndjson).await;
        assert_eq!(ids(&out), ["1", "2", "3", "4", "5"], "--all reads to the end");
    }

    #[tokio::test]
    async fn an_error_after_some_pages_keeps_them_well_formed_and_gives_its_exit_code() {
        let refused = ttv_helix::Error::Helix {
            endpoint: "Get Streams".into(),
            status: 400,
            error: "Bad Request".into(),
            message: "bad cursor".into(),
            fields: Default::default(),
        };
        let (out, outcome) = streamed(vec![Ok(page(&[1, 2], "c1")), Err(refused)], None, Format::Json).await;
        let Err(e) = outcome else { panic!("the error was lost") };
        assert_eq!(e.exit_code(), crate::exit::HELIX);
        let written: Value = serde_json::from_str(&out).expect("the JSON array is closed");
        assert_eq!(written, json!([{"id": "1"}, {"id": "2"}]));
    }

    #[tokio::test]
    async fn a_data_object_per_page_is_one_item() {
        let schedule = |n: u64| json!({"data": {"segments": [n]}, "pagination": {"cursor": format!("c{n}")}});
        let (out, _) = streamed(vec![Ok(schedule(1)), Ok(schedule(2))], Some(2), Format::Ndjson).await;
        let lines: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).expect("JSON")).collect();
        assert_eq!(lines, [json!({"segments": [1]}), json!({"segments": [2]})]);
    }

    /// A stdout whose reader has gone (`| head -1`).
    struct ClosedPipe;

    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
    }

    #[tokio::test]
    async fn a_closed_pipe_ends_the_stream_quietly() {
        let pages = futures::stream::iter(vec![Ok(page(&[1], "c")), Ok(page(&[2], ""))]);
        let paging = Paging { max_items: None, format: Format::Ndjson };
        let outcome = write_pages(pages, paging, "--after ", ClosedPipe).await;
        assert!(matches!(outcome, Ok(Outcome::Streamed)));
    }
}
