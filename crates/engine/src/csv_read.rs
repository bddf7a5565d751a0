//! Reading CSV into a [`Table`], streaming.
//!
//! The parser is the `csv` crate; this module adds what an evaluation tool
//! needs on top of it:
//!
//! * **Streaming.** Input is any [`std::io::Read`]: a file in the CLI, a
//!   `Blob` read slice by slice in the page's worker. Records are decoded one at
//!   a time into typed column builders, so the text of a file is never held in
//!   memory at once, and columns nobody asked for are skipped.
//! * **Schema inference the user can override.** The first
//!   [`CsvOptions::infer_rows`] records decide each column's type; a column that
//!   looked numeric but holds text further down becomes categorical (with a
//!   warning), unless the user forced it numeric, which makes that cell an
//!   error.
//! * **Provenance.** Every byte read is fed to SHA-256, so the report can name
//!   the exact input it describes.
//! * **Errors a person can act on**: empty file, header only, ragged rows,
//!   non-UTF-8 bytes, missing columns (listing the ones that exist).

use crate::error::{EngineError, Result};
use crate::table::{CategoricalColumn, Column, ColumnType, NumericColumn, Table};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};

/// Options for [`read_csv`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct CsvOptions {
    /// Field delimiter; `None` sniffs `,` `;` tab or `|` from the header line.
    pub delimiter: Option<u8>,
    /// Keep only these columns (all must exist); `None` keeps every column.
    pub columns: Option<Vec<String>>,
    /// Column types set by the user, overriding inference.
    pub types: HashMap<String, ColumnType>,
    /// How many records decide a column's type before the rest is read.
    pub infer_rows: usize,
    /// Refuse inputs larger than this many bytes (`None`: no limit).
    pub max_bytes: Option<u64>,
    /// Stop after this many data rows (`None`: read all). Used to inspect a file.
    pub max_rows: Option<usize>,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            delimiter: None,
            columns: None,
            types: HashMap::new(),
            infer_rows: 1000,
            max_bytes: None,
            max_rows: None,
        }
    }
}

/// What was read, for provenance and for the user.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CsvSummary {
    /// Lowercase hex SHA-256 of the bytes read (the whole file unless `max_rows` stopped early).
    pub sha256: String,
    /// Bytes read.
    pub bytes: u64,
    /// Data rows read (header excluded).
    pub rows: usize,
    /// The delimiter used.
    pub delimiter: char,
    /// Every column name in the header, in order (also those not kept).
    pub header: Vec<String>,
    /// Things the user should know (e.g. a column re-typed as categorical).
    pub warnings: Vec<String>,
    /// Whether reading stopped at `max_rows` before the end of the input.
    pub truncated: bool,
}

/// Text that counts as a missing value (after trimming spaces), as in pandas'
/// default `na_values` except `NaN`/`nan`, which are read as the number NaN so
/// that a NaN score can be reported as such.
pub const MISSING_MARKERS: &[&str] = &[
    "", "NA", "N/A", "n/a", "na", "null", "NULL", "Null", "None", "none", "#N/A", "<NA>", "?",
];

fn is_missing(s: &str) -> bool {
    MISSING_MARKERS.contains(&s)
}

/// A reader that hashes and counts every byte that passes through it.
struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
    limit: Option<u64>,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        if let Some(limit) = self.limit
            && self.bytes > limit
        {
            return Err(std::io::Error::other(TooLargeMarker(limit)));
        }
        Ok(n)
    }
}

#[derive(Debug)]
struct TooLargeMarker(u64);
impl std::fmt::Display for TooLargeMarker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "input larger than {} bytes", self.0)
    }
}
impl std::error::Error for TooLargeMarker {}

fn io_error(e: std::io::Error) -> EngineError {
    if let Some(m) = e.get_ref().and_then(|r| r.downcast_ref::<TooLargeMarker>()) {
        return EngineError::TooLarge { limit: m.0 };
    }
    EngineError::Io(e.to_string())
}

