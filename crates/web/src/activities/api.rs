//! /api/v1/activities: publishing volunteer activities, signing up (and the waiting line),
//! check-in and check-out by QR code or by the organiser, and confirming the hours.

use crate::AppState;
use crate::api::{Body, Params};
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_ops::Page;
use jiceng_ops::activities::attendance::{self, AttendanceInput, CallOffInput, Codes, ScanInput};
use jiceng_ops::activities::no_shows::{self, NoShowInput, NoShowRule};
use jiceng_ops::activities::signup::{self, SignupInput};
use jiceng_ops::activities::{
    self, Activity, ActivityDetail, ListActivities, ListUpcoming, NewActivityInput, Signup,
};

#[utoipa::path(
    get,
    path = "/activities",
    tag = "志愿服务",
    summary = "范围内的志愿活动，开始时间由近及远",
    params(ListActivities),
    responses((status = 200, description = "成功", body = Page<Activity>))
)]
pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListActivities>,
) -> Result<Json<Page<Activity>>, ApiError> {
    Ok(Json(activities::list(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    get,
    path = "/activities/upcoming",
    tag = "志愿服务",
    summary = "党员、居民可报名的即将开始的活动（本区），由近及远",
    params(ListUpcoming),
    responses((status = 200, description = "成功", body = Page<Activity>))
)]
pub async fn upcoming(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListUpcoming>,
) -> Result<Json<Page<Activity>>, ApiError> {
    Ok(Json(activities::upcoming(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    get,
    path = "/activities/mine",
    tag = "志愿服务",
    summary = "本人最近的报名（一百条）",
    responses((status = 200, description = "成功", body = Vec<Signup>))
)]
pub async fn mine(State(s): State<AppState>, a: Authed) -> Result<Json<Vec<Signup>>, ApiError> {
    Ok(Json(activities::mine(&s.db, &a.actor).await?))
}

#[utoipa::path(
    post,
    path = "/activities",
    tag = "志愿服务",
    summary = "发布志愿活动：地点（阵地、网格或位置）、时间、岗位与名额、报名范围、可取消时限",
    request_body = NewActivityInput,
    responses((status = 201, description = "成功", body = ActivityDetail))
)]
pub async fn publish(
    State(s): State<AppState>,
    a: Authed,
    Body(new): Body<NewActivityInput>,
) -> Result<(StatusCode, Json<ActivityDetail>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(activities::publish(&s.db, &a.actor, new).await?),
    ))
}

#[utoipa::path(
    get,
    path = "/activities/{id}",
    tag = "志愿服务",
    summary = "一项活动：岗位与名额、本人的报名；组织者另见全部报名",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = ActivityDetail))
)]
pub async fn show(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<ActivityDetail>, ApiError> {
    Ok(Json(activities::show(&s.db, &a.actor, id).await?))
}

#[utoipa::path(
    post,
    path = "/activities/{id}/signup",
    tag = "志愿服务",
    summary = "报名：有名额即得，满员则进入候补",
    params(("id" = i64, Path)),
    request_body = SignupInput,
    responses((status = 200, description = "成功", body = ActivityDetail))
)]
pub async fn sign_up(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(input): Body<SignupInput>,
) -> Result<Json<ActivityDetail>, ApiError> {
    Ok(Json(s.signups.sign_up(&a.actor, id, input).await?))
}

#[utoipa::path(
    post,
    path = "/activities/{id}/cancel",
    tag = "志愿服务",
    summary = "取消本人的报名（活动开始前的时限内）；让出的名额递补给候补第一位",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = ActivityDetail))
)]
pub async fn cancel(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<ActivityDetail>, ApiError> {
    Ok(Json(signup::cancel(&s.db, &a.actor, id).await?))
}

#[utoipa::path(
    post,
    path = "/activities/{id}/accept",
    tag = "志愿服务",
    summary = "确认递补给本人的名额（在期限内）",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = ActivityDetail))
)]
pub async fn accept(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<ActivityDetail>, ApiError> {
    Ok(Json(signup::accept(&s.db, &a.actor, id).await?))
}

#[utoipa::path(
    get,
    path = "/activities/{id}/codes",
    tag = "志愿服务",
    summary = "签到、签退二维码的令牌（15 分钟有效），供组织者展示",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = Codes))
)]
pub async fn codes(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<Codes>, ApiError> {
    Ok(Json(attendance::codes(&s.db, &a.actor, id).await?))
}

#[utoipa::path(
    post,
    path = "/activities/{id}/scan",
    tag = "志愿服务",
    summary = "扫码签到或签退",
    params(("id" = i64, Path)),
    request_body = ScanInput,
    responses((status = 200, description = "成功", body = ActivityDetail))
)]
pub async fn scan(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(input): Body<ScanInput>,
) -> Result<Json<ActivityDetail>, ApiError> {
    Ok(Json(attendance::scan(&s.db, &a.actor, id, input).await?))
}

#[utoipa::path(
    post,
    path = "/activities/{id}/attendance",
    tag = "志愿服务",
    summary = "组织者代为登记签到、签退（无手机的人员），可直接写工时",
    params(("id" = i64, Path)),
    request_body = AttendanceInput,
    responses((status = 200, description = "成功", body = ActivityDetail))
)]
pub async fn attendance(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(input): Body<AttendanceInput>,
) -> Result<Json<ActivityDetail>, ApiError> {
    Ok(Json(attendance::record(&s.db, &a.actor, id, input).await?))
}

#[utoipa::path(
    post,
    path = "/activities/{id}/confirm",
    tag = "志愿服务",
    summary = "活动结束后确认工时：生成志愿服务记录，记录未到场",
    params(("id" = i64, Path)),
    responses((status = 200, description = "成功", body = ActivityDetail))
)]
pub async fn confirm(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<Json<ActivityDetail>, ApiError> {
    Ok(Json(attendance::confirm(&s.db, &a.actor, id).await?))
}

#[utoipa::path(
    post,
    path = "/activities/{id}/call-off",
    tag = "志愿服务",
    summary = "组织者取消尚未结束的活动（需写明原因）：全部报名随之取消，不记未到场",
    params(("id" = i64, Path)),
    request_body = CallOffInput,
    responses((status = 200, description = "成功", body = ActivityDetail))
)]
pub async fn call_off(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(input): Body<CallOffInput>,
) -> Result<Json<ActivityDetail>, ApiError> {
    Ok(Json(
        attendance::call_off(&s.db, &a.actor, id, input).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/no-show-policy",
    tag = "志愿服务",
    summary = "本范围适用的未到场规则（本季度未到场几次后暂停报名多少天）",
    responses((status = 200, description = "成功", body = NoShowRule))
)]
pub async fn no_show_policy(
    State(s): State<AppState>,
    a: Authed,
) -> Result<Json<NoShowRule>, ApiError> {
    Ok(Json(no_shows::show(&s.db, &a.actor).await?))
}

#[utoipa::path(
    put,
    path = "/no-show-policy",
    tag = "志愿服务",
    summary = "设定本区（街道）的未到场规则",
    request_body = NoShowInput,
    responses((status = 200, description = "成功", body = NoShowRule))
)]
pub async fn set_no_show_policy(
    State(s): State<AppState>,
    a: Authed,
    Body(input): Body<NoShowInput>,
) -> Result<Json<NoShowRule>, ApiError> {
    Ok(Json(no_shows::set(&s.db, &a.actor, input).await?))
}
