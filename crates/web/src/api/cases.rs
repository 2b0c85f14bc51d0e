//! /api/v1/cases and what the loop needs around them: departments, grids, the settings, the
//! rates, and the public tracking and rating by code.

use super::{Body, Params};
use crate::AppState;
use crate::auth::Authed;
use crate::error::ApiError;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use jiceng_domain::cases::Classification;
use jiceng_ops::Page;
use jiceng_ops::cases::departments;
use jiceng_ops::cases::departments::Department;
use jiceng_ops::cases::grids::Grid;
use jiceng_ops::cases::grids::{self, NewGridInput};
use jiceng_ops::cases::intake::NewCase;
use jiceng_ops::cases::moves::{self, Move};
use jiceng_ops::cases::rates::{self, Rates, RatesQuery};
use jiceng_ops::cases::settings::{self, CalendarDoc};
use jiceng_ops::cases::views::Case;
use jiceng_ops::cases::views::{self, CaseDetail, CaseView, ListCases, Tracking};
use serde::Deserialize;

#[utoipa::path(
    post,
    path = "/cases",
    tag = "案件",
    summary = "受理一件诉求或事件：按网格、社区定位，有类别时即立案；同一提交标识只受理一次",
    request_body = NewCase,
    responses((status = 201, description = "成功", body = Case))
)]
pub async fn take_in(
    State(s): State<AppState>,
    a: Authed,
    Body(new): Body<NewCase>,
) -> Result<(StatusCode, Json<Case>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.intake.take_in(&s.db, &a.actor, new).await?),
    ))
}

#[utoipa::path(
    get,
    path = "/cases",
    tag = "案件",
    summary = "范围内的案件，可按状态、部门、街道、类别、受理日期、超期、返工、回退、不满意、待人工分拨筛选",
    params(ListCases),
    responses((status = 200, description = "成功", body = Page<CaseView>))
)]
pub async fn list(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<ListCases>,
) -> Result<Json<Page<CaseView>>, ApiError> {
    Ok(Json(views::list(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    get,
    path = "/cases/{id}",
    tag = "案件",
    summary = "一件案件及其全部办理步骤和吹哨报到情况",
    params(("id" = i64, Path), super::members::ShowQuery),
    responses((status = 200, description = "成功", body = CaseDetail))
)]
pub async fn show(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Params(q): Params<super::members::ShowQuery>,
) -> Result<Json<CaseDetail>, ApiError> {
    Ok(Json(views::show(&s.db, &a.actor, id, q.reveal).await?))
}

#[utoipa::path(
    post,
    path = "/cases/{id}/moves",
    tag = "案件",
    summary = "办理一步：立案、派遣（多个部门即吹哨）、报到、响应、回退、延期、督办、处置反馈、核查、返工、回访、挂账、恢复、作废、重复",
    params(("id" = i64, Path)),
    request_body = Move,
    responses((status = 200, description = "成功", body = Case))
)]
pub async fn make_move(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(m): Body<Move>,
) -> Result<Json<Case>, ApiError> {
    Ok(Json(moves::apply(&s.db, &a.actor, id, m).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/inbox",
    tag = "案件",
    summary = "本部门的待办：派给本部门或吹哨召集本部门的案件",
    params(PageQuery),
    responses((status = 200, description = "成功", body = Page<CaseView>))
)]
pub async fn inbox(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<PageQuery>,
) -> Result<Json<Page<CaseView>>, ApiError> {
    Ok(Json(
        views::inbox(
            &s.db,
            &a.actor,
            q.page.unwrap_or(1),
            q.per_page.unwrap_or(50),
        )
        .await?,
    ))
}

#[utoipa::path(
    get,
    path = "/rates",
    tag = "案件",
    summary = "响应率、解决率、满意率、按期结案率、返工率、回退率和平均办理时长，按街道、部门、类别或月份分组",
    params(RatesQuery),
    responses((status = 200, description = "成功", body = Rates))
)]
pub async fn rates(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<RatesQuery>,
) -> Result<Json<Rates>, ApiError> {
    Ok(Json(rates::rates(&s.db, &a.actor, q).await?))
}

