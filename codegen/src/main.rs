//! `ttv-codegen check|emit|coverage`: lint a spec, write the generated sources
//! into a folder for reading, or compare the spec with an OpenAPI description.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "ttv-codegen", version, about = "Checks endpoints.yaml and emits ttv's generated code")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a spec and list every problem with its endpoint and key.
    Check {
        #[arg(default_value = "endpoints.yaml")]
        spec: PathBuf,
    },
    /// Write the generated library, CLI verbs and meta table into a folder, for reading.
    Emit {
        #[arg(default_value = "endpoints.yaml")]
        spec: PathBuf,
        #[arg(long, default_value = "target/generated")]
        out: PathBuf,
    },
    /// Compare the spec with an OpenAPI description of Helix and list what is missing or differs.
    Coverage {
        #[arg(default_value = "endpoints.yaml")]
        spec: PathBuf,
        #[arg(long)]
        openapi: PathBuf,
        /// Also compare the `eventsub` section with this table of subscription types
        /// (`subscription-types.tsv` of the shared EventSub reference).
        #[arg(long)]
        eventsub: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let spec_path = match &cli.command {
        Command::Check { spec } | Command::Emit { spec, .. } | Command::Coverage { spec, .. } => spec,
    };
    let model = match ttv_codegen::load_file(spec_path) {
        Ok(m) => m,
        Err(errs) => {
            eprint!("{errs}");
            return ExitCode::from(2);
        }
    };
    match cli.command {
        Command::Check { .. } => {
            println!(
                "{}: {} endpoints, {} types, {} EventSub subscription types, no problems",
                spec_path.display(),
                model.endpoints.len(),
                model.types.len(),
                model.eventsub.subscriptions.len()
            );
            ExitCode::SUCCESS
        }
        Command::Emit { out, .. } => {
            if let Err(e) = std::fs::create_dir_all(&out) {
                eprintln!("cannot create {}: {e}", out.display());
                return ExitCode::FAILURE;
            }
            let files = match emit_guarded(&model) {
                Ok(files) => files,
                Err(message) => {
                    eprintln!("{message}");
                    return ExitCode::from(70);
                }
            };
            for (name, text) in files {
                let path = out.join(name);
                if let Err(e) = std::fs::write(&path, text) {
                    eprintln!("cannot write {}: {e}", path.display());
                    return ExitCode::FAILURE;
                }
                println!("wrote {}", path.display());
            }
            ExitCode::SUCCESS
        }
        Command::Coverage { openapi, eventsub, .. } => match ttv_codegen::coverage::run(&model, &openapi) {
            Ok(report) => {
                print!("{report}");
                let events_complete = match eventsub.map(|tsv| ttv_codegen::eventsub_coverage::run(&model, &tsv)) {
                    None => true,
                    Some(Ok(events)) => {
                        print!("{events}");
                        events.is_complete()
                    }
                    Some(Err(e)) => {
                        eprintln!("{e}");
                        return ExitCode::from(2);
                    }
                };
                if report.is_complete() && events_complete {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(1)
                }
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::from(2)
            }
        },
    }
}

type Emitter = fn(&ttv_codegen::model::Model) -> String;

/// Runs every emitter without letting a generator bug end in a panic: the
/// checks should make emission total, and if one is missing, the message
/// names the endpoint (or type) the emitter stumbled on instead of a backtrace.
fn emit_guarded(model: &ttv_codegen::model::Model) -> Result<Vec<(&'static str, String)>, String> {
    let emitters: [(&'static str, Emitter); 4] = [
        ("endpoints.rs", ttv_codegen::emit::client::library),
        ("eventsub.rs", ttv_codegen::emit::eventsub::library),
        ("verbs.rs", ttv_codegen::emit::cli::verbs),
        ("routes.rs", ttv_codegen::emit::mock::routes),
    ];
    let quiet = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut files = Vec::new();
    let mut failure = None;
    for (name, emit) in emitters {
        match std::panic::catch_unwind(|| emit(model)) {
            Ok(text) => files.push((name, text)),
            Err(_) => {
                failure = Some(format!(
                    "ttv-codegen cannot emit {name} for {}; `check` missed this, which is a generator bug: please \
                     report it with the spec",
                    culprit(model, emit)
                ));
                break;
            }
        }
    }
    std::panic::set_hook(quiet);
    failure.map_or(Ok(files), Err)
}

/// The first endpoint, or else type, that the emitter cannot handle on its own.
fn culprit(model: &ttv_codegen::model::Model, emit: Emitter) -> String {
    let fails = |m: &ttv_codegen::model::Model| std::panic::catch_unwind(|| emit(m)).is_err();
    for e in &model.endpoints {
        let one = ttv_codegen::model::Model {
            endpoints: vec![e.clone()],
            types: model.types.clone(),
            eventsub: Default::default(),
        };
        if fails(&one) {
            return format!("endpoint \"{}\"", e.name);
        }
    }
    for t in &model.types {
        let one =
            ttv_codegen::model::Model { endpoints: Vec::new(), types: vec![t.clone()], eventsub: Default::default() };
        if fails(&one) {
            return format!("type \"{}\"", t.name);
        }
    }
    "this spec".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_the_emitter_cannot_handle_is_named_not_panicked_on() {
        let spec = "version: 1\nendpoints:\n  - name: Get Things\n    summary: Things.\n    doc: x\n    method: GET\n    path: /things\n    auth: either\n  - name: Get Other Things\n    summary: Others.\n    doc: y\n    method: GET\n    path: /others\n    auth: either\n";
        let mut model = ttv_codegen::load_str(spec).expect("valid");
        assert!(emit_guarded(&model).is_ok());
        // What validation refuses, forced into the model: `self` cannot be an identifier.
        model.endpoints[1].method_name = "self".into();
        let err = emit_guarded(&model).expect_err("cannot emit");
        assert!(err.contains("endpoint \"Get Other Things\""), "{err}");
    }
}
