//! Accounts: creating them, signing in with lockout, sessions with an idle timeout, password
//! changes, and personal access tokens for API clients.

pub mod duties;
mod hashing;
pub mod login_log;
pub mod passwords;
pub mod roles;
pub mod second_factor;
pub mod sessions;

use crate::throttle;
use jiceng_domain::throttle::{SIGN_IN, SIGN_IN_FROM};

use crate::access::UserActor;
use crate::input::{opt, required};
use crate::{Actor, OpsError, Page};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use jiceng_domain::accounts::{LoginResult, TokenScope};
use jiceng_domain::clock;
use jiceng_domain::{Invalid, Role, accounts, text};
use jiceng_domain::{Label, msg};
use jiceng_store::accounts::{self as store, NewUserRow, UserRow};
use jiceng_store::{Db, StoreError, Tx, audit, cases, orgs};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// A session unused for this long ends.
pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
/// A session ends this long after sign-in however busy it is.
pub const MAX_SESSION_AGE: Duration = Duration::hours(12);
/// How late a sign-in refused while its block runs is answered.
const REFUSAL_DELAY: std::time::Duration = std::time::Duration::from_millis(250);
/// Sessions record activity at most this often, to spare the database a write per request.
const TOUCH_EVERY: Duration = Duration::seconds(60);

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewUser {
    pub username: Option<String>,
    pub display_name: Option<String>,
    pub password: Option<String>,
    pub role: Option<String>,
    /// The scope org's code; none for a whole-deployment administrator.
    pub scope: Option<String>,
    pub member_id: Option<i64>,
    pub unit_id: Option<i64>,
    /// A department handler's department, by code.
    pub department: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub role_label: &'static str,
    pub scope_code: Option<String>,
    pub member_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub department_id: Option<i64>,
    pub active: bool,
    pub locked: bool,
    pub created_at: DateTime<Utc>,
    /// Whether the asking actor may deactivate the account and revoke its tokens.
    pub manageable: bool,
    /// Whether the asking actor may give the account another role and scope.
    pub securable: bool,
    /// Holds its role; false while it waits for the security administrator's grant.
    pub granted: bool,
}

impl From<UserRow> for UserView {
    fn from(u: UserRow) -> Self {
        UserView {
            id: u.id,
            role_label: u.role.label(),
            role: u.role,
            manageable: false,
            securable: false,
            granted: u.granted,
            locked: u.locked_until.is_some_and(|t| t > clock::now()),
            username: u.username,
            display_name: u.display_name,
            scope_code: u.scope_code,
            member_id: u.member_id,
            unit_id: u.unit_id,
            department_id: u.department_id,
            active: u.active,
            created_at: u.created_at,
        }
    }
}

/// A new random secret, hex-encoded.
pub fn secret(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the OS random source works");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// What is stored of a session or token secret: its SHA-256.
pub(crate) fn digest(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn hash_password(password: &str) -> Result<String, OpsError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the OS random source works");
    let salt = SaltString::encode_b64(&salt).map_err(|e| {
        OpsError::Invalid(Invalid::new(
            "password",
            "",
            msg!("无法计算密码摘要：{reason}", reason = e),
        ))
    })?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            OpsError::Invalid(Invalid::new(
                "password",
                "",
                msg!("无法计算密码摘要：{reason}", reason = e),
            ))
        })
}

fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

pub(crate) fn user_actor(
    u: &UserRow,
    read_only: bool,
    duties_split: bool,
) -> Result<Actor, OpsError> {
    Ok(Actor::User(UserActor {
        id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: u.role,
        scope_path: u.scope_path.clone().unwrap_or_else(|| "/".into()),
        scope_code: u.scope_code.clone(),
        scope_division: u.scope_division.clone(),
        member_id: u.member_id,
        unit_id: u.unit_id,
        department_id: u.department_id,
        read_only,
        must_change_password: false,
        owes_second_factor: false,
        duties_split,
    }))
}

