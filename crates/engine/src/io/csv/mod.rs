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

use super::{InputSummary, hex};
use crate::error::{EngineError, Result};
use crate::table::{CategoricalColumn, Column, ColumnType, NumericColumn, Table};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Read;

/// Options for [`read_csv`].
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// Bytes per block (tests use tiny blocks to exercise block boundaries).
    #[serde(skip)]
    pub block_bytes: usize,
    /// Checked between blocks: set it to stop reading.
    #[serde(skip)]
    pub cancel: Option<crate::progress::Cancel>,
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
            block_bytes: BLOCK,
            cancel: None,
        }
    }
}

/// Text that counts as a missing value (after trimming spaces), as in pandas'
/// default `na_values` except `NaN`/`nan`, which are read as the number NaN so
/// that a NaN score can be reported as such.
pub const MISSING_MARKERS: &[&str] = &[
    "", "NA", "N/A", "n/a", "na", "null", "NULL", "Null", "None", "none", "#N/A", "<NA>", "?",
];

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

/// Bytes read per block. Blocks are parsed independently (in parallel in
/// native builds), so the file is never held in memory at once.
const BLOCK: usize = 2 << 20;

fn trim_ascii(b: &[u8]) -> &[u8] {
    b.trim_ascii()
}

fn is_missing_bytes(b: &[u8]) -> bool {
    MISSING_MARKERS.iter().any(|m| m.as_bytes() == b)
}

/// Parse a number: `fast-float2` first (a correctly rounded parser, several
/// times faster than `str::parse`), then the standard library for the forms
/// it does not take (a leading `+`, for one). Both round correctly, so a
/// value never depends on which one read it.
fn parse_number(b: &[u8]) -> Option<f64> {
    fast_float2::parse::<f64, _>(b)
        .ok()
        .or_else(|| std::str::from_utf8(b).ok()?.parse::<f64>().ok())
}

/// How a column is parsed.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Plan {
    Numeric { forced: bool },
    Categorical,
}

/// A column under construction.
enum Builder {
    Numeric { col: NumericColumn, forced: bool },
    Categorical(CategoricalColumn),
}

impl Builder {
    fn new(plan: Plan) -> Self {
        match plan {
            Plan::Numeric { forced } => Builder::Numeric {
                col: NumericColumn::default(),
                forced,
            },
            Plan::Categorical => Builder::Categorical(CategoricalColumn::default()),
        }
    }

    fn len(&self) -> usize {
        match self {
            Builder::Numeric { col, .. } => col.values.len(),
            Builder::Categorical(c) => c.codes.len(),
        }
    }

    fn push(
        &mut self,
        field: &[u8],
        name: &str,
        line: u64,
        warning: &mut Option<(u64, String)>,
    ) -> Result<()> {
        let field = trim_ascii(field);
        match self {
            Builder::Categorical(c) => {
                if is_missing_bytes(field) {
                    c.push(None);
                } else {
                    // The record was validated as UTF-8 as a whole.
                    c.push(Some(std::str::from_utf8(field).unwrap_or("")));
                }
            }
            Builder::Numeric { col, forced } => {
                if is_missing_bytes(field) {
                    col.push(None);
                } else if let Some(v) = parse_number(field) {
                    col.push(Some(v));
                } else {
                    let text = String::from_utf8_lossy(field).into_owned();
                    if *forced {
                        return Err(EngineError::NotNumeric {
                            column: name.to_owned(),
                            line,
                            value: text,
                        });
                    }
                    if warning.is_none() {
                        *warning = Some((
                            line,
                            format!(
                                "column '{name}' looked numeric but line {line} holds '{text}'; it is read as categorical (set its type to override)"
                            ),
                        ));
                    }
                    let mut c = CategoricalColumn::from_numeric(col);
                    c.push(Some(&text));
                    *self = Builder::Categorical(c);
                }
            }
        }
        Ok(())
    }

