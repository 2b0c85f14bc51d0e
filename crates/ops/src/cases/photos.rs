//! Photos of a case's steps: checked by size and by their first bytes before anything parses
//! them, bounded in pixels before they are decoded, turned upright, shrunk to a display copy
//! and a thumbnail and re-encoded, so no kept copy carries the phone's EXIF or GPS data. The
//! photos travel with the step they belong to and are kept in its transaction.

use super::policy;
use crate::{Actor, OpsError};
use chrono::{DateTime, Utc};
use jiceng_domain::cases::{Action, MAX_PER_STEP, PhotoStage};
use jiceng_domain::{Invalid, msg, text};
use jiceng_store::cases::{self as store, photos as kept};
use jiceng_store::{Db, StoreError, Tx};
use std::io::Cursor;
use std::path::{Path, PathBuf};

/// Largest photo accepted, as sent.
pub const MAX_BYTES: usize = 10 << 20;
/// Largest picture decoded: 50 megapixels, no side over 12,000 pixels.
const MAX_PIXELS: u64 = 50_000_000;
const MAX_SIDE: u32 = 12_000;
/// Longest side of the display copy and of the thumbnail.
const SHOWN_SIDE: u32 = 1600;
const THUMB_SIDE: u32 = 360;

/// A photo as sent: the stage it was sent for (by its form field), its name and bytes.
#[derive(Debug, Clone)]
pub struct Upload {
    pub stage: PhotoStage,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A photo checked and re-encoded, waiting for its step's transaction.
#[derive(Clone)]
pub struct Shrunk {
    stage: PhotoStage,
    file_name: String,
    shown: Vec<u8>,
    thumb: Vec<u8>,
    width: u32,
    height: u32,
}

/// The photos a step carries, checked against the step: intake photos with an intake
/// (`action` None), before/after with 处置反馈, verification photos with 核查.
pub async fn prepare(
    action: Option<Action>,
    uploads: Vec<Upload>,
) -> Result<Vec<Shrunk>, OpsError> {
    if uploads.len() > MAX_PER_STEP {
        return Err(Invalid::new(
            "photos",
            uploads.len().to_string(),
            msg!("每一步最多 {n} 张照片", n = MAX_PER_STEP),
        )
        .into());
    }
    for u in &uploads {
        if !u.stage.carried_by(action) {
            return Err(Invalid::new(
                "photo_stage",
                u.stage.code(),
                msg!(
                    "{stage}照片不能随这一步提交",
                    stage = jiceng_domain::Label(u.stage.label())
                ),
            )
            .into());
        }
    }
    if uploads.is_empty() {
        return Ok(Vec::new());
    }
    // Decoding and encoding take the CPU and up to a few hundred MB for a large picture: one
    // step's photos at a time, off the async workers.
    // The permit goes with the work, so a request that goes away does not free it early.
    let turn = decoding()
        .acquire()
        .await
        .map_err(|e| OpsError::internal(format!("photo queue: {e}")))?;
    tokio::task::spawn_blocking(move || {
        let _turn = turn;
        uploads
            .into_iter()
            .map(shrink)
            .collect::<Result<Vec<_>, Invalid>>()
    })
    .await
    .map_err(|e| OpsError::internal(format!("photo worker: {e}")))?
    .map_err(OpsError::from)
}

/// The one permit to decode photos: a few uploads at once wait their turn rather than decode
/// side by side.
fn decoding() -> &'static tokio::sync::Semaphore {
    static TURN: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    TURN.get_or_init(|| tokio::sync::Semaphore::new(1))
}

