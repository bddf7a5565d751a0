//! Tests of the CSV reader.

use super::*;
use crate::io::sha256_hex;

fn read(s: &str) -> Result<(Table, InputSummary)> {
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
    assert_eq!(s.delimiter, Some(';'));
    assert_eq!(t.names(), &["a", "b"]);
    let (_, s) = read("a\tb\n1\t2\n").unwrap();
    assert_eq!(s.delimiter, Some('\t'));
    let (_, s) = read("\"x,y\";b\n1;2\n").unwrap();
    assert_eq!(s.delimiter, Some(';'));
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
fn tiny_blocks_read_the_same_table() {
    // Quoted fields with delimiters, quotes and newlines, blank lines,
    // CRLF: split into blocks of every small size, the table must not change.
    let mut text = String::from("id,name,v\r\n");
    for i in 0..200 {
        let name = match i % 5 {
            0 => format!("\"multi\nline {i}\""),
            1 => format!("\"has, comma {i}\""),
            2 => format!("\"quote \"\"{i}\"\" inside\""),
            3 => format!("plain{i}"),
            _ => String::new(),
        };
        text.push_str(&format!("{i},{name},{}\r\n", i as f64 / 7.0));
        if i == 50 {
            text.push_str("\r\n");
        }
    }
    let whole = read_csv(text.as_bytes(), &CsvOptions::default(), &mut |_| {}).unwrap();
    for block in [16, 17, 31, 64, 100, 257, 1000] {
        let opts = CsvOptions {
            block_bytes: block,
            ..CsvOptions::default()
        };
        let got = read_csv(text.as_bytes(), &opts, &mut |_| {}).unwrap();
        assert_eq!(got.0.rows(), 200, "block {block}");
        assert_eq!(got.1, whole.1, "block {block}");
        for c in 0..3 {
            for r in 0..200 {
                assert_eq!(
                    got.0.columns()[c].text(r),
                    whole.0.columns()[c].text(r),
                    "block {block} col {c} row {r}"
                );
            }
        }
    }
    assert_eq!(
        whole.0.column("name").unwrap().text(0).unwrap(),
        "multi\nline 0"
    );
    assert_eq!(
        whole.0.column("name").unwrap().text(2).unwrap(),
        "quote \"2\" inside"
    );
    assert!(whole.0.column("name").unwrap().is_missing(4));
}

#[test]
fn errors_name_the_right_line_across_blocks() {
    let mut text = String::from("a,b\n");
    for i in 0..100 {
        text.push_str(&format!("{i},{i}\n"));
    }
    text.push_str("1,2,3\n");
    for block in [16, 64, 1 << 20] {
        let opts = CsvOptions {
            block_bytes: block,
            ..CsvOptions::default()
        };
        let e = read_csv(text.as_bytes(), &opts, &mut |_| {}).unwrap_err();
        assert_eq!(
            e,
            EngineError::Ragged {
                line: 102,
                found: 3,
                expected: 2
            },
            "block {block}"
        );
    }
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