async fn append(
    tx: &mut Tx,
    actor: &str,
    operation: &str,
    user: &UserRow,
    after: Option<String>,
) -> Result<(), OpsError> {
    audit::append(
        tx,
        audit::Entry {
            actor,
            operation,
            target: &format!("user:{}", user.id),
            path: user.scope_path.as_deref(),
            before: None,
            after,
        },
    )
    .await?;
    Ok(())
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "create"))]
pub async fn create(db: &Db, actor: &Actor, new: NewUser) -> Result<UserView, OpsError> {
    let username = accounts::username(required("username", &new.username)?)?;
    let password = required("password", &new.password)?;
    passwords::check_new(db, None, &username, password).await?;
    let role = Role::parse(required("role", &new.role)?)?;
    if role == Role::Resident {
        return Err(Invalid::new(
            "role",
            role.code(),
            msg!("居民账号由本人用手机验证码注册，不由管理员建立"),
        )
        .into());
    }
    let display_name = text::name("name", opt(&new.display_name).unwrap_or(&username), 30)?;
    let hash = hashing::hash(password).await?;

    // May the actor make an account of this role at all (at their own scope)?
    actor.may_manage_account(role, actor.scope_path())?;
    let mut tx = db.write().await?;
    // Every id in the request is resolved within the actor's scope before anything is read
    // from it: one missing and one out of scope are refused alike, naming only the value given.
    let mut scope = match opt(&new.scope) {
        Some(code) => Some(
            orgs::by_code(&mut tx, code)
                .await?
                .filter(|o| actor.binds_accounts_anywhere() || actor.may_read(&o.path).is_ok())
                .ok_or_else(|| Invalid::new("scope", code, msg!("没有这个代码的党组织")))?,
        ),
        None => None,
    };
    if let Some(mid) = new.member_id {
        let m = crate::members::policy::bindable(&mut tx, actor, mid)
            .await?
            .ok_or_else(|| Invalid::new("member", mid, msg!("没有这个党员")))?;
        if role == Role::Member {
            scope = orgs::by_id(&mut tx, m.org_id).await?;
        }
    } else if role == Role::Member {
        return Err(Invalid::new("member", "", msg!("党员账号须关联党员档案")).into());
    }
    if let Some(uid) = new.unit_id {
        let u = crate::units::policy::bindable(&mut tx, actor, uid)
            .await?
            .ok_or_else(|| Invalid::new("unit", uid, msg!("没有这个驻区单位")))?;
        if role == Role::UnitLiaison {
            let org_id = u.org_id.ok_or_else(|| {
                Invalid::new("unit", &u.name, msg!("该单位没有党组织，无法设联络员账号"))
            })?;
            scope = orgs::by_id(&mut tx, org_id).await?;
        }
    } else if role == Role::UnitLiaison {
        return Err(Invalid::new("unit", "", msg!("驻区单位联络员账号须关联单位")).into());
    }
    // Departments are the city's; a handler's cases are bounded by the account's scope.
    let department_id = match crate::input::opt(&new.department) {
        Some(code) => Some(
            cases::department_by_code(&mut tx, code)
                .await?
                .ok_or_else(|| Invalid::new("department", code, msg!("没有这个职能部门")))?
                .id,
        ),
        None if role == Role::DepartmentHandler => {
            return Err(
                Invalid::new("department", "", msg!("部门办理人账号须关联职能部门")).into(),
            );
        }
        None => None,
    };
    if let (Some(o), Some(_)) = (&scope, role.duty()) {
        return Err(Invalid::new("scope", &o.code, msg!("三员账号管理全域，不设管理范围")).into());
    }
    if scope.is_none() && role.needs_scope() {
        return Err(Invalid::new(
            "scope",
            "",
            msg!("{role}须指定管理范围", role = Label(role.label())),
        )
        .into());
    }
    actor.may_manage_account(role, scope.as_ref().map_or("/", |o| o.path.as_str()))?;
    let row = NewUserRow {
        username: username.clone(),
        display_name,
        password_hash: hash,
        role,
        scope_org_id: scope.as_ref().map(|o| o.id),
        member_id: new.member_id,
        unit_id: new.unit_id,
        department_id,
        // A password an administrator chose is changed by its owner at the first sign-in.
        must_change: matches!(actor, Actor::User(_)),
        // Made by one who may not also grant its role (the system administrator): it waits
        // for the security administrator.
        granted: actor
            .may_secure_account(role, scope.as_ref().map_or("/", |o| o.path.as_str()))
            .is_ok(),
    };
    let id = store::insert(&mut tx, &row).await.map_err(|e| match e {
        StoreError::Duplicate(_) => {
            OpsError::conflict("username", &username, msg!("用户名已被使用"))
        }
        e => e.into(),
    })?;
    let user = store::by_id(&mut tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("账号", id))?;
    let view = UserView::from(user.clone());
    append(
        &mut tx,
        &actor.audit_name(),
        "user.add",
        &user,
        serde_json::to_string(&view).ok(),
    )
    .await?;
    tx.commit().await?;
    Ok(view)
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "list"))]
pub async fn list(
    db: &Db,
    actor: &Actor,
    page: i64,
    per_page: i64,
) -> Result<Page<UserView>, OpsError> {
    let path = actor.scope_path().to_string();
    // Those who manage accounts see them; so does the security administrator, who gives
    // them roles and scopes.
    actor
        .may_manage_account(Role::Member, &path)
        .or_else(|_| actor.may_duty(jiceng_domain::accounts::Duty::Security))?;
    let per_page = per_page.clamp(1, 500);
    let page = page.max(1);
    let mut tx = db.read().await?;
    let rows: Vec<UserView> = store::within(&mut tx, &path, per_page + 1, (page - 1) * per_page)
        .await?
        .into_iter()
        .map(|u| {
            let manageable = manages(actor, &u);
            let securable = secures(actor, &u);
            UserView {
                manageable,
                securable,
                ..u.into()
            }
        })
        .collect();
    Ok(Page::numbered(rows, page, per_page))
}

