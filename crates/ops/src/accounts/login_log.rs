//! The login log (登录日志): who signed in or out, or was refused, when, from where and with
//! what browser. Written in the same transaction as what it records; read by those who read
//! the audit trail, within their scope; no use case deletes a line.

use crate::input::opt;
use crate::{Actor, OpsError, Page};
use jiceng_domain::accounts::LoginResult;
use jiceng_domain::{Invalid, clock, msg, text};
use jiceng_store::accounts::UserRow;
use jiceng_store::login_log::{self as store, LoginFilter, LoginRow, NewLogin};
use jiceng_store::{Db, Tx};
use serde::{Deserialize, Serialize};

/// Where a sign-in comes from: the client's address and its browser's user agent.
#[derive(Debug, Clone, Copy)]
pub struct Client<'a> {
    pub address: &'a str,
    pub agent: &'a str,
}

/// An address alone, for callers with no browser (the CLI, tests).
impl<'a> From<&'a str> for Client<'a> {
    fn from(address: &'a str) -> Self {
        Client { address, agent: "" }
    }
}

/// Writes a line for `username` (the account, if there is one).
pub(crate) async fn record(
    tx: &mut Tx,
    username: &str,
    user: Option<&UserRow>,
    client: Client<'_>,
    result: LoginResult,
    reason: Option<&str>,
) -> Result<(), OpsError> {
    // A user agent is the client's to choose: kept short.
    let agent: String = client.agent.chars().take(300).collect();
    store::append(
        tx,
        &NewLogin {
            username: &username.chars().take(64).collect::<String>(),
            user_id: user.map(|u| u.id),
            path: user.map(|u| u.scope_path.as_deref().unwrap_or("/")),
            address: client.address,
            user_agent: &agent,
            result,
            reason,
            at: clock::now(),
        },
    )
    .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LoginEntry {
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub username: String,
    pub user_id: Option<i64>,
    pub address: String,
    pub user_agent: String,
    pub result: LoginResult,
    pub result_label: &'static str,
    pub reason: Option<String>,
}

impl From<LoginRow> for LoginEntry {
    fn from(r: LoginRow) -> Self {
        LoginEntry {
            id: r.id,
            at: r.at,
            username: r.username,
            user_id: r.user_id,
            address: r.address,
            user_agent: r.user_agent,
            result_label: r.result.label(),
            result: r.result,
            reason: r.reason,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BrowseLogins {
    pub username: Option<String>,
    /// success, failure, locked or logout.
    pub result: Option<String>,
    /// yyyy-mm-dd, Shanghai, inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    /// The `next` of the page before.
    pub before: Option<i64>,
    pub limit: Option<i64>,
}

fn day(
    field: &'static str,
    raw: &Option<String>,
    plus: u64,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, Invalid> {
    opt(raw)
        .map(|s| {
            Ok(clock::start_of(
                text::date(field, s)? + chrono::Days::new(plus),
            ))
        })
        .transpose()
}

/// The log newest first, within the reader's scope, a page at a time.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "browse_logins"))]
pub async fn browse(db: &Db, actor: &Actor, q: BrowseLogins) -> Result<Page<LoginEntry>, OpsError> {
    let within = actor
        .may_read_audit()
        .map_err(|_| OpsError::Forbidden(msg!("不能查看登录日志")))?
        .to_string();
    let mut tx = db.read().await?;
    let filter = LoginFilter {
        scope: crate::audit::log_scope(&mut tx, &within).await?,
        username: opt(&q.username).map(|u| u.to_ascii_lowercase()),
        result: opt(&q.result).map(LoginResult::parse).transpose()?,
        from: day("from", &q.from, 0)?,
        to: day("to", &q.to, 1)?,
    };
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    crate::audit::note_reading(
        db,
        actor,
        "login_log.browse",
        serde_json::json!({"username": filter.username, "result": q.result, "from": q.from,
            "to": q.to, "before": q.before}),
    )
    .await?;
    let mut rows = store::browse(&mut tx, &filter, q.before, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = more
        .then(|| rows.last().map(|r| r.id.to_string()))
        .flatten();
    Ok(Page {
        items: rows.into_iter().map(Into::into).collect(),
        total: None,
        next,
    })
}
