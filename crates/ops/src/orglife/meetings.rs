//! Meetings (三会一课, 主题党日 …): planned on an org's calendar, recorded once held with who was
//! absent and why and which registered members visited, corrected, cancelled, listed, shown.

use crate::input::{opt, required};
use crate::orgs::by_code;
use crate::{Actor, OpsError, Page};
use jiceng_domain::clock;
use jiceng_domain::orglife::meeting::check_date;
use jiceng_domain::orglife::{MeetingKind, MeetingStatus};
use jiceng_domain::path::OrgPath;
use jiceng_domain::{Invalid, msg, text};
use jiceng_store::orglife::{self, MeetingFields, MeetingRow, month_key};
use jiceng_store::orgs::OrgRow;
use jiceng_store::{Db, Tx, audit};
use serde::{Deserialize, Serialize};

/// A meeting as a form or the API sends it. `absent` lists member numbers with an optional
/// reason after a colon ("123:出差"); `visitors` lists member numbers; `joint_orgs` names the
/// other orgs of a joint meeting by code.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewMeeting {
    pub org: Option<String>,
    pub kind: Option<String>,
    pub status: Option<String>,
    pub held_on: Option<String>,
    pub place: Option<String>,
    /// A registered service position it is held at (the place in words stays for others).
    pub position_id: Option<i64>,
    pub topic: Option<String>,
    pub host: Option<String>,
    pub minutes: Option<String>,
    pub follow_up: Option<String>,
    #[serde(default)]
    pub absent: Vec<String>,
    #[serde(default)]
    pub visitors: Vec<String>,
    #[serde(default)]
    pub joint_orgs: Vec<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeetingView {
    #[serde(flatten)]
    pub row: Meeting,
    pub kind_label: &'static str,
    pub status_label: &'static str,
    /// Members present: those expected, less the absent, plus visitors.
    pub present: i64,
}

