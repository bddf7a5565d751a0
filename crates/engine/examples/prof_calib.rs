//! Time each stage of a calibration analysis on a binary CSV (profiling aid;
//! the comparison against scikit-learn is bench/bench_calibration.py).
//! Usage: cargo run --release -p assay-engine --example prof_calib -- FILE LABEL SCORE
use assay_engine::bootstrap::BootstrapOptions;
use assay_engine::calibration::{self, Split, methods::Method};
use assay_engine::csv_read::{CsvOptions, read_csv};
use assay_engine::prepare::{ColumnSpec, prepare};
use std::time::Instant;

fn main() {
    let a: Vec<String> = std::env::args().collect();
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
    println!("read         {:>8.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    let (p, _) = prepare(&table, &spec).unwrap();
    println!("prepare      {:>8.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let boot = BootstrapOptions {
        resamples: 0,
        ..Default::default()
    };
    let t = Instant::now();
    let _ = assay_engine::evaluate::evaluate(
        &p,
        &assay_engine::evaluate::EvalOptions {
            bootstrap: boot,
            ..Default::default()
        },
        &mut |_| {},
    )
    .unwrap();
    println!("evaluate     {:>8.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    let _ = calibration::reliability(&p, 15, &boot, &mut |_| {}).unwrap();
    println!("reliability  {:>8.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let split = Split::default();
    for m in &Method::ALL {
        let t = Instant::now();
        let _ = calibration::recalibrate(&p, &[*m], &split, 15, &boot, &mut |_| {}).unwrap();
        println!(
            "{:<12} {:>8.1} ms",
            format!("{m:?}"),
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    let t = Instant::now();
    let _ = calibration::recalibrate(&p, &Method::ALL, &split, 15, &boot, &mut |_| {}).unwrap();
    println!("all methods  {:>8.1} ms", t.elapsed().as_secs_f64() * 1e3);
}
