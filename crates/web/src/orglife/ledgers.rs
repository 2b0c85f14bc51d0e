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
use jiceng_ops::orglife::ledgers;

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
    let title = format!("{name} · {year} · {}", v.t(&format!("ledger.{kind}")));
    let query = q
        .iter()
        .filter(|(k, _)| k.as_str() != "format" && k.as_str() != "year")
        .map(|(k, val)| format!("&{k}={val}"))
        .collect::<String>();
    render(&LedgerTable {
        l: v.layout(title),
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
    let l = ledgers::points(&s.db, &v.actor, &code, year, &scheme).await?;
    let rows = l
        .members
        .into_iter()
        .map(|x| vec![x.rank.to_string(), x.name, x.org_name, x.total.to_string()])
        .collect();
    Ok(respond(
        &v,
        &q,
        (&l.org.code, &l.org.name),
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
    let l = ledgers::registrations(&s.db, &v.actor, &code, year).await?;
    let rows = l
        .lines
        .into_iter()
        .map(|r| {
            vec![
                r.name,
                if r.kind == "member" {
                    "在职党员"
                } else {
                    "单位党组织"
                }
                .to_string(),
                r.registered_on.to_string(),
                r.ended_on.map(|d| d.to_string()).unwrap_or_default(),
                r.service_minutes
                    .map(crate::service::pages::hours)
                    .unwrap_or_default(),
            ]
        })
        .collect();
    Ok(respond(
        &v,
        &q,
        (&l.org.code, &l.org.name),
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
