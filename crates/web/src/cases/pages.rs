//! Case pages: the dispatcher's desk and a department's inbox (one list), intake, a case with
//! the forms for the moves its state allows, the rates with links to the cases behind them,
//! the public tracking page and the public disclosure page.

use super::photos::Posted;
use crate::AppState;
use crate::pages::form::{Values, value};
use crate::pages::{
    Layout, PageResult, Viewer, encode, error_page, go, lang_of, public_layout, render,
};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::IntoResponse;
use axum::response::Response;
use chrono::{DateTime, Utc};
use jiceng_domain::cases::{
    CaseStatus, Channel, Classification, Routing, Satisfaction, Supervision, Urgency,
};
use jiceng_domain::msg::translate;
use jiceng_ops::OpsError;
use jiceng_ops::cases::departments::Department;
use jiceng_ops::cases::intake::{self, NewCase};
use jiceng_ops::cases::moves::{self, Move};
use jiceng_ops::cases::photos::Photo;
use jiceng_ops::cases::rates::{self, RateLine, RatesQuery};
use jiceng_ops::cases::views::{self, CaseView, InboxQuery, ListCases};
use jiceng_ops::cases::{departments, settings};

/// Shanghai wall-clock time, to the minute.
pub fn local(t: DateTime<Utc>) -> String {
    jiceng_domain::clock::local(t)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

pub struct Line {
    pub id: i64,
    pub code: String,
    pub received: String,
    pub title: String,
    pub category: String,
    pub status: String,
    pub warning: &'static str,
    pub due: String,
    pub manual: bool,
}

fn line(v: &Viewer, names: &[(String, String)], c: CaseView) -> Line {
    let r = c.row;
    Line {
        id: r.id,
        received: local(r.received_at),
        category: r
            .category
            .as_ref()
            .and_then(|k| names.iter().find(|(c, _)| c == k))
            .map_or("—".into(), |(_, n)| n.clone()),
        status: translate(v.lang, c.status_label).to_string(),
        warning: c.warning.map_or("", |w| w.code()),
        due: r.due_at.map(local).unwrap_or_default(),
        manual: r.routed == Routing::Manual,
        code: r.code,
        title: r.title,
    }
}

async fn category_names(s: &AppState) -> Vec<(String, String)> {
    settings::classification(&s.db)
        .await
        .map(|c| c.categories.into_iter().map(|x| (x.code, x.name)).collect())
        .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "cases/cases.html")]
struct ListPage {
    l: Layout,
    f: Values,
    inbox: bool,
    statuses: Vec<(&'static str, String)>,
    rows: Vec<Line>,
    first_link: String,
    next_link: String,
    /// The inbox's list: `open` or `all`.
    tab: &'static str,
    error: String,
    has_department: bool,
}

impl ListPage {
    fn v(&self, k: &str) -> &str {
        self.f.get(k).map_or("", String::as_str)
    }

