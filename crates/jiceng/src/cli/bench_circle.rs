//! `jiceng bench circle`: the service circle over a generated city held in memory — the
//! coverage of `--buildings` residential buildings by `--positions` positions (5, 10 and 15
//! minutes' walk), and the best `--k` new sites among every building as a candidate.
//! Buildings are spread over a square city of about 30 km a side in neighbourhoods (dense
//! centres, thinning outwards); positions stand at buildings picked at random.

use super::bench::percentile;
use super::output::Out;
use jiceng_domain::circle::{self, Home, Walk};
use jiceng_ops::OpsError;
use serde::Serialize;
use std::time::Instant;

#[derive(Serialize)]
struct Report {
    buildings: usize,
    positions: usize,
    candidates: usize,
    coverage_p50_ms: f64,
    coverage_p95_ms: f64,
    within: Vec<(u32, i64, i64)>,
    siting_ms: f64,
    k: usize,
    today: i64,
    reached: i64,
    bound: i64,
}

/// A small, seeded generator (xorshift), so every run draws the same city.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

pub fn run(
    (buildings, positions, k): (usize, usize, usize),
    samples: usize,
    out: &Out,
) -> Result<(), OpsError> {
    let mut draw = Draw(0x005e_edc1_7c1e);
    // Neighbourhoods on a lattice 1.5 km apart; buildings within about 600 m of a centre.
    let (lon0, lat0, step) = (119.0, 25.4, 0.015);
    let side = 20;
    let homes: Vec<Home> = (0..buildings)
        .map(|i| {
            let n = i % (side * side);
            let (cx, cy) = ((n % side) as f64, (n / side) as f64);
            let r = 0.006 * draw.next().sqrt();
            let a = draw.next() * std::f64::consts::TAU;
            Home {
                point: (
                    lon0 + cx * step + r * a.cos(),
                    lat0 + cy * step + r * a.sin(),
                ),
                households: 10 + (draw.next() * 90.0) as i64,
            }
        })
        .collect();
    let sites: Vec<(f64, f64)> = (0..positions)
        .map(|_| homes[(draw.next() * homes.len() as f64) as usize % homes.len()].point)
        .collect();
    let walk = Walk::default();
    let mut ms = Vec::new();
    let mut cov = None;
    for _ in 0..samples.max(1) {
        let t = Instant::now();
        cov = Some(circle::coverage(&homes, &sites, &walk));
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    let cov = cov.expect("measured at least once");
    let candidates: Vec<(f64, f64)> = homes.iter().map(|h| h.point).collect();
    let t = Instant::now();
    let s = circle::siting(&homes, &sites, &candidates, k, 15, &walk);
    let siting_ms = t.elapsed().as_secs_f64() * 1000.0;
    let r = Report {
        buildings,
        positions,
        candidates: candidates.len(),
        coverage_p50_ms: percentile(&ms, 0.5),
        coverage_p95_ms: percentile(&ms, 0.95),
        within: cov
            .within
            .iter()
            .map(|w| (w.minutes, w.buildings, w.households))
            .collect(),
        siting_ms,
        k,
        today: s.today,
        reached: s.reached,
        bound: s.bound,
    };
    out.show(&r, |r| {
        let mut s = format!(
            "{} 栋楼、{} 处阵地：覆盖计算 {} 次，p50 {:.1} ms，p95 {:.1} ms\n",
            r.buildings, r.positions, samples, r.coverage_p50_ms, r.coverage_p95_ms
        );
        for (m, b, h) in &r.within {
            s.push_str(&format!("  {m} 分钟内：{b} 栋，{h} 户\n"));
        }
        s.push_str(&format!(
            "在 {} 个候选点中选 {} 处新阵地（15 分钟）：{:.1} ms；今天 {} 户，选址后 {} 户，上界 {} 户",
            r.candidates, r.k, r.siting_ms, r.today, r.reached, r.bound
        ));
        s
    });
    Ok(())
}
