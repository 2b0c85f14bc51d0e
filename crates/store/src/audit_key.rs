//! The keys that sign the audit trail, kept outside the database. The current key is
//! `JICENG_AUDIT_KEY` (at least 16 characters) when set, else `audit.key` in the data
//! directory, made on first use with 32 random bytes and readable by its owner only. Keys
//! retired by `jiceng audit rotate-key` stay in `audit-keys/<id>.key` beside it, so the entries
//! they signed still verify. Every node of a deployment uses the same files; back them up with
//! the database, apart from it.

use crate::StoreError;
use jiceng_domain::audit::AuditKey;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

/// The current key and the retired ones, with the directory they were read from.
#[derive(Debug, Clone)]
pub struct Ring {
    current: AuditKey,
    /// Each retired key, with the sequence number of the entry that retired it when known.
    retired: Vec<(AuditKey, Option<i64>)>,
    dir: Option<PathBuf>,
    /// When `audit.key` was last changed, as read: another process's rotation changes it.
    stamp: Option<SystemTime>,
}

static RING: RwLock<Option<Arc<Ring>>> = RwLock::new(None);

const ENV: &str = "JICENG_AUDIT_KEY";

/// The file the current key is kept in, in a data directory.
pub fn file_in(data_dir: &Path) -> PathBuf {
    data_dir.join("audit.key")
}

/// The directory retired keys are kept in.
pub fn retired_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("audit-keys")
}

fn unreadable(path: &Path) -> impl Fn(std::io::Error) -> StoreError + '_ {
    move |e| StoreError::Unavailable(format!("无法读写审计签名密钥 {}：{e}", path.display()))
}

impl Ring {
    /// The key new entries are signed with.
    pub fn current(&self) -> &AuditKey {
        &self.current
    }

    fn keys(&self) -> impl Iterator<Item = &AuditKey> {
        std::iter::once(&self.current).chain(self.retired.iter().map(|(k, _)| k))
    }

    /// The key with `id`, current or retired.
    pub fn get(&self, id: &str) -> Option<&AuditKey> {
        self.keys().find(|k| k.id() == id)
    }

    /// The sequence number of the entry that retired the key `id`, if it is retired and that
    /// was recorded: it signs nothing much later.
    pub fn retired_at(&self, id: &str) -> Option<i64> {
        self.retired
            .iter()
            .find(|(k, _)| k.id() == id)
            .and_then(|(_, at)| *at)
    }

    /// The ids of every key, the current one first.
    pub fn ids(&self) -> Vec<String> {
        self.keys().map(|k| k.id().to_string()).collect()
    }

    /// Reads the keys of the data directory; at a start (`make`), makes the current key if
    /// there is none. A reload never makes one: a rotation in another process owns the file.
    pub fn read(data_dir: &Path, make: bool) -> Result<Ring, StoreError> {
        // Taken before the key is read: a rotation after it is noticed at the next look.
        let stamp = stamp_of(data_dir);
        let current = match std::env::var(ENV).ok().filter(|k| !k.is_empty()) {
            Some(k) => AuditKey::new(k.as_bytes())
                .ok_or_else(|| StoreError::Unavailable(format!("{ENV} 至少应有 16 个字符")))?,
            None => {
                let path = file_in(data_dir);
                if make && !path.exists() {
                    write_private(&path, new_secret().as_bytes()).map_err(unreadable(&path))?;
                }
                key_in(&path)?
            }
        };
        let mut retired: Vec<(AuditKey, Option<i64>)> = Vec::new();
        let dir = retired_dir(data_dir);
        if dir.exists() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
                .map_err(unreadable(&dir))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "key"))
                .collect();
            files.sort();
            for f in files {
                let k = key_in(&f)?;
                if k.id() != current.id() && !retired.iter().any(|(r, _)| r.id() == k.id()) {
                    let at = std::fs::read_to_string(f.with_extension("retired"))
                        .ok()
                        .and_then(|t| t.trim().parse().ok());
                    retired.push((k, at));
                }
            }
        }
        Ok(Ring {
            current,
            retired,
            dir: Some(data_dir.to_path_buf()),
            stamp,
        })
    }

    /// Retires the current key of the data directory into `audit-keys/<id>.key` and makes a
    /// new one; returns the keys as they now are. A key given by `JICENG_AUDIT_KEY` is rotated
    /// by its keeper instead: the old one goes into `audit-keys/`, the variable gets the new.
    pub fn rotate(data_dir: &Path) -> Result<Ring, StoreError> {
        rotatable(data_dir)?;
        let old = Ring::read(data_dir, true)?;
        let dir = retired_dir(data_dir);
        std::fs::create_dir_all(&dir).map_err(unreadable(&dir))?;
        let kept = dir.join(format!("{}.key", old.current.id()));
        let current = file_in(data_dir);
        let fresh = data_dir.join(format!(".audit.key.{}", new_secret()));
        write_private(&fresh, new_secret().as_bytes()).map_err(unreadable(&fresh))?;
        // The old key is linked among the retired ones before the new one replaces it in one
        // rename: at no moment is there no `audit.key` for another process to find missing.
        if !kept.exists() {
            std::fs::hard_link(&current, &kept).map_err(unreadable(&kept))?;
        }
        sync_dir(&dir).map_err(unreadable(&dir))?;
        std::fs::rename(&fresh, &current).map_err(unreadable(&current))?;
        sync_dir(data_dir).map_err(unreadable(data_dir))?;
        Ring::read(data_dir, false)
    }
}

