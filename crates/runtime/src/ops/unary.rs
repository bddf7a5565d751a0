//! Elementwise unary ops: math (Abs, Neg, Sign, Exp, Log, Sqrt, Reciprocal, Floor, Ceil, Round,
//! Erf, trigonometric and hyperbolic functions), activations (Relu, Sigmoid, Tanh, Softplus,
//! Softsign, Elu, Selu, Celu, HardSigmoid, HardSwish, LeakyRelu, ThresholdedRelu, Mish, Gelu,
//! Swish, Shrink) and the float tests IsNaN, IsInf.
//!
//! All of them are one [`Unary`] kind, their attributes parsed when the plan is built. They
//! compute in float (integer inputs are converted), except that Neg, Abs and Sign of integers stay
//! integer (wrapping like C for the most negative value). The hottest ones take a device float by
//! value, so the backend may compute in place.

use burn::tensor::activation;

use crate::error::OpResult;
use crate::proto::Attrs;
use crate::registry::{Op, OpDef, SyncOp};
use crate::types::DType;
use crate::value::*;

use super::Ctx;
use super::helpers::*;

/// An elementwise unary op with its attributes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Unary {
    Relu,
    Sigmoid,
    Tanh,
    Exp,
    Log,
    Sqrt,
    Erf,
    Neg,
    Abs,
    Reciprocal,
    Floor,
    Ceil,
    Round,
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Sinh,
    Cosh,
    Asinh,
    Acosh,
    Atanh,
    Sign,
    Softplus,
    Softsign,
    Elu { alpha: f32 },
    Selu { alpha: f32, gamma: f32 },
    Celu { alpha: f32 },
    HardSigmoid { alpha: f32, beta: f32 },
    HardSwish,
    LeakyRelu { alpha: f32 },
    ThresholdedRelu { alpha: f32 },
    Mish,
    Gelu { tanh: bool },
    IsNaN,
    IsInf { negative: bool, positive: bool },
    Shrink { bias: f32, lambd: f32 },
    Swish { alpha: f32 },
}

pub(crate) const OPS: &[OpDef] = &[
    OpDef::unary("Abs", Unary::Abs),
    OpDef::unary("Acos", Unary::Acos),
    OpDef::unary("Acosh", Unary::Acosh),
    OpDef::unary("Asin", Unary::Asin),
    OpDef::unary("Asinh", Unary::Asinh),
    OpDef::unary("Atan", Unary::Atan),
    OpDef::unary("Atanh", Unary::Atanh),
    OpDef::unary("Ceil", Unary::Ceil),
    OpDef::unary("Cos", Unary::Cos),
    OpDef::unary("Cosh", Unary::Cosh),
    OpDef::unary("Erf", Unary::Erf),
    OpDef::unary("Exp", Unary::Exp),
    OpDef::unary("Floor", Unary::Floor),
    OpDef::unary("IsNaN", Unary::IsNaN),
    OpDef::by_node("IsInf", |a, _| {
        op(Unary::IsInf {
            negative: a.i("detect_negative", 1) == 1,
            positive: a.i("detect_positive", 1) == 1,
        })
    }),
    OpDef::unary("Log", Unary::Log),
    OpDef::unary("Neg", Unary::Neg),
    OpDef::unary("Reciprocal", Unary::Reciprocal),
    OpDef::unary("Round", Unary::Round),
    OpDef::unary("Sign", Unary::Sign),
    OpDef::unary("Sin", Unary::Sin),
    OpDef::unary("Sinh", Unary::Sinh),
    OpDef::unary("Sqrt", Unary::Sqrt),
    OpDef::unary("Tan", Unary::Tan),
    OpDef::unary("Tanh", Unary::Tanh),
    OpDef::by_node("Celu", |a, _| {
        op(Unary::Celu {
            alpha: a.f("alpha", 1.0),
        })
    }),
    OpDef::by_node("Elu", |a, _| {
        op(Unary::Elu {
            alpha: a.f("alpha", 1.0),
        })
    }),
    OpDef::by_node("Gelu", |a, _| {
        op(Unary::Gelu {
            tanh: a.s("approximate").as_deref() == Some("tanh"),
        })
    }),
    OpDef::by_node("HardSigmoid", |a, _| {
        op(Unary::HardSigmoid {
            alpha: a.f("alpha", 0.2),
            beta: a.f("beta", 0.5),
        })
    }),
    OpDef::unary("HardSwish", Unary::HardSwish),
    OpDef::by_node("LeakyRelu", |a, _| {
        op(Unary::LeakyRelu {
            alpha: a.f("alpha", 0.01),
        })
    }),
    OpDef::unary("Mish", Unary::Mish),
    OpDef::unary("Relu", Unary::Relu),
    OpDef::by_node("Selu", |a, _| {
        op(Unary::Selu {
            alpha: a.f("alpha", 1.673_263_2),
            gamma: a.f("gamma", 1.050_701),
        })
    }),
    OpDef::by_node("Shrink", |a, _| {
        op(Unary::Shrink {
            bias: a.f("bias", 0.0),
            lambd: a.f("lambd", 0.5),
        })
    }),
    OpDef::unary("Sigmoid", Unary::Sigmoid),
    OpDef::unary("Softplus", Unary::Softplus),
    OpDef::unary("Softsign", Unary::Softsign),
    OpDef::by_node("Swish", |a: &Attrs, _| {
        op(Unary::Swish {
            alpha: a.f("alpha", 1.0),
        })
    }),
    OpDef::by_node("ThresholdedRelu", |a, _| {
        op(Unary::ThresholdedRelu {
            alpha: a.f("alpha", 1.0),
        })
    }),
];