impl From<MeetingRow> for MeetingView {
    fn from(row: MeetingRow) -> Self {
        MeetingView {
            kind_label: row.kind.label(),
            status_label: row.status.label(),
            present: if row.status == MeetingStatus::Held {
                row.expected - row.absent + row.visitors
            } else {
                0
            },
            row: row.into(),
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeetingDetail {
    pub meeting: MeetingView,
    pub absences: Vec<Absence>,
    pub visitors: Vec<(i64, String)>,
    pub attachments: Vec<super::files::Attachment>,
    /// The other orgs of a joint meeting: (meeting id, org code, org name).
    pub joint: Vec<(i64, String, String)>,
}

fn member_number(field: &'static str, raw: &str) -> Result<i64, Invalid> {
    raw.trim()
        .parse()
        .map_err(|_| Invalid::new(field, raw, msg!("应为编号（数字）")))
}

/// The checked fields of a meeting, before the org-specific attendance.
struct Checked {
    status: MeetingStatus,
    fields: MeetingFields,
    absent: Vec<(i64, Option<String>)>,
    visitors: Vec<i64>,
}

fn check(new: &NewMeeting, org: &OrgRow) -> Result<Checked, Invalid> {
    let kind = MeetingKind::parse(required("kind", &new.kind)?)?;
    let date = text::date("held_on", required("held_on", &new.held_on)?)?;
    let today = clock::today();
    let status = match opt(&new.status) {
        Some(s) => MeetingStatus::parse(s)?,
        None if date > today => MeetingStatus::Planned,
        None => MeetingStatus::Held,
    };
    check_date(status, date, today)?;
    let topic = text::name("topic", required("topic", &new.topic)?, 100)?;
    let short = |field: &'static str, v: &Option<String>, max| {
        opt(v).map(|s| text::name(field, s, max)).transpose()
    };
    let mut absent = Vec::new();
    for raw in new.absent.iter().filter(|s| !s.trim().is_empty()) {
        let (id, reason) = match raw.split_once([':', '：']) {
            Some((id, r)) => (id, Some(text::name("absent", r, 100)?)),
            None => (raw.as_str(), None),
        };
        absent.push((member_number("absent", id)?, reason));
    }
    let mut visitors = Vec::new();
    for raw in new.visitors.iter().filter(|s| !s.trim().is_empty()) {
        visitors.push(member_number("visitors", raw)?);
    }
    if let Some((id, _)) = absent.iter().find(|(id, _)| visitors.contains(id)) {
        return Err(Invalid::new("visitors", id, msg!("同一人不能既缺席又列席")));
    }
    absent.sort_by_key(|a| a.0);
    absent.dedup_by_key(|a| a.0);
    visitors.sort_unstable();
    visitors.dedup();
    if status != MeetingStatus::Held && (!absent.is_empty() || !visitors.is_empty()) {
        return Err(Invalid::new(
            "absent",
            "",
            msg!("会议召开后才能登记出席情况"),
        ));
    }
    Ok(Checked {
        status,
        fields: MeetingFields {
            org_id: org.id,
            org_path: org.path.clone(),
            kind,
            status,
            held_on: date,
            place: short("place", &new.place, 100)?,
            topic,
            host: short("host", &new.host, 30)?,
            minutes: opt(&new.minutes)
                .map(|s| text::long("minutes", s, 20_000))
                .transpose()?,
            follow_up: opt(&new.follow_up)
                .map(|s| text::long("follow_up", s, 2_000))
                .transpose()?,
            joint_id: None,
            expected: if status == MeetingStatus::Held {
                org.subtree_member_count
            } else {
                0
            },
            absent: 0,
            visitors: 0,
        },
        absent,
        visitors,
    })
}

/// Splits the absentees and visitors among the orgs of a (joint) meeting: each absentee must
/// belong to one of the orgs; each visitor must be registered (双报到) with a community above
/// one of them, and is counted at the first such org.
async fn attendance(
    tx: &mut Tx,
    orgs: &[OrgRow],
    absent: &[(i64, Option<String>)],
    visitors: &[i64],
) -> Result<Vec<(Vec<(i64, Option<String>)>, Vec<i64>)>, OpsError> {
    let mut out = vec![(Vec::new(), Vec::new()); orgs.len()];
    let ids: Vec<i64> = absent.iter().map(|a| a.0).collect();
    let mut placed = std::collections::HashSet::new();
    for (i, org) in orgs.iter().enumerate() {
        for id in orglife::members_within(tx, &org.path, &ids).await? {
            if placed.insert(id) {
                let reason = absent.iter().find(|a| a.0 == id).and_then(|a| a.1.clone());
                out[i].0.push((id, reason));
            }
        }
    }
    if let Some((id, _)) = absent.iter().find(|a| !placed.contains(&a.0)) {
        return Err(Invalid::new("absent", id, msg!("不是本组织党员")).into());
    }
    let mut counted = std::collections::HashSet::new();
    for (i, org) in orgs.iter().enumerate() {
        let above: Vec<i64> = OrgPath(org.path.clone()).ids();
        for id in orglife::registered_with(tx, &above, visitors).await? {
            if counted.insert(id) {
                out[i].1.push(id);
            }
        }
    }
    if let Some(id) = visitors.iter().find(|v| !counted.contains(v)) {
        return Err(Invalid::new("visitors", id, msg!("未到本社区报到，不能作为列席党员")).into());
    }
    Ok(out)
}

fn audit_json<T: Serialize>(v: &T) -> Option<String> {
    serde_json::to_string(v).ok()
}

/// The service position a meeting names, as the actor may reach it.
async fn held_at(
    tx: &mut Tx,
    actor: &Actor,
    position: Option<i64>,
) -> Result<Option<i64>, OpsError> {
    match position {
        Some(p) => {
            crate::positions::policy::resolve(tx, actor, p)
                .await
                .map_err(|_| Invalid::new("position_id", p, msg!("没有这个阵地")))?;
            Ok(Some(p))
        }
        None => Ok(None),
    }
}

/// Plans or records a meeting; with `joint_orgs`, one meeting per org sharing a joint id.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "record"))]
pub async fn record(db: &Db, actor: &Actor, new: NewMeeting) -> Result<MeetingView, OpsError> {
    let mut tx = db.write().await?;
    let org = by_code(&mut tx, actor, "org", required("org", &new.org)?).await?;
    actor.may_write(&org.path)?;
    let c = check(&new, &org)?;
    let position = held_at(&mut tx, actor, new.position_id).await?;
    let mut orgs = vec![org];
    for code in new.joint_orgs.iter().filter(|c| !c.trim().is_empty()) {
        let o = by_code(&mut tx, actor, "orgs", code).await?;
        actor.may_write(&o.path)?;
        if !orgs.iter().any(|x| x.id == o.id) {
            orgs.push(o);
        }
    }
    let split = attendance(&mut tx, &orgs, &c.absent, &c.visitors).await?;
    let mut ids = Vec::new();
    for (org, (absent, visitors)) in orgs.iter().zip(&split) {
        let mut f = c.fields.clone();
        f.org_id = org.id;
        f.org_path = org.path.clone();
        if c.status == MeetingStatus::Held {
            f.expected = org.subtree_member_count;
        }
        f.absent = absent.len() as i64;
        f.visitors = visitors.len() as i64;
        let id = orglife::insert(&mut tx, &f).await?;
        orglife::set_position(&mut tx, id, position).await?;
        orglife::replace_absences(&mut tx, id, month_key(f.held_on), &org.path, absent).await?;
        orglife::replace_visitors(&mut tx, id, visitors).await?;
        orglife::recount_month(&mut tx, org.id, month_key(f.held_on)).await?;
        if c.status == MeetingStatus::Held {
            crate::points::kept::subtree(&mut tx, &org.path, Some(&[f.held_on]), visitors).await?;
        }
        let row = orglife::by_id(&mut tx, id).await?.expect("just written");
        audit::append(
            &mut tx,
            audit::Entry {
                actor: &actor.audit_name(),
                operation: "meeting.record",
                target: &format!("meeting:{id}"),
                path: Some(&org.path),
                before: None,
                after: audit_json(&row),
            },
        )
        .await?;
        ids.push(id);
    }
    if ids.len() > 1 {
        orglife::set_joint(&mut tx, &ids, ids[0]).await?;
    }
    let first = orglife::by_id(&mut tx, ids[0])
        .await?
        .expect("just written");
    tx.commit().await?;
    Ok(first.into())
}

/// Rewrites a meeting: a planned one recorded as held, or a correction. The org stays.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "update"))]
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    new: NewMeeting,
) -> Result<MeetingView, OpsError> {
    let mut tx = db.write().await?;
    let before = orglife::by_id(&mut tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("会议", id))?;
    actor.reach(&before.org_path, "会议", id)?;
    actor.may_write(&before.org_path)?;
    // The org stays: a body naming another, or joint orgs, is refused rather than ignored,
    // and alike whatever org it names.
    if let Some(other) = opt(&new.org).filter(|o| o.trim() != before.org_code) {
        return Err(Invalid::new("org", other, msg!("更正会议不能改变召开会议的组织")).into());
    }
    if let Some(j) = new.joint_orgs.iter().find(|j| !j.trim().is_empty()) {
        return Err(Invalid::new("joint_orgs", j, msg!("更正会议不能改变联合召开的组织")).into());
    }
    let org = by_code(&mut tx, actor, "org", &before.org_code).await?;
    let c = check(&new, &org)?;
    let position = held_at(&mut tx, actor, new.position_id).await?;
    let split = attendance(&mut tx, std::slice::from_ref(&org), &c.absent, &c.visitors).await?;
    let (absent, visitors) = &split[0];
    let mut f = c.fields;
    f.absent = absent.len() as i64;
    f.visitors = visitors.len() as i64;
    let visited_before: Vec<i64> = orglife::visitors(&mut tx, id)
        .await?
        .into_iter()
        .map(|v| v.0)
        .collect();
    orglife::update(&mut tx, id, &f).await?;
    orglife::set_position(&mut tx, id, position).await?;
    orglife::replace_absences(&mut tx, id, month_key(f.held_on), &org.path, absent).await?;
    orglife::replace_visitors(&mut tx, id, visitors).await?;
    for month in [month_key(before.held_on), month_key(f.held_on)] {
        orglife::recount_month(&mut tx, org.id, month).await?;
    }
    if before.status == MeetingStatus::Held || c.status == MeetingStatus::Held {
        let mut touched = visited_before;
        touched.extend(visitors);
        crate::points::kept::subtree(
            &mut tx,
            &org.path,
            Some(&[before.held_on, f.held_on]),
            &touched,
        )
        .await?;
    }
    let after = orglife::by_id(&mut tx, id).await?.expect("just written");
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "meeting.update",
            target: &format!("meeting:{id}"),
            path: Some(&org.path),
            before: audit_json(&before),
            after: audit_json(&after),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after.into())
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "show"))]
pub async fn show(db: &Db, actor: &Actor, id: i64) -> Result<MeetingDetail, OpsError> {
    let mut tx = db.read().await?;
    let row = orglife::by_id(&mut tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("会议", id))?;
    actor.reach(&row.org_path, "会议", id)?;
    let joint = match row.joint_id {
        Some(j) => orglife::joint(&mut tx, j)
            .await?
            .into_iter()
            .filter(|m| m.id != row.id)
            .map(|m| (m.id, m.org_code, m.org_name))
            .collect(),
        None => Vec::new(),
    };
    Ok(MeetingDetail {
        absences: orglife::absences(&mut tx, id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
        visitors: orglife::visitors(&mut tx, id).await?,
        attachments: orglife::attachments(&mut tx, id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
        joint,
        meeting: row.into(),
    })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListMeetings {
    /// An org code: meetings of its whole subtree.
    pub within: Option<String>,
    /// Only this org's own meetings.
    pub org: Option<String>,
    pub kind: Option<String>,
    pub status: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// The `next` of the page before.
    pub after: Option<String>,
    /// Rows a page, 50 unless asked (1–500).
    pub limit: Option<i64>,
}

/// Meetings of a scope, latest first, by keyset.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "list"))]
pub async fn list(db: &Db, actor: &Actor, q: ListMeetings) -> Result<Page<MeetingView>, OpsError> {
    let kind = opt(&q.kind).map(MeetingKind::parse).transpose()?;
    let status = opt(&q.status).map(MeetingStatus::parse).transpose()?;
    let from = opt(&q.from).map(|s| text::date("from", s)).transpose()?;
    let to = opt(&q.to).map(|s| text::date("to", s)).transpose()?;
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let after = jiceng_domain::keyset::read_date(opt(&q.after))?;
    let mut tx = db.read().await?;
    let (path, org_id) = match (opt(&q.org), opt(&q.within)) {
        (Some(code), _) => {
            let o = crate::orgs::policy::named(&mut tx, actor, "org", code).await?;
            (o.path, Some(o.id))
        }
        (None, Some(code)) => (
            crate::orgs::policy::named(&mut tx, actor, "within", code)
                .await?
                .path,
            None,
        ),
        (None, None) => (actor.scope_path().to_string(), None),
    };
    actor.may_read(&path)?;
    let f = orglife::MeetingFilter {
        scope: crate::orgs::scope_of(&mut tx, &path).await?,
        org_id,
        kind: kind.map(|k| k.code()),
        status: status.map(|s| s.code()),
        from,
        to,
    };
    let rows = orglife::within(&mut tx, &f, after, limit + 1).await?;
    Ok(Page::keyset(
        rows,
        limit,
        |m| (jiceng_domain::keyset::midnight(m.held_on), m.id),
        Into::into,
    ))
}

/// The planned meetings a member is expected at: those of their org and the orgs above it.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "upcoming_for_member"))]
pub async fn upcoming_for_member(
    db: &Db,
    actor: &Actor,
    member_id: i64,
) -> Result<Vec<MeetingView>, OpsError> {
    let mut tx = db.read().await?;
    let m = crate::members::policy::resolve(&mut tx, actor, member_id).await?;
    let ids = OrgPath(m.org_path.clone()).ids();
    // The member sees every org above them; anyone else only the orgs they may read.
    let own = actor.member_id() == Some(member_id);
    let ids: Vec<i64> = (0..ids.len())
        .filter(|&i| {
            let path: String = ids[..=i].iter().map(|id| format!("/{id}")).collect();
            own || actor.may_read(&format!("{path}/")).is_ok()
        })
        .map(|i| ids[i])
        .collect();
    let rows = orglife::upcoming_of(&mut tx, &ids, clock::today(), 20).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Meeting {
    pub id: i64,
    pub org_id: i64,
    pub org_code: String,
    pub org_name: String,
    pub org_path: String,
    pub kind: jiceng_domain::orglife::MeetingKind,
    pub status: jiceng_domain::orglife::MeetingStatus,
    pub held_on: chrono::NaiveDate,
    pub place: Option<String>,
    /// The registered service position it is held at, if one was chosen.
    pub position_id: Option<i64>,
    pub position_name: Option<String>,
    pub topic: String,
    pub host: Option<String>,
    pub minutes: Option<String>,
    pub follow_up: Option<String>,
    pub joint_id: Option<i64>,
    pub expected: i64,
    pub absent: i64,
    pub visitors: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl Meeting {
    /// Where it is held, as people read it: the service position, then the place in words.
    pub fn where_held(&self) -> String {
        [self.position_name.as_deref(), self.place.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

impl From<jiceng_store::orglife::MeetingRow> for Meeting {
    fn from(r: jiceng_store::orglife::MeetingRow) -> Self {
        Meeting {
            id: r.id,
            org_id: r.org_id,
            org_code: r.org_code,
            org_name: r.org_name,
            org_path: r.org_path,
            kind: r.kind,
            status: r.status,
            held_on: r.held_on,
            place: r.place,
            position_id: r.position_id,
            position_name: r.position_name,
            topic: r.topic,
            host: r.host,
            minutes: r.minutes,
            follow_up: r.follow_up,
            joint_id: r.joint_id,
            expected: r.expected,
            absent: r.absent,
            visitors: r.visitors,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Absence {
    pub member_id: i64,
    pub name: String,
    pub reason: Option<String>,
}

impl From<jiceng_store::orglife::AbsenceRow> for Absence {
    fn from(r: jiceng_store::orglife::AbsenceRow) -> Self {
        Absence {
            member_id: r.member_id,
            name: r.name,
            reason: r.reason,
        }
    }
}
