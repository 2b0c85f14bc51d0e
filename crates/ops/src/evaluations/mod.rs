//! 双向评价: once a year a community grades each unit party org and in-service member
//! registered with it, and each unit grades the community. The grades feed the assessment
//! and show on the member's and the unit's files.

use crate::input::{opt, required, text_or_number};
use crate::orgs::by_code;
use crate::{Actor, OpsError};

mod pairs;
use chrono::Datelike;
use jiceng_domain::clock;
use jiceng_domain::evaluations::{Grade, Subject, check_year};
use jiceng_domain::{Invalid, OrgCategory, OrgLevel, msg, text};
use jiceng_store::evaluations::pairs::{self as kept, PairKey};
use jiceng_store::evaluations::{self as store};
use jiceng_store::{Db, StoreError, audit, orgs, units};
pub use pairs::{ListPairs, Pair, Pairs, Progress, pairs};
use serde::Deserialize;

/// A grade as forms and the API send it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewEvaluation {
    #[serde(default, deserialize_with = "text_or_number")]
    pub year: Option<String>,
    pub subject: Option<String>,
    /// The community org's code.
    pub community: Option<String>,
    /// The member's id, when the community grades a member.
    #[serde(default, deserialize_with = "text_or_number")]
    pub member: Option<String>,
    /// The unit's id, when the community grades a unit or a unit grades the community.
    #[serde(default, deserialize_with = "text_or_number")]
    pub unit: Option<String>,
    pub grade: Option<String>,
    pub comment: Option<String>,
}

fn year(raw: &str) -> Result<i32, Invalid> {
    let y: i32 = raw
        .trim()
        .parse()
        .map_err(|_| Invalid::new("year", raw, msg!("应为四位年份，如 2025")))?;
    check_year(y, clock::today().year())
}

fn id(field: &'static str, raw: &str) -> Result<i64, Invalid> {
    raw.trim()
        .parse()
        .map_err(|_| Invalid::new(field, raw, msg!("应为编号")))
}

