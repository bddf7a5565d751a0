//! The pipeline on its own: one plan, several kinds of input, optional
//! sections, cancellation and missing inputs.

use assay_audit::{AuditError, Environment, Input, Inputs, now_or_never, run};
use assay_engine::Cancel;
use assay_engine::analyses::calibration::CalibrationOptions;
use assay_engine::io::{CsvSource, TableSource};
use assay_engine::plan::{AuditPlan, OptionKey, ScoreColumn};
use assay_engine::table::{Column, NumericColumn, Table};
use assay_runtime::LoadOptions;

const CSV: &str =
    "y,p,g\n1,0.9,a\n0,0.2,a\n1,0.7,b\n0,0.4,b\n1,0.35,a\n0,0.1,b\n1,0.8,a\n0,0.6,b\n";

fn plan() -> AuditPlan {
    let mut p = AuditPlan::new("scores.csv");
    p.predictions.label = "y".into();
    p.predictions.scores = vec![ScoreColumn::new("p")];
    p.analyses.evaluation = Some(Default::default());
    p.bootstrap.resamples = 30;
    p
}

fn env(cancel: Cancel) -> Environment<'static> {
    Environment {
        producer: "test",
        device: None,
        now: &|| 0.0,
        cancel,
        load: LoadOptions::default(),
    }
}

fn csv_input() -> Input {
    Input::Table(Box::new(CsvSource {
        reader: CSV.as_bytes(),
        size: Some(CSV.len() as u64),
        options: Default::default(),
    }))
}

fn go(plan: &AuditPlan, inputs: Inputs, cancel: Cancel) -> Result<assay_audit::Run, AuditError> {
    now_or_never(run(plan, inputs, &env(cancel), &mut |_| {})).expect("no model: never waits")
}

#[test]
fn bytes_readers_and_tables_give_the_same_numbers() {
    let p = plan();
    let mut a = Inputs::new();
    a.add("scores.csv", csv_input());
    let from_reader = go(&p, a, Cancel::new()).unwrap();
    let mut b = Inputs::new();
    b.add("scores.csv", Input::Bytes(CSV.as_bytes().to_vec()));
    let from_bytes = go(&p, b, Cancel::new()).unwrap();
    assert_eq!(from_reader.report, from_bytes.report);
    // The same columns handed over as a table: no CSV in between.
    let mut t = Table::default();
    let num = |v: Vec<f64>| {
        Column::Numeric(NumericColumn {
            values: v,
            missing: None,
        })
    };
    t.push("y", num(vec![1., 0., 1., 0., 1., 0., 1., 0.]));
    t.push("p", num(vec![0.9, 0.2, 0.7, 0.4, 0.35, 0.1, 0.8, 0.6]));
    let mut c = Inputs::new();
    c.add(
        "scores.csv",
        Input::Table(Box::new(TableSource { table: t })),
    );
    let from_table = go(&p, c, Cancel::new()).unwrap();
    assert_eq!(
        from_table.report.sections.evaluation,
        from_reader.report.sections.evaluation
    );
    assert_eq!(from_table.report.provenance.inputs[0].role, "table");
    // The report says which plan produced it.
    assert_eq!(from_reader.report.provenance.plan, p);
    assert_eq!(
        from_reader
            .report
            .metric("evaluation.roc_auc")
            .unwrap()
            .value,
        Some(0.875)
    );
    assert!(from_reader.report.sections.calibration.is_none());
}

#[test]
fn sections_are_optional() {
    // A calibration-only audit: a report without an evaluation section.
    let mut p = plan();
    p.analyses.evaluation = None;
    p.analyses.calibration = Some(CalibrationOptions {
        methods: Vec::new(),
        slice: Some("g".into()),
        ..Default::default()
    });
    let mut i = Inputs::new();
    i.add("scores.csv", csv_input());
    let r = go(&p, i, Cancel::new()).unwrap();
    assert!(r.report.sections.evaluation.is_none());
    let c = r.report.sections.calibration.as_ref().unwrap();
    assert_eq!(c.slices.as_ref().unwrap().groups.len(), 2);
    assert!(r.report.metric("calibration.ece").is_some());
    let json = r.report.to_json();
    assert!(!json.contains("\"evaluation\":"), "{json}");
    assert!(assay_report::html::fragment(&r.report).contains("data-section=\"calibration\""));
    assert!(r.artifacts.is_empty());
}

#[test]
fn a_cancelled_run_returns_no_report() {
    let cancel = Cancel::new();
    cancel.cancel();
    let mut i = Inputs::new();
    i.add("scores.csv", csv_input());
    let e = go(&plan(), i, cancel).unwrap_err();
    assert!(e.is_cancelled(), "{e}");
}

#[test]
fn plan_and_input_errors_name_what_to_fix() {
    let e = go(&plan(), Inputs::new(), Cancel::new()).unwrap_err();
    assert_eq!(
        e,
        AuditError::MissingInput {
            name: "scores.csv".into()
        }
    );
    let mut p = plan();
    p.predictions.threshold = 1.5;
    let mut i = Inputs::new();
    i.add("scores.csv", csv_input());
    let e = go(&p, i, Cancel::new()).unwrap_err();
    assert_eq!(e.key(), Some(OptionKey::Threshold));
    // A problem found in the data: the columns that do exist.
    let mut p = plan();
    p.predictions.label = "nope".into();
    let mut i = Inputs::new();
    i.add("scores.csv", csv_input());
    let e = go(&p, i, Cancel::new()).unwrap_err();
    assert!(
        e.to_string()
            .contains("column 'nope' not found; the file has columns: 'y', 'p', 'g'"),
        "{e}"
    );
}
