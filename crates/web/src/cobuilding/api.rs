//! /api/v1/agreements and /api/v1/commitments: 共驻共建 agreements, their commitments, and
//! marking a commitment fulfilled or taking the mark back.

use crate::AppState;
use crate::api::{Body, Params};
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_ops::Page;
use jiceng_ops::cobuilding::Agreement;
use jiceng_ops::cobuilding::Commitment;
use jiceng_ops::cobuilding::{
    self, AgreementDetail, CommitmentInput, ListAgreements, NewAgreementInput,
};
use serde::Deserialize;

#[utoipa::path(
    get,
    path = "/agreements",
    tag = "共驻共建",
    summary = "某年度范围内的共建协议及履职进度（驻区单位联络员只看本单位）",
    params(ListAgreements),
    responses((status = 200, description = "成功", body = Page<Agreement>))
)]
pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListAgreements>,
) -> Result<Json<Page<Agreement>>, ApiError> {
    Ok(Json(cobuilding::list(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    post,
    path = "/agreements",
    tag = "共驻共建",
    summary = "与所在社区或街道签订年度共建协议及履职清单；每个单位每年一份",
    request_body = NewAgreementInput,
    responses((status = 201, description = "成功", body = AgreementDetail))
)]
pub async fn sign(
    State(s): State<AppState>,
    a: Authed,
    Body(new): Body<NewAgreementInput>,
) -> Result<(StatusCode, Json<AgreementDetail>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(cobuilding::sign(&s.db, &a.actor, new).await?),
    ))
}

#[utoipa::path(
    get,
    path = "/agreements/{id}",
    tag = "共驻共建",
    summary = "一份共建协议及其履职事项",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = AgreementDetail))
)]
pub async fn show(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<AgreementDetail>, ApiError> {
    Ok(Json(cobuilding::show(&s.db, &a.actor, id).await?))
}

#[utoipa::path(
    post,
    path = "/agreements/{id}/commitments",
    tag = "共驻共建",
    summary = "为协议增加一项履职事项",
    params(("id" = i64, Path)),
    request_body = CommitmentInput,
    responses((status = 201, description = "成功", body = AgreementDetail))
)]
pub async fn add_commitment(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(c): Body<CommitmentInput>,
) -> Result<(StatusCode, Json<AgreementDetail>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(cobuilding::add_commitment(&s.db, &a.actor, id, c).await?),
    ))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct DoneOn {
    /// Defaults to today.
    pub on: Option<String>,
}

#[utoipa::path(
    post,
    path = "/commitments/{id}/done",
    tag = "共驻共建",
    summary = "标记履职事项完成（默认今天；不能晚于今天）",
    params(("id" = i64, Path)),
    request_body = DoneOn,
    responses((status = 200, description = "成功", body = Commitment))
)]
pub async fn done(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(d): Body<DoneOn>,
) -> Result<Json<Commitment>, ApiError> {
    Ok(Json(
        cobuilding::set_done(&s.db, &a.actor, id, d.on, false).await?,
    ))
}

#[utoipa::path(
    delete,
    path = "/commitments/{id}/done",
    tag = "共驻共建",
    summary = "撤销完成标记",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = Commitment))
)]
pub async fn undo(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<Commitment>, ApiError> {
    Ok(Json(
        cobuilding::set_done(&s.db, &a.actor, id, None, true).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/agreements/{id}/renew",
    tag = "共驻共建",
    summary = "续签下一年度协议：未完成的履职事项顺延，需求、资源、项目、问题清单中未办结的转入新协议",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = AgreementDetail))
)]
pub async fn renew(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<AgreementDetail>, ApiError> {
    Ok(Json(cobuilding::renew(&s.db, &a.actor, id).await?))
}
