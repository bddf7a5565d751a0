//! Time each stage of an evaluation on a CSV, and of the calibration
//! analyses when the task is a classification (for profiling; not a
//! benchmark against a reference — see bench/).
//! Usage: cargo run --release -p assay-engine --example profile_eval -- FILE LABEL SCORE [RESAMPLES]
use assay_engine::Cancel;
use assay_engine::analyses::calibration::{Method, Split, recalibrate, reliability};
use assay_engine::analyses::evaluation::evaluate;
use assay_engine::io::csv::{CsvOptions, read_csv};
use assay_engine::plan::{PredictionSpec, ScoreColumn};
use assay_engine::predictions::Predictions;
use assay_engine::prepare::prepare;
use assay_engine::stats::bootstrap::BootstrapOptions;
use std::time::Instant;

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let resamples: usize = a.get(4).map_or(0, |s| s.parse().unwrap());
    let spec = PredictionSpec {
        label: a[2].clone(),
        scores: vec![ScoreColumn::new(a[3].clone())],
        ..PredictionSpec::default()
    };
    let cancel = Cancel::new();
    let t = Instant::now();
    let f = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(&a[1]).unwrap());
    let opts = CsvOptions {
        columns: Some(vec![a[2].clone(), a[3].clone()]),
        ..CsvOptions::default()
    };
    let (table, _) = read_csv(f, &opts, &mut |_| {}).unwrap();
    println!("read     {:>8.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    let (p, _) = prepare(&table, &spec).unwrap();
    let p = Predictions::new(p);
    println!("prepare  {:>8.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    let boot = BootstrapOptions {
        resamples,
        ..Default::default()
    };
    let ev = evaluate(&p, 0.5, 400, &boot, &cancel, &mut |_| {}).unwrap();
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
    if let assay_engine::prepare::Prepared::Regression { .. } = p.prepared() {
        return;
    }
    let t = Instant::now();
    let _ = reliability::reliability(&p, 15, &boot, &cancel, &mut |_| {}).unwrap();
    println!("reliability {:>8.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let split = Split::default();
    for m in Method::ALL {
        let t = Instant::now();
        let _ =
            recalibrate::recalibrate(p.prepared(), &[m], &split, 15, &boot, &cancel, &mut |_| {})
                .unwrap();
        println!(
            "{:<11} {:>8.1} ms",
            m.name(),
            t.elapsed().as_secs_f64() * 1e3
        );
    }
    let t = Instant::now();
    let _ = recalibrate::recalibrate(
        p.prepared(),
        &Method::ALL,
        &split,
        15,
        &boot,
        &cancel,
        &mut |_| {},
    )
    .unwrap();
    println!("all methods {:>8.1} ms", t.elapsed().as_secs_f64() * 1e3);
}
