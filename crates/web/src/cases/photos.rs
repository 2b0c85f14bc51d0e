//! Photos travelling with a case's steps: the form or request that makes the step carries
//! them (fields `photo_intake`, `photo_before`, `photo_after`, `photo_verify`), each read
//! with its size bounded before the operations see it; and the routes that serve a photo's
//! display copy or thumbnail to whoever may read its case, or publicly by tracking code when
//! the reporter allowed it.

use crate::AppState;
use crate::auth::Authed;
use crate::client::ClientAddr;
use crate::error::ApiError;
use crate::pages::form::{Values, value};
use crate::pages::{Viewer, error_page};
use axum::Form;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jiceng_domain::cases::{MAX_PER_STEP, PhotoStage};
use jiceng_domain::{Invalid, msg};
use jiceng_ops::OpsError;
use jiceng_ops::cases::photos::{self, MAX_BYTES, Upload};
use serde::de::DeserializeOwned;

/// The largest body a step with photos may send: its photos and a little for the rest.
pub(crate) const MAX_BODY: usize = MAX_PER_STEP * MAX_BYTES + (256 << 10);

/// The most text one form field may hold.
const MAX_TEXT: usize = 64 << 10;

/// What a form or request sent: its text fields, its photos, and the first problem met
/// reading them (the text fields are kept, so the form comes back filled in).
#[derive(Default)]
pub(crate) struct Sent {
    pub fields: Vec<(String, String)>,
    pub photos: Vec<Upload>,
    pub problem: Option<OpsError>,
}

impl Sent {
    pub fn values(&self) -> Values {
        self.fields.iter().cloned().collect()
    }
}

fn stage_of(field: &str) -> Option<PhotoStage> {
    PhotoStage::parse(field.strip_prefix("photo_")?).ok()
}

/// The most fields other than photos one form sends.
const MAX_FIELDS: usize = 64;

/// Reads a field's bytes, at most `max`: `None` when it holds more or breaks off.
async fn bounded(field: &mut axum::extract::multipart::Field<'_>, max: usize) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) if bytes.len() + chunk.len() <= max => bytes.extend_from_slice(&chunk),
            Ok(Some(_)) | Err(_) => return None,
            Ok(None) => return Some(bytes),
        }
    }
}

/// Reads a multipart body part by part, each bounded as it is read. A photo field left
/// empty (no file chosen) is skipped; a photo over the size limit, one too many or a field
/// too long is named and skipped (the other fields are kept, so the form comes back filled
/// in); past the most fields a form sends, the rest is not read.
async fn read(mut form: Multipart) -> Sent {
    let mut sent = Sent::default();
    let problem = |sent: &mut Sent, e: Invalid| {
        sent.problem.get_or_insert(e.into());
    };
    loop {
        let mut field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                let why = msg!(
                    "上传失败（每张照片上限 {mb} MB，每步最多 {n} 张）：{reason}",
                    mb = MAX_BYTES >> 20,
                    n = MAX_PER_STEP,
                    reason = e.body_text()
                );
                problem(&mut sent, Invalid::new("photos", "", why));
                break;
            }
        };
        let name = field.name().unwrap_or("").to_string();
        if let Some(stage) = stage_of(&name) {
            let file_name = field.file_name().unwrap_or("").to_string();
            let Some(bytes) = bounded(&mut field, MAX_BYTES).await else {
                let why = msg!("文件超过 {mb} MB", mb = MAX_BYTES >> 20);
                problem(&mut sent, Invalid::new("photo", &file_name, why));
                continue;
            };
            if file_name.is_empty() && bytes.is_empty() {
                continue;
            }
            if sent.photos.len() == MAX_PER_STEP {
                let why = msg!("每一步最多 {n} 张照片", n = MAX_PER_STEP);
                problem(
                    &mut sent,
                    Invalid::new("photos", (MAX_PER_STEP + 1).to_string(), why),
                );
                continue;
            }
            sent.photos.push(Upload {
                stage,
                file_name,
                bytes,
            });
        } else {
            if sent.fields.len() == MAX_FIELDS {
                problem(
                    &mut sent,
                    Invalid::new("form", &name, msg!("内容过长或无法读取")),
                );
                break;
            }
            match bounded(&mut field, MAX_TEXT).await.map(String::from_utf8) {
                Some(Ok(t)) => sent.fields.push((name, t)),
                _ => problem(
                    &mut sent,
                    Invalid::new("form", &name, msg!("内容过长或无法读取")),
                ),
            }
        }
    }
    sent
}

/// The largest body a form or JSON request without photos may send.
const MAX_PLAIN: usize = 1 << 20;

