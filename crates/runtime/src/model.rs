//! Load (decode → check → plan → upload constants) and run.

use std::collections::{BTreeMap, HashMap};

use crate::device::RuntimeDevice;
use crate::error::{OpResult, RuntimeError};
use crate::ml;
use crate::ops::{self, Ctx};
use crate::proto::{Attrs, Node, decode_model, tensor_from_proto, value_info};
use crate::types::*;
use crate::value::*;

/// Standard-domain operators this runtime implements.
pub const STANDARD_OPS: &[&str] = &[
    "Abs",
    "Acos",
    "Acosh",
    "Add",
    "And",
    "ArgMax",
    "ArgMin",
    "Asin",
    "Asinh",
    "Atan",
    "Atanh",
    "AveragePool",
    "BatchNormalization",
    "BitwiseAnd",
    "BitwiseOr",
    "BitwiseXor",
    "Cast",
    "CastLike",
    "Ceil",
    "Celu",
    "Clip",
    "Concat",
    "Constant",
    "ConstantOfShape",
    "Conv",
    "ConvTranspose",
    "Cos",
    "Cosh",
    "CumSum",
    "DepthToSpace",
    "Div",
    "Dropout",
    "Elu",
    "Equal",
    "Erf",
    "Exp",
    "Expand",
    "Flatten",
    "Floor",
    "Gather",
    "GatherElements",
    "Gelu",
    "Gemm",
    "GlobalAveragePool",
    "GlobalMaxPool",
    "Greater",
    "GreaterOrEqual",
    "Hardmax",
    "HardSigmoid",
    "HardSwish",
    "Identity",
    "InstanceNormalization",
    "IsInf",
    "IsNaN",
    "LayerNormalization",
    "LeakyRelu",
    "Less",
    "LessOrEqual",
    "Log",
    "LogSoftmax",
    "MatMul",
    "Max",
    "MaxPool",
    "Mean",
    "Min",
    "Mish",
    "Mod",
    "Mul",
    "Neg",
    "NegativeLogLikelihoodLoss",
    "Not",
    "Or",
    "Pad",
    "Pow",
    "PRelu",
    "Range",
    "Reciprocal",
    "ReduceL1",
    "ReduceL2",
    "ReduceLogSum",
    "ReduceLogSumExp",
    "ReduceMax",
    "ReduceMean",
    "ReduceMin",
    "ReduceProd",
    "ReduceSum",
    "ReduceSumSquare",
    "Relu",
    "Reshape",
    "Round",
    "Selu",
    "Shape",
    "Shrink",
    "Sigmoid",
    "Sign",
    "Sin",
    "Sinh",
    "Size",
    "Slice",
    "Softmax",
    "Softplus",
    "Softsign",
    "SpaceToDepth",
    "Split",
    "Sqrt",
    "Squeeze",
    "Sub",
    "Sum",
    "Swish",
    "Tan",
    "Tanh",
    "ThresholdedRelu",
    "Tile",
    "TopK",
    "Transpose",
    "Trilu",
    "Unsqueeze",
    "Where",
    "Xor",
];

pub(crate) fn is_ml_domain(d: &str) -> bool {
    d == "ai.onnx.ml"
}
pub(crate) fn is_std_domain(d: &str) -> bool {
    d.is_empty() || d == "ai.onnx"
}

/// Why a node cannot run, or `None` when it is supported.
fn check_node(n: &Node) -> Option<String> {
    if is_std_domain(&n.domain) {
        if !STANDARD_OPS.contains(&n.op.as_str()) {
            return Some(String::new());
        }
        return None;
    }
    if is_ml_domain(&n.domain) {
        if n.op == "ZipMap" {
            return Some("re-export with skl2onnx option zipmap=False".into());
        }
        if !ml::ML_OPS.contains(&n.op.as_str()) {
            return Some(String::new());
        }
        return ml::unsupported_reason(n);
    }
    Some(String::new())
}

