//! Slice audits and fairness through the pipeline, against Fairlearn and
//! scikit-learn (fixture: `tests/golden/make_fairness.py`), plus the
//! statistics' bookkeeping, small-cell suppression and bad input.

use assay_audit::{Environment, Inputs, now_or_never, run};
use assay_engine::Cancel;
use assay_engine::analyses::fairness::FairnessOptions;
use assay_engine::analyses::slices::significance::{Method, Verdict};
use assay_engine::analyses::slices::{SliceAudit, SlicesOptions};
use assay_engine::plan::{AuditPlan, OptionKey, ScoreColumn};
use assay_engine::table::groups::{Binning, GroupSpec};
use assay_runtime::LoadOptions;
use serde_json::Value;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/golden/fairness");

fn env() -> Environment<'static> {
    Environment {
        producer: "test",
        device: None,
        now: &|| 0.0,
        cancel: Cancel::new(),
        load: LoadOptions::default(),
    }
}

fn col(c: &str) -> GroupSpec {
    GroupSpec::Column {
        column: c.into(),
        binning: None,
    }
}

fn plan(resamples: usize) -> AuditPlan {
    let mut p = AuditPlan::new("data.csv");
    p.predictions.label = "label".into();
    p.predictions.scores = vec![ScoreColumn::new("score")];
    p.bootstrap.resamples = resamples;
    p
}

fn go(p: &AuditPlan, csv: &[u8]) -> Result<assay_audit::Run, assay_audit::AuditError> {
    let mut inputs = Inputs::new();
    inputs.add("data.csv", assay_audit::Input::Bytes(csv.to_vec()));
    now_or_never(run(p, inputs, &env(), &mut |_| {})).expect("no model: never waits")
}

fn fixture() -> (Vec<u8>, Value) {
    let csv = std::fs::read(format!("{ROOT}/fairness.csv")).unwrap();
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{ROOT}/fairness.json")).unwrap())
            .unwrap();
    (csv, json)
}

fn close(a: Option<f64>, b: &Value, what: &str) {
    match (a, b.as_f64()) {
        (Some(a), Some(b)) => assert!(
            (a - b).abs() <= 1e-9 * b.abs().max(1.0),
            "{what}: {a} vs {b}"
        ),
        (None, None) => {}
        (a, _) => panic!("{what}: {a:?} vs {b}"),
    }
}

fn spec_of(columns: &[Value]) -> GroupSpec {
    let cs: Vec<GroupSpec> = columns.iter().map(|c| col(c.as_str().unwrap())).collect();
    if cs.len() == 1 {
        cs.into_iter().next().unwrap()
    } else {
        GroupSpec::Cross { of: cs }
    }
}

#[test]
fn fairness_equals_fairlearn() {
    let (csv, fx) = fixture();
    let specs = fx["specs"].as_array().unwrap();
    let mut p = plan(0);
    p.analyses.fairness = Some(FairnessOptions {
        sensitive: specs
            .iter()
            .map(|s| spec_of(s["columns"].as_array().unwrap()))
            .collect(),
        min_cell: 10,
    });
    let r = go(&p, &csv).unwrap().report;
    let f = r.sections.fairness.as_ref().unwrap();
    assert_eq!(f.sensitive.len(), specs.len());
    for (s, want) in f.sensitive.iter().zip(specs) {
        let class = &s.classes[0];
        let groups = want["groups"].as_array().unwrap();
        assert_eq!(class.groups.len(), groups.len(), "{}", s.name);
        for g in groups {
            let label = g["label"].as_str().unwrap();
            let got = class
                .groups
                .iter()
                .find(|x| x.label == label)
                .unwrap_or_else(|| panic!("group {label} of {}", s.name));
            assert_eq!(got.rows, g["count"].as_u64().unwrap());
            assert_eq!(got.positives, g["positives"].as_u64().unwrap());
            for key in [
                "selection_rate",
                "tpr",
                "fpr",
                "fnr",
                "precision",
                "accuracy",
            ] {
                let m = got.metrics.iter().find(|m| m.key == key).unwrap();
                close(m.value, &g[key], &format!("{} {label} {key}", s.name));
            }
        }
        for m in &s.gaps {
            close(m.value, &want[&m.key], &format!("{} {}", s.name, m.key));
        }
    }
}

