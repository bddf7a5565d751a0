//! Bad models and bad inputs: each gives one clear error line, never a panic.

mod common;
use common::*;

use assay_runtime::{HostTensor, LoadOptions, Model, RuntimeDevice, RuntimeError};

fn load_bytes(bytes: &[u8]) -> Result<Model, RuntimeError> {
    Model::load(bytes, &RuntimeDevice::cpu(), &LoadOptions::default())
}
fn file(rel: &str) -> Vec<u8> {
    std::fs::read(onnx_dir().join(rel)).unwrap()
}
fn one_line(e: &RuntimeError) -> String {
    let s = e.to_string();
    assert!(!s.contains('\n'), "not one line: {s}");
    println!("{s}");
    s
}

#[test]
fn random_bytes_are_not_onnx() {
    // xorshift noise, deterministic
    let mut x = 0x9E3779B97F4A7C15u64;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    let e = load_bytes(&bytes).unwrap_err();
    assert!(
        matches!(e, RuntimeError::NotOnnx(_) | RuntimeError::Corrupt(_)),
        "{e:?}"
    );
    one_line(&e);
    let e = load_bytes(&[]).unwrap_err();
    assert!(matches!(e, RuntimeError::NotOnnx(_)));
}

#[test]
fn csv_is_not_onnx() {
    let e = load_bytes(&file("data/digits_test.csv")).unwrap_err();
    assert!(matches!(e, RuntimeError::NotOnnx(_)), "{e:?}");
    assert!(one_line(&e).contains("not an ONNX model"));
}

#[test]
fn truncated_model_is_reported() {
    for name in ["models/digits_mlp.onnx", "models/ppocr_mobile_v2_cls.onnx"] {
        let b = file(name);
        for cut in [b.len() / 2, b.len() / 3, b.len() - 1] {
            let e = load_bytes(&b[..cut]).unwrap_err();
            assert!(
                matches!(e, RuntimeError::Corrupt(_) | RuntimeError::InvalidModel(_)),
                "{name} cut at {cut}: {e:?}"
            );
            one_line(&e);
        }
    }
}

#[test]
fn unsupported_ops_are_all_listed() {
    let e = load_bytes(&file("bad/unsupported_ops.onnx")).unwrap_err();
    let s = one_line(&e);
    assert!(matches!(e, RuntimeError::Unsupported(_)));
    assert!(s.contains("Einsum (node 'einsum_1')"), "{s}");
    assert!(
        s.contains("Frobnicate (node 'custom_1', domain com.example)"),
        "{s}"
    );
}

#[test]
fn zipmap_says_how_to_reexport() {
    let e = load_bytes(&file("bad/zipmap.onnx")).unwrap_err();
    let s = one_line(&e);
    assert!(s.contains("ZipMap"), "{s}");
    assert!(s.contains("domain ai.onnx.ml"), "{s}");
    assert!(s.contains("zipmap=False"), "{s}");
}

#[test]
fn size_limit() {
    let b = file("models/digits_mlp.onnx");
    let e = Model::load(&b, &RuntimeDevice::cpu(), &LoadOptions { max_bytes: 1000 }).unwrap_err();
    assert!(matches!(e, RuntimeError::TooLarge { .. }));
    assert!(one_line(&e).contains("over the limit"));
}

#[test]
fn wrong_inputs() {
    let m = load_bytes(&file("models/digits_mlp.onnx")).unwrap();
    // width ≠ features
    let e = m
        .run_blocking(vec![(
            "input".into(),
            HostTensor::f32(vec![2, 5], vec![0.0; 10]),
        )])
        .unwrap_err();
    assert_eq!(
        one_line(&e),
        "input 'input' expects 64 features per row, got 5"
    );
    // wrong rank
    let e = m
        .run_blocking(vec![(
            "input".into(),
            HostTensor::f32(vec![64], vec![0.0; 64]),
        )])
        .unwrap_err();
    assert!(one_line(&e).contains("expects shape [?, 64], got [64]"));
    // data length ≠ shape
    let e = m
        .run_blocking(vec![(
            "input".into(),
            HostTensor::f32(vec![2, 64], vec![0.0; 64]),
        )])
        .unwrap_err();
    assert!(one_line(&e).contains("needs 128 values"));
    // dtype
    let e = m
        .run_blocking(vec![(
            "input".into(),
            HostTensor::f64(vec![1, 64], vec![0.0; 64]),
        )])
        .unwrap_err();
    assert_eq!(
        one_line(&e),
        "input 'input' expects float32 values, got float64"
    );
    // unknown and missing names
    let e = m
        .run_blocking(vec![(
            "x".into(),
            HostTensor::f32(vec![1, 64], vec![0.0; 64]),
        )])
        .unwrap_err();
    assert_eq!(
        one_line(&e),
        "unknown input 'x'; the model's inputs are: input"
    );
    let e = m.run_blocking(vec![]).unwrap_err();
    assert!(matches!(e, RuntimeError::MissingInput { .. }));
    one_line(&e);
    // the happy path still works afterwards
    assert!(
        m.run_blocking(vec![(
            "input".into(),
            HostTensor::f32(vec![1, 64], vec![0.0; 64])
        )])
        .is_ok()
    );
}

#[test]
fn unknown_output_lists_available() {
    let m = load_bytes(&file("models/digits_mlp.onnx")).unwrap();
    assert_eq!(m.output_index("probabilities").unwrap(), 1);
    let e = m.output_index("proba").unwrap_err();
    assert_eq!(
        one_line(&e),
        "unknown output 'proba'; the model's outputs are: label, probabilities"
    );
}

#[test]
fn runtime_failure_names_op_and_node() {
    let m = load_bytes(&file("bad/bad_reshape.onnx")).unwrap();
    let e = m
        .run_blocking(vec![(
            "x".into(),
            HostTensor::f32(vec![2, 2], vec![1.0; 4]),
        )])
        .unwrap_err();
    let s = one_line(&e);
    assert!(matches!(e, RuntimeError::OpFailed { .. }));
    assert!(s.starts_with("Reshape node 'reshape_to_3' failed: "), "{s}");
    // and a size where it works
    let ok = m
        .run_blocking(vec![(
            "x".into(),
            HostTensor::f32(vec![3, 2], vec![1.0; 6]),
        )])
        .unwrap();
    assert_eq!(ok[0].1.shape, vec![3, 2]);
}

#[test]
fn mismatched_matmul_is_an_error_not_a_panic() {
    // The PaddleOCR model with a wrong image height: shapes flow into Reshape/MatMul and fail
    // inside the graph; the error must name an op, not crash.
    let m = load_bytes(&file("models/ppocr_mobile_v2_cls.onnx")).unwrap();
    let r = m.run_blocking(vec![(
        "x".into(),
        HostTensor::f32(vec![1, 3, 32, 100], vec![0.5; 3 * 32 * 100]),
    )]);
    if let Err(e) = r {
        one_line(&e);
    }
}
