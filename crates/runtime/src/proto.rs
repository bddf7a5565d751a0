//! Decoding: ONNX protobuf (the `ModelProto` types that onnx-ir re-exports) → attributes, host
//! tensors and tensor descriptions; `plan.rs` builds the graph from them.

use std::collections::HashMap;

use onnx_ir::{AttributeProto, Message, ModelProto, TensorProto};

use crate::error::{OpResult, RuntimeError};
use crate::types::{DType, TensorInfo};
use crate::value::{HData, HVal};

/// Attributes of one node, by name.
#[derive(Clone, Debug, Default)]
pub(crate) struct Attrs(pub HashMap<String, AttributeProto>);

impl Attrs {
    pub fn has(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }
    pub fn i(&self, name: &str, default: i64) -> i64 {
        self.0.get(name).map(|a| a.i).unwrap_or(default)
    }
    pub fn f(&self, name: &str, default: f32) -> f32 {
        self.0.get(name).map(|a| a.f).unwrap_or(default)
    }
    pub fn ints(&self, name: &str) -> Option<Vec<i64>> {
        self.0.get(name).map(|a| a.ints.clone())
    }
    pub fn floats(&self, name: &str) -> Option<Vec<f32>> {
        self.0.get(name).map(|a| a.floats.clone())
    }
    pub fn s(&self, name: &str) -> Option<String> {
        self.0
            .get(name)
            .map(|a| String::from_utf8_lossy(&a.s).into_owned())
    }
    pub fn strings_raw(&self, name: &str) -> Option<Vec<String>> {
        self.0.get(name).map(|a| {
            a.strings
                .iter()
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .collect()
        })
    }
    pub fn t(&self, name: &str) -> Option<&TensorProto> {
        self.0.get(name).and_then(|a| a.t.as_ref())
    }
}

/// Converts an initializer or attribute tensor to a host value.
pub(crate) fn tensor_from_proto(t: &TensorProto) -> OpResult<HVal> {
    let dtype = DType::from_onnx(t.data_type).ok_or_else(|| {
        format!(
            "tensor '{}' has an unknown element type {}",
            t.name, t.data_type
        )
    })?;
    if t.data_location.value() == 1 {
        return Err(format!(
            "tensor '{}' stores its data in an external file; embed the weights in the .onnx file",
            t.name
        ));
    }
    let mut shape = Vec::with_capacity(t.dims.len());
    for &d in &t.dims {
        if d < 0 {
            return Err(format!("tensor '{}' has a negative dimension {d}", t.name));
        }
        shape.push(d as usize);
    }
    let n = shape
        .iter()
        .try_fold(1usize, |a, &d| a.checked_mul(d))
        .ok_or_else(|| format!("tensor '{}' is too large", t.name))?;
    let raw: &[u8] = &t.raw_data;
    let use_raw = !raw.is_empty() || n == 0;
    let bad = |have: usize| {
        format!(
            "tensor '{}' of shape {:?} holds {} values, needs {}",
            t.name, shape, have, n
        )
    };
    macro_rules! from_raw {
        ($ty:ty, $sz:expr, $conv:expr) => {{
            if raw.len() != n * $sz {
                return Err(bad(raw.len() / $sz));
            }
            raw.chunks_exact($sz)
                .map(|c| {
                    let v = <$ty>::from_le_bytes(c.try_into().unwrap());
                    $conv(v)
                })
                .collect::<Vec<_>>()
        }};
    }
    let data = match dtype {
        DType::F32 => HData::F(if use_raw {
            from_raw!(f32, 4, |v| v)
        } else {
            if t.float_data.len() != n {
                return Err(bad(t.float_data.len()));
            }
            t.float_data.clone()
        }),
        DType::F64 => HData::F(if use_raw {
            from_raw!(f64, 8, |v: f64| v as f32)
        } else {
            if t.double_data.len() != n {
                return Err(bad(t.double_data.len()));
            }
            t.double_data.iter().map(|&x| x as f32).collect()
        }),
        DType::F16 => HData::F(if use_raw {
            from_raw!(u16, 2, f16_to_f32)
        } else {
            if t.int32_data.len() != n {
                return Err(bad(t.int32_data.len()));
            }
            t.int32_data.iter().map(|&x| f16_to_f32(x as u16)).collect()
        }),
        DType::I64 => HData::I(if use_raw {
            from_raw!(i64, 8, |v| v)
        } else {
            if t.int64_data.len() != n {
                return Err(bad(t.int64_data.len()));
            }
            t.int64_data.clone()
        }),
        DType::U64 => HData::I(if use_raw {
            from_raw!(u64, 8, |v: u64| v as i64)
        } else {
            t.uint64_data.iter().map(|&x| x as i64).collect()
        }),
        DType::U32 => HData::I(if use_raw {
            from_raw!(u32, 4, |v: u32| v as i64)
        } else {
            t.uint64_data.iter().map(|&x| x as i64).collect()
        }),
        DType::I32 => HData::I(if use_raw {
            from_raw!(i32, 4, |v: i32| v as i64)
        } else {
            t.int32_data.iter().map(|&x| x as i64).collect()
        }),
        DType::I16 => HData::I(if use_raw {
            from_raw!(i16, 2, |v: i16| v as i64)
        } else {
            t.int32_data.iter().map(|&x| x as i64).collect()
        }),
        DType::U16 => HData::I(if use_raw {
            from_raw!(u16, 2, |v: u16| v as i64)
        } else {
            t.int32_data.iter().map(|&x| x as i64).collect()
        }),
        DType::I8 => HData::I(if use_raw {
            from_raw!(i8, 1, |v: i8| v as i64)
        } else {
            t.int32_data.iter().map(|&x| x as i64).collect()
        }),
        DType::U8 => HData::I(if use_raw {
            from_raw!(u8, 1, |v: u8| v as i64)
        } else {
            t.int32_data.iter().map(|&x| x as i64).collect()
        }),
        DType::Bool => HData::B(if use_raw {
            from_raw!(u8, 1, |v: u8| v != 0)
        } else {
            t.int32_data.iter().map(|&x| x != 0).collect()
        }),
        DType::String => {
            return Err(format!(
                "tensor '{}' holds strings, which are not supported",
                t.name
            ));
        }
    };
    if data.len() != n {
        return Err(bad(data.len()));
    }
    Ok(HVal { shape, data, dtype })
}

