//! Filter expressions: `region = east AND (age > 60 OR plan IN ('gold', 'platinum'))`.
//!
//! The grammar is small on purpose, a subset of SQL's `WHERE`:
//!
//! ```text
//! expr       := and ( OR and )*
//! and        := unary ( AND unary )*
//! unary      := NOT unary | '(' expr ')' | comparison
//! comparison := column op value | column [NOT] IN '(' value ( ',' value )* ')'
//! op         := = | == | != | <> | < | <= | > | >=
//! column     := word | "quoted name" | `quoted name`
//! value      := number | 'text' | "text" | word
//! ```
//!
//! Keywords are case-insensitive. A number compares numerically with a
//! numeric column; text compares with a text column (`1` and `1.0` are the
//! same label). Ordering comparisons (`<`, `>`…) need a numeric column. A
//! missing value satisfies no comparison, `!=` included (SQL's NULL rule), so
//! `x = a OR x != a` selects exactly the rows where `x` is present.
//!
//! A syntax error names its position (1-based, in characters) and what was
//! expected there.

use super::{Column, Table};
use crate::error::{EngineError, Result};

/// A syntax error in a filter.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub expression: String,
    /// 1-based character position.
    pub position: usize,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "filter \"{}\": {} at position {}",
            self.expression, self.message, self.position
        )
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A literal.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Number(f64, String),
    Text(String),
}

impl Value {
    fn text(&self) -> &str {
        match self {
            Value::Number(_, s) | Value::Text(s) => s,
        }
    }
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Compare {
        column: String,
        op: Op,
        value: Value,
    },
    In {
        column: String,
        values: Vec<Value>,
        negated: bool,
    },
    Not(Box<Filter>),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Quoted(String, char),
    Number(f64, String),
    Op(Op),
    LParen,
    RParen,
    Comma,
    End,
}

struct Lexer {
    toks: Vec<(Tok, usize)>,
}

fn lex(s: &str) -> std::result::Result<Lexer, (usize, String)> {
    let chars: Vec<char> = s.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let at = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        match c {
            '(' => toks.push((Tok::LParen, at)),
            ')' => toks.push((Tok::RParen, at)),
            ',' => toks.push((Tok::Comma, at)),
            '=' => {
                if chars.get(i + 1) == Some(&'=') {
                    i += 1;
                }
                toks.push((Tok::Op(Op::Eq), at));
            }
            '!' => {
                if chars.get(i + 1) != Some(&'=') {
                    return Err((at, "'!' must be followed by '='".into()));
                }
                i += 1;
                toks.push((Tok::Op(Op::Ne), at));
            }
            '<' | '>' => {
                let next = chars.get(i + 1).copied();
                let op = match (c, next) {
                    ('<', Some('=')) => Op::Le,
                    ('<', Some('>')) => Op::Ne,
                    ('>', Some('=')) => Op::Ge,
                    ('<', _) => Op::Lt,
                    _ => Op::Gt,
                };
                if matches!(op, Op::Le | Op::Ge | Op::Ne) {
                    i += 1;
                }
                toks.push((Tok::Op(op), at));
            }
            '\'' | '"' | '`' => {
                let q = c;
                let mut text = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err((at, format!("unclosed quote {q}"))),
                        Some(&d) if d == q => {
                            // A doubled quote stands for itself.
                            if chars.get(i + 1) == Some(&q) {
                                text.push(q);
                                i += 2;
                                continue;
                            }
                            break;
                        }
                        Some(&d) => {
                            text.push(d);
                            i += 1;
                        }
                    }
                }
                toks.push((Tok::Quoted(text, q), at));
            }
            _ => {
                let start = i;
                while i < chars.len()
                    && !chars[i].is_whitespace()
                    && !"()=,!<>'\"`".contains(chars[i])
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let tok = match word.parse::<f64>() {
                    Ok(v) if v.is_finite() => Tok::Number(v, word),
                    _ => Tok::Word(word),
                };
                toks.push((tok, at));
                continue;
            }
        }
        i += 1;
    }
    toks.push((Tok::End, chars.len() + 1));
    Ok(Lexer { toks })
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    at: usize,
}

