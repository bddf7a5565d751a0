//! `assay`: evaluate models on private data, locally.
//!
//! `main` only parses arguments, dispatches, and turns an error into one line
//! on stderr and a non-zero exit code; the work is in the commands.

mod args;
mod commands;
mod model;
mod progress;
mod summary;

use clap::Parser;

fn main() {
    let cli = args::Cli::parse();
    let result = match cli.command {
        args::Command::Eval(a) => commands::eval(a, None),
        args::Command::Calibrate(a) => commands::calibrate(a),
        args::Command::Inspect(a) => commands::inspect(a),
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
