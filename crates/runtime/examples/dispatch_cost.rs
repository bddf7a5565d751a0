//! Per-node cost of the interpreter loop on the CPU (flex), measured two ways:
//!
//! 1. the digits MLP (`tests/onnx/models/digits_mlp.onnx`) at batch 1: the time of one
//!    `run_blocking` divided by the number of nodes. At batch 1 the maths is a few thousand
//!    multiply-adds, so this is dominated by what every node pays (op lookup, input and output
//!    bookkeeping, the backend's per-op overhead), plus the input upload and output read-back;
//! 2. chains of N cheap nodes built here (Identity; Add of a scalar constant, the elementwise fast
//!    path; Relu, the unary fast path; Abs, the general unary path; Unsqueeze+Squeeze, host-side
//!    shape ops) on a `[1, 8]` input: (time(N = 1001) − time(N = 1)) / 1000 is the cost of one
//!    node, the fixed per-run cost cancelling out.
//!
//! Each round times many runs and takes their mean; a figure is the fastest round (the one least
//! disturbed by other processes: on a shared machine the median wanders by 2×), with the median
//! in brackets. `RAYON_NUM_THREADS=1` takes the thread pool out of the picture.
//!
//!     cargo run --release -p assay-runtime --example dispatch_cost [-- ROUNDS]
//!
//! On a busy machine, count instructions instead: `-- --count OP N RUNS` loads one model (OP a
//! chain op above, or `digits`; N its length) and runs it RUNS times, printing nothing, e.g.
//!
//!     RAYON_NUM_THREADS=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!         target/release/examples/dispatch_cost --count Relu 1001 30
//!
//! (instructions(N = 1001) − instructions(N = 1)) / (1000 · RUNS) is the cost of one node.

use std::time::Instant;

use assay_runtime::{HostTensor, LoadOptions, Model, RuntimeDevice};
use onnx_ir::{GraphProto, Message, ModelProto, NodeProto, TensorProto, ValueInfoProto};

/// A chain `x → op → op → … → y` of `n` nodes (opset 13). With `scalar`, every node also reads
/// the float constant `c` (shape `[]`) as its second input; `pair` alternates Unsqueeze(axes=[0])
/// and Squeeze(axes=[0]) (axes as an int64 constant input, as opset 13 wants).
fn chain(op: &str, n: usize, scalar: bool) -> Vec<u8> {
    let mut g = GraphProto::new();
    g.name = format!("{op}_chain");
    let mut x = ValueInfoProto::new();
    x.name = "x".into();
    g.input.push(x);
    if scalar {
        let mut c = TensorProto::new();
        c.name = "c".into();
        c.data_type = 1; // FLOAT
        c.float_data = vec![0.5];
        g.initializer.push(c);
    }
    let pair = op == "Unsqueeze+Squeeze";
    if pair {
        let mut a = TensorProto::new();
        a.name = "axes".into();
        a.data_type = 7; // INT64
        a.dims = vec![1];
        a.int64_data = vec![0];
        g.initializer.push(a);
    }
    let mut prev = "x".to_string();
    for i in 0..n {
        let mut node = NodeProto::new();
        node.op_type = if pair {
            if i % 2 == 0 { "Unsqueeze" } else { "Squeeze" }.into()
        } else {
            op.into()
        };
        node.name = format!("n{i}");
        node.input.push(prev.clone());
        if scalar {
            node.input.push("c".into());
        }
        if pair {
            node.input.push("axes".into());
        }
        let out = if i + 1 == n {
            "y".to_string()
        } else {
            format!("v{i}")
        };
        node.output.push(out.clone());
        g.node.push(node);
        prev = out;
    }
    let mut y = ValueInfoProto::new();
    y.name = "y".into();
    g.output.push(y);
    let mut m = ModelProto::new();
    m.ir_version = 8;
    m.opset_import.push(Default::default());
    m.opset_import[0].version = 13;
    m.graph = Some(g).into();
    m.write_to_bytes().expect("encodes")
}