fn keyword(t: &Tok, k: &str) -> bool {
    matches!(t, Tok::Word(w) if w.eq_ignore_ascii_case(k))
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.toks[self.at].0
    }
    fn pos(&self) -> usize {
        self.toks[self.at].1
    }
    fn next(&mut self) -> Tok {
        let t = self.toks[self.at].0.clone();
        if self.at + 1 < self.toks.len() {
            self.at += 1;
        }
        t
    }
    fn err<T>(&self, what: &str) -> std::result::Result<T, (usize, String)> {
        let found = match self.peek() {
            Tok::End => "the end".to_owned(),
            Tok::Word(w) | Tok::Number(_, w) => format!("'{w}'"),
            Tok::Quoted(w, q) => format!("{q}{w}{q}"),
            Tok::Op(_) => "an operator".to_owned(),
            Tok::LParen => "'('".to_owned(),
            Tok::RParen => "')'".to_owned(),
            Tok::Comma => "','".to_owned(),
        };
        Err((self.pos(), format!("expected {what}, found {found}")))
    }

    fn or(&mut self) -> std::result::Result<Filter, (usize, String)> {
        let mut f = self.and()?;
        while keyword(self.peek(), "or") {
            self.next();
            f = Filter::Or(Box::new(f), Box::new(self.and()?));
        }
        Ok(f)
    }

    fn and(&mut self) -> std::result::Result<Filter, (usize, String)> {
        let mut f = self.unary()?;
        while keyword(self.peek(), "and") {
            self.next();
            f = Filter::And(Box::new(f), Box::new(self.unary()?));
        }
        Ok(f)
    }

    fn unary(&mut self) -> std::result::Result<Filter, (usize, String)> {
        if keyword(self.peek(), "not") {
            self.next();
            return Ok(Filter::Not(Box::new(self.unary()?)));
        }
        if *self.peek() == Tok::LParen {
            self.next();
            let f = self.or()?;
            if *self.peek() != Tok::RParen {
                return self.err("')'");
            }
            self.next();
            return Ok(f);
        }
        self.comparison()
    }

    fn column(&mut self) -> std::result::Result<String, (usize, String)> {
        match self.peek().clone() {
            Tok::Word(w)
                if !["and", "or", "not", "in"]
                    .iter()
                    .any(|k| w.eq_ignore_ascii_case(k)) =>
            {
                self.next();
                Ok(w)
            }
            Tok::Quoted(w, '"') | Tok::Quoted(w, '`') => {
                self.next();
                Ok(w)
            }
            Tok::Number(_, w) => {
                self.next();
                Ok(w)
            }
            _ => self.err("a column name"),
        }
    }

    fn value(&mut self) -> std::result::Result<Value, (usize, String)> {
        match self.peek().clone() {
            Tok::Number(v, s) => {
                self.next();
                Ok(Value::Number(v, s))
            }
            Tok::Quoted(s, _) => {
                self.next();
                Ok(Value::Text(s))
            }
            Tok::Word(w)
                if !["and", "or", "not", "in"]
                    .iter()
                    .any(|k| w.eq_ignore_ascii_case(k)) =>
            {
                self.next();
                Ok(Value::Text(w))
            }
            _ => self.err("a value"),
        }
    }

    fn comparison(&mut self) -> std::result::Result<Filter, (usize, String)> {
        let column = self.column()?;
        let negated = if keyword(self.peek(), "not") {
            self.next();
            if !keyword(self.peek(), "in") {
                return self.err("IN after NOT");
            }
            true
        } else {
            false
        };
        if keyword(self.peek(), "in") {
            self.next();
            if *self.peek() != Tok::LParen {
                return self.err("'(' after IN");
            }
            self.next();
            let mut values = vec![self.value()?];
            while *self.peek() == Tok::Comma {
                self.next();
                values.push(self.value()?);
            }
            if *self.peek() != Tok::RParen {
                return self.err("',' or ')'");
            }
            self.next();
            return Ok(Filter::In {
                column,
                values,
                negated,
            });
        }
        let op = match self.peek() {
            Tok::Op(op) => *op,
            _ => return self.err("an operator (= != < <= > >= or IN)"),
        };
        self.next();
        let value = self.value()?;
        Ok(Filter::Compare { column, op, value })
    }
}

