//! `jiceng audit …`: browsing and verifying the trail, archiving, the key, the retention.

use super::output::Out;
use clap::Subcommand;
use jiceng_domain::msg;
use jiceng_ops::audit::{self, BrowseAudit};
use jiceng_ops::{Actor, Db, OpsError};
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum AuditCmd {
    /// Check the live hash chain (or, with --archive, an archive file) and report the first
    /// broken link.
    Verify {
        /// An archive file made by `jiceng audit archive`.
        #[arg(long)]
        archive: Option<PathBuf>,
    },
    /// Move entries and login-log lines from before a day, past the retention, into a signed
    /// archive file; the live chain goes on verifying from there.
    Archive {
        /// Entries from before this day (yyyy-mm-dd, Asia/Shanghai) are archived.
        #[arg(long)]
        before: String,
        /// The directory the file is written to (default: `archives/` in the data directory).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Start a new signing key; the old one is kept in `audit-keys/` to verify its entries.
    RotateKey,
    /// Show how many days entries are kept, or set it (at least 180).
    Retention {
        #[arg(long)]
        days: Option<i64>,
    },
    /// Browse the trail, newest first.
    List {
        #[arg(long)]
        actor: Option<String>,
        #[arg(long)]
        operation: Option<String>,
        #[arg(long)]
        target: Option<String>,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        before: Option<i64>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
}

pub async fn run(
    db: &Db,
    actor: &Actor,
    cmd: AuditCmd,
    data_dir: &Path,
    out: &Out,
) -> Result<(), OpsError> {
    match cmd {
        AuditCmd::Verify {
            archive: Some(file),
        } => {
            let c = audit::archive::verify_archive(db, actor, &file).await?;
            out.show(&c, |c| match &c.first_broken {
                None => format!(
                    "归档文件完好：第 {}–{} 条审计记录、{} 条登录日志，签名密钥 {}{}",
                    c.from_seq,
                    c.upto_seq,
                    c.logins,
                    c.key_id.as_deref().unwrap_or("—"),
                    if c.anchored {
                        "；与数据库中的归档锚点相符"
                    } else {
                        "；数据库中没有它的归档锚点"
                    }
                ),
                Some(b) => format!("归档文件校验未通过：{}", b.reason),
            });
            if c.first_broken.is_some() {
                return Err(OpsError::conflict(
                    "archive",
                    file.display(),
                    msg!("归档文件校验未通过"),
                ));
            }
        }
        AuditCmd::Verify { archive: None } => {
            let v = audit::verify(db, actor).await?;
            out.show(&v, |v| {
                let from = v
                    .archived_upto
                    .map(|n| format!("（第 1–{n} 条已归档）"))
                    .unwrap_or_default();
                match &v.first_broken {
                    None => format!(
                        "审计链完整：共 {} 条记录，逐条校验通过{from}；密钥 {}",
                        v.entries,
                        v.keys.join("、")
                    ),
                    Some(b) => format!(
                        "审计链断裂：第 {} 条（记录 {}）：{}；此前 {} 条完好{from}",
                        b.seq, b.id, b.reason, v.entries
                    ),
                }
            });
            if v.first_broken.is_some() {
                return Err(OpsError::conflict(
                    "audit",
                    "chain",
                    msg!("审计链校验未通过"),
                ));
            }
        }
        AuditCmd::Archive { before, out: dir } => {
            let dir = dir.unwrap_or_else(|| data_dir.join("archives"));
            let a = audit::archive::archive(db, actor, &before, &dir).await?;
            out.show(&a, |a| {
                format!(
                    "已归档第 {}–{} 条审计记录（{} 条）和 {} 条登录日志：{}",
                    a.from_seq, a.upto_seq, a.entries, a.logins, a.file
                )
            });
        }
        AuditCmd::RotateKey => {
            let r = audit::keys::rotate(db, actor, data_dir).await?;
            out.show(&r, |r| {
                format!(
                    "已启用新的审计签名密钥 {}；旧密钥 {} 保存在 audit-keys/ 中。请重启其他 serve 进程，并备份密钥文件",
                    r.current, r.retired
                )
            });
        }
        AuditCmd::Retention { days } => {
            let r = match days {
                Some(d) => audit::retention::set_retention(db, actor, d).await?,
                None => audit::retention::retention(db, actor).await?,
            };
            out.show(&r, |r| {
                format!(
                    "审计日志和登录日志保存 {} 天（不少于 {} 天）：{} 及以后的记录不能归档",
                    r.days, r.min_days, r.keep_from
                )
            });
        }
        AuditCmd::List {
            actor: who,
            operation,
            target,
            from,
            to,
            before,
            limit,
        } => {
            let q = BrowseAudit {
                actor: who,
                operation,
                target,
                from,
                to,
                before,
                limit: Some(limit),
            };
            let p = audit::browse(db, actor, q).await?;
            out.show(&p, |p| {
                if p.items.is_empty() {
                    return "没有符合条件的审计记录".into();
                }
                let mut s: Vec<String> = p
                    .items
                    .iter()
                    .map(|e| {
                        format!(
                            "{}\t{}\t{}\t{}\t{}",
                            e.seq.unwrap_or(0),
                            jiceng_domain::clock::stamp(e.at),
                            e.actor,
                            e.operation,
                            e.target
                        )
                    })
                    .collect();
                if let Some(n) = &p.next {
                    s.push(format!("……还有更多，用 --before {n} 查看"));
                }
                s.join("\n")
            });
        }
    }
    Ok(())
}