/// A loaded model: the graph in execution order, constants on the device, value lifetimes.
pub struct Model {
    device: RuntimeDevice,
    nodes: Vec<Node>,
    n_values: usize,
    /// Constant values (initializers and folded Constant nodes) by value id.
    consts: Vec<(usize, Val)>,
    inputs: Vec<TensorInfo>,
    input_ids: Vec<usize>,
    outputs: Vec<TensorInfo>,
    output_ids: Vec<usize>,
    /// For each node, the value ids whose last use it is.
    release_after: Vec<Vec<usize>>,
    opsets: Vec<(String, i64)>,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("device", &self.device.description())
            .field("nodes", &self.nodes.len())
            .field("inputs", &self.inputs)
            .field("outputs", &self.outputs)
            .finish()
    }
}

fn node_label(n: &Node, i: usize) -> String {
    if n.name.is_empty() {
        format!("#{i}")
    } else {
        n.name.clone()
    }
}

impl Model {
    /// Parse, check every node against the supported-op table (reporting all unsupported ops at
    /// once), enforce the size limit, plan, and upload constants once.
    pub fn load(
        bytes: &[u8],
        device: &RuntimeDevice,
        opts: &LoadOptions,
    ) -> Result<Model, RuntimeError> {
        if bytes.len() > opts.max_bytes {
            return Err(RuntimeError::too_large(bytes.len(), opts.max_bytes));
        }
        let proto = decode_model(bytes)?;
        let graph = proto.graph.as_ref().expect("checked by decode_model");
        let mut opsets: BTreeMap<String, i64> = BTreeMap::new();
        for o in &proto.opset_import {
            let d = if o.domain == "ai.onnx" {
                String::new()
            } else {
                o.domain.clone()
            };
            opsets.insert(d, o.version);
        }
        if opsets.is_empty() {
            opsets.insert(String::new(), 1);
        }
        let inv = |m: String| RuntimeError::InvalidModel(m);

        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut next = 0usize;
        let mut new_id = |ids: &mut HashMap<String, usize>, name: &str| -> usize {
            *ids.entry(name.to_string()).or_insert_with(|| {
                next += 1;
                next - 1
            })
        };

        // Constants.
        let mut const_h: Vec<(usize, HVal)> = Vec::new();
        let mut is_const: HashMap<String, ()> = HashMap::new();
        for t in &graph.initializer {
            let h = tensor_from_proto(t).map_err(inv)?;
            let id = new_id(&mut ids, &t.name);
            is_const.insert(t.name.clone(), ());
            const_h.push((id, h));
        }
        // Inputs (skipping those that are initializers, as old exporters list them).
        let mut inputs = Vec::new();
        let mut input_ids = Vec::new();
        for vi in &graph.input {
            if is_const.contains_key(&vi.name) {
                continue;
            }
            let info = value_info(vi);
            if info.dtype == DType::String {
                return Err(RuntimeError::Unsupported(format!(
                    "string input '{}' (string tensors are not supported)",
                    info.name
                )));
            }
            input_ids.push(new_id(&mut ids, &vi.name));
            inputs.push(info);
        }

        // Nodes: support check first, reporting all problems at once.
        let mut problems = Vec::new();
        for (i, np) in graph.node.iter().enumerate() {
            let domain = if np.domain == "ai.onnx" {
                String::new()
            } else {
                np.domain.clone()
            };
            let probe = Node {
                op: np.op_type.clone(),
                domain: domain.clone(),
                name: np.name.clone(),
                inputs: vec![],
                outputs: vec![],
                attrs: Attrs(
                    np.attribute
                        .iter()
                        .map(|a| (a.name.clone(), a.clone()))
                        .collect(),
                ),
                opset: 0,
                cache: Default::default(),
            };
            if let Some(reason) = check_node(&probe) {
                let mut s = format!("{} (node '{}'", np.op_type, node_label(&probe, i));
                if !domain.is_empty() {
                    s.push_str(&format!(", domain {domain}"));
                }
                s.push(')');
                if !reason.is_empty() {
                    s.push_str(&format!(" — {reason}"));
                }
                problems.push(s);
            }
        }
        if !problems.is_empty() {
            return Err(RuntimeError::Unsupported(problems.join("; ")));
        }

        // Build nodes; Constant nodes fold into constants.
        let mut raw_nodes = Vec::new();
        for (i, np) in graph.node.iter().enumerate() {
            let domain = if np.domain == "ai.onnx" {
                String::new()
            } else {
                np.domain.clone()
            };
            let attrs = Attrs(
                np.attribute
                    .iter()
                    .map(|a| (a.name.clone(), a.clone()))
                    .collect(),
            );
            let opset = *opsets.get(&domain).unwrap_or(&1);
            if np.op_type == "Constant" && is_std_domain(&domain) {
                let h = constant_value(&attrs).map_err(|m| {
                    inv(format!(
                        "Constant node '{}': {m}",
                        node_label_raw(&np.name, i)
                    ))
                })?;
                let out = np
                    .output
                    .first()
                    .ok_or_else(|| inv("Constant node without output".into()))?;
                let id = new_id(&mut ids, out);
                is_const.insert(out.clone(), ());
                const_h.push((id, h));
                continue;
            }
            if !np
                .attribute
                .iter()
                .all(|a| a.g.is_none() && a.graphs.is_empty())
            {
                return Err(RuntimeError::Unsupported(format!(
                    "{} (node '{}') — operators with subgraphs are not supported",
                    np.op_type,
                    node_label_raw(&np.name, i)
                )));
            }
            let outputs: Vec<Option<usize>> = np
                .output
                .iter()
                .map(|o| {
                    if o.is_empty() {
                        None
                    } else {
                        Some(new_id(&mut ids, o))
                    }
                })
                .collect();
            raw_nodes.push((np, domain, attrs, opset, outputs, i));
        }
        // Resolve inputs.
        let mut nodes = Vec::new();
        for (np, domain, attrs, opset, outputs, i) in raw_nodes {
            let mut ins = Vec::new();
            for name in &np.input {
                if name.is_empty() {
                    ins.push(None);
                } else {
                    let id = *ids.get(name).ok_or_else(|| {
                        inv(format!(
                            "node '{}' ({}) reads '{name}', which no node, input or initializer provides (the file may be truncated)",
                            node_label_raw(&np.name, i),
                            np.op_type
                        ))
                    })?;
                    ins.push(Some(id));
                }
            }
            nodes.push(Node {
                op: np.op_type.clone(),
                domain,
                name: np.name.clone(),
                inputs: ins,
                outputs,
                attrs,
                opset,
                cache: Default::default(),
            });
        }
        let mut n_values = ids.len();

        // Topological order (Kahn).
        let mut producer: Vec<Option<usize>> = vec![None; n_values];
        for (k, n) in nodes.iter().enumerate() {
            for o in n.outputs.iter().flatten() {
                producer[*o] = Some(k);
            }
        }
        let mut indeg = vec![0usize; nodes.len()];
        let mut users: Vec<Vec<usize>> = vec![vec![]; nodes.len()];
        for (k, n) in nodes.iter().enumerate() {
            for i in n.inputs.iter().flatten() {
                if let Some(p) = producer[*i] {
                    indeg[k] += 1;
                    users[p].push(k);
                }
            }
        }
        let mut order = Vec::with_capacity(nodes.len());
        let mut ready: std::collections::VecDeque<usize> =
            (0..nodes.len()).filter(|&k| indeg[k] == 0).collect();
        while let Some(k) = ready.pop_front() {
            order.push(k);
            for &u in &users[k] {
                indeg[u] -= 1;
                if indeg[u] == 0 {
                    ready.push_back(u);
                }
            }
        }
        if order.len() != nodes.len() {
            return Err(inv("the graph has a cycle".into()));
        }
        let mut slots: Vec<Option<Node>> = nodes.into_iter().map(Some).collect();
        let mut nodes: Vec<Node> = order.iter().map(|&k| slots[k].take().unwrap()).collect();

        // Outputs.
        let mut outputs = Vec::new();
        let mut output_ids = Vec::new();
        for vi in &graph.output {
            let id = *ids.get(&vi.name).ok_or_else(|| {
                inv(format!(
                    "graph output '{}' is not produced by any node",
                    vi.name
                ))
            })?;
            outputs.push(value_info(vi));
            output_ids.push(id);
        }

        fold_batch_norms(&mut nodes, &mut const_h, &mut n_values, &output_ids);

        // Lifetimes: release a value after its last use, unless it is an output or a constant.
        let mut last_use: Vec<Option<usize>> = vec![None; n_values];
        for (k, n) in nodes.iter().enumerate() {
            for i in n.inputs.iter().flatten() {
                last_use[*i] = Some(k);
            }
        }
        let const_ids: Vec<usize> = const_h.iter().map(|c| c.0).collect();
        let mut release_after = vec![vec![]; nodes.len()];
        for (v, lu) in last_use.iter().enumerate() {
            if let Some(k) = lu
                && !output_ids.contains(&v)
                && !const_ids.contains(&v)
            {
                release_after[*k].push(v);
            }
        }

        // Upload constants once: floats and large tensors go to the device; small integer and
        // boolean tensors (shapes, axes, indices) stay on the host for shape arithmetic.
        let mut consts = Vec::new();
        for (id, h) in const_h {
            let small_shape_like = h.numel() <= 64 && h.data.kind() != Kind::F || h.numel() <= 1;
            if h.numel() == 0 || small_shape_like {
                consts.push((id, Val::H(h)));
            } else {
                let d = h.upload(device.burn()).map_err(inv)?;
                consts.push((id, Val::D(d)));
            }
        }

        Ok(Model {
            device: device.clone(),
            nodes,
            n_values,
            consts,
            inputs,
            input_ids,
            outputs,
            output_ids,
            release_after,
            opsets: opsets
                .into_iter()
                .map(|(d, v)| (if d.is_empty() { "ai.onnx".into() } else { d }, v))
                .collect(),
        })
    }

