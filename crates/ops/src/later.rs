//! Writes a batch of records leaves to its end. An import adds thousands of members in one
//! transaction: counting each on its org's ancestors, and linking each audit entry at the
//! chain's head, as it goes would update the same few rows once a record, and PostgreSQL
//! keeps every version of a row a transaction updated, so each later read of it walks them
//! all. Gathered here, they are written once: the counts summed per org, the entries
//! appended together.

use crate::OpsError;
use jiceng_store::{Tx, audit, orgs};
use std::collections::BTreeMap;

struct Entry {
    actor: String,
    operation: &'static str,
    target: String,
    path: Option<String>,
    before: Option<String>,
    after: Option<String>,
}

#[derive(Default)]
pub(crate) struct Later {
    members: BTreeMap<String, i64>,
    added: Vec<(i64, String)>,
    audit: Vec<Entry>,
}

/// Above this many new members a batch counts the points of their orgs' whole subtree at
/// once rather than each member's.
const ONE_BY_ONE: usize = 100;

impl Later {
    /// `n` more members directly in the org at `path`.
    pub fn count_members(&mut self, path: &str, n: i64) {
        *self.members.entry(path.to_string()).or_default() += n;
    }

    /// A new member, whose points the kept totals must count.
    pub fn added(&mut self, id: i64, path: &str) {
        self.added.push((id, path.to_string()));
    }

    pub fn audit(
        &mut self,
        actor: String,
        operation: &'static str,
        target: String,
        path: Option<&str>,
        before: Option<String>,
        after: Option<String>,
    ) {
        self.audit.push(Entry {
            actor,
            operation,
            target,
            path: path.map(str::to_string),
            before,
            after,
        });
    }

    /// Writes what was gathered, in the caller's transaction.
    pub async fn flush(&mut self, tx: &mut Tx) -> Result<(), OpsError> {
        for (path, n) in std::mem::take(&mut self.members) {
            orgs::add_members(tx, &path, n).await?;
        }
        let added = std::mem::take(&mut self.added);
        if added.len() > ONE_BY_ONE {
            let under = jiceng_domain::path::common(added.iter().map(|a| a.1.as_str()));
            crate::points::kept::subtree(tx, &under, None, &[]).await?;
        } else {
            let ids: Vec<i64> = added.iter().map(|a| a.0).collect();
            crate::points::kept::members(tx, &ids, None).await?;
        }
        let entries = std::mem::take(&mut self.audit);
        for chunk in entries.chunks(5_000) {
            let borrowed: Vec<audit::Entry> = chunk
                .iter()
                .map(|e| audit::Entry {
                    actor: &e.actor,
                    operation: e.operation,
                    target: &e.target,
                    path: e.path.as_deref(),
                    before: e.before.clone(),
                    after: e.after.clone(),
                })
                .collect();
            audit::append_many(tx, &borrowed).await?;
        }
        Ok(())
    }
}
