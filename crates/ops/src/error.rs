use jiceng_domain::{Invalid, Label, Lang, Msg, msg};
use jiceng_store::StoreError;
use serde::Serialize;
use thiserror::Error;

/// Everything a use case can refuse or fail with. Front doors map it once: the web to HTTP
/// statuses and JSON bodies, the CLI to messages and exit codes.
#[derive(Debug, Error)]
pub enum OpsError {
    #[error("{0}")]
    Invalid(Invalid),
    /// `what` is a Chinese label, translated when rendered.
    #[error("找不到{what}：{key}")]
    NotFound { what: &'static str, key: String },
    #[error("{0}")]
    Conflict(Invalid),
    #[error("无权操作：{0}")]
    Forbidden(Msg),
    #[error("{0}")]
    Unauthenticated(Msg),
    /// A service the use case needs (the SMS gateway) cannot be reached: worth retrying.
    #[error("{0}")]
    Unavailable(Msg),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<Invalid> for OpsError {
    fn from(i: Invalid) -> Self {
        OpsError::Invalid(i)
    }
}

/// The structured form of an error, as the API and `--json` print it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// invalid, not_found, conflict, forbidden, unauthenticated, unavailable or store; the
    /// API adds malformed_json, bad_query, too_large and unsupported_media_type.
    pub code: &'static str,
    /// For people, in the request's language; names the field and the value.
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl OpsError {
    pub fn not_found(what: &'static str, key: impl ToString) -> OpsError {
        OpsError::NotFound {
            what,
            key: key.to_string(),
        }
    }

    pub fn conflict(field: &'static str, value: impl std::fmt::Display, message: Msg) -> OpsError {
        OpsError::Conflict(Invalid::new(field, value, message))
    }

    /// A failure of the server's own (a file it keeps cannot be read, say): a 500 whose
    /// detail goes to the log only.
    pub fn internal(detail: impl ToString) -> OpsError {
        OpsError::Store(StoreError::Other(detail.to_string()))
    }

    /// The server is too busy for this now (503): worth retrying later.
    pub fn busy(detail: impl ToString) -> OpsError {
        OpsError::Store(StoreError::Unavailable(detail.to_string()))
    }

    /// The database cannot be reached: worth retrying later.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, OpsError::Store(StoreError::Unavailable(_)))
    }

    pub fn code(&self) -> &'static str {
        match self {
            OpsError::Invalid(_) => "invalid",
            OpsError::NotFound { .. } => "not_found",
            OpsError::Conflict(_) => "conflict",
            OpsError::Forbidden(_) => "forbidden",
            OpsError::Unauthenticated(_) => "unauthenticated",
            OpsError::Unavailable(_) => "unavailable",
            OpsError::Store(StoreError::Unavailable(_)) => "unavailable",
            OpsError::Store(_) => "store",
        }
    }

    /// The message for people, in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        let m = match self {
            OpsError::Invalid(i) | OpsError::Conflict(i) => return i.render(lang),
            OpsError::NotFound { what, key } => {
                msg!("找不到{what}：{key}", what = Label(what), key = key)
            }
            OpsError::Forbidden(m) => msg!("无权操作：{why}", why = m.render(lang)),
            OpsError::Unauthenticated(m) | OpsError::Unavailable(m) => m.clone(),
            OpsError::Store(e) => store_msg(e),
        };
        m.render(lang)
    }

    pub fn body(&self) -> ErrorBody {
        self.body_in(Lang::Zh)
    }

    pub fn body_in(&self, lang: Lang) -> ErrorBody {
        let (field, value) = match self {
            OpsError::Invalid(i) | OpsError::Conflict(i) => (Some(i.field), Some(i.value.clone())),
            _ => (None, None),
        };
        ErrorBody {
            code: self.code(),
            message: self.render(lang),
            field,
            value,
        }
    }
}

/// What people are told of a database failure: never the driver's text, which may name tables,
/// columns or values. The detail goes to the log, under the request's id.
fn store_msg(e: &StoreError) -> Msg {
    match e {
        StoreError::Unavailable(_) => msg!("数据库暂不可用，请稍后再试"),
        StoreError::Duplicate(_) => msg!("与已有记录冲突"),
        StoreError::Referenced(_) => msg!("仍被其他记录引用"),
        StoreError::Migration { version, reason } => msg!(
            "迁移失败（版本 {version}）：{reason}",
            version = version,
            reason = reason
        ),
        StoreError::Other(_) => msg!("服务器内部错误"),
    }
}
