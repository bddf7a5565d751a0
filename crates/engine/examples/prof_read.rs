use sha2::{Digest, Sha256};
use std::time::Instant;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let t = Instant::now();
    let h = Sha256::digest(&bytes);
    println!(
        "sha256 {:.1} ms {:x}",
        t.elapsed().as_secs_f64() * 1e3,
        h[0]
    );
    let t = Instant::now();
    let mut r = csv::ReaderBuilder::new().from_reader(&bytes[..]);
    let mut rec = csv::ByteRecord::new();
    let mut n = 0;
    while r.read_byte_record(&mut rec).unwrap() {
        n += rec.len();
    }
    println!(
        "csv parse only {:.1} ms ({n} fields)",
        t.elapsed().as_secs_f64() * 1e3
    );
    let t = Instant::now();
    let mut r = csv::ReaderBuilder::new().from_reader(&bytes[..]);
    let mut s = 0.0;
    while r.read_byte_record(&mut rec).unwrap() {
        s += std::str::from_utf8(&rec[1])
            .unwrap()
            .parse::<f64>()
            .unwrap();
        let _ = std::str::from_utf8(rec.as_slice()).unwrap();
    }
    println!(
        "csv + utf8 + parse f64 {:.1} ms {s}",
        t.elapsed().as_secs_f64() * 1e3
    );
}
