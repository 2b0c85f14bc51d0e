//! `jiceng bench evaluations`: the 双向评价 list of last year, for the whole city and its
//! largest district, all pairs, one subject and the pending ones, its first page and its
//! 100th (50 a page, reached by following `next`); then the writes that keep the pairs:
//! grading and withdrawing, ending a registration and registering again. Those writes stay
//! in the database (a grade given and withdrawn, a registration ended and begun the same
//! day): run it on a demo city.

use super::bench::percentile;
use super::output::Out;
use chrono::Datelike;
use jiceng_domain::clock;
use jiceng_ops::evaluations::{self, ListPairs, NewEvaluation};
use jiceng_ops::orgs::{self, ListOrgs};
use jiceng_ops::{Actor, Db, OpsError, members, registrations};
use serde::Serialize;
use std::time::Instant;

#[derive(Serialize)]
struct Timing {
    operation: String,
    scope: String,
    samples: usize,
    p50_ms: f64,
    p95_ms: f64,
    max_ms: f64,
}

impl Timing {
    fn of(operation: String, scope: &str, mut times: Vec<f64>) -> Option<Timing> {
        if times.is_empty() {
            return None;
        }
        times.sort_by(f64::total_cmp);
        Some(Timing {
            operation,
            scope: scope.to_string(),
            samples: times.len(),
            p50_ms: percentile(&times, 0.5),
            p95_ms: percentile(&times, 0.95),
            max_ms: percentile(&times, 1.0),
        })
    }
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

pub async fn run(
    db: &Db,
    actor: &Actor,
    samples: usize,
    writes: usize,
    out: &Out,
) -> Result<(), OpsError> {
    let year = (clock::today().year() - 1).to_string();
    let q = ListOrgs {
        level: Some("district".into()),
        per_page: Some(500),
        ..Default::default()
    };
    let district = orgs::list(db, actor, q)
        .await?
        .items
        .into_iter()
        .max_by_key(|o| o.row.subtree_member_count)
        .ok_or_else(|| OpsError::not_found("区县党委", "（空库，请先运行 jiceng demo）"))?;
    let list = |within: Option<String>, subject: Option<&str>, pending: bool, after| ListPairs {
        year: Some(year.clone()),
        within,
        subject: subject.map(str::to_string),
        pending,
        after,
        limit: Some(50),
    };
    let mut results = Vec::new();
    // A year not kept yet is counted whole by its first listing.
    let t = Instant::now();
    evaluations::pairs(db, actor, list(None, None, false, None)).await?;
    results.extend(Timing::of(
        format!("evaluations::pairs {year}, first listing"),
        "全市",
        vec![ms(t)],
    ));
    let scopes = [
        (None, "全市".to_string()),
        (
            Some(district.row.code.clone()),
            format!("{} {}", district.row.code, district.row.name),
        ),
    ];
    for (within, scope) in &scopes {
        for (subject, pending, what) in [
            (None, false, "all"),
            (Some("unit"), false, "subject unit"),
            (None, true, "pending"),
        ] {
            let mut after = None;
            for page in 1..=100 {
                let timed = page == 1 || page == 100;
                let mut times = Vec::new();
                let mut next = None;
                for _ in 0..if timed { samples.max(1) } else { 1 } {
                    let t = Instant::now();
                    let p = evaluations::pairs(
                        db,
                        actor,
                        list(within.clone(), subject, pending, after.clone()),
                    )
                    .await?;
                    times.push(ms(t));
                    next = p.page.next;
                }
                if timed {
                    results.extend(Timing::of(
                        format!("evaluations::pairs {year} {what}, page {page}"),
                        scope,
                        times,
                    ));
                }
                match next {
                    Some(n) => after = Some(n),
                    None => break,
                }
            }
        }
    }
    let pending = evaluations::pairs(
        db,
        actor,
        ListPairs {
            limit: Some(writes.max(1) as i64),
            ..list(Some(district.row.code.clone()), Some("member"), true, None)
        },
    )
    .await?;
    let (mut graded, mut withdrawn, mut ended, mut registered) = (vec![], vec![], vec![], vec![]);
    for pair in pending.page.items.iter().take(writes) {
        let member = pair.member_id.expect("a member pair");
        let t = Instant::now();
        let e = evaluations::rate(
            db,
            actor,
            NewEvaluation {
                year: Some(year.clone()),
                subject: Some("member".into()),
                community: Some(pair.community_code.clone()),
                member: Some(member.to_string()),
                grade: Some("good".into()),
                ..Default::default()
            },
        )
        .await?;
        graded.push(ms(t));
        let t = Instant::now();
        evaluations::withdraw(db, actor, e.id).await?;
        withdrawn.push(ms(t));
        let detail = members::show(db, actor, member, false).await?;
        // Registered again where they are registered now: members who moved on are skipped.
        let Some(active) = detail
            .registrations
            .iter()
            .find(|r| r.ended_on.is_none() && r.community_org_id == pair.community_org_id)
        else {
            continue;
        };
        let t = Instant::now();
        registrations::end(db, actor, active.id, None).await?;
        ended.push(ms(t));
        let t = Instant::now();
        registrations::register_member(db, actor, member, &pair.community_code, None).await?;
        registered.push(ms(t));
    }
    let scope = &scopes[1].1;
    for (what, times) in [
        ("evaluations::rate (a member pair)", graded),
        ("evaluations::withdraw", withdrawn),
        ("registrations::end", ended),
        ("registrations::register_member", registered),
    ] {
        results.extend(Timing::of(what.to_string(), scope, times));
    }
    out.show(&results, |rs| {
        rs.iter()
            .map(|r| {
                format!(
                    "{} 于 {}，{} 次：p50 {:.1} ms，p95 {:.1} ms，最大 {:.1} ms",
                    r.operation, r.scope, r.samples, r.p50_ms, r.p95_ms, r.max_ms
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}
