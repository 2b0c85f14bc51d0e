//! Accounts, sign-in, sessions, tokens, the audit chain, and the access matrix: each role,
//! in scope and out of scope, against each use case.

use crate::common::*;
use jiceng_ops::accounts::{self, NewUser};
use jiceng_ops::audit::{self, BrowseAudit};
use jiceng_ops::members::{self, ListMembers};
use jiceng_ops::orgs::{self, ListOrgs, NewOrg};
use jiceng_ops::units::{self, NewUnit};
use jiceng_ops::{Actor, OpsError, registrations, residents};
use jiceng_store::Backend;
use jiceng_store::Db;
use jiceng_testkit::both;

pub(crate) const PW: &str = "Jiceng-2026";

pub(crate) async fn account(
    db: &Db,
    username: &str,
    role: &str,
    scope: Option<&str>,
    member: Option<i64>,
    unit: Option<i64>,
) -> Actor {
    let department = (role == "department_handler").then(|| "cgj".to_string());
    if department.is_some() {
        jiceng_ops::cases::departments::add(db, &actor(), "cgj", "城市管理局")
            .await
            .unwrap();
    }
    accounts::create(
        db,
        &actor(),
        NewUser {
            username: s(username),
            password: s(PW),
            role: s(role),
            scope: scope.map(str::to_string),
            member_id: member,
            unit_id: unit,
            department,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let session = accounts::login(db, username, PW, "test").await.unwrap();
    accounts::session_actor(db, &session.token).await.unwrap().0
}

pub(crate) fn forbidden<T: std::fmt::Debug>(r: Result<T, OpsError>) -> bool {
    matches!(r, Err(OpsError::Forbidden(_)))
}

/// Out of scope answers as a record that does not exist.
pub(crate) fn not_found<T: std::fmt::Debug>(r: Result<T, OpsError>) -> bool {
    matches!(r, Err(OpsError::NotFound { .. }))
}

#[both]
async fn lockout_after_five_failures_and_generic_errors(on: Backend) {
    let t = city(on).await;
    account(&t.db, "worker1", "community_worker", Some("C"), None, None).await;
    let unknown = accounts::login(&t.db, "nobody", PW, "test")
        .await
        .unwrap_err();
    let wrong = accounts::login(&t.db, "worker1", "wrongpass1", "test")
        .await
        .unwrap_err();
    assert_eq!(
        unknown.to_string(),
        wrong.to_string(),
        "no hint whether the name exists"
    );
    for _ in 0..3 {
        accounts::login(&t.db, "worker1", "wrongpass1", "test")
            .await
            .unwrap_err();
    }
    // Five wrong from one address: that address waits for that account, whether the account
    // exists or not, with the same words.
    let locked = accounts::login(&t.db, "worker1", "wrongpass1", "test")
        .await
        .unwrap_err();
    assert!(locked.to_string().contains("分钟后再试"), "{locked}");
    for _ in 0..5 {
        let _ = accounts::login(&t.db, "nobody", PW, "test").await;
    }
    let nobody = accounts::login(&t.db, "nobody", PW, "test")
        .await
        .unwrap_err();
    assert_eq!(
        nobody.to_string(),
        locked.to_string(),
        "no hint whether the name exists"
    );
    let still = accounts::login(&t.db, "worker1", PW, "test")
        .await
        .unwrap_err();
    assert!(
        still.to_string().contains("分钟后再试"),
        "the right password waits too from that address: {still}"
    );
    // Finding 17: a stranger's failures elsewhere do not lock the owner out.
    accounts::login(&t.db, "worker1", PW, "the-owners-address")
        .await
        .expect("the owner signs in from their own address");
    let ops: Vec<String> = audit::browse(
        &t.db,
        &actor(),
        BrowseAudit {
            operation: s("auth"),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .items
    .into_iter()
    .map(|e| e.operation)
    .collect();
    assert!(ops.contains(&"auth.locked".to_string()), "{ops:?}");
    accounts::reset_password(&t.db, &actor(), "worker1", "New-pass-2026")
        .await
        .unwrap();
    let s = accounts::login(&t.db, "worker1", "New-pass-2026", "test")
        .await
        .expect("a reset lets the account sign in again from anywhere");
    assert!(
        s.must_change_password,
        "an administrator's reset forces a change"
    );
}

#[both]
async fn sessions_end_on_logout_and_password_change(on: Backend) {
    let t = city(on).await;
    account(&t.db, "sec1", "community_secretary", Some("C"), None, None).await;
    let a = accounts::login(&t.db, "sec1", PW, "test").await.unwrap();
    let b = accounts::login(&t.db, "sec1", PW, "test").await.unwrap();
    let (me, csrf) = accounts::session_actor(&t.db, &a.token).await.unwrap();
    assert_eq!(csrf, a.csrf);
    let e = accounts::change_password(&t.db, &me, "wrongold1", "Brand-new-2026", Some(&a.token))
        .await
        .unwrap_err();
    assert_eq!(e.body().field, Some("old_password"));
    accounts::change_password(&t.db, &me, PW, "Brand-new-2026", Some(&a.token))
        .await
        .unwrap();
    assert!(
        accounts::session_actor(&t.db, &a.token).await.is_ok(),
        "the session that changed it stays"
    );
    assert!(
        accounts::session_actor(&t.db, &b.token).await.is_err(),
        "other sessions end"
    );
    accounts::logout(&t.db, &a.token, "test").await.unwrap();
    assert!(matches!(
        accounts::session_actor(&t.db, &a.token).await,
        Err(OpsError::Unauthenticated(_))
    ));
    assert!(matches!(
        accounts::session_actor(&t.db, "forged").await,
        Err(OpsError::Unauthenticated(_))
    ));
}

#[both]
async fn tokens_carry_their_scope_and_can_be_revoked(on: Backend) {
    let t = city(on).await;
    let me = account(&t.db, "sec2", "community_secretary", Some("C"), None, None).await;
    let read = accounts::create_token(&t.db, &me, "报表", "read", Some(30))
        .await
        .unwrap();
    let write = accounts::create_token(&t.db, &me, "同步", "write", None)
        .await
        .unwrap();
    assert!(read.token.starts_with("jct_"));
    let reader = accounts::token_actor(&t.db, &read.token, "test")
        .await
        .unwrap();
    assert!(
        members::list(&t.db, &reader, ListMembers::default())
            .await
            .is_ok()
    );
    assert!(forbidden(
        members::add(&t.db, &reader, new_member("甲", 41, "B1")).await
    ));
    let writer = accounts::token_actor(&t.db, &write.token, "test")
        .await
        .unwrap();
    members::add(&t.db, &writer, new_member("甲", 41, "B1"))
        .await
        .unwrap();
    accounts::revoke_token(&t.db, &me, write.row.id)
        .await
        .unwrap();
    assert!(matches!(
        accounts::token_actor(&t.db, &write.token, "test").await,
        Err(OpsError::Unauthenticated(_))
    ));
    let e = accounts::create_token(&t.db, &me, "x", "admin", None)
        .await
        .unwrap_err();
    assert_eq!(e.body().field, Some("scope"));
}

#[both]
async fn accounts_cannot_outrank_or_outreach_their_creator(on: Backend) {
    let t = city(on).await;
    let street = account(&t.db, "street1", "street_admin", Some("S"), None, None).await;
    let e = accounts::create(
        &t.db,
        &street,
        NewUser {
            username: s("boss"),
            password: s(PW),
            role: s("district_admin"),
            scope: s("S"),
            ..Default::default()
        },
    )
    .await;
    assert!(forbidden(e));
    orgs::add(
        &t.db,
        &actor(),
        new_org("S2", "street", Some("D"), "350302002"),
    )
    .await
    .unwrap();
    let e = accounts::create(
        &t.db,
        &street,
        NewUser {
            username: s("other"),
            password: s(PW),
            role: s("community_worker"),
            scope: s("S2"),
            ..Default::default()
        },
    )
    .await;
    // Another street's org is refused as if it did not exist.
    assert!(
        matches!(&e, Err(OpsError::Invalid(i)) if i.field == "scope"),
        "{e:?}"
    );
    accounts::create(
        &t.db,
        &street,
        NewUser {
            username: s("wkr2"),
            password: s(PW),
            role: s("community_worker"),
            scope: s("C"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let e = accounts::create(
        &t.db,
        &actor(),
        NewUser {
            username: s("wkr2"),
            password: s(PW),
            role: s("grid_worker"),
            scope: s("B1"),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.body().field, Some("username"));
    let e = accounts::create(
        &t.db,
        &actor(),
        NewUser {
            username: s("wkr3"),
            password: s("short"),
            role: s("grid_worker"),
            scope: s("B1"),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.body().field, Some("password"));
    let e = accounts::create(
        &t.db,
        &actor(),
        NewUser {
            username: s("wkr4"),
            password: s(PW),
            role: s("grid_worker"),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.body().field, Some("scope"));
}

/// The matrix: for each role, one use case in its scope and the same outside it.
#[both]
async fn access_matrix(on: Backend) {
    let t = city(on).await;
    let op = actor();
    orgs::add(&t.db, &op, new_org("S2", "street", Some("D"), "350302002"))
        .await
        .unwrap();
    orgs::add(
        &t.db,
        &op,
        new_org("X", "community", Some("S2"), "350302002001"),
    )
    .await
    .unwrap();
    orgs::add(
        &t.db,
        &op,
        NewOrg {
            category: s("grid"),
            ..new_org("XB", "branch", Some("X"), "350302002001")
        },
    )
    .await
    .unwrap();
    orgs::add(
        &t.db,
        &op,
        NewOrg {
            category: s("unit"),
            ..new_org("U1", "branch", Some("C"), COMMUNITY_DIV)
        },
    )
    .await
    .unwrap();
    let unit = units::add(
        &t.db,
        &op,
        NewUnit {
            name: s("莆田市城市管理局"),
            category: s("机关"),
            division_code: s(COMMUNITY_DIV),
            org: s("U1"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let inside = members::add(&t.db, &op, new_member("本辖区", 51, "B1"))
        .await
        .unwrap();
    let outside = members::add(
        &t.db,
        &op,
        jiceng_ops::members::NewMember {
            residence_division: s("350302002001"),
            ..new_member("外辖区", 53, "XB")
        },
    )
    .await
    .unwrap();
    let me = members::add(&t.db, &op, new_member("我自己", 55, "B2"))
        .await
        .unwrap();

    let roles: Vec<(&str, Actor)> = vec![
        (
            "district_admin",
            account(&t.db, "role1", "district_admin", Some("D"), None, None).await,
        ),
        (
            "street_admin",
            account(&t.db, "role2", "street_admin", Some("S"), None, None).await,
        ),
        (
            "community_secretary",
            account(&t.db, "role3", "community_secretary", Some("C"), None, None).await,
        ),
        (
            "community_worker",
            account(&t.db, "role4", "community_worker", Some("C"), None, None).await,
        ),
        (
            "grid_worker",
            account(&t.db, "role5", "grid_worker", Some("B1"), None, None).await,
        ),
        (
            "department_handler",
            account(&t.db, "role6", "department_handler", Some("S"), None, None).await,
        ),
        (
            "unit_liaison",
            account(
                &t.db,
                "role7",
                "unit_liaison",
                None,
                None,
                Some(unit.row.id),
            )
            .await,
        ),
        (
            "member",
            account(&t.db, "role8", "member", None, Some(me.id), None).await,
        ),
        // The three administrator duties read and write no record (their own use cases are
        // in the duties tests).
        (
            "system_admin",
            account(&t.db, "role9", "system_admin", None, None, None).await,
        ),
        (
            "security_admin",
            account(&t.db, "role10", "security_admin", None, None, None).await,
        ),
        (
            "audit_admin",
            account(&t.db, "role11", "audit_admin", None, None, None).await,
        ),
        // A resident of C, signed in with a phone code: reads and writes no record.
        (
            "resident",
            resident(&t.db, "13500135001", "居民甲", "C", None).await.0,
        ),
    ];
    let (_, neighbour) = resident(&t.db, "13500135002", "居民乙", "C", None).await;
    for (role, a) in &roles {
        let duty = matches!(*role, "system_admin" | "security_admin" | "audit_admin");
        let reads = !matches!(*role, "member" | "resident") && !duty;
        let writes = matches!(
            *role,
            "district_admin" | "street_admin" | "community_secretary" | "community_worker"
        );
        let reaches_inside = !matches!(*role, "unit_liaison") && !duty;
        let reaches_outside = *role == "district_admin";

        let r = members::show(&t.db, a, inside.id, false).await;
        assert_eq!(
            r.is_ok(),
            reads && reaches_inside,
            "{role} reads a member in scope: {:?}",
            r.err()
        );
        let r = members::show(&t.db, a, outside.id, false).await;
        assert_eq!(
            r.is_ok(),
            reaches_outside,
            "{role} reads a member out of scope"
        );
        if !reaches_outside {
            assert!(not_found(r), "{role}: out of scope answers as not found");
        }
        let r = members::show(&t.db, a, me.id, false).await;
        let reaches_b2 = reaches_inside && *role != "grid_worker";
        assert_eq!(
            r.is_ok(),
            (reads && reaches_b2) || *role == "member",
            "{role} reads a file in B2 (the member's own)"
        );
        let r = orgs::show(&t.db, a, "X").await;
        assert_eq!(
            r.is_ok(),
            reaches_outside,
            "{role} shows an org out of scope"
        );
        let r = members::list(
            &t.db,
            a,
            ListMembers {
                within: s("XB"),
                ..Default::default()
            },
        )
        .await;
        assert_eq!(
            r.is_ok(),
            reaches_outside,
            "{role} lists members out of scope"
        );
        let listed = members::list(&t.db, a, ListMembers::default()).await;
        if reads {
            let ids: Vec<i64> = listed.unwrap().items.iter().map(|m| m.id).collect();
            assert_eq!(
                ids.contains(&outside.id),
                reaches_outside,
                "{role}: default list stays in scope"
            );
        } else {
            assert!(forbidden(listed));
        }
        let r = orgs::list(&t.db, a, ListOrgs::default()).await;
        if reads {
            assert_eq!(
                r.unwrap().items.iter().any(|o| o.row.code == "X"),
                reaches_outside,
                "{role}: default org list stays in scope"
            );
        }

        let r = members::transfer(&t.db, a, inside.id, "B2", None, None).await;
        let expect = writes && reaches_inside;
        assert_eq!(
            r.is_ok(),
            expect,
            "{role} writes in scope: {:?}",
            r.as_ref().err()
        );
        if r.is_ok() {
            members::transfer(&t.db, &op, inside.id, "B1", None, None)
                .await
                .unwrap();
        }
        let r = members::transfer(&t.db, a, outside.id, "X", None, None).await;
        assert_eq!(
            r.is_ok(),
            writes && reaches_outside,
            "{role} writes out of scope"
        );
        let r = orgs::add(
            &t.db,
            a,
            new_org(&format!("N{role}"), "group", Some("XB"), "350302002001"),
        )
        .await;
        assert_eq!(
            r.is_ok(),
            writes && reaches_outside,
            "{role} adds an org out of scope"
        );

        // A resident of C: read by the readers whose scope holds C, reviewed by its writers.
        let reaches_c = matches!(
            *role,
            "district_admin"
                | "street_admin"
                | "community_secretary"
                | "community_worker"
                | "department_handler"
        );
        let r = residents::get(&t.db, a, neighbour.id, false).await;
        assert_eq!(r.is_ok(), reaches_c, "{role} reads a resident of C");
        if !reaches_c {
            assert!(not_found(r), "{role}: a resident out of reach is not found");
        }
        let r = residents::list(&t.db, a, Default::default()).await;
        assert_eq!(r.is_ok(), reads, "{role} lists the residents of its scope");

        let reveal = members::show(&t.db, a, inside.id, true).await;
        let sees = matches!(
            *role,
            "district_admin" | "street_admin" | "community_secretary"
        );
        assert_eq!(reveal.is_ok(), sees, "{role} reveals personal data");
        let audit = audit::browse(&t.db, a, BrowseAudit::default()).await;
        assert_eq!(
            audit.is_ok(),
            matches!(*role, "district_admin" | "street_admin" | "audit_admin"),
            "{role} browses the audit trail"
        );
    }
    // A street admin's audit view holds nothing from the other street.
    let street = &roles[1].1;
    let seen = audit::browse(
        &t.db,
        street,
        BrowseAudit {
            limit: Some(500),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(!seen.items.is_empty());
    assert!(
        seen.items
            .iter()
            .all(|e| e.target != format!("member:{}", outside.id))
    );
    // The member registers themself (双报到); the liaison registers their own unit.
    let member = &roles[7].1;
    let employed = members::show(&t.db, &op, me.id, false).await.unwrap();
    assert!(employed.member.categories.contains(&"在职"));
    registrations::register_member(&t.db, member, me.id, "C", None)
        .await
        .expect("self-registration");
    let liaison = &roles[6].1;
    registrations::register_unit(&t.db, liaison, unit.row.id, "C", None)
        .await
        .expect("own unit");
    let other = units::add(
        &t.db,
        &op,
        NewUnit {
            name: s("邻居公司"),
            category: s("非公企业"),
            division_code: s(COMMUNITY_DIV),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(units::show(&t.db, liaison, unit.row.id).await.is_ok());
    assert!(
        not_found(units::show(&t.db, liaison, other.row.id).await),
        "a liaison reads only their own unit; another answers as not found"
    );
    let listed = units::list(&t.db, liaison, Default::default())
        .await
        .unwrap();
    assert_eq!(
        listed.items.iter().map(|u| u.row.id).collect::<Vec<_>>(),
        vec![unit.row.id]
    );
}

#[both]
async fn audit_chain_verifies_and_finds_tampering(on: Backend) {
    let t = city(on).await;
    let op = actor();
    let m = members::add(&t.db, &op, new_member("甲", 61, "B1"))
        .await
        .unwrap();
    members::transfer(&t.db, &op, m.id, "B2", None, None)
        .await
        .unwrap();
    let v = audit::verify(&t.db, &op).await.unwrap();
    assert!(v.first_broken.is_none(), "{v:?}");
    assert!(v.entries >= 8);

    let tamper = |sql: &'static str| {
        let db = t.db.clone();
        async move {
            match &db {
                Db::Sqlite(p, _) => sqlx::query(sql).execute(p).await.map(|_| ()).unwrap(),
                Db::Pg(p) => sqlx::query(sql).execute(p).await.map(|_| ()).unwrap(),
            }
        }
    };
    tamper("UPDATE audit_log SET after_json = '{}' WHERE seq = 3").await;
    let v = audit::verify(&t.db, &op).await.unwrap();
    let b = v.first_broken.expect("an edited entry breaks the chain");
    assert_eq!(b.seq, 3);
    assert_eq!(v.entries, 2);
}

#[both]
async fn deleting_the_last_entry_is_noticed(on: Backend) {
    let t = city(on).await;
    let op = actor();
    members::add(&t.db, &op, new_member("乙", 63, "B1"))
        .await
        .unwrap();
    let last = match &t.db {
        Db::Sqlite(p, _) => {
            sqlx::query("DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)")
                .execute(p)
                .await
                .unwrap()
                .rows_affected()
        }
        Db::Pg(p) => {
            sqlx::query("DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)")
                .execute(p)
                .await
                .unwrap()
                .rows_affected()
        }
    };
    assert_eq!(last, 1);
    let v = audit::verify(&t.db, &op).await.unwrap();
    assert!(v.first_broken.is_some(), "{v:?}");
}

/// The login log: every sign-in, refusal, lockout and sign-out, with the address and the
/// browser, in the same transaction as what it records; read within the reader's scope, by
/// those who read the audit trail, a page at a time.
#[both]
async fn the_login_log_records_every_sign_in_and_out(on: Backend) {
    use jiceng_ops::accounts::login_log::{self, BrowseLogins, Client};
    let t = city(on).await;
    account(&t.db, "sec1", "community_secretary", Some("C"), None, None).await;
    let street = account(&t.db, "street1", "street_admin", Some("S"), None, None).await;
    let from = Client {
        address: "192.0.2.7",
        agent: "Mozilla/5.0 测试浏览器",
    };
    accounts::login(&t.db, "sec1", "Wrong-pass-1", from)
        .await
        .unwrap_err();
    accounts::login(&t.db, "nobody", "Wrong-pass-1", from)
        .await
        .unwrap_err();
    let s = accounts::login(&t.db, "sec1", PW, from).await.unwrap();
    accounts::logout(&t.db, &s.token, from).await.unwrap();
    for _ in 0..5 {
        let _ = accounts::login(&t.db, "sec1", "Wrong-pass-1", "198.51.100.1").await;
    }
    let lines = |q: BrowseLogins| {
        let (db, street) = (t.db.clone(), street.clone());
        async move { login_log::browse(&db, &street, q).await.unwrap().items }
    };
    let mine = lines(BrowseLogins {
        username: Some("sec1".into()),
        ..Default::default()
    })
    .await;
    let results: Vec<&str> = mine.iter().rev().map(|e| e.result.code()).collect();
    assert_eq!(
        results,
        [
            "success", "failure", "success", "logout", "failure", "failure", "failure", "failure",
            "locked"
        ],
        "oldest first here: the test's own sign-in, then the story"
    );
    let success = mine.iter().find(|e| e.result.code() == "success").unwrap();
    assert_eq!(success.address, "192.0.2.7");
    assert_eq!(success.user_agent, "Mozilla/5.0 测试浏览器");
    let all = lines(BrowseLogins::default()).await;
    assert!(
        all.iter().all(|e| e.username != "nobody"),
        "a name no account has is the deployment's to read, not a street's"
    );
    let root = login_log::browse(
        &t.db,
        &actor(),
        BrowseLogins {
            username: Some("nobody".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .items;
    assert_eq!(root.len(), 1);
    assert_eq!(root[0].reason.as_deref(), Some("用户名不存在"));
    let locked = lines(BrowseLogins {
        result: Some("locked".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(locked.len(), 1);
    let page = login_log::browse(
        &t.db,
        &street,
        BrowseLogins {
            limit: Some(3),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let next = page.next.expect("more than three").parse().unwrap();
    let rest = login_log::browse(
        &t.db,
        &street,
        BrowseLogins {
            before: Some(next),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        page.items.len() + rest.items.len(),
        all.len(),
        "pages add up"
    );
    let w = account(&t.db, "worker9", "community_worker", Some("C"), None, None).await;
    let e = login_log::browse(&t.db, &w, BrowseLogins::default())
        .await
        .unwrap_err();
    assert!(matches!(e, OpsError::Forbidden(_)), "{e}");
}

/// Online sessions: an account sees and ends its own; a manager of accounts sees those of
/// the accounts it manages and signs them out (logged and audited); a session the actor does
/// not reach answers as one that does not exist.
#[both]
async fn sessions_are_listed_and_ended_by_their_owner_or_a_manager(on: Backend) {
    use jiceng_ops::accounts::login_log::Client;
    use jiceng_ops::accounts::sessions;
    let t = city(on).await;
    let street = account(&t.db, "street1", "street_admin", Some("S"), None, None).await;
    account(&t.db, "sec1", "community_secretary", Some("C"), None, None).await;
    account(&t.db, "district1", "district_admin", Some("D"), None, None).await;
    let phone = Client {
        address: "203.0.113.5",
        agent: "手机浏览器",
    };
    let a = accounts::login(&t.db, "sec1", PW, phone).await.unwrap();
    let b = accounts::login(&t.db, "sec1", PW, "test").await.unwrap();
    let (sec, _) = accounts::session_actor(&t.db, &a.token).await.unwrap();
    let mine = sessions::list(&t.db, &sec, false, Some(&a.token))
        .await
        .unwrap();
    assert_eq!(mine.len(), 3, "the test's own sign-in and these two");
    let here = mine
        .iter()
        .find(|s| s.current)
        .expect("this session is marked");
    assert_eq!(
        (here.address.as_str(), here.user_agent.as_str()),
        ("203.0.113.5", "手机浏览器")
    );
    let others = sessions::list(&t.db, &sec, true, None).await.unwrap();
    assert!(
        others.iter().all(|s| s.username == "sec1"),
        "a secretary manages no account here"
    );

    let seen = sessions::list(&t.db, &street, true, None).await.unwrap();
    assert!(seen.iter().any(|s| s.username == "sec1"));
    assert!(
        seen.iter().all(|s| s.username != "district1"),
        "an account above the street is not the street's"
    );
    let district = sessions::list(&t.db, &actor(), true, None).await.unwrap();
    let above = district.iter().find(|s| s.username == "district1").unwrap();
    let e = sessions::end(&t.db, &street, &above.id).await.unwrap_err();
    assert!(matches!(e, OpsError::NotFound { .. }), "{e}");
    let e = sessions::end(&t.db, &street, "0123456789abcdef")
        .await
        .unwrap_err();
    assert!(matches!(e, OpsError::NotFound { .. }), "{e}");

    let target = seen
        .iter()
        .find(|s| s.username == "sec1" && s.address == "test")
        .unwrap();
    sessions::end(&t.db, &street, &target.id).await.unwrap();
    assert!(
        accounts::session_actor(&t.db, &b.token).await.is_err(),
        "signed out by the street"
    );
    assert!(
        accounts::session_actor(&t.db, &a.token).await.is_ok(),
        "the other stays"
    );
    let own = sessions::list(&t.db, &sec, false, None).await.unwrap();
    let phone_id = own
        .iter()
        .find(|s| s.address == "203.0.113.5")
        .unwrap()
        .id
        .clone();
    sessions::end(&t.db, &sec, &phone_id).await.unwrap();
    assert!(accounts::session_actor(&t.db, &a.token).await.is_err());
    let forced = count(
        &t.db,
        "SELECT COUNT(*) FROM login_log WHERE username = 'sec1' AND reason = '被管理员强制下线'",
    )
    .await;
    assert_eq!(forced, 1);
    assert_eq!(
        count(
            &t.db,
            "SELECT COUNT(*) FROM audit_log WHERE operation = 'session.end'"
        )
        .await,
        2
    );
}

/// The second factor: an administrator signs in owing an enrolment, enrols with a code from
/// the app and gets ten recovery codes; the next sign-in owes a code, which is taken once (a
/// replayed code is refused) and near now only; a recovery code is good once; an account an
/// administrator marks is asked too, and one out of reach answers as missing.
#[both]
async fn administrators_sign_in_with_a_second_factor(on: Backend) {
    use jiceng_domain::totp::{STEP, Secret};
    use jiceng_ops::accounts::second_factor;
    let t = city(on).await;
    account(&t.db, "street1", "street_admin", Some("S"), None, None).await;
    account(&t.db, "sec1", "community_secretary", Some("C"), None, None).await;
    let s = accounts::login(&t.db, "street1", PW, "test").await.unwrap();
    assert_eq!(
        s.second_factor,
        Some("enrol"),
        "a street administrator must enrol"
    );
    let (street, _) = accounts::session_actor(&t.db, &s.token).await.unwrap();
    assert!(street.owes_second_factor());
    let e = second_factor::confirm_enrolment(&t.db, &street, "123456", Some(&s.token))
        .await
        .unwrap_err();
    assert_eq!(e.body().field, Some("code"), "no enrolment started: {e}");
    let enrolment = second_factor::start_enrolment(&t.db, &street)
        .await
        .unwrap();
    assert!(enrolment.uri.starts_with("otpauth://totp/"));
    let secret = Secret::from_base32(&enrolment.secret).unwrap();
    let now = jiceng_domain::clock::now().timestamp() / STEP;
    let code = |step: i64| format!("{:06}", secret.code_at_step(step));
    let wrong = format!("{:06}", (secret.code_at_step(now) + 1) % 1_000_000);
    assert!(
        second_factor::confirm_enrolment(&t.db, &street, &wrong, Some(&s.token))
            .await
            .is_err()
    );
    let recovery = second_factor::confirm_enrolment(&t.db, &street, &code(now), Some(&s.token))
        .await
        .unwrap();
    assert_eq!(recovery.len(), 10);
    let (street, _) = accounts::session_actor(&t.db, &s.token).await.unwrap();
    assert!(!street.owes_second_factor(), "enrolling gives the factor");

    let again = accounts::login(&t.db, "street1", PW, "test").await.unwrap();
    assert_eq!(again.second_factor, Some("code"));
    let (pending, _) = accounts::session_actor(&t.db, &again.token).await.unwrap();
    let e = second_factor::give(&t.db, &pending, &again.token, &code(now), "test".into())
        .await
        .unwrap_err();
    assert_eq!(e.body().field, Some("code"), "a code is taken once: {e}");
    second_factor::give(&t.db, &pending, &again.token, &code(now + 1), "test".into())
        .await
        .unwrap();
    assert!(
        !accounts::session_actor(&t.db, &again.token)
            .await
            .unwrap()
            .0
            .owes_second_factor()
    );

    let third = accounts::login(&t.db, "street1", PW, "test").await.unwrap();
    let (pending, _) = accounts::session_actor(&t.db, &third.token).await.unwrap();
    second_factor::give(&t.db, &pending, &third.token, &recovery[0], "test".into())
        .await
        .expect("a recovery code");
    let fourth = accounts::login(&t.db, "street1", PW, "test").await.unwrap();
    let (pending, _) = accounts::session_actor(&t.db, &fourth.token).await.unwrap();
    assert!(
        second_factor::give(&t.db, &pending, &fourth.token, &recovery[0], "test".into())
            .await
            .is_err(),
        "a recovery code is good once"
    );

    // Renewed with a fresh code from the app, the recovery codes are new and the old stop
    // working; a wrong or replayed code renews nothing.
    let _later = jiceng_domain::clock::fix(
        jiceng_domain::clock::now() + chrono::Duration::seconds(2 * STEP),
    );
    let (verified, _) = accounts::session_actor(&t.db, &again.token).await.unwrap();
    let e = second_factor::renew_recovery_codes(&t.db, &verified, &wrong)
        .await
        .unwrap_err();
    assert_eq!(e.body().field, Some("code"), "{e}");
    let renewed = second_factor::renew_recovery_codes(&t.db, &verified, &code(now + 2))
        .await
        .unwrap();
    assert_eq!(renewed.len(), 10);
    assert!(renewed.iter().all(|c| !recovery.contains(c)));
    assert!(
        second_factor::renew_recovery_codes(&t.db, &verified, &code(now + 2))
            .await
            .is_err(),
        "a code is taken once"
    );
    let fifth = accounts::login(&t.db, "street1", PW, "test").await.unwrap();
    let (pending, _) = accounts::session_actor(&t.db, &fifth.token).await.unwrap();
    assert!(
        second_factor::give(&t.db, &pending, &fifth.token, &recovery[1], "test".into())
            .await
            .is_err(),
        "the old codes stopped working"
    );
    second_factor::give(&t.db, &pending, &fifth.token, &renewed[0], "test".into())
        .await
        .expect("a new recovery code");

    let s = accounts::login(&t.db, "sec1", PW, "test").await.unwrap();
    assert_eq!(s.second_factor, None, "a secretary is not asked by default");
    let sec_id = accounts::session_actor(&t.db, &s.token).await.unwrap().0;
    let Actor::User(sec_user) = &sec_id else {
        unreachable!()
    };
    let admin = accounts::session_actor(&t.db, &fourth.token)
        .await
        .unwrap()
        .0;
    second_factor::manage(&t.db, &actor(), sec_user.id, Some(true), false)
        .await
        .unwrap();
    let s = accounts::login(&t.db, "sec1", PW, "test").await.unwrap();
    assert_eq!(s.second_factor, Some("enrol"), "marked by an administrator");
    let district = account(&t.db, "district1", "district_admin", Some("D"), None, None).await;
    let Actor::User(d) = &district else {
        unreachable!()
    };
    let e = second_factor::manage(&t.db, &admin, d.id, Some(false), true)
        .await
        .unwrap_err();
    assert!(
        matches!(e, OpsError::NotFound { .. }),
        "above the street: {e}"
    );
}

/// A personal access token used from an address it was not last used from is written to the
/// login log; used again from the same address, it is not.
#[both]
async fn a_token_used_from_a_new_address_is_logged(on: Backend) {
    let t = city(on).await;
    let sec = account(&t.db, "sec1", "community_secretary", Some("C"), None, None).await;
    let made = accounts::create_token(&t.db, &sec, "脚本", "read", Some(30))
        .await
        .unwrap();
    for from in ["192.0.2.1", "192.0.2.1", "198.51.100.9", "198.51.100.9"] {
        accounts::token_actor(&t.db, &made.token, from)
            .await
            .unwrap();
    }
    let lines = count(
        &t.db,
        "SELECT COUNT(*) FROM login_log WHERE username = 'sec1' AND reason = '令牌从新地址使用'",
    )
    .await;
    assert_eq!(lines, 2, "its first address, then the new one");
}
