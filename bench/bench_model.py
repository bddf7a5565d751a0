#!/usr/bin/env python3
"""Benchmark: Assay's ONNX runtime (native, CPU) against onnxruntime (Python), side by side.

Runs, in one go and on the same models, batch sizes and input shapes:
  - Assay: `cargo run --release -p assay-runtime --example bench_native -- REPS`
    (burn's flex CPU backend; median ms per batch);
  - onnxruntime 1.32 (CPU execution provider, intra-op threads = this machine's
    cores): median ms per batch over the same number of runs, after warm-up.
Models: the skl2onnx digits MLP (64→64→10) at batch 1 and 256, and the
PaddleOCR text-direction classifier CNN (3×48×192) at batch 1 and 32.
Prints both and the ratio (onnxruntime time / Assay time: ≥ 1 means Assay is
at parity or faster). Usage: python3 bench/bench_model.py [REPS]
"""
import os, re, subprocess, sys, time
from pathlib import Path

import numpy as np
import onnxruntime as ort

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "tests/onnx/models"


def median_ms(sess, name, x, reps):
    for _ in range(3):
        sess.run(None, {name: x})
    t = []
    for _ in range(reps):
        s = time.perf_counter()
        sess.run(None, {name: x})
        t.append((time.perf_counter() - s) * 1e3)
    return float(np.median(t))


def main():
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    out = subprocess.run(
        ["cargo", "run", "--release", "-q", "-p", "assay-runtime", "--example", "bench_native", "--", str(reps)],
        cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        sys.exit(out.stderr)
    assay = {}
    for line in out.stdout.splitlines():
        m = re.match(r"(\w+)\s+batch\s+(\d+): ([\d.]+) ms", line)
        if m:
            assay[(m.group(1), int(m.group(2)))] = float(m.group(3))
    so = ort.SessionOptions()
    so.intra_op_num_threads = os.cpu_count()
    rng = np.random.default_rng(42)
    digits = ort.InferenceSession(str(MODELS / "digits_mlp.onnx"), so, providers=["CPUExecutionProvider"])
    ocr = ort.InferenceSession(str(MODELS / "ppocr_mobile_v2_cls.onnx"), so, providers=["CPUExecutionProvider"])
    cases = [
        ("digits_mlp", 1, digits, "input", (1, 64), reps),
        ("digits_mlp", 256, digits, "input", (256, 64), reps),
        ("ppocr_cls", 1, ocr, "x", (1, 3, 48, 192), reps),
        ("ppocr_cls", 32, ocr, "x", (32, 3, 48, 192), max(reps // 5, 5)),
    ]
    print(f"{os.cpu_count()} cores; onnxruntime {ort.__version__}; median of {reps} runs (batch 32: {max(reps // 5, 5)})")
    print(f"{'model':<12}{'batch':>6}{'onnxruntime':>14}{'assay':>12}{'ratio':>9}")
    for name, b, sess, inp, shape, r in cases:
        x = ((rng.random(shape, dtype=np.float32) * 2 - 1) + 1) * 8
        t_ort = median_ms(sess, inp, x.astype(np.float32), r)
        t_assay = assay[(name, b)]
        print(f"{name:<12}{b:>6}{t_ort:>11.3f} ms{t_assay:>9.3f} ms{t_ort / t_assay:>8.2f}x")


if __name__ == "__main__":
    main()
