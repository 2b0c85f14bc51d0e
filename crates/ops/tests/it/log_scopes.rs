//! The audit trail and the login log read within a scope by the levels each line keeps: every
//! page of a district's and a street's reader holds exactly the lines whose path
//! lay in its scope, recounted from the paths, before and after an org moves; on SQLite or
//! PostgreSQL.

use crate::access::account;
use crate::common::*;
use jiceng_ops::accounts::login_log::{self, BrowseLogins};
use jiceng_ops::audit::{self, BrowseAudit};
use jiceng_ops::{Actor, Db, members, orgs};
use jiceng_store::Backend;
use jiceng_testkit::both;

/// Every page of the reader's audit trail, two entries a page, as seqs.
async fn audit_pages(db: &Db, a: &Actor) -> Vec<i64> {
    let (mut seen, mut before) = (Vec::new(), None);
    loop {
        let p = audit::browse(
            db,
            a,
            BrowseAudit {
                before,
                limit: Some(2),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        seen.extend(p.items.iter().map(|e| e.seq.unwrap()));
        match p.next {
            Some(n) => before = Some(n.parse().unwrap()),
            None => return seen,
        }
    }
}

/// Every page of the reader's login log, two lines a page, as ids.
async fn login_pages(db: &Db, a: &Actor) -> Vec<i64> {
    let (mut seen, mut before) = (Vec::new(), None);
    loop {
        let p = login_log::browse(
            db,
            a,
            BrowseLogins {
                before,
                limit: Some(2),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        seen.extend(p.items.iter().map(|e| e.id));
        match p.next {
            Some(n) => before = Some(n.parse().unwrap()),
            None => return seen,
        }
    }
}

/// A reader scoped at `code` against the lines whose path lies under the org's path as it
/// stood when `path` was read (before a move, the old one).
async fn reads_as_recounted(db: &Db, a: &Actor, path: &str, after: &str) {
    let up = jiceng_domain::path::upper(path);
    let range = format!("path >= '{path}' AND path < '{up}'");
    let want = ints(
        db,
        &format!("SELECT seq FROM audit_log WHERE {range} ORDER BY seq DESC"),
    )
    .await;
    assert_eq!(audit_pages(db, a).await, want, "audit under {path} {after}");
    let want = ints(
        db,
        &format!("SELECT id FROM login_log WHERE {range} ORDER BY id DESC"),
    )
    .await;
    assert!(!want.is_empty(), "{path} {after}: the readers signed in");
    assert_eq!(
        login_pages(db, a).await,
        want,
        "logins under {path} {after}"
    );
}

async fn path_of(db: &Db, code: &str) -> String {
    texts(db, &format!("SELECT path FROM orgs WHERE code = '{code}'")).await[0].clone()
}

#[both]
async fn scoped_logs_hold_exactly_the_lines_in_scope(on: Backend) {
    let t = city(on).await;
    let (db, a) = (&t.db, actor());
    orgs::add(db, &a, new_org("S2", "street", Some("D"), "350302001"))
        .await
        .unwrap();
    for (i, org) in ["B1", "B2", "B1"].iter().enumerate() {
        members::add(
            db,
            &a,
            new_member(&format!("党员{i}"), 81 + 2 * i as u32, org),
        )
        .await
        .unwrap();
    }
    let district = account(db, "district1", "district_admin", Some("D"), None, None).await;
    let street = account(db, "street1", "street_admin", Some("S"), None, None).await;
    let street2 = account(db, "street2", "street_admin", Some("S2"), None, None).await;
    account(db, "sec1", "community_secretary", Some("C"), None, None).await;
    let (d, s1, s2) = (
        path_of(db, "D").await,
        path_of(db, "S").await,
        path_of(db, "S2").await,
    );
    reads_as_recounted(db, &district, &d, "at first").await;
    reads_as_recounted(db, &street, &s1, "at first").await;
    reads_as_recounted(db, &street2, &s2, "at first").await;

    // The community moves to S2: what was written before stays where it was written, and
    // what is written after lies under S2.
    orgs::move_to(db, &a, "C", "S2").await.unwrap();
    members::add(db, &a, new_member("党员新", 91, "B2"))
        .await
        .unwrap();
    account(db, "sec2", "community_secretary", Some("C"), None, None).await;
    reads_as_recounted(db, &district, &d, "after the move").await;
    reads_as_recounted(db, &street, &s1, "after the move").await;
    reads_as_recounted(db, &street2, &s2, "after the move").await;

    // An org deleted: its entry is written under its path as the org goes, and stays there.
    orgs::add(db, &a, new_org("G9", "group", Some("B1"), COMMUNITY_DIV))
        .await
        .unwrap();
    orgs::delete(db, &a, "G9").await.unwrap();
    let deleted = ints(
        db,
        "SELECT seq FROM audit_log WHERE operation = 'org.delete' ORDER BY seq DESC",
    )
    .await;
    assert_eq!(deleted.len(), 1);
    assert!(audit_pages(db, &street2).await.contains(&deleted[0]));
    reads_as_recounted(db, &district, &d, "after a delete").await;
    reads_as_recounted(db, &street2, &s2, "after a delete").await;
}
