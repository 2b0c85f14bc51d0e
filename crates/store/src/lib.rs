//! Schema and queries of jiceng. One schema and one set of SQL for SQLite and PostgreSQL:
//! queries use `$n` placeholders, which both accept, and [`Tx`] runs each on either backend.

mod db;
mod error;
mod migrate;

pub mod accounts;
pub mod activities;
pub mod assessment;
pub mod audit;
pub mod audit_archive;
pub mod audit_key;
pub mod bookings;
pub mod boundaries;
pub mod cases;
pub mod cobuilding;
pub mod committee;
pub mod divisions;
pub mod errands;
pub mod evaluations;
pub mod import_jobs;
pub mod keyset;
pub mod login_log;
pub mod matching;
pub mod members;
pub mod needs;
pub mod orglife;
pub mod orgs;
pub mod patrols;
pub mod places;
pub mod points;
pub mod positions;
pub mod problems;
pub mod projects;
pub mod registrations;
pub mod residents;
pub mod resources;
pub mod service;
pub mod throttles;
pub mod units;
pub mod volunteers;
pub mod wishes;

pub use db::{Backend, Db, Lease, Tx};
pub use error::StoreError;
pub use migrate::{MIGRATIONS, Migration};

#[cfg(any(test, feature = "testing"))]
pub mod testing;

/// Placeholders for a multi-row VALUES list of `rows` rows of `cols` columns: `$1, $2, …` on
/// PostgreSQL, plain `?` on SQLite, whose lookup of numbered parameters is linear in their
/// count and makes a 10,000-parameter insert quadratic.
pub(crate) fn values_list(backend: Backend, rows: usize, cols: usize) -> String {
    let mut s = String::with_capacity(rows * cols * 6);
    for r in 0..rows {
        if r > 0 {
            s.push(',');
        }
        s.push('(');
        for c in 0..cols {
            if c > 0 {
                s.push(',');
            }
            match backend {
                Backend::Sqlite => s.push('?'),
                Backend::Postgres => {
                    s.push('$');
                    s.push_str(&(r * cols + c + 1).to_string());
                }
            }
        }
        s.push(')');
    }
    s
}

/// `$from, $from+1, …` for an IN list of `n` values.
pub(crate) fn in_list(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(",")
}
