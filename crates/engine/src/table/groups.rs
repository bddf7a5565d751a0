//! Row groups: which rows belong to which slice of the data.
//!
//! Slices, fairness, per-slice calibration and drift windows all ask the
//! same question — *the rows of group g* — so it is answered once, here. A
//! [`GroupSpec`] says how to form groups:
//!
//! * every value of a column (`region`), missing values forming their own
//!   group labelled `(missing)`;
//! * a numeric column cut into bins, at the user's edges or at quantiles
//!   (pandas' `cut` convention: bins are right-closed, `(a, b]`, the first
//!   one closed at its left end too);
//! * the cross of two or three of those (`region × age bins`);
//! * a filter expression (`region = east AND age > 60`): one group, the rows
//!   that match.
//!
//! [`Groups`] holds one code per row (or [`NO_GROUP`]) and the groups'
//! labels. Analyses turn a group into row indices ([`Groups::rows`]) or into
//! weights ([`Masked`]) that multiply the bootstrap's count weights, so that
//! a slice and the whole data are measured on the same resamples.

use super::filter::{self, Filter};
use super::{Column, Table, format_number};
use crate::error::{EngineError, Result};
use crate::metrics::Weights;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Code of a row that belongs to no group (a filter's non-matching rows).
pub const NO_GROUP: u32 = u32::MAX;

/// Label of the group of missing values.
pub const MISSING_LABEL: &str = "(missing)";

/// How a numeric column is cut into bins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Binning {
    /// Edges given by the user, ascending; values outside them form the
    /// outermost bins (`≤ first`, `> last`).
    Edges(Vec<f64>),
    /// This many bins with (about) equal rows, edges at the quantiles.
    Quantiles(usize),
}

/// How rows are grouped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum GroupSpec {
    /// A column as a person means it: every value of a text column, or of a
    /// numeric column with at most [`FEW_VALUES`] distinct values (codes such
    /// as 0/1); any other numeric column in bins (`binning`, by default
    /// quartiles).
    Column {
        column: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        binning: Option<Binning>,
    },
    /// One group per value of the column (numbers as written).
    Values { column: String },
    /// A numeric column cut into bins.
    Bins { column: String, binning: Binning },
    /// Every combination of the groups of two or three specs.
    Cross { of: Vec<GroupSpec> },
    /// The rows where the expression holds (one group).
    Filter { expression: String },
}

impl GroupSpec {
    /// The columns the spec reads.
    pub fn columns(&self) -> Vec<String> {
        match self {
            GroupSpec::Values { column }
            | GroupSpec::Bins { column, .. }
            | GroupSpec::Column { column, .. } => vec![column.clone()],
            GroupSpec::Cross { of } => of.iter().flat_map(|s| s.columns()).collect(),
            GroupSpec::Filter { expression } => filter::parse(expression)
                .map(|f| f.columns())
                .unwrap_or_default(),
        }
    }
}

/// A numeric column with at most this many distinct values is sliced by its
/// values, not binned ([`GroupSpec::Column`]).
pub const FEW_VALUES: usize = 10;

/// Whether `col` has at most `k` distinct present values.
pub fn distinct_at_most(col: &Column, k: usize) -> bool {
    match col {
        Column::Categorical(c) => {
            let mut seen = vec![false; c.dictionary.len()];
            let mut count = 0;
            for &code in &c.codes {
                if code != super::MISSING_CODE && !seen[code as usize] {
                    seen[code as usize] = true;
                    count += 1;
                    if count > k {
                        return false;
                    }
                }
            }
            true
        }
        Column::Numeric(c) => {
            let mut seen = std::collections::HashSet::with_capacity((k + 1).min(1 << 16));
            for i in 0..c.values.len() {
                if !c.is_missing(i) && seen.insert(c.values[i].to_bits()) && seen.len() > k {
                    return false;
                }
            }
            true
        }
    }
}

/// Groups of rows: a code per row and a label per group.
#[derive(Debug, Clone, PartialEq)]
pub struct Groups {
    /// What the grouping is (`region`, `region × age`).
    pub name: String,
    /// Label of each group (`east`, `(30, 45]`, `east, (30, 45]`).
    pub labels: Vec<String>,
    /// Group of each row, or [`NO_GROUP`].
    pub codes: Vec<u32>,
}

