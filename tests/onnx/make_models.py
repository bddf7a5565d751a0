#!/usr/bin/env python3
"""Writes the real-model fixtures of assay-runtime's tests (run from anywhere):

  tests/onnx/models/*.onnx          small ONNX models (skl2onnx exports, PaddleOCR's text-direction
                                    classifier, two ONNX-zoo CNNs with seeded random weights)
  tests/onnx/expected/<model>/      input_<i>.pb and output_<i>.pb: ONNX TensorProto files, the
                                    outputs computed by onnxruntime; meta.json: names and notes
  tests/onnx/data/digits_test.csv   the digits test split (f0..f63, label)

Versions used: scikit-learn 1.9.1, skl2onnx 1.20.0, onnxruntime 1.32.0, onnx 1.23.2, and the
rapidocr-onnxruntime 1.4.4 wheel (pip download rapidocr-onnxruntime==1.4.4 --no-deps) for the
PaddleOCR model; pass its path with --rapidocr-wheel (default: /tmp/wheels/…).
"""
import argparse
import json
import os
import zipfile

import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "models")
EXPECTED = os.path.join(HERE, "expected")
DATA = os.path.join(HERE, "data")


def save_case(name, model_path, feeds, extra=None):
    """Runs onnxruntime on feeds and writes inputs/outputs as TensorProto files."""
    sess = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    outs = sess.run(None, feeds)
    d = os.path.join(EXPECTED, name)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        os.remove(os.path.join(d, f))
    in_names = list(feeds.keys())
    for i, k in enumerate(in_names):
        with open(os.path.join(d, f"input_{i}.pb"), "wb") as fh:
            fh.write(numpy_helper.from_array(np.asarray(feeds[k]), k).SerializeToString())
    out_names = [o.name for o in sess.get_outputs()]
    for i, (k, v) in enumerate(zip(out_names, outs)):
        with open(os.path.join(d, f"output_{i}.pb"), "wb") as fh:
            fh.write(numpy_helper.from_array(np.asarray(v), k).SerializeToString())
    meta = {"model": os.path.basename(model_path), "inputs": in_names, "outputs": out_names}
    meta.update(extra or {})
    with open(os.path.join(d, "meta.json"), "w") as fh:
        json.dump(meta, fh, indent=1)
    print(f"{name}: {os.path.getsize(model_path)} bytes, outputs {[(k, np.asarray(v).shape) for k, v in zip(out_names, outs)]}")
    return outs