/// (fastest, median) over `rounds` of the mean time (µs) of one run, each round lasting about `ms`.
fn time_runs(model: &Model, input: &str, x: &HostTensor, rounds: usize, ms: f64) -> (f64, f64) {
    let run = || {
        let out = model.run_blocking(vec![(input.into(), x.clone())]).unwrap();
        std::hint::black_box(out);
    };
    // Warm-up, and a calibration of how many runs fill a round.
    let t = Instant::now();
    let mut k = 0usize;
    while t.elapsed().as_secs_f64() * 1e3 < ms / 2.0 || k < 3 {
        run();
        k += 1;
    }
    let per = t.elapsed().as_secs_f64() / k as f64;
    let reps = ((ms / 1e3) / per).ceil().max(3.0) as usize;
    let mut means = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..reps {
            run();
        }
        means.push(t.elapsed().as_secs_f64() * 1e6 / reps as f64);
    }
    means.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (means[0], means[means.len() / 2])
}

/// `--count OP N RUNS`: one model, a fixed number of runs, nothing printed.
fn count(args: &[String]) {
    let (op, n, runs): (&str, usize, usize) = (
        &args[0],
        args[1].parse().expect("N"),
        args[2].parse().expect("RUNS"),
    );
    let dev = RuntimeDevice::cpu();
    let opts = LoadOptions::default();
    let (model, input, x) = if op == "digits" {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/onnx/models");
        let bytes = std::fs::read(root.join("digits_mlp.onnx")).unwrap();
        let x = HostTensor::f32(vec![1, 64], (0..64).map(|i| (i % 17) as f32).collect());
        (Model::load(&bytes, &dev, &opts).unwrap(), "input", x)
    } else {
        let bytes = chain(op, n, op == "Add");
        let x = HostTensor::f32(vec![1, 8], (0..8).map(|i| i as f32 - 3.5).collect());
        (Model::load(&bytes, &dev, &opts).unwrap(), "x", x)
    };
    for _ in 0..runs {
        let out = model.run_blocking(vec![(input.into(), x.clone())]).unwrap();
        std::hint::black_box(out);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(|s| s.as_str()) == Some("--count") {
        return count(&args[1..]);
    }
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    let dev = RuntimeDevice::cpu();
    let opts = LoadOptions::default();
    println!(
        "device: {}, fastest [median] of {rounds} rounds (mean of many runs each)",
        dev.description()
    );

    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/onnx/models");
    let digits = Model::load(
        &std::fs::read(root.join("digits_mlp.onnx")).unwrap(),
        &dev,
        &opts,
    )
    .unwrap();
    let nodes: usize = digits.op_summary().iter().map(|(_, c)| c).sum();
    let x = HostTensor::f32(vec![1, 64], (0..64).map(|i| (i % 17) as f32).collect());
    let (t, med) = time_runs(&digits, "input", &x, rounds, 50.0);
    println!(
        "digits_mlp batch 1: {:.3} [{:.3}] µs per node ({t:.2} [{med:.2}] µs per run, {nodes} nodes: {:?})",
        t / nodes as f64,
        med / nodes as f64,
        digits.op_summary(),
    );

    let x = HostTensor::f32(vec![1, 8], (0..8).map(|i| i as f32 - 3.5).collect());
    for (op, scalar) in [
        ("Identity", false),
        ("Add", true),
        ("Relu", false),
        ("Abs", false),
        ("Unsqueeze+Squeeze", false),
    ] {
        let (short, long) = (1usize, 1001usize);
        let m1 = Model::load(&chain(op, short, scalar), &dev, &opts).unwrap();
        let mn = Model::load(&chain(op, long, scalar), &dev, &opts).unwrap();
        let (t1, m1) = time_runs(&m1, "x", &x, rounds, 20.0);
        let (tn, mn) = time_runs(&mn, "x", &x, rounds, 60.0);
        let per = |a: f64, b: f64| (b - a) / (long - short) as f64;
        println!(
            "{op:>17} chain: {:.3} [{:.3}] µs per node (N=1: {t1:.2} µs, N=1001: {tn:.1} µs per run)",
            per(t1, tn),
            per(m1, mn)
        );
    }
}