/// Parse a filter expression.
pub fn parse(expression: &str) -> std::result::Result<Filter, ParseError> {
    let wrap = |(position, message): (usize, String)| ParseError {
        expression: expression.to_owned(),
        position,
        message,
    };
    let lexer = lex(expression).map_err(wrap)?;
    let mut p = Parser {
        toks: lexer.toks,
        at: 0,
    };
    if *p.peek() == Tok::End {
        return Err(wrap((1, "the filter is empty".into())));
    }
    let f = p.or().map_err(wrap)?;
    if *p.peek() != Tok::End {
        return Err(wrap(p.err::<()>("AND, OR or the end").unwrap_err()));
    }
    Ok(f)
}

impl Filter {
    /// The columns the filter reads.
    pub fn columns(&self) -> Vec<String> {
        let mut v = Vec::new();
        self.collect_columns(&mut v);
        v
    }

    fn collect_columns(&self, v: &mut Vec<String>) {
        match self {
            Filter::Compare { column, .. } | Filter::In { column, .. } => {
                if !v.contains(column) {
                    v.push(column.clone());
                }
            }
            Filter::Not(f) => f.collect_columns(v),
            Filter::And(a, b) | Filter::Or(a, b) => {
                a.collect_columns(v);
                b.collect_columns(v);
            }
        }
    }

    /// Which rows of `table` match.
    pub fn evaluate(&self, table: &Table) -> Result<Vec<bool>> {
        let n = table.rows();
        match self {
            Filter::Not(f) => {
                // NOT keeps the NULL rule: a row with a missing value in a
                // compared column matches neither a comparison nor its negation.
                let inner = f.evaluate(table)?;
                let known = f.known(table)?;
                Ok((0..n).map(|i| known[i] && !inner[i]).collect())
            }
            Filter::And(a, b) => {
                let (x, y) = (a.evaluate(table)?, b.evaluate(table)?);
                Ok(x.iter().zip(&y).map(|(p, q)| *p && *q).collect())
            }
            Filter::Or(a, b) => {
                let (x, y) = (a.evaluate(table)?, b.evaluate(table)?);
                Ok(x.iter().zip(&y).map(|(p, q)| *p || *q).collect())
            }
            Filter::Compare { column, op, value } => compare(table, column, *op, value),
            Filter::In {
                column,
                values,
                negated,
            } => {
                let mut any = vec![false; n];
                for v in values {
                    let m = compare(table, column, Op::Eq, v)?;
                    for (a, b) in any.iter_mut().zip(m) {
                        *a |= b;
                    }
                }
                if *negated {
                    let known = present(table, column)?;
                    Ok((0..n).map(|i| known[i] && !any[i]).collect())
                } else {
                    Ok(any)
                }
            }
        }
    }

    /// Rows where every column the filter reads is present.
    fn known(&self, table: &Table) -> Result<Vec<bool>> {
        let mut k = vec![true; table.rows()];
        for c in self.columns() {
            for (a, b) in k.iter_mut().zip(present(table, &c)?) {
                *a &= b;
            }
        }
        Ok(k)
    }
}

fn lookup<'t>(table: &'t Table, column: &str) -> Result<&'t Column> {
    table
        .column(column)
        .ok_or_else(|| EngineError::MissingColumns {
            missing: vec![column.to_owned()],
            available: table.names().to_vec(),
        })
}

fn present(table: &Table, column: &str) -> Result<Vec<bool>> {
    let col = lookup(table, column)?;
    Ok((0..table.rows()).map(|i| !col.is_missing(i)).collect())
}

fn invalid(message: String) -> EngineError {
    EngineError::Invalid {
        key: crate::plan::OptionKey::Slice,
        message,
    }
}

