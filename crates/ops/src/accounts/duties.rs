//! Separated administrator duties (三员分立) as a deployment setting: until a deployment
//! splits them, the district administrator of the whole deployment holds all three beside
//! their own duty roles; once split, each belongs to its own role alone.

use crate::{Actor, OpsError};
use jiceng_domain::accounts::Duty;
use jiceng_domain::{Invalid, Label, Role, msg};
use jiceng_store::assessment::{set_setting, setting};
use jiceng_store::{Db, Tx, accounts as store, audit};
use serde::Serialize;

use jiceng_store::accounts::DUTIES_SPLIT as KEY;

/// The three duty roles, in the order pages list them.
pub const ROLES: [Role; 3] = [Role::SystemAdmin, Role::SecurityAdmin, Role::AuditAdmin];

pub(crate) async fn split_in(tx: &mut Tx) -> Result<bool, OpsError> {
    Ok(setting(tx, KEY).await?.is_some_and(|v| v == "true"))
}

/// Whether the duties are split, and who holds each.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Duties {
    pub split: bool,
    pub holders: Vec<Holders>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Holders {
    pub duty: Duty,
    pub duty_label: &'static str,
    pub role: Role,
    pub role_label: &'static str,
    /// Active accounts of the duty's role.
    pub accounts: i64,
}

async fn duties_in(tx: &mut Tx) -> Result<Duties, OpsError> {
    let mut holders = Vec::new();
    for role in ROLES {
        let duty = role.duty().expect("a duty role");
        holders.push(Holders {
            duty,
            duty_label: duty.label(),
            role,
            role_label: role.label(),
            accounts: store::active_with_role(tx, role).await?,
        });
    }
    Ok(Duties {
        split: split_in(tx).await?,
        holders,
    })
}

/// The state of the duties, for anyone who holds one of them.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "duties"))]
pub async fn duties(db: &Db, actor: &Actor) -> Result<Duties, OpsError> {
    let holds_one = [Duty::System, Duty::Security, Duty::Audit]
        .into_iter()
        .any(|d| actor.may_duty(d).is_ok());
    if !holds_one {
        return Err(OpsError::Forbidden(msg!("需要三员之一的权限")));
    }
    duties_in(&mut db.read().await?).await
}

/// Splits the duties (or joins them again): the server operator's decision, taken at the
/// command line. A split needs an active account of each duty role, so no duty is left
/// without anyone to hold it.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "split_duties"))]
pub async fn set_split(db: &Db, actor: &Actor, split: bool) -> Result<Duties, OpsError> {
    if !matches!(actor, Actor::Operator { .. }) {
        return Err(OpsError::Forbidden(msg!(
            "三员分立只能由服务器操作员在命令行切换"
        )));
    }
    let mut tx = db.write().await?;
    let before = duties_in(&mut tx).await?;
    if split && let Some(h) = before.holders.iter().find(|h| h.accounts == 0) {
        return Err(Invalid::new(
            "split",
            "true",
            msg!(
                "尚无启用的{role}账号：请先建立三员账号（jiceng user add --role {code}）",
                role = Label(h.role_label),
                code = h.role.code()
            ),
        )
        .into());
    }
    set_setting(&mut tx, KEY, if split { "true" } else { "false" }).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "setting.save",
            target: &format!("setting:{KEY}"),
            path: None,
            before: Some(before.split.to_string()),
            after: Some(split.to_string()),
        },
    )
    .await?;
    let after = duties_in(&mut tx).await?;
    tx.commit().await?;
    super::clear_token_cache();
    Ok(after)
}