/// Records one grade. The pair must have been registered (双报到) at some time in the year;
/// the community's writers grade, and the unit's liaison or its party org's writers grade back.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "rate"))]
pub async fn rate(db: &Db, actor: &Actor, new: NewEvaluation) -> Result<Evaluation, OpsError> {
    let year = year(required("year", &new.year)?)?;
    let subject = Subject::parse(required("subject", &new.subject)?)?;
    let grade = Grade::parse(required("grade", &new.grade)?)?;
    let comment = opt(&new.comment)
        .map(|c| text::long("comment", c, 500))
        .transpose()?;
    let code = required("community", &new.community)?;
    let mut tx = db.write().await?;
    let (from, to) = (
        chrono::NaiveDate::from_ymd_opt(year, 1, 1).expect("checked year"),
        chrono::NaiveDate::from_ymd_opt(year, 12, 31).expect("checked year"),
    );
    // The community grades as the actor may read it. Graded, it is named by the unit's side
    // (its liaison, or its party org's writers), whose scope may lie elsewhere: the unit is
    // resolved first, and the community is one the unit registered with that year, every
    // other code (missing, not a community, elsewhere) refused alike.
    let community = match subject {
        Subject::Community => {
            let raw = required("unit", &new.unit)?;
            let u = crate::units::policy::named(&mut tx, actor, "unit", id("unit", raw)?).await?;
            let refused = || {
                Invalid::new(
                    "community",
                    code,
                    msg!("该单位 {year} 年没有在这个代码的社区报到", year = year),
                )
            };
            let c = orgs::by_code(&mut tx, code.trim())
                .await?
                .ok_or_else(refused)?;
            if !store::registered_between(&mut tx, c.id, None, Some(u.id), from, to).await? {
                return Err(refused().into());
            }
            c
        }
        _ if actor.unit_id().is_some() => {
            return Err(OpsError::Forbidden(msg!("驻区单位只评价所在社区")));
        }
        _ => by_code(&mut tx, actor, "community", code).await?,
    };
    if community.level != OrgLevel::Community || community.category != OrgCategory::Regional {
        return Err(Invalid::new("community", code, msg!("评价的一方应为社区党组织")).into());
    }
    let (member_id, unit_id, field, who) = match subject {
        Subject::Member => {
            let raw = required("member", &new.member)?;
            actor.may_write(&community.path)?;
            let m = crate::registrations::credited(
                &mut tx,
                actor,
                "member",
                id("member", raw)?,
                community.id,
            )
            .await?;
            (Some(m.id), None, "member", raw.to_string())
        }
        Subject::Unit | Subject::Community => {
            let raw = required("unit", &new.unit)?;
            let u = if subject == Subject::Unit {
                actor.may_write(&community.path)?;
                crate::registrations::credited_unit(
                    &mut tx,
                    actor,
                    "unit",
                    id("unit", raw)?,
                    community.id,
                )
                .await?
            } else {
                crate::units::policy::named(&mut tx, actor, "unit", id("unit", raw)?).await?
            };
            if subject == Subject::Community {
                let org_id = u.org_id.ok_or_else(|| {
                    Invalid::new("unit", raw, msg!("没有党组织的单位不参加双向评价"))
                })?;
                let org = orgs::by_id(&mut tx, org_id)
                    .await?
                    .ok_or_else(|| OpsError::not_found("党组织", org_id))?;
                may_grade_community(actor, u.id, &org.path, &community.path)?;
            }
            (None, Some(u.id), "unit", raw.to_string())
        }
    };
    if !store::registered_between(&mut tx, community.id, member_id, unit_id, from, to).await? {
        return Err(Invalid::new(
            field,
            &who,
            msg!(
                "{year} 年未在{community}报到，不能参加双向评价",
                year = year,
                community = &community.name
            ),
        )
        .into());
    }
    let by = actor.audit_name();
    let row = store::NewEvaluation {
        year,
        subject: subject.code(),
        community_org_id: community.id,
        unit_id,
        member_id,
        grade: grade.code(),
        comment: comment.as_deref(),
        by: &by,
    };
    let id = store::insert(&mut tx, &row).await.map_err(|e| match e {
        StoreError::Duplicate(_) => OpsError::conflict(
            "year",
            year,
            msg!(
                "{who}与{community}本年度的这项评价已经做过",
                who = &who,
                community = &community.name
            ),
        ),
        e => e.into(),
    })?;
    let row = store::by_id(&mut tx, id).await?.expect("just written");
    kept::graded(&mut tx, &key_of(&row), Some(id)).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &by,
            operation: "evaluation.add",
            target: &format!("evaluation:{id}"),
            path: Some(&community.path),
            before: None,
            after: serde_json::to_string(&row).ok(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(row.into())
}

/// The unit's liaison, or a writer over the unit's party org, grades the community; but not
/// the community's own staff, whose scope covers the unit's org too.
fn may_grade_community(
    actor: &Actor,
    unit: i64,
    unit_org_path: &str,
    community_path: &str,
) -> Result<(), OpsError> {
    if actor.unit_id() != Some(unit) && actor.scope_path().starts_with(community_path) {
        return Err(OpsError::Forbidden(msg!("社区不能替驻区单位评价自己")));
    }
    actor.may_act_for(None, Some(unit), unit_org_path)
}

/// The pair a grade answers.
fn key_of(row: &store::EvaluationRow) -> PairKey {
    PairKey {
        year: row.year,
        subject: row.subject,
        community_org_id: row.community_org_id,
        rated_id: row
            .member_id
            .or(row.unit_id)
            .expect("a grade names who it grades"),
    }
}

/// Withdraws a grade so it can be given again; only whoever may give it may withdraw it.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "withdraw"))]
pub async fn withdraw(db: &Db, actor: &Actor, id: i64) -> Result<Evaluation, OpsError> {
    let mut tx = db.write().await?;
    let row = store::by_id(&mut tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("双向评价", id))?;
    let community = orgs::by_id(&mut tx, row.community_org_id)
        .await?
        .ok_or_else(|| OpsError::not_found("双向评价", id))?;
    // A grade the actor can neither read nor have given answers as one that does not exist.
    if row.unit_id.is_none_or(|u| actor.unit_id() != Some(u)) {
        actor.reach(&community.path, "双向评价", id)?;
    }
    if row.subject == Subject::Community {
        let unit = row.unit_id.expect("a unit grades the community");
        let u = units::by_id(&mut tx, unit)
            .await?
            .ok_or_else(|| OpsError::not_found("驻区单位", unit))?;
        let org = match u.org_id {
            Some(o) => orgs::by_id(&mut tx, o).await?.map(|o| o.path),
            None => None,
        };
        may_grade_community(
            actor,
            unit,
            org.as_deref().unwrap_or(&community.path),
            &community.path,
        )?;
    } else {
        actor.may_write(&community.path)?;
    }
    store::delete(&mut tx, id).await?;
    kept::graded(&mut tx, &key_of(&row), None).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "evaluation.withdraw",
            target: &format!("evaluation:{id}"),
            path: Some(&community.path),
            before: serde_json::to_string(&row).ok(),
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(row.into())
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Evaluation {
    pub id: i64,
    pub year: i32,
    pub subject: jiceng_domain::evaluations::Subject,
    pub community_org_id: i64,
    pub community_code: String,
    pub community_name: String,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub member_id: Option<i64>,
    pub member_name: Option<String>,
    pub grade: jiceng_domain::evaluations::Grade,
    pub comment: Option<String>,
    pub evaluated_by: String,
    pub evaluated_at: chrono::DateTime<chrono::Utc>,
}

impl From<jiceng_store::evaluations::EvaluationRow> for Evaluation {
    fn from(r: jiceng_store::evaluations::EvaluationRow) -> Self {
        Evaluation {
            id: r.id,
            year: r.year,
            subject: r.subject,
            community_org_id: r.community_org_id,
            community_code: r.community_code,
            community_name: r.community_name,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            member_id: r.member_id,
            member_name: r.member_name,
            grade: r.grade,
            comment: r.comment,
            evaluated_by: r.evaluated_by,
            evaluated_at: r.evaluated_at,
        }
    }
}