/// The request with its body read, at most [`MAX_PLAIN`]: a route that takes photos allows a
/// large body, which only a multipart one may use.
async fn plain(req: Request) -> Result<Request, Response> {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_PLAIN).await.map_err(|_| {
        crate::error::bad_request(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            msg!("请求体超过上限 {limit} 字节", limit = MAX_PLAIN),
        )
    })?;
    Ok(Request::from_parts(parts, axum::body::Body::from(bytes)))
}

fn is_multipart(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"))
}

/// A page's form, sent url-encoded or (when it carries photos) as multipart.
pub(crate) struct Posted(pub Sent);

impl FromRequest<AppState> for Posted {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        if is_multipart(&req) {
            let form = Multipart::from_request(req, state)
                .await
                .map_err(IntoResponse::into_response)?;
            return Ok(Posted(read(form).await));
        }
        let Form(fields) = Form::<Vec<(String, String)>>::from_request(plain(req).await?, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Posted(Sent {
            fields,
            ..Sent::default()
        }))
    }
}

/// An API body: JSON alone, or multipart with the JSON in a part named `json` and photos in
/// parts named by their stage.
pub(crate) struct WithPhotos<T>(pub T, pub Vec<Upload>);

impl<T: DeserializeOwned> FromRequest<AppState> for WithPhotos<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        if !is_multipart(&req) {
            let crate::api::Body(v) =
                crate::api::Body::<T>::from_request(plain(req).await?, state).await?;
            return Ok(WithPhotos(v, Vec::new()));
        }
        let form = Multipart::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let sent = read(form).await;
        if let Some(p) = sent.problem {
            return Err(ApiError(p).into_response());
        }
        let json = sent
            .fields
            .iter()
            .find(|(k, _)| k == "json")
            .map_or("{}", |(_, v)| v.as_str());
        let v = serde_json::from_str(json).map_err(|e| {
            ApiError(Invalid::new("json", "", msg!("JSON 无法解析：{reason}", reason = e)).into())
                .into_response()
        })?;
        Ok(WithPhotos(v, sent.photos))
    }
}

fn wants_thumb(q: &Values) -> bool {
    value(q, "size").as_deref() == Some("thumb")
}

async fn jpeg(path: std::path::PathBuf) -> Result<Response, ApiError> {
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| OpsError::internal(format!("{}: {e}", path.display())))?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::CACHE_CONTROL, "private, max-age=3600"),
        ],
        bytes,
    )
        .into_response())
}

/// A photo of a case the viewer may read (`?size=thumb` for the thumbnail).
pub async fn page_photo(
    State(s): State<AppState>,
    v: Viewer,
    Path(id): Path<i64>,
    Query(q): Query<Values>,
) -> Response {
    let thumb = wants_thumb(&q);
    match photos::open(&s.db, &v.actor, &s.files, id, thumb).await {
        Ok(path) => jpeg(path).await.into_response(),
        Err(e) => error_page(v.lang, &e),
    }
}

#[utoipa::path(
    get,
    path = "/case-photos/{id}",
    tag = "案件",
    summary = "案件照片（已去除 EXIF 与位置信息的显示图；size=thumb 为缩略图）",
    params(("id" = i64, Path), ("size" = Option<String>, Query, description = "thumb：缩略图")),
    responses((status = 200, description = "JPEG 图片", content_type = "image/jpeg"))
)]
pub async fn api_photo(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Query(q): Query<Values>,
) -> Result<Response, ApiError> {
    jpeg(photos::open(&s.db, &a.actor, &s.files, id, wants_thumb(&q)).await?).await
}

/// A photo on the public tracking page: by the case's tracking code, when its reporter
/// allowed it.
pub async fn public_photo(
    State(s): State<AppState>,
    ClientAddr(from): ClientAddr,
    Path(id): Path<i64>,
    Query(q): Query<Values>,
) -> Response {
    let code = value(&q, "code").unwrap_or_default();
    match photos::open_public(&s.db, &s.files, &code, &from, id, wants_thumb(&q)).await {
        Ok(path) => jpeg(path).await.into_response(),
        Err(e) => ApiError(e).into_response(),
    }
}

#[utoipa::path(
    get,
    path = "/track/{code}/photos/{id}",
    tag = "案件",
    summary = "公开查询：案件照片（报告人同意公开时；size=thumb 为缩略图）",
    params(("code" = String, Path), ("id" = i64, Path), ("size" = Option<String>, Query, description = "thumb：缩略图")),
    responses((status = 200, description = "JPEG 图片", content_type = "image/jpeg"))
)]
pub async fn api_public_photo(
    State(s): State<AppState>,
    ClientAddr(from): ClientAddr,
    Path((code, id)): Path<(String, i64)>,
    Query(q): Query<Values>,
) -> Result<Response, ApiError> {
    jpeg(photos::open_public(&s.db, &s.files, &code, &from, id, wants_thumb(&q)).await?).await
}
