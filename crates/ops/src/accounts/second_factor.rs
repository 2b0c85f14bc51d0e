//! The second factor (二次验证): a TOTP code from an authenticator app after the password.
//! District and street administrators, and any account an administrator marks, give one at
//! every sign-in; until they do (or, not yet enrolled, until they enrol) their session reaches
//! nothing else. Enrolment shows the secret once, as a QR code, and gives ten recovery codes,
//! each good once for a lost phone. API tokens are not asked for it.

use super::{append, digest, login_log, secret};
use crate::throttle;
use crate::{Actor, OpsError};
use jiceng_domain::accounts::{LoginResult, Role};
use jiceng_domain::passwords::PasswordPolicy;
use jiceng_domain::throttle::SIGN_IN;
use jiceng_domain::totp::Secret;
use jiceng_domain::{Invalid, clock, msg};
use jiceng_store::accounts::{self as store, UserRow};
use jiceng_store::{Db, Tx};
use serde::Serialize;

/// What a session owes after its password.
pub(crate) const CODE: &str = "code";
pub(crate) const ENROL: &str = "enrol";

/// Is a second factor asked of this account, under the deployment's policy?
pub fn required(user: &UserRow, policy: &PasswordPolicy) -> bool {
    user.totp_required
        || policy.second_factor_for_all
        || (policy.second_factor_for_admins
            && (matches!(user.role, Role::DistrictAdmin | Role::StreetAdmin)
                || user.role.duty().is_some()))
}

/// What a session signing in as `user` owes: a code if enrolled, an enrolment if required.
pub(crate) fn due(user: &UserRow, policy: &PasswordPolicy) -> Option<&'static str> {
    if user.totp_secret.is_some() {
        Some(CODE)
    } else if required(user, policy) {
        Some(ENROL)
    } else {
        None
    }
}

fn me(actor: &Actor) -> Result<i64, OpsError> {
    match actor {
        Actor::User(u) => Ok(u.id),
        Actor::Operator { .. } => Err(OpsError::Forbidden(msg!("命令行操作员没有二次验证"))),
    }
}

async fn user(db: &Db, id: i64) -> Result<UserRow, OpsError> {
    store::by_id(&mut db.read().await?, id)
        .await?
        .ok_or_else(|| OpsError::not_found("账号", id))
}

/// Has the actor enrolled a second factor?
pub async fn enrolled(db: &Db, actor: &Actor) -> Result<bool, OpsError> {
    Ok(user(db, me(actor)?).await?.totp_secret.is_some())
}

/// A secret to enrol, shown once.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Enrolment {
    /// For typing into the app by hand.
    pub secret: String,
    /// The otpauth:// address the QR code holds.
    pub uri: String,
}

/// Starts (or starts again) the actor's enrolment: a fresh secret, kept until confirmed.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "start_enrolment"))]
pub async fn start_enrolment(db: &Db, actor: &Actor) -> Result<Enrolment, OpsError> {
    let id = me(actor)?;
    let u = user(db, id).await?;
    if u.totp_secret.is_some() {
        return Err(OpsError::conflict("totp", "", msg!("已启用二次验证")));
    }
    let mut raw = vec![0u8; 20];
    getrandom::fill(&mut raw).expect("the OS random source works");
    let s = Secret(raw);
    let mut tx = db.write().await?;
    store::set_totp_pending(&mut tx, id, Some(&s.base32())).await?;
    tx.commit().await?;
    Ok(Enrolment {
        secret: s.base32(),
        uri: s.uri("基层", &u.username),
    })
}

/// Confirms the enrolment with a code from the app: the second factor is on, the session
/// that enrolled has given it, and ten recovery codes are returned, shown once.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "confirm_enrolment"))]
pub async fn confirm_enrolment(
    db: &Db,
    actor: &Actor,
    code: &str,
    session: Option<&str>,
) -> Result<Vec<String>, OpsError> {
    let id = me(actor)?;
    let u = user(db, id).await?;
    let pending = u
        .totp_pending
        .as_deref()
        .and_then(Secret::from_base32)
        .ok_or_else(|| Invalid::new("code", "", msg!("请先开始启用二次验证")))?;
    let step = pending
        .check(code, clock::now().timestamp(), None)
        .ok_or_else(|| Invalid::new("code", code, msg!("验证码不正确或已过期")))?;
    let (codes, hashes) = recovery_codes();
    let mut tx = db.write().await?;
    store::set_totp(&mut tx, id, Some(&pending.base32()), Some(step)).await?;
    store::replace_recovery_codes(&mut tx, id, &hashes).await?;
    if let Some(token) = session {
        store::session_second_factor_done(&mut tx, &digest(token)).await?;
    }
    append(&mut tx, &actor.audit_name(), "user.totp_enrol", &u, None).await?;
    tx.commit().await?;
    Ok(codes)
}

/// An enrolled account as a code is checked against it: all asked under the write lock, so
/// parallel tries neither pass the throttle together nor take one code twice.
struct Enrolled {
    tx: Tx,
    user: UserRow,
    /// The throttle's key for its codes.
    key: String,
    secret: Secret,
}

