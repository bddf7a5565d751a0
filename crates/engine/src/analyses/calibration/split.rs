//! How the rows are split between fitting recalibrators and judging them,
//! as a user states it ([`SplitSpec`]) and as resolved against the data.

use super::recalibrate::Split;
use crate::error::{EngineError, Result};
use crate::plan::{OptionKey, PlanError};
use serde::{Deserialize, Serialize};

/// The split as a user states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum SplitSpec {
    /// A random fraction of the rows (seeded by the plan's seed) fits; the
    /// rest judges.
    Random { fraction: f64 },
    /// k-fold cross-fitting (folds drawn with the plan's seed).
    Folds { folds: usize },
    /// Rows whose `column` equals `value` fit; the rest judges.
    Column { column: String, value: String },
}

impl Default for SplitSpec {
    fn default() -> Self {
        SplitSpec::Random { fraction: 0.5 }
    }
}

impl SplitSpec {
    /// The column the split reads, if any.
    pub fn column(&self) -> Option<&str> {
        match self {
            SplitSpec::Column { column, .. } => Some(column),
            _ => None,
        }
    }

    /// Check the numbers (the column is checked against the data).
    pub fn validate(&self) -> std::result::Result<(), PlanError> {
        match self {
            SplitSpec::Random { fraction } if !(*fraction > 0.0 && *fraction < 1.0) => {
                Err(PlanError::new(
                    OptionKey::Fraction,
                    format!("calibration fraction {fraction} must be between 0 and 1"),
                ))
            }
            SplitSpec::Folds { folds } if *folds < 2 => Err(PlanError::new(
                OptionKey::Folds,
                format!("{folds} folds: need at least 2 and at most the number of rows"),
            )),
            SplitSpec::Column { column, .. } if column.trim().is_empty() => Err(PlanError::new(
                OptionKey::SplitColumn,
                "choose the column that splits the rows",
            )),
            SplitSpec::Column { column, value } if value.is_empty() => Err(PlanError::new(
                OptionKey::SplitValue,
                format!("give the value of '{column}' that marks the rows to fit on"),
            )),
            _ => Ok(()),
        }
    }

    /// Resolve against a table; random splits and folds are drawn with `seed`.
    pub fn resolve(&self, table: &crate::table::Table, seed: u64) -> Result<Split> {
        Ok(match self {
            SplitSpec::Random { fraction } => Split::Random {
                fraction: *fraction,
                seed,
            },
            SplitSpec::Folds { folds } => Split::Folds {
                folds: *folds,
                seed,
            },
            SplitSpec::Column { column, value } => {
                let col = table
                    .column(column)
                    .ok_or_else(|| EngineError::MissingColumns {
                        missing: vec![column.clone()],
                        available: table.names().to_vec(),
                    })?;
                let cat = col.to_categorical();
                let mask: Vec<bool> = (0..table.rows())
                    .map(|i| {
                        cat.get(i)
                            .is_some_and(|v| crate::prepare::same_label(v, value))
                    })
                    .collect();
                let k = mask.iter().filter(|&&b| b).count();
                if k == 0 {
                    let mut values = cat.dictionary.clone();
                    values.truncate(20);
                    return Err(EngineError::invalid(
                        OptionKey::SplitValue,
                        format!(
                            "no row has {column} = '{value}' to fit calibrators on (values: {})",
                            crate::error::quote_list(&values)
                        ),
                    ));
                }
                Split::Mask {
                    calibrate: mask,
                    description: format!("rows with {column} = '{value}' fit, the others judge"),
                }
            }
        })
    }
}
