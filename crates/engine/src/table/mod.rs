//! A typed, columnar, in-memory table.
//!
//! Evaluation touches a few columns of many rows (a label, one score per class,
//! perhaps a slice column), so the table stores each column as one contiguous
//! vector: numbers as `f64`, text as dictionary codes. This is what lets the
//! metrics run as tight loops, and it is far smaller than the CSV text it came
//! from (8 bytes a number, 4 bytes a categorical cell).
//!
//! Missing values are tracked explicitly rather than folded into NaN, because a
//! CSV can hold a literal `NaN` and the user must be told which of the two they
//! have.

pub mod filter;
pub mod groups;

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The type of a column, inferred from the data or set by the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    /// Every present value parses as a floating-point number.
    Numeric,
    /// Anything else: stored as strings in a dictionary.
    Categorical,
}

/// Code used for a missing value in a categorical column.
pub const MISSING_CODE: u32 = u32::MAX;

/// A numeric column: values plus an optional missing-value mask.
#[derive(Debug, Clone, Default)]
pub struct NumericColumn {
    /// One value per row; rows that are missing hold NaN here.
    pub values: Vec<f64>,
    /// `Some(mask)` once any value was missing; `mask[i]` is true for a missing row.
    pub missing: Option<Vec<bool>>,
}

impl NumericColumn {
    /// Whether row `i` is missing (an empty cell or a missing-value marker).
    pub fn is_missing(&self, i: usize) -> bool {
        self.missing.as_ref().is_some_and(|m| m[i])
    }

    /// Number of missing rows.
    pub fn missing_count(&self) -> usize {
        self.missing
            .as_ref()
            .map_or(0, |m| m.iter().filter(|&&b| b).count())
    }

    pub(crate) fn push(&mut self, v: Option<f64>) {
        match v {
            Some(x) => {
                self.values.push(x);
                if let Some(m) = &mut self.missing {
                    m.push(false);
                }
            }
            None => {
                let m = self
                    .missing
                    .get_or_insert_with(|| vec![false; self.values.len()]);
                m.push(true);
                self.values.push(f64::NAN);
            }
        }
    }
}

/// A categorical column: a dictionary of distinct strings and one code per row.
#[derive(Debug, Clone, Default)]
pub struct CategoricalColumn {
    /// Distinct values in order of first appearance.
    pub dictionary: Vec<String>,
    /// Code per row, an index into `dictionary`, or [`MISSING_CODE`].
    pub codes: Vec<u32>,
    index: HashMap<String, u32>,
}

impl CategoricalColumn {
    pub(crate) fn push(&mut self, v: Option<&str>) {
        let code = match v {
            None => MISSING_CODE,
            Some(s) => match self.index.get(s) {
                Some(&c) => c,
                None => {
                    let c = self.dictionary.len() as u32;
                    self.dictionary.push(s.to_owned());
                    self.index.insert(s.to_owned(), c);
                    c
                }
            },
        };
        self.codes.push(code);
    }

    /// Append another column's rows, merging dictionaries.
    pub(crate) fn append(&mut self, other: &CategoricalColumn) {
        let remap: Vec<u32> = other
            .dictionary
            .iter()
            .map(|v| match self.index.get(v) {
                Some(&c) => c,
                None => {
                    let c = self.dictionary.len() as u32;
                    self.dictionary.push(v.clone());
                    self.index.insert(v.clone(), c);
                    c
                }
            })
            .collect();
        self.codes.extend(other.codes.iter().map(|&c| {
            if c == MISSING_CODE {
                MISSING_CODE
            } else {
                remap[c as usize]
            }
        }));
    }

    /// The value of row `i`, or `None` when missing.
    pub fn get(&self, i: usize) -> Option<&str> {
        match self.codes[i] {
            MISSING_CODE => None,
            c => Some(&self.dictionary[c as usize]),
        }
    }

    /// Number of missing rows.
    pub fn missing_count(&self) -> usize {
        self.codes.iter().filter(|&&c| c == MISSING_CODE).count()
    }

