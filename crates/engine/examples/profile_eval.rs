//! Time each stage of an evaluation on a CSV, and of the calibration
//! analyses when the task is a classification (for profiling; not a
//! benchmark against a reference — see bench/).
//! Usage: cargo run --release -p assay-engine --example profile_eval -- FILE LABEL SCORE [RESAMPLES]
use assay_engine::bootstrap::BootstrapOptions;
use assay_engine::calibration::{self, Split, methods::Method};
use assay_engine::csv_read::{CsvOptions, read_csv};
use assay_engine::evaluate::{EvalOptions, evaluate};
use assay_engine::prepare::{ColumnSpec, prepare};
use std::time::Instant;

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let resamples: usize = a.get(4).map_or(0, |s| s.parse().unwrap());
    let spec = ColumnSpec {
        label: a[2].clone(),
        scores: vec![a[3].clone()],
        ..ColumnSpec::default()
    };
    let t = Instant::now();
    let f = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(&a[1]).unwrap());
    let opts = CsvOptions {
        columns: Some(spec.columns_needed()),
        ..CsvOptions::default()
    };
    let (table, _) = read_csv(f, &opts, &mut |_| {}).unwrap();
    println!("read     {:>8.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    let (p, _) = prepare(&table, &spec).unwrap();
    println!("prepare  {:>8.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    let o = EvalOptions {
        bootstrap: BootstrapOptions {
            resamples,
            ..Default::default()
        },
        ..Default::default()
    };
    let ev = evaluate(&p, &o, &mut |_| {}).unwrap();
    println!(
        "evaluate {:>8.1} ms ({} resamples)",
        t.elapsed().as_secs_f64() * 1e3,
        resamples
    );
    let t = Instant::now();
    let s = serde_json::to_string(&ev).unwrap();
    println!(
        "json     {:>8.1} ms ({} bytes)",
        t.elapsed().as_secs_f64() * 1e3,
        s.len()
    );
    if let assay_engine::prepare::Prepared::Regression { .. } = p {
        return;
    }
    let boot = o.bootstrap;
    let t = Instant::now();
    let _ = calibration::reliability(&p, 15, &boot, &mut |_| {}).unwrap();
    println!("reliability {:>8.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let split = Split::default();
    for m in Method::ALL {
        let t = Instant::now();
        let _ = calibration::recalibrate(&p, &[m], &split, 15, &boot, &mut |_| {}).unwrap();
        println!(
            "{:<11} {:>8.1} ms",
            m.name(),
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    let t = Instant::now();
    let _ = calibration::recalibrate(&p, &Method::ALL, &split, 15, &boot, &mut |_| {}).unwrap();
    println!("all methods {:>8.1} ms", t.elapsed().as_secs_f64() * 1e3);
}
