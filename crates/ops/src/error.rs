use jiceng_domain::Invalid;
use jiceng_store::StoreError;
use serde::Serialize;
use thiserror::Error;

/// Everything a use case can refuse or fail with. Front doors map it once: the web to HTTP
/// statuses and JSON bodies, the CLI to messages and exit codes.
#[derive(Debug, Error)]
pub enum OpsError {
    #[error("{0}")]
    Invalid(Invalid),
    #[error("找不到{what}：{key}")]
    NotFound { what: &'static str, key: String },
    #[error("{0}")]
    Conflict(Invalid),
    #[error("无权操作：{0}")]
    Forbidden(String),
    #[error("{0}")]
    Unauthenticated(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<Invalid> for OpsError {
    fn from(i: Invalid) -> Self {
        OpsError::Invalid(i)
    }
}

/// The structured form of an error, as the API and `--json` print it.
#[derive(Debug, Serialize)]
pub struct ErrorBody {
    pub code: &'static str,
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

    pub fn conflict(
        field: &'static str,
        value: impl std::fmt::Display,
        message: impl Into<String>,
    ) -> OpsError {
        OpsError::Conflict(Invalid::new(field, value, message))
    }

    pub fn code(&self) -> &'static str {
        match self {
            OpsError::Invalid(_) => "invalid",
            OpsError::NotFound { .. } => "not_found",
            OpsError::Conflict(_) => "conflict",
            OpsError::Forbidden(_) => "forbidden",
            OpsError::Unauthenticated(_) => "unauthenticated",
            OpsError::Store(StoreError::Unavailable(_)) => "unavailable",
            OpsError::Store(_) => "store",
        }
    }

    pub fn body(&self) -> ErrorBody {
        let (field, value) = match self {
            OpsError::Invalid(i) | OpsError::Conflict(i) => (Some(i.field), Some(i.value.clone())),
            _ => (None, None),
        };
        ErrorBody {
            code: self.code(),
            message: self.to_string(),
            field,
            value,
        }
    }
}
