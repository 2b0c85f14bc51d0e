//! Separated administrator duties (三员分立): the duty roles against each administrator use
//! case, before and after the split, the role changes the separation refuses, and the audit
//! administrator's own reading in the trail.

use crate::access::{PW, account, forbidden, not_found};
use crate::common::*;
use jiceng_ops::accounts::login_log::BrowseLogins;
use jiceng_ops::accounts::roles::AssignRole;
use jiceng_ops::accounts::{self, NewUser, duties, passwords, roles, sessions};
use jiceng_ops::audit::{self, BrowseAudit, retention};
use jiceng_ops::members::{self, ListMembers};
use jiceng_ops::{Actor, OpsError};
use jiceng_store::{Backend, Db};
use jiceng_testkit::both;

/// A fresh session's actor: what the account may do now, under the deployment's setting.
async fn now_as(db: &Db, username: &str) -> Actor {
    let s = accounts::login(db, username, PW, "test").await.unwrap();
    accounts::session_actor(db, &s.token).await.unwrap().0
}

fn new_worker(name: &str) -> NewUser {
    NewUser {
        username: s(name),
        password: s(PW),
        role: s("community_worker"),
        scope: s("C"),
        ..Default::default()
    }
}

fn invalid<T: std::fmt::Debug>(r: Result<T, OpsError>, field: &str) -> String {
    match r {
        Err(OpsError::Invalid(i)) => {
            assert_eq!(i.field, field);
            i.message.render(jiceng_domain::msg::Lang::Zh)
        }
        other => panic!("expected a refusal of {field}, got {other:?}"),
    }
}

/// What each actor may do among the administrator use cases, as one row of yes/no.
async fn row(db: &Db, a: &Actor, n: &mut u32) -> [bool; 6] {
    *n += 1;
    let policy = passwords::policy(db).await.unwrap();
    [
        accounts::create(db, a, new_worker(&format!("made{n}")))
            .await
            .is_ok(),
        passwords::set_policy(db, a, policy).await.is_ok(),
        retention::set_retention(db, a, 200).await.is_ok(),
        audit::browse(db, a, BrowseAudit::default()).await.is_ok(),
        jiceng_ops::accounts::login_log::browse(db, a, BrowseLogins::default())
            .await
            .is_ok(),
        members::list(db, a, ListMembers::default()).await.is_ok(),
    ]
}

