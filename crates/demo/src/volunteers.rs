//! The demo's volunteers, teams and a year of activities: the members registered with each
//! community and its confirmed residents volunteer there; two teams a community; an activity a
//! month at the community's 微阵地 with more sign-ups than places for some (a waiting line),
//! check-ins and check-outs, no-shows, and the confirmed hours as service records; and a few
//! activities to come, one of them full.

use super::rng::Rng;
use chrono::{Duration, NaiveDate};
use jiceng_domain::activities::{self as rules, ActivityStatus, Audience, SignupState};
use jiceng_domain::clock;
use jiceng_domain::positions::PositionKind;
use jiceng_ops::OpsError;
use jiceng_store::Tx;
use jiceng_store::activities::{self as store, NewActivity, NewServed};
use jiceng_store::volunteers::{self as people, NewTeam, NewVolunteer};
use std::collections::BTreeMap;

const KINDS: &[&str] = &[
    "convenience",
    "relief",
    "safety",
    "environment",
    "legal",
    "civility",
    "elderly",
];
const TEAMS: &[&str] = &[
    "红马甲便民服务队",
    "邻里守望队",
    "平安巡防队",
    "绿色家园队",
    "法律明白人服务队",
    "文明实践队",
    "银龄互助队",
];
const ACTIVITIES: &[&str] = &[
    "社区环境整治",
    "文明交通劝导",
    "关爱独居老人上门走访",
    "政策宣讲进楼栋",
    "社区义诊",
    "垃圾分类督导",
    "四点半课堂辅导",
];

/// What was written: (volunteers, teams, activities, sign-ups).
pub async fn load(
    tx: &mut Tx,
    rng: &mut Rng,
    today: NaiveDate,
) -> Result<(usize, usize, usize, usize), OpsError> {
    let mut by_community: BTreeMap<i64, Vec<_>> = BTreeMap::new();
    for c in people::candidates(tx).await? {
        by_community.entry(c.0).or_default().push(c);
    }
    let (mut volunteers, mut teams, mut activities, mut signups) = (0, 0, 0, 0);
    for (community, candidates) in by_community {
        let Some(org) = jiceng_store::orgs::by_id(tx, community).await? else {
            continue;
        };
        let mut ids = Vec::new();
        for (_, member, resident, name, phone) in candidates
            .iter()
            .filter(|c| c.1.is_some())
            .take(30)
            .chain(candidates.iter().filter(|c| c.2.is_some()).take(8))
        {
            ids.push(
                people::insert(
                    tx,
                    &NewVolunteer {
                        member_id: *member,
                        resident_id: *resident,
                        name,
                        phone: phone.as_deref(),
                        community_org_id: community,
                        org_path: &org.path,
                        skills: Some(*rng.pick(&[
                            "理发",
                            "陪诊",
                            "法律咨询",
                            "电器维修",
                            "心理疏导",
                            "书法",
                            "摄影",
                        ])),
                        availability: Some(*rng.pick(&["周末上午", "工作日晚上", "周末全天"])),
                        by: "demo",
                    },
                )
                .await?,
            );
        }
        volunteers += ids.len();
        if ids.len() < 4 {
            continue;
        }
        let mut team_ids = Vec::new();
        for n in 0..2 {
            let k = (community as usize + n) % KINDS.len();
            let team = people::insert_team(
                tx,
                &NewTeam {
                    name: TEAMS[k],
                    kind: KINDS[k],
                    community_org_id: community,
                    org_path: &org.path,
                    unit_id: None,
                    by: "demo",
                },
            )
            .await?;
            for (i, v) in ids.iter().skip(n * 8).take(8).enumerate() {
                people::join(tx, team, *v, today - Duration::days(300)).await?;
                if i == 0 {
                    people::set_leader(tx, team, Some(*v)).await?;
                }
            }
            team_ids.push(team);
        }
        teams += team_ids.len();
        let position =
            jiceng_store::positions::within(tx, &org.path, Some(PositionKind::Micro), None, 1)
                .await?
                .first()
                .map(|p| p.id);
        // A month's activity for the past year, and two to come.
        for month in (-12..=0).map(|m| m * 30).chain([5, 9]) {
            let day = today + Duration::days(month + rng.range(-10, 10));
            let starts = clock::start_of(day) + Duration::hours(rng.range(8, 15));
            let ends = starts + Duration::minutes(30 * rng.range(4, 7));
            let past = ends < clock::now();
            if !past && starts <= clock::now() {
                continue;
            }
            let secret: String = (0..24).map(|_| format!("{:02x}", rng.below(256))).collect();
            let title = *rng.pick(ACTIVITIES);
            let id = store::insert(
                tx,
                &NewActivity {
                    title,
                    detail: None,
                    community_org_id: community,
                    org_path: &org.path,
                    team_id: team_ids.first().copied().filter(|_| rng.chance(0.5)),
                    position_id: position,
                    grid_id: None,
                    point: None,
                    place: position.is_none().then_some("社区广场"),
                    starts_at: starts,
                    ends_at: ends,
                    audience: Audience::All,
                    cancel_before_minutes: 120,
                    secret: &secret,
                    by: "demo",
                },
            )
            .await?;
            activities += 1;
            let places = rng.range(3, 8);
            let role = store::add_role(tx, id, "志愿者", places).await?;
            let wanted = (rng.range(2, places + 4) as usize).min(ids.len());
            let mut who = ids.clone();
            for i in 0..wanted {
                let j = i + rng.below((who.len() - i) as u64) as usize;
                who.swap(i, j);
            }
            let (mut taken, mut waiting) = (0, 0);
            for v in &who[..wanted] {
                let holds = taken < places;
                let state = if holds {
                    SignupState::Confirmed
                } else {
                    SignupState::Waiting
                };
                let sid = store::put_signup(tx, id, role, *v, state).await?;
                signups += 1;
                if holds {
                    taken += 1;
                } else {
                    waiting += 1;
                }
                if !(past && holds) {
                    continue;
                }
                if rng.chance(0.12) {
                    store::settle(tx, sid, None, true).await?;
                    continue;
                }
                let (cin, cout) = (
                    starts - Duration::minutes(rng.range(0, 15)),
                    ends + Duration::minutes(rng.range(-20, 10)),
                );
                let minutes =
                    rules::served_minutes(cin, cout, starts, ends).map_err(OpsError::from)?;
                store::set_attendance(tx, sid, Some(cin), Some(cout), Some(minutes)).await?;
                if minutes >= 30 {
                    let member = jiceng_store::volunteers::by_id(tx, *v)
                        .await?
                        .and_then(|x| x.member_id);
                    let service = store::insert_service(
                        tx,
                        &NewServed {
                            member_id: member,
                            volunteer_id: *v,
                            activity_id: id,
                            community_org_id: community,
                            served_on: clock::local(starts).date(),
                            minutes,
                            activity: title,
                            by: "demo",
                        },
                    )
                    .await?;
                    store::settle(tx, sid, Some(service), false).await?;
                }
            }
            store::count(tx, role, taken, waiting).await?;
            if past {
                store::set_status(tx, id, ActivityStatus::Closed).await?;
            }
        }
    }
    Ok((volunteers, teams, activities, signups))
}
