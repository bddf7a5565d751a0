//! Preprocessing: Scaler, Normalizer (MAX/L1/L2), Binarizer, Imputer (float values),
//! ArrayFeatureExtractor (columns by index; the indices are read back, hence async).

use burn::tensor::{Int, Tensor, TensorData};

use crate::error::OpResult;
use crate::ops::Ctx;
use crate::ops::helpers::req;
use crate::plan::Node;
use crate::registry::{AsyncOp, OpDef};
use crate::types::DType;
use crate::value::*;

use super::{const_f, rows};

pub(crate) const OPS: &[OpDef] = &[
    OpDef::sync("Scaler", scaler),
    OpDef::sync("Normalizer", normalizer).note("MAX/L1/L2"),
    OpDef::asynk("ArrayFeatureExtractor", AsyncOp::ArrayFeatureExtractor),
    OpDef::sync("Binarizer", binarizer),
    OpDef::sync("Imputer", imputer)
        .check(imputer_problem)
        .note("floats"),
];

fn imputer_problem(n: &Node) -> Option<String> {
    n.attrs
        .has("imputed_value_int64s")
        .then(|| "integer imputation is not supported".into())
}

fn scaler(ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let x = req(ins, 0)?;
    let (t, nrow, f) = rows(ctx, x)?;
    let off = a.floats("offset").unwrap_or_else(|| vec![0.0]);
    let sc = a.floats("scale").unwrap_or_else(|| vec![1.0]);
    let vec_of = |v: Vec<f32>, what: &str| -> OpResult<Vec<f32>> {
        if v.len() == f {
            Ok(v)
        } else if v.len() == 1 {
            Ok(vec![v[0]; f])
        } else {
            Err(format!(
                "{what} has {} values but the input has {f} features per row",
                v.len()
            ))
        }
    };
    let off = const_f(ctx, vec_of(off, "offset")?, [1, 1, 1, 1, 1, f]);
    let sc = const_f(ctx, vec_of(sc, "scale")?, [1, 1, 1, 1, 1, f]);
    let s6 = [1, 1, 1, 1, nrow, f];
    let y = t.sub(off.expand(s6)).mul(sc.expand(s6));
    Ok(vec![Val::D(DVal {
        t: TData::F(y),
        shape: vec![nrow, f],
        dtype: DType::F32,
    })])
}

fn normalizer(ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let x = req(ins, 0)?;
    let (t, nrow, f) = rows(ctx, x)?;
    let norm = a.s("norm").unwrap_or_else(|| "MAX".into());
    let s6 = [1, 1, 1, 1, nrow, f];
    let d = match norm.as_str() {
        "MAX" => t.clone().max_dim(R - 1),
        "L1" => t.clone().abs().sum_dim(R - 1),
        "L2" => t.clone().square().sum_dim(R - 1).sqrt(),
        other => return Err(format!("unknown norm {other}")),
    };
    let y = t.div(d.expand(s6));
    Ok(vec![Val::D(DVal {
        t: TData::F(y),
        shape: vec![nrow, f],
        dtype: DType::F32,
    })])
}

fn binarizer(ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let x = req(ins, 0)?;
    let d = x.dev(ctx.dev)?;
    let (s, dt) = (d.shape.clone(), d.dtype);
    let th = a.f("threshold", 0.0);
    let t = d.f();
    let y = t.greater_elem(th).float();
    Ok(vec![Val::D(DVal {
        t: TData::F(y),
        shape: s,
        dtype: dt,
    })])
}

fn imputer(ctx: &Ctx, n: &Node, ins: &mut [Option<Val>]) -> OpResult<Vec<Val>> {
    let a = &n.attrs;
    let x = req(ins, 0)?;
    let (t, nrow, f) = rows(ctx, x)?;
    let vals = a
        .floats("imputed_value_floats")
        .ok_or("missing imputed_value_floats")?;
    let vals = if vals.len() == 1 {
        vec![vals[0]; f]
    } else {
        vals
    };
    if vals.len() != f {
        return Err(format!("{} imputed values for {f} features", vals.len()));
    }
    let rep = a.f("replaced_value_float", 0.0);
    let s6 = [1, 1, 1, 1, nrow, f];
    let mask = if rep.is_nan() {
        t.clone().is_nan()
    } else {
        t.clone().equal_elem(rep)
    };
    let v = const_f(ctx, vals, [1, 1, 1, 1, 1, f]).expand(s6);
    let y = t.mask_where(mask, v);
    Ok(vec![Val::D(DVal {
        t: TData::F(y),
        shape: x.shape().to_vec(),
        dtype: DType::F32,
    })])
}

