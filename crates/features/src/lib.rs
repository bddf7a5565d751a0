//! # assay-features
//!
//! The feature stage of an audit: what turns a row's image file, text or
//! tensor-file entry into the arrays a model input takes. It sits between
//! reading (the engine's tables) and the model (the runtime), and knows
//! neither: it reads the plan's feed settings
//! ([`assay_engine::plan::feeds`]) and returns plain [`Array`]s, which the
//! pipeline hands to the runtime.
//!
//! * [`image`]: decode PNG/JPEG/WebP/… in Rust (the same pixels in the CLI
//!   and the page), then torchvision-style resize, crop, normalize;
//! * [`text`]: a Hugging Face `tokenizer.json` → `input_ids`,
//!   `attention_mask`, `token_type_ids`;
//! * [`tensors`]: NPY / NPZ arrays.

pub mod image;
pub mod tensors;
pub mod text;

/// An n-dimensional array in row-major order, of one of the element types a
/// model input takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Array {
    pub shape: Vec<usize>,
    pub data: ArrayData,
}

/// The elements of an [`Array`].
#[derive(Debug, Clone, PartialEq)]
pub enum ArrayData {
    F32(Vec<f32>),
    F64(Vec<f64>),
    I64(Vec<i64>),
    I32(Vec<i32>),
    Bool(Vec<bool>),
}

impl ArrayData {
    pub fn len(&self) -> usize {
        match self {
            ArrayData::F32(v) => v.len(),
            ArrayData::F64(v) => v.len(),
            ArrayData::I64(v) => v.len(),
            ArrayData::I32(v) => v.len(),
            ArrayData::Bool(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The element type's name as numpy spells it (`float32`, `int64`…).
    pub fn type_name(&self) -> &'static str {
        match self {
            ArrayData::F32(_) => "float32",
            ArrayData::F64(_) => "float64",
            ArrayData::I64(_) => "int64",
            ArrayData::I32(_) => "int32",
            ArrayData::Bool(_) => "bool",
        }
    }
}

impl Array {
    /// Rows (the first dimension; 1 for a scalar).
    pub fn rows(&self) -> usize {
        self.shape.first().copied().unwrap_or(1)
    }

    /// Elements per row.
    pub fn row_len(&self) -> usize {
        self.shape.iter().skip(1).product()
    }

    /// Rows `start..end` as a new array (the first dimension sliced).
    pub fn slice_rows(&self, start: usize, end: usize) -> Array {
        let w = self.row_len();
        let (a, b) = (start * w, end * w);
        let data = match &self.data {
            ArrayData::F32(v) => ArrayData::F32(v[a..b].to_vec()),
            ArrayData::F64(v) => ArrayData::F64(v[a..b].to_vec()),
            ArrayData::I64(v) => ArrayData::I64(v[a..b].to_vec()),
            ArrayData::I32(v) => ArrayData::I32(v[a..b].to_vec()),
            ArrayData::Bool(v) => ArrayData::Bool(v[a..b].to_vec()),
        };
        let mut shape = self.shape.clone();
        if let Some(r) = shape.first_mut() {
            *r = end - start;
        }
        Array { shape, data }
    }
}
