//! Turns a verb's flags into the typed request: flags become a JSON object
//! keyed by API names (merged over `--body`), which serde turns into the
//! generated request type, so the CLI sends exactly what the library sends.

use crate::error::CliError;
use crate::verb::Verb;
use clap::ArgMatches;
use serde_json::{Map, Value};
use std::io::Read;
use ttv_helix::meta::{EndpointMeta, Location, Shape};

/// The most ttv reads of any input: `--body`, `--login @file`, stdin, the
/// config file. Helix bodies and lists are far smaller; `/dev/zero` is not.
pub const INPUT_CAP: u64 = 4 * 1024 * 1024;

/// Why an input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("it is larger than {} MiB, the most ttv reads", INPUT_CAP / (1024 * 1024))]
    TooLarge,
    #[error("it is not UTF-8 text")]
    NotText,
}

/// Up to [`INPUT_CAP`] bytes of `reader` as text; anything longer is refused
/// rather than read to the end (which for an endless input never comes).
pub fn read_capped(reader: impl Read) -> Result<String, ReadError> {
    let mut bytes = Vec::new();
    reader.take(INPUT_CAP + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > INPUT_CAP {
        return Err(ReadError::TooLarge);
    }
    String::from_utf8(bytes).map_err(|_| ReadError::NotText)
}

/// [`read_capped`] of the file at `path`.
pub fn read_file_capped(path: impl AsRef<std::path::Path>) -> Result<String, ReadError> {
    read_capped(std::fs::File::open(path)?)
}

/// A verb's parsed flags and the verb they belong to.
pub struct Args<'a> {
    pub verb: &'static Verb,
    pub matches: &'a ArgMatches,
}

impl Args<'_> {
    fn meta(&self) -> &'static EndpointMeta {
        self.verb.endpoint
    }

    /// The request as the library's type for the endpoint. `token_user` is the
    /// id of the user token's user when the request goes out with one: required
    /// parameters that must name that user (`token_user` in the spec) default to it.
    pub fn request<E: crate::verb::Request>(&self, token_user: Option<&str>) -> Result<E, CliError> {
        let mut fields = self.fields()?;
        for p in self.meta().params.iter().filter(|p| p.token_user && p.required) {
            if fields.contains_key(p.name) {
                continue;
            }
            let Some(id) = token_user else {
                return Err(CliError::Usage(format!(
                    "{}: --{} is required (with a user token it defaults to the token's user)",
                    self.verb.verb,
                    crate::verb_command::flag_name(p.name)
                )));
            };
            fields.insert(p.name.to_owned(), Value::String(id.to_owned()));
        }
        serde_json::from_value(Value::Object(fields)).map_err(|e| CliError::Usage(format!("{}: {e}", self.verb.verb)))
    }

    fn fields(&self) -> Result<Map<String, Value>, CliError> {
        let mut fields = match self.body_flag()? {
            Some(Value::Object(map)) => map,
            Some(_) => return Err(CliError::Usage("--body must hold a JSON object".into())),
            None => Map::new(),
        };
        if let Some(stray) = fields
            .keys()
            .find(|k| !self.meta().params.iter().any(|p| p.location == Location::Body && p.name == k.as_str()))
        {
            return Err(CliError::Usage(format!(
                "--body has the field `{stray}`, which {} does not take in its body",
                self.verb.verb
            )));
        }
        for p in self.meta().params {
            let Some(raw) = self.matches.get_raw(p.name) else { continue };
            if self.matches.value_source(p.name) != Some(clap::parser::ValueSource::CommandLine) {
                continue;
            }
            let raw: Vec<String> = raw.map(|s| s.to_string_lossy().into_owned()).collect();
            let value = match p.shape.inner() {
                Shape::List(item) => {
                    let raw = if matches!(item, Shape::String) { from_files(p.name, raw)? } else { raw };
                    // Empty items stay, for the library to refuse (`--login ''`
                    // is an unset variable, not "no login"); only `''` alone
                    // on a body list is the empty list, as `[]` in --body is.
                    let clears = p.location == Location::Body && raw.len() == 1 && raw[0].trim().is_empty();
                    let raw = if clears { Vec::new() } else { raw };
                    let items = raw.iter().map(|s| scalar(p.name, item, s.trim()));
                    let mut values = Vec::new();
                    for value in items {
                        match (item, value?) {
                            // `--shards '[{...},{...}]'` gives the whole list at once.
                            (Shape::Object(_), Value::Array(many)) => values.extend(many),
                            (_, one) => values.push(one),
                        }
                    }
                    Value::Array(values)
                }
                shape => scalar(p.name, shape, raw.last().map(String::as_str).unwrap_or("true"))?,
            };
            fields.insert(p.name.to_owned(), value);
        }
        Ok(fields)
    }

    /// `--body @file.json`, `--body -` (stdin) or inline JSON.
    fn body_flag(&self) -> Result<Option<Value>, CliError> {
        if !self.meta().params.iter().any(|p| p.location == Location::Body) {
            return Ok(None);
        }
        let Some(spec) = self.matches.get_one::<String>("body") else { return Ok(None) };
        read_body(spec).map(Some)
    }
}

