//! Archiving: entries (and login-log lines) older than a cutoff past the retention leave the
//! database for a signed file, and a signed anchor says where the live chain now starts, so
//! the chain verifies on both sides. `verify_archive` checks such a file.
//!
//! The file is JSON Lines: a header (where its chain starts), one line per audit entry in
//! chain order, one per login-log line, and a trailer with the content's SHA-256, the last
//! hash and the counts, signed with the audit key (HMAC) whose id it names.

use super::note_reading;
use super::retention::days_in;
use super::verify::{Broken, Walk, anchors_hold, nothing_below};
use crate::{Actor, OpsError};
use chrono::{DateTime, NaiveDate, Utc};
use jiceng_domain::audit::{Anchor, archive_payload, hex, keep_from};
use jiceng_domain::{Invalid, clock, msg, text};
use jiceng_store::audit::{self, EntryRow};
use jiceng_store::audit_archive::{self as store, AnchorRow, NewAnchor};
use jiceng_store::audit_key::Ring;
use jiceng_store::login_log::LoginRow;
use jiceng_store::{Db, audit_key};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

const FORMAT: &str = "jiceng-audit-archive";
const BATCH: i64 = 5000;

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
    /// The sequence number of the first entry, and the hash it links to.
    from_seq: i64,
    prev_hash: String,
    /// Everything before this day (Asia/Shanghai) was taken.
    before: NaiveDate,
    made_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Trailer {
    upto_seq: i64,
    last_hash: String,
    entries: i64,
    logins: i64,
    sha256: String,
    key_id: String,
    signature: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Record {
    Header(Header),
    Audit(EntryRow),
    Login(LoginRow),
    Trailer(Trailer),
}

/// What an archiving run did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Archived {
    pub file: String,
    pub from_seq: i64,
    pub upto_seq: i64,
    pub entries: i64,
    pub logins: i64,
}

/// Writes lines to a file while hashing them.
struct Out {
    file: std::io::BufWriter<std::fs::File>,
    sha: Sha256,
}

impl Out {
    fn line(&mut self, r: &Record) -> std::io::Result<()> {
        let mut bytes = serde_json::to_vec(r).expect("a record serialises");
        bytes.push(b'\n');
        self.sha.update(&bytes);
        self.file.write_all(&bytes)
    }
}

fn io_failed(path: &Path) -> impl Fn(std::io::Error) -> OpsError + '_ {
    move |e| {
        Invalid::new(
            "out",
            path.display(),
            msg!("无法写入归档文件：{reason}", reason = e),
        )
        .into()
    }
}

/// What the file phase wrote, for the database phase.
struct Written {
    anchor: Option<AnchorRow>,
    from_seq: i64,
    upto_seq: i64,
    last_hash: String,
    entries: i64,
    logins: i64,
    last_login: i64,
    digest: String,
    name: String,
    path: PathBuf,
}

/// Moves the entries and login-log lines from before the day `before` into a signed file in
/// `dir`. Only the server operator archives, only past the retention, and only a chain that
/// verifies up to the cutoff. The file is written from a snapshot, with no lock held; only the
/// removal takes the write lock, and finds the archives as the snapshot did or stops.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "archive"))]
pub async fn archive(
    db: &Db,
    actor: &Actor,
    before: &str,
    dir: &Path,
) -> Result<Archived, OpsError> {
    if !matches!(actor, Actor::Operator { .. }) {
        return Err(OpsError::Forbidden(msg!(
            "审计日志只能由服务器操作员在命令行归档"
        )));
    }
    let day = text::date("before", before)?;
    let ring = audit_key::reload()?;
    let w = write_file(db, &ring, before, day, dir).await?;
    match remove_archived(db, actor, &ring, &w, day).await {
        Ok(()) => Ok(Archived {
            file: w.path.display().to_string(),
            from_seq: w.from_seq,
            upto_seq: w.upto_seq,
            entries: w.entries,
            logins: w.logins,
        }),
        Err(e) => {
            // The commit may have happened even so (a connection lost after COMMIT): the file
            // is kept aside, for `verify --archive` and the anchors to settle.
            let aside = w.path.with_extension("jsonl.uncommitted");
            let _ = std::fs::rename(&w.path, &aside);
            Err(e)
        }
    }
}