/// Pick the delimiter that occurs most often (outside quotes) in the first line.
fn sniff_delimiter(head: &[u8]) -> u8 {
    let line_end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let line = &head[..line_end];
    let candidates = [b',', b';', b'\t', b'|'];
    let mut counts = [0usize; 4];
    let mut in_quotes = false;
    for &b in line {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if !in_quotes && let Some(k) = candidates.iter().position(|&c| c == b) {
            counts[k] += 1;
        }
    }
    let (best, &n) = counts
        .iter()
        .enumerate()
        .max_by_key(|&(i, n)| (*n, std::cmp::Reverse(i)))
        .expect("four candidates");
    if n == 0 { b',' } else { candidates[best] }
}

fn map_csv_error(e: csv::Error, expected: usize) -> EngineError {
    let line = e.position().map_or(0, |p| p.line());
    let message = e.to_string();
    match e.into_kind() {
        csv::ErrorKind::UnequalLengths { pos, len, .. } => EngineError::Ragged {
            line: pos.as_ref().map_or(line, |p| p.line()),
            found: len as usize,
            expected,
        },
        csv::ErrorKind::Utf8 { pos, .. } => EngineError::InvalidUtf8 {
            line: pos.as_ref().map_or(line, |p| p.line()),
        },
        csv::ErrorKind::Io(io) => io_error(io),
        _ => EngineError::Csv { line, message },
    }
}

/// A column under construction.
enum Builder {
    Numeric { col: NumericColumn, forced: bool },
    Categorical(CategoricalColumn),
}

impl Builder {
    fn push(
        &mut self,
        field: &str,
        name: &str,
        line: u64,
        warnings: &mut Vec<String>,
    ) -> Result<()> {
        let field = field.trim();
        match self {
            Builder::Categorical(c) => {
                c.push((!is_missing(field)).then_some(field));
            }
            Builder::Numeric { col, forced } => {
                if is_missing(field) {
                    col.push(None);
                } else if let Ok(v) = field.parse::<f64>() {
                    col.push(Some(v));
                } else if *forced {
                    return Err(EngineError::NotNumeric {
                        column: name.to_owned(),
                        line,
                        value: field.to_owned(),
                    });
                } else {
                    warnings.push(format!(
                        "column '{name}' looked numeric but line {line} holds '{field}'; it is read as categorical (set its type to override)"
                    ));
                    let mut c = CategoricalColumn::from_numeric(col);
                    c.push(Some(field));
                    *self = Builder::Categorical(c);
                }
            }
        }
        Ok(())
    }

    fn finish(self) -> Column {
        match self {
            Builder::Numeric { col, .. } => Column::Numeric(col),
            Builder::Categorical(c) => Column::Categorical(c),
        }
    }
}

/// Infer a column type from sample values: numeric when every present value
/// parses as a number (and at least one is present).
fn infer_type<'a>(values: impl Iterator<Item = &'a str>) -> ColumnType {
    let mut any = false;
    for v in values {
        let v = v.trim();
        if is_missing(v) {
            continue;
        }
        if v.parse::<f64>().is_err() {
            return ColumnType::Categorical;
        }
        any = true;
    }
    if any {
        ColumnType::Numeric
    } else {
        ColumnType::Categorical
    }
}

fn field_str(rec: &csv::ByteRecord, i: usize) -> &str {
    // The whole record was checked as UTF-8 before any field is read, and a
    // field boundary never splits a UTF-8 sequence (delimiters are ASCII).
    std::str::from_utf8(&rec[i]).unwrap_or("")
}

