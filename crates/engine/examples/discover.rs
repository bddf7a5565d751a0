//! Weak-slice discovery on a CSV file, for benchmarks and quick looks.
//!
//! ```text
//! cargo run --release -p assay-engine --example discover -- FILE.csv \
//!     [--top-k 5] [--max-level 3] [--min-support 0] [--alpha 0.95] [--error error]
//! ```
//!
//! Every column but the error column is a feature, each of its values a
//! predicate (`GroupSpec::Values`). Prints one JSON object: the top slices
//! (predicates as column names and values), the search's counts, and the
//! seconds spent reading and searching.

use assay_engine::Cancel;
use assay_engine::analyses::slices::discover::{DiscoverOptions, discover};
use assay_engine::io::csv::{CsvOptions, read_csv};
use assay_engine::table::Column;
use assay_engine::table::groups::{GroupSpec, Groups};
use serde_json::json;
use std::time::Instant;

fn main() {
    if let Err(e) = run() {
        eprintln!("discover: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut path = None;
    let mut opts = DiscoverOptions::default();
    let mut error = "error".to_owned();
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--top-k" => opts.top_k = value()?.parse().map_err(|e| format!("{a}: {e}"))?,
            "--max-level" => opts.max_level = value()?.parse().map_err(|e| format!("{a}: {e}"))?,
            "--min-support" => {
                opts.min_support = value()?.parse().map_err(|e| format!("{a}: {e}"))?
            }
            "--alpha" => opts.alpha = value()?.parse().map_err(|e| format!("{a}: {e}"))?,
            "--error" => error = value()?,
            _ if path.is_none() && !a.starts_with("--") => path = Some(a),
            _ => return Err(format!("unexpected argument '{a}'")),
        }
    }
    let path = path.ok_or("usage: discover FILE.csv [--top-k K] [--max-level L] [--min-support N] [--alpha A] [--error COLUMN]")?;

    let start = Instant::now();
    let file = std::fs::File::open(&path).map_err(|e| format!("{path}: {e}"))?;
    let (table, _) = read_csv(
        std::io::BufReader::new(file),
        &CsvOptions::default(),
        &mut |_| {},
    )
    .map_err(|e| e.to_string())?;
    let errors = match table.column(&error) {
        Some(Column::Numeric(c)) => c.values.clone(),
        _ => return Err(format!("no numeric error column '{error}'")),
    };
    let features: Vec<Groups> = table
        .names()
        .iter()
        .filter(|n| **n != error)
        .map(|n| Groups::build(&table, &GroupSpec::Values { column: n.clone() }))
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let read_s = start.elapsed().as_secs_f64();

    let start = Instant::now();
    let refs: Vec<&Groups> = features.iter().collect();
    let d =
        discover(&refs, &errors, &opts, &Cancel::new(), &mut |_| {}).map_err(|e| e.to_string())?;
    let discover_s = start.elapsed().as_secs_f64();

    let slices: Vec<_> = d
        .slices
        .iter()
        .map(|s| {
            let predicates: Vec<_> = s
                .predicates
                .iter()
                .map(|p| {
                    let g = &features[p.column];
                    json!({"column": g.name, "value": g.labels[p.code as usize]})
                })
                .collect();
            json!({
                "predicates": predicates,
                "score": s.score,
                "rows": s.rows,
                "error_sum": s.error_sum,
                "mean_error": s.mean_error,
                "max_error": s.max_error,
            })
        })
        .collect();
    let out = json!({
        "slices": slices,
        "rows": d.rows,
        "mean_error": d.mean_error,
        "levels_searched": d.levels_searched,
        "candidates_evaluated": d.candidates_evaluated,
        "pruned": d.pruned,
        "seconds": {"read": read_s, "discover": discover_s},
    });
    println!("{out}");
    Ok(())
}
