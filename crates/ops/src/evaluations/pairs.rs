//! The 双向评价 desk's list: the pairs a year owes within a scope, kept as rows from the year's
//! first listing, a page at a time by keyset, with progress from the kept tallies.

use crate::input::{opt, text_or_number};
use crate::{Actor, OpsError, Page};
use chrono::Datelike;
use jiceng_domain::clock;
use jiceng_domain::evaluations::{Grade, Subject};
use jiceng_domain::path::OrgPath;
use jiceng_domain::{Invalid, msg};
use jiceng_store::evaluations::pairs::{self as kept, PairKey, PairQuery, PairRow};
use jiceng_store::{Db, Tx};
use serde::{Deserialize, Serialize};

/// Which pairs to list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListPairs {
    #[serde(default, deserialize_with = "text_or_number")]
    pub year: Option<String>,
    /// An org code: pairs whose grading side sits in its subtree. Defaults to the scope.
    pub within: Option<String>,
    pub subject: Option<String>,
    /// Only the pairs still owing a grade.
    #[serde(default)]
    pub pending: bool,
    /// The `next` of the page before.
    pub after: Option<String>,
    /// Rows a page, 50 unless asked (1–500).
    pub limit: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Progress {
    pub subject: Subject,
    pub owed: i64,
    pub done: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Pairs {
    pub year: i32,
    /// Pairs owed and graded per subject over the whole scope (and subject, when asked),
    /// whatever `pending` says.
    pub progress: Vec<Progress>,
    pub page: Page<Pair>,
}

/// The pairs a year owes within a scope, with the grades given so far, by grading side.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "pairs"))]
pub async fn pairs(db: &Db, actor: &Actor, q: ListPairs) -> Result<Pairs, OpsError> {
    let year = match opt(&q.year) {
        Some(y) => super::year(y)?,
        // Evaluations are made at the turn of the year, about the year just ended.
        None => clock::today().year() - 1,
    };
    let subject = opt(&q.subject).map(Subject::parse).transpose()?;
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    // Who may list what is settled before anything is kept on their behalf.
    let (path, unit_id) = {
        let mut tx = db.read().await?;
        match (opt(&q.within), actor.own_unit_only()) {
            (_, Some(unit)) => ("/".to_string(), Some(unit)),
            (Some(code), None) => {
                let org = crate::orgs::policy::named(&mut tx, actor, "within", code).await?;
                actor.may_read(&org.path)?;
                (org.path, None)
            }
            (None, None) => {
                actor.may_read(actor.scope_path())?;
                (actor.scope_path().to_string(), None)
            }
        }
    };
    keep_once(db, year).await?;
    let pq = PairQuery {
        year,
        path: &path,
        subject,
        unit_id,
        pending_only: q.pending,
    };
    let mut tx = db.snapshot().await?;
    let after = match opt(&q.after) {
        Some(raw) => Some(cursor(&mut tx, &pq, raw).await?),
        None => None,
    };
    let progress = kept::progress(&mut tx, &pq)
        .await?
        .into_iter()
        .map(|(subject, owed, done)| Progress {
            subject,
            owed,
            done,
        })
        .collect();
    let rows = kept::page(
        &mut tx,
        &pq,
        after.as_ref().map(|(k, p)| (k, p.as_str())),
        limit + 1,
    )
    .await?;
    Ok(Pairs {
        year,
        progress,
        page: Page::after_last(
            rows,
            limit,
            |r| format!("{}.{}.{}", r.subject.code(), r.community_org_id, r.rated_id),
            Into::into,
        ),
    })
}

/// The pair `after` names, and its grading side's path: one this list does not hold (another
/// year, scope or unit, or none) is refused alike, naming nothing about it.
async fn cursor(tx: &mut Tx, q: &PairQuery<'_>, raw: &str) -> Result<(PairKey, String), OpsError> {
    let bad = || Invalid::new("after", raw, msg!("翻页位置无效，请从第一页重新开始"));
    let mut parts = raw.split('.');
    let (Some(subject), Some(community), Some(rated), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad().into());
    };
    let key = PairKey {
        year: q.year,
        subject: Subject::parse(subject).map_err(|_| bad())?,
        community_org_id: community.parse().map_err(|_| bad())?,
        rated_id: rated.parse().map_err(|_| bad())?,
    };
    let path = kept::rater_path(tx, &key).await?.ok_or_else(bad)?;
    let held = match q.unit_id {
        Some(unit) => key.rated_id == unit && key.subject != Subject::Member,
        None => OrgPath(q.path.to_string()).contains(&OrgPath(path.clone())),
    };
    if !held || q.subject.is_some_and(|s| s != key.subject) {
        return Err(bad().into());
    }
    Ok((key, path))
}

/// Keeps a year's pairs from its first listing: counted whole once under the writers' lock,
/// then kept by every write that changes them.
async fn keep_once(db: &Db, year: i32) -> Result<(), OpsError> {
    {
        let mut tx = db.read().await?;
        if kept::is_kept(&mut tx, year).await? {
            return Ok(());
        }
    }
    let mut tx = db.write().await?;
    if kept::is_kept(&mut tx, year).await? {
        return Ok(());
    }
    kept::keep(&mut tx, year).await?;
    tx.commit().await?;
    db.vacuum("evaluation_pairs").await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Pair {
    pub subject: Subject,
    pub community_org_id: i64,
    pub community_code: String,
    pub community_name: String,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub member_id: Option<i64>,
    pub member_name: Option<String>,
    pub evaluation_id: Option<i64>,
    pub grade: Option<Grade>,
    pub comment: Option<String>,
    pub evaluated_by: Option<String>,
}

impl From<PairRow> for Pair {
    fn from(r: PairRow) -> Self {
        Pair {
            subject: r.subject,
            community_org_id: r.community_org_id,
            community_code: r.community_code,
            community_name: r.community_name,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            member_id: r.member_id,
            member_name: r.member_name,
            evaluation_id: r.evaluation_id,
            grade: r.grade,
            comment: r.comment,
            evaluated_by: r.evaluated_by,
        }
    }
}
