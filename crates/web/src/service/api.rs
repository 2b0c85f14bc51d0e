//! /api/v1/service-records: volunteer service recorded by communities.

use crate::AppState;
use crate::api::{Body, Params};
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_ops::Page;
use jiceng_ops::service::Service;
use jiceng_ops::service::{self, ListService, NewServiceInput};

#[utoipa::path(
    get,
    path = "/service-records",
    tag = "党员积分",
    summary = "范围内社区登记的志愿服务记录（默认近 90 天）",
    params(ListService),
    responses((status = 200, description = "成功", body = Page<Service>))
)]
pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListService>,
) -> Result<Json<Page<Service>>, ApiError> {
    Ok(Json(service::list(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    post,
    path = "/service-records",
    tag = "党员积分",
    summary = "登记一次志愿服务：时长以半小时计，整小时计入积分“志愿服务时长”",
    request_body = NewServiceInput,
    responses((status = 201, description = "成功", body = Service))
)]
pub async fn record(
    State(s): State<AppState>,
    a: Authed,
    Body(new): Body<NewServiceInput>,
) -> Result<(StatusCode, Json<Service>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(service::record(&s.db, &a.actor, new).await?),
    ))
}

#[utoipa::path(
    delete,
    path = "/service-records/{id}",
    tag = "党员积分",
    summary = "删除一条志愿服务记录",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = Service))
)]
pub async fn delete(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<Service>, ApiError> {
    Ok(Json(service::delete(&s.db, &a.actor, id).await?))
}