/// A signed-in session: the secret for the cookie, the CSRF token for forms, and who it is.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Session {
    #[serde(skip)]
    pub token: String,
    pub csrf: String,
    pub user: UserView,
    /// The password has expired or was reset: this session may only change it (or sign out).
    pub must_change_password: bool,
    /// What the session still owes after the password: "code" (a TOTP code) or "enrol" (the
    /// enrolment of a second factor its account requires); none when it may go on.
    pub second_factor: Option<&'static str>,
}

/// A sign-in refused for a while: the same words whether or not the account exists.
fn throttled(until: chrono::DateTime<chrono::Utc>) -> OpsError {
    let minutes = (until - clock::now()).num_minutes() + 1;
    OpsError::Unauthenticated(msg!(
        "登录失败次数过多，请 {minutes} 分钟后再试",
        minutes = minutes
    ))
}

fn bad_login() -> OpsError {
    OpsError::Unauthenticated(msg!("用户名或密码错误"))
}

/// Signs in from the address `from`. Five wrong passwords for an account from one address
/// make further tries from there wait (a minute, doubling), as do thirty from one address
/// whatever the account; the answer never tells whether the username exists.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "login"))]
pub async fn login<'a>(
    db: &Db,
    username: &str,
    password: &str,
    client: impl Into<login_log::Client<'a>>,
) -> Result<Session, OpsError> {
    let client = client.into();
    let from = client.address;
    let username = username.trim().to_ascii_lowercase();
    let log = |user: Option<UserRow>, result: LoginResult, reason: &'static str| {
        let (db, username) = (db.clone(), username.clone());
        async move {
            let mut tx = db.write().await?;
            login_log::record(
                &mut tx,
                &username,
                user.as_ref(),
                client,
                result,
                Some(reason),
            )
            .await?;
            tx.commit().await?;
            Ok::<(), OpsError>(())
        }
    };
    // Failures count per account and address (a stranger elsewhere cannot lock the owner
    // out) and per address (guessing across accounts); the answers are the same whether the
    // account exists or not.
    let by_account = format!("login:{username}:{from}");
    let by_address = format!("login-from:{from}");
    // The account is read, and the password checked, before the write lock is taken: the
    // hash takes tens of milliseconds that no writer should wait for.
    let mut rx = db.read().await?;
    for key in [&by_account, &by_address] {
        // Refused while a block runs, without a line each: the lockout was logged when it
        // began, and a flood of refusals must not queue on the write lock. The answer comes
        // late, which costs a waiting task nothing and slows a flood to what it can send.
        if let Some(until) = throttle::waiting(&mut rx, key).await? {
            drop(rx);
            tokio::time::sleep(REFUSAL_DELAY).await;
            return Err(throttled(until));
        }
    }
    let found = store::by_username(&mut rx, &username).await?;
    drop(rx);
    let matched = match &found {
        Some(user) => hashing::matches(password, &user.password_hash).await?,
        None => {
            // Spend the same time as a real check so timing does not reveal unknown names.
            static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
            let dummy = DUMMY.get_or_init(|| hash_password("jiceng-dummy-1").unwrap_or_default());
            let _ = hashing::matches(password, dummy).await?;
            false
        }
    };
    let Some(user) = found.filter(|_| matched) else {
        let mut tx = db.write().await?;
        let account_wait = throttle::fail(&mut tx, &by_account, SIGN_IN).await?;
        let address_wait = throttle::fail(&mut tx, &by_address, SIGN_IN_FROM).await?;
        let user = store::by_username(&mut tx, &username).await?;
        let (result, reason) = match (&user, account_wait.or(address_wait)) {
            (_, Some(_)) => (LoginResult::Locked, "密码错误次数过多，已暂停登录"),
            (Some(_), None) => (LoginResult::Failure, "密码错误"),
            (None, None) => (LoginResult::Failure, "用户名不存在"),
        };
        login_log::record(
            &mut tx,
            &username,
            user.as_ref(),
            client,
            result,
            Some(reason),
        )
        .await?;
        if let Some(user) = user {
            let op = if account_wait.is_some() {
                "auth.locked"
            } else {
                "auth.login_failed"
            };
            append(
                &mut tx,
                &format!("user:{}", user.username),
                op,
                &user,
                Some(format!("{{\"from\":{from:?}}}")),
            )
            .await?;
        }
        tx.commit().await?;
        return Err(match account_wait.or(address_wait) {
            Some(until) => throttled(until),
            None => bad_login(),
        });
    };
    // Said only to whoever knows the password.
    if !user.active {
        log(Some(user), LoginResult::Failure, "账号已停用").await?;
        return Err(OpsError::Unauthenticated(msg!("账号已停用")));
    }
    if !user.granted {
        log(Some(user), LoginResult::Failure, "待授予角色").await?;
        return Err(OpsError::Unauthenticated(msg!(
            "账号尚待安全管理员授予角色和管理范围"
        )));
    }
    let who = format!("user:{}", user.username);
    let mut tx = db.write().await?;
    // Asked again under the write lock: a block that others' failures started while this
    // attempt was being hashed holds for it too.
    for key in [&by_account, &by_address] {
        if let Some(until) = throttle::waiting(&mut tx, key).await? {
            return Err(throttled(until));
        }
    }
    jiceng_store::throttles::clear(&mut tx, &by_account).await?;
    if user.failed_logins > 0 || user.locked_until.is_some() {
        store::record_failure(&mut tx, user.id, 0, None).await?;
    }
    let token = secret(32);
    let csrf = secret(16);
    let policy = passwords::policy_in(&mut tx).await?;
    let must_change = user.must_change || policy.expired(user.password_changed_at, clock::now());
    store::insert_session(
        &mut tx,
        &store::NewSession {
            token_hash: &digest(&token),
            user_id: user.id,
            csrf: &csrf,
            must_change,
            address: client.address,
            user_agent: &client.agent.chars().take(300).collect::<String>(),
            second_factor: second_factor::due(&user, &policy),
        },
    )
    .await?;
    append(&mut tx, &who, "auth.login", &user, None).await?;
    let reason = must_change.then_some("须修改密码");
    login_log::record(
        &mut tx,
        &username,
        Some(&user),
        client,
        LoginResult::Success,
        reason,
    )
    .await?;
    tx.commit().await?;
    Ok(Session {
        token,
        csrf,
        second_factor: second_factor::due(&user, &policy),
        user: user.into(),
        must_change_password: must_change,
    })
}

