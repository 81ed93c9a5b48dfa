//! `ttv completions SHELL`: a completion script for every verb and flag, from
//! the same command line the binary parses (clap_complete). Needs no
//! credentials, so it runs before any are looked for.

use clap::{Arg, ArgMatches, Command};
use clap_complete::Shell;

pub fn command() -> Command {
    Command::new("completions")
        .about("Print a shell completion script (bash, zsh, fish, elvish, powershell)")
        .long_about(
            "Print a completion script for every verb and flag.\n\n\
             bash: ttv completions bash > ~/.local/share/bash-completion/completions/ttv\n\
             zsh:  ttv completions zsh > \"${fpath[1]}/_ttv\"\n\
             fish: ttv completions fish > ~/.config/fish/completions/ttv.fish",
        )
        .arg(Arg::new("shell").required(true).value_parser(clap::value_parser!(Shell)).help("The shell"))
}

/// Writes the script of `cmd` (the whole command line, app.rs) for the shell
/// `matches` names to stdout.
pub fn print(matches: &ArgMatches, cmd: &mut Command) -> std::io::Result<()> {
    let shell = *matches.get_one::<Shell>("shell").expect("clap requires the shell");
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    clap_complete::generate(shell, cmd, "ttv", &mut out);
    std::io::Write::flush(&mut out)
}
