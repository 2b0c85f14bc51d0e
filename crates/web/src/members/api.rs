//! /api/v1/members and 双报到 of members.

use crate::AppState;
use crate::api::{Body, Params};
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_ops::members::{self, ListMembers, MemberDetail, MemberView, NewMember};
use jiceng_ops::registrations::Registration;
use jiceng_ops::{Page, registrations};
use serde::Deserialize;

#[utoipa::path(
    get,
    path = "/members",
    tag = "党员",
    summary = "党员列表（子树、状态、类别、姓名；after 翻页）",
    params(ListMembers),
    responses((status = 200, description = "成功", body = Page<MemberView>))
)]
pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListMembers>,
) -> Result<Json<Page<MemberView>>, ApiError> {
    Ok(Json(members::list(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    get,
    path = "/members/{id}",
    tag = "党员",
    summary = "党员档案、转接历史和双报到（身份证号和电话按角色遮蔽）",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = MemberDetail))
)]
pub async fn show(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<MemberDetail>, ApiError> {
    Ok(Json(members::show(&s.db, &a.actor, id, false).await?))
}

#[utoipa::path(
    post,
    path = "/members/{id}/reveal",
    tag = "党员",
    summary = "显示完整身份证号和电话（记入审计；只能以 POST 请求，链接不能触发）",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = MemberDetail))
)]
pub async fn reveal(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<MemberDetail>, ApiError> {
    Ok(Json(members::show(&s.db, &a.actor, id, true).await?))
}

#[utoipa::path(
    post,
    path = "/members",
    tag = "党员",
    summary = "新建党员档案",
    request_body = NewMember,
    responses((status = 201, description = "成功", body = MemberView))
)]
pub async fn add(
    State(s): State<AppState>,
    a: Authed,
    Body(new): Body<NewMember>,
) -> Result<(StatusCode, Json<MemberView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(members::add(&s.db, &a.actor, new).await?),
    ))
}

#[utoipa::path(
    put,
    path = "/members/{id}",
    tag = "党员",
    summary = "修改党员档案（所在党组织须通过转接变更）",
    params(("id" = i64, Path)),
    request_body = NewMember,
    responses((status = 200, description = "成功", body = MemberView))
)]
pub async fn update(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(new): Body<NewMember>,
) -> Result<Json<MemberView>, ApiError> {
    Ok(Json(members::update(&s.db, &a.actor, id, new).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct TransferTo {
    pub to: String,
    pub on: Option<String>,
    pub reason: Option<String>,
}

#[utoipa::path(
    post,
    path = "/members/{id}/transfer",
    tag = "党员",
    summary = "组织关系转接",
    params(("id" = i64, Path)),
    request_body = TransferTo,
    responses((status = 200, description = "成功", body = MemberView))
)]
pub async fn transfer(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(t): Body<TransferTo>,
) -> Result<Json<MemberView>, ApiError> {
    Ok(Json(
        members::transfer(&s.db, &a.actor, id, &t.to, t.on, t.reason).await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Register {
    /// The community org's code.
    pub community: String,
    pub on: Option<String>,
}

#[utoipa::path(
    post,
    path = "/members/{id}/registrations",
    tag = "双报到",
    summary = "在职党员到居住社区报到",
    params(("id" = i64, Path)),
    request_body = Register,
    responses((status = 201, description = "成功", body = Registration))
)]
pub async fn register(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(r): Body<Register>,
) -> Result<(StatusCode, Json<Registration>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(registrations::register_member(&s.db, &a.actor, id, &r.community, r.on).await?),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct End {
    pub on: Option<String>,
}

#[utoipa::path(
    post,
    path = "/registrations/{id}/end",
    tag = "双报到",
    summary = "结束报到",
    params(("id" = i64, Path)),
    request_body = End,
    responses((status = 200, description = "成功", body = Registration))
)]
pub async fn end_registration(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(e): Body<End>,
) -> Result<Json<Registration>, ApiError> {
    Ok(Json(registrations::end(&s.db, &a.actor, id, e.on).await?))
}