/// The registry's form of a unary kind.
fn op(u: Unary) -> Op {
    Op::Sync(SyncOp::Unary(u))
}

/// The ops with a fast path on device floats.
fn has_fast_path(u: Unary) -> bool {
    matches!(
        u,
        Unary::Relu
            | Unary::Sigmoid
            | Unary::Tanh
            | Unary::Exp
            | Unary::Sqrt
            | Unary::Neg
            | Unary::Erf
            | Unary::HardSigmoid { .. }
            | Unary::LeakyRelu { .. }
    )
}

/// Runs a unary node (`Op::Unary`).
pub(crate) fn run(ctx: &Ctx, u: Unary, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    if has_fast_path(u) && ins.first().is_some_and(is_dev_f) {
        // The input by value: the backend may reuse its buffer.
        let Some(Val::D(d)) = ins[0].take() else {
            unreachable!()
        };
        let (shape, dt) = (d.shape.clone(), d.dtype);
        let t = d.f();
        let r = match u {
            Unary::Relu => activation::relu(t),
            Unary::Sigmoid => activation::sigmoid(t),
            Unary::Tanh => t.tanh(),
            Unary::Exp => t.exp(),
            Unary::Sqrt => t.sqrt(),
            Unary::Neg => t.neg(),
            Unary::Erf => t.erf(),
            Unary::HardSigmoid { alpha, beta } => {
                t.mul_scalar(alpha).add_scalar(beta).clamp(0.0, 1.0)
            }
            Unary::LeakyRelu { alpha } => activation::leaky_relu(t, alpha as f64),
            _ => unreachable!("no fast path"),
        };
        return one(fval(r, shape, dt));
    }
    let x = req(ins, 0)?;
    if matches!(u, Unary::Neg | Unary::Abs | Unary::Sign) && x.dtype().is_int() {
        return int_unary(ctx, u, x);
    }
    if x.numel() == 0 {
        let dt = if matches!(u, Unary::IsNaN | Unary::IsInf { .. }) {
            DType::Bool
        } else {
            x.dtype()
        };
        return one(empty_val(x.shape().to_vec(), dt));
    }
    let (t, s, dt) = fdev(x, ctx)?;
    let f = |t: FT| fval(t, s.clone(), float_dtype(dt));
    match u {
        Unary::IsNaN => return one(bval(t.is_nan(), s)),
        Unary::IsInf { negative, positive } => {
            let inf = t.clone().is_inf();
            let r = match (negative, positive) {
                (true, true) => inf,
                (true, false) => inf.bool_and(t.lower_elem(0.0)),
                (false, true) => inf.bool_and(t.greater_elem(0.0)),
                _ => inf.bool_and(t.clone().not_equal(t)),
            };
            return one(bval(r, s));
        }
        _ => {}
    }
    let r = match u {
        Unary::Relu => activation::relu(t),
        Unary::Sigmoid => activation::sigmoid(t),
        Unary::Tanh => t.tanh(),
        Unary::Exp => t.exp(),
        Unary::Log => t.log(),
        Unary::Sqrt => t.sqrt(),
        Unary::Erf => t.erf(),
        Unary::Neg => t.neg(),
        Unary::Abs => t.abs(),
        Unary::Reciprocal => t.recip(),
        Unary::Floor => t.floor(),
        Unary::Ceil => t.ceil(),
        Unary::Round => t.round(),
        Unary::Sin => t.sin(),
        Unary::Cos => t.cos(),
        Unary::Tan => t.tan(),
        Unary::Asin => t.asin(),
        Unary::Acos => t.acos(),
        Unary::Atan => t.atan(),
        Unary::Sinh => t.sinh(),
        Unary::Cosh => t.cosh(),
        Unary::Asinh => t.asinh(),
        Unary::Acosh => t.acosh(),
        Unary::Atanh => t.atanh(),
        Unary::Sign => t.sign(),
        Unary::Softplus => {
            // log(1+exp(x)), stable: max(x,0) + log1p(exp(-|x|))
            t.clone().clamp_min(0.0).add(t.abs().neg().exp().log1p())
        }
        Unary::Softsign => t.clone().div(t.abs().add_scalar(1.0)),
        Unary::Elu { alpha } => elu(t, alpha, 1.0),
        Unary::Selu { alpha, gamma } => elu(t, alpha, gamma),
        Unary::Celu { alpha } => {
            let neg = t
                .clone()
                .div_scalar(alpha)
                .exp()
                .sub_scalar(1.0)
                .mul_scalar(alpha)
                .clamp_max(0.0);
            t.clamp_min(0.0).add(neg)
        }
        Unary::HardSigmoid { alpha, beta } => t.mul_scalar(alpha).add_scalar(beta).clamp(0.0, 1.0),
        Unary::Swish { alpha } => t.clone().mul(activation::sigmoid(t.mul_scalar(alpha))),
        Unary::HardSwish => t
            .clone()
            .mul(t.mul_scalar(1.0 / 6.0).add_scalar(0.5).clamp(0.0, 1.0)),
        Unary::LeakyRelu { alpha } => activation::leaky_relu(t, alpha as f64),
        Unary::ThresholdedRelu { alpha } => {
            let m = t.clone().greater_elem(alpha);
            t.clone().zeros_like().mask_where(m, t)
        }
        Unary::Shrink { bias, lambd } => {
            let lo = t.clone().lower_elem(-lambd);
            let hi = t.clone().greater_elem(lambd);
            let z = t.clone().zeros_like();
            z.mask_where(lo, t.clone().add_scalar(bias))
                .mask_where(hi, t.sub_scalar(bias))
        }
        Unary::Mish => t.clone().mul(
            t.clone()
                .clamp_min(0.0)
                .add(t.abs().neg().exp().log1p())
                .tanh(),
        ),
        Unary::Gelu { tanh } => {
            if tanh {
                activation::gelu_approximate(t)
            } else {
                activation::gelu(t)
            }
        }
        Unary::IsNaN | Unary::IsInf { .. } => unreachable!("handled above"),
    };
    one(f(r))
}

