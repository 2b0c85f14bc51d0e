//! Giving an account another role and scope: the security administrator's duty once the
//! duties are split. The three duty roles are fixed: no account moves into, out of or
//! between them, so no account ever holds two of them.

use super::{UserView, append, clear_token_cache};
use crate::input::{opt, required};
use crate::{Actor, OpsError};
use jiceng_domain::{Invalid, Label, Role, accounts, msg};
use jiceng_store::accounts as store;
use jiceng_store::{Db, orgs};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AssignRole {
    pub role: Option<String>,
    /// The scope org's code; none for a whole-deployment role.
    pub scope: Option<String>,
}

/// Gives the account `id` the role and scope in `a` (granting it, if it waited for one). An account out of reach answers as one
/// that does not exist; the actor's own account cannot be changed by its owner.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "assign_role"))]
pub async fn assign(db: &Db, actor: &Actor, id: i64, a: AssignRole) -> Result<UserView, OpsError> {
    let role = Role::parse(required("role", &a.role)?)?;
    let mut tx = db.write().await?;
    let missing = || OpsError::not_found("账号", id);
    let user = store::by_id(&mut tx, id)
        .await?
        .filter(|u| {
            actor
                .may_secure_account(u.role, u.scope_path.as_deref().unwrap_or("/"))
                .is_ok()
        })
        .ok_or_else(missing)?;
    if matches!(actor, Actor::User(me) if me.id == user.id) {
        return Err(OpsError::Forbidden(msg!("不能更改本人的角色")));
    }
    accounts::role_change(user.role, role)?;
    let mut scope = match opt(&a.scope) {
        Some(code) => Some(
            orgs::by_code(&mut tx, code)
                .await?
                .filter(|o| actor.in_scope(&o.path))
                .ok_or_else(|| Invalid::new("scope", code, msg!("没有这个代码的党组织")))?,
        ),
        None => None,
    };
    // Roles tied to a record take their scope from it, as when the account was made.
    match role {
        Role::Member => {
            let m = user
                .member_id
                .ok_or_else(|| Invalid::new("role", role.code(), msg!("党员账号须关联党员档案")))?;
            let member = jiceng_store::members::by_id(&mut tx, m)
                .await?
                .ok_or_else(missing)?;
            scope = orgs::by_id(&mut tx, member.org_id).await?;
        }
        Role::UnitLiaison => {
            let unit = match user.unit_id {
                Some(u) => jiceng_store::units::by_id(&mut tx, u).await?,
                None => None,
            };
            let org_id = unit.and_then(|u| u.org_id).ok_or_else(|| {
                Invalid::new(
                    "role",
                    role.code(),
                    msg!("驻区单位联络员账号须关联有党组织的单位"),
                )
            })?;
            scope = orgs::by_id(&mut tx, org_id).await?;
        }
        Role::DepartmentHandler if user.department_id.is_none() => {
            return Err(
                Invalid::new("role", role.code(), msg!("部门办理人账号须关联职能部门")).into(),
            );
        }
        _ => {}
    }
    if scope.is_none() && role.needs_scope() {
        return Err(Invalid::new(
            "scope",
            "",
            msg!("{role}须指定管理范围", role = Label(role.label())),
        )
        .into());
    }
    if let (Some(o), Some(_)) = (&scope, role.duty()) {
        return Err(Invalid::new("scope", &o.code, msg!("三员账号管理全域，不设管理范围")).into());
    }
    actor.may_secure_account(role, scope.as_ref().map_or("/", |o| o.path.as_str()))?;
    let before =
        serde_json::json!({"role": user.role, "scope": user.scope_code, "granted": user.granted});
    // Bindings the new role does not use go: a former handler keeps no department's cases,
    // a former liaison acts for no unit. The member record is who the account is, and stays.
    store::set_role(
        &mut tx,
        id,
        role,
        scope.as_ref().map(|o| o.id),
        user.unit_id.filter(|_| role == Role::UnitLiaison),
        user.department_id
            .filter(|_| role == Role::DepartmentHandler),
    )
    .await?;
    let after = store::by_id(&mut tx, id).await?.ok_or_else(missing)?;
    append(
        &mut tx,
        &actor.audit_name(),
        "user.role",
        &after,
        Some(
            serde_json::json!({"before": before, "role": role, "scope": after.scope_code, "granted": true})
                .to_string(),
        ),
    )
    .await?;
    tx.commit().await?;
    // Sessions read the account afresh at each request; cached token actors do not.
    clear_token_cache();
    Ok(after.into())
}
