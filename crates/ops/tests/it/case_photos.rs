//! Photos along the case loop, on SQLite or PostgreSQL: taken at intake by a grid worker,
//! before and after the work by the handling department, at verification by the street;
//! kept without their EXIF, written with their step or not at all, read only by those who
//! may read the case, and shown by tracking code only where the reporter allowed it.

use crate::common::*;
use jiceng_domain::cases::PhotoStage;
use jiceng_ops::OpsError;
use jiceng_ops::accounts;
use jiceng_ops::cases::intake::{self, NewCase};
use jiceng_ops::cases::moves::{self, Move};
use jiceng_ops::cases::photos::{self, Upload};
use jiceng_ops::cases::{departments, views};
use jiceng_ops::grids::{self, NewGridInput};
use jiceng_ops::orgs;
use jiceng_store::Backend;
use jiceng_testkit::both;
use serde_json::json;
use std::path::{Path, PathBuf};

const PHONE: &[u8] = include_bytes!("../fixtures/phone.jpg");

fn photo(stage: PhotoStage, name: &str) -> Upload {
    Upload {
        stage,
        file_name: name.into(),
        bytes: PHONE.to_vec(),
    }
}

fn mv(action: &str, note: Option<&str>, departments: &[&str]) -> Move {
    Move {
        action: s(action),
        note: note.map(str::to_string),
        departments: departments.iter().map(|d| d.to_string()).collect(),
        ..Default::default()
    }
}

/// Every file kept under the files directory.
fn kept_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir.join("cases"))
        .map(|r| r.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default()
}

