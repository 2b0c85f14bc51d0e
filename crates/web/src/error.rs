//! The one place errors become HTTP: statuses, and a JSON body naming the field and value.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiceng_ops::OpsError;
use jiceng_store::StoreError;
use serde_json::json;

pub struct ApiError(pub OpsError);

impl From<OpsError> for ApiError {
    fn from(e: OpsError) -> Self {
        ApiError(e)
    }
}

pub fn status_of(e: &OpsError) -> StatusCode {
    match e {
        OpsError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        OpsError::NotFound { .. } => StatusCode::NOT_FOUND,
        OpsError::Conflict(_) => StatusCode::CONFLICT,
        OpsError::Forbidden(_) => StatusCode::FORBIDDEN,
        OpsError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        OpsError::Store(StoreError::Unavailable(_)) => StatusCode::SERVICE_UNAVAILABLE,
        OpsError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = status_of(&self.0);
        if status.is_server_error() {
            tracing::error!(error = %self.0, "request failed");
        }
        (status, Json(json!({ "error": self.0.body() }))).into_response()
    }
}

/// A request the server could not read at all: malformed JSON, a body too large, bad query.
pub fn bad_request(status: StatusCode, code: &str, message: String) -> Response {
    (
        status,
        Json(json!({ "error": { "code": code, "message": message } })),
    )
        .into_response()
}

pub fn json_rejection(r: JsonRejection) -> Response {
    match r.status() {
        StatusCode::PAYLOAD_TOO_LARGE => bad_request(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("请求体超过上限 {} 字节", crate::MAX_JSON_BODY),
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => bad_request(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "请求体应为 application/json".into(),
        ),
        _ => bad_request(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("JSON 无法解析：{}", r.body_text()),
        ),
    }
}

pub fn query_rejection(r: QueryRejection) -> Response {
    bad_request(
        StatusCode::BAD_REQUEST,
        "bad_query",
        format!("查询参数无法解析：{}", r.body_text()),
    )
}
