//! Exports of the work lists and reports: each reads through the same use case as its page,
//! with the page's filters and the actor's scope, a page at a time into a streamed sheet.
//! Cells are text; names of people are shown only where the page shows them.

use super::stream::Sheet;
use super::{MAX_ROWS, field};
use crate::AppState;
use crate::pages::{PageResult, Viewer};
use axum::extract::{Query, State};
use jiceng_ops::OpsError;
use std::collections::HashMap;

type Q = Query<HashMap<String, String>>;

/// Rows a page of a paged list holds.
const PER_PAGE: i64 = 500;

fn pct(x: Option<f64>) -> String {
    x.map(|v| format!("{:.1}%", v * 100.0)).unwrap_or_default()
}

fn day(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// Reads pages from `read`, each from the `next` of the one before (`None` for the first),
/// until the last, or until the sheet holds [`MAX_ROWS`].
async fn paged<F, Fut>(out: &mut Sheet, mut read: F) -> Result<bool, OpsError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<Vec<String>>, Option<String>), OpsError>>,
{
    let mut at = None;
    loop {
        let (rows, next) = read(at.take()).await?;
        if !out.page(rows).await? {
            return Ok(false);
        }
        match next {
            Some(n) if out.rows() < MAX_ROWS => at = Some(n),
            Some(_) => return Ok(true),
            None => return Ok(false),
        }
    }
}

pub async fn meetings(State(s): State<AppState>, v: Viewer, Query(q): Q) -> PageResult {
    use jiceng_ops::orglife::meetings::{self, ListMeetings};
    let mut out = Sheet::new(
        "会议",
        &[
            "日期",
            "党组织代码",
            "党组织",
            "类型",
            "状态",
            "主题",
            "地点",
            "主持人",
            "应到",
            "缺席",
            "列席",
            "实到",
        ],
    );
    let truncated = paged(&mut out, |at| {
        let q = ListMeetings {
            within: field(&q, "within"),
            org: field(&q, "org"),
            kind: field(&q, "kind"),
            status: field(&q, "status"),
            from: field(&q, "from"),
            to: field(&q, "to"),
            after: at,
            limit: Some(PER_PAGE),
        };
        let (db, actor) = (s.db.clone(), v.actor.clone());
        async move {
            let p = meetings::list(&db, &actor, q).await?;
            let rows = p
                .items
                .into_iter()
                .map(|m| {
                    vec![
                        m.row.held_on.to_string(),
                        m.row.org_code,
                        m.row.org_name,
                        m.kind_label.to_string(),
                        m.status_label.to_string(),
                        m.row.topic,
                        m.row.place.unwrap_or_default(),
                        m.row.host.unwrap_or_default(),
                        m.row.expected.to_string(),
                        m.row.absent.to_string(),
                        m.row.visitors.to_string(),
                        m.present.to_string(),
                    ]
                })
                .collect();
            Ok((rows, p.next))
        }
    })
    .await?;
    Ok(out.finish("会议记录", truncated).await?)
}

pub async fn compliance(State(s): State<AppState>, v: Viewer, Query(q): Q) -> PageResult {
    use jiceng_ops::orglife::compliance;
    let period = field(&q, "period").unwrap_or_else(compliance::current_quarter);
    let only_missed = field(&q, "missed").is_some();
    let r = compliance::report(&s.db, &v.actor, field(&q, "within").as_deref(), &period).await?;
    let mut out = Sheet::new(
        "三会一课",
        &[
            "党组织代码",
            "党组织",
            "层级",
            "党员数",
            "是否达标",
            "已完成",
            "进行中",
            "缺项",
            "召开次数",
            "应到人次",
            "实到人次",
        ],
    );
    let rows = r
        .orgs
        .into_iter()
        .filter(|o| !only_missed || !o.complies)
        .map(|o| {
            vec![
                o.org.code,
                o.org.name,
                o.org.level.label().to_string(),
                o.org.subtree_member_count.to_string(),
                if o.complies { "达标" } else { "未达标" }.to_string(),
                o.met.to_string(),
                o.pending.to_string(),
                o.missed
                    .iter()
                    .map(|m| format!("{} {}", m.kind_label, m.slot))
                    .collect::<Vec<_>>()
                    .join("、"),
                o.held.to_string(),
                o.expected.to_string(),
                o.attended.to_string(),
            ]
        })
        .collect();
    out.page(rows).await?;
    Ok(out
        .finish(&format!("三会一课落实情况-{period}"), false)
        .await?)
}