#[test]
fn slice_metrics_equal_scikit_learn_per_group() {
    let (csv, fx) = fixture();
    let specs = fx["specs"].as_array().unwrap();
    let mut p = plan(50);
    p.analyses.slices = Some(SlicesOptions {
        slices: specs
            .iter()
            .map(|s| spec_of(s["columns"].as_array().unwrap()))
            .collect(),
        min_cell: 1,
        ..Default::default()
    });
    let r = go(&p, &csv).unwrap().report;
    let s = r.sections.slices.as_ref().unwrap();
    for (g, want) in s.groupings.iter().zip(specs) {
        for w in want["groups"].as_array().unwrap() {
            let label = w["label"].as_str().unwrap();
            let got = g.slices.iter().find(|x| x.label == label).unwrap();
            assert_eq!(got.rows, w["count"].as_u64().unwrap());
            for (ours, theirs) in [
                ("accuracy", "accuracy"),
                ("roc_auc", "roc_auc"),
                ("log_loss", "log_loss"),
                ("brier", "brier"),
                ("precision", "precision"),
                ("recall", "tpr"),
            ] {
                // sklearn's recall of a group without positives is 0 with a
                // warning; ours is undefined (and says why).
                if ours == "recall" && w["positives"].as_u64() == Some(0) {
                    continue;
                }
                let m = got.metric(ours).unwrap();
                close(
                    m.metric.value,
                    &w[theirs],
                    &format!("{} {label} {ours}", g.name),
                );
            }
            // The rest: every other row.
            let acc = got.metric("accuracy").unwrap();
            let n = fx["n"].as_f64().unwrap();
            let overall = fx["overall"]["accuracy"].as_f64().unwrap();
            let k = w["count"].as_f64().unwrap();
            let rest = (overall * n - acc.metric.value.unwrap() * k) / (n - k);
            assert!((acc.rest.unwrap() - rest).abs() < 1e-9);
            assert!((acc.gap.unwrap() - (acc.metric.value.unwrap() - rest)).abs() < 1e-12);
        }
    }
    check_tests(s);
}

/// Each slice's p-value is the test's on its counts, and the q-values are
/// Benjamini–Hochberg's over every slice examined.
fn check_tests(s: &SliceAudit) {
    use assay_engine::stats::hypothesis::{Alternative, benjamini_hochberg, two_proportion_z};
    let tests: Vec<_> = s.all_slices().filter_map(|x| x.test.as_ref()).collect();
    assert_eq!(tests.len() as u64, s.examined);
    let ps: Vec<f64> = tests
        .iter()
        .map(|t| t.p_value.unwrap_or(f64::NAN))
        .collect();
    let qs = benjamini_hochberg(&ps);
    for (t, q) in tests.iter().zip(qs) {
        if let Some(got) = t.q_value {
            assert!((got - q).abs() < 1e-15);
            assert_eq!(t.verdict == Verdict::Worse, got <= s.alpha);
        }
    }
    let n = s.rows;
    for g in &s.groupings {
        for x in &g.slices {
            let t = x.test.as_ref().unwrap();
            if t.method != Method::TwoProportionZ {
                continue;
            }
            let m = x.metric("accuracy").unwrap();
            let (a1, a2) = (m.metric.value.unwrap(), m.rest.unwrap());
            let (n1, n2) = (x.rows, n - x.rows);
            let k1 = (a1 * n1 as f64).round() as u64;
            let k2 = (a2 * n2 as f64).round() as u64;
            let z = two_proportion_z(k1, n1, k2, n2, Alternative::Less).unwrap();
            assert!((t.p_value.unwrap() - z.p_value).abs() < 1e-12);
        }
    }
}