    /// Graph inputs with their original names.
    pub fn inputs(&self) -> &[TensorInfo] {
        &self.inputs
    }
    /// Graph outputs with their original names.
    pub fn outputs(&self) -> &[TensorInfo] {
        &self.outputs
    }
    /// The device the model runs on.
    pub fn device(&self) -> &RuntimeDevice {
        &self.device
    }
    /// Position of an output by name, or an error listing the available outputs.
    pub fn output_index(&self, name: &str) -> Result<usize, RuntimeError> {
        self.outputs
            .iter()
            .position(|o| o.name == name)
            .ok_or_else(|| RuntimeError::UnknownOutput {
                name: name.to_string(),
                available: self
                    .outputs
                    .iter()
                    .map(|o| o.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
    /// Operator type → count (Constant nodes included), sorted by op type.
    pub fn op_summary(&self) -> Vec<(String, usize)> {
        let mut m: BTreeMap<String, usize> = BTreeMap::new();
        for n in &self.nodes {
            *m.entry(n.op.clone()).or_default() += 1;
        }
        m.into_iter().collect()
    }
    /// (domain, version) of each imported opset; the default domain is called "ai.onnx".
    pub fn opsets(&self) -> Vec<(String, i64)> {
        self.opsets.clone()
    }

    fn input_names(&self) -> String {
        self.inputs
            .iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Checks names, dtypes and shapes of the inputs before any computation.
    fn check_inputs(
        &self,
        inputs: Vec<(String, HostTensor)>,
    ) -> Result<Vec<HostTensor>, RuntimeError> {
        let mut slots: Vec<Option<HostTensor>> = vec![None; self.inputs.len()];
        for (name, t) in inputs {
            let k = self
                .inputs
                .iter()
                .position(|i| i.name == name)
                .ok_or_else(|| RuntimeError::UnknownInput {
                    name: name.clone(),
                    available: self.input_names(),
                })?;
            let info = &self.inputs[k];
            if t.data.len() != t.numel() {
                return Err(RuntimeError::InputMismatch(format!(
                    "input '{name}': shape {:?} needs {} values, the data has {}",
                    t.shape,
                    t.numel(),
                    t.data.len()
                )));
            }
            let got = t.data.dtype();
            let ok = got == info.dtype
                || (info.dtype.is_int() && matches!(got, DType::I64 | DType::I32))
                || (info.dtype == DType::F16 && got == DType::F32);
            if !ok {
                return Err(RuntimeError::InputMismatch(format!(
                    "input '{name}' expects {} values, got {}",
                    info.dtype, got
                )));
            }
            let exp = &info.shape;
            let fits = exp.is_empty() && t.shape.len() <= R
                || exp.len() == t.shape.len()
                    && exp
                        .iter()
                        .zip(&t.shape)
                        .all(|(e, g)| e.map(|e| e == *g).unwrap_or(true));
            if !fits {
                let msg = if exp.len() == 2
                    && t.shape.len() == 2
                    && exp[1].is_some()
                    && exp[1] != Some(t.shape[1])
                {
                    format!(
                        "input '{name}' expects {} features per row, got {}",
                        exp[1].unwrap(),
                        t.shape[1]
                    )
                } else {
                    format!(
                        "input '{name}' expects shape {}, got {:?}",
                        format_dims(exp),
                        t.shape
                    )
                };
                return Err(RuntimeError::InputMismatch(msg));
            }
            if t.shape.len() > R {
                return Err(RuntimeError::InputMismatch(format!(
                    "input '{name}' has rank {}, at most {R} is supported",
                    t.shape.len()
                )));
            }
            slots[k] = Some(t);
        }
        slots
            .into_iter()
            .enumerate()
            .map(|(k, s)| {
                s.ok_or_else(|| RuntimeError::MissingInput {
                    name: self.inputs[k].name.clone(),
                    available: self.input_names(),
                })
            })
            .collect()
    }

    async fn run_inner(
        &self,
        inputs: Vec<HostTensor>,
    ) -> Result<Vec<(String, HostTensor)>, RuntimeError> {
        let dev = self.device.burn();
        let ctx = Ctx { dev };
        let mut vals: Vec<Option<Val>> = vec![None; self.n_values];
        for (id, v) in &self.consts {
            vals[*id] = Some(v.clone());
        }
        for (k, t) in inputs.into_iter().enumerate() {
            let mut h = HVal::from_host_tensor(&t);
            h.dtype = self.inputs[k].dtype;
            let v = if h.numel() == 0 {
                Val::H(h)
            } else {
                Val::D(h.upload(dev).map_err(RuntimeError::InputMismatch)?)
            };
            vals[self.input_ids[k]] = Some(v);
        }
        #[cfg(not(target_arch = "wasm32"))]
        let mut prof = std::env::var_os("ASSAY_RUNTIME_PROFILE").map(|v| {
            (
                std::time::Instant::now(),
                BTreeMap::<String, f64>::new(),
                v == "node",
            )
        });
        for (k, n) in self.nodes.iter().enumerate() {
            set_current(k, n);
            let ins: Vec<Option<Val>> = n
                .inputs
                .iter()
                .map(|i| i.and_then(|i| vals[i].clone()))
                .collect();
            for r in &self.release_after[k] {
                vals[*r] = None;
            }
            let fail = |msg: String| RuntimeError::OpFailed {
                op: n.op.clone(),
                node: node_label(n, k),
                msg,
            };
            if ins
                .iter()
                .zip(&n.inputs)
                .any(|(v, i)| i.is_some() && v.is_none())
            {
                return Err(fail("an input value was not computed".into()));
            }
            let res: OpResult<Vec<Val>> = if is_ml_domain(&n.domain) {
                ml::exec(&ctx, n, ins).await
            } else {
                ops::exec(&ctx, n, ins).await
            };
            let outs = res.map_err(fail)?;
            #[cfg(not(target_arch = "wasm32"))]
            if let Some(p) = prof.as_mut() {
                let e = p.0.elapsed().as_secs_f64() * 1e3;
                let key = if p.2 {
                    format!("{} {}", n.op, node_label(n, k))
                } else {
                    n.op.clone()
                };
                *p.1.entry(key).or_insert(0.0) += e;
                p.0 = std::time::Instant::now();
            }
            for (slot, v) in n.outputs.iter().zip(outs) {
                if let Some(id) = slot {
                    vals[*id] = Some(v);
                }
            }
            for (j, o) in n.outputs.iter().enumerate() {
                if let Some(id) = o
                    && vals[*id].is_none()
                {
                    return Err(fail(format!("output {j} was not produced")));
                }
            }
        }
        clear_current();
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(p) = prof {
            let mut v: Vec<_> = p.1.into_iter().collect();
            v.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap());
            eprintln!("profile (ms by op type): {v:?}");
        }
        let mut result = Vec::new();
        for (k, id) in self.output_ids.iter().enumerate() {
            let v = vals[*id].clone().ok_or_else(|| {
                RuntimeError::InvalidModel(format!(
                    "output '{}' was not computed",
                    self.outputs[k].name
                ))
            })?;
            let mut h = v.host().await.map_err(RuntimeError::Device)?;
            let want = self.outputs[k].dtype;
            if want != h.dtype && want != DType::String {
                h = HVal::new(h.shape.clone(), convert_hdata(&h.data, want), want);
            }
            result.push((self.outputs[k].name.clone(), h.to_host_tensor()));
        }
        Ok(result)
    }

    /// Runs the model. Inputs are matched by their original names; outputs come in graph order.
    pub async fn run(
        &self,
        inputs: Vec<(String, HostTensor)>,
    ) -> Result<Vec<(String, HostTensor)>, RuntimeError> {
        let ins = self.check_inputs(inputs)?;
        #[cfg(not(target_arch = "wasm32"))]
        {
            if self.device.is_cpu() {
                // The CPU backend never waits: run synchronously with a panic guard.
                return self.guarded(ins);
            }
        }
        self.run_inner(ins).await
    }

    /// Runs the model, blocking the thread until the result is ready (native only).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn run_blocking(
        &self,
        inputs: Vec<(String, HostTensor)>,
    ) -> Result<Vec<(String, HostTensor)>, RuntimeError> {
        let ins = self.check_inputs(inputs)?;
        self.guarded(ins)
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn guarded(&self, ins: Vec<HostTensor>) -> Result<Vec<(String, HostTensor)>, RuntimeError> {
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            crate::block_on(self.run_inner(ins))
        }));
        match r {
            Ok(r) => r,
            Err(p) => {
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "internal panic".into());
                let (op, node) = current()
                    .and_then(|k| self.nodes.get(k).map(|n| (n.op.clone(), node_label(n, k))))
                    .unwrap_or(("?".into(), "?".into()));
                clear_current();
                Err(RuntimeError::OpFailed {
                    op,
                    node,
                    msg: format!("internal error: {}", msg.lines().next().unwrap_or("")),
                })
            }
        }
    }
}