#[both]
async fn each_duty_to_its_own_role_and_the_district_admin_until_the_split(on: Backend) {
    let t = city(on).await;
    let db = &t.db;
    let op = actor();
    // A split needs someone to hold each duty.
    let e = invalid(duties::set_split(db, &op, true).await, "split");
    assert!(e.contains("系统管理员"), "{e}");
    assert!(!duties::duties(db, &op).await.unwrap().split);

    account(db, "dist", "district_admin", None, None, None).await;
    account(db, "street", "street_admin", Some("S"), None, None).await;
    account(db, "sys", "system_admin", None, None, None).await;
    account(db, "sec", "security_admin", None, None, None).await;
    account(db, "aud", "audit_admin", None, None, None).await;
    let mut n = 0;
    //                          accounts, policy, retention, audit, logins, members
    let before = [
        ("dist", [true, true, true, true, true, true]),
        ("street", [true, false, false, true, true, true]),
        ("sys", [true, false, false, false, false, false]),
        ("sec", [false, true, true, false, false, false]),
        ("aud", [false, false, false, true, true, false]),
    ];
    for (who, want) in before {
        let a = now_as(db, who).await;
        assert_eq!(row(db, &a, &mut n).await, want, "{who} before the split");
    }
    // Only the operator makes duty accounts and splits the duties.
    let dist = now_as(db, "dist").await;
    let made = accounts::create(
        db,
        &dist,
        NewUser {
            role: s("security_admin"),
            scope: None,
            ..new_worker("sec2")
        },
    )
    .await;
    assert!(
        forbidden(made),
        "a business administrator makes no duty account"
    );
    assert!(forbidden(duties::set_split(db, &dist, true).await));

    let d = duties::set_split(db, &op, true).await.unwrap();
    assert!(d.split);
    assert!(d.holders.iter().all(|h| h.accounts == 1), "{d:?}");
    let after = [
        ("dist", [false, false, false, false, false, true]),
        ("street", [false, false, false, false, false, true]),
        ("sys", [true, false, false, false, false, false]),
        ("sec", [false, true, true, false, false, false]),
        ("aud", [false, false, false, true, true, false]),
    ];
    for (who, want) in after {
        let a = now_as(db, who).await;
        assert_eq!(row(db, &a, &mut n).await, want, "{who} after the split");
    }
    // The system administrator makes accounts, but what they may do is the security
    // administrator's to grant: a district administrator it makes waits, and so does an
    // account whose password it resets.
    let sys = now_as(db, "sys").await;
    accounts::create(
        db,
        &sys,
        NewUser {
            role: s("district_admin"),
            scope: None,
            ..new_worker("sysmade")
        },
    )
    .await
    .unwrap();
    let e = accounts::login(db, "sysmade", PW, "test")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("授予角色"), "{e}");
    let sec = now_as(db, "sec").await;
    let id = count(db, "SELECT id FROM users WHERE username = 'sysmade'").await;
    roles::assign(
        db,
        &sec,
        id,
        AssignRole {
            role: s("street_admin"),
            scope: s("S"),
        },
    )
    .await
    .unwrap();
    now_as(db, "sysmade").await;
    accounts::reset_password(db, &sys, "street", "Reset-by-sys-1")
        .await
        .unwrap();
    let e = accounts::login(db, "street", "Reset-by-sys-1", "test")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("授予角色"), "{e}");
    let id = count(db, "SELECT id FROM users WHERE username = 'street'").await;
    roles::assign(
        db,
        &sec,
        id,
        AssignRole {
            role: s("street_admin"),
            scope: s("S"),
        },
    )
    .await
    .unwrap();
    accounts::login(db, "street", "Reset-by-sys-1", "test")
        .await
        .unwrap();
    // A duty administrator acts on no duty account: the security administrator neither ends
    // the audit administrator's sessions nor removes its second factor.
    let aud_session = sessions::list(db, &now_as(db, "aud").await, false, None)
        .await
        .unwrap()
        .remove(0);
    assert!(
        !sessions::list(db, &sec, true, None)
            .await
            .unwrap()
            .iter()
            .any(|s| s.username == "aud")
    );
    assert!(not_found(sessions::end(db, &sec, &aud_session.id).await));
    let aud_id = count(db, "SELECT id FROM users WHERE username = 'aud'").await;
    assert!(not_found(
        accounts::second_factor::manage(db, &sec, aud_id, None, true).await
    ));

    // Joining them again gives the district administrator back what it held.
    duties::set_split(db, &op, false).await.unwrap();
    let dist = now_as(db, "dist").await;
    assert_eq!(row(db, &dist, &mut n).await, [true; 6]);
}