/// Whether this process may rotate the key itself: not when the key comes from the
/// environment, which its keeper rotates.
pub fn rotatable(data_dir: &Path) -> Result<(), StoreError> {
    if std::env::var(ENV).is_ok_and(|k| !k.is_empty()) {
        return Err(StoreError::Unavailable(format!(
            "当前密钥来自环境变量 {ENV}：请把它存入 {}/<任意名>.key，再为 {ENV} 设新值",
            retired_dir(data_dir).display()
        )));
    }
    Ok(())
}

/// Records in the data directory that the retired key `id` was retired by the entry `seq`.
pub fn mark_retired(data_dir: &Path, id: &str, seq: i64) -> Result<(), StoreError> {
    let dir = retired_dir(data_dir);
    let path = dir.join(format!("{id}.retired"));
    let fresh = dir.join(format!(".{id}.retired.{}", new_secret()));
    write_private(&fresh, seq.to_string().as_bytes()).map_err(unreadable(&fresh))?;
    std::fs::rename(&fresh, &path).map_err(unreadable(&path))?;
    sync_dir(&dir).map_err(unreadable(&dir))
}

fn stamp_of(data_dir: &Path) -> Option<SystemTime> {
    std::fs::metadata(file_in(data_dir))
        .and_then(|m| m.modified())
        .ok()
}

/// Makes the files just written or renamed in `dir` durable.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

fn new_secret() -> String {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).expect("the OS random source works");
    secret.iter().map(|b| format!("{b:02x}")).collect()
}

fn key_in(path: &Path) -> Result<AuditKey, StoreError> {
    let text = std::fs::read_to_string(path).map_err(unreadable(path))?;
    AuditKey::new(text.trim().as_bytes())
        .ok_or_else(|| StoreError::Unavailable(format!("审计签名密钥 {} 太短", path.display())))
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, bytes)
}

/// Loads the deployment's keys and uses them for this process.
pub fn load(data_dir: &Path) -> Result<Arc<Ring>, StoreError> {
    install(Ring::read(data_dir, true)?)
}

/// Rotates the data directory's key and uses the new one in this process.
pub fn rotate(data_dir: &Path) -> Result<Arc<Ring>, StoreError> {
    install(Ring::rotate(data_dir)?)
}

/// Reads the keys again from where they were loaded (another process may have rotated them),
/// so verification knows every key; a ring not read from files stays as it is.
pub fn reload() -> Result<Arc<Ring>, StoreError> {
    let ring = ring()?;
    match &ring.dir {
        Some(dir) => install(Ring::read(dir, false)?),
        None => Ok(ring),
    }
}

/// Uses `ring` for this process. A process never drops a key it has used: the new ring must
/// hold the current key, as its current or a retired one.
fn install(ring: Ring) -> Result<Arc<Ring>, StoreError> {
    let mut slot = RING.write().unwrap_or_else(|e| e.into_inner());
    if let Some(old) = slot.as_ref()
        && ring.get(old.current.id()).is_none()
    {
        return Err(StoreError::Unavailable(
            "本进程已使用另一把审计签名密钥".into(),
        ));
    }
    let ring = Arc::new(ring);
    *slot = Some(ring.clone());
    Ok(ring)
}

/// Uses `key` for this process unless the keys in use already hold it (tests sign with one
/// key of their own).
pub fn use_key(key: AuditKey) -> Result<Arc<Ring>, StoreError> {
    if let Ok(ring) = ring()
        && ring.get(key.id()).is_some()
    {
        return Ok(ring);
    }
    install(Ring {
        current: key,
        retired: Vec::new(),
        dir: None,
        stamp: None,
    })
}

/// The keys in use.
pub fn ring() -> Result<Arc<Ring>, StoreError> {
    RING.read()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .ok_or_else(|| {
            StoreError::Unavailable("审计签名密钥未加载（见 README：审计签名密钥）".into())
        })
}

/// The last second a process looked whether `audit.key` changed.
static LOOKED: AtomicI64 = AtomicI64::new(0);

/// The key new entries are signed with. At most once a second a process looks whether another
/// rotated the key, and signs with the new one from then on.
pub fn current() -> Result<AuditKey, StoreError> {
    let ring = ring()?;
    if let Some(dir) = &ring.dir {
        let now = jiceng_domain::clock::now().timestamp();
        if LOOKED.swap(now, Ordering::Relaxed) != now && stamp_of(dir) != ring.stamp {
            return Ok(reload()?.current.clone());
        }
    }
    Ok(ring.current.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_keeps_the_old_key_among_the_retired() {
        let dir = tempfile_dir();
        let first = Ring::read(&dir, true).unwrap();
        assert_eq!(first.ids().len(), 1);
        assert_eq!(
            Ring::read(&dir, true).unwrap().current.id(),
            first.current.id()
        );
        let second = Ring::rotate(&dir).unwrap();
        assert_ne!(second.current.id(), first.current.id());
        assert!(second.get(first.current.id()).is_some());
        let third = Ring::rotate(&dir).unwrap();
        assert_eq!(third.ids().len(), 3);
        assert!(
            retired_dir(&dir)
                .join(format!("{}.key", second.current.id()))
                .exists()
        );
        // A retired key file lost: its entries can no longer be checked.
        std::fs::remove_file(retired_dir(&dir).join(format!("{}.key", first.current.id())))
            .unwrap();
        assert!(
            Ring::read(&dir, true)
                .unwrap()
                .get(first.current.id())
                .is_none()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn tempfile_dir() -> PathBuf {
        let d = std::env::temp_dir().join(format!("jiceng-keys-{}", new_secret()));
        std::fs::create_dir_all(&d).unwrap();
        d
    }
}
