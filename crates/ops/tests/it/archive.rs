//! Keeping the logs: the retention's floor, archiving past it to a signed file, the live chain
//! and the file each verifying on their own, and tampering with either being found.

use crate::common::*;
use jiceng_domain::clock;
use jiceng_ops::accounts::{self, NewUser};
use jiceng_ops::audit::archive::{archive, list, verify_archive};
use jiceng_ops::audit::{self, retention};
use jiceng_ops::{OpsError, members};
use jiceng_store::Backend;
use jiceng_testkit::both;
use std::path::PathBuf;

fn scratch() -> PathBuf {
    let d = std::env::temp_dir().join(format!("jiceng-archive-{}", accounts::secret(8)));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn refused<T: std::fmt::Debug>(r: Result<T, OpsError>, field: &str) -> String {
    match r {
        Err(OpsError::Invalid(i) | OpsError::Conflict(i)) => {
            assert_eq!(i.field, field, "{i:?}");
            i.message.render(jiceng_domain::msg::Lang::Zh)
        }
        other => panic!("expected a refusal of {field}, got {other:?}"),
    }
}

#[both]
async fn entries_past_the_retention_archive_to_a_file_that_verifies(on: Backend) {
    let t = city(on).await;
    let db = &t.db;
    let op = actor();
    // Last year's work: entries and sign-ins.
    members::add(db, &op, new_member("甲", 81, "B1"))
        .await
        .unwrap();
    accounts::create(
        db,
        &op,
        NewUser {
            username: s("worker"),
            password: s("Jiceng-2026"),
            role: s("community_worker"),
            scope: s("C"),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    accounts::login(db, "worker", "Jiceng-2026", "test")
        .await
        .unwrap();
    let _ = accounts::login(db, "worker", "wrong-Pass-1", "test").await;
    let old_entries = count(db, "SELECT COUNT(*) FROM audit_log").await;
    let old_logins = count(db, "SELECT COUNT(*) FROM login_log").await;
    let then = clock::today();
    // A year and more later, this year's work.
    let _later = clock::fix(clock::now() + chrono::Duration::days(400));
    members::add(db, &op, new_member("乙", 83, "B1"))
        .await
        .unwrap();
    accounts::login(db, "worker", "Jiceng-2026", "test")
        .await
        .unwrap();

    // The floor: nothing younger than 180 days, and no retention below it.
    let too_young = (clock::today() - chrono::Days::new(100)).to_string();
    let dir = scratch();
    let e = refused(archive(db, &op, &too_young, &dir).await, "before");
    assert!(e.contains("180"), "{e}");
    refused(retention::set_retention(db, &op, 179).await, "days");
    retention::set_retention(db, &op, 400).await.unwrap();
    let cutoff = (then + chrono::Days::new(1)).to_string();
    refused(archive(db, &op, &cutoff, &dir).await, "before");
    retention::set_retention(db, &op, 180).await.unwrap();
    // Only the operator archives.
    let street = {
        accounts::create(
            db,
            &op,
            NewUser {
                username: s("dist"),
                password: s("Jiceng-2026"),
                role: s("district_admin"),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let s = accounts::login(db, "dist", "Jiceng-2026", "test")
            .await
            .unwrap();
        accounts::session_actor(db, &s.token).await.unwrap().0
    };
    assert!(matches!(
        archive(db, &street, &cutoff, &dir).await,
        Err(OpsError::Forbidden(_))
    ));
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "no file left");

    let a = archive(db, &op, &cutoff, &dir).await.unwrap();
    assert_eq!(a.from_seq, 1);
    assert_eq!(a.entries, old_entries);
    assert_eq!(a.upto_seq, old_entries);
    assert_eq!(a.logins, old_logins);
    assert_eq!(
        count(
            db,
            &format!("SELECT COUNT(*) FROM audit_log WHERE seq <= {old_entries}")
        )
        .await,
        0
    );
    assert_eq!(
        count(db, "SELECT COUNT(*) FROM login_log").await,
        2,
        "this year's sign-ins stay"
    );
    // The live chain verifies from the anchor on, and records the archiving.
    let v = audit::verify(db, &op).await.unwrap();
    assert!(v.first_broken.is_none(), "{v:?}");
    assert_eq!(v.archived_upto, Some(old_entries));
    let live = count(db, "SELECT COUNT(*) FROM audit_log").await;
    assert_eq!(v.entries, live);
    let newest = audit::browse(db, &op, Default::default())
        .await
        .unwrap()
        .items;
    assert_eq!(newest[0].operation, "audit.archive");
    assert_eq!(list(db, &op).await.unwrap().len(), 1);
    // The file verifies on its own, and the database's anchor names it.
    let file = PathBuf::from(&a.file);
    let c = verify_archive(db, &op, &file).await.unwrap();
    assert!(c.first_broken.is_none(), "{c:?}");
    assert!(c.anchored);
    assert_eq!((c.entries, c.logins), (old_entries, old_logins));
    // Nothing older is left to archive.
    let e = refused(archive(db, &op, &cutoff, &dir).await, "before");
    assert!(e.contains("没有可归档"), "{e}");

    // A changed entry in the file, a cut-off file, a changed login line: each found.
    let text = std::fs::read_to_string(&file).unwrap();
    let forged = dir.join("forged.jsonl");
    std::fs::write(&forged, text.replacen("测试组织", "伪造组织", 1)).unwrap();
    let b = verify_archive(db, &op, &forged)
        .await
        .unwrap()
        .first_broken
        .unwrap();
    assert!(b.reason.contains("签名不符"), "{b:?}");
    let lines: Vec<&str> = text.lines().collect();
    std::fs::write(&forged, lines[..lines.len() - 1].join("\n") + "\n").unwrap();
    let b = verify_archive(db, &op, &forged)
        .await
        .unwrap()
        .first_broken
        .unwrap();
    assert!(b.reason.contains("没有签名行"), "{b:?}");
    std::fs::write(&forged, text.replacen("\"test\"", "\"elsewhere\"", 1)).unwrap();
    let b = verify_archive(db, &op, &forged)
        .await
        .unwrap()
        .first_broken
        .unwrap();
    assert!(b.reason.contains("摘要"), "{b:?}");
    std::fs::write(&forged, "not an archive\n").unwrap();
    refused(verify_archive(db, &op, &forged).await, "archive");

    // Moving the live chain's start in the database is found: the anchor is signed, and an
    // archive will not start from an anchor that does not hold.
    execute(db, "UPDATE audit_archives SET last_hash = 'x'").await;
    let b = audit::verify(db, &op).await.unwrap().first_broken.unwrap();
    assert!(b.reason.contains("锚点"), "{b:?}");
    assert!(!verify_archive(db, &op, &file).await.unwrap().anchored);
    let later = (clock::today() - chrono::Days::new(200)).to_string();
    let e = refused(archive(db, &op, &later, &dir).await, "before");
    assert!(e.contains("锚点"), "{e}");
    // Dropping the anchor (with the entries it stood for gone) is found too.
    execute(db, "DELETE FROM audit_archives").await;
    let b = audit::verify(db, &op).await.unwrap().first_broken.unwrap();
    assert!(b.reason.contains("序号不连续"), "{b:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "archives hold personal data");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
