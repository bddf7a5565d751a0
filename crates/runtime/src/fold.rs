//! Load-time folding: Constant nodes become plan constants, and an inference BatchNormalization
//! right after a Conv with constant weights is folded into that Conv's weights and bias (one op
//! fewer per batch, the CNN exports' usual pattern).

use std::collections::HashMap;

use crate::error::OpResult;
use crate::plan::Node;
use crate::proto::{Attrs, tensor_from_proto};
use crate::registry::is_std_domain;
use crate::types::DType;
use crate::value::*;

/// Folds an inference BatchNormalization into the Conv that feeds it (constant weights, the conv
/// output used by nothing else): W' = W·k, B' = (B − mean)·k + bias with k = scale/√(var+ε).
pub(crate) fn fold_batch_norms(
    nodes: &mut Vec<Node>,
    consts: &mut Vec<(usize, HVal)>,
    n_values: &mut usize,
    outputs: &[usize],
) {
    let mut uses: HashMap<usize, usize> = HashMap::new();
    for n in nodes.iter() {
        for i in n.inputs.iter().flatten() {
            *uses.entry(*i).or_default() += 1;
        }
    }
    let idx: HashMap<usize, usize> = consts.iter().enumerate().map(|(k, c)| (c.0, k)).collect();
    let cf = |id: Option<usize>| -> Option<(Vec<usize>, Vec<f32>)> {
        let h = &consts[*idx.get(&id?)?].1;
        match &h.data {
            HData::F(v) => Some((h.shape.clone(), v.clone())),
            _ => None,
        }
    };
    let mut producer: HashMap<usize, usize> = HashMap::new();
    for (k, n) in nodes.iter().enumerate() {
        for o in n.outputs.iter().flatten() {
            producer.insert(*o, k);
        }
    }
    let mut remove = vec![false; nodes.len()];
    let mut new_consts = vec![];
    for b in 0..nodes.len() {
        let bn = &nodes[b];
        if bn.op != "BatchNormalization"
            || !is_std_domain(&bn.domain)
            || bn.attrs.i("training_mode", 0) != 0
        {
            continue;
        }
        if bn.outputs.iter().skip(1).any(|o| o.is_some()) || bn.inputs.len() < 5 {
            continue;
        }
        let Some(x) = bn.inputs[0] else { continue };
        let Some(&c) = producer.get(&x) else { continue };
        let conv = &nodes[c];
        if conv.op != "Conv"
            || !is_std_domain(&conv.domain)
            || uses.get(&x) != Some(&1)
            || outputs.contains(&x)
        {
            continue;
        }
        let Some((ws, w)) = cf(conv.inputs.get(1).copied().flatten()) else {
            continue;
        };
        let m = ws[0];
        if m == 0 {
            continue;
        }
        let bias = match conv.inputs.get(2).copied().flatten() {
            Some(id) => match cf(Some(id)) {
                Some((_, v)) if v.len() == m => v,
                _ => continue,
            },
            None => vec![0.0; m],
        };
        let p: Vec<Option<Vec<f32>>> = (1..5)
            .map(|i| cf(bn.inputs[i]).map(|t| t.1).filter(|v| v.len() == m))
            .collect();
        let (Some(sc), Some(be), Some(mu), Some(var)) = (&p[0], &p[1], &p[2], &p[3]) else {
            continue;
        };
        let eps = bn.attrs.f("epsilon", 1e-5) as f64;
        let k: Vec<f64> = (0..m)
            .map(|j| sc[j] as f64 / (var[j] as f64 + eps).sqrt())
            .collect();
        let per = w.len() / m;
        let w2: Vec<f32> = w
            .iter()
            .enumerate()
            .map(|(i, &v)| (v as f64 * k[i / per]) as f32)
            .collect();
        let b2: Vec<f32> = (0..m)
            .map(|j| ((bias[j] as f64 - mu[j] as f64) * k[j] + be[j] as f64) as f32)
            .collect();
        let (wid, bid) = (*n_values, *n_values + 1);
        *n_values += 2;
        new_consts.push((wid, HVal::new(ws, HData::F(w2), DType::F32)));
        new_consts.push((bid, HVal::new(vec![m], HData::F(b2), DType::F32)));
        let y = bn.outputs[0];
        let conv = &mut nodes[c];
        conv.inputs.resize(3, None);
        conv.inputs[1] = Some(wid);
        conv.inputs[2] = Some(bid);
        conv.outputs = vec![y];
        remove[b] = true;
    }
    consts.extend(new_consts);
    let mut k = 0;
    nodes.retain(|_| {
        k += 1;
        !remove[k - 1]
    });
    // Drop constants nothing reads any more.
    let used: std::collections::HashSet<usize> = nodes
        .iter()
        .flat_map(|n| n.inputs.iter().flatten().copied())
        .chain(outputs.iter().copied())
        .collect();
    consts.retain(|c| used.contains(&c.0));
}

