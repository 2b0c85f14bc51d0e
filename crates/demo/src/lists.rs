//! The demo city's four lists in Yiwu's proportions: per community about 560 needs, 43
//! resources and 21 projects at full scale (fewer at a smaller one), needs by Yiwu's shares
//! (文化娱乐 39%, 社区管理 23%, 便民服务 12%, 就业创业 9%, the rest 其他) over the last year;
//! four in five met at once — by red errands, volunteering, micro-wishes or the community —
//! and others by projects drawing on the resources; errands run by members registered there.
//! The figures are recounted from the rows once written.

use super::rng::Rng;
use chrono::{Duration, NaiveDate};
use jiceng_domain::errands::{ErrandKind, ErrandStatus};
use jiceng_domain::needs::{MetBy, NeedSource, NeedStatus, NeedUrgency};
use jiceng_domain::resources::{OwnerKind, ResourceKind};
use jiceng_ops::OpsError;
use jiceng_store::Tx;
use jiceng_store::needs::GeneratedNeed;
use std::collections::HashMap;

/// A subcategory, its weight among needs, what residents ask under it and what is offered.
type Kind = (
    &'static str,
    u32,
    &'static [&'static str],
    &'static [(&'static str, ResourceKind)],
);

/// Subcategories with what residents ask under them and what is offered for them.
const KINDS: &[Kind] = &[
    (
        "culture.arts",
        12,
        &[
            "想参加社区合唱团排练",
            "希望组织广场舞培训",
            "想学书法和国画",
        ],
        &[
            ("社区文化礼堂排练场地", ResourceKind::Venue),
            ("艺术学校志愿教师", ResourceKind::Expertise),
        ],
    ),
    (
        "culture.sports",
        9,
        &["想学太极拳", "希望增设乒乓球桌", "想组织老年门球队"],
        &[
            ("单位篮球场周末开放", ResourceKind::Venue),
            ("健身指导志愿者", ResourceKind::Volunteers),
        ],
    ),
    (
        "culture.reading",
        6,
        &["希望开设社区读书角", "孩子想借课外书"],
        &[("红色书吧图书捐赠", ResourceKind::Equipment)],
    ),
    (
        "culture.elderly",
        7,
        &["老人想学用智能手机", "希望组织老年人茶话会"],
        &[("老年大学智能手机课", ResourceKind::Expertise)],
    ),
    (
        "culture.children",
        5,
        &["暑期孩子无人照看", "希望开办四点半课堂"],
        &[("大学生志愿者四点半课堂", ResourceKind::Volunteers)],
    ),
    (
        "management.sanitation",
        7,
        &["楼道堆放杂物需要清理", "垃圾分类点异味大"],
        &[("物业保洁队", ResourceKind::Volunteers)],
    ),
    (
        "management.parking",
        6,
        &["夜间停车位不足", "电动车充电难"],
        &[("单位停车场夜间开放", ResourceKind::Venue)],
    ),
    (
        "management.property",
        4,
        &["电梯经常故障", "小区门禁损坏"],
        &[("物业维修基金", ResourceKind::Funds)],
    ),
    (
        "management.safety",
        3,
        &["楼道灭火器过期", "路口缺少减速带"],
        &[("消防宣传志愿队", ResourceKind::Volunteers)],
    ),
    (
        "management.facilities",
        3,
        &["小区路灯不亮", "健身器材损坏"],
        &[("设施维修专项资金", ResourceKind::Funds)],
    ),
    (
        "convenience.repair",
        3,
        &["家电需要上门维修", "水管漏水需要修理"],
        &[("电器维修志愿服务", ResourceKind::Expertise)],
    ),
    (
        "convenience.haircut",
        3,
        &["行动不便的老人需要上门理发"],
        &[("周末志愿理发队", ResourceKind::Volunteers)],
    ),
    (
        "convenience.meals",
        3,
        &["独居老人需要送餐", "希望开办长者食堂"],
        &[("长者食堂助餐", ResourceKind::Venue)],
    ),
    (
        "convenience.health",
        2,
        &["老人需要定期测血压", "希望医生进社区义诊"],
        &[("社区医院义诊", ResourceKind::Expertise)],
    ),
    (
        "convenience.errands",
        1,
        &["老人需要代缴水电费"],
        &[("党员红色代办队", ResourceKind::Volunteers)],
    ),
    (
        "employment.training",
        5,
        &["希望参加电工技能培训", "想学家政服务技能"],
        &[("职业技能培训学校", ResourceKind::Expertise)],
    ),
    (
        "employment.jobs",
        3,
        &["失业人员想找工作", "希望提供招聘信息"],
        &[("企业招聘岗位", ResourceKind::Expertise)],
    ),
    (
        "employment.startup",
        1,
        &["想开网店需要指导"],
        &[("电商创业导师", ResourceKind::Expertise)],
    ),
    (
        "other.legal",
        8,
        &["邻里纠纷需要法律咨询", "想咨询遗产继承"],
        &[("律师事务所法律咨询", ResourceKind::Expertise)],
    ),
    (
        "other.assistance",
        6,
        &["困难家庭需要帮扶", "残疾人需要辅具"],
        &[("慈善基金帮扶款", ResourceKind::Funds)],
    ),
    (
        "other.misc",
        3,
        &["希望开通社区班车", "想了解养老政策"],
        &[("社区志愿者服务队", ResourceKind::Volunteers)],
    ),
];

