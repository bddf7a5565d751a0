#!/usr/bin/env python3
"""Regenerates the ONNX backend node tests (onnx.backend.test.case.node.collect_testcases, onnx
1.23.2) and writes into tests/onnx/node/ only those whose operators assay-runtime claims (the
STANDARD_OPS table in crates/runtime/src/model.rs) and whose tensors have element types it handles.

  tests/onnx/node_tests.tar.gz: <test>/model.onnx, <test>/test_data_set_<k>/{input,output}_<i>.pb
      (the layout of onnx's repository), gzipped to keep the repository small
  tests/onnx/node_manifest.txt: one line per generated test of the whole suite:
      <name> <tier> <claimed|unclaimed> <ops,…> [reason]

Tiers: tier1 and tier2 are the operator lists of the runtime's brief; a test's tier is the lowest
tier of any operator in its model ("other" when none). Usage: python3 tests/onnx/make_node_tests.py
"""
import os
import re
import shutil
import sys

import numpy as np
import onnx
from onnx.backend.test.case.node import collect_testcases

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "node")  # scratch folder, removed after packing

TIER1 = set("MatMul Gemm Add Sub Mul Div Relu Sigmoid Tanh Softmax LogSoftmax Conv BatchNormalization "
            "MaxPool AveragePool GlobalAveragePool Flatten Reshape Transpose Concat Constant Identity "
            "Dropout Clip LeakyRelu".split())
TIER2 = set("LayerNormalization Gelu Erf Sqrt Pow Gather Slice Unsqueeze Squeeze Cast Shape ConstantOfShape "
            "Expand Where Equal ReduceMean Neg Exp Range Split Less Not Tile Trilu ReduceSum ReduceMax "
            "ReduceMin ArgMax Greater Abs Log Max Min Sum Pad HardSigmoid HardSwish".split())

OK_TYPES = {onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE, onnx.TensorProto.INT64, onnx.TensorProto.INT32,
            onnx.TensorProto.BOOL, onnx.TensorProto.INT8, onnx.TensorProto.INT16, onnx.TensorProto.UINT8,
            onnx.TensorProto.UINT16, onnx.TensorProto.UINT32, onnx.TensorProto.UINT64,
            onnx.TensorProto.FLOAT16}


def claimed_ops():
    src = open(os.path.join(ROOT, "crates", "runtime", "src", "model.rs")).read()
    body = src.split("pub const STANDARD_OPS")[1].split("];")[0]
    return set(re.findall(r'"([A-Za-z0-9]+)"', body))


def tier(ops):
    if ops & TIER1:
        return "tier1"
    if ops & TIER2:
        return "tier2"
    return "other"


def type_problem(model):
    for vi in list(model.graph.input) + list(model.graph.output):
        t = vi.type
        if not t.HasField("tensor_type"):
            return "non-tensor input/output"
        if t.tensor_type.elem_type not in OK_TYPES:
            return f"element type {onnx.TensorProto.DataType.Name(t.tensor_type.elem_type)}"
        if t.tensor_type.HasField("shape") and len(t.tensor_type.shape.dim) > 6:
            return "rank above 6"
    return None


def main():
    ours = claimed_ops()
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    lines = []
    n_claimed = 0
    for case in collect_testcases(None):
        if case.kind != "node":
            continue
        model = case.model
        ops = {n.op_type for n in model.graph.node if n.domain in ("", "ai.onnx")}
        other_domains = {n.domain for n in model.graph.node if n.domain not in ("", "ai.onnx")}
        missing = sorted(ops - ours)
        reason = None
        if other_domains:
            reason = "domain " + ",".join(sorted(other_domains))
        elif missing:
            reason = "unsupported " + ",".join(missing)
        else:
            reason = type_problem(model)
        if reason is None:
            for inputs, outputs in case.data_sets:
                if not all(hasattr(a, "shape") and hasattr(a, "dtype") for a in list(inputs) + list(outputs)):
                    reason = "non-tensor data"
        status = "claimed" if reason is None else "unclaimed"
        lines.append(f"{case.name} {tier(ops)} {status} {','.join(sorted(ops))}" + (f" {reason.replace(' ', '_')}" if reason else ""))
        if reason is not None:
            continue
        n_claimed += 1
        d = os.path.join(OUT, case.name)
        os.makedirs(d)
        with open(os.path.join(d, "model.onnx"), "wb") as f:
            f.write(model.SerializeToString())
        for k, (inputs, outputs) in enumerate(case.data_sets):
            dd = os.path.join(d, f"test_data_set_{k}")
            os.makedirs(dd)
            for i, (vi, arr) in enumerate(zip(model.graph.input, inputs)):
                t = onnx.numpy_helper.from_array(arr, vi.name)
                open(os.path.join(dd, f"input_{i}.pb"), "wb").write(t.SerializeToString())
            for i, (vi, arr) in enumerate(zip(model.graph.output, outputs)):
                t = onnx.numpy_helper.from_array(arr, vi.name)
                open(os.path.join(dd, f"output_{i}.pb"), "wb").write(t.SerializeToString())
    with open(os.path.join(HERE, "node_manifest.txt"), "w") as f:
        f.write("\n".join(sorted(lines)) + "\n")
    # Deterministic archive: sorted names, zero mtimes, no owner names.
    import gzip
    import tarfile
    archive = os.path.join(HERE, "node_tests.tar.gz")
    with open(archive, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as gz:
            with tarfile.open(fileobj=gz, mode="w", format=tarfile.USTAR_FORMAT) as tar:
                for dirpath, dirnames, filenames in sorted(os.walk(OUT)):
                    dirnames.sort()
                    for fn in sorted(filenames):
                        full = os.path.join(dirpath, fn)
                        info = tar.gettarinfo(full, arcname=os.path.relpath(full, OUT))
                        info.mtime = 0
                        info.uid = info.gid = 0
                        info.uname = info.gname = ""
                        with open(full, "rb") as fh:
                            tar.addfile(info, fh)
    shutil.rmtree(OUT)
    print(f"{len(lines)} node tests, {n_claimed} claimed, written to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