#[utoipa::path(
    get,
    path = "/track/{code}",
    tag = "案件",
    summary = "按案件编号查询办理进度（无需登录，不含个人信息）",
    params(("code" = String, Path)),
    responses((status = 200, description = "成功", body = Tracking))
)]
pub async fn track(
    State(s): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Tracking>, ApiError> {
    Ok(Json(views::track(&s.db, &code).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct Rating {
    /// The last four digits of the phone given at intake.
    pub phone: String,
    pub satisfaction: String,
}

#[utoipa::path(
    post,
    path = "/track/{code}/rating",
    tag = "案件",
    summary = "反映人凭案件编号和电话后四位评价满意度（无需登录）",
    params(("code" = String, Path)),
    request_body = Rating,
    responses((status = 200, description = "成功", body = Tracking))
)]
pub async fn rate(
    State(s): State<AppState>,
    Path(code): Path<String>,
    Body(r): Body<Rating>,
) -> Result<Json<Tracking>, ApiError> {
    moves::rate_as_reporter(&s.db, &code, &r.phone, &r.satisfaction).await?;
    Ok(Json(views::track(&s.db, &code).await?))
}

#[utoipa::path(
    get,
    path = "/departments",
    tag = "案件",
    summary = "职能部门",
    responses((status = 200, description = "成功", body = Vec<Department>))
)]
pub async fn departments(
    State(s): State<AppState>,
    _a: Authed,
) -> Result<Json<Vec<Department>>, ApiError> {
    Ok(Json(departments::list(&s.db).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewDepartment {
    pub code: String,
    pub name: String,
}

#[utoipa::path(
    post,
    path = "/departments",
    tag = "案件",
    summary = "添加职能部门（全域管理员）",
    request_body = NewDepartment,
    responses((status = 201, description = "成功", body = Department))
)]
pub async fn add_department(
    State(s): State<AppState>,
    a: Authed,
    Body(d): Body<NewDepartment>,
) -> Result<(StatusCode, Json<Department>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(departments::add(&s.db, &a.actor, &d.code, &d.name).await?),
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Within {
    pub within: Option<String>,
}

#[utoipa::path(
    get,
    path = "/grids",
    tag = "网格",
    summary = "范围内的网格及其多边形",
    params(Within),
    responses((status = 200, description = "成功", body = Vec<Grid>))
)]
pub async fn grids(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<Within>,
) -> Result<Json<Vec<Grid>>, ApiError> {
    Ok(Json(
        grids::within(&s.db, &a.actor, q.within.as_deref()).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/grids",
    tag = "网格",
    summary = "在社区下划定网格（编码为社区代码加三位序号）",
    request_body = NewGridInput,
    responses((status = 201, description = "成功", body = Grid))
)]
pub async fn add_grid(
    State(s): State<AppState>,
    a: Authed,
    Body(g): Body<NewGridInput>,
) -> Result<(StatusCode, Json<Grid>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(grids::add(&s.db, &a.actor, g).await?),
    ))
}

#[utoipa::path(
    get,
    path = "/case-classification",
    tag = "案件",
    summary = "案件分类（大类、小类）及办理时限",
    responses((status = 200, description = "成功", body = Classification))
)]
pub async fn classification(
    State(s): State<AppState>,
    _a: Authed,
) -> Result<Json<Classification>, ApiError> {
    Ok(Json(settings::classification(&s.db).await?))
}

#[utoipa::path(
    put,
    path = "/case-classification",
    tag = "案件",
    summary = "修改案件分类及时限（全域管理员）",
    request_body = Classification,
    responses((status = 200, description = "成功", body = Classification))
)]
pub async fn set_classification(
    State(s): State<AppState>,
    a: Authed,
    Body(c): Body<Classification>,
) -> Result<Json<Classification>, ApiError> {
    Ok(Json(
        settings::set_classification(&s.db, &a.actor, c).await?,
    ))
}

#[utoipa::path(
    get,
    path = "/case-calendar",
    tag = "案件",
    summary = "工作时间与节假日",
    responses((status = 200, description = "成功", body = CalendarDoc))
)]
pub async fn calendar(
    State(s): State<AppState>,
    _a: Authed,
) -> Result<Json<CalendarDoc>, ApiError> {
    Ok(Json(settings::calendar(&s.db).await?))
}

#[utoipa::path(
    put,
    path = "/case-calendar",
    tag = "案件",
    summary = "修改工作时间与节假日（全域管理员）",
    request_body = CalendarDoc,
    responses((status = 200, description = "成功", body = CalendarDoc))
)]
pub async fn set_calendar(
    State(s): State<AppState>,
    a: Authed,
    Body(c): Body<CalendarDoc>,
) -> Result<Json<CalendarDoc>, ApiError> {
    Ok(Json(settings::set_calendar(&s.db, &a.actor, c).await?))
}

#[utoipa::path(
    post,
    path = "/patrols",
    tag = "网格",
    summary = "登记一次走访巡查（本地时间，可带轨迹点）",
    request_body = jiceng_ops::cases::patrols::NewPatrolInput,
    responses((status = 201, description = "成功", body = jiceng_ops::cases::patrols::Patrol))
)]
pub async fn log_patrol(
    State(s): State<AppState>,
    a: Authed,
    Body(p): Body<jiceng_ops::cases::patrols::NewPatrolInput>,
) -> Result<(StatusCode, Json<jiceng_ops::cases::patrols::Patrol>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(jiceng_ops::cases::patrols::record(&s.db, &a.actor, p).await?),
    ))
}