def skl(args):
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.metrics import accuracy_score, log_loss
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import Normalizer, StandardScaler

    # (a) digits: StandardScaler + MLPClassifier(64,)
    X, y = load_digits(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)
    mlp = MLPClassifier(hidden_layer_sizes=(64,), max_iter=300, random_state=0)
    pipe = make_pipeline(StandardScaler(), mlp).fit(Xtr, ytr)
    onx = convert_sklearn(pipe, initial_types=[("input", FloatTensorType([None, 64]))],
                          options={id(mlp): {"zipmap": False}}, target_opset={"": 17, "ai.onnx.ml": 3})
    path = os.path.join(MODELS, "digits_mlp.onnx")
    onnx.save(onx, path)
    proba = pipe.predict_proba(Xte.astype(np.float32))
    acc = accuracy_score(yte, pipe.predict(Xte.astype(np.float32)))
    ll = log_loss(yte, proba, labels=list(range(10)))
    with open(os.path.join(DATA, "digits_test.csv"), "w") as fh:
        fh.write(",".join([f"f{i}" for i in range(64)] + ["label"]) + "\n")
        for row, lab in zip(Xte, yte):
            fh.write(",".join(str(int(v)) for v in row) + f",{int(lab)}\n")
    save_case("digits_mlp", path, {"input": Xte.astype(np.float32)},
              {"sklearn_accuracy": acc, "sklearn_log_loss": ll, "rows": int(len(yte))})

    # (b) regression: StandardScaler + Ridge on diabetes
    X, y = load_diabetes(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=0)
    reg = make_pipeline(StandardScaler(), Ridge(alpha=1.0)).fit(Xtr, ytr)
    onx = convert_sklearn(reg, initial_types=[("input", FloatTensorType([None, X.shape[1]]))],
                          target_opset={"": 17, "ai.onnx.ml": 3})
    path = os.path.join(MODELS, "diabetes_ridge.onnx")
    onnx.save(onx, path)
    save_case("diabetes_ridge", path, {"input": Xte.astype(np.float32)})

    # (c) LogisticRegression: binary (breast cancer) and multiclass (iris), with a Normalizer step
    X, y = load_breast_cancer(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=0)
    lr = LogisticRegression(max_iter=1000)
    clf = make_pipeline(StandardScaler(), lr).fit(Xtr, ytr)
    onx = convert_sklearn(clf, initial_types=[("input", FloatTensorType([None, X.shape[1]]))],
                          options={id(lr): {"zipmap": False}}, target_opset={"": 17, "ai.onnx.ml": 3})
    path = os.path.join(MODELS, "cancer_logreg.onnx")
    onnx.save(onx, path)
    save_case("cancer_logreg", path, {"input": Xte.astype(np.float32)})

    X, y = load_iris(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=0)
    lr = LogisticRegression(max_iter=1000)
    clf = make_pipeline(Normalizer(norm="l2"), StandardScaler(), lr).fit(Xtr, ytr)
    onx = convert_sklearn(clf, initial_types=[("input", FloatTensorType([None, 4]))],
                          options={id(lr): {"zipmap": False}}, target_opset={"": 17, "ai.onnx.ml": 3})
    path = os.path.join(MODELS, "iris_logreg.onnx")
    onnx.save(onx, path)
    save_case("iris_logreg", path, {"input": Xte.astype(np.float32)})


def trees(args):
    """Tree ensembles (TreeEnsembleClassifier / TreeEnsembleRegressor)."""
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
    from sklearn.ensemble import (GradientBoostingClassifier, GradientBoostingRegressor,
                                  RandomForestClassifier, RandomForestRegressor)
    from sklearn.model_selection import train_test_split

    cases = [
        ("iris_forest", load_iris, RandomForestClassifier(n_estimators=10, max_depth=4, random_state=0)),
        ("cancer_gboost", load_breast_cancer, GradientBoostingClassifier(n_estimators=20, max_depth=3, random_state=0)),
        ("iris_gboost", load_iris, GradientBoostingClassifier(n_estimators=10, max_depth=2, random_state=0)),
        ("cancer_forest", load_breast_cancer, RandomForestClassifier(n_estimators=8, max_depth=4, random_state=0)),
        ("diabetes_forest", load_diabetes, RandomForestRegressor(n_estimators=10, max_depth=5, random_state=0)),
        ("diabetes_gboost", load_diabetes, GradientBoostingRegressor(n_estimators=20, max_depth=3, random_state=0)),
    ]
    for name, loader, est in cases:
        X, y = loader(return_X_y=True)
        Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=0)
        est.fit(Xtr, ytr)
        opts = {id(est): {"zipmap": False}} if hasattr(est, "predict_proba") else None
        onx = convert_sklearn(est, initial_types=[("input", FloatTensorType([None, X.shape[1]]))],
                              options=opts, target_opset={"": 17, "ai.onnx.ml": 3})
        path = os.path.join(MODELS, f"{name}.onnx")
        onnx.save(onx, path)
        save_case(name, path, {"input": Xte.astype(np.float32)})