/// `--body @file.json`, `--body -` (stdin) or inline JSON, parsed.
pub fn read_body(spec: &str) -> Result<Value, CliError> {
    let text = if spec == "-" {
        read_capped(std::io::stdin().lock())
            .map_err(|e| CliError::Usage(format!("--body -: cannot read stdin: {e}")))?
    } else if let Some(path) = spec.strip_prefix('@') {
        read_file_capped(path).map_err(|e| CliError::Usage(format!("--body @{path}: {e}")))?
    } else {
        spec.to_owned()
    };
    serde_json::from_str(&text).map_err(|e| CliError::Usage(format!("--body is not valid JSON: {e}")))
}

/// `--login @logins.txt`: a list's values read from a file, one a line (or
/// comma-separated), so that 10,000 logins need not fit on a command line.
fn from_files(name: &str, raw: Vec<String>) -> Result<Vec<String>, CliError> {
    let mut out = Vec::with_capacity(raw.len());
    for value in raw {
        match value.trim().strip_prefix('@') {
            Some(path) => {
                let text = read_file_capped(path)
                    .map_err(|e| CliError::Usage(format!("--{} @{path}: {e}", crate::verb_command::flag_name(name))))?;
                out.extend(text.split(['\n', ',']).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()));
            }
            None => out.push(value),
        }
    }
    Ok(out)
}