/// The value of a Constant node (dense tensor, float(s) or int(s); not sparse, not strings).
pub(crate) fn constant_value(a: &Attrs) -> OpResult<HVal> {
    if let Some(t) = a.t("value") {
        return tensor_from_proto(t);
    }
    if a.has("value_float") {
        return Ok(HVal::new(
            vec![],
            HData::F(vec![a.f("value_float", 0.0)]),
            DType::F32,
        ));
    }
    if let Some(v) = a.floats("value_floats") {
        return Ok(HVal::new(vec![v.len()], HData::F(v), DType::F32));
    }
    if a.has("value_int") {
        return Ok(HVal::i64s(vec![], vec![a.i("value_int", 0)]));
    }
    if let Some(v) = a.ints("value_ints") {
        return Ok(HVal::i64s(vec![v.len()], v));
    }
    Err("no supported value attribute (sparse and string constants are not supported)".into())
}

#[cfg(test)]
mod tests {
    use crate::testing::*;
    use crate::{HostTensor, LoadOptions, Model, RuntimeDevice};

    fn conv_bn(bn_out_is_used_twice: bool) -> Graph {
        let mut g = Graph::new(15)
            .input("x", FLOAT)
            .init_f("w", &[2, 1, 1], &[1., 2.])
            .init_f("s", &[2], &[3., 1.])
            .init_f("b", &[2], &[1., 0.])
            .init_f("m", &[2], &[1., 0.])
            .init_f("v", &[2], &[4., 1.])
            .node("Conv", &["x", "w"], &["c"], vec![])
            .node(
                "BatchNormalization",
                &["c", "s", "b", "m", "v"],
                &["y"],
                vec![attr_f("epsilon", 0.0)],
            )
            .output("y", FLOAT);
        if bn_out_is_used_twice {
            g = g.output("c", FLOAT);
        }
        g
    }

    #[test]
    fn batch_norm_folds_into_the_conv_before_it() {
        let x = HostTensor::f32(vec![1, 1, 2], vec![1., 3.]);
        // conv: channel 0 = x, channel 1 = 2x; bn: (c − m)/√v · s + b.
        let want = [1., 4., 2., 6.];
        let m = Model::load(
            &conv_bn(false).bytes(),
            &RuntimeDevice::cpu(),
            &LoadOptions::default(),
        )
        .unwrap();
        assert_eq!(m.op_summary(), vec![("Conv".to_string(), 1)]);
        let y = m.run_blocking(vec![("x".into(), x.clone())]).unwrap();
        assert_close(&y[0].1, &[1, 2, 2], &want);
        // Not folded when the conv output is also a graph output.
        let m = Model::load(
            &conv_bn(true).bytes(),
            &RuntimeDevice::cpu(),
            &LoadOptions::default(),
        )
        .unwrap();
        assert_eq!(m.op_summary().len(), 2);
        let y = m.run_blocking(vec![("x".into(), x)]).unwrap();
        assert_close(&y[0].1, &[1, 2, 2], &want);
    }
}
