//! Calibration per value of a column (the groups of
//! [`table::groups`](crate::table::groups): missing values form their own
//! group, labelled `(missing)`).

use super::reliability::{Reliability, reliability_of_rows};
use super::{check_bins, require_classification};
use crate::error::Result;
use crate::predictions::Predictions;
use crate::progress::{Cancel, Progress, Stage};
use crate::stats::bootstrap::BootstrapOptions;
use crate::table::Table;
use crate::table::groups::{GroupSpec, Groups};
use serde::{Deserialize, Serialize};

/// The most groups analysed (the largest ones); the rest are counted.
pub const MAX_GROUPS: usize = 50;

/// Calibration of one slice (a value of a column).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SliceCalibration {
    pub value: String,
    pub rows: u64,
    pub reliability: Reliability,
}

/// Per-slice calibration over the groups of a column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SlicedCalibration {
    pub column: String,
    pub groups: Vec<SliceCalibration>,
    /// Groups not shown (only the [`MAX_GROUPS`] largest are analysed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub omitted: Option<u64>,
}

/// Reliability per value of `column`: the [`MAX_GROUPS`] largest groups, in
/// the groups' order (values sorted, numbers numerically, missing last).
pub fn by_slice(
    predictions: &Predictions,
    table: &Table,
    column: &str,
    bins: usize,
    boot: &BootstrapOptions,
    cancel: &Cancel,
    progress: &mut dyn FnMut(Progress),
) -> Result<SlicedCalibration> {
    require_classification(predictions.prepared())?;
    check_bins(bins)?;
    let groups = Groups::build(
        table,
        &GroupSpec::Values {
            column: column.to_owned(),
        },
    )?;
    let rows_of = groups.rows();
    let mut order: Vec<usize> = (0..groups.len())
        .filter(|&g| !rows_of[g].is_empty())
        .collect();
    // The largest groups (ties by label), then back to the groups' order.
    order.sort_by(|&a, &b| {
        rows_of[b]
            .len()
            .cmp(&rows_of[a].len())
            .then(groups.labels[a].cmp(&groups.labels[b]))
    });
    let omitted = order.len().saturating_sub(MAX_GROUPS);
    order.truncate(MAX_GROUPS);
    order.sort_unstable();
    let mut out = Vec::with_capacity(order.len());
    for (gi, &g) in order.iter().enumerate() {
        progress(Progress::new(
            Stage::CalibrationSlices,
            gi as u64,
            order.len() as u64,
        ));
        cancel.check()?;
        out.push(SliceCalibration {
            value: groups.labels[g].clone(),
            rows: rows_of[g].len() as u64,
            reliability: reliability_of_rows(predictions, &rows_of[g], bins, boot, cancel)?,
        });
    }
    progress(Progress::new(
        Stage::CalibrationSlices,
        order.len() as u64,
        order.len() as u64,
    ));
    Ok(SlicedCalibration {
        column: column.to_owned(),
        groups: out,
        omitted: (omitted > 0).then_some(omitted as u64),
    })
}