async fn enrolled_under_lock(db: &Db, id: i64) -> Result<Enrolled, OpsError> {
    let mut tx = db.write().await?;
    let user = store::by_id(&mut tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("账号", id))?;
    let key = format!("totp:{}", user.username);
    if let Some(until) = throttle::waiting(&mut tx, &key).await? {
        return Err(throttle::wait_error("code", until));
    }
    let Some(secret) = user.totp_secret.as_deref().and_then(Secret::from_base32) else {
        return Err(Invalid::new("code", "", msg!("尚未启用二次验证")).into());
    };
    Ok(Enrolled {
        tx,
        user,
        key,
        secret,
    })
}

/// Ten fresh recovery codes, and what is kept of them (their digests).
fn recovery_codes() -> (Vec<String>, Vec<String>) {
    let codes: Vec<String> = (0..10)
        .map(|_| {
            let s = secret(4);
            format!("{}-{}", &s[..4], &s[4..])
        })
        .collect();
    let hashes = codes.iter().map(|c| digest(c)).collect();
    (codes, hashes)
}

/// Replaces the actor's recovery codes with ten new ones, shown once: the old ones, used up or
/// seen by someone else, stop working. Asks for a code from the app (taken once, wrong ones
/// counted as at sign-in), so a session left open cannot do it alone.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "renew_recovery_codes"))]
pub async fn renew_recovery_codes(
    db: &Db,
    actor: &Actor,
    code: &str,
) -> Result<Vec<String>, OpsError> {
    if actor.read_only() {
        return Err(OpsError::Forbidden(msg!("只读令牌不能更换恢复码")));
    }
    let id = me(actor)?;
    let Enrolled {
        mut tx,
        user: u,
        key,
        secret: s,
    } = enrolled_under_lock(db, id).await?;
    let Some(step) = s.check(code, clock::now().timestamp(), u.totp_last_step) else {
        let wait = throttle::fail(&mut tx, &key, SIGN_IN).await?;
        tx.commit().await?;
        return Err(match wait {
            Some(until) => throttle::wait_error("code", until),
            None => Invalid::new("code", code, msg!("验证码不正确或已过期")).into(),
        });
    };
    let (codes, hashes) = recovery_codes();
    store::set_totp_step(&mut tx, id, step).await?;
    store::replace_recovery_codes(&mut tx, id, &hashes).await?;
    jiceng_store::throttles::clear(&mut tx, &key).await?;
    append(
        &mut tx,
        &actor.audit_name(),
        "user.recovery_codes",
        &u,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(codes)
}

/// Gives the second factor for the session `token`: a code from the app (each taken once),
/// or a recovery code (each good once). Wrong answers count like wrong passwords.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "give_code"))]
pub async fn give(
    db: &Db,
    actor: &Actor,
    token: &str,
    code: &str,
    client: login_log::Client<'_>,
) -> Result<(), OpsError> {
    let id = me(actor)?;
    let Enrolled {
        mut tx,
        user: u,
        key,
        secret: s,
    } = enrolled_under_lock(db, id).await?;
    let by_app = s.check(code, clock::now().timestamp(), u.totp_last_step);
    let by_recovery = by_app.is_none()
        && store::use_recovery_code(
            &mut tx,
            id,
            &digest(code.trim().to_ascii_lowercase().as_str()),
        )
        .await?;
    if let Some(step) = by_app {
        store::set_totp_step(&mut tx, id, step).await?;
    }
    if by_app.is_none() && !by_recovery {
        let wait = throttle::fail(&mut tx, &key, SIGN_IN).await?;
        let (result, reason) = match wait {
            Some(_) => (LoginResult::Locked, "二次验证错误次数过多"),
            None => (LoginResult::Failure, "二次验证失败"),
        };
        login_log::record(&mut tx, &u.username, Some(&u), client, result, Some(reason)).await?;
        tx.commit().await?;
        return Err(match wait {
            Some(until) => throttle::wait_error("code", until),
            None => Invalid::new("code", code, msg!("验证码不正确或已过期")).into(),
        });
    }
    jiceng_store::throttles::clear(&mut tx, &key).await?;
    store::session_second_factor_done(&mut tx, &digest(token)).await?;
    let reason = if by_recovery {
        "使用恢复码"
    } else {
        "二次验证通过"
    };
    login_log::record(
        &mut tx,
        &u.username,
        Some(&u),
        client,
        LoginResult::Success,
        Some(reason),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An administrator requires (or stops requiring) a second factor of an account they manage,
/// or removes its enrolment (a lost phone: it enrols again at the next sign-in).
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "manage_second_factor"))]
pub async fn manage(
    db: &Db,
    actor: &Actor,
    user_id: i64,
    required: Option<bool>,
    remove: bool,
) -> Result<(), OpsError> {
    let mut tx = db.write().await?;
    let u = store::by_id(&mut tx, user_id)
        .await?
        .filter(|u| {
            actor
                .may_secure_account(u.role, u.scope_path.as_deref().unwrap_or("/"))
                .is_ok()
        })
        .ok_or_else(|| OpsError::not_found("账号", user_id))?;
    if let Some(r) = required {
        store::set_totp_required(&mut tx, u.id, r).await?;
    }
    if remove {
        store::set_totp(&mut tx, u.id, None, None).await?;
        store::replace_recovery_codes(&mut tx, u.id, &[]).await?;
    }
    append(&mut tx, &actor.audit_name(), "user.totp_manage", &u, None).await?;
    tx.commit().await?;
    Ok(())
}