/// The actor behind a session cookie, and the session's CSRF token.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "session_actor"))]
pub async fn session_actor(db: &Db, token: &str) -> Result<(Actor, String), OpsError> {
    let hash = digest(token);
    let mut tx = db.read().await?;
    let session = store::session(&mut tx, &hash)
        .await?
        .ok_or_else(|| OpsError::Unauthenticated(msg!("请先登录")))?;
    let user = store::by_id(&mut tx, session.user_id)
        .await?
        .ok_or_else(|| OpsError::Unauthenticated(msg!("请先登录")))?;
    drop(tx);
    let now = clock::now();
    let expired = if now - session.created_at > MAX_SESSION_AGE {
        Some(msg!(
            "登录已超过 {hours} 小时，请重新登录",
            hours = MAX_SESSION_AGE.num_hours()
        ))
    } else if now - session.last_seen > IDLE_TIMEOUT {
        Some(msg!("长时间未操作，请重新登录"))
    } else {
        None
    };
    if let Some(why) = expired {
        let mut tx = db.write().await?;
        store::delete_session(&mut tx, &hash).await?;
        tx.commit().await?;
        return Err(OpsError::Unauthenticated(why));
    }
    if !user.active {
        return Err(OpsError::Unauthenticated(msg!("账号已停用")));
    }
    if now - session.last_seen > TOUCH_EVERY {
        let mut tx = db.write().await?;
        store::touch_session(&mut tx, &hash).await?;
        tx.commit().await?;
    }
    let mut actor = user_actor(&user, false, session.duties_split)?;
    if let Actor::User(u) = &mut actor {
        u.must_change_password = session.must_change;
        u.owes_second_factor = session.second_factor.is_some();
    }
    Ok((actor, session.csrf_token))
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "logout"))]
pub async fn logout<'a>(
    db: &Db,
    token: &str,
    client: impl Into<login_log::Client<'a>>,
) -> Result<(), OpsError> {
    let hash = digest(token);
    let mut tx = db.write().await?;
    if let Some(s) = store::session(&mut tx, &hash).await?
        && let Some(user) = store::by_id(&mut tx, s.user_id).await?
    {
        store::delete_session(&mut tx, &hash).await?;
        let name = user.username.clone();
        login_log::record(
            &mut tx,
            &name,
            Some(&user),
            client.into(),
            LoginResult::Logout,
            None,
        )
        .await?;
        append(
            &mut tx,
            &format!("user:{}", user.username),
            "auth.logout",
            &user,
            None,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Changes the actor's own password and ends their other sessions.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "change_password"))]
pub async fn change_password(
    db: &Db,
    actor: &Actor,
    old: &str,
    new: &str,
    keep_session: Option<&str>,
) -> Result<(), OpsError> {
    let Actor::User(me) = actor else {
        return Err(OpsError::Forbidden(msg!("命令行操作员没有密码")));
    };
    if old == new {
        return Err(Invalid::new("password", "********", msg!("新密码不能与原密码相同")).into());
    }
    passwords::check_new(db, Some(me.id), &me.username, new).await?;
    let hash = hashing::hash(new).await?;
    let mut rx = db.read().await?;
    let stored = store::by_id(&mut rx, me.id)
        .await?
        .ok_or_else(|| OpsError::not_found("账号", me.id))?
        .password_hash;
    drop(rx);
    if !hashing::matches(old, &stored).await? {
        return Err(Invalid::new("old_password", "********", msg!("原密码不正确")).into());
    }
    let mut tx = db.write().await?;
    let user = store::by_id(&mut tx, me.id)
        .await?
        .ok_or_else(|| OpsError::not_found("账号", me.id))?;
    if user.password_hash != stored {
        return Err(OpsError::conflict(
            "password",
            "********",
            msg!("密码已在别处修改，请重新登录"),
        ));
    }
    store::set_password(&mut tx, user.id, &hash, false).await?;
    let kept = keep_session.map(digest);
    store::delete_sessions_of(&mut tx, user.id, kept.as_deref()).await?;
    if let Some(kept) = &kept {
        store::session_changed_password(&mut tx, kept).await?;
    }
    append(&mut tx, &actor.audit_name(), "user.password", &user, None).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a new password for another account (an administrator's reset), unlocking it.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "reset_password"))]
pub async fn reset_password(
    db: &Db,
    actor: &Actor,
    username: &str,
    new: &str,
) -> Result<(), OpsError> {
    let username = username.trim().to_ascii_lowercase();
    // An account out of the actor's reach answers as one that does not exist, before its
    // password history is asked about.
    let reached = |u: &UserRow| {
        actor
            .may_manage_account(u.role, u.scope_path.as_deref().unwrap_or("/"))
            .is_ok()
    };
    let found = store::by_username(&mut db.read().await?, &username)
        .await?
        .filter(reached)
        .ok_or_else(|| OpsError::not_found("账号", &username))?;
    // A resident signs in with codes sent to their phone only: no password opens it.
    if found.role == Role::Resident {
        return Err(Invalid::new(
            "role",
            found.role.code(),
            msg!("居民账号用手机验证码登录，没有密码"),
        )
        .into());
    }
    passwords::check_new(db, Some(found.id), &username, new).await?;
    let hash = hashing::hash(new).await?;
    let mut tx = db.write().await?;
    let user = store::by_id(&mut tx, found.id)
        .await?
        .filter(reached)
        .ok_or_else(|| OpsError::not_found("账号", &username))?;
    // The owner chooses their own password at the next sign-in.
    store::set_password(&mut tx, user.id, &hash, true).await?;
    // One who sets a password but may not grant the role (the system administrator) could
    // sign in as the account: it waits for the security administrator to grant it again.
    let path = user.scope_path.as_deref().unwrap_or("/");
    let withheld = actor.may_secure_account(user.role, path).is_err();
    if withheld {
        store::withhold_grant(&mut tx, user.id).await?;
    }
    store::delete_sessions_of(&mut tx, user.id, None).await?;
    // Whoever knew the old password may have made tokens with it.
    store::revoke_tokens_of(&mut tx, user.id).await?;
    // And the owner, given a new password, may sign in at once from anywhere.
    jiceng_store::throttles::clear_prefix(&mut tx, &format!("login:{}:", user.username)).await?;
    append(
        &mut tx,
        &actor.audit_name(),
        "user.password_reset",
        &user,
        Some(serde_json::json!({ "granted": user.granted && !withheld }).to_string()),
    )
    .await?;
    tx.commit().await?;
    clear_token_cache();
    Ok(())
}

/// An administrator's reset of the account `id`, from the pages and the API: one out of the
/// actor's reach answers as one that does not exist.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "reset_password_of"))]
pub async fn reset_password_of(db: &Db, actor: &Actor, id: i64, new: &str) -> Result<(), OpsError> {
    let user = store::by_id(&mut db.read().await?, id)
        .await?
        .filter(|u| manages(actor, u))
        .ok_or_else(|| OpsError::not_found("账号", id))?;
    reset_password(db, actor, &user.username, new).await
}

/// A new personal access token: the secret is returned once and only its hash is kept.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NewToken {
    pub token: String,
    #[serde(flatten)]
    pub row: Token,
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "create_token"))]
pub async fn create_token(
    db: &Db,
    actor: &Actor,
    name: &str,
    scope: &str,
    days: Option<i64>,
) -> Result<NewToken, OpsError> {
    let Actor::User(me) = actor else {
        return Err(OpsError::Forbidden(msg!("令牌属于账号，请先登录")));
    };
    if me.read_only {
        return Err(OpsError::Forbidden(msg!("只读令牌不能创建令牌")));
    }
    let name = text::name("name", name, 50)?;
    if !matches!(scope, "read" | "write") {
        return Err(Invalid::new("scope", scope, msg!("应为 read 或 write")).into());
    }
    let days = days.unwrap_or(DEFAULT_TOKEN_DAYS);
    if !(1..=3650).contains(&days) {
        return Err(Invalid::new("expires_in_days", days, msg!("应在 1 到 3650 天之间")).into());
    }
    let expires = Some(clock::now() + Duration::days(days));
    let token = format!("jct_{}", secret(32));
    let mut tx = db.write().await?;
    let user = store::by_id(&mut tx, me.id)
        .await?
        .ok_or_else(|| OpsError::not_found("账号", me.id))?;
    let id = store::insert_token(&mut tx, me.id, &name, &digest(&token), scope, expires).await?;
    append(
        &mut tx,
        &actor.audit_name(),
        "token.add",
        &user,
        Some(format!("{{\"token\":{id},\"scope\":\"{scope}\"}}")),
    )
    .await?;
    let row = store::tokens_of(&mut tx, me.id)
        .await?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or_else(|| OpsError::not_found("令牌", id))?;
    tx.commit().await?;
    Ok(NewToken {
        token,
        row: row.into(),
    })
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "tokens"))]
pub async fn tokens(db: &Db, actor: &Actor) -> Result<Vec<Token>, OpsError> {
    let Actor::User(me) = actor else {
        return Ok(Vec::new());
    };
    let mut tx = db.read().await?;
    Ok(store::tokens_of(&mut tx, me.id)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "revoke_token"))]