/// The file phase: checks the anchors and the chain up to the cutoff and writes them out.
async fn write_file(
    db: &Db,
    ring: &Ring,
    before: &str,
    day: NaiveDate,
    dir: &Path,
) -> Result<Written, OpsError> {
    let mut tx = db.snapshot().await?;
    let days = days_in(&mut tx).await?;
    let keep = keep_from(clock::today(), days);
    if day > keep {
        return Err(Invalid::new(
            "before",
            before,
            msg!(
                "日志至少保存 {days} 天：只能归档 {keep} 之前的记录",
                days = days,
                keep = keep
            ),
        )
        .into());
    }
    let cutoff = clock::start_of(day);
    let broken = |b: Broken| {
        OpsError::conflict(
            "before",
            before,
            msg!(
                "审计链在第 {seq} 条断裂（{reason}）：先查明原因，再归档",
                seq = b.seq,
                reason = b.reason
            ),
        )
    };
    let anchors = store::all(&mut tx).await?;
    let (from_seq, prev) = anchors_hold(ring, &anchors).map_err(broken)?;
    nothing_below(&mut tx, from_seq).await?.map_err(broken)?;
    let key = ring.current();

    make_private_dir(dir).map_err(io_failed(dir))?;
    let partial = dir.join(format!(
        ".jiceng-audit-{}.partial",
        crate::accounts::secret(8)
    ));
    let file = create_private(&partial).map_err(io_failed(&partial))?;
    let mut out = Out {
        file: std::io::BufWriter::new(file),
        sha: Sha256::new(),
    };
    let written = async {
        let fail = io_failed(&partial);
        out.line(&Record::Header(Header {
            format: FORMAT.into(),
            version: 1,
            from_seq,
            prev_hash: prev.clone(),
            before: day,
            made_at: clock::now(),
        }))
        .map_err(&fail)?;
        let mut walk = Walk::new(ring, from_seq, prev.clone());
        'chain: loop {
            let batch = audit::chain_after(&mut tx, walk.next_seq - 1, BATCH).await?;
            if batch.is_empty() {
                break;
            }
            for r in batch {
                if r.at >= cutoff {
                    break 'chain;
                }
                walk.step(&r).map_err(broken)?;
                out.line(&Record::Audit(r)).map_err(&fail)?;
            }
        }
        let mut logins = 0i64;
        let mut last_login = 0i64;
        loop {
            let batch = store::logins_before(&mut tx, cutoff, last_login, BATCH).await?;
            let Some(last) = batch.last() else { break };
            last_login = last.id;
            logins += batch.len() as i64;
            for l in batch {
                out.line(&Record::Login(l)).map_err(&fail)?;
            }
        }
        let entries = walk.checked;
        if entries == 0 && logins == 0 {
            return Err(Invalid::new(
                "before",
                before,
                msg!("{day} 之前没有可归档的记录", day = day),
            )
            .into());
        }
        let upto_seq = walk.next_seq - 1;
        let digest = hex(&out.sha.clone().finalize());
        let signature =
            key.sign(archive_payload(&digest, upto_seq, &walk.prev, entries, logins).as_bytes());
        out.line(&Record::Trailer(Trailer {
            upto_seq,
            last_hash: walk.prev.clone(),
            entries,
            logins,
            sha256: digest.clone(),
            key_id: key.id().to_string(),
            signature,
        }))
        .map_err(&fail)?;
        out.file.flush().map_err(&fail)?;
        out.file.get_ref().sync_all().map_err(&fail)?;
        Ok::<_, OpsError>((upto_seq, walk.prev, entries, logins, last_login, digest))
    }
    .await;
    let (upto_seq, last_hash, entries, logins, last_login, digest) = match written {
        Ok(w) => w,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    let name = format!("jiceng-audit-{from_seq:09}-{upto_seq:09}-{day}.jsonl");
    let path = dir.join(&name);
    // Linked, not renamed: a link never replaces a file of that name (another run's).
    let linked = std::fs::hard_link(&partial, &path);
    let _ = std::fs::remove_file(&partial);
    match linked {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(OpsError::conflict(
                "out",
                path.display(),
                msg!("归档文件已存在"),
            ));
        }
        Err(e) => return Err(io_failed(&path)(e)),
    }
    // The file is on disk, under its name, before a single entry leaves the database.
    sync_dir(dir).map_err(io_failed(dir))?;
    Ok(Written {
        anchor: anchors.last().cloned(),
        from_seq,
        upto_seq,
        last_hash,
        entries,
        logins,
        last_login,
        digest,
        name,
        path,
    })
}

