//! Helpers shared by the CLI tests: the binary, the repository, temp files,
//! hashes computed without the code under test.

#![allow(dead_code)] // each test file uses its own subset

use serde_json::Value as Json;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn assay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_assay"))
        .args(args)
        .output()
        .expect("assay runs")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("assay-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

/// Run `assay` and parse its JSON report from standard output.
pub fn run_json(args: &[&str]) -> Json {
    let o = assay(args);
    assert!(o.status.success(), "{:?}: {}", args, stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("stdout is only JSON")
}

/// A metric's value in a report.
pub fn metric_of(r: &Json, key: &str) -> f64 {
    r["evaluation"]["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == key)
        .unwrap()["value"]
        .as_f64()
        .unwrap()
}

/// A calibration fixture: its CSV and its reference values.
pub fn calib_case(name: &str) -> (PathBuf, Json) {
    let dir = repo().join("tests/golden/calibration");
    let g: Json =
        serde_json::from_str(&std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap())
            .unwrap();
    (dir.join(g["file"].as_str().unwrap()), g)
}

/// Arguments for a config object as written in tests/bad/cases.json.
pub fn config_args(file: &Path, c: &Json) -> Vec<String> {
    let mut a = vec![
        "eval".to_string(),
        "--data".into(),
        file.display().to_string(),
        "--label".into(),
        c["label"].as_str().unwrap().into(),
        "--bootstrap".into(),
        "20".into(),
    ];
    for s in c["scores"].as_array().unwrap() {
        a.push("--score".into());
        a.push(s.as_str().unwrap().into());
    }
    if let Some(p) = c.get("positive").and_then(Json::as_str) {
        a.push("--positive".into());
        a.push(p.into());
    }
    if c.get("logits").and_then(Json::as_bool) == Some(true) {
        a.push("--logits".into());
    }
    a
}

/// SHA-256 written out here so the test does not trust the code it checks.
pub fn sha256_hex(data: &[u8]) -> String {
    let out = Command::new("sha256sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(data)?;
            c.wait_with_output()
        })
        .expect("sha256sum is available");
    String::from_utf8(out.stdout).unwrap()[..64].to_owned()
}
