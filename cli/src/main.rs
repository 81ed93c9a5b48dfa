//! `ttv`: the Twitch Helix API from the shell. One verb per endpoint, generated
//! from endpoints.yaml; JSON on stdout, messages on stderr.

mod api;
mod app;
mod args;
mod auth;
mod builtins;
mod completions;
mod config_file;
mod credentials;
mod exit;
mod output;
mod paging;
mod run;
mod waits;
mod verbs {
    include!(concat!(env!("OUT_DIR"), "/verbs.rs"));
}

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let matches = app::command_for(&args).get_matches_from(args);
    if let Some(("config", sub)) = matches.subcommand() {
        return match config_file::run(&matches, sub) {
            Ok(text) => {
                print!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("ttv: {e}");
                ExitCode::from(e.exit_code())
            }
        };
    }
    if let Some(("completions", sub)) = matches.subcommand() {
        return match completions::print(sub) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("ttv: cannot write the completion script: {e}");
                ExitCode::from(exit::INTERNAL)
            }
        };
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ttv: cannot start the async runtime: {e}");
            return ExitCode::from(exit::INTERNAL);
        }
    };
    match runtime.block_on(run::main(&matches)) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("ttv: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
