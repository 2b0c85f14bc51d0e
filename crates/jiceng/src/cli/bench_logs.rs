//! `jiceng bench logs`: the audit trail and the login log as they grow with years of use.
//! The city is grown by `--add-entries` audit entries and `--add-logins` login lines under
//! orgs drawn by their members; then each list's first page and its 100th (50 a page,
//! reached by following `next`) are timed for the whole deployment, the largest district,
//! its largest street and its smallest, as each one's administrator reads them (accounts made
//! for the run and deactivated after it). The lines added stay in the chain: run it on a demo
//! city.

use super::bench::percentile;
use super::output::Out;
use jiceng_ops::accounts::login_log::{self, BrowseLogins};
use jiceng_ops::accounts::{self, NewUser};
use jiceng_ops::audit::{self, BrowseAudit};
use jiceng_ops::orgs::{self, ListOrgs};
use jiceng_ops::{Actor, Db, OpsError};
use serde::Serialize;
use std::time::Instant;

#[derive(Serialize)]
struct Timing {
    list: &'static str,
    scope: String,
    page: i64,
    samples: usize,
    p50_ms: f64,
    p95_ms: f64,
    max_ms: f64,
}

/// Random text from the process's randomly keyed hasher: enough for a password that lives
/// as long as one run.
fn throwaway() -> String {
    use std::hash::BuildHasher;
    let state = std::collections::hash_map::RandomState::new();
    format!(
        "Bx-{:016x}{:016x}",
        state.hash_one(1u8),
        state.hash_one(2u8)
    )
}

/// An administrator of the org `code`, signed in as any account is: created for this run
/// with a password nobody knows, and deactivated when the run ends.
async fn admin_of(
    db: &Db,
    operator: &Actor,
    role: &str,
    code: &str,
) -> Result<(i64, Actor), OpsError> {
    let password = throwaway();
    let username = format!("bench_{}_{}", code.to_ascii_lowercase(), &password[3..9]);
    let new = NewUser {
        username: Some(username.clone()),
        password: Some(password.clone()),
        role: Some(role.into()),
        scope: Some(code.into()),
        ..Default::default()
    };
    let id = accounts::create(db, operator, new).await?.id;
    let session = accounts::login(db, &username, &password, "127.0.0.1").await?;
    Ok((id, accounts::session_actor(db, &session.token).await?.0))
}

/// One page of a list after `before`, and its `next`.
async fn page(
    db: &Db,
    reader: &Actor,
    audit_list: bool,
    before: Option<i64>,
) -> Result<Option<i64>, OpsError> {
    let next = if audit_list {
        let q = BrowseAudit {
            before,
            limit: Some(50),
            ..Default::default()
        };
        audit::browse(db, reader, q).await?.next
    } else {
        let q = BrowseLogins {
            before,
            limit: Some(50),
            ..Default::default()
        };
        login_log::browse(db, reader, q).await?.next
    };
    Ok(next.and_then(|n| n.parse().ok()))
}

pub async fn run(
    db: &Db,
    operator: &Actor,
    (entries, logins): (u64, u64),
    samples: usize,
    out: &Out,
) -> Result<(), OpsError> {
    if entries + logins > 0 {
        let t = Instant::now();
        let (e, l) = jiceng_demo::logs::add_log_lines(db, entries, logins, 0x10c5).await?;
        eprintln!(
            "已添加审计日志 {e} 条、登录日志 {l} 条，用时 {:.1} 秒",
            t.elapsed().as_secs_f64()
        );
    }
    let level = |level: &str, within: Option<String>| ListOrgs {
        level: Some(level.into()),
        within,
        per_page: Some(500),
        ..Default::default()
    };
    let district = orgs::list(db, operator, level("district", None))
        .await?
        .items
        .into_iter()
        .max_by_key(|o| o.row.subtree_member_count)
        .ok_or_else(|| OpsError::not_found("区县党委", "（空库，请先运行 jiceng demo）"))?;
    let mut streets = orgs::list(
        db,
        operator,
        level("street", Some(district.row.code.clone())),
    )
    .await?
    .items;
    streets.sort_by_key(|o| o.row.subtree_member_count);
    let (small, large) = match (streets.first(), streets.last()) {
        (Some(s), Some(l)) => (s.row.clone(), l.row.clone()),
        _ => return Err(OpsError::not_found("街道", "（请先运行 jiceng demo）")),
    };
    let mut readers = vec![("全市".to_string(), operator.clone())];
    let mut accounts_made = Vec::new();
    for (scope, role, code) in [
        (
            format!("{} {}", district.row.code, district.row.name),
            "district_admin",
            &district.row.code,
        ),
        (
            format!("{} {}（最大的街道）", large.code, large.name),
            "street_admin",
            &large.code,
        ),
        (
            format!("{} {}（最小的街道）", small.code, small.name),
            "street_admin",
            &small.code,
        ),
    ] {
        let (id, reader) = admin_of(db, operator, role, code).await?;
        accounts_made.push(id);
        readers.push((scope, reader));
    }
    let timed = time_pages(db, &readers, samples).await;
    for id in accounts_made {
        accounts::set_active(db, operator, id, false).await?;
    }
    let results = timed?;
    out.show(&results, |rs| {
        rs.iter()
            .map(|r| {
                format!(
                    "{} 于 {} 第 {} 页，{} 次：p50 {:.1} ms，p95 {:.1} ms，最大 {:.1} ms",
                    r.list, r.scope, r.page, r.samples, r.p50_ms, r.p95_ms, r.max_ms
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

/// Pages 1 and 100 of both lists for each reader.
async fn time_pages(
    db: &Db,
    readers: &[(String, Actor)],
    samples: usize,
) -> Result<Vec<Timing>, OpsError> {
    let mut results = Vec::new();
    for (list, audit_list) in [("audit", true), ("login_log", false)] {
        for (scope, reader) in readers {
            let mut before = None;
            for n in 1..=100 {
                let timed = n == 1 || n == 100;
                let mut times = Vec::new();
                let mut next = None;
                for _ in 0..if timed { samples.max(1) } else { 1 } {
                    let t = Instant::now();
                    next = page(db, reader, audit_list, before).await?;
                    times.push(t.elapsed().as_secs_f64() * 1000.0);
                }
                if timed {
                    times.sort_by(f64::total_cmp);
                    results.push(Timing {
                        list,
                        scope: scope.clone(),
                        page: n,
                        samples: times.len(),
                        p50_ms: percentile(&times, 0.5),
                        p95_ms: percentile(&times, 0.95),
                        max_ms: percentile(&times, 1.0),
                    });
                }
                match next {
                    Some(b) => before = Some(b),
                    None => break,
                }
            }
        }
    }
    Ok(results)
}