fn shrink(u: Upload) -> Result<Shrunk, Invalid> {
    let name = text::name(
        "photo",
        u.file_name.rsplit(['/', '\\']).next().unwrap_or(""),
        100,
    )
    .unwrap_or_else(|_| "photo.jpg".to_string());
    if u.bytes.is_empty() {
        return Err(Invalid::new("photo", &name, msg!("文件是空的")));
    }
    if u.bytes.len() > MAX_BYTES {
        return Err(Invalid::new(
            "photo",
            &name,
            msg!("文件超过 {mb} MB", mb = MAX_BYTES >> 20),
        ));
    }
    // The first bytes decide the kind, whatever the name says.
    let format = if u.bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        image::ImageFormat::Jpeg
    } else if u.bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        image::ImageFormat::Png
    } else {
        return Err(Invalid::new("photo", &name, msg!("只接受 JPG 和 PNG 照片")));
    };
    let unreadable = || Invalid::new("photo", &name, msg!("无法读取这张照片"));
    let mut reader = image::ImageReader::with_format(Cursor::new(&u.bytes[..]), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_PIXELS * 4);
    reader.limits(limits);
    let (w, h) = reader.into_dimensions().map_err(|_| unreadable())?;
    if w == 0 || h == 0 || w > MAX_SIDE || h > MAX_SIDE || u64::from(w) * u64::from(h) > MAX_PIXELS
    {
        return Err(Invalid::new(
            "photo",
            &name,
            msg!("照片尺寸 {w}×{h} 超出上限", w = w, h = h),
        ));
    }
    let mut reader = image::ImageReader::with_format(Cursor::new(&u.bytes[..]), format);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 4);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| unreadable())?;
    use image::ImageDecoder;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = image::DynamicImage::from_decoder(decoder).map_err(|_| unreadable())?;
    picture.apply_orientation(orientation);
    let picture = image::DynamicImage::ImageRgb8(picture.into_rgb8());
    let shown = if picture.width().max(picture.height()) > SHOWN_SIDE {
        picture.resize(
            SHOWN_SIDE,
            SHOWN_SIDE,
            image::imageops::FilterType::Triangle,
        )
    } else {
        picture
    };
    let thumb = shown.thumbnail(THUMB_SIDE, THUMB_SIDE);
    Ok(Shrunk {
        stage: u.stage,
        file_name: name,
        width: shown.width(),
        height: shown.height(),
        shown: jpeg(&shown, 82),
        thumb: jpeg(&thumb, 75),
    })
}

/// A fresh JPEG of the pixels alone: no EXIF, no GPS, no comments.
fn jpeg(p: &image::DynamicImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(p)
        .expect("an RGB picture encodes to memory");
    out
}

/// Files written for a step: removed when it is dropped before [`Written::keep`] (the step
/// failed, or its request went away before the commit).
#[derive(Default)]
pub struct Written(Vec<PathBuf>);

impl Written {
    /// The step committed: its files stay.
    pub fn keep(mut self) {
        self.0.clear();
    }
}