pub(crate) async fn array_feature_extractor(
    ctx: &Ctx<'_>,
    _n: &Node,
    ins: &mut [Option<Val>],
) -> OpResult<Vec<Val>> {
    let (x, idx) = (req(ins, 0)?, req(ins, 1)?);
    let s = x.shape().to_vec();
    if s.is_empty() {
        return Err("input must have rank ≥ 1".into());
    }
    let last = *s.last().unwrap() as i64;
    let iv: Vec<i64> = crate::ops::helpers::ints(idx).await?;
    for &i in &iv {
        if i < 0 || i >= last {
            return Err(format!("index {i} is out of range for {last} features"));
        }
    }
    let k = iv.len();
    let mut out = s.clone();
    *out.last_mut().unwrap() = k;
    if s.len() == 1 {
        out = vec![1, k];
    }
    let it = Tensor::<1, Int>::from_data(TensorData::new(iv, [k]), ctx.dev);
    let d = x.dev(ctx.dev)?;
    let dt = d.dtype;
    let t = match d.t {
        TData::F(t) => TData::F(t.select(R - 1, it)),
        TData::I(t) => TData::I(t.select(R - 1, it)),
        TData::B(t) => TData::B(t.select(R - 1, it)),
    };
    let mut sh = p6(&out)?;
    if s.len() == 1 {
        sh = p6(&[1, k])?;
    }
    let t = match t {
        TData::F(t) => TData::F(t.reshape(sh)),
        TData::I(t) => TData::I(t.reshape(sh)),
        TData::B(t) => TData::B(t.reshape(sh)),
    };
    Ok(vec![Val::D(DVal {
        t,
        shape: out,
        dtype: dt,
    })])
}

#[cfg(test)]
mod tests {
    use crate::HostTensor;
    use crate::testing::*;

    fn ml(
        op: &str,
        x: HostTensor,
        attrs: Vec<onnx_ir::AttributeProto>,
    ) -> Result<HostTensor, String> {
        let g = Graph::new(13)
            .import("ai.onnx.ml", 3)
            .input("x", FLOAT)
            .node_in("ai.onnx.ml", op, &["x"], &["y"], attrs)
            .output("y", FLOAT);
        Ok(g.run(vec![("x", x)])?.remove(0))
    }
    fn x() -> HostTensor {
        HostTensor::f32(vec![2, 2], vec![1., -3., 2., 4.])
    }

    #[test]
    fn scaler_normalizer_binarizer() {
        let y = ml(
            "Scaler",
            x(),
            vec![
                attr_floats("offset", &[1., 0.]),
                attr_floats("scale", &[2.]),
            ],
        )
        .unwrap();
        assert_close(&y, &[2, 2], &[0., -6., 2., 8.]);
        let y = ml("Normalizer", x(), vec![attr_s("norm", "L1")]).unwrap();
        assert_close(&y, &[2, 2], &[0.25, -0.75, 1. / 3., 2. / 3.]);
        let y = ml("Binarizer", x(), vec![attr_f("threshold", 1.5)]).unwrap();
        assert_close(&y, &[2, 2], &[0., 0., 1., 1.]);
        let e = ml("Scaler", x(), vec![attr_floats("scale", &[1., 2., 3.])]).unwrap_err();
        assert!(e.contains("3 values but the input has 2 features"), "{e}");
    }

    #[test]
    fn imputer_floats_only() {
        let x = HostTensor::f32(vec![1, 3], vec![f32::NAN, 2., f32::NAN]);
        let a = vec![
            attr_floats("imputed_value_floats", &[7.]),
            attr_f("replaced_value_float", f32::NAN),
        ];
        assert_close(
            &ml("Imputer", x.clone(), a).unwrap(),
            &[1, 3],
            &[7., 2., 7.],
        );
        // Refused at load time, naming the reason.
        let e = ml("Imputer", x, vec![attr_ints("imputed_value_int64s", &[1])]).unwrap_err();
        assert!(
            e.contains("Imputer (node 'imputer_0', domain ai.onnx.ml) — integer imputation"),
            "{e}"
        );
    }

    #[test]
    fn array_feature_extractor() {
        let g = Graph::new(13)
            .import("ai.onnx.ml", 3)
            .input("x", FLOAT)
            .init_i("i", &[2], &[1, 0])
            .node_in(
                "ai.onnx.ml",
                "ArrayFeatureExtractor",
                &["x", "i"],
                &["y"],
                vec![],
            )
            .output("y", FLOAT);
        assert_close(
            &g.run(vec![("x", x())]).unwrap()[0],
            &[2, 2],
            &[-3., 1., 4., 2.],
        );
    }
}