#[utoipa::path(
    get,
    path = "/patrols",
    tag = "网格",
    summary = "本人今日巡查时长与每日目标，及近 7 天的巡查",
    responses((status = 200, description = "成功", body = jiceng_ops::cases::patrols::Day))
)]
pub async fn my_patrols(
    State(s): State<AppState>,
    a: Authed,
) -> Result<Json<jiceng_ops::cases::patrols::Day>, ApiError> {
    Ok(Json(
        jiceng_ops::cases::patrols::my_day(&s.db, &a.actor).await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Days {
    pub days: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/patrols/scope",
    tag = "网格",
    summary = "范围内近若干天的巡查",
    params(Days),
    responses((status = 200, description = "成功", body = Vec<jiceng_ops::cases::patrols::Patrol>))
)]
pub async fn scope_patrols(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<Days>,
) -> Result<Json<Vec<jiceng_ops::cases::patrols::Patrol>>, ApiError> {
    Ok(Json(
        jiceng_ops::cases::patrols::within(&s.db, &a.actor, q.days.unwrap_or(7)).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/patrols/{id}/case",
    tag = "网格",
    summary = "把巡查发现一步转为案件（定位到巡查的网格）",
    params(("id" = i64, Path)),
    request_body = jiceng_ops::cases::patrols::FindingCase,
    responses((status = 201, description = "成功", body = Case))
)]
pub async fn patrol_case(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
    Body(f): Body<jiceng_ops::cases::patrols::FindingCase>,
) -> Result<(StatusCode, Json<Case>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(jiceng_ops::cases::patrols::to_case(&s.db, &a.actor, id, f).await?),
    ))
}

#[utoipa::path(
    get,
    path = "/grid-teams",
    tag = "网格",
    summary = "范围内各网格的队伍：网格长、专兼职网格员、信息员、志愿者",
    params(Within),
    responses((status = 200, description = "成功", body = Vec<jiceng_ops::cases::grids::TeamMember>))
)]
pub async fn teams(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<Within>,
) -> Result<Json<Vec<jiceng_ops::cases::grids::TeamMember>>, ApiError> {
    Ok(Json(
        grids::teams(&s.db, &a.actor, q.within.as_deref()).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/grid-teams",
    tag = "网格",
    summary = "为网格添加队伍成员（每个网格一名网格长）",
    request_body = grids::NewTeamMember,
    responses((status = 201, description = "成功", body = jiceng_ops::cases::grids::TeamMember))
)]
pub async fn add_team_member(
    State(s): State<AppState>,
    a: Authed,
    Body(m): Body<grids::NewTeamMember>,
) -> Result<(StatusCode, Json<jiceng_ops::cases::grids::TeamMember>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(grids::add_team_member(&s.db, &a.actor, m).await?),
    ))
}

#[utoipa::path(
    delete,
    path = "/grid-teams/{id}",
    tag = "网格",
    summary = "移出网格队伍",
    params(("id" = i64, Path)),
    responses((status = 204, description = "成功"))
)]
pub async fn remove_team_member(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    grids::remove_team_member(&s.db, &a.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/grid-places",
    tag = "网格",
    summary = "范围内各网格的点位：楼栋（含户数）和驻区单位",
    params(Within),
    responses((status = 200, description = "成功", body = Vec<jiceng_ops::cases::places::Place>))
)]
pub async fn places(
    State(s): State<AppState>,
    a: Authed,
    Params(q): Params<Within>,
) -> Result<Json<Vec<jiceng_ops::cases::places::Place>>, ApiError> {
    Ok(Json(
        jiceng_ops::cases::places::within(&s.db, &a.actor, q.within.as_deref()).await?,
    ))
}

#[utoipa::path(
    post,
    path = "/grid-places",
    tag = "网格",
    summary = "标注点位：按经纬度归入所在网格；楼栋的户数计入网格",
    request_body = jiceng_ops::cases::places::NewPlaceInput,
    responses((status = 201, description = "成功", body = jiceng_ops::cases::places::Place))
)]
pub async fn add_place(
    State(s): State<AppState>,
    a: Authed,
    Body(p): Body<jiceng_ops::cases::places::NewPlaceInput>,
) -> Result<(StatusCode, Json<jiceng_ops::cases::places::Place>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(jiceng_ops::cases::places::add(&s.db, &a.actor, p).await?),
    ))
}

#[utoipa::path(
    delete,
    path = "/grid-places/{id}",
    tag = "网格",
    summary = "删除点位（楼栋从网格的楼栋数和户数中减去）",
    params(("id" = i64, Path)),
    responses((status = 204, description = "成功"))
)]
pub async fn remove_place(
    State(s): State<AppState>,
    a: Authed,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    jiceng_ops::cases::places::remove(&s.db, &a.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/patrols/my-cases",
    tag = "网格",
    summary = "网格员手机端：本人网格内待核查的案件和其他未办结案件（各至多 50 件）",
    responses((status = 200, description = "成功", body = jiceng_ops::cases::patrols::MyCases))
)]
pub async fn my_cases(
    State(s): State<AppState>,
    a: Authed,
) -> Result<Json<jiceng_ops::cases::patrols::MyCases>, ApiError> {
    Ok(Json(
        jiceng_ops::cases::patrols::my_cases(&s.db, &a.actor).await?,
    ))
}
