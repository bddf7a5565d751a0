//! Times `Model::run_blocking` on the CPU (flex): digits MLP at batch 1 and 256, PaddleOCR's
//! text-direction classifier at batch 1 and 32. Prints the median of N runs in ms per batch.
//!
//!     cargo run --release -p assay-runtime --example bench_native [-- N]

use std::time::Instant;

use assay_runtime::{HostTensor, LoadOptions, Model, RuntimeDevice};

fn lcg(n: usize, seed: u64) -> Vec<f32> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
        })
        .collect()
}

fn bench(model: &Model, input: &str, shape: Vec<usize>, reps: usize) -> f64 {
    let n: usize = shape.iter().product();
    let x = HostTensor::f32(
        shape.clone(),
        lcg(n, 42).iter().map(|v| (v + 1.0) * 8.0).collect(),
    );
    // warm-up
    for _ in 0..3 {
        model.run_blocking(vec![(input.into(), x.clone())]).unwrap();
    }
    let mut t = vec![];
    for _ in 0..reps {
        let s = Instant::now();
        let out = model.run_blocking(vec![(input.into(), x.clone())]).unwrap();
        t.push(s.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(out);
    }
    t.sort_by(|a, b| a.partial_cmp(b).unwrap());
    t[t.len() / 2]
}

fn main() {
    let reps: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(50);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/onnx/models");
    let dev = RuntimeDevice::cpu();
    let opts = LoadOptions::default();
    println!("device: {}, median of {reps} runs", dev.description());
    let t = Instant::now();
    let digits = Model::load(
        &std::fs::read(root.join("digits_mlp.onnx")).unwrap(),
        &dev,
        &opts,
    )
    .unwrap();
    println!("digits_mlp load: {:.2} ms", t.elapsed().as_secs_f64() * 1e3);
    for b in [1, 256] {
        println!(
            "digits_mlp batch {b:>3}: {:.3} ms",
            bench(&digits, "input", vec![b, 64], reps)
        );
    }
    let t = Instant::now();
    let ocr = Model::load(
        &std::fs::read(root.join("ppocr_mobile_v2_cls.onnx")).unwrap(),
        &dev,
        &opts,
    )
    .unwrap();
    println!("ppocr_cls load: {:.2} ms", t.elapsed().as_secs_f64() * 1e3);
    for b in [1, 32] {
        let r = if b == 1 { reps } else { (reps / 5).max(5) };
        println!(
            "ppocr_cls  batch {b:>3}: {:.3} ms",
            bench(&ocr, "x", vec![b, 3, 48, 192], r)
        );
    }
}
