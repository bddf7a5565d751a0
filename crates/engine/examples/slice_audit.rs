//! Run the slice audit on a CSV of predictions and print the section as
//! JSON (for bench/bench_slice_metrics.py; the pipeline's own path, minus
//! file IO, so the benchmark times the analysis).
//! Usage: cargo run --release -p assay-engine --example slice_audit -- FILE LABEL SCORE RESAMPLES COL…
use assay_engine::Cancel;
use assay_engine::analyses::slices::{SlicesAnalysis, SlicesOptions};
use assay_engine::analyses::{Analysis, Context};
use assay_engine::io::csv::{CsvOptions, read_csv};
use assay_engine::plan::{AuditPlan, ScoreColumn};
use assay_engine::predictions::Predictions;
use assay_engine::prepare::prepare;
use assay_engine::table::groups::GroupSpec;
use std::time::Instant;

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() < 6 {
        eprintln!("usage: slice_audit FILE LABEL SCORE RESAMPLES COL…");
        std::process::exit(2);
    }
    let mut plan = AuditPlan::new("data.csv");
    plan.predictions.label = a[2].clone();
    plan.predictions.scores = vec![ScoreColumn::new(a[3].clone())];
    plan.bootstrap.resamples = a[4].parse().expect("RESAMPLES is a number");
    let options = SlicesOptions {
        slices: a[5..]
            .iter()
            .map(|c| GroupSpec::Column {
                column: c.clone(),
                binning: None,
            })
            .collect(),
        ..Default::default()
    };
    let t0 = Instant::now();
    let f = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(&a[1]).unwrap());
    let (table, _) = read_csv(f, &CsvOptions::default(), &mut |_| {}).unwrap();
    let (prepared, _) = prepare(&table, &plan.predictions).unwrap();
    let predictions = Predictions::new(prepared);
    let read = t0.elapsed().as_secs_f64();
    let cancel = Cancel::new();
    let ctx = Context {
        table: &table,
        predictions: Some(&predictions),
        plan: &plan,
        bootstrap: plan.bootstrap_options(),
        data_name: "data.csv",
        data_sha256: "",
        model_sha256: None,
        cancel: &cancel,
    };
    let t1 = Instant::now();
    let out = SlicesAnalysis::run(&ctx, &options, &mut |_| {}).unwrap();
    let analysis = t1.elapsed().as_secs_f64();
    eprintln!("read+prepare {read:.3} s, slice audit {analysis:.3} s");
    println!(
        "{}",
        serde_json::json!({ "read_s": read, "analysis_s": analysis, "section": out.section })
    );
}