pub async fn revoke_token(db: &Db, actor: &Actor, id: i64) -> Result<(), OpsError> {
    let Actor::User(me) = actor else {
        return Err(OpsError::not_found("令牌", id));
    };
    if me.read_only {
        return Err(OpsError::Forbidden(msg!("只读令牌不能修改数据")));
    }
    let mut tx = db.write().await?;
    // The actor's own token, or one of an account the actor manages; any other answers as
    // one that does not exist.
    let token = store::token_by_id(&mut tx, id)
        .await?
        .filter(|t| t.revoked_at.is_none())
        .ok_or_else(|| OpsError::not_found("令牌", id))?;
    let owner = store::by_id(&mut tx, token.user_id)
        .await?
        .filter(|u| u.id == me.id || manages(actor, u))
        .ok_or_else(|| OpsError::not_found("令牌", id))?;
    store::revoke_token(&mut tx, id, owner.id).await?;
    append(
        &mut tx,
        &actor.audit_name(),
        "token.revoke",
        &owner,
        Some(format!("{{\"token\":{id}}}")),
    )
    .await?;
    tx.commit().await?;
    // Only once the revoke is written may no cached actor outlive it.
    clear_token_cache();
    Ok(())
}

/// May the actor give this account (not their own, not a duty account) another role?
fn secures(actor: &Actor, u: &UserRow) -> bool {
    let own = matches!(actor, Actor::User(me) if me.id == u.id);
    !own && u.role.duty().is_none()
        && actor
            .may_secure_account(u.role, u.scope_path.as_deref().unwrap_or("/"))
            .is_ok()
}