pub(crate) fn f16_to_f32(h: u16) -> f32 {
    let sign = ((h >> 15) & 1) as u32;
    let exp = ((h >> 10) & 0x1f) as u32;
    let man = (h & 0x3ff) as u32;
    let bits = if exp == 0 {
        if man == 0 {
            sign << 31
        } else {
            // subnormal
            let mut e = 127 - 15 + 1;
            let mut m = man;
            while m & 0x400 == 0 {
                m <<= 1;
                e -= 1;
            }
            (sign << 31) | ((e as u32) << 23) | ((m & 0x3ff) << 13)
        }
    } else if exp == 31 {
        (sign << 31) | (0xff << 23) | (man << 13)
    } else {
        (sign << 31) | ((exp + 127 - 15) << 23) | (man << 13)
    };
    f32::from_bits(bits)
}

/// Decodes the bytes, telling "not ONNX at all" apart from "ONNX but truncated or corrupt".
pub(crate) fn decode_model(bytes: &[u8]) -> Result<ModelProto, RuntimeError> {
    if bytes.is_empty() {
        return Err(RuntimeError::NotOnnx("the file is empty".into()));
    }
    let looks_text = bytes
        .iter()
        .take(512)
        .all(|&b| b == b'\n' || b == b'\r' || b == b'\t' || (32..127).contains(&b));
    // An ONNX file starts with field 1 (ir_version, varint): byte 0x08.
    let starts_right = bytes[0] == 0x08;
    if looks_text {
        return Err(RuntimeError::NotOnnx(
            "the file is text (a CSV or JSON?), not a binary ONNX protobuf".into(),
        ));
    }
    match ModelProto::parse_from_bytes(bytes) {
        Ok(m) => {
            if !starts_right || m.graph.is_none() || m.graph.node.is_empty() {
                if !starts_right {
                    return Err(RuntimeError::NotOnnx(
                        "the bytes do not decode as an ONNX ModelProto".into(),
                    ));
                }
                if m.graph.is_none() {
                    return Err(RuntimeError::Corrupt(
                        "the model has no graph (the file may be cut short)".into(),
                    ));
                }
                return Err(RuntimeError::Corrupt(
                    "the model's graph has no nodes".into(),
                ));
            }
            Ok(m)
        }
        Err(e) => {
            if starts_right {
                Err(RuntimeError::Corrupt(format!(
                    "protobuf decoding failed ({e}); the file may be truncated"
                )))
            } else {
                Err(RuntimeError::NotOnnx(
                    "the bytes do not decode as an ONNX ModelProto".into(),
                ))
            }
        }
    }
}

/// Reads a graph input/output description.
pub(crate) fn value_info(v: &onnx_ir::ValueInfoProto) -> TensorInfo {
    let mut dtype = DType::F32;
    let mut shape = Vec::new();
    if let Some(tp) = v.type_.as_ref()
        && tp.has_tensor_type()
    {
        let tt = tp.tensor_type();
        dtype = DType::from_onnx(tt.elem_type).unwrap_or(DType::F32);
        if let Some(sh) = tt.shape.as_ref() {
            for d in &sh.dim {
                if d.has_dim_value() && d.dim_value() >= 0 {
                    shape.push(Some(d.dim_value() as usize));
                } else {
                    shape.push(None);
                }
            }
        }
    }
    TensorInfo {
        name: v.name.clone(),
        dtype,
        shape,
    }
}
