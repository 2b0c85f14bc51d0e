use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("数据库不可用：{0}")]
    Unavailable(String),
    #[error("违反唯一约束：{0}")]
    Duplicate(String),
    #[error("仍被其他记录引用：{0}")]
    Referenced(String),
    #[error("迁移失败（版本 {version}）：{reason}")]
    Migration { version: i64, reason: String },
    #[error("数据库错误：{0}")]
    Other(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            let msg = db.message().to_string();
            // PostgreSQL's exclusion constraint (two bookings of a room overlapping) is a
            // conflict with an existing record, as a unique key's is.
            if db.code().as_deref() == Some("23P01") {
                return StoreError::Duplicate(msg);
            }
            match db.kind() {
                sqlx::error::ErrorKind::UniqueViolation => return StoreError::Duplicate(msg),
                sqlx::error::ErrorKind::ForeignKeyViolation => return StoreError::Referenced(msg),
                _ => {}
            }
        }
        match e {
            sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Tls(_) => StoreError::Unavailable(e.to_string()),
            other => StoreError::Other(other.to_string()),
        }
    }
}
