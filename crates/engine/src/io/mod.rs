//! Inputs: bytes (or an in-memory table) → [`Table`] + [`InputSummary`].
//!
//! Nothing after reading knows which format a table came from: every reader
//! returns the same [`InputSummary`] (hash, size, rows, header, warnings), and
//! every input is a [`Source`]. CSV is the format today; Parquet, NPY and
//! image folders plug in as more `Source`s without touching the analyses.
//!
//! The engine does no IO of its own: a source wraps a [`std::io::Read`]
//! (a file in the CLI, a `Blob` read slice by slice in the page's worker) or
//! a table built in memory (a page's `{column: array}`), never a path.

pub mod csv;

use crate::error::Result;
use crate::progress::{Cancel, Progress, Stage};
use crate::table::{Column, Table};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What was read from an input, for provenance and for the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InputSummary {
    /// Lowercase hex SHA-256 of the bytes read (the whole file unless reading
    /// stopped early); of a canonical text form for an in-memory table.
    pub sha256: String,
    /// Bytes read (0 for an in-memory table).
    pub bytes: u64,
    /// Data rows read (header excluded).
    pub rows: usize,
    /// The delimiter used (delimited text only).
    pub delimiter: Option<char>,
    /// Every column name in the header, in order (also those not kept).
    pub header: Vec<String>,
    /// Things the user should know (e.g. a column re-typed as categorical).
    pub warnings: Vec<String>,
    /// Whether reading stopped at a row limit before the end of the input.
    pub truncated: bool,
}

/// An input that can be read into a table.
pub trait Source {
    /// Size in bytes, when known (for progress).
    fn size(&self) -> Option<u64>;

    /// Read it. `columns`: keep only these (all must exist); `None` keeps
    /// every column.
    fn read(
        self: Box<Self>,
        columns: Option<&[String]>,
        cancel: &Cancel,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(Table, InputSummary)>;
}

/// CSV from any reader.
pub struct CsvSource<R> {
    pub reader: R,
    pub size: Option<u64>,
    pub options: csv::CsvOptions,
}

impl<R: std::io::Read> Source for CsvSource<R> {
    fn size(&self) -> Option<u64> {
        self.size
    }

    fn read(
        self: Box<Self>,
        columns: Option<&[String]>,
        cancel: &Cancel,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<(Table, InputSummary)> {
        let mut options = self.options;
        options.columns = columns.map(<[String]>::to_vec);
        options.cancel = Some(cancel.clone());
        let total = self.size.unwrap_or(0);
        let reader = std::io::BufReader::with_capacity(1 << 20, self.reader);
        csv::read_csv(reader, &options, &mut |b| {
            progress(Progress::new(Stage::Read, b, total))
        })
    }
}

/// A table already in memory (the page's `{column: array}`): no bytes, no
/// parsing. Its SHA-256 is over a canonical text form (column name, then
/// each value), so the provenance still pins the exact input.
pub struct TableSource {
    pub table: Table,
}

impl Source for TableSource {
    fn size(&self) -> Option<u64> {
        None
    }

    fn read(
        self: Box<Self>,
        columns: Option<&[String]>,
        _cancel: &Cancel,
        _progress: &mut dyn FnMut(Progress),
    ) -> Result<(Table, InputSummary)> {
        let all = self.table;
        if all.rows() == 0 {
            return Err(crate::EngineError::NoRows);
        }
        let summary = InputSummary {
            sha256: table_digest(&all),
            bytes: 0,
            rows: all.rows(),
            delimiter: None,
            header: all.names().to_vec(),
            warnings: Vec::new(),
            truncated: false,
        };
        let table = match columns {
            None => all,
            Some(cols) => {
                let missing: Vec<String> = cols
                    .iter()
                    .filter(|c| all.column(c).is_none())
                    .cloned()
                    .collect();
                if !missing.is_empty() {
                    return Err(crate::EngineError::MissingColumns {
                        missing,
                        available: all.names().to_vec(),
                    });
                }
                let mut t = Table::with_rows(all.rows());
                for (name, col) in all.names().iter().zip(all.columns()) {
                    if cols.contains(name) {
                        t.push(name.clone(), col.clone());
                    }
                }
                t
            }
        };
        Ok((table, summary))
    }
}

/// SHA-256 of a table over a canonical text form.
pub fn table_digest(t: &Table) -> String {
    let mut h = Sha256::new();
    for (name, col) in t.names().iter().zip(t.columns()) {
        h.update(name.as_bytes());
        h.update([0]);
        for i in 0..col.len() {
            match col {
                Column::Numeric(c) if !c.is_missing(i) => h.update(c.values[i].to_le_bytes()),
                _ => h.update(col.text(i).unwrap_or_default().as_bytes()),
            }
            h.update([0]);
        }
    }
    hex(&h.finalize())
}

/// Lowercase hex encoding.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// SHA-256 of a byte slice as lowercase hex (for inputs already in memory:
/// models, calibrator files).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::NumericColumn;

    #[test]
    fn csv_and_table_sources_read_the_same_table() {
        let text = "y,p\n1,0.9\n0,0.2\n";
        let src = Box::new(CsvSource {
            reader: text.as_bytes(),
            size: Some(text.len() as u64),
            options: csv::CsvOptions::default(),
        });
        let (t, s) = src
            .read(Some(&["p".to_string()]), &Cancel::new(), &mut |_| {})
            .unwrap();
        assert_eq!(t.names(), &["p"]);
        assert_eq!(s.header, vec!["y", "p"]);
        assert_eq!(s.sha256, sha256_hex(text.as_bytes()));
        let mut table = Table::default();
        table.push(
            "y",
            Column::Numeric(NumericColumn {
                values: vec![1.0, 0.0],
                missing: None,
            }),
        );
        let (t2, s2) = Box::new(TableSource { table })
            .read(None, &Cancel::new(), &mut |_| {})
            .unwrap();
        assert_eq!(t2.rows(), 2);
        assert_eq!(s2.bytes, 0);
        assert_eq!(s2.sha256.len(), 64);
    }

    #[test]
    fn a_cancelled_read_stops() {
        let text = "y,p\n".to_string() + &"1,0.5\n".repeat(100_000);
        let cancel = Cancel::new();
        cancel.cancel();
        let options = csv::CsvOptions {
            block_bytes: 1024,
            ..Default::default()
        };
        let src = Box::new(CsvSource {
            reader: text.as_bytes(),
            size: None,
            options,
        });
        assert_eq!(
            src.read(None, &cancel, &mut |_| {}).unwrap_err(),
            crate::EngineError::Cancelled
        );
    }
}
