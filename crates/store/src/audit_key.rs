//! The key that signs the audit trail, kept outside the database: `JICENG_AUDIT_KEY` (at
//! least 16 characters) when set, else `audit.key` in the data directory, made on first use
//! with 32 random bytes and readable by its owner only. Every node of a deployment uses the
//! same key; back the file up with the database, apart from it.

use crate::StoreError;
use jiceng_domain::audit::AuditKey;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

static KEY: OnceLock<AuditKey> = OnceLock::new();

/// The file the key is kept in, in a data directory.
pub fn file_in(data_dir: &Path) -> PathBuf {
    data_dir.join("audit.key")
}

/// Loads (or makes) the deployment's key and uses it for this process.
pub fn load(data_dir: &Path) -> Result<&'static AuditKey, StoreError> {
    let key = match std::env::var("JICENG_AUDIT_KEY")
        .ok()
        .filter(|k| !k.is_empty())
    {
        Some(k) => AuditKey::new(k.as_bytes())
            .ok_or_else(|| StoreError::Unavailable("JICENG_AUDIT_KEY 至少应有 16 个字符".into()))?,
        None => from_file(&file_in(data_dir))?,
    };
    use_key(key)
}

fn from_file(path: &Path) -> Result<AuditKey, StoreError> {
    let unreadable = |e: std::io::Error| {
        StoreError::Unavailable(format!("无法读取审计签名密钥 {}：{e}", path.display()))
    };
    if !path.exists() {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).expect("the OS random source works");
        let text: String = secret.iter().map(|b| format!("{b:02x}")).collect();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(unreadable)?;
        }
        write_private(path, text.as_bytes()).map_err(unreadable)?;
    }
    let text = std::fs::read_to_string(path).map_err(unreadable)?;
    AuditKey::new(text.trim().as_bytes())
        .ok_or_else(|| StoreError::Unavailable(format!("审计签名密钥 {} 太短", path.display())))
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?
        .write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

/// Uses `key` for this process; a process keeps the first key it was given.
pub fn use_key(key: AuditKey) -> Result<&'static AuditKey, StoreError> {
    let kept = KEY.get_or_init(|| key.clone());
    if kept.id() == key.id() {
        Ok(kept)
    } else {
        Err(StoreError::Unavailable(
            "本进程已使用另一把审计签名密钥".into(),
        ))
    }
}

/// The key in use.
pub fn current() -> Result<&'static AuditKey, StoreError> {
    KEY.get().ok_or_else(|| {
        StoreError::Unavailable("审计签名密钥未加载（见 README：审计签名密钥）".into())
    })
}