pub async fn points(State(s): State<AppState>, v: Viewer, Query(q): Q) -> PageResult {
    use jiceng_ops::points::{self, RankingQuery};
    let r = points::ranking_whole(
        &s.db,
        &v.actor,
        RankingQuery {
            within: field(&q, "within"),
            scheme: field(&q, "scheme"),
            period: field(&q, "period"),
            ascending: field(&q, "ascending").map(|a| a == "1" || a == "true"),
            ..Default::default()
        },
    )
    .await?;
    let truncated = r.members > r.items.len();
    let mut out = Sheet::new("积分排名", &["名次", "编号", "姓名", "党组织", "积分"]);
    let rows = r
        .items
        .into_iter()
        .map(|m| {
            vec![
                m.rank.to_string(),
                m.member_id.to_string(),
                m.name,
                m.org_name,
                m.total.to_string(),
            ]
        })
        .collect();
    out.page(rows).await?;
    Ok(out.finish("党员积分排名", truncated).await?)
}

pub async fn assessment(State(s): State<AppState>, v: Viewer, Query(q): Q) -> PageResult {
    let period = field(&q, "period").unwrap_or_else(crate::assessment::api::last_quarter);
    let only_weak = field(&q, "weak").is_some();
    let a =
        jiceng_ops::assessment::quarter(&s.db, &v.actor, field(&q, "within").as_deref(), &period)
            .await?;
    let mut out = Sheet::new(
        "考核",
        &[
            "名次",
            "党组织代码",
            "党组织",
            "得分",
            "星级",
            "三会一课",
            "出勤",
            "双报到",
            "双向评价",
            "案件按期",
            "共建履约",
            "末位整改",
        ],
    );
    let rows = a
        .orgs
        .into_iter()
        .filter(|o| !only_weak || o.weak)
        .map(|o| {
            vec![
                o.rank.to_string(),
                o.org.code,
                o.org.name,
                o.score.map(|x| format!("{x:.1}")).unwrap_or_default(),
                o.stars.map(|x| x.to_string()).unwrap_or_default(),
                pct(o.compliance),
                pct(o.attendance),
                pct(o.registration),
                pct(o.evaluation),
                pct(o.cases),
                pct(o.commitments),
                if o.weak { "是" } else { "" }.to_string(),
            ]
        })
        .collect();
    out.page(rows).await?;
    Ok(out.finish(&format!("党组织考核-{period}"), false).await?)
}

