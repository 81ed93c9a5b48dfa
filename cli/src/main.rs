//! `ttv`: the Twitch Helix API from the shell. One verb per endpoint, generated
//! from endpoints.yaml; JSON on stdout, messages on stderr.

mod advice;
mod api;
mod app;
mod args;
mod auth;
mod builtins;
mod chat;
mod completions;
mod config_file;
mod context;
mod credentials;
mod error;
mod events;
mod exit;
mod global_args;
mod model_check;
mod outcome;
mod output;
mod paging;
mod run;
#[cfg(all(test, feature = "mock"))]
mod test_support;
mod verb;
mod verb_command;
mod verb_table;
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
                eprintln!("ttv: {}", output::terminal_safe(&e.to_string()));
                ExitCode::from(e.exit_code())
            }
        };
    }
    if let Some(("completions", sub)) = matches.subcommand() {
        return match completions::print(sub, &mut app::command()) {
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
    let result = runtime.block_on(async {
        tokio::select! {
            result = run::main(&matches) => result,
            code = interrupted() => Ok(code),
        }
    });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("ttv: {}", output::terminal_safe(&e.to_string()));
            ExitCode::from(e.exit_code())
        }
    }
}

/// Ctrl-C or SIGTERM: lets a token refresh under way save its answer (the old
/// refresh token may be spent already), then exits 130 or 143 as shells expect.
async fn interrupted() -> u8 {
    let code = interrupt_signal().await;
    let _stopped = ttv_helix::__private::stop().await;
    eprintln!("ttv: interrupted");
    std::process::exit(i32::from(code))
}

#[cfg(unix)]
async fn interrupt_signal() -> u8 {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut interrupt), Ok(mut terminate)) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate()))
    else {
        // No handler: the default action (exit at once) stays.
        return std::future::pending().await;
    };
    tokio::select! {
        _ = interrupt.recv() => 130,
        _ = terminate.recv() => 143,
    }
}

#[cfg(not(unix))]
async fn interrupt_signal() -> u8 {
    match tokio::signal::ctrl_c().await {
        Ok(()) => 130,
        Err(_) => std::future::pending().await,
    }
}