/// Folds an inference BatchNormalization into the Conv that feeds it (constant weights, the conv
/// output used by nothing else): W' = W·k, B' = (B − mean)·k + bias with k = scale/√(var+ε).
fn fold_batch_norms(
    nodes: &mut Vec<Node>,
    consts: &mut Vec<(usize, HVal)>,
    n_values: &mut usize,
    outputs: &[usize],
) {
    let mut uses: HashMap<usize, usize> = HashMap::new();
    for n in nodes.iter() {
        for i in n.inputs.iter().flatten() {
            *uses.entry(*i).or_default() += 1;
        }
    }
    let idx: HashMap<usize, usize> = consts.iter().enumerate().map(|(k, c)| (c.0, k)).collect();
    let cf = |id: Option<usize>| -> Option<(Vec<usize>, Vec<f32>)> {
        let h = &consts[*idx.get(&id?)?].1;
        match &h.data {
            HData::F(v) => Some((h.shape.clone(), v.clone())),
            _ => None,
        }
    };
    let mut producer: HashMap<usize, usize> = HashMap::new();
    for (k, n) in nodes.iter().enumerate() {
        for o in n.outputs.iter().flatten() {
            producer.insert(*o, k);
        }
    }
    let mut remove = vec![false; nodes.len()];
    let mut new_consts = vec![];
    for b in 0..nodes.len() {
        let bn = &nodes[b];
        if bn.op != "BatchNormalization"
            || !is_std_domain(&bn.domain)
            || bn.attrs.i("training_mode", 0) != 0
        {
            continue;
        }
        if bn.outputs.iter().skip(1).any(|o| o.is_some()) || bn.inputs.len() < 5 {
            continue;
        }
        let Some(x) = bn.inputs[0] else { continue };
        let Some(&c) = producer.get(&x) else { continue };
        let conv = &nodes[c];
        if conv.op != "Conv"
            || !is_std_domain(&conv.domain)
            || uses.get(&x) != Some(&1)
            || outputs.contains(&x)
        {
            continue;
        }
        let Some((ws, w)) = cf(conv.inputs.get(1).copied().flatten()) else {
            continue;
        };
        let m = ws[0];
        if m == 0 {
            continue;
        }
        let bias = match conv.inputs.get(2).copied().flatten() {
            Some(id) => match cf(Some(id)) {
                Some((_, v)) if v.len() == m => v,
                _ => continue,
            },
            None => vec![0.0; m],
        };
        let p: Vec<Option<Vec<f32>>> = (1..5)
            .map(|i| cf(bn.inputs[i]).map(|t| t.1).filter(|v| v.len() == m))
            .collect();
        let (Some(sc), Some(be), Some(mu), Some(var)) = (&p[0], &p[1], &p[2], &p[3]) else {
            continue;
        };
        let eps = bn.attrs.f("epsilon", 1e-5) as f64;
        let k: Vec<f64> = (0..m)
            .map(|j| sc[j] as f64 / (var[j] as f64 + eps).sqrt())
            .collect();
        let per = w.len() / m;
        let w2: Vec<f32> = w
            .iter()
            .enumerate()
            .map(|(i, &v)| (v as f64 * k[i / per]) as f32)
            .collect();
        let b2: Vec<f32> = (0..m)
            .map(|j| ((bias[j] as f64 - mu[j] as f64) * k[j] + be[j] as f64) as f32)
            .collect();
        let (wid, bid) = (*n_values, *n_values + 1);
        *n_values += 2;
        new_consts.push((wid, HVal::new(ws, HData::F(w2), DType::F32)));
        new_consts.push((bid, HVal::new(vec![m], HData::F(b2), DType::F32)));
        let y = bn.outputs[0];
        let conv = &mut nodes[c];
        conv.inputs.resize(3, None);
        conv.inputs[1] = Some(wid);
        conv.inputs[2] = Some(bid);
        conv.outputs = vec![y];
        remove[b] = true;
    }
    consts.extend(new_consts);
    let mut k = 0;
    nodes.retain(|_| {
        k += 1;
        !remove[k - 1]
    });
    // Drop constants nothing reads any more.
    let used: std::collections::HashSet<usize> = nodes
        .iter()
        .flat_map(|n| n.inputs.iter().flatten().copied())
        .chain(outputs.iter().copied())
        .collect();
    consts.retain(|c| used.contains(&c.0));
}

