//! Planning: decoded `ModelProto` → the graph in execution order, each node's op resolved once
//! through the registry, constants folded and uploaded once, value lifetimes.
//!
//! Steps, in the order their errors take precedence: constants (initializers) and inputs; the
//! support check of every node, reporting *all* unsupported ops at once (op type, node name,
//! domain, and a reason or hint where the registry has one); Constant nodes folded into
//! constants (`fold.rs`); subgraphs refused; inputs resolved to value ids; topological order
//! (Kahn); inference BatchNormalization folded into the Conv before it; each value's last use, so
//! intermediates are dropped as soon as possible; constants uploaded (float and large tensors to
//! the device; small integer tensors — shapes, axes — stay on the host for shape arithmetic).

use std::collections::{BTreeMap, HashMap};

use onnx_ir::ModelProto;

use crate::device::RuntimeDevice;
use crate::error::RuntimeError;
use crate::fold::{constant_value, fold_batch_norms};
use crate::proto::{Attrs, tensor_from_proto, value_info};
use crate::registry::{self, Op, is_std_domain};
use crate::types::*;
use crate::value::*;

/// One node of the graph, its inputs and outputs resolved to value ids and its op to the
/// implementation it runs.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub op: String,
    pub domain: String,
    pub name: String,
    pub inputs: Vec<Option<usize>>,
    pub outputs: Vec<Option<usize>>,
    pub attrs: Attrs,
    /// Opset version of the node's domain.
    pub opset: i64,
    /// The implementation, resolved from (domain, op) by the registry when the plan is built.
    pub exec: Op,
    /// Per input: this is the value's last use, so the value is moved into the op rather than
    /// cloned (never for graph outputs and constants). An op that takes it by value may then
    /// reuse its buffer, and the interpreter saves a clone and a drop.
    pub moves: Vec<bool>,
    /// Per-node state an op derives once from its attributes (e.g. parsed trees).
    pub cache: std::sync::OnceLock<std::sync::Arc<dyn std::any::Any + Send + Sync>>,
}

/// The executable form of a model.
pub(crate) struct Plan {
    pub nodes: Vec<Node>,
    pub n_values: usize,
    /// Constant values (initializers and folded Constant nodes) by value id.
    pub consts: Vec<(usize, Val)>,
    pub inputs: Vec<TensorInfo>,
    pub input_ids: Vec<usize>,
    pub outputs: Vec<TensorInfo>,
    pub output_ids: Vec<usize>,
    pub opsets: Vec<(String, i64)>,
}

/// The node's name, or `#index` for an unnamed node.
pub(crate) fn node_label(n: &Node, i: usize) -> String {
    node_label_raw(&n.name, i)
}

fn node_label_raw(name: &str, i: usize) -> String {
    if name.is_empty() {
        format!("#{i}")
    } else {
        name.to_string()
    }
}

/// "ai.onnx" and "" are the same (default) domain; we call it "".
fn norm_domain(d: &str) -> String {
    if d == "ai.onnx" {
        String::new()
    } else {
        d.to_string()
    }
}