def svms(args):
    """Kernel machines (SVMClassifier / SVMRegressor), behind a StandardScaler as users fit them."""
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC, SVR

    cases = [
        # binary, RBF kernel, Platt probabilities
        ("cancer_svc", load_breast_cancer, SVC(probability=True, random_state=0)),
        # three classes, polynomial kernel, pairwise coupling of the probabilities
        ("iris_svc", load_iris, SVC(kernel="poly", degree=3, probability=True, random_state=0)),
        # three classes without probabilities: skl2onnx turns the votes into scores with extra ops
        ("iris_svc_votes", load_iris, SVC(kernel="rbf")),
        ("diabetes_svr", load_diabetes, SVR(C=100.0)),
    ]
    for name, loader, est in cases:
        X, y = loader(return_X_y=True)
        Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=0)
        pipe = make_pipeline(StandardScaler(), est).fit(Xtr, ytr)
        opts = {id(est): {"zipmap": False}} if name != "diabetes_svr" else None
        onx = convert_sklearn(pipe, initial_types=[("input", FloatTensorType([None, X.shape[1]]))],
                              options=opts, target_opset={"": 17, "ai.onnx.ml": 3})
        path = os.path.join(MODELS, f"{name}.onnx")
        onnx.save(onx, path)
        save_case(name, path, {"input": Xte.astype(np.float32)})


def paddle(args):
    with zipfile.ZipFile(args.rapidocr_wheel) as z:
        name = [n for n in z.namelist() if n.endswith("ch_ppocr_mobile_v2.0_cls_infer.onnx")][0]
        data = z.read(name)
    path = os.path.join(MODELS, "ppocr_mobile_v2_cls.onnx")
    with open(path, "wb") as fh:
        fh.write(data)
    m = onnx.load(path)
    iname = m.graph.input[0].name
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, size=(1, 3, 48, 192)).astype(np.float32)
    save_case("ppocr_cls", path, {iname: x})
    x4 = rng.uniform(-1, 1, size=(4, 3, 48, 192)).astype(np.float32)
    save_case("ppocr_cls_b4", path, {iname: x4})


