//! Test support (unit tests only): tiny ONNX models built in code with the protobuf types that
//! onnx-ir re-exports, serialized with `Message::write_to_bytes` and run through the public
//! `Model::load` / `run_blocking` path, so the family tests exercise exactly what users run.

use onnx_ir::{
    AttributeProto, AttributeType, GraphProto, Message, ModelProto, NodeProto, TensorProto,
    TypeProto, ValueInfoProto,
};

use crate::{HostData, HostTensor, LoadOptions, Model, RuntimeDevice};

/// ONNX element type codes.
pub(crate) const FLOAT: i32 = 1;
pub(crate) const INT32: i32 = 6;
pub(crate) const INT64: i32 = 7;
pub(crate) const BOOL: i32 = 9;

/// A one-domain graph under construction.
pub(crate) struct Graph {
    g: GraphProto,
    opsets: Vec<(&'static str, i64)>,
}

pub(crate) fn attr_i(name: &str, v: i64) -> AttributeProto {
    let mut a = AttributeProto::new();
    a.name = name.into();
    a.type_ = AttributeType::INT.into();
    a.i = v;
    a
}
pub(crate) fn attr_f(name: &str, v: f32) -> AttributeProto {
    let mut a = AttributeProto::new();
    a.name = name.into();
    a.type_ = AttributeType::FLOAT.into();
    a.f = v;
    a
}
pub(crate) fn attr_ints(name: &str, v: &[i64]) -> AttributeProto {
    let mut a = AttributeProto::new();
    a.name = name.into();
    a.type_ = AttributeType::INTS.into();
    a.ints = v.to_vec();
    a
}
pub(crate) fn attr_floats(name: &str, v: &[f32]) -> AttributeProto {
    let mut a = AttributeProto::new();
    a.name = name.into();
    a.type_ = AttributeType::FLOATS.into();
    a.floats = v.to_vec();
    a
}
pub(crate) fn attr_s(name: &str, v: &str) -> AttributeProto {
    let mut a = AttributeProto::new();
    a.name = name.into();
    a.type_ = AttributeType::STRING.into();
    a.s = v.as_bytes().to_vec().into();
    a
}

fn typed(name: &str, elem: i32) -> ValueInfoProto {
    let mut vi = ValueInfoProto::new();
    vi.name = name.into();
    let mut tp = TypeProto::new();
    tp.mut_tensor_type().elem_type = elem;
    vi.type_ = Some(tp).into();
    vi
}

impl Graph {
    /// A graph importing the default domain at `opset`.
    pub(crate) fn new(opset: i64) -> Self {
        Graph {
            g: GraphProto::new(),
            opsets: vec![("", opset)],
        }
    }
    /// Also imports `domain` (e.g. "ai.onnx.ml") at `opset`.
    pub(crate) fn import(mut self, domain: &'static str, opset: i64) -> Self {
        self.opsets.push((domain, opset));
        self
    }
    /// A graph input of element type `elem`, any shape.
    pub(crate) fn input(mut self, name: &str, elem: i32) -> Self {
        self.g.input.push(typed(name, elem));
        self
    }
    /// A graph output of element type `elem`.
    pub(crate) fn output(mut self, name: &str, elem: i32) -> Self {
        self.g.output.push(typed(name, elem));
        self
    }
    /// A float initializer.
    pub(crate) fn init_f(mut self, name: &str, dims: &[i64], v: &[f32]) -> Self {
        let mut t = TensorProto::new();
        t.name = name.into();
        t.data_type = FLOAT;
        t.dims = dims.to_vec();
        t.float_data = v.to_vec();
        self.g.initializer.push(t);
        self
    }
    /// An int64 initializer.
    pub(crate) fn init_i(mut self, name: &str, dims: &[i64], v: &[i64]) -> Self {
        let mut t = TensorProto::new();
        t.name = name.into();
        t.data_type = INT64;
        t.dims = dims.to_vec();
        t.int64_data = v.to_vec();
        self.g.initializer.push(t);
        self
    }
    /// A default-domain node; an empty input name is an omitted optional input.
    pub(crate) fn node(
        self,
        op: &str,
        inputs: &[&str],
        outputs: &[&str],
        attrs: Vec<AttributeProto>,
    ) -> Self {
        self.node_in("", op, inputs, outputs, attrs)
    }
    /// A node of `domain`.
    pub(crate) fn node_in(
        mut self,
        domain: &str,
        op: &str,
        inputs: &[&str],
        outputs: &[&str],
        attrs: Vec<AttributeProto>,
    ) -> Self {
        let mut n = NodeProto::new();
        n.op_type = op.into();
        n.domain = domain.into();
        n.name = format!("{}_{}", op.to_lowercase(), self.g.node.len());
        n.input = inputs.iter().map(|s| s.to_string()).collect();
        n.output = outputs.iter().map(|s| s.to_string()).collect();
        n.attribute = attrs;
        self.g.node.push(n);
        self
    }
    /// The serialized `ModelProto`.
    pub(crate) fn bytes(&self) -> Vec<u8> {
        let mut m = ModelProto::new();
        m.ir_version = 8;
        for (d, v) in &self.opsets {
            m.opset_import.push(Default::default());
            let o = m.opset_import.last_mut().unwrap();
            o.domain = d.to_string();
            o.version = *v;
        }
        m.graph = Some(self.g.clone()).into();
        m.write_to_bytes().expect("the model encodes")
    }
    /// Loads and runs the model on the CPU; the outputs in graph order.
    pub(crate) fn run(&self, inputs: Vec<(&str, HostTensor)>) -> Result<Vec<HostTensor>, String> {
        let m = Model::load(
            &self.bytes(),
            &RuntimeDevice::cpu(),
            &LoadOptions::default(),
        )
        .map_err(|e| e.to_string())?;
        let ins = inputs
            .into_iter()
            .map(|(n, t)| (n.to_string(), t))
            .collect();
        let out = m.run_blocking(ins).map_err(|e| e.to_string())?;
        Ok(out.into_iter().map(|(_, t)| t).collect())
    }
}

/// One op on inputs `x0, x1, …` (of the given tensors) with one output `y` of element type
/// `elem`, run at `opset`.
pub(crate) fn run_op(
    opset: i64,
    op: &str,
    inputs: Vec<HostTensor>,
    attrs: Vec<AttributeProto>,
    elem: i32,
) -> Result<HostTensor, String> {
    let names: Vec<String> = (0..inputs.len()).map(|i| format!("x{i}")).collect();
    let mut g = Graph::new(opset);
    for (n, t) in names.iter().zip(&inputs) {
        g = g.input(n, elem_of(t));
    }
    let refs: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
    let g = g.node(op, &refs, &["y"], attrs).output("y", elem);
    let ins = refs.iter().copied().zip(inputs).collect();
    Ok(g.run(ins)?.remove(0))
}

fn elem_of(t: &HostTensor) -> i32 {
    match t.data {
        HostData::F32(_) => FLOAT,
        HostData::F64(_) => 11,
        HostData::I64(_) => INT64,
        HostData::I32(_) => INT32,
        HostData::Bool(_) => BOOL,
    }
}

/// Float values of a tensor (any element type).
pub(crate) fn f32s(t: &HostTensor) -> Vec<f32> {
    t.data.to_f64_vec().into_iter().map(|v| v as f32).collect()
}
/// Integer values of an integer tensor.
pub(crate) fn i64s(t: &HostTensor) -> Vec<i64> {
    match &t.data {
        HostData::I64(v) => v.clone(),
        HostData::I32(v) => v.iter().map(|&x| x as i64).collect(),
        other => panic!("not an integer tensor: {other:?}"),
    }
}

/// Asserts equal shapes and values within 1e-5.
pub(crate) fn assert_close(got: &HostTensor, shape: &[usize], want: &[f32]) {
    assert_eq!(got.shape, shape, "shape");
    let g = f32s(got);
    assert_eq!(g.len(), want.len(), "value count");
    for (i, (a, b)) in g.iter().zip(want).enumerate() {
        assert!(
            (a - b).abs() <= 1e-5 || a.is_nan() && b.is_nan(),
            "element {i}: got {a}, expected {b} (all: {g:?})"
        );
    }
}