fn node_label_raw(name: &str, i: usize) -> String {
    if name.is_empty() {
        format!("#{i}")
    } else {
        name.to_string()
    }
}

fn constant_value(a: &Attrs) -> OpResult<HVal> {
    if let Some(t) = a.t("value") {
        return tensor_from_proto(t);
    }
    if a.has("value_float") {
        return Ok(HVal::new(
            vec![],
            HData::F(vec![a.f("value_float", 0.0)]),
            DType::F32,
        ));
    }
    if let Some(v) = a.floats("value_floats") {
        return Ok(HVal::new(vec![v.len()], HData::F(v), DType::F32));
    }
    if a.has("value_int") {
        return Ok(HVal::i64s(vec![], vec![a.i("value_int", 0)]));
    }
    if let Some(v) = a.ints("value_ints") {
        return Ok(HVal::i64s(vec![v.len()], v));
    }
    Err("no supported value attribute (sparse and string constants are not supported)".into())
}

thread_local! {
    /// Index of the node being executed, for naming it when the backend panics.
    static CURRENT: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}
fn set_current(k: usize, _n: &Node) {
    CURRENT.with(|c| c.set(Some(k)));
}
fn clear_current() {
    CURRENT.with(|c| c.set(None));
}
#[allow(dead_code)]
fn current() -> Option<usize> {
    CURRENT.with(|c| c.get())
}