/// How needs are met at once (the four in five not met by a project).
const WAYS: &[(MetBy, u32)] = &[
    (MetBy::Volunteering, 35),
    (MetBy::Errand, 25),
    (MetBy::Wish, 15),
    (MetBy::Direct, 25),
];

pub struct Loaded {
    pub needs: usize,
    pub resources: usize,
    pub projects: usize,
    pub errands: usize,
}

fn words(text: &str) -> String {
    jiceng_domain::words::keywords(text).join(" ")
}

pub async fn load(
    tx: &mut Tx,
    rng: &mut Rng,
    today: NaiveDate,
    scale: f64,
) -> Result<Loaded, OpsError> {
    let per = |n: f64, least: usize| ((n * scale).round() as usize).max(least);
    let (n_needs, n_resources, n_projects) = (per(560.0, 8), per(43.0, 3), per(21.0, 2));
    let weights: Vec<(usize, u32)> = KINDS.iter().enumerate().map(|(i, k)| (i, k.1)).collect();
    let mut members: HashMap<i64, Vec<i64>> = HashMap::new();
    for (member, community) in jiceng_store::service::registered_members(tx).await? {
        members.entry(community).or_default().push(member);
    }
    let units: HashMap<i64, Vec<i64>> = jiceng_store::cobuilding::registered_units(tx)
        .await?
        .into_iter()
        .fold(HashMap::new(), |mut m, (unit, org, _)| {
            m.entry(org).or_default().push(unit);
            m
        });
    let start = today - Duration::days(365);
    let mut out = Loaded {
        needs: 0,
        resources: 0,
        projects: 0,
        errands: 0,
    };
    for (community, path) in jiceng_store::cobuilding::communities(tx).await? {
        let buildings: Vec<(i64, i64, f64, f64)> = jiceng_store::places::within(tx, &path, 2000)
            .await?
            .into_iter()
            .filter(|p| p.kind == jiceng_domain::grids::PlaceKind::Building)
            .map(|p| (p.id, p.grid_id, p.lon, p.lat))
            .collect();
        let place = |rng: &mut Rng| (!buildings.is_empty()).then(|| *rng.pick(&buildings));
        // Resources: the community's own, its units', its volunteer teams'.
        let mut offered: Vec<(i64, &'static str, i64)> = Vec::new();
        for i in 0..n_resources {
            let k = &KINDS[*rng.weighted(&weights)];
            let (title, kind) = *rng.pick(k.3);
            let here_units = units.get(&community);
            let (owner_kind, unit, owner) = match (i % 3, here_units) {
                (0, Some(u)) if !u.is_empty() => {
                    (OwnerKind::Unit, Some(*rng.pick(u)), "驻区单位".to_string())
                }
                (1, _) => (
                    OwnerKind::VolunteerTeam,
                    None,
                    "红马甲志愿服务队".to_string(),
                ),
                _ => (OwnerKind::Community, None, "社区党委".to_string()),
            };
            let owner = match unit {
                Some(u) => jiceng_store::units::by_id(tx, u)
                    .await?
                    .map_or(owner, |u| u.name),
                None => owner,
            };
            let capacity = 20 + rng.below(200) as i64;
            let at = place(rng);
            let id = jiceng_store::resources::insert(
                tx,
                &jiceng_store::resources::NewResource {
                    community_org_id: community,
                    community_path: &path,
                    owner_kind,
                    unit_id: unit,
                    owner_name: &owner,
                    kind,
                    category: k.0,
                    top_category: jiceng_domain::needs::top_of(k.0),
                    title,
                    detail: None,
                    words: &words(title),
                    capacity,
                    measure: "人次",
                    days: if rng.chance(0.5) { "67" } else { "" },
                    available_from: None,
                    available_until: None,
                    place_id: at.map(|p| p.0),
                    lon: at.map(|p| p.2),
                    lat: at.map(|p| p.3),
                    reach_m: None,
                    posted_on: start + Duration::days(rng.below(60) as i64),
                    by: "demo",
                },
            )
            .await?;
            offered.push((id, k.0, capacity));
            out.resources += 1;
        }
        // Needs: four in five met at once, some by projects, the newest still open.
        let mut rows = Vec::with_capacity(n_needs);
        for _ in 0..n_needs {
            let k = &KINDS[*rng.weighted(&weights)];
            let title = (*rng.pick(k.2)).to_string();
            let posted = start + Duration::days(rng.below(365) as i64);
            let age = (today - posted).num_days();
            let roll = rng.below(100);
            let (status, met_by) = if age < 14 && roll < 60 {
                (NeedStatus::Open, None)
            } else if roll < 80 {
                (NeedStatus::Met, Some(*rng.weighted(WAYS)))
            } else if roll < 92 {
                (NeedStatus::InProject, None)
            } else if roll < 97 {
                (NeedStatus::Open, None)
            } else {
                (NeedStatus::Closed, None)
            };
            let met_on = met_by.map(|_| (posted + Duration::days(rng.below(21) as i64)).min(today));
            rows.push(GeneratedNeed {
                community_org_id: community,
                community_path: path.clone(),
                category: k.0,
                words: words(&title),
                title,
                place: place(rng).map(|p| (Some(p.0), Some(p.1), p.2, p.3)),
                urgency: if rng.chance(0.1) {
                    NeedUrgency::Urgent
                } else {
                    NeedUrgency::Normal
                },
                people: 1 + rng.below(30) as i64,
                source: if rng.chance(0.6) {
                    NeedSource::GridWorker
                } else {
                    NeedSource::Community
                },
                unit_id: None,
                status,
                met_by,
                met_on,
                rating: met_on
                    .filter(|_| rng.chance(0.4))
                    .map(|_| 4 + rng.below(2) as i64),
                posted_on: posted,
            });
        }
        out.needs += rows.len();
        jiceng_store::needs::add_generated(tx, &rows).await?;
        // Projects: the needs waiting in one, a few each, drawing on a resource of the kind.
        let waiting = jiceng_store::needs::ids_of(tx, community, NeedStatus::InProject).await?;
        for (i, group) in waiting
            .chunks(waiting.len().div_ceil(n_projects).max(1))
            .enumerate()
        {
            let Some(first) = group.first() else { continue };
            let need = jiceng_store::needs::by_id(tx, first.0)
                .await?
                .expect("just written");
            let resource = offered
                .iter()
                .find(|r| jiceng_domain::needs::top_of(r.1) == need.top_category)
                .or_else(|| offered.first())
                .copied();
            let starts = need.posted_on + Duration::days(7);
            let id = jiceng_store::projects::insert(
                tx,
                &jiceng_store::projects::NewProject {
                    community_org_id: community,
                    community_path: &path,
                    title: &need.title,
                    owner_name: "社区党委",
                    owner_unit_id: None,
                    starts_on: starts.min(today),
                    ends_on: starts + Duration::days(60),
                    by: "demo",
                },
            )
            .await?;
            if i % 3 == 1 {
                jiceng_store::projects::set_state(
                    tx,
                    id,
                    jiceng_domain::projects::ProjectStatus::Planned,
                    jiceng_domain::projects::ProjectStatus::UnderWay,
                    None,
                    None,
                )
                .await?;
            }
            for (n, _) in group {
                jiceng_store::projects::add_need(tx, id, *n).await?;
            }
            if let Some((r, _, capacity)) = resource {
                let amount = group
                    .iter()
                    .map(|g| g.1)
                    .sum::<i64>()
                    .min(capacity / 4)
                    .max(1);
                jiceng_store::projects::add_resource(tx, id, r, amount).await?;
            }
            out.projects += 1;
        }
        // Errands: the needs met by one, run by a member registered here.
        if let Some(here) = members.get(&community) {
            let met = jiceng_store::needs::ids_of(tx, community, NeedStatus::Met).await?;
            for (n, _) in met.iter().take(n_needs / 12) {
                let need = jiceng_store::needs::by_id(tx, *n)
                    .await?
                    .expect("just written");
                if need.met_by != Some(MetBy::Errand) {
                    continue;
                }
                let on = need.met_on.unwrap_or(today);
                let due = jiceng_domain::clock::start_of(on) + Duration::days(1);
                let id = jiceng_store::errands::insert(
                    tx,
                    &jiceng_store::errands::NewErrand {
                        community_org_id: community,
                        community_path: &path,
                        kind: ErrandKind::Other,
                        title: &need.title,
                        detail: None,
                        resident_id: None,
                        for_whom: Some("居民"),
                        place_id: need.place_id,
                        need_id: Some(need.id),
                        due_at: due,
                        status: ErrandStatus::Open,
                        by: "demo",
                    },
                )
                .await?;
                let taken = jiceng_domain::clock::start_of(on);
                jiceng_store::errands::set_state(
                    tx,
                    id,
                    ErrandStatus::Open,
                    &jiceng_store::errands::State {
                        status: ErrandStatus::Confirmed,
                        member_id: Some(*rng.pick(here)),
                        taken_at: Some(taken),
                        hold_until: Some(taken + Duration::hours(12)),
                        done_at: Some(taken + Duration::hours(6)),
                        done_note: Some("已办结"),
                        confirmed_on: Some(on),
                        rating: need.rating,
                    },
                )
                .await?;
                out.errands += 1;
            }
        }
    }
    jiceng_store::needs::recount(tx).await?;
    jiceng_store::projects::recount(tx).await?;
    for (id, unit, path, year) in jiceng_store::cobuilding::all(tx).await? {
        jiceng_store::cobuilding::attach(tx, id, unit, &path, year).await?;
    }
    Ok(out)
}

/// Grows the city by `needs` generated needs (a share `open` of them open, the rest met) and
/// `resources` resources, spread over its communities at their buildings, for the benchmarks;
/// the figures are recounted after. Returns what was added.
pub async fn grow(
    db: &jiceng_store::Db,
    needs: u64,
    resources: u64,
    open: f64,
    seed: u64,
) -> Result<(u64, u64), OpsError> {
    let mut rng = Rng::new(seed);
    let today = jiceng_domain::clock::today();
    let start = today - Duration::days(365);
    let weights: Vec<(usize, u32)> = KINDS.iter().enumerate().map(|(i, k)| (i, k.1)).collect();
    // Each community's items lie within about a kilometre of its centre, a point of a lattice
    // 4 km apart over the city, as a city's communities sit side by side.
    let mut places: Vec<(i64, String, (f64, f64))> = Vec::new();
    {
        let mut tx = db.read().await?;
        for (i, (community, path)) in jiceng_store::cobuilding::communities(&mut tx)
            .await?
            .into_iter()
            .enumerate()
        {
            let centre = (
                118.80 + (i % 12) as f64 * 0.04,
                25.20 + (i / 12) as f64 * 0.04,
            );
            places.push((community, path, centre));
        }
    }
    let near = |rng: &mut Rng, c: (f64, f64)| {
        let jitter = |rng: &mut Rng| (rng.below(1601) as f64 - 800.0) / 100_000.0;
        (c.0 + jitter(rng), c.1 + jitter(rng))
    };
    if places.is_empty() {
        return Ok((0, 0));
    }
    // Titles and their words, segmented once.
    let titles: Vec<Vec<(String, String)>> = KINDS
        .iter()
        .map(|k| k.2.iter().map(|t| (t.to_string(), words(t))).collect())
        .collect();
    let mut tx = db.write().await?;
    for i in 0..resources {
        let (community, path, centre) = &places[(i % places.len() as u64) as usize];
        let k = &KINDS[*rng.weighted(&weights)];
        let (title, kind) = *rng.pick(k.3);
        let at = near(&mut rng, *centre);
        jiceng_store::resources::insert(
            &mut tx,
            &jiceng_store::resources::NewResource {
                community_org_id: *community,
                community_path: path,
                owner_kind: OwnerKind::Community,
                unit_id: None,
                owner_name: "社区党委",
                kind,
                category: k.0,
                top_category: jiceng_domain::needs::top_of(k.0),
                title,
                detail: None,
                words: &words(title),
                capacity: 100 + rng.below(1000) as i64,
                measure: "人次",
                days: "",
                available_from: None,
                available_until: None,
                place_id: None,
                lon: Some(at.0),
                lat: Some(at.1),
                reach_m: None,
                posted_on: start,
                by: "bench",
            },
        )
        .await?;
    }
    tx.commit().await?;
    let mut added = 0;
    while added < needs {
        let batch = (needs - added).min(20_000);
        let mut rows = Vec::with_capacity(batch as usize);
        for j in 0..batch {
            let (community, path, centre) = &places[((added + j) % places.len() as u64) as usize];
            let ki = *rng.weighted(&weights);
            let (title, w) = rng.pick(&titles[ki]).clone();
            let posted = start + Duration::days(rng.below(365) as i64);
            let is_open = rng.chance(open);
            rows.push(GeneratedNeed {
                community_org_id: *community,
                community_path: path.clone(),
                category: KINDS[ki].0,
                title,
                words: w,
                place: Some({
                    let p = near(&mut rng, *centre);
                    (None, None, p.0, p.1)
                }),
                urgency: NeedUrgency::Normal,
                people: 1 + rng.below(10) as i64,
                source: NeedSource::GridWorker,
                unit_id: None,
                status: if is_open {
                    NeedStatus::Open
                } else {
                    NeedStatus::Met
                },
                met_by: (!is_open).then_some(MetBy::Volunteering),
                met_on: (!is_open)
                    .then(|| (posted + Duration::days(rng.below(21) as i64)).min(today)),
                rating: None,
                posted_on: posted,
            });
        }
        let mut tx = db.write().await?;
        jiceng_store::needs::add_generated(&mut tx, &rows).await?;
        tx.commit().await?;
        added += batch;
    }
    let mut tx = db.write().await?;
    jiceng_store::needs::recount(&mut tx).await?;
    tx.commit().await?;
    db.vacuum("needs").await?;
    db.vacuum("resources").await?;
    Ok((needs, resources))
}