    /// Build a categorical column from text values.
    pub fn from_values<'a>(values: impl IntoIterator<Item = Option<&'a str>>) -> Self {
        let mut c = CategoricalColumn::default();
        for v in values {
            c.push(v);
        }
        c
    }

    /// Convert a numeric column to categorical text (used when a column that
    /// looked numeric turns out to hold text further down the file, and to
    /// read a numeric label as classes). Each distinct number is formatted
    /// once, so this is a hash lookup per row, not a string per row.
    pub(crate) fn from_numeric(col: &NumericColumn) -> Self {
        let mut c = CategoricalColumn::default();
        // Labels have a handful of distinct values: a short list scanned
        // linearly beats hashing every row; the hash map takes over when the
        // list grows.
        let mut recent: Vec<(u64, u32)> = Vec::new();
        let mut by_bits: HashMap<u64, u32> = HashMap::new();
        c.codes.reserve(col.values.len());
        for (i, &v) in col.values.iter().enumerate() {
            if col.is_missing(i) {
                c.codes.push(MISSING_CODE);
                continue;
            }
            let v = if v == 0.0 { 0.0 } else { v };
            let bits = v.to_bits();
            if let Some(&(_, code)) = recent.iter().find(|(b, _)| *b == bits) {
                c.codes.push(code);
                continue;
            }
            let code = *by_bits.entry(bits).or_insert_with(|| {
                let text = format_number(v);
                match c.index.get(&text) {
                    Some(&code) => code,
                    None => {
                        let code = c.dictionary.len() as u32;
                        c.index.insert(text.clone(), code);
                        c.dictionary.push(text);
                        code
                    }
                }
            });
            if recent.len() < 16 {
                recent.push((bits, code));
            }
            c.codes.push(code);
        }
        c
    }
}

/// Format a number the way a user would have typed it: integers without a
/// trailing `.0`, everything else in the shortest form that reads back exactly.
pub fn format_number(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// One column of a [`Table`].
#[derive(Debug, Clone)]
pub enum Column {
    Numeric(NumericColumn),
    Categorical(CategoricalColumn),
}

impl Column {
    /// The column's type.
    pub fn column_type(&self) -> ColumnType {
        match self {
            Column::Numeric(_) => ColumnType::Numeric,
            Column::Categorical(_) => ColumnType::Categorical,
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Column::Numeric(c) => c.values.len(),
            Column::Categorical(c) => c.codes.len(),
        }
    }

    /// Whether the column has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether row `i` is missing.
    pub fn is_missing(&self, i: usize) -> bool {
        match self {
            Column::Numeric(c) => c.is_missing(i),
            Column::Categorical(c) => c.codes[i] == MISSING_CODE,
        }
    }

    /// Number of missing rows.
    pub fn missing_count(&self) -> usize {
        match self {
            Column::Numeric(c) => c.missing_count(),
            Column::Categorical(c) => c.missing_count(),
        }
    }

    /// Row `i` as text (numbers formatted with [`format_number`]); `None` when missing.
    pub fn text(&self, i: usize) -> Option<String> {
        match self {
            Column::Numeric(c) => (!c.is_missing(i)).then(|| format_number(c.values[i])),
            Column::Categorical(c) => c.get(i).map(str::to_owned),
        }
    }

    /// View the column as categorical codes: categorical columns as they are,
    /// numeric columns converted (each distinct number becomes one category).
    pub fn to_categorical(&self) -> std::borrow::Cow<'_, CategoricalColumn> {
        match self {
            Column::Categorical(c) => std::borrow::Cow::Borrowed(c),
            Column::Numeric(c) => std::borrow::Cow::Owned(CategoricalColumn::from_numeric(c)),
        }
    }
}

/// A table: named columns of equal length, in file order.
#[derive(Debug, Clone, Default)]
pub struct Table {
    names: Vec<String>,
    columns: Vec<Column>,
    rows: usize,
}

impl Table {
    /// An empty table with `rows` rows and no columns.
    pub fn with_rows(rows: usize) -> Self {
        Table {
            names: Vec::new(),
            columns: Vec::new(),
            rows,
        }
    }

    /// Add a column. Panics in debug builds if its length differs from the table's.
    pub fn push(&mut self, name: impl Into<String>, column: Column) {
        if self.columns.is_empty() && self.rows == 0 {
            self.rows = column.len();
        }
        debug_assert_eq!(column.len(), self.rows, "column length mismatch");
        self.names.push(name.into());
        self.columns.push(column);
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Column names in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// All columns in order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// Position of a column by name.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// A column by name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.position(name).map(|i| &self.columns[i])
    }
}