def zoo(args, which):
    """An onnx-wheel `light` CNN: its ConstantOfShape weights become seeded random initializers
    (He-scaled, batch-norm statistics near identity), and the softmax's input becomes an extra
    output so the logits are compared too."""
    src = os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "light", f"light_{which}.onnx")
    m = onnx.load(src)
    g = m.graph
    rng = np.random.default_rng(42)
    consts = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    for n in g.node:
        if n.op_type == "Constant":
            consts[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
    # how each generated tensor is used: (op, input slot)
    use = {}
    for n in g.node:
        for k, i in enumerate(n.input):
            use.setdefault(i, (n.op_type, k))
    new_inits = []
    keep = []
    for n in g.node:
        if n.op_type != "ConstantOfShape":
            keep.append(n)
            continue
        shape = tuple(int(v) for v in consts[n.input[0]])
        out = n.output[0]
        op, slot = use.get(out, ("?", -1))
        if op in ("Conv", "Gemm", "MatMul") and slot == 1:
            fan_in = int(np.prod(shape[1:])) if op != "MatMul" else shape[0]
            w = rng.normal(0, np.sqrt(2.0 / fan_in), size=shape)
        elif op == "BatchNormalization":
            w = {1: rng.uniform(0.5, 1.5, shape), 2: rng.normal(0, 0.1, shape),
                 3: rng.normal(0, 0.1, shape), 4: rng.uniform(0.5, 1.5, shape)}[slot]
        else:  # biases and the rest
            w = rng.normal(0, 0.05, size=shape)
        new_inits.append(numpy_helper.from_array(w.astype(np.float32), out))
    del g.node[:]
    g.node.extend(keep)
    # drop the initializers that only fed ConstantOfShape
    used = {i for n in g.node for i in n.input}
    kept_inits = [i for i in g.initializer if i.name in used]
    del g.initializer[:]
    g.initializer.extend(kept_inits + new_inits)
    generated = {t.name for t in new_inits}
    inputs = [i for i in g.input if i.name in used and i.name not in generated
              and i.name not in {t.name for t in kept_inits}]
    del g.input[:]
    g.input.extend(inputs)
    sm = [n for n in g.node if n.op_type == "Softmax"]
    if sm:
        vi = onnx.ValueInfoProto()
        vi.CopyFrom(g.output[0])
        vi.name = sm[-1].input[0]
        g.output.append(vi)
    m.ir_version = max(m.ir_version, 7)  # initializers need not be graph inputs from IR 4 on
    onnx.checker.check_model(m)
    iname = g.input[0].name
    shape = [d.dim_value for d in g.input[0].type.tensor_type.shape.dim]
    x = np.random.default_rng(7).normal(0, 1, size=shape).astype(np.float32)
    # Data-dependent batch-norm statistics, layer by layer, so that activations stay O(1)
    # (random weights with residual sums otherwise grow without bound).
    inits = {t.name: t for t in g.initializer}
    for bn in [n for n in g.node if n.op_type == "BatchNormalization"]:
        probe = onnx.ModelProto()
        probe.CopyFrom(m)
        vi = onnx.ValueInfoProto()
        vi.name = bn.input[0]
        probe.graph.output.append(vi)
        sess = ort.InferenceSession(probe.SerializeToString(), providers=["CPUExecutionProvider"])
        act = sess.run([bn.input[0]], {iname: x})[0]
        axes = tuple(i for i in range(act.ndim) if i != 1)
        for slot, val in ((3, act.mean(axis=axes)), (4, act.var(axis=axes) + 1e-3)):
            t = inits[bn.input[slot]]
            t.CopyFrom(numpy_helper.from_array(val.astype(np.float32), t.name))
    path = os.path.join(MODELS, f"{which}_random.onnx")
    onnx.save(m, path)
    outs = save_case(f"{which}_random", path, {iname: x})
    for o in outs:
        print("   max |value|", float(np.abs(o).max()))


def bad(args):
    """Models that must be refused or fail with a clear message."""
    from onnx import TensorProto as TP
    d = os.path.join(HERE, "bad")
    os.makedirs(d, exist_ok=True)
    # Two unsupported operators: Einsum (standard) and one of a custom domain.
    g = helper.make_graph(
        [helper.make_node("Einsum", ["x", "x"], ["y"], name="einsum_1", equation="ij,ij->i"),
         helper.make_node("Frobnicate", ["y"], ["z"], name="custom_1", domain="com.example")],
        "unsupported", [helper.make_tensor_value_info("x", TP.FLOAT, [2, 2])],
        [helper.make_tensor_value_info("z", TP.FLOAT, [2])])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.example", 1)])
    onnx.save(m, os.path.join(d, "unsupported_ops.onnx"))
    # A classifier exported with the default ZipMap output.
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression
    X, y = load_iris(return_X_y=True)
    onx = convert_sklearn(LogisticRegression(max_iter=500).fit(X, y),
                          initial_types=[("input", FloatTensorType([None, 4]))],
                          target_opset={"": 17, "ai.onnx.ml": 3})
    onnx.save(onx, os.path.join(d, "zipmap.onnx"))
    # A reshape that cannot work for the given input size: fails at run time, not at load.
    g = helper.make_graph(
        [helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape_to_3")],
        "bad_reshape", [helper.make_tensor_value_info("x", TP.FLOAT, ["n", 2])],
        [helper.make_tensor_value_info("y", TP.FLOAT, None)],
        initializer=[numpy_helper.from_array(np.array([3, -1], dtype=np.int64), "shape")])
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), os.path.join(d, "bad_reshape.onnx"))
    print("bad models written")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rapidocr-wheel", default="/tmp/wheels/rapidocr_onnxruntime-1.4.4-py3-none-any.whl")
    ap.add_argument("--only", help="one group: skl, trees, svms, paddle, squeezenet, shufflenet, bad")
    args = ap.parse_args()
    for d in (MODELS, EXPECTED, DATA):
        os.makedirs(d, exist_ok=True)
    groups = {
        "skl": lambda: skl(args),
        "trees": lambda: trees(args),
        "svms": lambda: svms(args),
        "paddle": lambda: paddle(args),
        "squeezenet": lambda: zoo(args, "squeezenet"),
        "shufflenet": lambda: zoo(args, "shufflenet"),
        "bad": lambda: bad(args),
    }
    for name, make in groups.items():
        if args.only in (None, name):
            make()


if __name__ == "__main__":
    main()
