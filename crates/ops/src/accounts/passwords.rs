//! The password policy as a deployment setting, and the checks every new password passes:
//! the policy's length and kinds of character, not the username, and not one of the account's
//! last passwords.

use super::hashing;
use crate::{Actor, OpsError};
use jiceng_domain::passwords::PasswordPolicy;
use jiceng_domain::{Invalid, msg};
use jiceng_store::assessment::{set_setting, setting};
use jiceng_store::{Db, StoreError, Tx, audit};

const KEY: &str = "password_policy";

pub(crate) async fn policy_in(tx: &mut Tx) -> Result<PasswordPolicy, OpsError> {
    match setting(tx, KEY).await? {
        Some(doc) => serde_json::from_str(&doc)
            .map_err(|e| OpsError::Store(StoreError::Other(format!("setting {KEY}: {e}")))),
        None => Ok(PasswordPolicy::default()),
    }
}

/// The deployment's password policy (the default until an administrator sets one).
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "password_policy"))]
pub async fn policy(db: &Db) -> Result<PasswordPolicy, OpsError> {
    policy_in(&mut db.read().await?).await
}

/// Sets the password policy: an administrator of the whole deployment, within the floor the
/// policy itself keeps. Passwords already set stay until they expire under it.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "set_password_policy"))]
pub async fn set_policy(
    db: &Db,
    actor: &Actor,
    p: PasswordPolicy,
) -> Result<PasswordPolicy, OpsError> {
    actor.may_duty(jiceng_domain::accounts::Duty::Security)?;
    p.validate()?;
    let value = serde_json::to_string(&p).expect("a policy serialises");
    let mut tx = db.write().await?;
    let before = setting(&mut tx, KEY).await?;
    set_setting(&mut tx, KEY, &value).await?;
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "setting.save",
            target: &format!("setting:{KEY}"),
            path: None,
            before,
            after: Some(value),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(p)
}

/// Refuses `new` for the account `user_id` (`None` for an account not made yet) if the policy
/// does, or if it repeats one of the account's last passwords (its current one included).
pub(crate) async fn check_new(
    db: &Db,
    user_id: Option<i64>,
    username: &str,
    new: &str,
) -> Result<(), OpsError> {
    let mut rx = db.read().await?;
    let p = policy_in(&mut rx).await?;
    p.check(new, username)?;
    let Some(id) = user_id else {
        return Ok(());
    };
    let mut earlier =
        jiceng_store::accounts::recent_passwords(&mut rx, id, i64::from(p.history.max(1))).await?;
    // The current password is usually the newest in the history already (accounts from
    // before the history began have it only here); each hash costs a verification.
    if let Some(current) = jiceng_store::accounts::by_id(&mut rx, id).await?
        && !earlier.contains(&current.password_hash)
    {
        earlier.push(current.password_hash);
    }
    drop(rx);
    for hash in &earlier {
        if hashing::matches(new, hash).await? {
            return Err(Invalid::new(
                "password",
                "********",
                msg!("不能与最近 {n} 次使用过的密码相同", n = p.history.max(1)),
            )
            .into());
        }
    }
    Ok(())
}