/// The database phase, under the write lock: the archives are as the file phase found them,
/// the archived entries and lines go, the signed anchor and the archiving's own entry come.
async fn remove_archived(
    db: &Db,
    actor: &Actor,
    ring: &Ring,
    w: &Written,
    day: NaiveDate,
) -> Result<(), OpsError> {
    let key = ring.current();
    let cutoff = clock::start_of(day);
    let mut tx = db.write().await?;
    let now = store::latest(&mut tx).await?;
    if now.as_ref().map(|a| &a.signature) != w.anchor.as_ref().map(|a| &a.signature) {
        return Err(OpsError::conflict(
            "before",
            day,
            msg!("另一次归档同时完成了：请重新归档"),
        ));
    }
    if w.entries > 0 {
        let removed = store::remove_entries(&mut tx, w.from_seq, w.upto_seq).await?;
        if removed as i64 != w.entries {
            return Err(OpsError::conflict(
                "before",
                day,
                msg!("库中的审计记录与归档文件不符：请先校验审计链"),
            ));
        }
        let prev_signature = w.anchor.as_ref().map_or("", |a| a.signature.as_str());
        let signature = key.sign(
            &Anchor {
                from_seq: w.from_seq,
                upto_seq: w.upto_seq,
                last_hash: &w.last_hash,
                file_name: &w.name,
                file_digest: &w.digest,
                entries: w.entries,
                logins: w.logins,
                prev_signature,
            }
            .payload(),
        );
        store::insert(
            &mut tx,
            &NewAnchor {
                from_seq: w.from_seq,
                upto_seq: w.upto_seq,
                last_hash: &w.last_hash,
                entries: w.entries,
                logins: w.logins,
                file_name: &w.name,
                file_digest: &w.digest,
                archived_at: clock::now(),
                key_id: key.id(),
                prev_signature,
                signature: &signature,
            },
        )
        .await?;
    }
    if w.logins > 0 {
        store::remove_logins(&mut tx, cutoff, w.last_login).await?;
    }
    audit::append(
        &mut tx,
        audit::Entry {
            actor: &actor.audit_name(),
            operation: "audit.archive",
            target: &format!("audit_archive:{}", w.name),
            path: None,
            before: None,
            after: Some(
                serde_json::json!({"from_seq": w.from_seq, "upto_seq": w.upto_seq, "entries": w.entries,
                    "logins": w.logins, "sha256": w.digest, "before": day})
                .to_string(),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The archive directory, readable by its owner only when this makes it.
fn make_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.exists() {
        return Ok(());
    }
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// A new file readable by its owner only: archives hold personal data.
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)
}

/// Makes a rename in `dir` durable.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// The outcome of checking an archive file.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ArchiveCheck {
    pub from_seq: i64,
    pub upto_seq: i64,
    pub entries: i64,
    pub logins: i64,
    pub key_id: Option<String>,
    /// The first thing that does not hold, and why.
    pub first_broken: Option<Broken>,
    /// The database holds this archive's signed anchor: the live chain starts after it.
    pub anchored: bool,
}

/// Checks an archive file: each entry's link and signature, the file's digest, counts and
/// signature, and whether the database's anchor names it.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "verify_archive"))]
pub async fn verify_archive(db: &Db, actor: &Actor, path: &Path) -> Result<ArchiveCheck, OpsError> {
    if actor.may_read_audit()? != "/" {
        return Err(OpsError::Forbidden(msg!("校验审计链需要全域权限")));
    }
    note_reading(
        db,
        actor,
        "audit.verify_archive",
        serde_json::json!({ "file": path.display().to_string() }),
    )
    .await?;
    let ring = audit_key::reload()?;
    let unreadable = |e: std::io::Error| -> OpsError {
        Invalid::new(
            "archive",
            path.display(),
            msg!("无法读取归档文件：{reason}", reason = e),
        )
        .into()
    };
    let not_archive = || -> OpsError {
        Invalid::new("archive", path.display(), msg!("不是 jiceng 审计归档文件")).into()
    };
    let reader = std::io::BufReader::new(std::fs::File::open(path).map_err(unreadable)?);
    let mut lines = reader.lines();
    let first = lines.next().ok_or_else(not_archive)?.map_err(unreadable)?;
    let header = match serde_json::from_str::<Record>(&first) {
        Ok(Record::Header(h)) if h.format == FORMAT && h.version == 1 => h,
        _ => return Err(not_archive()),
    };
    let mut sha = Sha256::new();
    sha.update(first.as_bytes());
    sha.update(b"\n");
    let mut check = ArchiveCheck {
        from_seq: header.from_seq,
        upto_seq: header.from_seq - 1,
        entries: 0,
        logins: 0,
        key_id: None,
        first_broken: None,
        anchored: false,
    };
    // A line's problem names the line; the file's, the file.
    let broken = |line: usize, reason: String| Broken {
        seq: 0,
        id: line as i64,
        reason: if line == 0 {
            reason
        } else {
            format!("第 {line} 行：{reason}")
        },
    };
    let mut walk = Walk::new(&ring, header.from_seq, header.prev_hash.clone());
    let mut trailer = None;
    for (i, line) in lines.enumerate() {
        let n = i + 2;
        let line = line.map_err(unreadable)?;
        if trailer.is_some() {
            check.first_broken = Some(broken(n, "签名行之后还有内容".into()));
            return Ok(check);
        }
        match serde_json::from_str::<Record>(&line) {
            Ok(Record::Audit(r)) => {
                if let Err(b) = walk.step(&r) {
                    check.entries = walk.checked;
                    check.first_broken = Some(b);
                    return Ok(check);
                }
            }
            Ok(Record::Login(_)) => check.logins += 1,
            Ok(Record::Trailer(t)) => {
                trailer = Some(t);
                continue;
            }
            _ => {
                check.first_broken = Some(broken(n, "不是归档记录（文件被改动）".into()));
                return Ok(check);
            }
        }
        sha.update(line.as_bytes());
        sha.update(b"\n");
    }
    check.entries = walk.checked;
    check.upto_seq = walk.next_seq - 1;
    let Some(t) = trailer else {
        check.first_broken = Some(broken(0, "文件不完整：没有签名行（被截断）".into()));
        return Ok(check);
    };
    check.key_id = Some(t.key_id.clone());
    let digest = hex(&sha.finalize());
    let reason = if t.sha256 != digest {
        Some("内容摘要与签名行不符（文件被改动）".to_string())
    } else if t.entries != check.entries || t.logins != check.logins {
        Some(format!(
            "签名行记有 {} 条审计记录、{} 条登录日志，文件中实有 {} 条、{} 条",
            t.entries, t.logins, check.entries, check.logins
        ))
    } else if t.upto_seq != check.upto_seq || t.last_hash != walk.prev {
        Some("签名行记的链尾与文件中的记录不符".to_string())
    } else {
        match ring.get(&t.key_id) {
            None => Some(format!(
                "签名密钥 {} 不在本系统的密钥中（轮换下来的密钥文件缺失？）",
                t.key_id
            )),
            Some(k)
                if k.sign(
                    archive_payload(&digest, t.upto_seq, &t.last_hash, t.entries, t.logins)
                        .as_bytes(),
                ) != t.signature =>
            {
                Some("文件签名不符（文件被改动，或密钥不对）".to_string())
            }
            Some(_) => None,
        }
    };
    if let Some(r) = reason {
        check.first_broken = Some(broken(0, r));
        return Ok(check);
    }
    let anchors = store::all(&mut db.read().await?).await?;
    check.anchored = check.entries > 0
        && anchors_hold(&ring, &anchors).is_ok()
        && anchors.iter().any(|a| {
            a.from_seq == check.from_seq
                && a.upto_seq == t.upto_seq
                && a.last_hash == t.last_hash
                && a.file_digest == digest
        });
    Ok(check)
}

/// An archiving run as the database remembers it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Archive {
    /// The entries up to this sequence number left for the file.
    pub upto_seq: i64,
    pub entries: i64,
    pub logins: i64,
    pub file_name: String,
    /// The SHA-256 of the file's content (before its signature line).
    pub file_digest: String,
    pub archived_at: DateTime<Utc>,
    pub key_id: String,
}

/// The archives made so far, newest first: for whoever reads the whole trail.
#[tracing::instrument(name = "ops", skip_all, fields(use_case = "archives"))]
pub async fn list(db: &Db, actor: &Actor) -> Result<Vec<Archive>, OpsError> {
    if actor.may_read_audit()? != "/" {
        return Err(OpsError::Forbidden(msg!("查看归档需要全域权限")));
    }
    Ok(store::all(&mut db.read().await?)
        .await?
        .into_iter()
        .rev()
        .map(|a| Archive {
            upto_seq: a.upto_seq,
            entries: a.entries,
            logins: a.logins,
            file_name: a.file_name,
            file_digest: a.file_digest,
            archived_at: a.archived_at,
            key_id: a.key_id,
        })
        .collect())
}
