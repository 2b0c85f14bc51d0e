//! Online sessions (在线用户): each live session with its account, address, browser, start
//! and last use. Everyone sees and ends their own; a manager of accounts also those of the
//! accounts they manage, and signs them out. Ending one is audited and logged.

use super::{IDLE_TIMEOUT, MAX_SESSION_AGE, append, digest, login_log};
use crate::{Actor, OpsError};
use jiceng_domain::accounts::LoginResult;
use jiceng_domain::clock;
use jiceng_store::Db;
use jiceng_store::accounts::{self as store, LiveSession};
use serde::Serialize;

/// Characters of the token's hash that name a session in lists and requests: enough to be
/// unique, and nothing from which the token could be found.
const ID_LEN: usize = 16;

/// Most sessions one list shows.
const SHOWN: i64 = 500;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OnlineSession {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub address: String,
    pub user_agent: String,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub last_seen: chrono::DateTime<chrono::Utc>,
    /// The session this request comes from.
    pub current: bool,
}

fn shown(s: LiveSession, current: Option<&str>) -> OnlineSession {
    OnlineSession {
        current: current.is_some_and(|c| c == s.token_hash),
        id: s.token_hash[..ID_LEN].to_string(),
        username: s.username,
        display_name: s.display_name,
        address: s.address,
        user_agent: s.user_agent,
        started_at: s.created_at,
        last_seen: s.last_seen,
    }
}

/// May the actor end this account's sessions (their own, or an account they manage)?
fn reaches(actor: &Actor, s: &LiveSession) -> bool {
    match actor {
        Actor::Operator { .. } => true,
        Actor::User(u) => {
            u.id == s.user_id
                || actor
                    .may_secure_account(s.role, s.scope_path.as_deref().unwrap_or("/"))
                    .is_ok()
        }
    }
}

/// The live sessions the actor sees: with `all`, every one of the accounts they manage,
/// otherwise their own. `current` is the token of the session asking, to mark it.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "online_sessions"))]
pub async fn list(
    db: &Db,
    actor: &Actor,
    all: bool,
    current: Option<&str>,
) -> Result<Vec<OnlineSession>, OpsError> {
    let now = clock::now();
    let own = match actor {
        Actor::User(u) if !all => Some(u.id),
        _ => None,
    };
    let within = if own.is_some() {
        "/"
    } else {
        actor.scope_path()
    };
    let rows = store::live_sessions(
        &mut db.read().await?,
        within,
        own,
        now - IDLE_TIMEOUT,
        now - MAX_SESSION_AGE,
        SHOWN,
    )
    .await?;
    let current = current.map(digest);
    Ok(rows
        .into_iter()
        .filter(|s| reaches(actor, s))
        .map(|s| shown(s, current.as_deref()))
        .collect())
}

/// Ends the session `id`: one the actor does not reach answers as one that does not exist.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "end_session"))]
pub async fn end(db: &Db, actor: &Actor, id: &str) -> Result<(), OpsError> {
    let missing = || OpsError::not_found("会话", id);
    let id = id.trim();
    if id.len() != ID_LEN
        || !id
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        return Err(missing());
    }
    let mut tx = db.write().await?;
    let s = store::session_by_prefix(&mut tx, id)
        .await?
        .filter(|s| reaches(actor, s))
        .ok_or_else(missing)?;
    let user = store::by_id(&mut tx, s.user_id)
        .await?
        .ok_or_else(missing)?;
    store::delete_session(&mut tx, &s.token_hash).await?;
    let own = matches!(actor, Actor::User(u) if u.id == s.user_id);
    let reason = if own {
        "本人结束会话"
    } else {
        "被管理员强制下线"
    };
    let client = login_log::Client {
        address: &s.address,
        agent: &s.user_agent,
    };
    login_log::record(
        &mut tx,
        &user.username,
        Some(&user),
        client,
        LoginResult::Logout,
        Some(reason),
    )
    .await?;
    append(&mut tx, &actor.audit_name(), "session.end", &user, None).await?;
    tx.commit().await?;
    Ok(())
}
