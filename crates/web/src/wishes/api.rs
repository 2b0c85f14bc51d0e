//! /api/v1/wishes: 微心愿 posted (by a community, or by a resident for review), listed, moved
//! (approve, refuse, claim, release, fulfil, withdraw) and rated by the resident.

use crate::AppState;
use crate::api::{Body, Params};
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_ops::Page;
use jiceng_ops::needs::RatingInput;
use jiceng_ops::wishes::Wish;
use jiceng_ops::wishes::{self, ListWishes, NewWishInput, WishMoveInput};

#[utoipa::path(
    get,
    path = "/wishes",
    tag = "党员积分",
    summary = "范围内的微心愿（党员只看所报到社区的待认领心愿和本人认领的）",
    params(ListWishes),
    responses((status = 200, description = "成功", body = Page<Wish>))
)]
pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListWishes>,
) -> Result<Json<Page<Wish>>, ApiError> {
    Ok(Json(wishes::list(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    post,
    path = "/wishes",
    tag = "党员积分",
    summary = "社区发布一个微心愿；已确认的居民发布自己的心愿，经社区审核后党员才能看到",
    request_body = NewWishInput,
    responses((status = 201, description = "成功", body = Wish))
)]
pub async fn post(
    State(s): State<AppState>,
    a: Authed,
    Body(new): Body<NewWishInput>,
) -> Result<(StatusCode, Json<Wish>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(wishes::post(&s.db, &a.actor, new).await?),
    ))
}

#[utoipa::path(
    post,
    path = "/wishes/{id}/moves",
    tag = "党员积分",
    summary = "审核通过或不予通过（须写明理由）、认领、放弃认领、确认实现或撤回；实现的心愿计入认领党员的积分",
    params(("id" = i64, Path)),
    request_body = WishMoveInput,
    responses((status = 200, description = "成功", body = Wish))
)]
pub async fn act(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(m): Body<WishMoveInput>,
) -> Result<Json<Wish>, ApiError> {
    Ok(Json(wishes::apply(&s.db, &a.actor, id, m).await?))
}

#[utoipa::path(
    post,
    path = "/wishes/{id}/rating",
    tag = "党员积分",
    summary = "发布心愿的居民评价实现情况（1–5 星，一次）",
    params(("id" = i64, Path)),
    request_body = RatingInput,
    responses((status = 200, description = "成功", body = Wish))
)]
pub async fn rate(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(r): Body<RatingInput>,
) -> Result<Json<Wish>, ApiError> {
    Ok(Json(wishes::rate(&s.db, &a.actor, id, r).await?))
}
