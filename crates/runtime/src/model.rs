//! A loaded model: load (decode → check and plan, `plan.rs`) and run (the interpreter loop).
//!
//! Running walks the planned nodes in order. Each node's inputs are taken from the value slots
//! (values whose last use this is are released first, so an op taking an input by value may
//! reuse its buffer), its op runs through the implementation resolved at plan time, and its
//! outputs fill their slots. Natively a `catch_unwind` around the run turns a remaining backend
//! panic into an error naming the op and node.

use std::collections::BTreeMap;

use crate::device::RuntimeDevice;
use crate::error::RuntimeError;
use crate::ops::Ctx;
use crate::plan::{Plan, node_label};
use crate::proto::decode_model;
use crate::registry::Op;
use crate::types::*;
use crate::value::*;

/// A loaded model: the graph in execution order, constants on the device, value lifetimes.
pub struct Model {
    device: RuntimeDevice,
    plan: Plan,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("device", &self.device.description())
            .field("nodes", &self.plan.nodes.len())
            .field("inputs", &self.plan.inputs)
            .field("outputs", &self.plan.outputs)
            .finish()
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
        let plan = Plan::build(&proto, device)?;
        Ok(Model {
            device: device.clone(),
            plan,
        })
    }

    /// Graph inputs with their original names.
    pub fn inputs(&self) -> &[TensorInfo] {
        &self.plan.inputs
    }
    /// Graph outputs with their original names.
    pub fn outputs(&self) -> &[TensorInfo] {
        &self.plan.outputs
    }
    /// The device the model runs on.
    pub fn device(&self) -> &RuntimeDevice {
        &self.device
    }
    /// Position of an output by name, or an error listing the available outputs.
    pub fn output_index(&self, name: &str) -> Result<usize, RuntimeError> {
        self.plan
            .outputs
            .iter()
            .position(|o| o.name == name)
            .ok_or_else(|| RuntimeError::UnknownOutput {
                name: name.to_string(),
                available: self
                    .plan
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
        for n in &self.plan.nodes {
            *m.entry(n.op.clone()).or_default() += 1;
        }
        m.into_iter().collect()
    }
    /// (domain, version) of each imported opset; the default domain is called "ai.onnx".
    pub fn opsets(&self) -> Vec<(String, i64)> {
        self.plan.opsets.clone()
    }

    fn input_names(&self) -> String {
        self.plan
            .inputs
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
        let mut slots: Vec<Option<HostTensor>> = vec![None; self.plan.inputs.len()];
        for (name, t) in inputs {
            let k = self
                .plan
                .inputs
                .iter()
                .position(|i| i.name == name)
                .ok_or_else(|| RuntimeError::UnknownInput {
                    name: name.clone(),
                    available: self.input_names(),
                })?;
            let info = &self.plan.inputs[k];
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
                    name: self.plan.inputs[k].name.clone(),
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
        let mut vals: Vec<Option<Val>> = vec![None; self.plan.n_values];
        for (id, v) in &self.plan.consts {
            vals[*id] = Some(v.clone());
        }
        for (k, t) in inputs.into_iter().enumerate() {
            let mut h = HVal::from_host_tensor(&t);
            h.dtype = self.plan.inputs[k].dtype;
            let v = if h.numel() == 0 {
                Val::H(h)
            } else {
                Val::D(h.upload(dev).map_err(RuntimeError::InputMismatch)?)
            };
            vals[self.plan.input_ids[k]] = Some(v);
        }
        #[cfg(not(target_arch = "wasm32"))]
        let mut prof = std::env::var_os("ASSAY_RUNTIME_PROFILE").map(|v| {
            (
                std::time::Instant::now(),
                BTreeMap::<String, f64>::new(),
                v == "node",
            )
        });
        // One input buffer for all nodes (a `Val` is large and 64-byte aligned: allocating a
        // vector of them per node costs as much as a cheap op).
        let mut ins: Vec<Option<Val>> = Vec::new();
        for (k, n) in self.plan.nodes.iter().enumerate() {
            set_current(k);
            // Inputs whose last use this is are moved out of their slots, the others cloned.
            ins.clear();
            ins.extend(
                n.inputs.iter().zip(&n.moves).map(|(i, &mv)| {
                    i.and_then(|i| if mv { vals[i].take() } else { vals[i].clone() })
                }),
            );
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
            let outs = match n.exec {
                Op::Sync(op) => op.run(&ctx, n, &mut ins),
                Op::Async(op) => op.run(&ctx, n, &mut ins).await,
            }
            .map_err(fail)?;
            // What the op did not take is dropped now, as its last use is over.
            ins.clear();
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
        for (k, id) in self.plan.output_ids.iter().enumerate() {
            let v = vals[*id].clone().ok_or_else(|| {
                RuntimeError::InvalidModel(format!(
                    "output '{}' was not computed",
                    self.plan.outputs[k].name
                ))
            })?;
            let mut h = v.host().await.map_err(RuntimeError::Device)?;
            let want = self.plan.outputs[k].dtype;
            if want != h.dtype && want != DType::String {
                h = HVal::new(h.shape.clone(), convert_hdata(&h.data, want), want);
            }
            result.push((self.plan.outputs[k].name.clone(), h.to_host_tensor()));
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
                    .and_then(|k| {
                        self.plan
                            .nodes
                            .get(k)
                            .map(|n| (n.op.clone(), node_label(n, k)))
                    })
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

thread_local! {
    /// Index of the node being executed, for naming it when the backend panics.
    static CURRENT: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
}
fn set_current(k: usize) {
    CURRENT.with(|c| c.set(Some(k)));
}
fn clear_current() {
    CURRENT.with(|c| c.set(None));
}
/// Read only by the native panic guard (wasm32 has no `catch_unwind`).
#[cfg(not(target_arch = "wasm32"))]
fn current() -> Option<usize> {
    CURRENT.with(|c| c.get())
}
