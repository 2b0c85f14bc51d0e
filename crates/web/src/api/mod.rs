//! JSON API under /api/v1: every entity the platform manages, with paging, filters and one
//! error shape. The OpenAPI document describes it at /api/v1/openapi.json.

mod accounts;
pub(crate) mod assessment;
mod cases;
mod cobuilding;
mod evaluations;
mod meetings;
mod members;
pub(crate) mod openapi;
mod service;
mod wishes;
pub(crate) use meetings::file_response;
mod orgs;
mod points;
mod units;

use crate::AppState;
use crate::error::{json_rejection, query_rejection};
use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::response::Response;
use axum::routing::{get, post};
use serde::de::DeserializeOwned;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi::document))
        .route("/session", post(accounts::login).delete(accounts::logout))
        .route("/me", get(accounts::me))
        .route("/me/password", post(accounts::change_password))
        .route(
            "/tokens",
            get(accounts::tokens).post(accounts::create_token),
        )
        .route(
            "/tokens/{id}",
            axum::routing::delete(accounts::revoke_token),
        )
        .route("/users", get(accounts::users).post(accounts::create_user))
        .route("/audit", get(accounts::audit))
        .route("/audit/verify", get(accounts::verify))
        .route("/orgs", get(orgs::list).post(orgs::add))
        .route("/orgs/{code}", get(orgs::show).delete(orgs::delete))
        .route("/orgs/{code}/move", post(orgs::move_to))
        .route("/orgs/{code}/seats", post(orgs::add_seat))
        .route("/orgs/{code}/registrations", get(orgs::registrations))
        .route("/members", get(members::list).post(members::add))
        .route("/members/{id}", get(members::show).put(members::update))
        .route("/members/{id}/transfer", post(members::transfer))
        .route("/members/{id}/registrations", post(members::register))
        .route("/registrations/{id}/end", post(members::end_registration))
        .route("/units", get(units::list).post(units::add))
        .route("/units/{id}", get(units::show))
        .route("/units/{id}/registrations", post(units::register))
        .route("/meetings", get(meetings::list).post(meetings::record))
        .route("/meetings/{id}", get(meetings::show).put(meetings::update))
        .route(
            "/meetings/{id}/attachments",
            post(meetings::attach).layer(axum::extract::DefaultBodyLimit::max(
                jiceng_ops::meeting_files::MAX_BYTES + 64 * 1024,
            )),
        )
        .route("/attachments/{id}", get(meetings::download))
        .route("/compliance", get(meetings::compliance))
        .route("/assessment", get(assessment::quarter))
        .route(
            "/assessment/weights",
            get(assessment::weights).put(assessment::set_weights),
        )
        .route("/rectifications", post(assessment::open))
        .route(
            "/evaluations",
            get(evaluations::pairs).post(evaluations::rate),
        )
        .route(
            "/evaluations/{id}",
            axum::routing::delete(evaluations::withdraw),
        )
        .route("/wishes", get(wishes::list).post(wishes::post))
        .route("/wishes/{id}/moves", post(wishes::act))
        .route("/service-records", get(service::list).post(service::record))
        .route(
            "/service-records/{id}",
            axum::routing::delete(service::delete),
        )
        .route("/agreements", get(cobuilding::list).post(cobuilding::sign))
        .route("/agreements/{id}", get(cobuilding::show))
        .route(
            "/agreements/{id}/commitments",
            post(cobuilding::add_commitment),
        )
        .route(
            "/commitments/{id}/done",
            post(cobuilding::done).delete(cobuilding::undo),
        )
        .route("/rectifications/{id}", get(assessment::show))
        .route(
            "/rectifications/{id}/follow-up",
            post(assessment::follow_up),
        )
        .route("/cases", get(cases::list).post(cases::take_in))
        .route("/cases/{id}", get(cases::show))
        .route("/cases/{id}/moves", post(cases::make_move))
        .route("/inbox", get(cases::inbox))
        .route("/patrols", get(cases::my_patrols).post(cases::log_patrol))
        .route("/patrols/scope", get(cases::scope_patrols))
        .route("/patrols/my-cases", get(cases::my_cases))
        .route("/patrols/{id}/case", post(cases::patrol_case))
        .route("/rates", get(cases::rates))
        .route("/track/{code}", get(cases::track))
        .route("/track/{code}/rating", post(cases::rate))
        .route(
            "/departments",
            get(cases::departments).post(cases::add_department),
        )
        .route("/grids", get(cases::grids).post(cases::add_grid))
        .route(
            "/grid-teams",
            get(cases::teams).post(cases::add_team_member),
        )
        .route(
            "/grid-teams/{id}",
            axum::routing::delete(cases::remove_team_member),
        )
        .route("/grid-places", get(cases::places).post(cases::add_place))
        .route(
            "/grid-places/{id}",
            axum::routing::delete(cases::remove_place),
        )
        .route(
            "/case-classification",
            get(cases::classification).put(cases::set_classification),
        )
        .route(
            "/case-calendar",
            get(cases::calendar).put(cases::set_calendar),
        )
        .route("/points/schemes", get(points::schemes))
        .route(
            "/points/schemes/{code}",
            axum::routing::put(points::save_scheme),
        )
        .route("/points/ranking", get(points::ranking))
        .route("/points/entries", post(points::add_entry))
        .route("/points/pending", get(points::pending))
        .route("/points/entries/{id}/approve", post(points::approve))
        .route("/points/entries/{id}/reject", post(points::reject))
        .route("/members/{id}/points", get(points::ledger))
        .route("/meeting-rules", get(meetings::rules))
        .route(
            "/meeting-rules/{kind}",
            axum::routing::put(meetings::set_rule),
        )
}

/// JSON body whose rejections (malformed, too large, wrong type) answer in the API's shape.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Json::<T>::from_request(req, state)
            .await
            .map(|j| Body(j.0))
            .map_err(json_rejection)
    }
}

/// Query string whose rejections answer in the API's shape.
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Params(q.0))
            .map_err(query_rejection)
    }
}
