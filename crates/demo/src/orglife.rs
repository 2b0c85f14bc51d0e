//! Three years of organisational life for the demo city: every branch's and group's meetings
//! up to the demo's day, with realistic gaps (most orgs keep nearly every duty, a few slip), some
//! absences with reasons, and next month's themed day planned.

use super::Progress;
use super::rng::Rng;
use chrono::{Datelike, Months, NaiveDate};
use jiceng_domain::orglife::{Frequency, MeetingKind, MeetingStatus, Rules};
use jiceng_domain::path::upper;
use jiceng_domain::{OrgLevel, orglife::Period};
use jiceng_ops::OpsError;
use jiceng_store::Tx;
use jiceng_store::orglife::{self, MeetingFields};

/// How far back the meetings go: a platform in use for three years.
const HISTORY_MONTHS: u32 = 36;

const PLACES: &[&str] = &[
    "社区党群服务中心",
    "网格党建微阵地",
    "支部家院",
    "小区红色驿站",
    "新时代文明实践站",
];
const REASONS: &[&str] = &["出差", "病假", "外出务工", "值班", "照顾家人"];

fn topic(kind: &str, rng: &mut Rng) -> &'static str {
    let options: &[&str] = match kind {
        "branch_assembly" => &[
            "讨论发展党员",
            "通报支部工作",
            "学习贯彻上级会议精神",
            "选举支部委员会",
        ],
        "branch_committee" => &[
            "研究月度工作安排",
            "研究发展党员工作",
            "研究困难党员帮扶",
            "部署网格走访任务",
        ],
        "group_meeting" => &[
            "学习党章党规",
            "交流楼栋走访情况",
            "收集居民诉求",
            "学习身边先进典型",
        ],
        "party_lecture" => &[
            "弘扬伟大建党精神",
            "学习新思想，做好基层治理",
            "书记讲党课：为民服务",
            "党史学习教育专题党课",
        ],
        "themed_day" => &[
            "志愿服务进小区",
            "走访慰问困难党员",
            "重温入党誓词",
            "环境整治志愿行动",
            "红色教育基地参观",
        ],
        "life_meeting" => &["年度组织生活会：对照检查", "组织生活会：批评与自我批评"],
        _ => &["年度民主评议党员"],
    };
    options[rng.below(options.len() as u64) as usize]
}

/// Generates and inserts the meetings; returns how many.
pub async fn load(
    tx: &mut Tx,
    rng: &mut Rng,
    today: NaiveDate,
    progress: &dyn Progress,
) -> Result<usize, OpsError> {
    let rules = Rules::standard();
    let levels: Vec<&str> = rules.levels().iter().map(|l| l.code()).collect();
    let orgs = orglife::subject_orgs(tx, "/", &levels).await?;
    let members = orglife::member_paths(tx).await?;
    let first = today - Months::new(HISTORY_MONTHS);
    let months: Vec<Period> = {
        let mut v = Vec::new();
        let mut m = Period::month_of(first);
        while m.first_day() <= today {
            v.push(m);
            m = match m {
                Period::Month(y, 12) => Period::Month(y + 1, 1),
                Period::Month(y, mm) => Period::Month(y, mm + 1),
                other => other,
            };
        }
        v
    };
    progress.stage("组织生活", orgs.len() as u64);
    let mut next_id = orglife::max_id(tx).await? + 1;
    let mut batch: Vec<(i64, MeetingFields)> = Vec::new();
    let mut absences: Vec<(i64, i64, Option<&str>, i64, &str)> = Vec::new();
    let mut total = 0;
    for (n, org) in orgs.iter().enumerate() {
        let level = org.level;
        // Most orgs keep nearly every duty; about one in seven slips often.
        let diligence = if rng.chance(0.15) {
            0.55 + rng.below(30) as f64 / 100.0
        } else {
            0.93 + rng.below(8) as f64 / 100.0
        };
        let lo = members.partition_point(|(p, _)| p.as_str() < org.path.as_str());
        let hi = members.partition_point(|(p, _)| p.as_str() < upper(&org.path).as_str());
        let pool = &members[lo..hi];
        for rule in rules.for_level(level) {
            let slots: Vec<Period> = match rule.frequency {
                Frequency::Monthly => months.clone(),
                Frequency::Quarterly => months
                    .iter()
                    .filter(|m| matches!(m, Period::Month(_, mm) if mm % 3 == 2))
                    .copied()
                    .collect(),
                Frequency::Yearly => months
                    .iter()
                    .filter(|m| matches!(m, Period::Month(_, 1)))
                    .copied()
                    .collect(),
            };
            for slot in slots {
                let day = slot
                    .first_day()
                    .with_day(1 + rng.below(27) as u32)
                    .unwrap_or(slot.first_day());
                if day > today || day < first || !rng.chance(diligence) {
                    continue;
                }
                let mut absent = 0;
                for (_, member) in pool {
                    if !rng.chance(0.06) {
                        continue;
                    }
                    let pick = rng.below(REASONS.len() as u64) as usize;
                    let reason = rng.chance(0.8).then_some(REASONS[pick]);
                    absences.push((
                        next_id,
                        *member,
                        reason,
                        orglife::month_key(day),
                        org.path.as_str(),
                    ));
                    absent += 1;
                }
                batch.push((
                    next_id,
                    MeetingFields {
                        org_id: org.id,
                        org_path: org.path.clone(),
                        kind: rule.kind,
                        status: MeetingStatus::Held,
                        held_on: day,
                        place: Some(PLACES[rng.below(PLACES.len() as u64) as usize].into()),
                        topic: topic(rule.kind.code(), rng).into(),
                        host: None,
                        minutes: None,
                        follow_up: None,
                        joint_id: None,
                        expected: pool.len() as i64,
                        absent,
                        visitors: 0,
                    },
                ));
                next_id += 1;
            }
        }
        if level == OrgLevel::Branch {
            let next = today + Months::new(1);
            let day = NaiveDate::from_ymd_opt(next.year(), next.month(), 1 + rng.below(27) as u32)
                .unwrap_or(next);
            batch.push((
                next_id,
                MeetingFields {
                    org_id: org.id,
                    org_path: org.path.clone(),
                    kind: MeetingKind::ThemedDay,
                    status: MeetingStatus::Planned,
                    held_on: day,
                    place: Some(PLACES[0].into()),
                    topic: topic("themed_day", rng).into(),
                    host: None,
                    minutes: None,
                    follow_up: None,
                    joint_id: None,
                    expected: 0,
                    absent: 0,
                    visitors: 0,
                },
            ));
            next_id += 1;
        }
        if batch.len() >= 5000 || n + 1 == orgs.len() {
            total += batch.len();
            orglife::insert_many(tx, &batch).await?;
            orglife::insert_absences(tx, &absences).await?;
            batch.clear();
            absences.clear();
        }
        progress.advance(1);
    }
    Ok(total)
}
