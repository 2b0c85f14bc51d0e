//! 三会一课 compliance of a scope over a period, and an org's yearly ledger (台账) of its
//! meetings, generated from the records as a print-friendly page and as .xlsx.

use crate::AppState;
use crate::pages::export::{workbook, xlsx};
use crate::pages::{Layout, PageResult, Viewer, error_page, render};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use jiceng_domain::clock;
use jiceng_domain::msg::translate;
use jiceng_ops::OpsError;
use jiceng_ops::orglife::compliance::{self, OrgCompliance};
use jiceng_ops::orglife::ledgers;
use jiceng_ops::orglife::meetings::MeetingDetail;
use std::collections::HashMap;

type Values = HashMap<String, String>;

fn value(m: &Values, k: &str) -> Option<String> {
    m.get(k)
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn percent(r: Option<f64>) -> String {
    r.map_or_else(|| "—".into(), |r| format!("{:.1}%", r * 100.0))
}

pub struct OrgLine {
    pub code: String,
    pub name: String,
    pub complies: bool,
    pub held: i64,
    pub missed: String,
    pub attendance: String,
}

fn org_line(v: &Viewer, o: &OrgCompliance) -> OrgLine {
    let sep = if v.lang == jiceng_domain::Lang::Zh {
        "、"
    } else {
        ", "
    };
    OrgLine {
        code: o.org.code.clone(),
        name: o.org.name.clone(),
        complies: o.complies,
        held: o.held,
        missed: o
            .missed
            .iter()
            .map(|m| format!("{} {}", translate(v.lang, m.kind_label), m.slot))
            .collect::<Vec<_>>()
            .join(sep),
        attendance: percent((o.expected > 0).then(|| o.attended as f64 / o.expected as f64)),
    }
}

#[derive(Template)]
#[template(path = "orglife/compliance.html")]
struct CompliancePage {
    l: Layout,
    within: String,
    period: String,
    only_missed: bool,
    error: String,
    total: usize,
    complying: usize,
    rate: String,
    attendance: String,
    /// (kind label, frequency label, met, missed)
    kinds: Vec<(String, String, usize, usize)>,
    rows: Vec<OrgLine>,
    shown: usize,
    page: usize,
    prev_link: String,
    next_link: String,
}

const PER_PAGE: usize = 50;

pub async fn page(State(s): State<AppState>, v: Viewer, Query(q): Query<Values>) -> Response {
    let within = value(&q, "within").unwrap_or_default();
    let period = value(&q, "period").unwrap_or_else(compliance::current_quarter);
    let only_missed = value(&q, "missed").is_some();
    let page = value(&q, "page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1usize)
        .max(1);
    let title = v.t("nav.compliance").to_string();
    let l = v.layout(title);
    let report = compliance::report(
        &s.db,
        &v.actor,
        Some(&within).filter(|w| !w.is_empty()).map(String::as_str),
        &period,
    )
    .await;
    let mut out = CompliancePage {
        l,
        within: within.clone(),
        period: period.clone(),
        only_missed,
        error: String::new(),
        total: 0,
        complying: 0,
        rate: "—".into(),
        attendance: "—".into(),
        kinds: Vec::new(),
        rows: Vec::new(),
        shown: 0,
        page,
        prev_link: String::new(),
        next_link: String::new(),
    };
    match report {
        Ok(r) => {
            out.total = r.orgs.len();
            out.complying = r.complying;
            out.rate = percent(r.rate);
            out.attendance = percent(r.attendance_rate);
            out.kinds = r
                .by_kind
                .iter()
                .map(|k| {
                    let freq = jiceng_domain::orglife::Frequency::parse(k.frequency)
                        .map(|f| translate(v.lang, f.label()).to_string())
                        .unwrap_or_default();
                    (
                        translate(v.lang, k.kind_label).to_string(),
                        freq,
                        k.met,
                        k.missed,
                    )
                })
                .collect();
            // Orgs that missed something first, then by tree order.
            let mut list: Vec<&OrgCompliance> = r
                .orgs
                .iter()
                .filter(|o| !only_missed || !o.complies)
                .collect();
            list.sort_by_key(|o| o.complies);
            out.shown = list.len();
            out.rows = list
                .iter()
                .skip((page - 1) * PER_PAGE)
                .take(PER_PAGE)
                .map(|o| org_line(&v, o))
                .collect();
            let base = format!(
                "/compliance?within={}&period={}{}",
                within,
                period,
                if only_missed { "&missed=1" } else { "" }
            );
            if page > 1 {
                out.prev_link = format!("{base}&page={}", page - 1);
            }
            if page * PER_PAGE < list.len() {
                out.next_link = format!("{base}&page={}", page + 1);
            }
        }
        Err(e @ OpsError::Forbidden(_)) => return error_page(v.lang, &e),
        Err(e) => out.error = e.render(v.lang),
    }
    render(&out)
}

pub struct LedgerLine {
    pub date: String,
    pub kind: String,
    pub topic: String,
    pub place: String,
    pub host: String,
    pub attendance: String,
    pub absent: String,
}

#[derive(Template)]
#[template(path = "orglife/ledger.html")]
struct LedgerPage {
    l: Layout,
    org_code: String,
    org_name: String,
    year: i32,
    rows: Vec<LedgerLine>,
    complies: bool,
    missed: String,
}

fn ledger_line(v: &Viewer, d: &MeetingDetail) -> LedgerLine {
    let r = &d.meeting.row;
    let sep = if v.lang == jiceng_domain::Lang::Zh {
        "、"
    } else {
        ", "
    };
    LedgerLine {
        date: r.held_on.to_string(),
        kind: translate(v.lang, d.meeting.kind_label).to_string(),
        topic: r.topic.clone(),
        place: r.place.clone().unwrap_or_default(),
        host: r.host.clone().unwrap_or_default(),
        attendance: format!("{} / {}", d.meeting.present, r.expected),
        absent: d
            .absences
            .iter()
            .map(|a| match &a.reason {
                Some(reason) => format!("{}（{reason}）", a.name),
                None => a.name.clone(),
            })
            .collect::<Vec<_>>()
            .join(sep),
    }
}

fn year_of(q: &Values) -> i32 {
    value(q, "year")
        .and_then(|y| y.parse().ok())
        .unwrap_or_else(|| chrono::Datelike::year(&clock::today()))
}

pub async fn ledger(
    State(s): State<AppState>,
    v: Viewer,
    Path(code): Path<String>,
    Query(q): Query<Values>,
) -> PageResult {
    let year = year_of(&q);
    let l = ledgers::meetings(&s.db, &v.actor, &code, year).await?;
    let sep = if v.lang == jiceng_domain::Lang::Zh {
        "、"
    } else {
        ", "
    };
    let missed = l
        .missed
        .iter()
        .map(|m| format!("{} {}", translate(v.lang, m.kind_label), m.slot))
        .collect::<Vec<_>>()
        .join(sep);
    let title = format!("{} · {year} · {}", l.org.name, v.t("ledger.title"));
    Ok(render(&LedgerPage {
        l: v.layout(title),
        rows: l.meetings.iter().map(|d| ledger_line(&v, d)).collect(),
        org_code: l.org.code,
        org_name: l.org.name,
        year,
        complies: l.complies,
        missed,
    }))
}

pub async fn ledger_xlsx(
    State(s): State<AppState>,
    v: Viewer,
    Path(code): Path<String>,
    Query(q): Query<Values>,
) -> PageResult {
    let year = year_of(&q);
    let details = ledgers::meetings(&s.db, &v.actor, &code, year)
        .await?
        .meetings;
    let rows: Vec<Vec<String>> = details
        .iter()
        .map(|d| {
            let x = ledger_line(&v, d);
            vec![
                x.date,
                x.kind,
                x.topic,
                x.place,
                x.host,
                x.attendance,
                x.absent,
            ]
        })
        .collect();
    let head = [
        "日期",
        "会议类型",
        "主题",
        "地点",
        "主持人",
        "出席/应到",
        "缺席（原因）",
    ];
    Ok(xlsx(
        &format!("ledger-{code}-{year}"),
        workbook("三会一课台账", &head, &rows, false),
    ))
}
