//! Cast and CastLike. Float → integer truncates toward zero (NaN → 0 on the host), integers wrap
//! to the target width like a C cast, anything → bool is x ≠ 0. Float16 and float64 are computed
//! as float32; casting to string is refused.

use crate::error::OpResult;
use crate::plan::Node;
use crate::registry::OpDef;
use crate::types::DType;
use crate::value::*;

use super::Ctx;
use super::helpers::*;

pub(crate) const OPS: &[OpDef] = &[
    OpDef::sync("Cast", cast_op),
    OpDef::sync("CastLike", cast_like),
];

fn cast_op(ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    cast_node(ctx, n, false, ins)
}
fn cast_like(ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    cast_node(ctx, n, true, ins)
}

fn cast_node(ctx: &Ctx, n: &Node, like: bool, ins: &[Option<Val>]) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let x = req(ins, 0)?;
    let to = if !like {
        DType::from_onnx(a.i("to", 1) as i32).ok_or("unknown target type")?
    } else {
        req(ins, 1)?.dtype()
    };
    if to == DType::String {
        return Err("casting to string is not supported".into());
    }
    one(cast(ctx, x, to)?)
}

pub(crate) fn cast(ctx: &Ctx, x: &Val, to: DType) -> OpResult<Val> {
    match x {
        Val::H(h) => Ok(Val::H(HVal::new(
            h.shape.clone(),
            convert_hdata(&h.data, to),
            to,
        ))),
        Val::D(d) => {
            let s = d.shape.clone();
            let t = match (d.kind(), kind_of(to)) {
                (Kind::F, Kind::F) | (Kind::I, Kind::I) | (Kind::B, Kind::B) => d.t.clone(),
                (_, Kind::F) => TData::F(d.clone().f()),
                (Kind::F, Kind::I) => {
                    // Truncate toward zero.
                    let t = d.clone().f();
                    TData::I(
                        t.clone()
                            .floor()
                            .mask_where(t.clone().lower_elem(0.0), t.ceil())
                            .int(),
                    )
                }
                (_, Kind::I) => TData::I(d.clone().i()),
                (_, Kind::B) => TData::B(d.clone().b()),
            };
            let _ = ctx;
            Ok(Val::D(DVal {
                t,
                shape: s,
                dtype: to,
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::HostTensor;
    use crate::testing::*;

    #[test]
    fn float_to_int_truncates_toward_zero() {
        let x = || HostTensor::f32(vec![4], vec![-1.7, -0.2, 0.9, 2.5]);
        let y = run_op(13, "Cast", vec![x()], vec![attr_i("to", 7)], INT64).unwrap();
        assert_eq!(i64s(&y), [-1, 0, 0, 2]);
        let y = run_op(13, "Cast", vec![x()], vec![attr_i("to", 9)], BOOL).unwrap();
        assert_eq!(f32s(&y), [1.0, 1.0, 1.0, 1.0]);
        // On the host (a constant), the same.
        let y = Graph::new(13)
            .init_f("a", &[2], &[-1.7, 2.5])
            .node("Cast", &["a"], &["y"], vec![attr_i("to", 7)])
            .output("y", INT64)
            .run(vec![])
            .unwrap();
        assert_eq!(i64s(&y[0]), [-1, 2]);
    }

    #[test]
    fn cast_like_takes_the_second_inputs_type() {
        let y = run_op(
            15,
            "CastLike",
            vec![
                HostTensor::f32(vec![2], vec![3.9, -3.9]),
                HostTensor::i64(vec![1], vec![0]),
            ],
            vec![],
            INT64,
        )
        .unwrap();
        assert_eq!(i64s(&y), [3, -3]);
    }
}
