//! Markdown rendering, for pasting a report into a model card or a ticket
//! (tables; plots are in the HTML report).

use crate::Report;
use crate::sections::{md_cell, model, views};
use std::fmt::Write;

/// The report as Markdown.
pub fn render(report: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# Assay report\n");
    if let Some(h) = super::headline(report) {
        let _ = writeln!(o, "{h}.\n");
    }
    for w in &report.warnings {
        let _ = writeln!(o, "> **Warning:** {}\n", md_cell(w));
    }
    model::markdown_run(report, &mut o);
    for v in views(report) {
        v.markdown(report, &mut o);
    }
    model::markdown_provenance(report, &mut o);
    o
}
