//! What JavaScript can hand the engine, turned into something it reads.

use assay_engine::io::csv::CsvOptions;
use assay_engine::io::{CsvSource, Source as EngineSource, TableSource};
use assay_engine::table::{CategoricalColumn, Column, NumericColumn, Table};
use std::io::Read;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// Slice size for reading a Blob: large enough to amortise the JS call, small
/// enough that a multi-gigabyte file never sits in memory.
const CHUNK: f64 = (1 << 20) as f64;

/// An input from JavaScript.
pub enum Source {
    Blob {
        blob: web_sys::Blob,
        name: Option<String>,
    },
    Bytes(Vec<u8>),
    Columns(Table),
}

impl Source {
    pub fn from_js(v: &JsValue) -> Result<Source, JsError> {
        if let Some(b) = v.dyn_ref::<web_sys::Blob>() {
            let name = v.dyn_ref::<web_sys::File>().map(|f| f.name());
            return Ok(Source::Blob {
                blob: b.clone(),
                name,
            });
        }
        if let Some(s) = v.as_string() {
            return Ok(Source::Bytes(s.into_bytes()));
        }
        if let Some(a) = v.dyn_ref::<js_sys::Uint8Array>() {
            return Ok(Source::Bytes(a.to_vec()));
        }
        if let Some(a) = v.dyn_ref::<js_sys::ArrayBuffer>() {
            return Ok(Source::Bytes(js_sys::Uint8Array::new(a).to_vec()));
        }
        if v.is_object() && !js_sys::Array::is_array(v) {
            return columns_table(v).map(Source::Columns);
        }
        Err(JsError::new(
            "unsupported input: pass a File or Blob, CSV text, CSV bytes (Uint8Array/ArrayBuffer), or a table {column: array}",
        ))
    }

    pub fn name(&self) -> Option<String> {
        match self {
            Source::Blob { name, .. } => name.clone(),
            _ => None,
        }
    }

    pub fn size(&self) -> Option<u64> {
        match self {
            Source::Blob { blob, .. } => Some(blob.size() as u64),
            Source::Bytes(b) => Some(b.len() as u64),
            Source::Columns(_) => None,
        }
    }

    /// A byte reader over the input (not for `Columns`).
    pub fn reader(self) -> Result<Box<dyn Read>, JsError> {
        match self {
            Source::Blob { blob, .. } => Ok(Box::new(BlobReader::new(blob)?)),
            Source::Bytes(b) => Ok(Box::new(std::io::Cursor::new(b))),
            Source::Columns(_) => Err(JsError::new("a table of columns has no bytes to read")),
        }
    }

    /// The input as the pipeline reads it: CSV (with `options`), or the
    /// table itself.
    pub fn into_source(self, options: CsvOptions) -> Result<Box<dyn EngineSource>, JsError> {
        let size = self.size();
        Ok(match self {
            Source::Columns(table) => Box::new(TableSource { table }),
            other => Box::new(CsvSource {
                reader: other.reader()?,
                size,
                options,
            }),
        })
    }

    /// Bytes of a file held in memory (a model, a calibrator).
    pub fn into_bytes(self) -> Result<Vec<u8>, JsError> {
        match self {
            Source::Bytes(b) => Ok(b),
            Source::Blob { blob, .. } => {
                let mut r = BlobReader::new(blob)?;
                let mut v = Vec::new();
                r.read_to_end(&mut v)
                    .map_err(|e| JsError::new(&e.to_string()))?;
                Ok(v)
            }
            Source::Columns(_) => Err(JsError::new("a table of columns is not a file")),
        }
    }
}

/// Reads a Blob slice by slice with `FileReaderSync` (available in workers).
struct BlobReader {
    blob: web_sys::Blob,
    reader: web_sys::FileReaderSync,
    pos: f64,
    size: f64,
    buf: Vec<u8>,
    at: usize,
}

impl BlobReader {
    fn new(blob: web_sys::Blob) -> Result<Self, JsError> {
        let reader = web_sys::FileReaderSync::new().map_err(|_| {
            JsError::new(
                "reading a File needs a Web Worker (FileReaderSync is not available here); run Assay in a worker, or pass the CSV as text or bytes",
            )
        })?;
        let size = blob.size();
        Ok(BlobReader {
            blob,
            reader,
            pos: 0.0,
            size,
            buf: Vec::new(),
            at: 0,
        })
    }
}

impl Read for BlobReader {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.buf.len() {
            if self.pos >= self.size {
                return Ok(0);
            }
            let end = (self.pos + CHUNK).min(self.size);
            let slice = self
                .blob
                .slice_with_f64_and_f64(self.pos, end)
                .map_err(|_| std::io::Error::other("could not slice the file"))?;
            let ab = self.reader.read_as_array_buffer(&slice).map_err(|e| {
                std::io::Error::other(format!(
                    "the browser could not read the file ({})",
                    e.as_string()
                        .or_else(|| js_sys::Reflect::get(&e, &"message".into())
                            .ok()
                            .and_then(|m| m.as_string()))
                        .unwrap_or_else(|| "was it moved or deleted?".into())
                ))
            })?;
            self.buf = js_sys::Uint8Array::new(&ab).to_vec();
            self.at = 0;
            self.pos = end;
        }
        let n = out.len().min(self.buf.len() - self.at);
        out[..n].copy_from_slice(&self.buf[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Build a table from `{column: array}`: an array of numbers (null, undefined
/// and NaN-free) becomes numeric, anything else categorical text.
fn columns_table(obj: &JsValue) -> Result<Table, JsError> {
    let keys = js_sys::Object::keys(obj.unchecked_ref::<js_sys::Object>());
    let mut table = Table::default();
    let mut rows: Option<usize> = None;
    for k in keys.iter() {
        let name = k.as_string().unwrap_or_default();
        let v = js_sys::Reflect::get(obj, &k).map_err(|_| JsError::new("unreadable column"))?;
        let arr = js_sys::Array::from(&v);
        let n = arr.length() as usize;
        if let Some(r) = rows
            && r != n
        {
            return Err(JsError::new(&format!(
                "column '{name}' has {n} values but the columns before it have {r}"
            )));
        }
        rows = Some(n);
        let numeric = arr
            .iter()
            .all(|x| x.as_f64().is_some() || x.is_null() || x.is_undefined());
        let col = if numeric {
            let mut c = NumericColumn::default();
            let mut missing = vec![false; n];
            let mut any_missing = false;
            for (i, x) in arr.iter().enumerate() {
                match x.as_f64() {
                    Some(f) => c.values.push(f),
                    None => {
                        c.values.push(f64::NAN);
                        missing[i] = true;
                        any_missing = true;
                    }
                }
            }
            if any_missing {
                c.missing = Some(missing);
            }
            Column::Numeric(c)
        } else {
            let texts: Vec<Option<String>> = arr
                .iter()
                .map(|x| {
                    if x.is_null() || x.is_undefined() {
                        None
                    } else if let Some(s) = x.as_string() {
                        Some(s)
                    } else if let Some(f) = x.as_f64() {
                        Some(assay_engine::table::format_number(f))
                    } else if let Some(b) = x.as_bool() {
                        Some(b.to_string())
                    } else {
                        Some(String::from(
                            js_sys::JSON::stringify(&x).unwrap_or_default(),
                        ))
                    }
                })
                .collect();
            Column::Categorical(CategoricalColumn::from_values(
                texts.iter().map(|t| t.as_deref()),
            ))
        };
        table.push(name, col);
    }
    if rows.unwrap_or(0) == 0 {
        return Err(JsError::new("the table has no rows"));
    }
    Ok(table)
}