impl Groups {
    /// Form groups over `table`.
    pub fn build(table: &Table, spec: &GroupSpec) -> Result<Groups> {
        match spec {
            GroupSpec::Column {
                column: name,
                binning,
            } => match (column(table, name)?, binning) {
                (Column::Categorical(_), None) => values(table, name),
                (Column::Categorical(c), Some(_)) => {
                    let example = c.dictionary.first().cloned().unwrap_or_default();
                    Err(EngineError::Invalid {
                        key: crate::plan::OptionKey::Slices,
                        message: format!(
                            "column '{name}' is not numeric (e.g. '{example}'), so it cannot be cut into bins; slice it by its values"
                        ),
                    })
                }
                (Column::Numeric(_), Some(b)) => bins(table, name, b),
                (col @ Column::Numeric(_), None) => {
                    if distinct_at_most(col, FEW_VALUES) {
                        values(table, name)
                    } else {
                        bins(table, name, &Binning::Quantiles(4))
                    }
                }
            },
            GroupSpec::Values { column } => values(table, column),
            GroupSpec::Bins { column, binning } => bins(table, column, binning),
            GroupSpec::Cross { of } => {
                if !(2..=3).contains(&of.len()) {
                    return Err(EngineError::Invalid {
                        key: crate::plan::OptionKey::Slices,
                        message: format!("a cross combines 2 or 3 groupings, not {}", of.len()),
                    });
                }
                let parts: Vec<Groups> = of
                    .iter()
                    .map(|s| Groups::build(table, s))
                    .collect::<Result<_>>()?;
                Ok(cross(&parts))
            }
            GroupSpec::Filter { expression } => {
                let f = filter::parse(expression).map_err(|e| EngineError::Invalid {
                    key: crate::plan::OptionKey::Slices,
                    message: e.to_string(),
                })?;
                let mask = f.evaluate(table)?;
                Ok(Groups {
                    name: expression.clone(),
                    labels: vec![expression.clone()],
                    codes: mask.iter().map(|&m| if m { 0 } else { NO_GROUP }).collect(),
                })
            }
        }
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Rows of each group, in row order.
    pub fn rows(&self) -> Vec<Vec<usize>> {
        let mut out = vec![Vec::new(); self.labels.len()];
        for (i, &c) in self.codes.iter().enumerate() {
            if c != NO_GROUP {
                out[c as usize].push(i);
            }
        }
        out
    }

    /// 1 for the rows of group `g`, 0 elsewhere.
    pub fn mask(&self, g: usize) -> Vec<u8> {
        self.codes.iter().map(|&c| (c == g as u32) as u8).collect()
    }

    /// The codes in another row order (`order[j]` is the row at position `j`),
    /// for analyses that keep rows sorted.
    pub fn permuted(&self, order: &[u32]) -> Groups {
        Groups {
            name: self.name.clone(),
            labels: self.labels.clone(),
            codes: order.iter().map(|&i| self.codes[i as usize]).collect(),
        }
    }
}

fn column<'t>(table: &'t Table, name: &str) -> Result<&'t Column> {
    table
        .column(name)
        .ok_or_else(|| EngineError::MissingColumns {
            missing: vec![name.to_owned()],
            available: table.names().to_vec(),
        })
}

fn values(table: &Table, name: &str) -> Result<Groups> {
    let cat = column(table, name)?.to_categorical();
    // Groups in sorted order of their values (numbers numerically), missing last.
    let mut order: Vec<usize> = (0..cat.dictionary.len()).collect();
    let nums: Option<Vec<f64>> = cat.dictionary.iter().map(|s| s.parse().ok()).collect();
    match &nums {
        Some(v) => order.sort_by(|&a, &b| v[a].total_cmp(&v[b])),
        None => order.sort_by(|&a, &b| cat.dictionary[a].cmp(&cat.dictionary[b])),
    }
    let mut remap = vec![NO_GROUP; cat.dictionary.len()];
    let mut labels = Vec::with_capacity(order.len() + 1);
    for (new, &old) in order.iter().enumerate() {
        remap[old] = new as u32;
        labels.push(cat.dictionary[old].clone());
    }
    let any_missing = cat.codes.contains(&super::MISSING_CODE);
    let missing_code = labels.len() as u32;
    if any_missing {
        labels.push(MISSING_LABEL.to_owned());
    }
    let codes = cat
        .codes
        .iter()
        .map(|&c| {
            if c == super::MISSING_CODE {
                missing_code
            } else {
                remap[c as usize]
            }
        })
        .collect();
    Ok(Groups {
        name: name.to_owned(),
        labels,
        codes,
    })
}

