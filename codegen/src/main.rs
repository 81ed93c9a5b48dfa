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
                "{}: {} endpoints, {} types, no problems",
                spec_path.display(),
                model.endpoints.len(),
                model.types.len()
            );
            ExitCode::SUCCESS
        }
        Command::Emit { out, .. } => {
            if let Err(e) = std::fs::create_dir_all(&out) {
                eprintln!("cannot create {}: {e}", out.display());
                return ExitCode::FAILURE;
            }
            let files = [
                ("endpoints.rs", ttv_codegen::emit::client::library(&model)),
                ("verbs.rs", ttv_codegen::emit::cli::verbs(&model)),
            ];
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
        Command::Coverage { openapi, .. } => match ttv_codegen::coverage::run(&model, &openapi) {
            Ok(report) => {
                print!("{report}");
                if report.is_complete() {
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