/// May the actor manage this account (not their own): its role and scope within reach.
fn manages(actor: &Actor, u: &UserRow) -> bool {
    let own = matches!(actor, Actor::User(me) if me.id == u.id);
    !own && actor
        .may_manage_account(u.role, u.scope_path.as_deref().unwrap_or("/"))
        .is_ok()
}

pub(crate) fn clear_token_cache() {
    if let Ok(mut cache) = token_cache().lock() {
        cache.clear();
    }
}

/// Deactivates an account (its sessions end and its tokens are revoked) or activates it
/// again. An account out of the actor's reach, or the actor's own, answers as not found.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "set_active"))]
pub async fn set_active(
    db: &Db,
    actor: &Actor,
    id: i64,
    active: bool,
) -> Result<UserView, OpsError> {
    let mut tx = db.write().await?;
    let user = store::by_id(&mut tx, id)
        .await?
        .filter(|u| manages(actor, u))
        .ok_or_else(|| OpsError::not_found("账号", id))?;
    store::set_active(&mut tx, id, active).await?;
    let revoked = if active {
        0
    } else {
        store::delete_sessions_of(&mut tx, id, None).await?;
        store::revoke_tokens_of(&mut tx, id).await?
    };
    append(
        &mut tx,
        &actor.audit_name(),
        if active {
            "user.activate"
        } else {
            "user.deactivate"
        },
        &user,
        Some(format!(
            "{{\"active\":{active},\"tokens_revoked\":{revoked}}}"
        )),
    )
    .await?;
    let after = store::by_id(&mut tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("账号", id))?;
    tx.commit().await?;
    clear_token_cache();
    Ok(after.into())
}