#[both]
async fn photos_ride_with_their_steps_and_are_shown_only_where_allowed(on: Backend) {
    let t = city(on).await;
    let files = std::env::temp_dir().join(format!("jiceng-photos-{}", accounts::secret(8)));
    let a = actor();
    departments::add(&t.db, &a, "cgj", "城市管理局")
        .await
        .unwrap();
    let square = json!({ "type": "Polygon", "coordinates": [[[119.0, 25.4], [119.01, 25.4], [119.01, 25.41], [119.0, 25.41], [119.0, 25.4]]] });
    grids::add(
        &t.db,
        &a,
        NewGridInput {
            community: s("C"),
            number: Some(1),
            branch: s("B1"),
            geometry: Some(square),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    orgs::add(&t.db, &a, new_org("S2", "street", Some("D"), "350302002"))
        .await
        .unwrap();
    let street = account(&t.db, "street", "street_admin", "S", None).await;
    let elsewhere = account(&t.db, "street2", "street_admin", "S2", None).await;
    let handler = account(&t.db, "cgj1", "department_handler", "S", Some("cgj")).await;
    let gridder = account(&t.db, "grid1", "grid_worker", "B1", None).await;
    let new = |title: &str, public: bool| NewCase {
        category: s("garbage"),
        title: s(title),
        lon: Some(119.005),
        lat: Some(25.405),
        photos_public: Some(public),
        ..Default::default()
    };

    // A bad photo among good ones: nothing is written, no case, no file.
    let before = views::list(&t.db, &street, Default::default())
        .await
        .unwrap()
        .items
        .len();
    let gif = Upload {
        bytes: b"GIF89a not a photo".to_vec(),
        ..photo(PhotoStage::Intake, "x.gif")
    };
    let e = intake::take_in_with_photos(
        &t.db,
        &gridder,
        &files,
        new("堆物", true),
        vec![photo(PhotoStage::Intake, "a.jpg"), gif],
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "photo", "{e}");
    assert!(kept_files(&files).is_empty());
    // A case refused on its own fields leaves no file either (photos are decoded only after
    // the case is checked).
    let e = intake::take_in_with_photos(
        &t.db,
        &gridder,
        &files,
        NewCase {
            title: None,
            ..new("", true)
        },
        vec![photo(PhotoStage::Intake, "a.jpg")],
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "title", "{e}");
    assert!(kept_files(&files).is_empty());
    assert_eq!(
        views::list(&t.db, &street, Default::default())
            .await
            .unwrap()
            .items
            .len(),
        before
    );

    // The grid worker's case with two photos, shown publicly as the reporter allows.
    let case = intake::take_in_with_photos(
        &t.db,
        &gridder,
        &files,
        new("楼道堆放杂物", true),
        vec![
            photo(PhotoStage::Intake, "IMG_1.jpg"),
            photo(PhotoStage::Intake, "IMG_2.jpg"),
        ],
    )
    .await
    .unwrap();
    let d = views::show(&t.db, &street, case.id, false).await.unwrap();
    assert_eq!(d.photos.len(), 2);
    assert!(d.photos_public);
    assert!(d.photos.iter().all(|p| p.stage == PhotoStage::Intake));
    // Orientation 6 turned the 640×480 picture upright.
    assert_eq!((d.photos[0].width, d.photos[0].height), (480, 640));
    let kept = kept_files(&files);
    assert_eq!(kept.len(), 4, "a display copy and a thumbnail each");
    for f in &kept {
        let bytes = std::fs::read(f).unwrap();
        assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
        assert!(!bytes.windows(4).any(|w| w == b"Exif"), "{}", f.display());
    }

    moves::apply(&t.db, &street, case.id, mv("dispatch", None, &["cgj"]))
        .await
        .unwrap();
    moves::apply(&t.db, &handler, case.id, mv("accept", None, &[]))
        .await
        .unwrap();
    // A verification photo cannot ride with feedback: refused by name, nothing written.
    let e = moves::apply_with_photos(
        &t.db,
        &handler,
        &files,
        case.id,
        mv("feedback", Some("已清理"), &[]),
        vec![photo(PhotoStage::Verify, "v.jpg")],
    )
    .await
    .unwrap_err();
    assert_eq!(field(&e), "photo_stage", "{e}");
    // Someone who may not give feedback leaves no trace either.
    let e = moves::apply_with_photos(
        &t.db,
        &gridder,
        &files,
        case.id,
        mv("feedback", Some("已清理"), &[]),
        vec![photo(PhotoStage::After, "after.jpg")],
    )
    .await
    .unwrap_err();
    assert!(matches!(e, OpsError::Forbidden(_)), "{e}");
    assert_eq!(kept_files(&files).len(), 4);
    // The department answers with before and after photos.
    moves::apply_with_photos(
        &t.db,
        &handler,
        &files,
        case.id,
        mv("feedback", Some("已清理"), &[]),
        vec![
            photo(PhotoStage::Before, "before.jpg"),
            photo(PhotoStage::After, "after.jpg"),
        ],
    )
    .await
    .unwrap();
    moves::apply_with_photos(
        &t.db,
        &street,
        &files,
        case.id,
        mv("verify", None, &[]),
        vec![photo(PhotoStage::Verify, "check.jpg")],
    )
    .await
    .unwrap();
    let d = views::show(&t.db, &handler, case.id, false).await.unwrap();
    assert_eq!(d.case.row.status.code(), "closed");
    let stages: Vec<PhotoStage> = d.photos.iter().map(|p| p.stage).collect();
    assert_eq!(
        stages,
        [
            PhotoStage::Intake,
            PhotoStage::Intake,
            PhotoStage::Before,
            PhotoStage::After,
            PhotoStage::Verify
        ]
    );
    assert_eq!(kept_files(&files).len(), 10);
    // A move refused by the case's state writes no photo.
    let e = moves::apply_with_photos(
        &t.db,
        &street,
        &files,
        case.id,
        mv("verify", None, &[]),
        vec![photo(PhotoStage::Verify, "again.jpg")],
    )
    .await
    .unwrap_err();
    assert!(!matches!(e, OpsError::Store(_)), "{e}");
    assert_eq!(kept_files(&files).len(), 10);

    // Reading: those who may read the case; another street is answered as if the photo did
    // not exist.
    let id = d.photos[0].id;
    let shown = photos::open(&t.db, &street, &files, id, false)
        .await
        .unwrap();
    let thumb = photos::open(&t.db, &handler, &files, id, true)
        .await
        .unwrap();
    assert!(std::fs::metadata(&shown).unwrap().len() > std::fs::metadata(&thumb).unwrap().len());
    let out = photos::open(&t.db, &elsewhere, &files, id, false)
        .await
        .unwrap_err();
    let missing = photos::open(&t.db, &elsewhere, &files, id + 1000, false)
        .await
        .unwrap_err();
    assert_eq!(
        out.body().message.replace(&id.to_string(), "#"),
        missing
            .body()
            .message
            .replace(&(id + 1000).to_string(), "#")
    );
    assert!(matches!(out, OpsError::NotFound { .. }), "{out}");

    // Publicly: by the case's own code only, and only for a reporter who allowed it.
    photos::open_public(&t.db, &files, &case.code, "198.51.100.7", id, true)
        .await
        .unwrap();
    // What was reported and the work done show; the department's before and the
    // verification photos stay inside the case, even by their ids.
    let tracked = views::track(&t.db, &case.code, "198.51.100.7")
        .await
        .unwrap();
    let shown: Vec<PhotoStage> = tracked.photos.iter().map(|p| p.stage).collect();
    assert_eq!(
        shown,
        [PhotoStage::Intake, PhotoStage::Intake, PhotoStage::After]
    );
    for inside in [d.photos[2].id, d.photos[4].id] {
        assert!(
            photos::open_public(&t.db, &files, &case.code, "198.51.100.7", inside, false)
                .await
                .is_err()
        );
    }
    let private = intake::take_in_with_photos(
        &t.db,
        &gridder,
        &files,
        new("井盖缺失", false),
        vec![photo(PhotoStage::Intake, "p.jpg")],
    )
    .await
    .unwrap();
    let private_photo = views::show(&t.db, &street, private.id, false)
        .await
        .unwrap()
        .photos[0]
        .id;
    assert!(
        photos::open_public(
            &t.db,
            &files,
            &private.code,
            "198.51.100.7",
            private_photo,
            false
        )
        .await
        .is_err()
    );
    assert!(
        views::track(&t.db, &private.code, "198.51.100.7")
            .await
            .unwrap()
            .photos
            .is_empty()
    );
    // Another case's code does not open this case's photo.
    assert!(
        photos::open_public(&t.db, &files, &private.code, "198.51.100.7", id, false)
            .await
            .is_err()
    );
    let _ = std::fs::remove_dir_all(&files);
}