/// Elu (γ = 1) and Selu: γ·x for x > 0, γ·α·(eˣ − 1) otherwise.
fn elu(t: FT, alpha: f32, gamma: f32) -> FT {
    let pos = t.clone().greater_elem(0.0);
    let neg = t.clone().exp().sub_scalar(1.0).mul_scalar(alpha * gamma);
    neg.mask_where(pos, t.mul_scalar(gamma))
}

/// Neg, Abs and Sign of integers, kept integer.
fn int_unary(ctx: &Ctx, u: Unary, x: &Val) -> OpResult<Vec<Val>> {
    if let Val::H(h) = x {
        let v = h.data.as_i64().into_iter().map(|v| match u {
            Unary::Neg => v.wrapping_neg(),
            Unary::Abs => v.wrapping_abs(),
            _ => v.signum(),
        });
        return one(Val::H(HVal::new(
            h.shape.clone(),
            HData::I(wrap_ints(v.collect(), h.dtype)),
            h.dtype,
        )));
    }
    let d = x.dev(ctx.dev)?;
    let (s, dt) = (d.shape.clone(), d.dtype);
    let t = d.i();
    let r = match u {
        Unary::Neg => t.neg(),
        Unary::Abs => t.abs(),
        _ => t.sign(),
    };
    one(ival(r, s, dt))
}