/// Revokes every live token of an account the actor manages; returns how many.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "revoke_tokens_of"))]
pub async fn revoke_tokens_of(db: &Db, actor: &Actor, id: i64) -> Result<u64, OpsError> {
    let mut tx = db.write().await?;
    let user = store::by_id(&mut tx, id)
        .await?
        .filter(|u| manages(actor, u))
        .ok_or_else(|| OpsError::not_found("账号", id))?;
    let revoked = store::revoke_tokens_of(&mut tx, id).await?;
    append(
        &mut tx,
        &actor.audit_name(),
        "token.revoke_all",
        &user,
        Some(format!("{{\"tokens_revoked\":{revoked}}}")),
    )
    .await?;
    tx.commit().await?;
    clear_token_cache();
    Ok(revoked)
}

/// How long a checked token is trusted without asking the database again. A revoked token
/// stops working at once in the process that revoked it, and within this time elsewhere.
/// Days a token lives when its maker names none.
pub const DEFAULT_TOKEN_DAYS: i64 = 90;

pub const TOKEN_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(10);

type TokenCache = std::sync::Mutex<HashMap<String, (Actor, std::time::Instant)>>;

fn token_cache() -> &'static TokenCache {
    static CACHE: std::sync::OnceLock<TokenCache> = std::sync::OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The actor behind a bearer token.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "token_actor"))]