    /// Append `other` (the next rows), converting to categorical if either is.
    fn append(&mut self, other: Builder) {
        match (&mut *self, other) {
            (Builder::Numeric { col: a, .. }, Builder::Numeric { col: b, .. }) => {
                let before = a.values.len();
                if a.missing.is_some() || b.missing.is_some() {
                    let mut m = a.missing.take().unwrap_or_else(|| vec![false; before]);
                    m.extend(b.missing.unwrap_or_else(|| vec![false; b.values.len()]));
                    a.missing = Some(m);
                }
                a.values.extend(b.values);
            }
            (Builder::Categorical(a), b) => {
                let b = match b {
                    Builder::Categorical(c) => c,
                    Builder::Numeric { col, .. } => CategoricalColumn::from_numeric(&col),
                };
                a.append(&b);
            }
            (Builder::Numeric { col, .. }, Builder::Categorical(b)) => {
                let mut a = CategoricalColumn::from_numeric(col);
                a.append(&b);
                *self = Builder::Categorical(a);
            }
        }
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
fn infer_type<'a>(values: impl Iterator<Item = &'a [u8]>) -> ColumnType {
    let mut any = false;
    for v in values {
        let v = trim_ascii(v);
        if is_missing_bytes(v) {
            continue;
        }
        if parse_number(v).is_none() {
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

/// What every block parser needs to know.
struct Layout {
    delimiter: u8,
    ncols: usize,
    /// File column index of each kept column.
    kept: Vec<usize>,
    /// Names of all columns.
    header: Vec<String>,
    plans: Vec<Plan>,
}

/// A block of whole records and where it starts in the file.
struct Block {
    bytes: Vec<u8>,
    /// File line of the block's first byte.
    first_line: u64,
}

/// The columns parsed from one block.
struct Parsed {
    cols: Vec<Builder>,
    rows: usize,
    /// Earliest type warning per kept column.
    warnings: Vec<Option<(u64, String)>>,
    /// Whether the block had records beyond `max_rows`.
    more: bool,
}

fn csv_reader(bytes: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes)
}

fn parse_block(block: &Block, layout: &Layout, max_rows: usize) -> Result<Parsed> {
    let mut cols: Vec<Builder> = layout.plans.iter().map(|&p| Builder::new(p)).collect();
    let mut warnings: Vec<Option<(u64, String)>> = vec![None; cols.len()];
    let mut rdr = csv_reader(&block.bytes, layout.delimiter);
    let mut rec = csv::ByteRecord::new();
    let mut rows = 0usize;
    let mut more = false;
    loop {
        let ok = rdr.read_byte_record(&mut rec).map_err(|e| {
            let mut err = map_csv_error(e, layout.ncols);
            if let EngineError::InvalidUtf8 { line } | EngineError::Csv { line, .. } = &mut err {
                *line += block.first_line - 1;
            }
            err
        })?;
        if !ok {
            break;
        }
        if rows == max_rows {
            more = true;
            break;
        }
        let line = block.first_line + rec.position().map_or(1, |p| p.line()) - 1;
        if rec.len() != layout.ncols {
            // A blank line is a record of one empty field: skip it, as pandas does.
            if rec.len() == 1 && rec[0].is_empty() {
                continue;
            }
            return Err(EngineError::Ragged {
                line,
                found: rec.len(),
                expected: layout.ncols,
            });
        }
        if simdutf8::basic::from_utf8(rec.as_slice()).is_err() {
            return Err(EngineError::InvalidUtf8 { line });
        }
        for ((b, &c), w) in cols.iter_mut().zip(&layout.kept).zip(warnings.iter_mut()) {
            b.push(&rec[c], &layout.header[c], line, w)?;
        }
        rows += 1;
    }
    debug_assert!(cols.iter().all(|c| c.len() == rows));
    Ok(Parsed {
        cols,
        rows,
        warnings,
        more,
    })
}

/// Reads the input in blocks that end on a record boundary: the last newline
/// preceded by an even number of quote characters (a newline inside a quoted
/// field is preceded by an odd number; RFC 4180's doubled quotes keep the
/// parity).
struct BlockReader<R> {
    input: R,
    block: usize,
    carry: Vec<u8>,
    line: u64,
    eof: bool,
}

impl<R: Read> BlockReader<R> {
    fn next(&mut self) -> Result<Option<Block>> {
        let mut buf = std::mem::take(&mut self.carry);
        let mut want = self.block;
        loop {
            while buf.len() < want && !self.eof {
                let start = buf.len();
                buf.resize(want, 0);
                let n = loop {
                    match self.input.read(&mut buf[start..]) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(io_error(e)),
                    }
                };
                buf.truncate(start + n);
                if n == 0 {
                    self.eof = true;
                }
            }
            if buf.is_empty() {
                return Ok(None);
            }
            let cut = if self.eof {
                Some(buf.len())
            } else {
                last_record_end(&buf)
            };
            match cut {
                Some(cut) => {
                    self.carry = buf.split_off(cut);
                    let first_line = self.line;
                    self.line += memchr::memchr_iter(b'\n', &buf).count() as u64;
                    return Ok(Some(Block {
                        bytes: buf,
                        first_line,
                    }));
                }
                // One record longer than the block: read more.
                None => want = buf.len() * 2,
            }
        }
    }
}

/// One past the last newline outside quotes, if any.
fn last_record_end(buf: &[u8]) -> Option<usize> {
    let mut even = true;
    let mut last = None;
    for i in memchr::memchr2_iter(b'"', b'\n', buf) {
        if buf[i] == b'"' {
            even = !even;
        } else if even {
            last = Some(i + 1);
        }
    }
    last
}

/// Parse a batch of blocks, in parallel where the build allows.
fn parse_batch(blocks: &[Block], layout: &Layout, max_rows: usize) -> Vec<Result<Parsed>> {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        blocks
            .par_iter()
            .map(|b| parse_block(b, layout, max_rows))
            .collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        blocks
            .iter()
            .map(|b| parse_block(b, layout, max_rows))
            .collect()
    }
}

fn read_batch<R: Read>(r: &mut BlockReader<R>, k: usize) -> Result<Vec<Block>> {
    let mut v = Vec::with_capacity(k);
    while v.len() < k {
        match r.next()? {
            Some(b) => v.push(b),
            None => break,
        }
    }
    Ok(v)
}

/// Read CSV from `input` into a [`Table`].
///
/// `progress` is called now and then with the number of bytes consumed so far,
/// so a caller that knows the total size can show a progress bar.
pub fn read_csv<R: Read>(
    input: R,
    opts: &CsvOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<(Table, InputSummary)> {
    let hashing = HashingReader {
        inner: input,
        hasher: Sha256::new(),
        bytes: 0,
        limit: opts.max_bytes,
    };
    let mut blocks = BlockReader {
        input: hashing,
        block: opts.block_bytes.max(16),
        carry: Vec::new(),
        line: 1,
        eof: false,
    };
    let Some(mut first) = blocks.next()? else {
        return Err(EngineError::EmptyFile);
    };
    // A UTF-8 byte-order mark is not part of the first column's name.
    if first.bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        first.bytes.drain(..3);
    }
    if first.bytes.iter().all(|b| b.is_ascii_whitespace()) && blocks.eof {
        return Err(EngineError::EmptyFile);
    }
    let delimiter = opts
        .delimiter
        .unwrap_or_else(|| sniff_delimiter(&first.bytes));

    // Header, and the sample records that decide the column types.
    let mut rdr = csv_reader(&first.bytes, delimiter);
    let mut header_rec = csv::ByteRecord::new();
    rdr.read_byte_record(&mut header_rec)
        .map_err(|e| map_csv_error(e, 0))?;
    if simdutf8::basic::from_utf8(header_rec.as_slice()).is_err() {
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
    let ncols = header.len();
    let data_start = rdr.position().byte() as usize;
    let data_line = rdr.position().line();
    let mut sample: Vec<csv::ByteRecord> = Vec::new();
    let mut rec = csv::ByteRecord::new();
    while sample.len() < opts.infer_rows.max(1) {
        match rdr.read_byte_record(&mut rec) {
            Ok(true) if rec.len() == ncols => sample.push(rec.clone()),
            Ok(true) => {}
            _ => break,
        }
    }
    drop(rdr);

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
    let plans: Vec<Plan> = kept
        .iter()
        .map(|&c| match opts.types.get(&header[c]) {
            Some(ColumnType::Numeric) => Plan::Numeric { forced: true },
            Some(ColumnType::Categorical) => Plan::Categorical,
            None => match infer_type(sample.iter().map(|r| &r[c])) {
                ColumnType::Numeric => Plan::Numeric { forced: false },
                ColumnType::Categorical => Plan::Categorical,
            },
        })
        .collect();
    drop(sample);
    let layout = Layout {
        delimiter,
        ncols,
        kept,
        header: header.clone(),
        plans,
    };

    // The first block's data, then the rest, a batch of blocks at a time;
    // reading the next batch overlaps with parsing this one.
    first.bytes.drain(..data_start);
    first.first_line = data_line;
    let max_rows = opts.max_rows.unwrap_or(usize::MAX);
    #[cfg(feature = "parallel")]
    let per_batch = if opts.max_rows.is_some() {
        1
    } else {
        rayon::current_num_threads().max(1)
    };
    #[cfg(not(feature = "parallel"))]
    let per_batch: usize = 1;
    let mut cols: Vec<Builder> = layout.plans.iter().map(|&p| Builder::new(p)).collect();
    let mut warnings: Vec<Option<(u64, String)>> = vec![None; cols.len()];
    let mut rows = 0usize;
    let mut truncated = false;
    // Parsing of the first block starts at once, overlapping the next read.
    let mut batch = vec![first];
    while !batch.is_empty() {
        let left = max_rows - rows;
        #[cfg(feature = "parallel")]
        let (parsed, next) = {
            // Parse on the pool while this thread reads (and hashes) the
            // next batch; the input itself never crosses threads.
            let mut parsed = None;
            let next = rayon::in_place_scope(|s| {
                s.spawn(|_| parsed = Some(parse_batch(&batch, &layout, left)));
                if left == 0 {
                    Ok(Vec::new())
                } else {
                    read_batch(&mut blocks, per_batch)
                }
            });
            (parsed.expect("the scope ran the parse"), next)
        };
        #[cfg(not(feature = "parallel"))]
        let (parsed, next) = (
            parse_batch(&batch, &layout, left),
            if left == 0 {
                Ok(Vec::new())
            } else {
                read_batch(&mut blocks, per_batch)
            },
        );
        for p in parsed {
            let p = p?;
            if rows + p.rows > max_rows || (rows == max_rows && (p.rows > 0 || p.more)) {
                truncated = true;
            }
            truncated |= p.more;
            rows += p.rows;
            for ((dst, src), (w, pw)) in cols
                .iter_mut()
                .zip(p.cols)
                .zip(warnings.iter_mut().zip(p.warnings))
            {
                dst.append(src);
                if w.is_none() {
                    *w = pw;
                }
            }
            if rows >= max_rows {
                break;
            }
        }
        batch = next?;
        progress(blocks.input.bytes);
        if let Some(c) = &opts.cancel {
            c.check()?;
        }
        if rows >= max_rows {
            truncated |= !batch.is_empty() || !blocks.eof || !blocks.carry.is_empty();
            break;
        }
    }
    if rows == 0 {
        return Err(EngineError::HeaderOnly { columns: ncols });
    }
    let hashing = blocks.input;
    let sha256 = hex(&hashing.hasher.finalize());
    let mut table = Table::with_rows(rows);
    for (b, &c) in cols.into_iter().zip(&layout.kept) {
        table.push(header[c].clone(), b.finish());
    }
    Ok((
        table,
        InputSummary {
            sha256,
            bytes: hashing.bytes,
            rows,
            delimiter: Some(delimiter as char),
            header,
            warnings: warnings.into_iter().flatten().map(|(_, w)| w).collect(),
            truncated,
        },
    ))
}

#[cfg(test)]
mod tests;
