//! Run-time values: small host tensors (shapes, scalars, index lists: shape arithmetic stays on
//! the host) and device tensors. Device tensors are stored at a fixed rank of 6, the logical
//! shape padded with leading 1s: ONNX broadcasting aligns trailing axes, so padding with leading
//! 1s keeps broadcasting right, and one code path serves every rank from 0 to 6.

use burn::tensor::{Bool, Device, Int, Tensor, TensorData};

use crate::error::OpResult;
use crate::types::{DType, HostData, HostTensor};

pub(crate) const R: usize = 6;
/// Host values up to this many elements stay on the host when an op computes them there.
pub(crate) const HOST_MAX: usize = 4096;

pub(crate) type FT = Tensor<R>;
pub(crate) type IT = Tensor<R, Int>;
pub(crate) type BT = Tensor<R, Bool>;

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum HData {
    F(Vec<f32>),
    I(Vec<i64>),
    B(Vec<bool>),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct HVal {
    pub shape: Vec<usize>,
    pub data: HData,
    pub dtype: DType,
}

#[derive(Clone)]
pub(crate) enum TData {
    F(FT),
    I(IT),
    B(BT),
}

#[derive(Clone)]
pub(crate) struct DVal {
    pub t: TData,
    pub shape: Vec<usize>,
    pub dtype: DType,
}

#[derive(Clone)]
#[allow(clippy::large_enum_variant)]
pub(crate) enum Val {
    H(HVal),
    D(DVal),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    F,
    I,
    B,
}

pub(crate) fn kind_of(d: DType) -> Kind {
    if d.is_float() {
        Kind::F
    } else if d == DType::Bool {
        Kind::B
    } else {
        Kind::I
    }
}

pub(crate) fn numel(shape: &[usize]) -> usize {
    shape.iter().fold(1usize, |a, &d| a.saturating_mul(d))
}

pub(crate) fn p6(shape: &[usize]) -> OpResult<[usize; R]> {
    if shape.len() > R {
        return Err(format!(
            "tensors of rank {} are not supported (at most {R})",
            shape.len()
        ));
    }
    let mut out = [1usize; R];
    let off = R - shape.len();
    out[off..].copy_from_slice(shape);
    Ok(out)
}

impl HData {
    pub fn len(&self) -> usize {
        match self {
            HData::F(v) => v.len(),
            HData::I(v) => v.len(),
            HData::B(v) => v.len(),
        }
    }
    pub fn kind(&self) -> Kind {
        match self {
            HData::F(_) => Kind::F,
            HData::I(_) => Kind::I,
            HData::B(_) => Kind::B,
        }
    }
    pub fn as_i64(&self) -> Vec<i64> {
        match self {
            HData::F(v) => v.iter().map(|&x| x as i64).collect(),
            HData::I(v) => v.clone(),
            HData::B(v) => v.iter().map(|&x| x as i64).collect(),
        }
    }
    pub fn as_f32(&self) -> Vec<f32> {
        match self {
            HData::F(v) => v.clone(),
            HData::I(v) => v.iter().map(|&x| x as f32).collect(),
            HData::B(v) => v.iter().map(|&x| x as i64 as f32).collect(),
        }
    }
    pub fn as_f64(&self) -> Vec<f64> {
        match self {
            HData::F(v) => v.iter().map(|&x| x as f64).collect(),
            HData::I(v) => v.iter().map(|&x| x as f64).collect(),
            HData::B(v) => v.iter().map(|&x| x as i64 as f64).collect(),
        }
    }
    /// Picks elements by flat index.
    pub fn pick(&self, idx: &[usize]) -> HData {
        match self {
            HData::F(v) => HData::F(idx.iter().map(|&i| v[i]).collect()),
            HData::I(v) => HData::I(idx.iter().map(|&i| v[i]).collect()),
            HData::B(v) => HData::B(idx.iter().map(|&i| v[i]).collect()),
        }
    }
    pub fn extend(&mut self, other: &HData) {
        match (self, other) {
            (HData::F(a), HData::F(b)) => a.extend_from_slice(b),
            (HData::I(a), HData::I(b)) => a.extend_from_slice(b),
            (HData::B(a), HData::B(b)) => a.extend_from_slice(b),
            (a, b) => {
                // Mixed kinds: convert b to a's kind.
                match a {
                    HData::F(a) => a.extend(b.as_f32()),
                    HData::I(a) => a.extend(b.as_i64()),
                    HData::B(a) => a.extend(b.as_i64().iter().map(|&x| x != 0)),
                }
            }
        }
    }
}

/// Converts host data to the representation of `dtype` (float → int truncates, x → bool is x≠0).
pub(crate) fn convert_hdata(d: &HData, dtype: DType) -> HData {
    match kind_of(dtype) {
        Kind::F => {
            let v = d.as_f32();
            if dtype == DType::F16 {
                // Round through f16 precision is not modelled; keep f32.
            }
            HData::F(v)
        }
        Kind::I => {
            let v: Vec<i64> = match d {
                HData::F(v) => v
                    .iter()
                    .map(|&x| if x.is_nan() { 0 } else { x.trunc() as i64 })
                    .collect(),
                other => other.as_i64(),
            };
            HData::I(wrap_ints(v, dtype))
        }
        Kind::B => HData::B(match d {
            HData::F(v) => v.iter().map(|&x| x != 0.0).collect(),
            HData::I(v) => v.iter().map(|&x| x != 0).collect(),
            HData::B(v) => v.clone(),
        }),
    }
}

/// Wraps integers to the range of a narrower integer type (two's complement), like a C cast.
pub(crate) fn wrap_ints(v: Vec<i64>, dtype: DType) -> Vec<i64> {
    match dtype {
        DType::I32 => v.into_iter().map(|x| x as i32 as i64).collect(),
        DType::I16 => v.into_iter().map(|x| x as i16 as i64).collect(),
        DType::I8 => v.into_iter().map(|x| x as i8 as i64).collect(),
        DType::U8 => v.into_iter().map(|x| x as u8 as i64).collect(),
        DType::U16 => v.into_iter().map(|x| x as u16 as i64).collect(),
        DType::U32 => v.into_iter().map(|x| x as u32 as i64).collect(),
        _ => v,
    }
}

impl HVal {
    pub fn new(shape: Vec<usize>, data: HData, dtype: DType) -> Self {
        HVal { shape, data, dtype }
    }
    pub fn i64s(shape: Vec<usize>, v: Vec<i64>) -> Self {
        HVal {
            shape,
            data: HData::I(v),
            dtype: DType::I64,
        }
    }
    pub fn numel(&self) -> usize {
        numel(&self.shape)
    }
    pub fn upload(&self, dev: &Device) -> OpResult<DVal> {
        let s = p6(&self.shape)?;
        if self.numel() == 0 {
            return Err("empty tensors cannot be used in this operation here".into());
        }
        let t = match &self.data {
            HData::F(v) => TData::F(FT::from_data(TensorData::new(v.clone(), s), dev)),
            HData::I(v) => TData::I(IT::from_data(TensorData::new(v.clone(), s), dev)),
            HData::B(v) => TData::B(BT::from_data(TensorData::new(v.clone(), s), dev)),
        };
        Ok(DVal {
            t,
            shape: self.shape.clone(),
            dtype: self.dtype,
        })
    }
    pub fn from_host_tensor(h: &HostTensor) -> HVal {
        let (data, dtype) = match &h.data {
            HostData::F32(v) => (HData::F(v.clone()), DType::F32),
            HostData::F64(v) => (HData::F(v.iter().map(|&x| x as f32).collect()), DType::F64),
            HostData::I64(v) => (HData::I(v.clone()), DType::I64),
            HostData::I32(v) => (HData::I(v.iter().map(|&x| x as i64).collect()), DType::I32),
            HostData::Bool(v) => (HData::B(v.clone()), DType::Bool),
        };
        HVal {
            shape: h.shape.clone(),
            data,
            dtype,
        }
    }
    /// Converts to the public host tensor of the value's ONNX dtype.
    pub fn to_host_tensor(&self) -> HostTensor {
        let data = match (self.dtype, &self.data) {
            (DType::F64, d) => HostData::F64(d.as_f64()),
            (d, HData::F(v)) if d.is_float() => HostData::F32(v.clone()),
            (DType::Bool, HData::B(v)) => HostData::Bool(v.clone()),
            (DType::I32 | DType::I16 | DType::I8 | DType::U8 | DType::U16, d) => {
                HostData::I32(d.as_i64().into_iter().map(|x| x as i32).collect())
            }
            (d, data) if d.is_float() => HostData::F32(data.as_f32()),
            (DType::Bool, data) => HostData::Bool(data.as_i64().iter().map(|&x| x != 0).collect()),
            (_, data) => HostData::I64(data.as_i64()),
        };
        HostTensor {
            shape: self.shape.clone(),
            data,
        }
    }
}

impl DVal {
    pub fn kind(&self) -> Kind {
        match self.t {
            TData::F(_) => Kind::F,
            TData::I(_) => Kind::I,
            TData::B(_) => Kind::B,
        }
    }
    pub async fn download(self) -> OpResult<HVal> {
        let data = match self.t {
            TData::F(t) => t.into_data_async().await,
            TData::I(t) => t.into_data_async().await,
            TData::B(t) => t.into_data_async().await,
        }
        .map_err(|e| format!("reading a tensor back from the device failed: {e:?}"))?;
        let h = match kind_of(self.dtype) {
            Kind::F => HData::F(data.iter::<f32>().collect()),
            Kind::I => HData::I(data.iter::<i64>().collect()),
            Kind::B => HData::B(data.iter::<bool>().collect()),
        };
        Ok(HVal {
            shape: self.shape,
            data: h,
            dtype: self.dtype,
        })
    }
    /// Float view (ints and bools are converted).
    pub fn f(self) -> FT {
        match self.t {
            TData::F(t) => t,
            TData::I(t) => t.float(),
            TData::B(t) => t.float(),
        }
    }
    pub fn i(self) -> IT {
        match self.t {
            TData::F(t) => t.int(),
            TData::I(t) => t,
            TData::B(t) => t.int(),
        }
    }
    pub fn b(self) -> BT {
        match self.t {
            TData::F(t) => t.not_equal_elem(0.0f32),
            TData::I(t) => t.not_equal_elem(0i64),
            TData::B(t) => t,
        }
    }
}

impl Val {
    pub fn shape(&self) -> &[usize] {
        match self {
            Val::H(h) => &h.shape,
            Val::D(d) => &d.shape,
        }
    }
    pub fn dtype(&self) -> DType {
        match self {
            Val::H(h) => h.dtype,
            Val::D(d) => d.dtype,
        }
    }
    pub fn rank(&self) -> usize {
        self.shape().len()
    }
    pub fn numel(&self) -> usize {
        numel(self.shape())
    }
    pub fn is_host(&self) -> bool {
        matches!(self, Val::H(_))
    }
    pub fn dev(&self, dev: &Device) -> OpResult<DVal> {
        match self {
            Val::H(h) => h.upload(dev),
            Val::D(d) => Ok(d.clone()),
        }
    }
    pub async fn host(&self) -> OpResult<HVal> {
        match self {
            Val::H(h) => Ok(h.clone()),
            Val::D(d) => d.clone().download().await,
        }
    }
}