impl Plan {
    /// Checks and plans a decoded model, uploading its constants to `device`.
    pub(crate) fn build(proto: &ModelProto, device: &RuntimeDevice) -> Result<Plan, RuntimeError> {
        let graph = proto.graph.as_ref().expect("checked by decode_model");
        let mut opsets: BTreeMap<String, i64> = BTreeMap::new();
        for o in &proto.opset_import {
            opsets.insert(norm_domain(&o.domain), o.version);
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

        // Nodes: each op resolved through the registry, reporting all problems at once.
        let mut problems = Vec::new();
        let mut resolved: Vec<Node> = Vec::with_capacity(graph.node.len());
        for (i, np) in graph.node.iter().enumerate() {
            let domain = norm_domain(&np.domain);
            let attrs = Attrs(
                np.attribute
                    .iter()
                    .map(|a| (a.name.clone(), a.clone()))
                    .collect(),
            );
            let opset = *opsets.get(&domain).unwrap_or(&1);
            let problem = match registry::find(&domain, &np.op_type) {
                Ok(def) => {
                    let node = Node {
                        op: np.op_type.clone(),
                        domain: domain.clone(),
                        name: np.name.clone(),
                        inputs: vec![],
                        outputs: vec![],
                        exec: def.op_for(&attrs, opset),
                        moves: vec![],
                        attrs,
                        opset,
                        cache: Default::default(),
                    };
                    let reason = def.check.and_then(|check| check(&node));
                    resolved.push(node);
                    reason
                }
                Err(reason) => Some(reason),
            };
            if let Some(reason) = problem {
                let mut s = format!("{} (node '{}'", np.op_type, node_label_raw(&np.name, i));
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

        // Constant nodes fold into constants; the others get their output ids.
        let mut raw_nodes = Vec::new();
        for ((i, np), mut node) in graph.node.iter().enumerate().zip(resolved) {
            if np.op_type == "Constant" && is_std_domain(&node.domain) {
                let h = constant_value(&node.attrs).map_err(|m| {
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
            node.outputs = np
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
            raw_nodes.push((np, node, i));
        }
        // Resolve inputs.
        let mut nodes = Vec::new();
        for (np, mut node, i) in raw_nodes {
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
            node.inputs = ins;
            nodes.push(node);
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

        // Lifetimes: a value is moved into its last reader (the last input slot that reads it),
        // so it is dropped as soon as possible, unless it is an output or a constant.
        let mut last_use: Vec<Option<(usize, usize)>> = vec![None; n_values];
        for (k, n) in nodes.iter_mut().enumerate() {
            n.moves = vec![false; n.inputs.len()];
            for (j, i) in n.inputs.iter().enumerate() {
                if let Some(i) = i {
                    last_use[*i] = Some((k, j));
                }
            }
        }
        let const_ids: Vec<usize> = const_h.iter().map(|c| c.0).collect();
        for (v, lu) in last_use.iter().enumerate() {
            if let Some((k, j)) = *lu
                && !output_ids.contains(&v)
                && !const_ids.contains(&v)
            {
                nodes[k].moves[j] = true;
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

        Ok(Plan {
            nodes,
            n_values,
            consts,
            inputs,
            input_ids,
            outputs,
            output_ids,
            opsets: opsets
                .into_iter()
                .map(|(d, v)| (if d.is_empty() { "ai.onnx".into() } else { d }, v))
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::*;
    use crate::{HostTensor, RuntimeError};

    #[test]
    fn a_value_read_twice_by_its_last_reader_and_by_earlier_ones() {
        // Mul(a, a) reads a twice at its last use; x is read by Relu, Identity and Add.
        let g = Graph::new(13)
            .input("x", FLOAT)
            .node("Relu", &["x"], &["a"], vec![])
            .node("Mul", &["a", "a"], &["b"], vec![])
            .node("Add", &["b", "x"], &["y"], vec![])
            .node("Identity", &["x"], &["z"], vec![])
            .output("y", FLOAT)
            .output("z", FLOAT);
        let y = g
            .run(vec![("x", HostTensor::f32(vec![3], vec![-1., 2., 3.]))])
            .unwrap();
        assert_close(&y[0], &[3], &[-1., 6., 12.]);
        assert_close(&y[1], &[3], &[-1., 2., 3.]);
        let b = crate::plan::Plan::build(
            &onnx_ir::Message::parse_from_bytes(&g.bytes()).unwrap(),
            &crate::RuntimeDevice::cpu(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let moves: Vec<Vec<bool>> = b.nodes.iter().map(|n| n.moves.clone()).collect();
        // Execution order Relu, Identity, Mul, Add: the last slot reading a value takes it, the
        // others clone it (z is a graph output, so Identity's input is not its last use: Add's is).
        assert_eq!(
            moves,
            [
                vec![false],
                vec![false],
                vec![false, true],
                vec![true, true]
            ]
        );
    }

    #[test]
    fn unsupported_ops_are_all_named_at_load() {
        let g = Graph::new(13)
            .import("ai.onnx.ml", 3)
            .input("x", FLOAT)
            .node("Einsum", &["x"], &["a"], vec![])
            .node_in("com.example", "Relu", &["a"], &["b"], vec![])
            .node_in("ai.onnx.ml", "ZipMap", &["b"], &["y"], vec![])
            .output("y", FLOAT);
        let m = crate::Model::load(
            &g.bytes(),
            &crate::RuntimeDevice::cpu(),
            &Default::default(),
        );
        let Err(RuntimeError::Unsupported(s)) = m else {
            panic!("{m:?}")
        };
        assert_eq!(
            s,
            "Einsum (node 'einsum_0'); Relu (node 'relu_1', domain com.example); \
             ZipMap (node 'zipmap_2', domain ai.onnx.ml) — re-export with skl2onnx option zipmap=False"
        );
    }
}
