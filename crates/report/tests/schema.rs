//! The JSON Schemas of the report and of the audit plan are generated from
//! the Rust types; the committed copies in `schema/` (which `pkg/schema.d.ts`
//! and the field tables of `docs/report-schema.md` are generated from, by
//! `scripts/gen-types.mjs`) must be what the types produce.
//!
//! To refresh them after changing a type: `ASSAY_UPDATE_SCHEMA=1 cargo test
//! -p assay-report --test schema`, then `node scripts/gen-types.mjs`.

use std::path::PathBuf;

fn check(file: &str, schema: serde_json::Value, failures: &mut Vec<String>) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../schema")
        .join(file);
    let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    if std::env::var_os("ASSAY_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &text).unwrap();
        return;
    }
    match std::fs::read_to_string(&path) {
        Ok(committed) if committed == text => {}
        _ => failures.push(format!(
            "{} differs from what the types produce: run ASSAY_UPDATE_SCHEMA=1 cargo test -p assay-report --test schema, then node scripts/gen-types.mjs",
            path.display()
        )),
    }
}

#[test]
fn committed_schemas_match_the_types() {
    let mut failures = Vec::new();
    check(
        "report.schema.json",
        assay_report::report_schema(),
        &mut failures,
    );
    check(
        "audit.schema.json",
        assay_report::plan_schema(),
        &mut failures,
    );
    // The metric registry, for the documentation and for gates.
    check(
        "metrics.json",
        serde_json::to_value(assay_engine::metrics::registry::metric_definitions()).unwrap(),
        &mut failures,
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_schemas_describe_what_reports_hold() {
    let r = serde_json::to_string(&assay_report::report_schema()).unwrap();
    for field in [
        "schema_version",
        "provenance",
        "plan",
        "evaluation",
        "calibration",
        "model",
        "reliability",
        "recalibration",
    ] {
        assert!(r.contains(&format!("\"{field}\"")), "{field}");
    }
    let p = serde_json::to_string(&assay_report::plan_schema()).unwrap();
    for field in [
        "inputs",
        "predictions",
        "analyses",
        "bootstrap",
        "seed",
        "SplitSpec",
    ] {
        assert!(p.contains(&format!("\"{field}\"")), "{field}");
    }
}
