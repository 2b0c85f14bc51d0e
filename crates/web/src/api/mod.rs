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

use crate::error::{json_rejection, query_rejection};
use crate::routes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::response::Response;
use serde::de::DeserializeOwned;

pub fn routes() -> routes::Table {
    routes::api!(routes::Table::new(routes::Kind::Api, "/api/v1");
        openapi::document;
        accounts::login;
        accounts::logout;
        accounts::me;
        accounts::change_password;
        accounts::tokens;
        accounts::create_token;
        accounts::revoke_token;
        accounts::users;
        accounts::create_user;
        accounts::audit;
        accounts::verify;
        orgs::list;
        orgs::add;
        orgs::show;
        orgs::delete;
        orgs::move_to;
        orgs::add_seat;
        orgs::registrations;
        members::list;
        members::add;
        members::show;
        members::update;
        members::transfer;
        members::register;
        members::end_registration;
        units::list;
        units::add;
        units::show;
        units::register;
        meetings::list;
        meetings::record;
        meetings::show;
        meetings::update;
        meetings::attach, layer(axum::extract::DefaultBodyLimit::max( jiceng_ops::orglife::files::MAX_BYTES + 64 * 1024, ));
        meetings::download;
        meetings::compliance;
        assessment::quarter;
        assessment::weights;
        assessment::set_weights;
        assessment::open;
        evaluations::pairs;
        evaluations::rate;
        evaluations::withdraw;
        wishes::list;
        wishes::post;
        wishes::act;
        service::list;
        service::record;
        service::delete;
        cobuilding::list;
        cobuilding::sign;
        cobuilding::show;
        cobuilding::add_commitment;
        cobuilding::done;
        cobuilding::undo;
        assessment::show;
        assessment::follow_up;
        cases::list;
        cases::take_in;
        cases::show;
        cases::make_move;
        cases::inbox;
        cases::my_patrols;
        cases::log_patrol;
        cases::scope_patrols;
        cases::my_cases;
        cases::patrol_case;
        cases::rates;
        cases::track;
        cases::rate;
        cases::departments;
        cases::add_department;
        cases::grids;
        cases::add_grid;
        cases::teams;
        cases::add_team_member;
        cases::remove_team_member;
        cases::places;
        cases::add_place;
        cases::remove_place;
        cases::classification;
        cases::set_classification;
        cases::calendar;
        cases::set_calendar;
        points::schemes;
        points::save_scheme;
        points::ranking;
        points::add_entry;
        points::pending;
        points::approve;
        points::reject;
        points::ledger;
        meetings::rules;
        meetings::set_rule;
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