/// One flag value as the JSON the request type expects.
fn scalar(name: &str, shape: &Shape, raw: &str) -> Result<Value, CliError> {
    let bad =
        |what: &str| CliError::Usage(format!("--{} expects {what}, got `{raw}`", crate::verb_command::flag_name(name)));
    Ok(match shape.inner() {
        Shape::Integer => Value::from(raw.parse::<i64>().map_err(|_| bad("a whole number"))?),
        Shape::Number => Value::from(raw.parse::<f64>().map_err(|_| bad("a number"))?),
        Shape::Boolean => match raw.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" | "on" => Value::Bool(true),
            "false" | "no" | "0" | "off" => Value::Bool(false),
            _ => return Err(bad("true or false")),
        },
        Shape::Object(_) | Shape::Json | Shape::List(_) => serde_json::from_str(raw).map_err(|_| bad("JSON"))?,
        _ => Value::String(raw.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::Args;
    use crate::verb::Verb;
    use serde_json::{json, Map, Value};

    // Verbs built here from the library's endpoints: the generated table sits
    // above this module (its dispatch takes `Args`).
    static GET_USERS: Verb =
        Verb { verb: "get-users", aliases: &[], endpoint: &ttv_helix::endpoints::GET_USERS, beta: false, help: "" };
    static START_COMMERCIAL: Verb = Verb {
        verb: "start-commercial",
        aliases: &[],
        endpoint: &ttv_helix::endpoints::START_COMMERCIAL,
        beta: false,
        help: "",
    };
    static MODIFY_CHANNEL: Verb = Verb {
        verb: "modify-channel-information",
        aliases: &[],
        endpoint: &ttv_helix::endpoints::MODIFY_CHANNEL_INFORMATION,
        beta: false,
        help: "",
    };

    fn fields(verb: &'static Verb, flags: &[&str]) -> Result<Map<String, Value>, crate::error::CliError> {
        let matches = crate::verb_command::verb(verb)
            .try_get_matches_from(std::iter::once(verb.verb).chain(flags.iter().copied()))
            .expect("the flags parse");
        Args { verb, matches: &matches }.fields()
    }

    #[test]
    fn list_flags_become_arrays_keyed_by_api_name() {
        let f = fields(&GET_USERS, &["--login", "a,b", "--login", "c", "--id", "1"]).unwrap();
        assert_eq!(f["login"], json!(["a", "b", "c"]));
        assert_eq!(f["id"], json!(["1"]));
    }

    #[test]
    fn typed_flags_are_checked_and_body_strays_refused() {
        let f = fields(&START_COMMERCIAL, &["--broadcaster-id", "1", "--length", "30"]).unwrap();
        assert_eq!(f["length"], json!(30));
        let stray = fields(&START_COMMERCIAL, &["--body", r#"{"nope": 1}"#]).unwrap_err();
        assert_eq!(stray.exit_code(), crate::exit::USAGE);
        assert!(stray.to_string().contains("nope"), "{stray}");
    }

    fn matches(verb: &'static Verb, flags: &[&str]) -> clap::ArgMatches {
        crate::verb_command::verb(verb)
            .try_get_matches_from(std::iter::once(verb.verb).chain(flags.iter().copied()))
            .expect("the flags parse")
    }

    fn usage_error(result: Result<Map<String, Value>, crate::error::CliError>) -> String {
        let e = result.expect_err("refused");
        assert_eq!(e.exit_code(), crate::exit::USAGE, "{e}");
        e.to_string()
    }

    #[test]
    fn inputs_past_the_cap_or_not_text_are_refused() {
        let endless = std::io::Read::take(std::io::repeat(b'a'), super::INPUT_CAP + 1);
        assert!(matches!(super::read_capped(endless), Err(super::ReadError::TooLarge)));
        let exactly = std::io::Read::take(std::io::repeat(b'a'), super::INPUT_CAP);
        assert_eq!(super::read_capped(exactly).expect("at the cap is fine").len() as u64, super::INPUT_CAP);
        assert!(matches!(super::read_capped(&[0xff, 0xfe][..]), Err(super::ReadError::NotText)));
        assert!(matches!(super::read_file_capped("/nonexistent/ttv/file"), Err(super::ReadError::Io(_))));
    }

    #[test]
    fn body_comes_from_a_file_inline_and_flags_override_its_fields() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("body.json");
        std::fs::write(&file, r#"{"title": "from file", "delay": 5}"#).expect("written");
        let at_file = format!("@{}", file.display());
        let f =
            fields(&MODIFY_CHANNEL, &["--broadcaster-id", "1", "--body", &at_file, "--title", "from flag"]).unwrap();
        assert_eq!(f["title"], "from flag", "a flag wins over the body's field");
        assert_eq!(f["delay"], 5);
        let f = fields(&MODIFY_CHANNEL, &["--broadcaster-id", "1", "--body", r#"{"delay": 3}"#]).unwrap();
        assert_eq!(f["delay"], 3);
        let text = usage_error(fields(&MODIFY_CHANNEL, &["--broadcaster-id", "1", "--body", "[1, 2]"]));
        assert!(text.contains("JSON object"), "{text}");
        let text = usage_error(fields(&MODIFY_CHANNEL, &["--broadcaster-id", "1", "--body", "{nope"]));
        assert!(text.contains("not valid JSON"), "{text}");
        let missing = format!("@{}", dir.path().join("missing.json").display());
        let text = usage_error(fields(&MODIFY_CHANNEL, &["--broadcaster-id", "1", "--body", &missing]));
        assert!(text.contains("missing.json"), "{text}");
    }

    #[test]
    fn list_values_can_come_from_a_file_one_a_line_or_comma_separated() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("logins.txt");
        std::fs::write(&file, "ninja\n\n  pokimane ,shroud\n").expect("written");
        let at_file = format!("@{}", file.display());
        let f = fields(&GET_USERS, &["--login", &at_file, "--login", "xqc"]).unwrap();
        assert_eq!(f["login"], json!(["ninja", "pokimane", "shroud", "xqc"]));
        let missing = format!("@{}", dir.path().join("none.txt").display());
        let text = usage_error(fields(&GET_USERS, &["--login", &missing]));
        assert!(text.starts_with("--login @") && text.contains("none.txt"), "{text}");
    }

    #[test]
    fn an_empty_body_list_clears_it_but_an_empty_query_item_stays() {
        let f = fields(&MODIFY_CHANNEL, &["--broadcaster-id", "1", "--tags", ""]).unwrap();
        assert_eq!(f["tags"], json!([]), "`--tags ''` is the empty list");
        let f = fields(&GET_USERS, &["--login", ""]).unwrap();
        assert_eq!(f["login"], json!([""]), "left for the library to refuse");
    }

    #[test]
    fn boolean_flags_take_the_usual_spellings() {
        for (given, expected) in [("yes", true), ("on", true), ("1", true), ("false", false), ("off", false)] {
            let flag = format!("--is-branded-content={given}");
            let f = fields(&MODIFY_CHANNEL, &["--broadcaster-id", "1", &flag]).unwrap();
            assert_eq!(f["is_branded_content"], json!(expected), "{given}");
        }
        let f = fields(&MODIFY_CHANNEL, &["--broadcaster-id", "1", "--is-branded-content"]).unwrap();
        assert_eq!(f["is_branded_content"], json!(true), "the flag alone is true");
        let shape = ttv_helix::meta::Shape::Boolean;
        let e = super::scalar("is_branded_content", &shape, "maybe").expect_err("not a boolean");
        assert_eq!(e.to_string(), "--is-branded-content expects true or false, got `maybe`");
        let e = super::scalar("delay", &ttv_helix::meta::Shape::Integer, "1.5").expect_err("not whole");
        assert_eq!(e.to_string(), "--delay expects a whole number, got `1.5`");
    }

    #[test]
    fn a_parameter_naming_the_token_user_defaults_to_it_when_there_is_one() {
        let m = matches(&START_COMMERCIAL, &["--length", "30"]);
        let args = Args { verb: &START_COMMERCIAL, matches: &m };
        let request: ttv_helix::requests::StartCommercial = args.request(Some("10001")).expect("a request");
        assert_eq!(request, ttv_helix::requests::StartCommercial::new("10001", 30));
        let e = args.request::<ttv_helix::requests::StartCommercial>(None).expect_err("no user to default to");
        assert_eq!(e.exit_code(), crate::exit::USAGE);
        assert!(e.to_string().contains("--broadcaster-id is required"), "{e}");
        let m = matches(&START_COMMERCIAL, &["--length", "30", "--broadcaster-id", "42"]);
        let args = Args { verb: &START_COMMERCIAL, matches: &m };
        let request: ttv_helix::requests::StartCommercial = args.request(Some("10001")).expect("a request");
        assert_eq!(request.broadcaster_id, "42", "a given value is kept");
    }
}