/// Read CSV from `input` into a [`Table`].
///
/// `progress` is called now and then with the number of bytes consumed so far,
/// so a caller that knows the total size can show a progress bar.
pub fn read_csv<R: Read>(
    input: R,
    opts: &CsvOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<(Table, CsvSummary)> {
    let hashing = HashingReader {
        inner: input,
        hasher: Sha256::new(),
        bytes: 0,
        limit: opts.max_bytes,
    };
    let mut buffered = BufReader::with_capacity(1 << 20, hashing);
    let head = buffered.fill_buf().map_err(io_error)?;
    if head.is_empty() {
        return Err(EngineError::EmptyFile);
    }
    let delimiter = opts.delimiter.unwrap_or_else(|| sniff_delimiter(head));

    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(false)
        .buffer_capacity(1 << 16)
        .from_reader(buffered);

    let header_rec = rdr.byte_headers().map_err(|e| map_csv_error(e, 0))?.clone();
    if std::str::from_utf8(header_rec.as_slice()).is_err() {
        return Err(EngineError::InvalidUtf8 { line: 1 });
    }
    let mut header: Vec<String> = Vec::with_capacity(header_rec.len());
    for (i, f) in header_rec.iter().enumerate() {
        let name = std::str::from_utf8(f).unwrap_or("").trim();
        let name = if name.is_empty() {
            format!("column_{}", i + 1)
        } else {
            name.to_owned()
        };
        if let Some(first) = header.iter().position(|h| *h == name) {
            return Err(EngineError::DuplicateColumn {
                name,
                first: first + 1,
                second: i + 1,
            });
        }
        header.push(name);
    }
    if header.len() == 1 && header[0].is_empty() {
        return Err(EngineError::EmptyFile);
    }
    let ncols = header.len();

    // Which columns to keep, in the order asked for (or file order).
    let kept: Vec<usize> = match &opts.columns {
        None => (0..ncols).collect(),
        Some(want) => {
            let missing: Vec<String> = want
                .iter()
                .filter(|w| !header.contains(w))
                .cloned()
                .collect();
            if !missing.is_empty() {
                return Err(EngineError::MissingColumns {
                    missing,
                    available: header.clone(),
                });
            }
            let mut idx: Vec<usize> = Vec::new();
            for w in want {
                let i = header.iter().position(|h| h == w).expect("checked");
                if !idx.contains(&i) {
                    idx.push(i);
                }
            }
            idx
        }
    };
    for name in opts.types.keys() {
        if !header.contains(name) {
            return Err(EngineError::MissingColumns {
                missing: vec![name.clone()],
                available: header.clone(),
            });
        }
    }

    let max_rows = opts.max_rows.unwrap_or(usize::MAX);
    let mut warnings = Vec::new();
    let mut rec = csv::ByteRecord::new();
    let check = |rec: &csv::ByteRecord| -> Result<()> {
        if std::str::from_utf8(rec.as_slice()).is_err() {
            return Err(EngineError::InvalidUtf8 {
                line: rec.position().map_or(0, |p| p.line()),
            });
        }
        Ok(())
    };

    // 1. Buffer the first records and infer types from them.
    let mut sample: Vec<csv::ByteRecord> = Vec::new();
    while sample.len() < opts.infer_rows.max(1) && sample.len() < max_rows {
        if !rdr
            .read_byte_record(&mut rec)
            .map_err(|e| map_csv_error(e, ncols))?
        {
            break;
        }
        check(&rec)?;
        sample.push(rec.clone());
    }
    if sample.is_empty() {
        return Err(EngineError::HeaderOnly { columns: ncols });
    }
    let mut builders: Vec<Builder> = kept
        .iter()
        .map(|&c| {
            let name = &header[c];
            match opts.types.get(name) {
                Some(ColumnType::Numeric) => Builder::Numeric {
                    col: NumericColumn::default(),
                    forced: true,
                },
                Some(ColumnType::Categorical) => Builder::Categorical(CategoricalColumn::default()),
                None => match infer_type(sample.iter().map(|r| field_str(r, c))) {
                    ColumnType::Numeric => Builder::Numeric {
                        col: NumericColumn::default(),
                        forced: false,
                    },
                    ColumnType::Categorical => Builder::Categorical(CategoricalColumn::default()),
                },
            }
        })
        .collect();

    let mut rows = 0usize;
    let mut push_record = |rec: &csv::ByteRecord, builders: &mut [Builder]| -> Result<()> {
        let line = rec.position().map_or(0, |p| p.line());
        for (b, &c) in builders.iter_mut().zip(&kept) {
            b.push(field_str(rec, c), &header[c], line, &mut warnings)?;
        }
        Ok(())
    };
    for r in &sample {
        push_record(r, &mut builders)?;
        rows += 1;
    }
    drop(sample);

    // 2. Stream the rest.
    let mut truncated = false;
    loop {
        if rows >= max_rows {
            // Is there more? Then say the read was cut short.
            truncated = rdr
                .read_byte_record(&mut rec)
                .map_err(|e| map_csv_error(e, ncols))?;
            break;
        }
        if !rdr
            .read_byte_record(&mut rec)
            .map_err(|e| map_csv_error(e, ncols))?
        {
            break;
        }
        check(&rec)?;
        push_record(&rec, &mut builders)?;
        rows += 1;
        if rows % 65536 == 0 {
            progress(rec.position().map_or(0, |p| p.byte()));
        }
    }

    // Drain and hash whatever the parser did not consume (nothing, normally).
    let mut buffered = rdr.into_inner();
    if !truncated {
        std::io::copy(&mut buffered, &mut std::io::sink()).map_err(io_error)?;
    }
    let hashing = buffered.into_inner();
    progress(hashing.bytes);
    let sha256 = hex(&hashing.hasher.finalize());

    let mut table = Table::with_rows(rows);
    for (b, &c) in builders.into_iter().zip(&kept) {
        table.push(header[c].clone(), b.finish());
    }
    Ok((
        table,
        CsvSummary {
            sha256,
            bytes: hashing.bytes,
            rows,
            delimiter: delimiter as char,
            header,
            warnings: dedup_column_warnings(warnings),
            truncated,
        },
    ))
}

fn dedup_column_warnings(mut w: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    w.retain(|s| seen.insert(s.clone()));
    w
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

/// SHA-256 of a byte slice as lowercase hex (for inputs that are already in memory).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> Result<(Table, CsvSummary)> {
        read_csv(s.as_bytes(), &CsvOptions::default(), &mut |_| {})
    }

    #[test]
    fn infers_types_and_missing() {
        let (t, s) = read("a,b,c\n1,x,\n2.5,y,3\nNA,x,4\n").unwrap();
        assert_eq!(t.rows(), 3);
        assert_eq!(s.header, vec!["a", "b", "c"]);
        match t.column("a").unwrap() {
            Column::Numeric(c) => {
                assert_eq!(c.values[0], 1.0);
                assert_eq!(c.values[1], 2.5);
                assert!(c.is_missing(2));
                assert!(!c.is_missing(0));
            }
            _ => panic!("a should be numeric"),
        }
        match t.column("b").unwrap() {
            Column::Categorical(c) => {
                assert_eq!(c.dictionary, vec!["x", "y"]);
                assert_eq!(c.codes, vec![0, 1, 0]);
            }
            _ => panic!("b should be categorical"),
        }
        assert_eq!(t.column("c").unwrap().missing_count(), 1);
        assert_eq!(s.sha256, sha256_hex(b"a,b,c\n1,x,\n2.5,y,3\nNA,x,4\n"));
    }

    #[test]
    fn late_text_turns_column_categorical_with_warning() {
        let mut opts = CsvOptions {
            infer_rows: 2,
            ..CsvOptions::default()
        };
        let data = "a\n1\n2\nthree\n";
        let (t, s) = read_csv(data.as_bytes(), &opts, &mut |_| {}).unwrap();
        assert_eq!(
            t.column("a").unwrap().column_type(),
            ColumnType::Categorical
        );
        assert_eq!(t.column("a").unwrap().text(2).unwrap(), "three");
        assert_eq!(t.column("a").unwrap().text(0).unwrap(), "1");
        assert_eq!(s.warnings.len(), 1);
        opts.types.insert("a".into(), ColumnType::Numeric);
        let e = read_csv(data.as_bytes(), &opts, &mut |_| {}).unwrap_err();
        assert_eq!(
            e,
            EngineError::NotNumeric {
                column: "a".into(),
                line: 4,
                value: "three".into()
            }
        );
    }

    #[test]
    fn sniffs_semicolons_and_tabs() {
        let (t, s) = read("a;b\n1;2\n").unwrap();
        assert_eq!(s.delimiter, ';');
        assert_eq!(t.names(), &["a", "b"]);
        let (_, s) = read("a\tb\n1\t2\n").unwrap();
        assert_eq!(s.delimiter, '\t');
        let (_, s) = read("\"x,y\";b\n1;2\n").unwrap();
        assert_eq!(s.delimiter, ';');
    }

    #[test]
    fn bad_inputs_are_clear_errors() {
        assert_eq!(read("").unwrap_err(), EngineError::EmptyFile);
        assert_eq!(
            read("a,b\n").unwrap_err(),
            EngineError::HeaderOnly { columns: 2 }
        );
        assert_eq!(
            read("a,b\n1,2\n3\n").unwrap_err(),
            EngineError::Ragged {
                line: 3,
                found: 1,
                expected: 2
            }
        );
        let bytes = b"a,b\n1,2\n3,\xff\xfe\n";
        assert_eq!(
            read_csv(&bytes[..], &CsvOptions::default(), &mut |_| {}).unwrap_err(),
            EngineError::InvalidUtf8 { line: 3 }
        );
        let e = read_csv(
            "a,b\n1,2\n".as_bytes(),
            &CsvOptions {
                columns: Some(vec!["a".into(), "zz".into()]),
                ..CsvOptions::default()
            },
            &mut |_| {},
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "column 'zz' not found; the file has columns: 'a', 'b'"
        );
        assert!(matches!(
            read("a,a\n1,2\n").unwrap_err(),
            EngineError::DuplicateColumn { .. }
        ));
    }

    #[test]
    fn projection_keeps_only_asked_columns_in_order() {
        let opts = CsvOptions {
            columns: Some(vec!["c".into(), "a".into()]),
            ..CsvOptions::default()
        };
        let (t, s) = read_csv("a,b,c\n1,2,3\n".as_bytes(), &opts, &mut |_| {}).unwrap();
        assert_eq!(t.names(), &["c", "a"]);
        assert_eq!(s.header, vec!["a", "b", "c"]);
    }

    #[test]
    fn max_rows_stops_early_and_says_so() {
        let opts = CsvOptions {
            max_rows: Some(2),
            ..CsvOptions::default()
        };
        let (t, s) = read_csv("a\n1\n2\n3\n".as_bytes(), &opts, &mut |_| {}).unwrap();
        assert_eq!(t.rows(), 2);
        assert!(s.truncated);
        let (_, s) = read_csv("a\n1\n2\n".as_bytes(), &opts, &mut |_| {}).unwrap();
        assert!(!s.truncated);
    }

    #[test]
    fn size_limit_is_enforced() {
        let opts = CsvOptions {
            max_bytes: Some(10),
            ..CsvOptions::default()
        };
        let e = read_csv("a,b\n1,2\n3,4\n5,6\n".as_bytes(), &opts, &mut |_| {}).unwrap_err();
        assert_eq!(e, EngineError::TooLarge { limit: 10 });
    }

    #[test]
    fn quoted_fields_and_bom() {
        let (t, _) = read("\u{feff}name,v\n\"a, b\",1\n").unwrap();
        assert_eq!(t.names(), &["name", "v"]);
        assert_eq!(t.column("name").unwrap().text(0).unwrap(), "a, b");
    }
}
