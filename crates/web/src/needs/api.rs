//! /api/v1/needs: the 需求清单 posted, listed, moved and rated; its figures; its categories.

use crate::AppState;
use crate::api::{Body, Params};
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_ops::Page;
use jiceng_ops::needs::categories::{self, CategoryInput, NeedCategory};
use jiceng_ops::needs::figures::{self, FiguresQuery, NeedFigures};
use jiceng_ops::needs::{self, ListNeeds, Need, NeedMoveInput, NewNeedInput, RatingInput};

#[utoipa::path(
    get,
    path = "/needs",
    tag = "需求清单",
    summary = "范围内的需求，按发布先后倒序；居民只看本人发布的",
    params(ListNeeds),
    responses((status = 200, description = "成功", body = Page<Need>))
)]
pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListNeeds>,
) -> Result<Json<Page<Need>>, ApiError> {
    Ok(Json(needs::list(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    post,
    path = "/needs",
    tag = "需求清单",
    summary = "发布一条需求（居民发布的待社区审核；同一需求重复发布并入已有的一条）",
    request_body = NewNeedInput,
    responses((status = 201, description = "成功", body = Need))
)]
pub async fn post(
    State(s): State<AppState>,
    a: Authed,
    Body(new): Body<NewNeedInput>,
) -> Result<(StatusCode, Json<Need>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(needs::post(&s.db, &a.actor, new).await?),
    ))
}

#[utoipa::path(
    get,
    path = "/needs/figures",
    tag = "需求清单",
    summary = "需求统计：按大类的数量与占比、满足率、满足用时中位数（随记录实时累计）",
    params(FiguresQuery),
    responses((status = 200, description = "成功", body = NeedFigures))
)]
pub async fn figures(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<FiguresQuery>,
) -> Result<Json<NeedFigures>, ApiError> {
    Ok(Json(figures::figures(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    get,
    path = "/need-categories",
    tag = "需求清单",
    summary = "需求与资源的类别（大类及其小类）",
    responses((status = 200, description = "成功", body = Vec<NeedCategory>))
)]
pub async fn categories(
    State(s): State<AppState>,
    _a: Authed,
) -> Result<Json<Vec<NeedCategory>>, ApiError> {
    Ok(Json(categories::list(&s.db).await?))
}

#[utoipa::path(
    put,
    path = "/need-categories",
    tag = "需求清单",
    summary = "新增或改名一个类别（管理员）",
    request_body = CategoryInput,
    responses((status = 200, description = "成功", body = NeedCategory))
)]
pub async fn put_category(
    State(s): State<AppState>,
    a: Authed,
    Body(c): Body<CategoryInput>,
) -> Result<Json<NeedCategory>, ApiError> {
    Ok(Json(categories::put(&s.db, &a.actor, c).await?))
}

#[utoipa::path(
    get,
    path = "/needs/{id}",
    tag = "需求清单",
    summary = "一条需求，及当前用户可做的操作",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = Need))
)]
pub async fn show(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<Need>, ApiError> {
    Ok(Json(needs::show(&s.db, &a.actor, id).await?))
}

#[utoipa::path(
    post,
    path = "/needs/{id}/moves",
    tag = "需求清单",
    summary = "审核通过、退回、合并、标记已满足或关闭",
    params(("id" = i64, Path)),
    request_body = NeedMoveInput,
    responses((status = 200, description = "成功", body = Need))
)]
pub async fn act(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(m): Body<NeedMoveInput>,
) -> Result<Json<Need>, ApiError> {
    Ok(Json(needs::apply(&s.db, &a.actor, id, m).await?))
}

#[utoipa::path(
    post,
    path = "/needs/{id}/rating",
    tag = "需求清单",
    summary = "提出需求的居民评价满足情况（1–5 星，一次）",
    params(("id" = i64, Path)),
    request_body = RatingInput,
    responses((status = 200, description = "成功", body = Need))
)]
pub async fn rate(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(r): Body<RatingInput>,
) -> Result<Json<Need>, ApiError> {
    Ok(Json(needs::rate(&s.db, &a.actor, id, r).await?))
}
