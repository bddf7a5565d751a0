//! `assay`: evaluate models on private data, locally.
//!
//! `main` only parses arguments, dispatches, and turns an error into one line
//! on stderr and a non-zero exit code; the work is in the commands.

mod args;
mod commands;
mod plan;
mod progress;

use clap::Parser;

fn main() {
    keep_freed_memory();
    let cli = args::Cli::parse();
    let result = match cli.command {
        args::Command::Eval(a) => commands::eval(a),
        args::Command::Calibrate(a) => commands::calibrate(a),
        args::Command::Inspect(a) => commands::inspect(a),
        args::Command::Run(a) => commands::run(a),
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

/// The analyses allocate and drop many column-sized buffers (8 MB for a
/// million f64). glibc serves such sizes with fresh `mmap`s and returns them
/// on free, so every buffer pays its page faults again — a fifth of the
/// time of `assay calibrate` on a million rows. Serving them from the heap
/// and not trimming it lets freed pages be reused; one arena for all
/// threads lets a buffer freed by a worker thread serve the next allocation
/// on any other (which also lowers the peak: 150–175 MB instead of 208 MB
/// for that run). Memory goes back to the OS at exit.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn keep_freed_memory() {
    // SAFETY: mallopt only adjusts allocator thresholds; it is called before
    // any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 512 << 20);
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn keep_freed_memory() {}
