//! The one place errors become HTTP: statuses, and a JSON body naming the field and value.

use axum::Json;
use axum::extract::Request;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jiceng_domain::{Lang, msg};
use jiceng_ops::{ErrorBody, OpsError};
use serde::Serialize;

pub struct ApiError(pub OpsError);

tokio::task_local! {
    /// The language of the request being served, for error bodies.
    static LANG: Lang;
}

/// Serves the API request with its language (`Accept-Language`, else the `lang` cookie) in
/// scope, so an error deep in a handler is worded for the caller.
pub async fn with_lang(req: Request, next: Next) -> Response {
    let headers = req.headers();
    let accept = headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|h| h.to_str().ok());
    let lang = if accept.is_some() {
        Lang::from_accept(accept)
    } else {
        crate::pages::lang_of(headers)
    };
    LANG.scope(lang, next.run(req)).await
}

/// Serves a page with the language its pages are drawn in (the `lang` cookie) in scope.
pub async fn with_page_lang(req: Request, next: Next) -> Response {
    let lang = crate::pages::lang_of(req.headers());
    LANG.scope(lang, next.run(req)).await
}

pub fn lang() -> Lang {
    LANG.try_with(|l| *l).unwrap_or_default()
}

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
        OpsError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        OpsError::Store(_) if e.is_unavailable() => StatusCode::SERVICE_UNAVAILABLE,
        OpsError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// Logs a failure of the server's own (the only place its detail goes) and gives the id of
/// the request, which the answer names so a person can quote it.
pub fn log_failure(status: StatusCode, e: &OpsError) -> Option<std::sync::Arc<str>> {
    let id = crate::request::current();
    if status.is_server_error() {
        // The id is named on the line itself too, so the line is found by it even where the
        // request's span is not recorded.
        tracing::error!(request_id = id.as_deref().unwrap_or(""), error = %e, "request failed");
    }
    id
}

/// What every API error answers: `{"error": {…}}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorReply {
    pub error: ErrorDetail,
}

/// The error as ops words it (code, message, field, value), and the request's id.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    #[serde(flatten)]
    pub body: ErrorBody,
    /// Quote it when reporting a failure: the server's log holds the detail under it.
    pub request_id: Option<String>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = status_of(&self.0);
        let request_id = log_failure(status, &self.0);
        let error = ErrorDetail {
            body: self.0.body_in(lang()),
            request_id: request_id.as_deref().map(str::to_string),
        };
        (status, Json(ErrorReply { error })).into_response()
    }
}

/// A request the server could not read at all: malformed JSON, a body too large, bad query.
pub fn bad_request(
    status: StatusCode,
    code: &'static str,
    message: jiceng_domain::Msg,
) -> Response {
    let error = ErrorDetail {
        body: ErrorBody {
            code,
            message: message.render(lang()),
            field: None,
            value: None,
        },
        request_id: crate::request::current().as_deref().map(str::to_string),
    };
    (status, Json(ErrorReply { error })).into_response()
}

pub fn json_rejection(r: JsonRejection) -> Response {
    match r.status() {
        StatusCode::PAYLOAD_TOO_LARGE => bad_request(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            msg!("请求体超过上限 {limit} 字节", limit = crate::MAX_JSON_BODY),
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => bad_request(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            msg!("请求体应为 application/json"),
        ),
        _ => bad_request(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            msg!("JSON 无法解析：{reason}", reason = r.body_text()),
        ),
    }
}

pub fn query_rejection(r: QueryRejection) -> Response {
    bad_request(
        StatusCode::BAD_REQUEST,
        "bad_query",
        msg!("查询参数无法解析：{reason}", reason = r.body_text()),
    )
}