fn compare(table: &Table, column: &str, op: Op, value: &Value) -> Result<Vec<bool>> {
    let col = lookup(table, column)?;
    let n = table.rows();
    let ordering = !matches!(op, Op::Eq | Op::Ne);
    let test = |o: std::cmp::Ordering| match op {
        Op::Eq => o.is_eq(),
        Op::Ne => o.is_ne(),
        Op::Lt => o.is_lt(),
        Op::Le => o.is_le(),
        Op::Gt => o.is_gt(),
        Op::Ge => o.is_ge(),
    };
    match col {
        Column::Numeric(c) => {
            let x = match value {
                Value::Number(x, _) => *x,
                Value::Text(t) => {
                    return Err(invalid(format!(
                        "column '{column}' is numeric but the filter compares it with the text '{t}'"
                    )));
                }
            };
            Ok((0..n)
                .map(|i| !c.is_missing(i) && c.values[i].partial_cmp(&x).is_some_and(test))
                .collect())
        }
        Column::Categorical(c) => {
            if ordering {
                return Err(invalid(format!(
                    "column '{column}' holds text, so it cannot be compared with '{}' by order; use = != or IN, or make the column numeric",
                    value.text()
                )));
            }
            let want = value.text();
            // One comparison per dictionary entry, then a lookup per row.
            let same: Vec<bool> = c
                .dictionary
                .iter()
                .map(|d| crate::prepare::same_label(d, want))
                .collect();
            Ok(c.codes
                .iter()
                .map(|&code| code != super::MISSING_CODE && (same[code as usize] == (op == Op::Eq)))
                .collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::csv::{CsvOptions, read_csv};

    fn table() -> Table {
        let csv = "region,age,plan\neast,70,gold\nwest,65,basic\neast,30,platinum\n,80,gold\nwest,NA,basic\n";
        read_csv(csv.as_bytes(), &CsvOptions::default(), &mut |_| {})
            .unwrap()
            .0
    }

    fn rows(expr: &str) -> Vec<usize> {
        let m = parse(expr).unwrap().evaluate(&table()).unwrap();
        (0..m.len()).filter(|&i| m[i]).collect()
    }

    #[test]
    fn comparisons_and_logic() {
        assert_eq!(rows("region = east AND age > 60"), vec![0]);
        assert_eq!(rows("region = east or age >= 80"), vec![0, 2, 3]);
        assert_eq!(rows("plan IN ('gold', platinum)"), vec![0, 2, 3]);
        assert_eq!(rows("plan NOT IN (gold)"), vec![1, 2, 4]);
        assert_eq!(rows("NOT (region = east)"), vec![1, 4]);
        assert_eq!(
            rows("(age < 66 AND age != 30) OR region == 'west'"),
            vec![1, 4]
        );
        assert_eq!(rows("age <= 30"), vec![2]);
        // The NULL rule: missing values match neither = nor !=.
        assert_eq!(rows("region != east"), vec![1, 4]);
        assert_eq!(rows("age <> 70"), vec![1, 2, 3]);
        assert!(rows("region = north").is_empty());
    }

    #[test]
    fn syntax_errors_point_at_their_position() {
        let e = parse("region = east AND").unwrap_err();
        assert_eq!(e.position, 18);
        assert!(
            e.message.contains("expected a column name, found the end"),
            "{e}"
        );
        let e = parse("age >> 3").unwrap_err();
        assert_eq!(e.position, 6);
        let e = parse("(age > 3").unwrap_err();
        assert!(e.message.contains("expected ')'"), "{e}");
        let e = parse("plan IN ('gold' 'x')").unwrap_err();
        assert_eq!(e.position, 17);
        assert!(
            parse("name = 'open")
                .unwrap_err()
                .message
                .contains("unclosed quote")
        );
        assert!(parse("").unwrap_err().message.contains("empty"));
        let e = parse("a = 1 b").unwrap_err();
        assert!(e.to_string().contains("at position 7"), "{e}");
    }

    #[test]
    fn type_errors_are_clear() {
        let t = table();
        let e = parse("region > 3").unwrap().evaluate(&t).unwrap_err();
        assert!(e.to_string().contains("holds text"), "{e}");
        let e = parse("age = old").unwrap().evaluate(&t).unwrap_err();
        assert!(e.to_string().contains("is numeric"), "{e}");
        let e = parse("zone = x").unwrap().evaluate(&t).unwrap_err();
        assert!(e.to_string().contains("'zone' not found"), "{e}");
        assert_eq!(
            parse("`odd name` = 1 AND \"x\" = y").unwrap().columns(),
            vec!["odd name", "x"]
        );
    }
}
