//! /api/v1/agreements and /api/v1/commitments: 共驻共建 agreements, their commitments, and
//! marking a commitment fulfilled or taking the mark back.

use super::{Body, Params};
use crate::AppState;
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

pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListAgreements>,
) -> Result<Json<Page<Agreement>>, ApiError> {
    Ok(Json(cobuilding::list(&s.db, &a.actor, q).await?))
}

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

pub async fn show(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<AgreementDetail>, ApiError> {
    Ok(Json(cobuilding::show(&s.db, &a.actor, id).await?))
}

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

#[derive(Debug, Default, Deserialize)]
pub struct DoneOn {
    /// Defaults to today.
    pub on: Option<String>,
}

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

pub async fn undo(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<Commitment>, ApiError> {
    Ok(Json(
        cobuilding::set_done(&s.db, &a.actor, id, None, true).await?,
    ))
}
