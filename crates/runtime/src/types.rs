//! Public data types: element types, tensor descriptions and host tensors.

use std::fmt;

/// ONNX element type of a graph input or output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DType {
    F32,
    F64,
    F16,
    I64,
    I32,
    I16,
    I8,
    U8,
    U16,
    U32,
    U64,
    Bool,
    /// Strings (ONNX-ML labels): described, never computed.
    String,
}

impl DType {
    /// Maps `TensorProto.DataType` codes.
    pub fn from_onnx(code: i32) -> Option<DType> {
        Some(match code {
            1 => DType::F32,
            2 => DType::U8,
            3 => DType::I8,
            4 => DType::U16,
            5 => DType::I16,
            6 => DType::I32,
            7 => DType::I64,
            8 => DType::String,
            9 => DType::Bool,
            10 => DType::F16,
            11 => DType::F64,
            12 => DType::U32,
            13 => DType::U64,
            _ => return None,
        })
    }
    pub fn is_float(self) -> bool {
        matches!(self, DType::F32 | DType::F64 | DType::F16)
    }
    pub fn is_int(self) -> bool {
        matches!(
            self,
            DType::I64
                | DType::I32
                | DType::I16
                | DType::I8
                | DType::U8
                | DType::U16
                | DType::U32
                | DType::U64
        )
    }
    pub fn name(self) -> &'static str {
        match self {
            DType::F32 => "float32",
            DType::F64 => "float64",
            DType::F16 => "float16",
            DType::I64 => "int64",
            DType::I32 => "int32",
            DType::I16 => "int16",
            DType::I8 => "int8",
            DType::U8 => "uint8",
            DType::U16 => "uint16",
            DType::U32 => "uint32",
            DType::U64 => "uint64",
            DType::Bool => "bool",
            DType::String => "string",
        }
    }
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Name, element type and shape of a graph input or output (`None` = dynamic dimension).
#[derive(Debug, Clone, PartialEq)]
pub struct TensorInfo {
    pub name: String,
    pub dtype: DType,
    pub shape: Vec<Option<usize>>,
}

/// Formats a shape like `[?, 64]`.
pub fn format_dims(shape: &[Option<usize>]) -> String {
    let parts: Vec<String> = shape
        .iter()
        .map(|d| d.map(|v| v.to_string()).unwrap_or_else(|| "?".into()))
        .collect();
    format!("[{}]", parts.join(", "))
}

/// A tensor in host memory, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct HostTensor {
    pub shape: Vec<usize>,
    pub data: HostData,
}

/// The elements of a [`HostTensor`].
#[derive(Debug, Clone, PartialEq)]
pub enum HostData {
    F32(Vec<f32>),
    F64(Vec<f64>),
    I64(Vec<i64>),
    I32(Vec<i32>),
    Bool(Vec<bool>),
}

impl HostData {
    pub fn len(&self) -> usize {
        match self {
            HostData::F32(v) => v.len(),
            HostData::F64(v) => v.len(),
            HostData::I64(v) => v.len(),
            HostData::I32(v) => v.len(),
            HostData::Bool(v) => v.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn dtype(&self) -> DType {
        match self {
            HostData::F32(_) => DType::F32,
            HostData::F64(_) => DType::F64,
            HostData::I64(_) => DType::I64,
            HostData::I32(_) => DType::I32,
            HostData::Bool(_) => DType::Bool,
        }
    }
    /// Values as f64 (bools as 0/1), for comparisons in tests and reports.
    pub fn to_f64_vec(&self) -> Vec<f64> {
        match self {
            HostData::F32(v) => v.iter().map(|&x| x as f64).collect(),
            HostData::F64(v) => v.clone(),
            HostData::I64(v) => v.iter().map(|&x| x as f64).collect(),
            HostData::I32(v) => v.iter().map(|&x| x as f64).collect(),
            HostData::Bool(v) => v.iter().map(|&x| if x { 1.0 } else { 0.0 }).collect(),
        }
    }
}

impl HostTensor {
    pub fn new(shape: Vec<usize>, data: HostData) -> Self {
        HostTensor { shape, data }
    }
    pub fn f32(shape: Vec<usize>, data: Vec<f32>) -> Self {
        HostTensor {
            shape,
            data: HostData::F32(data),
        }
    }
    pub fn f64(shape: Vec<usize>, data: Vec<f64>) -> Self {
        HostTensor {
            shape,
            data: HostData::F64(data),
        }
    }
    pub fn i64(shape: Vec<usize>, data: Vec<i64>) -> Self {
        HostTensor {
            shape,
            data: HostData::I64(data),
        }
    }
    pub fn numel(&self) -> usize {
        self.shape.iter().product()
    }
}

/// Which kind of device to run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceChoice {
    /// burn's flex CPU backend (natively and in wasm).
    Cpu,
    /// wgpu (WebGPU in the browser).
    Gpu,
}

/// Options for [`crate::Model::load`].
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Refuse files larger than this (default 512 MiB).
    pub max_bytes: usize,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            max_bytes: 512 * 1024 * 1024,
        }
    }
}
