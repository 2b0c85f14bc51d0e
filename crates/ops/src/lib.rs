//! Use cases of jiceng. Each public function is one use case that every front door calls:
//! it checks the actor's access, applies the domain rules, writes through the store and
//! appends the audit entry, all in one transaction.

mod access;
mod error;
mod input;
mod later;
mod refusal;

pub mod accounts;
pub mod activities;
pub mod assessment;
pub mod audit;
mod batching;
pub mod bookings;
pub mod cases;
pub mod cobuilding;
pub mod console;
pub mod divisions;
pub mod errands;
pub mod evaluations;
pub mod grids;
pub mod home;
pub mod imports;
pub mod matching;
pub mod members;
pub mod needs;
pub mod orglife;
pub mod orgs;
pub mod points;
pub mod positions;
pub mod problems;
pub mod projects;
pub mod registrations;
pub mod residents;
pub mod resources;
pub mod service;
mod throttle;
pub mod units;
pub mod volunteers;
pub mod wishes;

pub use access::{Actor, UserActor};
pub use error::{ErrorBody, OpsError};
pub use jiceng_store::Db;

/// One page of a list, with the key to ask for the next.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Total rows matching, where it is known without a scan.
    pub total: Option<i64>,
    /// Pass as `after` to get the next page; `None` on the last page.
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// A numbered page from `rows` fetched with one row more than `per_page`, which tells
    /// whether another page follows.
    /// Every row at once: a list short by nature (a member's own wishes, a unit's own
    /// agreements), with no page after it.
    pub(crate) fn whole<R: Into<T>>(rows: Vec<R>) -> Page<T> {
        Page {
            total: Some(rows.len() as i64),
            items: rows.into_iter().map(Into::into).collect(),
            next: None,
        }
    }

    /// A keyset page from `rows` fetched with one row more than `limit`; `next` is the last
    /// row's position, as `key` gives it.
    pub(crate) fn keyset<R>(
        rows: Vec<R>,
        limit: i64,
        key: impl Fn(&R) -> jiceng_domain::keyset::Cursor,
        into: impl Fn(R) -> T,
    ) -> Page<T> {
        Page::after_last(
            rows,
            limit,
            |r| {
                let (at, id) = key(r);
                jiceng_domain::keyset::write(at, id)
            },
            into,
        )
    }

    /// The same with the cursor as `next_of` writes it for the last row.
    pub(crate) fn after_last<R>(
        mut rows: Vec<R>,
        limit: i64,
        next_of: impl Fn(&R) -> String,
        into: impl Fn(R) -> T,
    ) -> Page<T> {
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next = if more { rows.last().map(next_of) } else { None };
        Page {
            items: rows.into_iter().map(into).collect(),
            total: None,
            next,
        }
    }

    pub(crate) fn numbered<R: Into<T>>(mut rows: Vec<R>, page: i64, per_page: i64) -> Page<T> {
        let more = rows.len() as i64 > per_page;
        rows.truncate(per_page as usize);
        Page {
            items: rows.into_iter().map(Into::into).collect(),
            total: None,
            next: more.then(|| (page + 1).to_string()),
        }
    }
}