#[both]
async fn no_account_holds_two_duties_and_a_refusal_writes_nothing(on: Backend) {
    let t = city(on).await;
    let db = &t.db;
    account(db, "sys", "system_admin", None, None, None).await;
    account(db, "sec", "security_admin", None, None, None).await;
    account(db, "aud", "audit_admin", None, None, None).await;
    account(db, "worker", "community_worker", Some("C"), None, None).await;
    duties::set_split(db, &actor(), true).await.unwrap();
    let sec = now_as(db, "sec").await;
    let id_of = |name: &'static str| async move {
        count(
            db,
            &format!("SELECT id FROM users WHERE username = '{name}'"),
        )
        .await
    };
    let role_of = |name: &'static str| async move {
        let op = actor();
        accounts::list(db, &op, 1, 50)
            .await
            .unwrap()
            .items
            .into_iter()
            .find(|u| u.username == name)
            .unwrap()
            .role
    };
    let entries = || async { count(db, "SELECT COUNT(*) FROM audit_log").await };
    let give = |role: &str, scope: Option<&str>| AssignRole {
        role: s(role),
        scope: scope.map(str::to_string),
    };
    // Even the operator cannot make a duty account hold a second duty.
    let written = entries().await;
    for (who, to) in [
        ("sys", "audit_admin"),
        ("aud", "security_admin"),
        ("sys", "street_admin"),
    ] {
        let id = id_of(who).await;
        let scope = (to == "street_admin").then_some("S");
        let e = invalid(
            roles::assign(db, &actor(), id, give(to, scope)).await,
            "role",
        );
        assert!(e.contains("三员分立"), "{e}");
    }
    let e = invalid(
        roles::assign(db, &sec, id_of("worker").await, give("system_admin", None)).await,
        "role",
    );
    assert!(e.contains("业务账号不能改任"), "{e}");
    assert_eq!(entries().await, written, "nothing written");
    assert_eq!(role_of("sys").await, jiceng_domain::Role::SystemAdmin);

    // The security administrator gives a business account another role and scope.
    let v = roles::assign(
        db,
        &sec,
        id_of("worker").await,
        give("grid_worker", Some("C2")),
    )
    .await
    .unwrap();
    assert_eq!(v.role, jiceng_domain::Role::GridWorker);
    assert_eq!(v.scope_code.as_deref(), Some("C2"));
    let last = audit::browse(db, &actor(), BrowseAudit::default())
        .await
        .unwrap()
        .items;
    assert_eq!(last[0].operation, "user.role");
    let worker = now_as(db, "worker").await;
    assert_eq!(
        worker.scope_code(),
        Some("C2"),
        "the new scope takes effect"
    );
    // A role its account cannot have without its record, and an unknown scope, are refused.
    invalid(
        roles::assign(db, &sec, id_of("worker").await, give("member", None)).await,
        "role",
    );
    invalid(
        roles::assign(
            db,
            &sec,
            id_of("worker").await,
            give("grid_worker", Some("NOPE")),
        )
        .await,
        "scope",
    );
    // Nobody else changes roles after the split; out of reach answers as not found.
    let street = account(db, "street2", "street_admin", Some("S"), None, None).await;
    assert!(not_found(
        roles::assign(
            db,
            &street,
            id_of("worker").await,
            give("community_worker", Some("C"))
        )
        .await
    ));
    // The security administrator ends anyone's session; sees every one.
    let all = sessions::list(db, &sec, true, None).await.unwrap();
    assert!(all.iter().any(|s| s.username == "worker"), "{all:?}");
    let theirs = all.iter().find(|s| s.username == "worker").unwrap();
    sessions::end(db, &sec, &theirs.id).await.unwrap();
}

#[both]
async fn the_audit_administrators_reading_is_audited(on: Backend) {
    let t = city(on).await;
    let db = &t.db;
    let aud = account(db, "aud", "audit_admin", None, None, None).await;
    let dist = account(db, "dist", "district_admin", None, None, None).await;
    let before = count(db, "SELECT COUNT(*) FROM audit_log").await;
    audit::browse(
        db,
        &aud,
        BrowseAudit {
            operation: s("user"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    jiceng_ops::accounts::login_log::browse(db, &aud, BrowseLogins::default())
        .await
        .unwrap();
    let v = audit::verify(db, &aud).await.unwrap();
    assert!(v.first_broken.is_none(), "{v:?}");
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM audit_log").await,
        before + 3
    );
    let mine = audit::browse(
        db,
        &dist,
        BrowseAudit {
            actor: s("user:aud"),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .items;
    let ops: Vec<&str> = mine.iter().map(|e| e.operation.as_str()).collect();
    // Newest first, after the sign-in that began them.
    assert_eq!(
        ops,
        [
            "audit.verify",
            "login_log.browse",
            "audit.browse",
            "auth.login"
        ]
    );
    assert!(mine[2].after_json.as_deref().unwrap().contains("\"user\""));
    // Another reader's look is not an entry.
    audit::browse(db, &dist, BrowseAudit::default())
        .await
        .unwrap();
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM audit_log").await,
        before + 3
    );
    // And no role deletes an entry.
    for a in [&aud, &dist, &actor()] {
        assert!(forbidden(audit::delete_entry(a)));
    }
}