#[cfg(test)]
mod tests {
    use crate::HostTensor;
    use crate::testing::*;

    fn x() -> HostTensor {
        HostTensor::f32(vec![4], vec![-2.0, -0.5, 0.0, 3.0])
    }

    #[test]
    fn attributes_parsed_at_plan_time() {
        let y = run_op(
            13,
            "LeakyRelu",
            vec![x()],
            vec![attr_f("alpha", 0.5)],
            FLOAT,
        )
        .unwrap();
        assert_close(&y, &[4], &[-1.0, -0.25, 0.0, 3.0]);
        let y = run_op(13, "LeakyRelu", vec![x()], vec![], FLOAT).unwrap();
        assert_close(&y, &[4], &[-0.02, -0.005, 0.0, 3.0]);
        let y = run_op(
            13,
            "HardSigmoid",
            vec![x()],
            vec![attr_f("alpha", 0.25), attr_f("beta", 0.5)],
            FLOAT,
        )
        .unwrap();
        assert_close(&y, &[4], &[0.0, 0.375, 0.5, 1.0]);
        let y = run_op(13, "Elu", vec![x()], vec![attr_f("alpha", 2.0)], FLOAT).unwrap();
        let e = |v: f32| 2.0 * (v.exp() - 1.0);
        assert_close(&y, &[4], &[e(-2.0), e(-0.5), 0.0, 3.0]);
        let y = run_op(
            13,
            "ThresholdedRelu",
            vec![x()],
            vec![attr_f("alpha", 0.0)],
            FLOAT,
        )
        .unwrap();
        assert_close(&y, &[4], &[0.0, 0.0, 0.0, 3.0]);
        let y = run_op(
            13,
            "Shrink",
            vec![x()],
            vec![attr_f("bias", 1.0), attr_f("lambd", 1.0)],
            FLOAT,
        )
        .unwrap();
        assert_close(&y, &[4], &[-1.0, 0.0, 0.0, 2.0]);
    }

    #[test]
    fn integer_neg_abs_sign_stay_integer() {
        let x = || HostTensor::i64(vec![3], vec![-3, 0, 5]);
        assert_eq!(
            i64s(&run_op(13, "Neg", vec![x()], vec![], INT64).unwrap()),
            [3, 0, -5]
        );
        assert_eq!(
            i64s(&run_op(13, "Abs", vec![x()], vec![], INT64).unwrap()),
            [3, 0, 5]
        );
        assert_eq!(
            i64s(&run_op(13, "Sign", vec![x()], vec![], INT64).unwrap()),
            [-1, 0, 1]
        );
        // On the host, int32 wraps like C.
        let y = Graph::new(13)
            .init_i("a", &[1], &[i32::MIN as i64])
            .node("Cast", &["a"], &["b"], vec![attr_i("to", 6)])
            .node("Neg", &["b"], &["y"], vec![])
            .output("y", INT32)
            .run(vec![])
            .unwrap();
        assert_eq!(i64s(&y[0]), [i32::MIN as i64]);
    }

    #[test]
    fn float_tests() {
        let x = HostTensor::f32(
            vec![4],
            vec![f32::NEG_INFINITY, 1.0, f32::NAN, f32::INFINITY],
        );
        let y = run_op(
            10,
            "IsInf",
            vec![x.clone()],
            vec![attr_i("detect_negative", 0)],
            BOOL,
        )
        .unwrap();
        assert_eq!(f32s(&y), [0.0, 0.0, 0.0, 1.0]);
        let y = run_op(13, "IsNaN", vec![x], vec![], BOOL).unwrap();
        assert_eq!(f32s(&y), [0.0, 0.0, 1.0, 0.0]);
    }
}
