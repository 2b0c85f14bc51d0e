//! `jiceng bench cases`: the dispatcher's desk and a department's inbox as the case table
//! grows. The city is grown with generated cases (the demo's timing) to each of `--steps`
//! totals, and at each the desk's first page and its 100th page (50 a page, reached by
//! following `next`) are timed for the whole city and for one street, with and without a
//! status filter, and the inbox of the department holding the most cases, both its lists,
//! through the use cases the pages and the API call.

use super::bench::percentile;
use super::output::Out;
use jiceng_domain::clock;
use jiceng_ops::cases::views::{self, InboxQuery, ListCases};
use jiceng_ops::orgs::{self, ListOrgs};
use jiceng_ops::{Actor, Db, OpsError};
use serde::Serialize;
use std::time::Instant;

#[derive(Serialize)]
struct DeskTiming {
    use_case: &'static str,
    cases: i64,
    scope: String,
    status: String,
    page: i64,
    samples: usize,
    p50_ms: f64,
    p95_ms: f64,
    max_ms: f64,
}

impl DeskTiming {
    fn of(
        use_case: &'static str,
        cases: i64,
        scope: &str,
        status: &str,
        page: i64,
        times: &[f64],
    ) -> DeskTiming {
        DeskTiming {
            use_case,
            cases,
            scope: scope.into(),
            status: status.into(),
            page,
            samples: times.len(),
            p50_ms: percentile(times, 0.5),
            p95_ms: percentile(times, 0.95),
            max_ms: percentile(times, 1.0),
        }
    }
}

/// Milliseconds of each of `samples` calls, sorted.
async fn timed<F, Fut, T>(samples: usize, call: F) -> Result<Vec<f64>, OpsError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, OpsError>>,
{
    let mut times = Vec::with_capacity(samples);
    for _ in 0..samples.max(1) {
        let t = Instant::now();
        call().await?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    Ok(times)
}

/// The `after` that opens the page following `pages` pages of a list `read` gives from an
/// `after`; `None` when the list has fewer pages.
async fn cursor_after<T, F, Fut>(pages: usize, mut read: F) -> Result<Option<String>, OpsError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<jiceng_ops::Page<T>, OpsError>>,
{
    let mut after = None;
    for _ in 0..pages {
        after = read(after.take()).await?.next;
        if after.is_none() {
            break;
        }
    }
    Ok(after)
}

/// A handler of the department holding the most cases (made for the bench, its scope the first
/// district), and how many cases the department holds city-wide.
async fn busiest_handler(db: &Db) -> Result<(Actor, i64), OpsError> {
    let mut tx = db.read().await?;
    let held = jiceng_store::cases::busiest_department(&mut tx).await?;
    drop(tx);
    let Some((code, held)) = held else {
        return Err(OpsError::not_found("部门", "（尚无派遣的案件）"));
    };
    let district = orgs::list(
        db,
        &Actor::operator(),
        ListOrgs {
            level: Some("district".into()),
            per_page: Some(1),
            ..Default::default()
        },
    )
    .await?
    .items
    .into_iter()
    .next()
    .map(|o| o.row.code);
    let name = format!("bench-{code}");
    let password = "Bench-inbox-2026".to_string();
    let made = jiceng_ops::accounts::create(
        db,
        &Actor::operator(),
        jiceng_ops::accounts::NewUser {
            username: Some(name.clone()),
            password: Some(password.clone()),
            role: Some("department_handler".into()),
            department: Some(code),
            scope: district,
            ..Default::default()
        },
    )
    .await;
    match made {
        Ok(_) | Err(OpsError::Conflict(_)) => {}
        Err(e) => return Err(e),
    }
    let session = jiceng_ops::accounts::login(db, &name, &password, "bench").await?;
    Ok((
        jiceng_ops::accounts::session_actor(db, &session.token)
            .await?
            .0,
        held,
    ))
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
                let q = ListCases {
                    within: within.clone(),
                    status: status.map(str::to_string),
                    limit: Some(50),
                    ..Default::default()
                };
                let hundredth = cursor_after(99, |after| {
                    views::list(db, actor, ListCases { after, ..q.clone() })
                })
                .await?;
                for (page, after) in [(1, None), (100, hundredth)] {
                    if page > 1 && after.is_none() {
                        continue;
                    }
                    let times = timed(samples, || {
                        views::list(
                            db,
                            actor,
                            ListCases {
                                after: after.clone(),
                                ..q.clone()
                            },
                        )
                    })
                    .await?;
                    results.push(DeskTiming::of(
                        "cases::views::list",
                        cases,
                        scope,
                        status.unwrap_or("全部"),
                        page,
                        &times,
                    ));
                }
            }
        }
        let (handler, held) = busiest_handler(db).await?;
        for tab in ["open", "all"] {
            let q = InboxQuery {
                tab: Some(tab.into()),
                limit: Some(50),
                ..Default::default()
            };
            let hundredth = cursor_after(99, |after| {
                views::inbox(db, &handler, InboxQuery { after, ..q.clone() })
            })
            .await?;
            for (page, after) in [(1, None), (100, hundredth)] {
                if page > 1 && after.is_none() {
                    continue;
                }
                let times = timed(samples, || {
                    views::inbox(
                        db,
                        &handler,
                        InboxQuery {
                            after: after.clone(),
                            ..q.clone()
                        },
                    )
                })
                .await?;
                let scope = format!("部门待办（派给该部门 {held} 件）");
                results.push(DeskTiming::of(
                    "cases::views::inbox",
                    cases,
                    &scope,
                    tab,
                    page,
                    &times,
                ));
            }
        }
    }
    out.show(&results, |rs| {
        rs.iter()
            .map(|t| {
                format!(
                    "{} {} 件 · {} · {} · 第 {} 页，{} 次：p50 {:.2} ms，p95 {:.2} ms，最大 {:.2} ms",
                    t.use_case,
                    t.cases, t.scope, t.status, t.page, t.samples, t.p50_ms, t.p95_ms, t.max_ms
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}