pub async fn rates(State(s): State<AppState>, v: Viewer, Query(q): Q) -> PageResult {
    use jiceng_ops::cases::rates::{self, RatesQuery};
    let r = rates::rates(
        &s.db,
        &v.actor,
        RatesQuery {
            from: field(&q, "from"),
            to: field(&q, "to"),
            by: field(&q, "by"),
            street: field(&q, "street"),
            department: field(&q, "department"),
        },
    )
    .await?;
    let mut out = Sheet::new(
        "三率",
        &[
            "",
            "立案数",
            "派遣次数",
            "结案数",
            "响应率",
            "解决率",
            "满意率",
            "按期结案率",
            "返工率",
            "回退率",
            "平均办理时长（小时）",
        ],
    );
    let rows = std::iter::once(r.total)
        .chain(r.lines)
        .map(|l| {
            vec![
                l.label,
                l.counts.received.to_string(),
                l.counts.dispatched.to_string(),
                l.counts.closed.to_string(),
                pct(l.response_rate),
                pct(l.resolution_rate),
                pct(l.satisfaction_rate),
                pct(l.on_time_rate),
                pct(l.rework_rate),
                pct(l.return_rate),
                l.average_minutes
                    .map(|m| format!("{:.1}", m / 60.0))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    out.page(rows).await?;
    Ok(out
        .finish(&format!("三率-{}-{}", r.from, r.to), false)
        .await?)
}

pub async fn service(State(s): State<AppState>, v: Viewer, Query(q): Q) -> PageResult {
    use jiceng_ops::service::{self, ListService};
    let mut out = Sheet::new(
        "志愿服务",
        &[
            "日期",
            "社区",
            "编号",
            "党员",
            "服务内容",
            "时长（分钟）",
            "登记人",
        ],
    );
    let truncated = paged(&mut out, |at| {
        let q = ListService {
            within: field(&q, "within"),
            from: field(&q, "from"),
            to: field(&q, "to"),
            after: at,
            limit: Some(PER_PAGE),
        };
        let (db, actor) = (s.db.clone(), v.actor.clone());
        async move {
            let p = service::list(&db, &actor, q).await?;
            let rows = p
                .items
                .into_iter()
                .map(|r| {
                    vec![
                        r.served_on.to_string(),
                        r.community_name,
                        r.member_id.map(|m| m.to_string()).unwrap_or_default(),
                        r.member_name,
                        r.activity,
                        r.minutes.to_string(),
                        r.recorded_by,
                    ]
                })
                .collect();
            Ok((rows, p.next))
        }
    })
    .await?;
    Ok(out.finish("志愿服务记录", truncated).await?)
}

pub async fn wishes(State(s): State<AppState>, v: Viewer, Query(q): Q) -> PageResult {
    use jiceng_ops::wishes::{self, ListWishes};
    // Who made a wish is shown to those who post wishes, as on the page.
    let can_post = v.actor.may_write(v.actor.scope_path()).is_ok();
    let mut out = Sheet::new(
        "微心愿",
        &[
            "发布日期",
            "社区",
            "心愿",
            "说明",
            "心愿人",
            "状态",
            "认领党员",
            "认领日期",
            "实现日期",
            "居民自行发布",
            "不予通过的理由",
            "居民评价",
        ],
    );
    let truncated = paged(&mut out, |at| {
        let q = ListWishes {
            within: field(&q, "within"),
            status: field(&q, "status"),
            after: at,
            limit: Some(PER_PAGE),
        };
        let (db, actor) = (s.db.clone(), v.actor.clone());
        async move {
            let p = wishes::list(&db, &actor, q).await?;
            let rows = p
                .items
                .into_iter()
                .map(|w| {
                    vec![
                        w.posted_on.to_string(),
                        w.community_name,
                        w.title,
                        w.detail.unwrap_or_default(),
                        w.resident.filter(|_| can_post).unwrap_or_default(),
                        w.status.label().to_string(),
                        w.member_name.unwrap_or_default(),
                        day(w.claimed_on),
                        day(w.fulfilled_on),
                        if w.resident_post { "是" } else { "否" }.to_string(),
                        w.refusal.unwrap_or_default(),
                        w.rating.map(|r| r.to_string()).unwrap_or_default(),
                    ]
                })
                .collect();
            Ok((rows, p.next))
        }
    })
    .await?;
    Ok(out.finish("微心愿", truncated).await?)
}

/// One row per commitment, with its agreement; an agreement without any keeps a row.
pub async fn cobuilding(State(s): State<AppState>, v: Viewer, Query(q): Q) -> PageResult {
    use jiceng_ops::cobuilding::{self, ListAgreements};
    let mut out = Sheet::new(
        "共驻共建",
        &[
            "年度",
            "驻区单位",
            "社区党组织",
            "签订日期",
            "事项",
            "承诺期限",
            "履行日期",
            "确认人",
            "是否按期",
        ],
    );
    let year = field(&q, "year").and_then(|y| y.parse().ok());
    let truncated = paged(&mut out, |at| {
        let q = ListAgreements {
            within: field(&q, "within"),
            year,
            after: at,
            limit: Some(PER_PAGE),
        };
        let (db, actor) = (s.db.clone(), v.actor.clone());
        async move {
            let p = cobuilding::list(&db, &actor, q).await?;
            let mut by_agreement: std::collections::HashMap<i64, Vec<cobuilding::Commitment>> =
                Default::default();
            for c in cobuilding::commitments_of(&db, &actor, &p.items).await? {
                by_agreement.entry(c.agreement_id).or_default().push(c);
            }
            let mut rows = Vec::new();
            for a in p.items {
                let head = [
                    a.year.to_string(),
                    a.unit_name.clone(),
                    a.org_name.clone(),
                    a.signed_on.to_string(),
                ];
                let commitments = by_agreement.remove(&a.id).unwrap_or_default();
                if commitments.is_empty() {
                    rows.push(head.to_vec());
                }
                for c in commitments {
                    let on_time = c.done_on.is_some_and(|d| d <= c.due_on);
                    let mut r = head.to_vec();
                    r.extend([
                        c.title,
                        c.due_on.to_string(),
                        day(c.done_on),
                        c.done_by.unwrap_or_default(),
                        if on_time { "是" } else { "" }.to_string(),
                    ]);
                    rows.push(r);
                }
            }
            Ok((rows, p.next))
        }
    })
    .await?;
    Ok(out.finish("共建协议与履约", truncated).await?)
}

pub async fn evaluations(State(s): State<AppState>, v: Viewer, Query(q): Q) -> PageResult {
    use jiceng_ops::evaluations::{self, ListPairs};
    let mut out = Sheet::new(
        "双向评价",
        &[
            "评价对象",
            "社区",
            "驻区单位",
            "党员",
            "等次",
            "评语",
            "评价人",
        ],
    );
    let truncated = paged(&mut out, |at| {
        let q = ListPairs {
            year: field(&q, "year"),
            within: field(&q, "within"),
            subject: field(&q, "subject"),
            pending: field(&q, "pending").is_some(),
            after: at,
            limit: Some(PER_PAGE),
        };
        let (db, actor) = (s.db.clone(), v.actor.clone());
        async move {
            let p = evaluations::pairs(&db, &actor, q).await?;
            let rows = p
                .page
                .items
                .into_iter()
                .map(|e| {
                    vec![
                        e.subject.label().to_string(),
                        e.community_name,
                        e.unit_name.unwrap_or_default(),
                        e.member_name.unwrap_or_default(),
                        e.grade.map(|g| g.label().to_string()).unwrap_or_default(),
                        e.comment.unwrap_or_default(),
                        e.evaluated_by.unwrap_or_default(),
                    ]
                })
                .collect();
            Ok((rows, p.page.next))
        }
    })
    .await?;
    Ok(out.finish("双向评价", truncated).await?)
}

pub async fn patrols(State(s): State<AppState>, v: Viewer, Query(q): Q) -> PageResult {
    use jiceng_ops::grids::patrols::{self, ScopePatrols};
    let days = field(&q, "days").and_then(|d| d.parse().ok()).unwrap_or(30);
    let mut out = Sheet::new(
        "巡查",
        &[
            "开始",
            "结束",
            "网格编码",
            "网格",
            "网格员",
            "时长（分钟）",
            "走访户数",
            "发现问题",
            "转为案件",
        ],
    );
    let truncated = paged(&mut out, |at| {
        let (s, v) = (&s, &v);
        async move {
            let q = ScopePatrols {
                days: Some(days),
                after: at,
                limit: Some(500),
            };
            let p = patrols::within(&s.db, &v.actor, q).await?;
            let rows = p
                .items
                .into_iter()
                .map(|p| {
                    vec![
                        jiceng_domain::clock::stamp(p.started_at),
                        jiceng_domain::clock::stamp(p.ended_at),
                        p.grid_code,
                        p.grid_name,
                        p.worker,
                        p.minutes.to_string(),
                        p.visits.to_string(),
                        p.findings.unwrap_or_default(),
                        p.cases.to_string(),
                    ]
                })
                .collect();
            Ok((rows, p.next))
        }
    })
    .await?;
    Ok(out.finish("网格巡查", truncated).await?)
}

/// 需求清单 as the page filters it; who posted a need shows as the page shows it.
pub async fn needs(State(s): State<AppState>, v: Viewer, Query(q): Q) -> PageResult {
    use jiceng_ops::needs::{self, ListNeeds};
    let mut out = Sheet::new(
        "需求清单",
        &[
            "编号",
            "发布日期",
            "社区",
            "类别",
            "需求",
            "说明",
            "楼栋",
            "紧急程度",
            "涉及人数",
            "提出次数",
            "来源",
            "提出居民",
            "状态",
            "满足方式",
            "满足日期",
            "评价",
        ],
    );
    let truncated = paged(&mut out, |at| {
        let q = ListNeeds {
            within: field(&q, "within"),
            status: field(&q, "status"),
            category: field(&q, "category"),
            after: at,
            limit: Some(PER_PAGE),
        };
        let (db, actor) = (s.db.clone(), v.actor.clone());
        async move {
            let p = needs::list(&db, &actor, q).await?;
            let rows = p
                .items
                .into_iter()
                .map(|n| {
                    vec![
                        n.id.to_string(),
                        n.posted_on.to_string(),
                        n.community_name,
                        n.category_name,
                        n.title,
                        n.detail.unwrap_or_default(),
                        n.place_name.unwrap_or_default(),
                        n.urgency.label().to_string(),
                        n.people.to_string(),
                        n.supporters.to_string(),
                        n.source.label().to_string(),
                        n.resident_name.unwrap_or_default(),
                        n.status.label().to_string(),
                        n.met_by.map(|m| m.label().to_string()).unwrap_or_default(),
                        day(n.met_on),
                        n.rating.map(|r| r.to_string()).unwrap_or_default(),
                    ]
                })
                .collect();
            Ok((rows, p.next))
        }
    })
    .await?;
    Ok(out.finish("需求清单", truncated).await?)
}

/// 资源清单 as the page filters it.
pub async fn resources(State(s): State<AppState>, v: Viewer, Query(q): Q) -> PageResult {
    use jiceng_ops::resources::{self, ListResources};
    let mut out = Sheet::new(
        "资源清单",
        &[
            "编号",
            "提供日期",
            "社区",
            "提供方",
            "提供方类型",
            "资源类型",
            "类别",
            "资源",
            "说明",
            "总量",
            "已用",
            "单位",
            "开放日",
            "开始日期",
            "截止日期",
            "状态",
        ],
    );
    let truncated = paged(&mut out, |at| {
        let q = ListResources {
            within: field(&q, "within"),
            status: field(&q, "status"),
            category: field(&q, "category"),
            after: at,
            limit: Some(PER_PAGE),
        };
        let (db, actor) = (s.db.clone(), v.actor.clone());
        async move {
            let p = resources::list(&db, &actor, q).await?;
            let rows = p
                .items
                .into_iter()
                .map(|r| {
                    vec![
                        r.id.to_string(),
                        r.posted_on.to_string(),
                        r.community_name,
                        r.owner_name,
                        r.owner_kind.label().to_string(),
                        r.kind.label().to_string(),
                        r.category_name,
                        r.title,
                        r.detail.unwrap_or_default(),
                        r.capacity.to_string(),
                        r.used.to_string(),
                        r.measure,
                        jiceng_domain::resources::days_label(&r.days),
                        day(r.available_from),
                        day(r.available_until),
                        r.status.label().to_string(),
                    ]
                })
                .collect();
            Ok((rows, p.next))
        }
    })
    .await?;
    Ok(out.finish("资源清单", truncated).await?)
}

/// 项目清单 as the page filters it.
pub async fn projects(
    State(s): State<AppState>,
    v: Viewer,
    Query(q): Query<HashMap<String, String>>,
) -> PageResult {
    use jiceng_ops::projects::{self, ListProjects};
    let mut out = Sheet::new(
        "项目清单",
        &[
            "编号",
            "社区",
            "项目",
            "责任方",
            "开始日期",
            "完成期限",
            "状态",
            "完成日期",
            "办理结果",
            "需求编号",
            "动用资源",
            "居民评价",
            "评价人数",
        ],
    );
    let truncated = paged(&mut out, |at| {
        let q = ListProjects {
            within: field(&q, "within"),
            status: field(&q, "status"),
            after: at,
            limit: Some(200),
        };
        let (db, actor) = (s.db.clone(), v.actor.clone());
        async move {
            let p = projects::list(&db, &actor, q).await?;
            let rows = p
                .items
                .into_iter()
                .map(|p| {
                    vec![
                        p.id.to_string(),
                        p.community_name,
                        p.title,
                        p.owner_name,
                        p.starts_on.to_string(),
                        p.ends_on.to_string(),
                        p.status.label().to_string(),
                        day(p.done_on),
                        p.outcome.unwrap_or_default(),
                        p.needs
                            .iter()
                            .map(|n| n.id.to_string())
                            .collect::<Vec<_>>()
                            .join(","),
                        p.resources
                            .iter()
                            .map(|r| format!("{}×{}{}", r.title, r.amount, r.measure))
                            .collect::<Vec<_>>()
                            .join("；"),
                        p.rating.map(|r| format!("{r:.1}")).unwrap_or_default(),
                        p.ratings.to_string(),
                    ]
                })
                .collect();
            Ok((rows, p.next))
        }
    })
    .await?;
    Ok(out.finish("项目清单", truncated).await?)
}

/// 红色代办 as the page filters it; who asked shows as the page shows it.
pub async fn errands(State(s): State<AppState>, v: Viewer, Query(q): Q) -> PageResult {
    use jiceng_ops::errands::{self, ListErrands};
    let mut out = Sheet::new(
        "红色代办",
        &[
            "编号",
            "社区",
            "类型",
            "代办事项",
            "代办对象",
            "期限",
            "状态",
            "办理党员",
            "办理情况",
            "确认完成日期",
            "评价",
        ],
    );
    let truncated = paged(&mut out, |at| {
        let q = ListErrands {
            within: field(&q, "within"),
            status: field(&q, "status"),
            after: at,
            limit: Some(PER_PAGE),
        };
        let (db, actor) = (s.db.clone(), v.actor.clone());
        async move {
            let p = errands::list(&db, &actor, q).await?;
            let rows = p
                .items
                .into_iter()
                .map(|e| {
                    vec![
                        e.id.to_string(),
                        e.community_name,
                        e.kind.label().to_string(),
                        e.title,
                        e.resident_name.or(e.for_whom).unwrap_or_default(),
                        jiceng_domain::clock::stamp(e.due_at),
                        e.status.label().to_string(),
                        e.member_name.unwrap_or_default(),
                        e.done_note.unwrap_or_default(),
                        day(e.confirmed_on),
                        e.rating.map(|r| r.to_string()).unwrap_or_default(),
                    ]
                })
                .collect();
            Ok((rows, p.next))
        }
    })
    .await?;
    Ok(out.finish("红色代办", truncated).await?)
}

/// 问题清单 as the page filters it.
pub async fn problems(State(s): State<AppState>, v: Viewer, Query(q): Q) -> PageResult {
    use jiceng_ops::problems::{self, ListProblems};
    let mut out = Sheet::new(
        "问题清单",
        &[
            "编号",
            "社区",
            "问题",
            "说明",
            "责任方",
            "办结期限",
            "提出单位",
            "状态",
            "案件编号",
            "结果",
        ],
    );
    let truncated = paged(&mut out, |at| {
        let q = ListProblems {
            within: field(&q, "within"),
            status: field(&q, "status"),
            after: at,
            limit: Some(PER_PAGE),
        };
        let (db, actor) = (s.db.clone(), v.actor.clone());
        async move {
            let p = problems::list(&db, &actor, q).await?;
            let rows = p
                .items
                .into_iter()
                .map(|p| {
                    vec![
                        p.id.to_string(),
                        p.community_name,
                        p.title,
                        p.detail.unwrap_or_default(),
                        p.owner_name,
                        p.due_on.to_string(),
                        p.unit_name.unwrap_or_default(),
                        p.status.label().to_string(),
                        p.case_code.unwrap_or_default(),
                        p.note.unwrap_or_default(),
                    ]
                })
                .collect();
            Ok((rows, p.next))
        }
    })
    .await?;
    Ok(out.finish("问题清单", truncated).await?)
}

/// Residents of one status, phones masked as on the page.
pub async fn residents(State(s): State<AppState>, v: Viewer, Query(q): Q) -> PageResult {
    use jiceng_ops::residents::{self, ListResidents};
    let mut out = Sheet::new(
        "居民",
        &[
            "编号",
            "姓名",
            "手机号",
            "社区",
            "楼栋",
            "网格",
            "状态",
            "注册时间",
            "审核人",
            "未通过理由",
        ],
    );
    let truncated = paged(&mut out, |at| {
        let q = ListResidents {
            within: field(&q, "within"),
            status: field(&q, "status"),
            after: at,
            limit: Some(PER_PAGE),
        };
        let (db, actor) = (s.db.clone(), v.actor.clone());
        async move {
            let p = residents::list(&db, &actor, q).await?;
            let rows = p
                .items
                .into_iter()
                .map(|r| {
                    vec![
                        r.id.to_string(),
                        r.name,
                        r.phone,
                        r.community_name,
                        r.place_name.unwrap_or_default(),
                        r.grid_name.unwrap_or_default(),
                        r.status.label().to_string(),
                        jiceng_domain::clock::stamp(r.created_at),
                        r.reviewed_by.unwrap_or_default(),
                        r.refusal.unwrap_or_default(),
                    ]
                })
                .collect();
            Ok((rows, p.next))
        }
    })
    .await?;
    Ok(out.finish("居民", truncated).await?)
}
