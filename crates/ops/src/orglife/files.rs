//! Attachments of a meeting (sign-in sheets, photos, minutes): files kept under the data
//! directory, limited by type and size, named at random so an upload cannot pick its path.

use crate::{Actor, OpsError};
use jiceng_domain::{Invalid, msg};
use jiceng_store::orglife::{self};
use jiceng_store::{Db, audit};
use std::path::{Path, PathBuf};

/// Largest attachment accepted.
pub const MAX_BYTES: usize = 10 << 20;

/// The extensions accepted, and the content type each is served with.
const TYPES: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
];

/// An upload's kind, judged by its name and by its first bytes, which must agree; a file of any
/// other kind is refused by name.
pub fn kind_of(name: &str, bytes: &[u8]) -> Result<(&'static str, &'static str), Invalid> {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let (ext, ct) = TYPES
        .iter()
        .find(|(e, _)| *e == ext)
        .copied()
        .ok_or_else(|| {
            Invalid::new(
                "attachment",
                name,
                msg!("只接受 PDF、JPG、PNG、Word（.docx）和 Excel（.xlsx）文件"),
            )
        })?;
    // The first bytes must agree with the name, so a renamed program is not stored.
    let magic_ok = match ext {
        "pdf" => bytes.starts_with(b"%PDF"),
        "jpg" | "jpeg" => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        "png" => bytes.starts_with(b"\x89PNG"),
        _ => bytes.starts_with(b"PK"),
    };
    if !magic_ok {
        return Err(Invalid::new(
            "attachment",
            name,
            msg!("文件内容与扩展名不符"),
        ));
    }
    Ok((ext, ct))
}

#[tracing::instrument(name = "ops", skip_all, fields(use_case = "attach"))]
pub async fn attach(
    db: &Db,
    actor: &Actor,
    files: &Path,
    meeting_id: i64,
    file_name: &str,
    bytes: &[u8],
) -> Result<Attachment, OpsError> {
    let name = jiceng_domain::text::name(
        "attachment",
        file_name.rsplit(['/', '\\']).next().unwrap_or(""),
        100,
    )?;
    if bytes.is_empty() {
        return Err(Invalid::new("attachment", &name, msg!("文件是空的")).into());
    }
    if bytes.len() > MAX_BYTES {
        return Err(Invalid::new(
            "attachment",
            &name,
            msg!("文件超过 {mb} MB", mb = MAX_BYTES >> 20),
        )
        .into());
    }
    let (ext, content_type) = kind_of(&name, bytes)?;
    let mut tx = db.write().await?;
    let meeting = orglife::by_id(&mut tx, meeting_id)
        .await?
        .ok_or_else(|| OpsError::not_found("会议", meeting_id))?;
    actor.reach(&meeting.org_path, "会议", meeting_id)?;
    actor.may_write(&meeting.org_path)?;
    let stored_as = format!("meetings/{}.{ext}", crate::accounts::secret(16));
    let path = files.join(&stored_as);
    std::fs::create_dir_all(path.parent().expect("a parent"))
        .and_then(|_| std::fs::write(&path, bytes))
        .map_err(|e| {
            OpsError::Store(jiceng_store::StoreError::Other(format!(
                "{}: {e}",
                path.display()
            )))
        })?;
    let written = async {
        let id = orglife::insert_attachment(
            &mut tx,
            meeting_id,
            &name,
            content_type,
            bytes.len() as i64,
            &stored_as,
        )
        .await?;
        audit::append(
            &mut tx,
            audit::Entry {
                actor: &actor.audit_name(),
                operation: "meeting.attach",
                target: &format!("meeting:{meeting_id}"),
                path: Some(&meeting.org_path),
                before: None,
                after: Some(serde_json::json!({ "attachment": id, "file": name }).to_string()),
            },
        )
        .await?;
        let row = orglife::attachment(&mut tx, id)
            .await?
            .expect("just written");
        tx.commit().await?;
        Ok::<_, OpsError>(row)
    }
    .await;
    if written.is_err() {
        // The row was not kept, so neither is the file.
        let _ = std::fs::remove_file(&path);
    }
    written.map(Into::into)
}

/// An attachment and the file holding it, for download by anyone who may read the meeting.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "open"))]
pub async fn open(
    db: &Db,
    actor: &Actor,
    files: &Path,
    id: i64,
) -> Result<(Attachment, PathBuf), OpsError> {
    let mut tx = db.read().await?;
    let row = orglife::attachment(&mut tx, id)
        .await?
        .ok_or_else(|| OpsError::not_found("附件", id))?;
    let meeting = orglife::by_id(&mut tx, row.meeting_id)
        .await?
        .ok_or_else(|| OpsError::not_found("附件", id))?;
    actor.reach(&meeting.org_path, "附件", id)?;
    let path = files.join(&row.stored_as);
    Ok((row.into(), path))
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Attachment {
    pub id: i64,
    pub meeting_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<jiceng_store::orglife::AttachmentRow> for Attachment {
    fn from(r: jiceng_store::orglife::AttachmentRow) -> Self {
        Attachment {
            id: r.id,
            meeting_id: r.meeting_id,
            file_name: r.file_name,
            content_type: r.content_type,
            size_bytes: r.size_bytes,
            created_at: r.created_at,
        }
    }
}
