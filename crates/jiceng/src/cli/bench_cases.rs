//! `jiceng bench cases`: the dispatcher's desk as the case table grows. The city is grown with
//! generated cases (the demo's timing) to each of `--steps` totals, and at each the desk's
//! first page and its 100th page (50 a page) are timed for the whole city and for one street,
//! with and without a status filter, through the use case the page and the API call.

use super::bench::percentile;
use super::output::Out;
use jiceng_domain::clock;
use jiceng_ops::cases::views::{self, ListCases};
use jiceng_ops::orgs::{self, ListOrgs};
use jiceng_ops::{Actor, Db, OpsError};
use serde::Serialize;
use std::time::Instant;

#[derive(Serialize)]
struct DeskTiming {
    cases: i64,
    scope: String,
    status: String,
    page: i64,
    samples: usize,
    p50_ms: f64,
    p95_ms: f64,
    max_ms: f64,
}

async fn cases_now(db: &Db) -> Result<i64, OpsError> {
    let mut tx = db.read().await?;
    Ok(jiceng_store::cases::max_id(&mut tx).await?)
}

pub async fn run(
    db: &Db,
    actor: &Actor,
    steps: Vec<u64>,
    samples: usize,
    out: &Out,
) -> Result<(), OpsError> {
    let street = orgs::list(
        db,
        actor,
        ListOrgs {
            level: Some("street".into()),
            per_page: Some(1),
            ..Default::default()
        },
    )
    .await?
    .items
    .into_iter()
    .next()
    .map(|o| o.row.code)
    .ok_or_else(|| OpsError::not_found("街道", "（请先运行 jiceng demo）"))?;
    let mut results = Vec::new();
    let steps = if steps.is_empty() { vec![0] } else { steps };
    for target in steps {
        let have = cases_now(db).await?;
        if (target as i64) > have {
            let t = Instant::now();
            let n = target - have as u64;
            jiceng_demo::cases::add_cases(
                db,
                n,
                0x5eed ^ target,
                clock::today(),
                &jiceng_demo::Quiet,
            )
            .await?;
            eprintln!(
                "已添加 {n} 件案件，用时 {:.1} 秒",
                t.elapsed().as_secs_f64()
            );
        }
        let cases = cases_now(db).await?;
        for (scope, within) in [("全市", None), ("一个街道", Some(street.clone()))] {
            for status in [None, Some("closed")] {
                for page in [1, 100] {
                    let mut times = Vec::with_capacity(samples);
                    for _ in 0..samples.max(1) {
                        let q = ListCases {
                            within: within.clone(),
                            status: status.map(str::to_string),
                            page: Some(page),
                            per_page: Some(50),
                            ..Default::default()
                        };
                        let t = Instant::now();
                        views::list(db, actor, q).await?;
                        times.push(t.elapsed().as_secs_f64() * 1000.0);
                    }
                    times.sort_by(f64::total_cmp);
                    results.push(DeskTiming {
                        cases,
                        scope: scope.into(),
                        status: status.unwrap_or("全部").into(),
                        page,
                        samples: times.len(),
                        p50_ms: percentile(&times, 0.5),
                        p95_ms: percentile(&times, 0.95),
                        max_ms: percentile(&times, 1.0),
                    });
                }
            }
        }
    }
    out.show(&results, |rs| {
        rs.iter()
            .map(|t| {
                format!(
                    "cases::views::list {} 件 · {} · 状态 {} · 第 {} 页，{} 次：p50 {:.2} ms，p95 {:.2} ms，最大 {:.2} ms",
                    t.cases, t.scope, t.status, t.page, t.samples, t.p50_ms, t.p95_ms, t.max_ms
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}