#[test]
fn small_slices_are_marked_and_left_out_of_exports() {
    let (csv, _) = fixture();
    let mut p = plan(20);
    p.analyses.slices = Some(SlicesOptions {
        slices: vec![GroupSpec::Cross {
            of: vec![col("sex"), col("race")],
        }],
        min_cell: 45,
        ..Default::default()
    });
    let r = go(&p, &csv).unwrap().report;
    let s = r.sections.slices.as_ref().unwrap();
    let small = s.groupings[0].slices.iter().filter(|x| x.small).count();
    assert!(small > 0, "the fixture has intersections under 45 rows");
    assert!(
        s.groupings[0]
            .slices
            .iter()
            .all(|x| x.small == (x.rows < 45))
    );
    let e = r.for_export();
    let es = e.sections.slices.as_ref().unwrap();
    assert!(es.groupings[0].slices.iter().all(|x| x.rows >= 45));
    assert_eq!(es.groupings[0].suppressed as usize, small);
    let html = assay_report::render::html::document(&e);
    for x in s.groupings[0].slices.iter().filter(|x| x.small) {
        assert!(!html.contains(&format!("data-slice=\"{}\"", x.label)));
    }
}

#[test]
fn undefined_rates_and_edge_slices_say_why() {
    // Slice "a" has no positives; "c" is one row; the filter matches nothing.
    let csv = "y,p,g,x\n0,0.2,a,1\n0,0.6,a,2\n0,0.3,a,3\n1,0.9,b,4\n0,0.1,b,5\n1,0.7,b,6\n1,0.4,b,7\n0,0.8,b,8\n1,0.6,c,9\n";
    let mut p = AuditPlan::new("data.csv");
    p.predictions.label = "y".into();
    p.predictions.scores = vec![ScoreColumn::new("p")];
    p.bootstrap.resamples = 0;
    p.analyses.slices = Some(SlicesOptions {
        slices: vec![
            col("g"),
            GroupSpec::Filter {
                expression: "x > 100".into(),
            },
            GroupSpec::Column {
                column: "x".into(),
                binning: Some(Binning::Edges(vec![3.0, 6.0])),
            },
        ],
        metric: Some("recall".into()),
        ..Default::default()
    });
    let run = go(&p, csv.as_bytes()).unwrap();
    let s = run.report.sections.slices.as_ref().unwrap();
    let a = s.groupings[0]
        .slices
        .iter()
        .find(|x| x.label == "a")
        .unwrap();
    let t = a.test.as_ref().unwrap();
    assert_eq!(t.verdict, Verdict::Untested);
    assert!(t.note.as_ref().unwrap().contains("no positives"), "{t:?}");
    assert!(a.metric("recall").unwrap().metric.value.is_none());
    let c = s.groupings[0]
        .slices
        .iter()
        .find(|x| x.label == "c")
        .unwrap();
    assert_eq!(c.rows, 1);
    assert!(c.small);
    assert!(s.groupings[1].slices.is_empty());
    assert!(
        run.report
            .warnings
            .iter()
            .any(|w| w.contains("x > 100") && w.contains("no row")),
        "{:?}",
        run.report.warnings
    );
    let labels: Vec<&str> = s.groupings[2]
        .slices
        .iter()
        .map(|x| x.label.as_str())
        .collect();
    assert_eq!(labels, ["≤ 3", "(3, 6]", "> 6"]);
}

#[test]
fn bad_slices_name_the_problem() {
    let (csv, _) = fixture();
    let with = |spec: GroupSpec| {
        let mut p = plan(0);
        p.analyses.slices = Some(SlicesOptions {
            slices: vec![spec],
            ..Default::default()
        });
        go(&p, &csv).expect_err("an error")
    };
    let e = with(col("regionn"));
    let msg = e.to_string();
    assert!(msg.contains("regionn") && msg.contains("race"), "{msg}");
    let e = with(GroupSpec::Filter {
        expression: "race = black AND (age > ".into(),
    });
    assert_eq!(e.key(), Some(OptionKey::Slices));
    assert!(e.to_string().contains("position"), "{e}");
    let e = with(GroupSpec::Filter {
        expression: "sex > 3".into(),
    });
    assert!(e.to_string().contains("sex"), "{e}");
    let e = with(GroupSpec::Column {
        column: "race".into(),
        binning: Some(Binning::Quantiles(4)),
    });
    assert!(e.to_string().contains("not numeric"), "{e}");
}

