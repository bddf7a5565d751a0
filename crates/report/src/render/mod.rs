//! The renderers: each lays out the report's sections in order (every
//! section renders itself, see [`crate::sections`]).
//!
//! * [`html`]: a self-contained document (inline CSS and SVG, no scripts,
//!   nothing external) and the fragment the page shows;
//! * [`markdown`]: tables, for a model card or a ticket;
//! * [`text`]: the CLI's summary on standard output.

pub mod html;
pub mod markdown;
pub mod text;

use crate::Report;
use crate::sections::views;

/// The report's headline (`binary task, 1800 rows, positive class '1'`),
/// from the first section that has one.
pub(crate) fn headline(report: &Report) -> Option<String> {
    views(report).iter().find_map(|v| v.headline(report))
}

/// The task of the report's predictions, when a section knows it.
pub(crate) fn task(report: &Report) -> Option<assay_engine::prepare::Task> {
    views(report).iter().find_map(|v| v.task())
}
