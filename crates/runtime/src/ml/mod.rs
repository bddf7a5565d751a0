//! ai.onnx.ml operators, the ones common skl2onnx exports use, one file per family: linear models
//! (`linear.rs`), preprocessing (`preprocess.rs`), tree ensembles (`tree.rs`) and support vector
//! machines (`svm.rs`). They read the raw node attributes; attributes they cannot handle (string
//! labels, unknown post-transforms…) are refused at load time by each op's registry check, and
//! the expensive ones (trees, support vectors) are parsed once, at that check, into the node's
//! cache.
//!
//! Shared here: the `[rows, features]` input view, post-transforms on the device and on the host,
//! the parsed-attribute cache and the classifier attribute check.

use burn::tensor::TensorData;
use burn::tensor::activation;

use crate::error::OpResult;
use crate::ops::Ctx;
use crate::plan::Node;
use crate::value::*;

pub(crate) mod linear;
pub(crate) mod preprocess;
pub(crate) mod svm;
pub(crate) mod tree;

/// What the classifier-style ops (and tree ensembles) cannot take: string
/// class labels, and post-transforms other than the softmax/logistic family.
pub(crate) fn classifier_problem(n: &Node) -> Option<String> {
    if n.attrs.has("classlabels_strings") {
        return Some("string class labels are not supported; train with integer labels".into());
    }
    let pt = n.attrs.s("post_transform").unwrap_or_else(|| "NONE".into());
    (!matches!(
        pt.as_str(),
        "NONE" | "LOGISTIC" | "SOFTMAX" | "SOFTMAX_ZERO"
    ))
    .then(|| format!("post_transform {pt} is not supported"))
}

/// Input as a float 2-D tensor [N, F] on the device (1-D input is one row).
pub(crate) fn rows(ctx: &Ctx, x: &Val) -> OpResult<(FT, usize, usize)> {
    let (nrow, f) = matrix_shape(x)?;
    if nrow * f == 0 {
        return Err(format!("empty input of shape {:?}", x.shape()));
    }
    let d = x.dev(ctx.dev)?;
    Ok((d.f().reshape([1, 1, 1, 1, nrow, f]), nrow, f))
}

pub(crate) fn const_f(ctx: &Ctx, v: Vec<f32>, shape: [usize; R]) -> FT {
    FT::from_data(TensorData::new(v, shape), ctx.dev)
}

pub(crate) fn post(t: FT, pt: &str) -> FT {
    match pt {
        "LOGISTIC" => activation::sigmoid(t),
        "SOFTMAX" => activation::softmax(t, R - 1),
        "SOFTMAX_ZERO" => {
            // softmax that leaves exact zeros at zero
            let z = t.clone().equal_elem(0.0);
            let m = t.clone().max_dim(R - 1);
            let e = t.sub(m).exp().mask_fill(z, 0.0);
            let s = e.clone().sum_dim(R - 1);
            e.div(s)
        }
        _ => t,
    }
}

pub(crate) fn host_post(v: &mut [f64], pt: &str) {
    match pt {
        "LOGISTIC" => v.iter_mut().for_each(|x| *x = 1.0 / (1.0 + (-*x).exp())),
        "SOFTMAX" | "SOFTMAX_ZERO" => {
            let m = v.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
            let mut sum = 0.0;
            for x in v.iter_mut() {
                *x = if pt == "SOFTMAX_ZERO" && *x == 0.0 {
                    0.0
                } else {
                    (*x - m).exp()
                };
                sum += *x;
            }
            v.iter_mut().for_each(|x| *x /= sum);
        }
        _ => {}
    }
}

pub(crate) type Parsed = std::sync::Arc<dyn std::any::Any + Send + Sync>;

/// A node's attributes parsed once (trees, support vectors), kept on the node
/// for every later batch.
pub(crate) fn parsed<T: std::any::Any + Send + Sync>(
    n: &Node,
    parse: impl FnOnce(&Node) -> Result<T, String>,
) -> OpResult<Parsed> {
    if let Some(c) = n.cache.get() {
        return Ok(c.clone());
    }
    let t: Parsed = std::sync::Arc::new(parse(n)?);
    let _ = n.cache.set(t.clone());
    Ok(t)
}

/// (rows, features) of a 2-D input; a 1-D input is one row.
pub(crate) fn matrix_shape(x: &Val) -> OpResult<(usize, usize)> {
    let s = x.shape();
    match s.len() {
        1 => Ok((1, s[0])),
        2 => Ok((s[0], s[1])),
        _ => Err(format!(
            "expects a 2-D input [rows, features], got shape {s:?}"
        )),
    }
}

/// A registry check that parses the node's attributes into its cache: the error of the parse is
/// the reason the node is refused.
pub(crate) fn parse_into_cache<T: std::any::Any + Send + Sync>(
    n: &Node,
    parse: impl FnOnce(&Node) -> Result<T, String>,
) -> Option<String> {
    parsed(n, parse).err()
}