    /// The list's filters, for the export link.
    fn export_query(&self) -> String {
        FILTERS
            .iter()
            .filter_map(|k| value(&self.f, k).map(|x| format!("{k}={}", encode(&x))))
            .collect::<Vec<_>>()
            .join("&")
    }
}

const FILTERS: [&str; 13] = [
    "within",
    "status",
    "department",
    "street",
    "category",
    "from",
    "to",
    "late",
    "reworked",
    "returned",
    "unsatisfied",
    "manual",
    "q",
];

/// The list's filters from a query string.
fn list_query(q: &Values, after: Option<String>, limit: i64) -> ListCases {
    let flag = |k: &str| value(q, k).is_some();
    ListCases {
        within: value(q, "within"),
        status: value(q, "status"),
        department: value(q, "department"),
        street: value(q, "street"),
        grid: value(q, "grid"),
        category: value(q, "category"),
        from: value(q, "from"),
        to: value(q, "to"),
        late: flag("late"),
        reworked: flag("reworked"),
        returned: flag("returned"),
        unsatisfied: flag("unsatisfied"),
        manual: flag("manual"),
        q: value(q, "q"),
        after,
        limit: Some(limit),
    }
}

pub async fn desk(State(s): State<AppState>, v: Viewer, Query(q): Query<Values>) -> Response {
    let result = views::list(&s.db, &v.actor, list_query(&q, value(&q, "after"), 50)).await;
    list_page(&s, &v, q, false, result).await
}

/// The filtered list as a spreadsheet, without the reporters' names and phones.
pub async fn export(State(s): State<AppState>, v: Viewer, Query(q): Query<Values>) -> PageResult {
    use crate::pages::export::{MAX_ROWS, stream::Sheet};
    let names = category_names(&s).await;
    let mut out = Sheet::new("案件", &EXPORT_HEAD);
    let mut after = None;
    let truncated = loop {
        let p = views::list(&s.db, &v.actor, list_query(&q, after.take(), 500)).await?;
        if !out
            .page(
                p.items
                    .into_iter()
                    .map(|c| {
                        let status = translate(v.lang, c.status_label).to_string();
                        let r = c.row;
                        vec![
                            r.code,
                            local(r.received_at),
                            r.channel.code().to_string(),
                            r.category
                                .as_ref()
                                .and_then(|k| names.iter().find(|(x, _)| x == k))
                                .map_or(String::new(), |(_, n)| n.clone()),
                            r.urgency.code().to_string(),
                            r.title,
                            status,
                            r.address.unwrap_or_default(),
                            r.due_at.map(local).unwrap_or_default(),
                            r.closed_at.map(local).unwrap_or_default(),
                            r.satisfaction.map_or("", |x| x.code()).to_string(),
                        ]
                    })
                    .collect(),
            )
            .await?
        {
            break false;
        }
        match p.next {
            Some(n) if out.rows() < MAX_ROWS => after = Some(n),
            Some(_) => break true,
            None => break false,
        }
    };
    Ok(out.finish("案件", truncated).await?)
}

const EXPORT_HEAD: [&str; 11] = [
    "案件编号",
    "受理时间",
    "来源渠道",
    "类别",
    "紧急程度",
    "标题",
    "状态",
    "地址",
    "办理时限",
    "结案时间",
    "满意度",
];

pub async fn inbox(State(s): State<AppState>, v: Viewer, Query(q): Query<Values>) -> Response {
    let query = InboxQuery {
        tab: value(&q, "tab"),
        after: value(&q, "after"),
        limit: Some(50),
    };
    let result = views::inbox(&s.db, &v.actor, query).await;
    list_page(&s, &v, q, true, result).await
}

async fn list_page(
    s: &AppState,
    v: &Viewer,
    q: Values,
    inbox: bool,
    result: Result<jiceng_ops::Page<CaseView>, OpsError>,
) -> Response {
    let names = category_names(s).await;
    let (rows, next, error) = match result {
        Ok(p) => (
            p.items.into_iter().map(|c| line(v, &names, c)).collect(),
            p.next,
            String::new(),
        ),
        Err(e @ OpsError::Forbidden(_)) => return error_page(v.lang, &e),
        Err(e) => (Vec::new(), None, e.render(v.lang)),
    };
    let path = if inbox { "/inbox" } else { "/cases" };
    let tab = if value(&q, "tab").as_deref() == Some("all") {
        "all"
    } else {
        "open"
    };
    let base: String = FILTERS
        .iter()
        .chain(if inbox { &["tab"][..] } else { &[][..] })
        .filter_map(|k| value(&q, k).map(|x| format!("{k}={}", encode(&x))))
        .collect::<Vec<_>>()
        .join("&");
    let title = v
        .t(if inbox { "case.inbox" } else { "nav.cases" })
        .to_string();
    render(&ListPage {
        l: v.layout(title),
        inbox,
        statuses: CaseStatus::CHOICES
            .iter()
            .map(|(c, l)| (*c, translate(v.lang, l).to_string()))
            .collect(),
        rows,
        first_link: if value(&q, "after").is_some() {
            format!("{path}?{base}")
        } else {
            String::new()
        },
        next_link: next.map_or_else(String::new, |n: String| {
            format!("{path}?{base}&after={}", encode(&n))
        }),
        tab,
        error,
        has_department: v.actor.department_id().is_some(),
        f: q,
    })
}

#[derive(Template)]
#[template(path = "cases/case_new.html")]
struct IntakePage {
    l: Layout,
    f: Values,
    channels: Vec<(&'static str, String)>,
    /// A grid worker's cases always come in as 网格员上报: no choice to make.
    fixed_channel: bool,
    urgencies: Vec<(&'static str, String)>,
    groups: Vec<(String, Vec<(String, String)>)>,
    /// The most used categories, most used first, as (code, name): one tap each.
    common: Vec<(String, String)>,
    error: String,
    bad: &'static str,
}

impl IntakePage {
    fn v(&self, k: &str) -> &str {
        self.f.get(k).map_or("", String::as_str)
    }
}

async fn intake_page(s: &AppState, v: &Viewer, f: Values, error: Option<OpsError>) -> Response {
    let c = settings::classification(&s.db).await.ok();
    let groups = c.as_ref().map(category_groups).unwrap_or_default();
    let leaf_name = |code: &str| {
        groups
            .iter()
            .flat_map(|(_, leaves)| leaves)
            .find(|(c, _)| c == code)
            .map(|(c, n)| (c.clone(), n.clone()))
    };
    let common = settings::most_used_categories(&s.db, COMMON_CATEGORIES)
        .await
        .unwrap_or_default()
        .iter()
        .filter_map(|c| leaf_name(c))
        .collect();
    let title = v.t("case.new").to_string();
    let choices = |all: &'static [(&'static str, &'static str)]| {
        all.iter()
            .map(|(c, l)| (*c, translate(v.lang, l).to_string()))
            .collect()
    };
    render(&IntakePage {
        l: v.layout(title),
        fixed_channel: v.actor.role() == Some(jiceng_domain::Role::GridWorker),
        channels: choices(Channel::CHOICES),
        urgencies: choices(Urgency::CHOICES),
        groups,
        common,
        bad: error.as_ref().and_then(|e| e.body().field).unwrap_or(""),
        error: error.map(|e| e.render(v.lang)).unwrap_or_default(),
        f,
    })
}

/// How many of the most used categories the case form offers as one-tap choices.
const COMMON_CATEGORIES: i64 = 6;

/// A fresh form carries a fresh idempotency key, so sending it twice makes one case.
pub async fn new_form(State(s): State<AppState>, v: Viewer) -> Response {
    let f = Values::from([
        (
            "idempotency_key".to_string(),
            jiceng_ops::accounts::secret(12),
        ),
        (
            "channel".to_string(),
            jiceng_ops::cases::policy::channel_for(&v.actor)
                .code()
                .to_string(),
        ),
    ]);
    intake_page(&s, &v, f, None).await
}

fn number(f: &Values, k: &'static str) -> Result<Option<f64>, OpsError> {
    value(f, k)
        .map(|x| {
            x.parse::<f64>().map_err(|_| {
                jiceng_domain::Invalid::new(
                    "location",
                    &x,
                    jiceng_domain::msg!("经纬度应成对给出且在有效范围内"),
                )
                .into()
            })
        })
        .transpose()
}

pub async fn create(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Posted(sent): Posted,
) -> Response {
    let f = sent.values();
    let result = async {
        if let Some(problem) = sent.problem {
            return Err(problem);
        }
        let new = NewCase {
            channel: value(&f, "channel"),
            category: value(&f, "category"),
            urgency: value(&f, "urgency"),
            title: value(&f, "title"),
            description: value(&f, "description"),
            address: value(&f, "address"),
            lon: number(&f, "lon")?,
            lat: number(&f, "lat")?,
            // The form's coordinates are the phone's, in WGS-84.
            crs: None,
            community: value(&f, "community"),
            reporter_name: value(&f, "reporter_name"),
            reporter_phone: value(&f, "reporter_phone"),
            idempotency_key: value(&f, "idempotency_key"),
            photos_public: Some(value(&f, "photos_public").is_some()),
        };
        if sent.photos.is_empty() {
            intake::take_in(&s.db, &v.actor, new).await
        } else {
            intake::take_in_with_photos(&s.db, &v.actor, &s.files, new, sent.photos).await
        }
    }
    .await;
    match result {
        // The rating secret rides to the case's page once, in a cookie only that page sees,
        // which it shows on the receipt and clears.
        Ok(c) => {
            let path = format!("/cases/{}", c.id);
            let secret = c.rating_secret.unwrap_or_default();
            (
                [(
                    header::SET_COOKIE,
                    format!(
                        "{RECEIPT_COOKIE}={secret}; Path={path}; HttpOnly; SameSite=Strict; Max-Age=120"
                    ),
                )],
                go(&headers, &path),
            )
                .into_response()
        }
        Err(e @ OpsError::Forbidden(_)) => error_page(v.lang, &e),
        Err(e) => intake_page(&s, &v, f, Some(e)).await,
    }
}

pub struct StepLine {
    pub at: String,
    pub action: String,
    pub actor: String,
    pub note: String,
    pub department: String,
}

/// A photo as the case and tracking pages draw it.
pub struct PhotoLine {
    pub id: i64,
    pub stage: String,
    pub at: String,
    pub name: String,
}

fn photo_lines(lang: jiceng_domain::Lang, photos: &[Photo]) -> Vec<PhotoLine> {
    photos
        .iter()
        .map(|p| PhotoLine {
            id: p.id,
            stage: translate(lang, p.stage.label()).to_string(),
            at: local(p.taken_at),
            name: p.file_name.clone(),
        })
        .collect()
}

pub struct SummonsLine {
    pub department: String,
    pub due: String,
    pub reported: String,
    pub late: bool,
}

#[derive(Template)]
#[template(path = "cases/case.html")]
struct CasePage {
    l: Layout,
    c: jiceng_ops::cases::views::Case,
    status: String,
    warning: &'static str,
    category: String,
    facts: Vec<(String, String)>,
    steps: Vec<StepLine>,
    summons: Vec<SummonsLine>,
    /// The moves this viewer may make on the case now, by code (the operations' policy).
    moves: Vec<&'static str>,
    /// Offer the audited full view of the reporter.
    can_reveal: bool,
    /// The rating secret, on the page that follows an intake only.
    receipt: String,
    departments: Vec<Department>,
    groups: Vec<(String, Vec<(String, String)>)>,
    satisfactions: Vec<(&'static str, String)>,
    levels: Vec<(&'static str, String)>,
    urgencies: Vec<(&'static str, String)>,
    photos: Vec<PhotoLine>,
    photos_public: bool,
    error: String,
}

impl CasePage {
    fn can(&self, m: &str) -> bool {
        self.moves.contains(&m)
    }
}

/// The 大类 with their 小类, as (name, [(code, name)]), for category selects.
pub(crate) fn category_groups(c: &Classification) -> Vec<(String, Vec<(String, String)>)> {
    c.categories
        .iter()
        .filter(|t| t.parent.is_none())
        .map(|t| {
            let leaves = c
                .categories
                .iter()
                .filter(|x| x.parent.as_ref() == Some(&t.code))
                .map(|x| (x.code.clone(), x.name.clone()))
                .collect();
            (t.name.clone(), leaves)
        })
        .collect()
}

async fn case_page(
    s: &AppState,
    v: &Viewer,
    id: i64,
    reveal: bool,
    error: String,
    receipt: String,
) -> PageResult {
    let d = views::show(&s.db, &v.actor, id, reveal).await?;
    let classification = settings::classification(&s.db).await.ok();
    let can_reveal = d.may_reveal && d.case.masked;
    let c = d.case.row;
    let names: Vec<(String, String)> = classification
        .as_ref()
        .map(|c| {
            c.categories
                .iter()
                .map(|x| (x.code.clone(), x.name.clone()))
                .collect()
        })
        .unwrap_or_default();
    let groups = classification
        .as_ref()
        .map(category_groups)
        .unwrap_or_default();
    let l = v.layout(format!("{} · {}", c.code, c.title));
    let tr = |zh: &str| translate(v.lang, zh).to_string();
    let mut facts = vec![
        (l.t("case.channel").to_string(), tr(c.channel.label())),
        (l.t("case.urgency").to_string(), tr(c.urgency.label())),
        (l.t("case.received").to_string(), local(c.received_at)),
        (
            l.t("case.address").to_string(),
            c.address.clone().unwrap_or_else(|| "—".into()),
        ),
        (
            l.t("case.routed").to_string(),
            l.t(&format!("case.routed_{}", c.routed.code())).to_string(),
        ),
    ];
    if let Some(due) = c.due_at {
        facts.push((l.t("case.due").to_string(), local(due)));
    }
    if let Some(n) = &c.reporter_name {
        facts.push((l.t("case.reporter").to_string(), n.clone()));
    }
    if let Some(p) = &c.reporter_phone {
        facts.push((l.t("case.phone").to_string(), p.clone()));
    }
    if let Some(sv) = &c.supervision {
        facts.push((l.t("case.supervision").to_string(), tr(sv.label())));
    }
    if let Some(sat) = &c.satisfaction {
        facts.push((l.t("case.satisfaction").to_string(), tr(sat.label())));
    }
    let choices = |all: &'static [(&'static str, &'static str)]| -> Vec<(&'static str, String)> {
        all.iter()
            .map(|(c, l)| (*c, translate(v.lang, l).to_string()))
            .collect()
    };
    Ok(render(&CasePage {
        status: tr(d.case.status_label),
        warning: d.case.warning.map_or("", |w| w.code()),
        category: c
            .category
            .as_ref()
            .and_then(|k| names.iter().find(|(x, _)| x == k))
            .map_or("—".into(), |(_, n)| n.clone()),
        facts,
        steps: d
            .steps
            .into_iter()
            .map(|st| StepLine {
                at: local(st.at),
                action: tr(st.action.label()),
                actor: st.actor,
                note: st.note.unwrap_or_default(),
                department: st.department_name.unwrap_or_default(),
            })
            .collect(),
        summons: d
            .summons
            .into_iter()
            .map(|x| SummonsLine {
                late: x.reported_at.is_none_or(|r| r > x.due_at),
                department: x.department_name,
                due: local(x.due_at),
                reported: x.reported_at.map(local).unwrap_or_default(),
            })
            .collect(),
        moves: d.moves,
        can_reveal,
        receipt,
        departments: departments::list(&s.db).await.unwrap_or_default(),
        groups,
        satisfactions: choices(Satisfaction::CHOICES),
        levels: choices(Supervision::CHOICES),
        urgencies: choices(Urgency::CHOICES),
        photos: photo_lines(v.lang, &d.photos),
        photos_public: d.photos_public,
        error,
        l,
        c,
    }))
}

/// The cookie that carries an intake's rating secret to the case's page, once.
const RECEIPT_COOKIE: &str = "jiceng_receipt";

pub async fn show(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    let receipt = crate::auth::cookie(&headers, RECEIPT_COOKIE)
        .filter(|r| r.len() == 6 && r.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or_default();
    let page = case_page(&s, &v, id, false, String::new(), receipt.clone())
        .await
        .into_response();
    if receipt.is_empty() {
        return page;
    }
    let clear =
        format!("{RECEIPT_COOKIE}=; Path=/cases/{id}; HttpOnly; SameSite=Strict; Max-Age=0");
    ([(header::SET_COOKIE, clear)], page).into_response()
}

/// The case page with the reporter's whole name and phone: a deliberate POST, audited, which
/// no link can trigger.
pub async fn reveal(State(s): State<AppState>, v: Viewer, Path(id): Path<i64>) -> Response {
    case_page(&s, &v, id, true, String::new(), String::new())
        .await
        .into_response()
}

/// One move from the case page's forms; several department boxes may be ticked.
pub async fn make_move(
    State(s): State<AppState>,
    v: Viewer,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Posted(sent): Posted,
) -> Response {
    if let Some(problem) = sent.problem {
        return case_page(&s, &v, id, false, problem.render(v.lang), String::new())
            .await
            .into_response();
    }
    let pairs = sent.fields;
    let one = |k: &str| {
        pairs
            .iter()
            .find(|(x, _)| x == k)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let m = Move {
        action: one("action"),
        note: one("note"),
        category: one("category"),
        urgency: one("urgency"),
        community: one("community"),
        departments: pairs
            .iter()
            .filter(|(k, _)| k == "departments")
            .map(|(_, v)| v.clone())
            .collect(),
        level: one("level"),
        satisfaction: one("satisfaction"),
        duplicate_of: one("duplicate_of"),
    };
    let made = if sent.photos.is_empty() {
        moves::apply(&s.db, &v.actor, id, m).await
    } else {
        moves::apply_with_photos(&s.db, &v.actor, &s.files, id, m, sent.photos).await
    };
    match made {
        Ok(_) => go(&headers, &format!("/cases/{id}")),
        Err(e) => case_page(&s, &v, id, false, e.render(v.lang), String::new())
            .await
            .into_response(),
    }
}

pub struct RateView {
    pub label: String,
    pub code: String,
    pub received: i64,
    pub closed: i64,
    pub response: String,
    pub resolution: String,
    pub satisfaction: String,
    pub on_time: String,
    pub rework: String,
    pub returned: String,
    pub hours: String,
}

fn pct(x: Option<f64>) -> String {
    x.map_or_else(|| "—".into(), |x| format!("{:.1}%", x * 100.0))
}

fn rate_view(lang: jiceng_domain::Lang, r: RateLine) -> RateView {
    RateView {
        label: translate(lang, &r.label).to_string(),
        code: r.code.clone().unwrap_or_default(),
        received: r.counts.received,
        closed: r.counts.closed,
        response: pct(r.response_rate),
        resolution: pct(r.resolution_rate),
        satisfaction: pct(r.satisfaction_rate),
        on_time: pct(r.on_time_rate),
        rework: pct(r.rework_rate),
        returned: pct(r.return_rate),
        hours: r
            .average_minutes
            .map_or("—".into(), |m| format!("{:.1}", m / 60.0)),
    }
}

#[derive(Template)]
#[template(path = "cases/rates.html")]
struct RatesPage {
    l: Layout,
    f: Values,
    by: String,
    /// The case-list filter a line's code stands for: street, department or category.
    filter: &'static str,
    total: Option<RateView>,
    lines: Vec<RateView>,
    error: String,
}

impl RatesPage {
    fn v(&self, k: &str) -> &str {
        self.f.get(k).map_or("", String::as_str)
    }
}

pub async fn rates_page(State(s): State<AppState>, v: Viewer, Query(q): Query<Values>) -> Response {
    let by = value(&q, "by").unwrap_or_else(|| "street".into());
    let query = RatesQuery {
        from: value(&q, "from"),
        to: value(&q, "to"),
        by: Some(by.clone()),
        street: value(&q, "street"),
        department: value(&q, "department"),
    };
    let title = v.t("case.rates").to_string();
    let mut page = RatesPage {
        l: v.layout(title),
        filter: match by.as_str() {
            "street" => "street",
            "department" => "department",
            "category" => "category",
            _ => "",
        },
        by,
        total: None,
        lines: Vec::new(),
        error: String::new(),
        f: q,
    };
    match rates::rates(&s.db, &v.actor, query).await {
        Ok(r) => {
            page.total = Some(rate_view(v.lang, r.total));
            page.lines = r.lines.into_iter().map(|x| rate_view(v.lang, x)).collect();
        }
        Err(e @ OpsError::Forbidden(_)) => return error_page(v.lang, &e),
        Err(e) => page.error = e.render(v.lang),
    }
    render(&page)
}

#[derive(Template)]
#[template(path = "cases/track.html")]
struct TrackPage {
    l: Layout,
    code: String,
    found: Option<views::Tracking>,
    steps: Vec<(String, String, String)>,
    satisfactions: Vec<(&'static str, String)>,
    photos: Vec<PhotoLine>,
    error: String,
}

async fn track_page(
    s: &AppState,
    headers: &HeaderMap,
    from: &str,
    code: String,
    error: String,
) -> Response {
    let lang = lang_of(headers);
    let l = public_layout(lang, crate::pages::i18n::t(lang, "case.track"));
    let (found, mut error) = if code.trim().is_empty() {
        (None, error)
    } else {
        match views::track(&s.db, &code, from).await {
            Ok(t) => (Some(t), error),
            Err(e) => (None, e.render(lang)),
        }
    };
    if error.is_empty() && found.is_none() && !code.trim().is_empty() {
        error = crate::pages::i18n::t(lang, "case.not_found").to_string();
    }
    let steps = found
        .as_ref()
        .map(|t| {
            t.steps
                .iter()
                .map(|s| {
                    (
                        local(s.at),
                        translate(lang, s.action.label()).to_string(),
                        s.department.clone().unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let photos = found
        .as_ref()
        .map(|t| {
            t.photos
                .iter()
                .map(|p| PhotoLine {
                    id: p.id,
                    stage: translate(lang, p.stage.label()).to_string(),
                    at: local(p.taken_at),
                    name: String::new(),
                })
                .collect()
        })
        .unwrap_or_default();
    render(&TrackPage {
        photos,
        satisfactions: Satisfaction::CHOICES
            .iter()
            .map(|(c, x)| (*c, translate(lang, x).to_string()))
            .collect(),
        l,
        code,
        found,
        steps,
        error,
    })
}

pub async fn track(
    State(s): State<AppState>,
    crate::client::ClientAddr(from): crate::client::ClientAddr,
    headers: HeaderMap,
    Query(q): Query<Values>,
) -> Response {
    track_page(
        &s,
        &headers,
        &from,
        value(&q, "code").unwrap_or_default(),
        String::new(),
    )
    .await
}

pub async fn rate(
    State(s): State<AppState>,
    crate::client::ClientAddr(from): crate::client::ClientAddr,
    headers: HeaderMap,
    Form(f): Form<Values>,
) -> Response {
    let code = value(&f, "code").unwrap_or_default();
    let result = moves::rate_as_reporter(
        &s.db,
        &code,
        &value(&f, "secret").unwrap_or_default(),
        &value(&f, "satisfaction").unwrap_or_default(),
        &from,
    )
    .await;
    match result {
        Ok(_) => go(&headers, &format!("/track?code={}", encode(&code))),
        Err(e) => {
            let msg = e.render(lang_of(&headers));
            track_page(&s, &headers, &from, code, msg).await
        }
    }
}

pub struct PublicLine {
    pub category: String,
    pub received: String,
    pub closed: String,
    pub on_time: bool,
    pub satisfaction: String,
}

#[derive(Template)]
#[template(path = "cases/disclosure.html")]
struct DisclosurePage {
    l: Layout,
    streets: Vec<RateView>,
    departments: Vec<RateView>,
    chosen: Option<(String, Vec<RateView>, Vec<PublicLine>)>,
    error: String,
}

impl DisclosurePage {
    /// The two breakdowns: (title, the query key a line's code goes under, the lines).
    fn groups(&self) -> [(&str, &'static str, &Vec<RateView>); 2] {
        [
            (self.l.t("case.by_street"), "street", &self.streets),
            (
                self.l.t("case.by_department"),
                "department",
                &self.departments,
            ),
        ]
    }
}

/// The public disclosure (晾晒): no sign-in, no personal data.
pub async fn disclosure(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<Values>,
) -> Response {
    let lang = lang_of(&headers);
    let l = public_layout(lang, crate::pages::i18n::t(lang, "case.disclosure"));
    let street = value(&q, "street");
    let department = value(&q, "department");
    let mut page = DisclosurePage {
        l,
        streets: Vec::new(),
        departments: Vec::new(),
        chosen: None,
        error: String::new(),
    };
    match jiceng_ops::cases::disclosure::disclosure(&s.db, street.as_deref(), department.as_deref())
        .await
    {
        Ok(d) => {
            page.streets = d.streets.into_iter().map(|r| rate_view(lang, r)).collect();
            page.departments = d
                .departments
                .into_iter()
                .map(|r| rate_view(lang, r))
                .collect();
            page.chosen = d.chosen.map(|(name, months, cases)| {
                (
                    translate(lang, &name).to_string(),
                    months
                        .lines
                        .into_iter()
                        .map(|r| rate_view(lang, r))
                        .collect(),
                    cases
                        .into_iter()
                        .map(|c| PublicLine {
                            category: c.category,
                            received: local(c.received_at),
                            closed: c.closed_at.map(local).unwrap_or_default(),
                            on_time: c.on_time,
                            satisfaction: c
                                .satisfaction
                                .map(|x| translate(lang, x).to_string())
                                .unwrap_or_default(),
                        })
                        .collect(),
                )
            });
        }
        Err(e) => page.error = e.render(lang),
    }
    render(&page)
}
