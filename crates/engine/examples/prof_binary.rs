//! Time the stages of a binary evaluation on synthetic data (profiling aid).
use assay_engine::metrics::Unit;
use assay_engine::metrics::binary::BinaryData;
use std::time::Instant;
fn main() {
    let n = 1_000_000;
    let mut s: u64 = 1;
    let (mut p, mut y) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for _ in 0..n {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        let u = (s >> 11) as f64 / (1u64 << 53) as f64;
        p.push((u * 1e6).round() / 1e6);
        y.push((s & 3) == 0);
    }
    let t = Instant::now();
    let d = BinaryData::new(&y, &p, 0.5);
    println!("new {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    let tl = d.tally(&Unit);
    println!("tally {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    let _ = tl.values();
    let c = d.report_curves(400);
    println!(
        "curves {:.1} ms {}",
        t.elapsed().as_secs_f64() * 1e3,
        c.0.is_ok()
    );
}