impl Drop for Written {
    fn drop(&mut self) {
        for p in self.0.drain(..) {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Writes the photos' copies under `files` and their rows, within the step's transaction.
pub(crate) async fn keep(
    tx: &mut Tx,
    files: &Path,
    case_id: i64,
    taken_by: &str,
    at: DateTime<Utc>,
    photos: &[Shrunk],
    written: &mut Written,
) -> Result<(), OpsError> {
    for p in photos {
        let name = crate::accounts::secret(16);
        let shown_as = format!("cases/{name}.jpg");
        let thumb_as = format!("cases/{name}-t.jpg");
        for (rel, bytes) in [(&shown_as, &p.shown), (&thumb_as, &p.thumb)] {
            let path = files.join(rel);
            // Known before it is written, so a file half written is removed too.
            written.0.push(path.clone());
            std::fs::create_dir_all(path.parent().expect("a parent"))
                .and_then(|_| std::fs::write(&path, bytes))
                .map_err(|e| {
                    OpsError::Store(StoreError::Other(format!("{}: {e}", path.display())))
                })?;
        }
        kept::insert(
            tx,
            &kept::NewPhoto {
                case_id,
                stage: p.stage,
                file_name: &p.file_name,
                shown_as: &shown_as,
                thumb_as: &thumb_as,
                width: p.width as i32,
                height: p.height as i32,
                size_bytes: p.shown.len() as i64,
                taken_by,
                at,
            },
        )
        .await?;
    }
    Ok(())
}

/// A kept photo as lists show it: where to fetch its copies is `/cases/photos/{id}`
/// (`?size=thumb` for the thumbnail).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Photo {
    pub id: i64,
    pub stage: PhotoStage,
    pub file_name: String,
    pub width: i32,
    pub height: i32,
    pub taken_at: DateTime<Utc>,
}

impl From<kept::PhotoRow> for Photo {
    fn from(r: kept::PhotoRow) -> Photo {
        Photo {
            id: r.id,
            stage: r.stage,
            file_name: r.file_name,
            width: r.width,
            height: r.height,
            taken_at: r.created_at,
        }
    }
}

/// A photo as the public tracking page gives it: what was photographed when, no file name.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PublicPhoto {
    pub id: i64,
    pub stage: PhotoStage,
    pub taken_at: DateTime<Utc>,
}

/// The stages shown publicly where the reporter allows: what was reported and the work done.
fn public_stage(s: PhotoStage) -> bool {
    matches!(s, PhotoStage::Intake | PhotoStage::After)
}

/// The photos of a case its reporter lets show publicly, or none.
pub(crate) async fn public_of(tx: &mut Tx, case_id: i64) -> Result<Vec<PublicPhoto>, OpsError> {
    if !kept::public(tx, case_id).await? {
        return Ok(Vec::new());
    }
    Ok(kept::of_case(tx, case_id)
        .await?
        .into_iter()
        .filter(|p| public_stage(p.stage))
        .map(|p| PublicPhoto {
            id: p.id,
            stage: p.stage,
            taken_at: p.created_at,
        })
        .collect())
}

pub(crate) async fn of_case(tx: &mut Tx, case_id: i64) -> Result<Vec<Photo>, OpsError> {
    Ok(kept::of_case(tx, case_id)
        .await?
        .into_iter()
        .map(Photo::from)
        .collect())
}

/// The file of a photo's display copy or thumbnail, for anyone who may read its case.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "open_photo"))]
pub async fn open(
    db: &Db,
    actor: &Actor,
    files: &Path,
    id: i64,
    thumb: bool,
) -> Result<PathBuf, OpsError> {
    let mut tx = db.read().await?;
    let missing = || OpsError::not_found("照片", id);
    let p = kept::by_id(&mut tx, id).await?.ok_or_else(missing)?;
    let c = store::by_id(&mut tx, p.case_id)
        .await?
        .ok_or_else(missing)?;
    let summons = store::summons(&mut tx, c.id).await?;
    policy::reach(actor, &c, &summons).map_err(|_| missing())?;
    Ok(files.join(if thumb { p.thumb_as } else { p.shown_as }))
}

/// A photo's display copy on the public tracking page: only a photo of the case named by its
/// tracking code, and only when the reporter allowed it; anything else answers as missing.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "open_public_photo"))]
pub async fn open_public(
    db: &Db,
    files: &Path,
    code: &str,
    from: &str,
    id: i64,
    thumb: bool,
) -> Result<PathBuf, OpsError> {
    let missing = || OpsError::not_found("照片", id);
    let c = super::public::by_code(db, code, from, "code", missing).await?;
    let mut tx = db.read().await?;
    let p = kept::by_id(&mut tx, id).await?.ok_or_else(missing)?;
    if p.case_id != c.id || !public_stage(p.stage) || !kept::public(&mut tx, c.id).await? {
        return Err(missing());
    }
    Ok(files.join(if thumb { p.thumb_as } else { p.shown_as }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JPEG whose EXIF says "turn 90° clockwise" and carries a GPS block (the fixture
    /// `tests/fixtures/phone.jpg` the other tests send is this at 640×480).
    fn jpeg_with_exif(w: u32, h: u32) -> Vec<u8> {
        let plain = jpeg(
            &image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, y| {
                image::Rgb([(x * 255 / w) as u8, (y * 255 / h) as u8, 120])
            })),
            90,
        );
        // TIFF, little-endian: IFD0 with Orientation = 6 and a GPS IFD pointer; the GPS IFD
        // holds GPSLatitudeRef = "N".
        let mut tiff: Vec<u8> = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
        tiff.extend([2, 0]);
        tiff.extend([0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
        tiff.extend([0x25, 0x88, 4, 0, 1, 0, 0, 0, 38, 0, 0, 0]);
        tiff.extend([0, 0, 0, 0]);
        tiff.extend([1, 0]);
        tiff.extend([0x01, 0x00, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0]);
        tiff.extend([0, 0, 0, 0]);
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend(&tiff);
        let len = (app1.len() + 2) as u16;
        let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
        out.extend(len.to_be_bytes());
        out.extend(app1);
        out.extend(&plain[2..]);
        out
    }

    fn upload(bytes: Vec<u8>) -> Upload {
        Upload {
            stage: PhotoStage::Intake,
            file_name: "IMG_0001.JPG".into(),
            bytes,
        }
    }

    #[test]
    fn exif_is_stripped_and_the_picture_turned_upright() {
        let sent = jpeg_with_exif(40, 20);
        assert!(sent.windows(6).any(|w| w == b"Exif\0\0"));
        let s = shrink(upload(sent)).unwrap();
        assert_eq!((s.width, s.height), (20, 40), "orientation 6 applied");
        for copy in [&s.shown, &s.thumb] {
            assert!(!copy.windows(4).any(|w| w == b"Exif"), "no EXIF kept");
            assert!(copy.starts_with(&[0xFF, 0xD8, 0xFF]));
        }
    }

    #[test]
    fn large_pictures_are_shrunk_and_keep_their_shape() {
        let big = jpeg(
            &image::DynamicImage::ImageRgb8(image::RgbImage::new(4000, 3000)),
            50,
        );
        let s = shrink(upload(big)).unwrap();
        assert_eq!((s.width, s.height), (1600, 1200));
        let t = image::load_from_memory(&s.thumb).unwrap();
        assert_eq!((t.width(), t.height()), (360, 270));
    }

    #[test]
    fn other_kinds_and_oversized_headers_are_refused_before_decoding() {
        let e = shrink(upload(b"GIF89a....".to_vec())).err().unwrap();
        assert_eq!(e.field, "photo");
        let mut png = Vec::new();
        image::DynamicImage::ImageRgb8(image::RgbImage::new(2, 2))
            .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        // The header claims 60,000 × 60,000 pixels: refused from the header alone.
        png[16..20].copy_from_slice(&60_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&60_000u32.to_be_bytes());
        assert!(shrink(upload(png)).is_err());
        assert!(shrink(upload(Vec::new())).is_err());
        assert!(shrink(upload(vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0])).is_err());
    }

    #[test]
    fn written_files_stay_only_when_their_step_commits() {
        let dir = std::env::temp_dir().join(format!("jiceng-written-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = |n: &str| {
            let p = dir.join(n);
            std::fs::write(&p, b"x").unwrap();
            p
        };
        let (a, b, c) = (file("a.jpg"), file("b.jpg"), file("c.jpg"));
        drop(Written(vec![a.clone(), b.clone()]));
        assert!(!a.exists() && !b.exists(), "a failed step leaves no file");
        Written(vec![c.clone()]).keep();
        assert!(c.exists(), "a committed step keeps its files");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn photos_ride_only_with_their_step() {
        let one = |stage| Upload {
            stage,
            ..upload(jpeg_with_exif(8, 8))
        };
        assert!(prepare(None, vec![one(PhotoStage::Intake)]).await.is_ok());
        let e = prepare(Some(Action::Accept), vec![one(PhotoStage::After)])
            .await
            .err()
            .unwrap();
        assert_eq!(e.body().field, Some("photo_stage"));
        let seven = (0..7).map(|_| one(PhotoStage::Intake)).collect();
        assert_eq!(
            prepare(None, seven).await.err().unwrap().body().field,
            Some("photos")
        );
    }
}
