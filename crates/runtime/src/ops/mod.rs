//! Standard-domain (ai.onnx) operators, one file per family, as tract and burn-onnx lay them out.
//!
//! Each op validates shapes itself before calling burn (burn panics on shape errors), keeps
//! integer math integer, and keeps small shape-like values on the host. Each family file ends
//! with its table `OPS` of `(op type → implementation)` rows; [`crate::registry`] joins the
//! tables into the one registry that the load-time check, `STANDARD_OPS` and the README's
//! operator table all come from. An op is resolved to its implementation once, when the plan is
//! built, so running a node does not look anything up by name.
//!
//! Shared helpers (inputs, axes, broadcasting, value constructors) live in [`helpers`].

use burn::tensor::Device;

/// Applies one expression to a device tensor of any kind, keeping the kind.
macro_rules! each {
    ($t:expr, $x:ident => $e:expr) => {
        match $t {
            TData::F($x) => TData::F($e),
            TData::I($x) => TData::I($e),
            TData::B($x) => TData::B($e),
        }
    };
}

pub(crate) mod activation;
pub(crate) mod cast;
pub(crate) mod conv;
pub(crate) mod elementwise;
pub(crate) mod helpers;
pub(crate) mod index;
pub(crate) mod logic;
pub(crate) mod matmul;
pub(crate) mod misc;
pub(crate) mod norm;
pub(crate) mod pad;
pub(crate) mod pool;
pub(crate) mod reduce;
pub(crate) mod shape;
pub(crate) mod unary;

/// What every op gets besides its node and inputs: the device to compute on.
pub(crate) struct Ctx<'a> {
    pub dev: &'a Device,
}