pub async fn token_actor(db: &Db, token: &str, from: &str) -> Result<Actor, OpsError> {
    // Cached per address: a use from another address goes to the database, which logs it.
    let key = format!("{}|{from}", digest(token));
    if let Ok(cache) = token_cache().lock()
        && let Some((actor, at)) = cache.get(&key)
        && at.elapsed() < TOKEN_CACHE_TTL
    {
        return Ok(actor.clone());
    }
    let actor = token_actor_uncached(db, token, from).await?;
    if let Ok(mut cache) = token_cache().lock() {
        if cache.len() > 10_000 {
            cache.clear();
        }
        cache.insert(key, (actor.clone(), std::time::Instant::now()));
    }
    Ok(actor)
}

async fn token_actor_uncached(db: &Db, token: &str, from: &str) -> Result<Actor, OpsError> {
    let mut tx = db.read().await?;
    let t = store::token_by_hash(&mut tx, &digest(token))
        .await?
        .ok_or_else(|| OpsError::Unauthenticated(msg!("令牌无效")))?;
    let now = clock::now();
    if t.revoked_at.is_some() {
        return Err(OpsError::Unauthenticated(msg!("令牌已吊销")));
    }
    if t.expires_at.is_some_and(|e| e <= now) {
        return Err(OpsError::Unauthenticated(msg!("令牌已过期")));
    }
    let user = store::by_id(&mut tx, t.user_id)
        .await?
        .ok_or_else(|| OpsError::Unauthenticated(msg!("令牌无效")))?;
    let split = duties::split_in(&mut tx).await?;
    drop(tx);
    if !user.active {
        return Err(OpsError::Unauthenticated(msg!("账号已停用")));
    }
    let new_address = t.last_address.as_deref() != Some(from);
    if new_address || t.last_used_at.is_none_or(|u| now - u > TOUCH_EVERY) {
        let mut tx = db.write().await?;
        store::touch_token(&mut tx, t.id, from).await?;
        if new_address {
            login_log::record(
                &mut tx,
                &user.username,
                Some(&user),
                from.into(),
                LoginResult::Success,
                Some("令牌从新地址使用"),
            )
            .await?;
        }
        tx.commit().await?;
    }
    user_actor(&user, t.scope == TokenScope::Read, split)
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Token {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub scope: jiceng_domain::accounts::TokenScope,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<jiceng_store::accounts::TokenRow> for Token {
    fn from(r: jiceng_store::accounts::TokenRow) -> Self {
        Token {
            id: r.id,
            user_id: r.user_id,
            name: r.name,
            scope: r.scope,
            created_at: r.created_at,
            expires_at: r.expires_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
        }
    }
}
