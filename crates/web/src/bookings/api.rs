//! /api/v1/rooms and /api/v1/bookings: rooms opened for booking, their calendars and closed
//! days; booking them (with a preview of each occurrence), and the keepers' decisions.

use crate::AppState;
use crate::api::{Body, Params};
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_ops::Page;
use jiceng_ops::bookings::Booking;
use jiceng_ops::bookings::book::{self, BookingInput, ListBookings, Occurrence};
use jiceng_ops::bookings::decide::{self, DecisionInput};
use jiceng_ops::bookings::rooms::{self, ClosureInput, ListRooms, NewRoomInput, Room, RoomDetail};

#[utoipa::path(get, path = "/rooms", tag = "阵地", summary = "可预约的场地（开放共享的，及本范围的）",
    params(ListRooms), responses((status = 200, description = "成功", body = Page<Room>)))]
pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListRooms>,
) -> Result<Json<Page<Room>>, ApiError> {
    Ok(Json(rooms::list(&s.db, &a.actor, q).await?))
}

#[utoipa::path(post, path = "/rooms", tag = "阵地", summary = "登记场地：开放时间、闭馆日、间隔、是否开放共享与需审批",
    request_body = NewRoomInput, responses((status = 201, description = "成功", body = Room)))]
pub async fn register(
    State(s): State<AppState>,
    a: Authed,
    Body(new): Body<NewRoomInput>,
) -> Result<(StatusCode, Json<Room>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(rooms::register(&s.db, &a.actor, new).await?),
    ))
}

#[utoipa::path(get, path = "/rooms/{id}", tag = "阵地", summary = "一处场地及其预约日历",
    params(("id" = i64, Path)), responses((status = 200, description = "成功", body = RoomDetail)))]
pub async fn show(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<RoomDetail>, ApiError> {
    Ok(Json(rooms::show(&s.db, &a.actor, id).await?))
}

#[utoipa::path(post, path = "/rooms/{id}/closures", tag = "阵地", summary = "设定闭馆日",
    params(("id" = i64, Path)), request_body = ClosureInput, responses((status = 200, description = "成功", body = RoomDetail)))]
pub async fn close_day(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(input): Body<ClosureInput>,
) -> Result<Json<RoomDetail>, ApiError> {
    Ok(Json(rooms::close_day(&s.db, &a.actor, id, input).await?))
}

#[utoipa::path(post, path = "/rooms/{id}/bookings/preview", tag = "阵地", summary = "预览预约的每个时段及其冲突（不写入）",
    params(("id" = i64, Path)), request_body = BookingInput, responses((status = 200, description = "成功", body = Vec<Occurrence>)))]
pub async fn preview(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(input): Body<BookingInput>,
) -> Result<Json<Vec<Occurrence>>, ApiError> {
    Ok(Json(book::preview(&s.db, &a.actor, id, input).await?))
}

#[utoipa::path(post, path = "/rooms/{id}/bookings", tag = "阵地", summary = "预约场地（可重复；可跳过有冲突的时段）",
    params(("id" = i64, Path)), request_body = BookingInput, responses((status = 201, description = "成功", body = Vec<Booking>)))]
pub async fn book(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(input): Body<BookingInput>,
) -> Result<(StatusCode, Json<Vec<Booking>>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(book::book(&s.db, &a.actor, id, input).await?),
    ))
}

#[utoipa::path(get, path = "/bookings", tag = "阵地", summary = "本范围各组织的场地预约",
    params(ListBookings), responses((status = 200, description = "成功", body = Page<Booking>)))]
pub async fn bookings(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListBookings>,
) -> Result<Json<Page<Booking>>, ApiError> {
    Ok(Json(book::list(&s.db, &a.actor, q).await?))
}

#[utoipa::path(get, path = "/bookings/{id}", tag = "阵地", summary = "一项场地预约",
    params(("id" = i64, Path)), responses((status = 200, description = "成功", body = Booking)))]
pub async fn booking(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<Booking>, ApiError> {
    Ok(Json(book::show(&s.db, &a.actor, id).await?))
}

#[utoipa::path(post, path = "/bookings/{id}/decision", tag = "阵地", summary = "批准、拒绝（需理由）、取消或签到使用",
    params(("id" = i64, Path)), request_body = DecisionInput, responses((status = 200, description = "成功", body = Booking)))]
pub async fn decide(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(input): Body<DecisionInput>,
) -> Result<Json<Booking>, ApiError> {
    Ok(Json(decide::decide(&s.db, &a.actor, id, input).await?))
}