#[test]
fn discovered_slices_get_metrics_and_tests() {
    use assay_engine::analyses::slices::DiscoverSpec;
    // 2,000 rows; the model is wrong far more often where g = c and h = y.
    let mut csv = String::from("y,p,g,h,id\n");
    let mut state = 12345u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as f64 / (1u64 << 31) as f64
    };
    for i in 0..2000 {
        let g = ["a", "b", "c", "d"][i % 4];
        let h = ["x", "y"][(i / 4) % 2];
        let y = (next() < 0.5) as u8;
        let wrong = next() < if g == "c" && h == "y" { 0.45 } else { 0.08 };
        let right = if y == 1 { 0.8 } else { 0.2 };
        let p = if wrong { 1.0 - right } else { right };
        csv.push_str(&format!("{y},{p},{g},{h},{i}\n"));
    }
    let mut p = AuditPlan::new("data.csv");
    p.predictions.label = "y".into();
    p.predictions.scores = vec![ScoreColumn::new("p")];
    p.bootstrap.resamples = 100;
    p.analyses.slices = Some(SlicesOptions {
        discover: Some(DiscoverSpec {
            top_k: 3,
            max_level: 2,
            ..Default::default()
        }),
        ..Default::default()
    });
    let r = go(&p, csv.as_bytes()).unwrap().report;
    let s = r.sections.slices.as_ref().unwrap();
    let d = s.discovery.as_ref().unwrap();
    // The identifier column is not searched by default.
    assert_eq!(d.columns, ["g", "h"]);
    let top = &d.slices[0];
    let mut conds: Vec<(String, String)> = top
        .conditions
        .iter()
        .map(|c| (c.column.clone(), c.value.clone()))
        .collect();
    conds.sort();
    assert_eq!(conds, [("g".into(), "c".into()), ("h".into(), "y".into())]);
    assert_eq!(top.slice.rows, 250);
    let t = top.slice.test.as_ref().unwrap();
    assert_eq!(t.verdict, Verdict::Worse, "{t:?}");
    assert!(top.slice.metric("accuracy").unwrap().gap.unwrap() < -0.2);
    assert_eq!(s.examined as usize, d.slices.len());
}

#[test]
fn a_thousand_values_and_a_one_value_sensitive_column() {
    let mut csv = String::from("y,p,id,one\n");
    for i in 0..3000u32 {
        let y = i % 2;
        let p = if (i / 2) % 3 == 0 { 0.3 } else { 0.7 };
        csv.push_str(&format!("{y},{p},v{},same\n", i % 1000));
    }
    let mut p = AuditPlan::new("data.csv");
    p.predictions.label = "y".into();
    p.predictions.scores = vec![ScoreColumn::new("p")];
    p.bootstrap.resamples = 10;
    p.analyses.slices = Some(SlicesOptions {
        slices: vec![col("id")],
        ..Default::default()
    });
    p.analyses.fairness = Some(FairnessOptions {
        sensitive: vec![col("one")],
        min_cell: 10,
    });
    let run = go(&p, csv.as_bytes()).unwrap();
    let s = run.report.sections.slices.as_ref().unwrap();
    // The 50 largest (all of 3 rows: ties by label) are examined, 950 counted.
    assert_eq!(s.groupings[0].slices.len(), 50);
    assert_eq!(s.groupings[0].omitted, 950);
    assert_eq!(s.examined, 50);
    assert!(
        run.report
            .warnings
            .iter()
            .any(|w| w.contains("950 omitted"))
    );
    let f = run.report.sections.fairness.as_ref().unwrap();
    assert_eq!(f.sensitive[0].classes[0].groups.len(), 1);
    let dp = f
        .worst
        .iter()
        .find(|m| m.key == "demographic_parity_difference")
        .unwrap();
    assert_eq!(dp.value, Some(0.0));
    assert!(run.report.warnings.iter().any(|w| w.contains("one value")));
}