fn bins(table: &Table, name: &str, binning: &Binning) -> Result<Groups> {
    let bad = |message: String| EngineError::Invalid {
        key: crate::plan::OptionKey::Slices,
        message,
    };
    let col = match column(table, name)? {
        Column::Numeric(c) => c,
        Column::Categorical(c) => {
            let example = c.dictionary.first().cloned().unwrap_or_default();
            return Err(bad(format!(
                "column '{name}' is not numeric (e.g. '{example}'), so it cannot be binned; slice by its values instead"
            )));
        }
    };
    let present: Vec<f64> = (0..col.values.len())
        .filter(|&i| !col.is_missing(i) && col.values[i].is_finite())
        .map(|i| col.values[i])
        .collect();
    let mut edges = match binning {
        Binning::Edges(e) => {
            if e.is_empty() || e.iter().any(|x| !x.is_finite()) {
                return Err(bad(format!("bin edges of '{name}' must be finite numbers")));
            }
            if e.windows(2).any(|w| w[0] >= w[1]) {
                return Err(bad(format!(
                    "bin edges of '{name}' must increase: {}",
                    e.iter()
                        .map(|x| format_number(*x))
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            // Open-ended outer bins catch everything.
            let mut v = vec![f64::NEG_INFINITY];
            v.extend_from_slice(e);
            v.push(f64::INFINITY);
            v
        }
        Binning::Quantiles(q) => {
            if *q < 1 || *q > 100 {
                return Err(bad(format!(
                    "{q} quantile bins of '{name}': choose between 1 and 100"
                )));
            }
            let mut sorted = present.clone();
            sorted.sort_by(f64::total_cmp);
            if sorted.is_empty() {
                vec![f64::NEG_INFINITY, f64::INFINITY]
            } else {
                let qs: Vec<f64> = (0..=*q).map(|k| k as f64 / *q as f64).collect();
                crate::analyses::calibration::binning::np_percentiles(&sorted, &qs)
            }
        }
    };
    edges.dedup();
    if edges.len() < 2 {
        edges.push(edges[0]);
    }
    let nb = edges.len() - 1;
    let label = |b: usize| -> String {
        let (lo, hi) = (edges[b], edges[b + 1]);
        match (lo.is_finite(), hi.is_finite()) {
            (false, true) => format!("≤ {}", format_number(hi)),
            (true, false) => format!("> {}", format_number(lo)),
            (false, false) => "all".to_owned(),
            (true, true) if b == 0 => format!("[{}, {}]", format_number(lo), format_number(hi)),
            (true, true) => format!("({}, {}]", format_number(lo), format_number(hi)),
        }
    };
    let mut labels: Vec<String> = (0..nb).map(label).collect();
    let inner = &edges[1..nb];
    let missing_code = nb as u32;
    let mut any_missing = false;
    let codes = (0..col.values.len())
        .map(|i| {
            let v = col.values[i];
            if col.is_missing(i) || v.is_nan() {
                any_missing = true;
                missing_code
            } else {
                inner.partition_point(|&e| e < v) as u32
            }
        })
        .collect();
    if any_missing {
        labels.push(MISSING_LABEL.to_owned());
    }
    Ok(Groups {
        name: name.to_owned(),
        labels,
        codes,
    })
}

/// Every combination of the parts' groups that has rows, labelled
/// `a, b` (named `A × B`). A row outside any part is outside the cross.
fn cross(parts: &[Groups]) -> Groups {
    let n = parts[0].codes.len();
    let mut index: std::collections::BTreeMap<Vec<u32>, u32> = Default::default();
    let mut keys: Vec<Vec<u32>> = Vec::new();
    let combos: Vec<Option<Vec<u32>>> = (0..n)
        .map(|i| {
            let k: Vec<u32> = parts.iter().map(|p| p.codes[i]).collect();
            (!k.contains(&NO_GROUP)).then_some(k)
        })
        .collect();
    for k in combos.iter().flatten() {
        if !index.contains_key(k) {
            index.insert(k.clone(), 0);
        }
    }
    // Codes in the lexicographic order of the parts' codes.
    for (j, (k, code)) in index.iter_mut().enumerate() {
        *code = j as u32;
        keys.push(k.clone());
    }
    let codes = combos
        .iter()
        .map(|k| k.as_ref().map_or(NO_GROUP, |k| index[k]))
        .collect();
    Groups {
        name: parts
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(" × "),
        labels: keys
            .iter()
            .map(|k| {
                k.iter()
                    .zip(parts)
                    .map(|(&c, p)| p.labels[c as usize].as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .collect(),
        codes,
    }
}

/// Weights of another weighting restricted to a group: `base.w(i) ×
/// mask[i]`. With a bootstrap resample as `base`, a group's statistic is
/// computed on the resample's rows of that group.
pub struct Masked<'a, W: ?Sized> {
    pub base: &'a W,
    pub mask: &'a [u8],
}

impl<W: Weights + ?Sized> Weights for Masked<'_, W> {
    type Acc = W::Acc;
    #[inline(always)]
    fn w(&self, i: usize) -> f64 {
        self.base.w(i) * self.mask[i] as f64
    }
}

/// A filter, for callers that want to evaluate one directly.
pub fn parse_filter(expression: &str) -> std::result::Result<Filter, filter::ParseError> {
    filter::parse(expression)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::csv::{CsvOptions, read_csv};
    use crate::metrics::Unit;

    fn table(csv: &str) -> Table {
        read_csv(csv.as_bytes(), &CsvOptions::default(), &mut |_| {})
            .unwrap()
            .0
    }

    #[test]
    fn values_sort_and_missing_is_its_own_group() {
        let t = table("g,x\nb,1\na,2\n,3\nb,4\n");
        let g = Groups::build(&t, &GroupSpec::Values { column: "g".into() }).unwrap();
        assert_eq!(g.labels, vec!["a", "b", MISSING_LABEL]);
        assert_eq!(g.codes, vec![1, 0, 2, 1]);
        assert_eq!(g.rows(), vec![vec![1], vec![0, 3], vec![2]]);
        // Numbers sort numerically.
        let t = table("g\n10\n9\n10\n");
        let g = Groups::build(&t, &GroupSpec::Values { column: "g".into() }).unwrap();
        assert_eq!(g.labels, vec!["9", "10"]);
    }

    #[test]
    fn bins_follow_pandas_cut() {
        let t = table("x\n1\n2\n3\n4\n5\n6\n7\n8\nNA\n");
        let spec = GroupSpec::Bins {
            column: "x".into(),
            binning: Binning::Edges(vec![2.0, 5.0]),
        };
        let g = Groups::build(&t, &spec).unwrap();
        assert_eq!(g.labels, vec!["≤ 2", "(2, 5]", "> 5", MISSING_LABEL]);
        assert_eq!(g.codes, vec![0, 0, 1, 1, 1, 2, 2, 2, 3]);
        let q = GroupSpec::Bins {
            column: "x".into(),
            binning: Binning::Quantiles(4),
        };
        let g = Groups::build(&t, &q).unwrap();
        // np.percentile([1..8], [0, 25, 50, 75, 100]) = 1, 2.75, 4.5, 6.25, 8
        assert_eq!(
            g.labels[..4],
            ["[1, 2.75]", "(2.75, 4.5]", "(4.5, 6.25]", "(6.25, 8]"]
        );
        assert_eq!(&g.codes[..8], &[0, 0, 1, 1, 2, 2, 3, 3]);
    }

    #[test]
    fn crosses_combine_groups_that_have_rows() {
        let t = table("a,b\nx,1\nx,2\ny,1\nx,1\n");
        let spec = GroupSpec::Cross {
            of: vec![
                GroupSpec::Values { column: "a".into() },
                GroupSpec::Values { column: "b".into() },
            ],
        };
        let g = Groups::build(&t, &spec).unwrap();
        assert_eq!(g.name, "a × b");
        assert_eq!(g.labels, vec!["x, 1", "x, 2", "y, 1"]);
        assert_eq!(g.codes, vec![0, 1, 2, 0]);
    }

    #[test]
    fn filters_make_one_group_and_masks_compose_with_weights() {
        let t = table("region,age\neast,70\nwest,70\neast,30\n");
        let spec = GroupSpec::Filter {
            expression: "region = east AND age > 60".into(),
        };
        let g = Groups::build(&t, &spec).unwrap();
        assert_eq!(g.codes, vec![0, NO_GROUP, NO_GROUP]);
        let mask = g.mask(0);
        let counts: Vec<u32> = vec![2, 1, 3];
        let m = Masked {
            base: &counts[..],
            mask: &mask,
        };
        assert_eq!(
            (0..3).map(|i| m.w(i)).collect::<Vec<_>>(),
            vec![2.0, 0.0, 0.0]
        );
        let u = Masked {
            base: &Unit,
            mask: &mask,
        };
        assert_eq!(u.w(0), 1.0);
    }

    #[test]
    fn bad_specs_are_clear() {
        let t = table("region,age\neast,70\n");
        let e = Groups::build(
            &t,
            &GroupSpec::Values {
                column: "zone".into(),
            },
        )
        .unwrap_err();
        assert!(e.to_string().contains("'zone' not found"), "{e}");
        let e = Groups::build(
            &t,
            &GroupSpec::Bins {
                column: "region".into(),
                binning: Binning::Quantiles(4),
            },
        )
        .unwrap_err();
        assert!(e.to_string().contains("not numeric"), "{e}");
    }
}
