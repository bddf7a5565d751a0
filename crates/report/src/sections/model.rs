//! What the pipeline records around the analyses: the model it ran, a
//! calibrator it applied first, and the provenance of the report.

use crate::Report;
use crate::svg::escape;
use std::fmt::Write;

/// The features of a model run, shortened when there are many.
fn feature_list(features: &[String]) -> String {
    if features.len() <= 10 {
        features.join(", ")
    } else {
        format!(
            "{}, … {}",
            features[..4].join(", "),
            features[features.len() - 1]
        )
    }
}

/// The model line and the applied calibrator, at the top of the report.
pub fn html_run(report: &Report, o: &mut String) {
    if let Some(m) = &report.model {
        let _ = write!(
            o,
            "<p class=\"sub model-run\" data-device=\"{dev}\">Model <code>{}</code> run on <strong>{dev}</strong>: output <code>{}</code> ({} column{}) from {} feature{} ({}), {} rows in batches of {}, {:.3} s.</p>",
            escape(&m.name),
            escape(&m.output),
            m.output_width,
            if m.output_width == 1 { "" } else { "s" },
            m.features.len(),
            if m.features.len() == 1 { "" } else { "s" },
            escape(&feature_list(&m.features)),
            m.rows,
            m.batch_size,
            m.seconds,
            dev = escape(&m.device)
        );
    }
    if let Some(a) = &report.applied_calibrator {
        let _ = write!(
            o,
            "<p class=\"sub\">Scores recalibrated before evaluation with a saved {} calibrator ({}), fitted on {} (SHA-256 <code>{}</code>).</p>",
            a.method,
            escape(&a.summary),
            escape(&a.fitted_on.data_name),
            escape(&a.fitted_on.data_sha256)
        );
    }
}

/// The provenance table, at the end of the report.
pub fn html_provenance(report: &Report, o: &mut String) {
    let pv = &report.provenance;
    o.push_str("<h2>Provenance</h2><table class=\"provenance\"><tbody>");
    let _ = write!(
        o,
        "<tr><th>Assay</th><td>{} ({}), report schema {}</td></tr>",
        escape(&pv.assay_version),
        escape(&pv.producer),
        escape(&report.schema_version)
    );
    for f in &pv.inputs {
        let _ = write!(
            o,
            "<tr><th>Input ({})</th><td>{} — {} bytes{} — SHA-256 <code>{}</code></td></tr>",
            escape(&f.role),
            escape(&f.name),
            f.bytes,
            f.rows.map(|r| format!(", {r} rows")).unwrap_or_default(),
            escape(&f.sha256)
        );
    }
    if let Some(m) = &report.model {
        let ops: Vec<String> = m.ops.iter().map(|(op, n)| format!("{op} ×{n}")).collect();
        let opsets: Vec<String> = m
            .opsets
            .iter()
            .map(|(d, v)| format!("{} {v}", if d.is_empty() { "ai.onnx" } else { d }))
            .collect();
        let _ = write!(
            o,
            "<tr><th>Model</th><td>operators: {}; opsets: {}</td></tr>",
            escape(&ops.join(", ")),
            escape(&opsets.join(", "))
        );
    }
    let plan = serde_json::to_string(&pv.plan).unwrap_or_default();
    let _ = write!(
        o,
        "<tr><th>Audit plan</th><td><code>{}</code></td></tr><tr><th>Seed</th><td>{}</td></tr>",
        escape(&plan),
        pv.seed
    );
    o.push_str("</tbody></table>");
    o.push_str("<p class=\"defn\">Metric definitions follow scikit-learn (hover a metric's name for its exact definition). Intervals are percentile bootstrap intervals. This report holds aggregates only: no row of the input data.</p>");
}

/// The model line in Markdown.
pub fn markdown_run(report: &Report, o: &mut String) {
    if let Some(m) = &report.model {
        let _ = writeln!(
            o,
            "Model `{}` run on {}: output `{}` from features {}.\n",
            m.name,
            m.device,
            m.output,
            m.features.join(", ")
        );
    }
    if let Some(a) = &report.applied_calibrator {
        let _ = writeln!(
            o,
            "Scores recalibrated before evaluation with a saved {} calibrator ({}), fitted on {}.\n",
            a.method, a.summary, a.fitted_on.data_name
        );
    }
}

/// The provenance in Markdown.
pub fn markdown_provenance(report: &Report, o: &mut String) {
    let pv = &report.provenance;
    let _ = writeln!(
        o,
        "## Provenance\n\n- Assay {} ({}), report schema {}",
        pv.assay_version, pv.producer, report.schema_version
    );
    for f in &pv.inputs {
        let _ = writeln!(
            o,
            "- {} `{}`: {} bytes, SHA-256 `{}`",
            f.role, f.name, f.bytes, f.sha256
        );
    }
    let _ = writeln!(o, "- seed {}", pv.seed);
}

/// The model line of the text summary.
pub fn text_run(report: &Report, o: &mut String) {
    if let Some(m) = &report.model {
        let _ = writeln!(
            o,
            "model {} on {}: output {} from {} features, {} rows in {:.3} s",
            m.name,
            m.device,
            m.output,
            m.features.len(),
            m.rows,
            m.seconds
        );
    }
}
