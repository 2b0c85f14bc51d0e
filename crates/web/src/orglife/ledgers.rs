//! The other yearly ledgers (台账) of an org, generated from the records: the points ledger of
//! its members and, for a community, the 双报到 ledger. Each is a print-friendly page and, with
//! `format=xlsx`, a workbook.

use crate::AppState;
use crate::pages::export::{workbook, xlsx};
use crate::pages::{Layout, PageResult, Viewer, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use jiceng_domain::clock;
use jiceng_ops::points::{self, RankingQuery};
use jiceng_ops::{orgs, registrations};

use crate::pages::form::Values;

#[derive(Template)]
#[template(path = "orglife/ledger_table.html")]
struct LedgerTable {
    l: Layout,
    org_code: String,
    kind: &'static str,
    year: i32,
    query: String,
    head: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn year_of(q: &Values) -> i32 {
    q.get("year")
        .and_then(|y| y.trim().parse().ok())
        .unwrap_or_else(|| chrono::Datelike::year(&clock::today()))
}

/// The page or the workbook of one ledger.
fn respond(
    v: &Viewer,
    q: &Values,
    org: (&str, &str),
    kind: &'static str,
    year: i32,
    head: &[&str],
    rows: Vec<Vec<String>>,
) -> Response {
    let (code, name) = org;
    if q.get("format").map(String::as_str) == Some("xlsx") {
        return xlsx(
            &format!("{kind}-{code}-{year}"),
            workbook(&format!("{year}"), head, &rows, false),
        );
    }
    let probe = v.layout("", "");
    let title = format!("{name} · {year} · {}", probe.t(&format!("ledger.{kind}")));
    let query = q
        .iter()
        .filter(|(k, _)| k.as_str() != "format" && k.as_str() != "year")
        .map(|(k, val)| format!("&{k}={val}"))
        .collect::<String>();
    render(&LedgerTable {
        l: v.layout("meetings", title),
        org_code: code.to_string(),
        kind,
        year,
        query,
        head: head.iter().map(|h| h.to_string()).collect(),
        rows,
    })
}

/// Every member of the org's subtree with their points for the year, highest first.
pub async fn points_ledger(
    State(s): State<AppState>,
    v: Viewer,
    Path(code): Path<String>,
    Query(q): Query<Values>,
) -> PageResult {
    let year = year_of(&q);
    let scheme = q.get("scheme").cloned().unwrap_or_else(|| "accrual".into());
    let org = orgs::show(&s.db, &v.actor, &code).await?.org.row;
    let mut rows = Vec::new();
    let mut page = 1;
    loop {
        let r = points::ranking(
            &s.db,
            &v.actor,
            RankingQuery {
                within: Some(code.clone()),
                scheme: Some(scheme.clone()),
                period: Some(year.to_string()),
                page: Some(page),
                per_page: Some(500),
                ascending: None,
            },
        )
        .await;
        let r = r?;
        let more = page * 500 < r.members;
        rows.extend(
            r.items
                .into_iter()
                .map(|x| vec![x.rank.to_string(), x.name, x.org_name, x.total.to_string()]),
        );
        if !more || rows.len() >= crate::pages::export::MAX_ROWS {
            break;
        }
        page += 1;
    }
    Ok(respond(
        &v,
        &q,
        (&org.code, &org.name),
        "points",
        year,
        &["名次", "姓名", "所在党组织", "积分"],
        rows,
    ))
}

/// Every 双报到 registration with a community active at some time in the year, with the hours
/// each member served there that year.
pub async fn registrations_ledger(
    State(s): State<AppState>,
    v: Viewer,
    Path(code): Path<String>,
    Query(q): Query<Values>,
) -> PageResult {
    let year = year_of(&q);
    let org = orgs::show(&s.db, &v.actor, &code).await?.org.row;
    let (first, last) = (
        chrono::NaiveDate::from_ymd_opt(year, 1, 1).expect("a date"),
        chrono::NaiveDate::from_ymd_opt(year, 12, 31).expect("a date"),
    );
    let served = jiceng_ops::service::at_community(&s.db, &v.actor, &code, year).await?;
    let mut rows = Vec::new();
    let mut page = 1;
    loop {
        let p = registrations::of_community(&s.db, &v.actor, &code, false, page, 500).await?;
        for r in p.items {
            if r.registered_on > last || r.ended_on.is_some_and(|e| e < first) {
                continue;
            }
            let (who, kind) = match (r.member_name, r.unit_name) {
                (Some(m), _) => (m, "在职党员"),
                (None, Some(u)) => (u, "单位党组织"),
                _ => (String::new(), ""),
            };
            let hours = r
                .member_id
                .map(|m| crate::service::pages::hours(served.get(&m).copied().unwrap_or(0)))
                .unwrap_or_default();
            rows.push(vec![
                who,
                kind.to_string(),
                r.registered_on.to_string(),
                r.ended_on.map(|d| d.to_string()).unwrap_or_default(),
                hours,
            ]);
        }
        if p.next.is_none() {
            break;
        }
        page += 1;
    }
    Ok(respond(
        &v,
        &q,
        (&org.code, &org.name),
        "registrations",
        year,
        &[
            "报到对象",
            "类别",
            "报到日期",
            "结束日期",
            "本年在本社区志愿服务（小时）",
        ],
        rows,
    ))
}
