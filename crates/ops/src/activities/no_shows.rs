//! The no-show policy: after how many no-shows in a quarter a volunteer's sign-up pauses, and
//! for how long. The city's default (3 a quarter, 30 days) and those district and street
//! administrators set for their own scope; the deepest org naming one decides.

use crate::{Actor, OpsError};
use jiceng_domain::activities::NoShowPolicy;
use jiceng_domain::{Invalid, msg};
use jiceng_store::activities as store;
use jiceng_store::{Db, Tx, audit};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NoShowRule {
    /// No-shows in a quarter that pause sign-up (0: never paused).
    pub max_no_shows: i64,
    /// Days sign-up stays paused after the last one.
    pub pause_days: i64,
    /// Whether the actor may change it for their scope.
    pub may_set: bool,
}

/// The policy that holds at `path`.
pub(crate) async fn at(tx: &mut Tx, path: &str) -> Result<Option<NoShowPolicy>, OpsError> {
    Ok(pick(&store::no_show_policies(tx).await?, path))
}

/// Of the policies (org path, most no-shows, days paused), the one that holds at `path`: the
/// deepest org naming one.
pub(crate) fn pick(policies: &[(String, i64, i64)], path: &str) -> Option<NoShowPolicy> {
    policies
        .iter()
        .filter(|(at, _, _)| path.starts_with(at.as_str()))
        .max_by_key(|(at, _, _)| at.len())
        .map(|&(_, max, pause_days)| NoShowPolicy { max, pause_days })
}

/// Setting the policy of a scope: its district or street administrator, or the operator.
fn may_set(actor: &Actor) -> bool {
    use jiceng_domain::Role::{DistrictAdmin, StreetAdmin};
    match actor {
        Actor::Operator { .. } => true,
        _ => {
            matches!(actor.role(), Some(DistrictAdmin | StreetAdmin))
                && actor.may_write(actor.scope_path()).is_ok()
        }
    }
}

/// The policy that holds in the actor's scope.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "no_show_policy"))]
pub async fn show(db: &Db, actor: &Actor) -> Result<NoShowRule, OpsError> {
    actor.may_read(actor.scope_path())?;
    let mut tx = db.read().await?;
    let p = at(&mut tx, scope(actor)).await?.unwrap_or(NoShowPolicy {
        max: 0,
        pause_days: 0,
    });
    Ok(NoShowRule {
        max_no_shows: p.max,
        pause_days: p.pause_days,
        may_set: may_set(actor),
    })
}

/// The path a policy of the actor's scope is kept under ("" for the whole deployment).
fn scope(actor: &Actor) -> &str {
    match actor.scope_path() {
        "/" => "",
        p => p,
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NoShowInput {
    /// 0 never pauses sign-up.
    pub max_no_shows: Option<i64>,
    pub pause_days: Option<i64>,
}

/// Sets the policy of the actor's own scope.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "set_no_show_policy"))]
pub async fn set(db: &Db, actor: &Actor, input: NoShowInput) -> Result<NoShowRule, OpsError> {
    if !may_set(actor) {
        return Err(OpsError::Forbidden(msg!(
            "仅区、街道管理员可设定未到场规则"
        )));
    }
    let max = input
        .max_no_shows
        .ok_or_else(|| Invalid::new("max_no_shows", "", msg!("必填")))?;
    if !(0..=20).contains(&max) {
        return Err(Invalid::new("max_no_shows", max, msg!("应为 0 到 20 次")).into());
    }
    let days = input
        .pause_days
        .ok_or_else(|| Invalid::new("pause_days", "", msg!("必填")))?;
    if !(1..=365).contains(&days) {
        return Err(Invalid::new("pause_days", days, msg!("应为 1 到 365 天")).into());
    }
    let mut tx = db.write().await?;
    let path = scope(actor).to_string();
    let before = at(&mut tx, &path).await?;
    store::set_no_show_policy(&mut tx, &path, max, days).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "activity.no_show_policy",
            target: &format!("no_show_policy:{path}"),
            path: (!path.is_empty()).then_some(path.as_str()),
            before: before.map(|p| format!("{} / {}", p.max, p.pause_days)),
            after: Some(format!("{max} / {days}")),
        },
    )
    .await?;
    tx.commit().await?;
    show(db, actor).await
}
