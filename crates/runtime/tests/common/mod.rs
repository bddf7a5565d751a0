#![allow(dead_code)]
use std::path::{Path, PathBuf};

use assay_runtime::{HostData, HostTensor, tensor_from_onnx_pb};

pub fn onnx_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/onnx")
}

pub fn read_pb(path: &Path) -> (String, HostTensor) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    tensor_from_onnx_pb(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Files `prefix_0.pb`, `prefix_1.pb`, … in order.
pub fn read_pbs(dir: &Path, prefix: &str) -> Vec<(String, HostTensor)> {
    let mut out = vec![];
    for i in 0.. {
        let p = dir.join(format!("{prefix}_{i}.pb"));
        if !p.exists() {
            break;
        }
        out.push(read_pb(&p));
    }
    out
}

/// Max absolute error, or Err with a description when shapes/kinds differ or a value is off
/// by more than `atol + rtol·|expected|`.
pub fn compare(got: &HostTensor, want: &HostTensor, atol: f64, rtol: f64) -> Result<f64, String> {
    let gs: Vec<usize> = got.shape.clone();
    if gs != want.shape
        && !(gs.iter().product::<usize>() == want.shape.iter().product::<usize>()
            && want.shape.iter().product::<usize>() <= 1)
    {
        return Err(format!("shape {:?}, expected {:?}", got.shape, want.shape));
    }
    let exact = matches!(
        want.data,
        HostData::I64(_) | HostData::I32(_) | HostData::Bool(_)
    );
    let (g, w) = (got.data.to_f64_vec(), want.data.to_f64_vec());
    if g.len() != w.len() {
        return Err(format!("{} values, expected {}", g.len(), w.len()));
    }
    let mut max = 0.0f64;
    for (i, (a, b)) in g.iter().zip(&w).enumerate() {
        if a.is_nan() && b.is_nan() || a == b {
            continue;
        }
        let d = (a - b).abs();
        let bad = if exact {
            d != 0.0
        } else {
            d.is_nan() || d > atol + rtol * b.abs()
        };
        if bad {
            return Err(format!("element {i}: got {a}, expected {b} (|diff| {d:e})"));
        }
        max = max.max(d);
    }
    Ok(max)
}
