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
    routes::table!(routes::Table::new(routes::Kind::Api, "/api/v1");
        GET "/openapi.json" => openapi::document;
        POST "/session" => accounts::login;
        DELETE "/session" => accounts::logout;
        GET "/me" => accounts::me;
        POST "/me/password" => accounts::change_password;
        GET "/tokens" => accounts::tokens;
        POST "/tokens" => accounts::create_token;
        DELETE "/tokens/{id}" => accounts::revoke_token;
        GET "/users" => accounts::users;
        POST "/users" => accounts::create_user;
        GET "/audit" => accounts::audit;
        GET "/audit/verify" => accounts::verify;
        GET "/orgs" => orgs::list;
        POST "/orgs" => orgs::add;
        GET "/orgs/{code}" => orgs::show;
        DELETE "/orgs/{code}" => orgs::delete;
        POST "/orgs/{code}/move" => orgs::move_to;
        POST "/orgs/{code}/seats" => orgs::add_seat;
        GET "/orgs/{code}/registrations" => orgs::registrations;
        GET "/members" => members::list;
        POST "/members" => members::add;
        GET "/members/{id}" => members::show;
        PUT "/members/{id}" => members::update;
        POST "/members/{id}/transfer" => members::transfer;
        POST "/members/{id}/registrations" => members::register;
        POST "/registrations/{id}/end" => members::end_registration;
        GET "/units" => units::list;
        POST "/units" => units::add;
        GET "/units/{id}" => units::show;
        POST "/units/{id}/registrations" => units::register;
        GET "/meetings" => meetings::list;
        POST "/meetings" => meetings::record;
        GET "/meetings/{id}" => meetings::show;
        PUT "/meetings/{id}" => meetings::update;
        POST "/meetings/{id}/attachments" => meetings::attach, layer(axum::extract::DefaultBodyLimit::max( jiceng_ops::orglife::files::MAX_BYTES + 64 * 1024, ));
        GET "/attachments/{id}" => meetings::download;
        GET "/compliance" => meetings::compliance;
        GET "/assessment" => assessment::quarter;
        GET "/assessment/weights" => assessment::weights;
        PUT "/assessment/weights" => assessment::set_weights;
        POST "/rectifications" => assessment::open;
        GET "/evaluations" => evaluations::pairs;
        POST "/evaluations" => evaluations::rate;
        DELETE "/evaluations/{id}" => evaluations::withdraw;
        GET "/wishes" => wishes::list;
        POST "/wishes" => wishes::post;
        POST "/wishes/{id}/moves" => wishes::act;
        GET "/service-records" => service::list;
        POST "/service-records" => service::record;
        DELETE "/service-records/{id}" => service::delete;
        GET "/agreements" => cobuilding::list;
        POST "/agreements" => cobuilding::sign;
        GET "/agreements/{id}" => cobuilding::show;
        POST "/agreements/{id}/commitments" => cobuilding::add_commitment;
        POST "/commitments/{id}/done" => cobuilding::done;
        DELETE "/commitments/{id}/done" => cobuilding::undo;
        GET "/rectifications/{id}" => assessment::show;
        POST "/rectifications/{id}/follow-up" => assessment::follow_up;
        GET "/cases" => cases::list;
        POST "/cases" => cases::take_in;
        GET "/cases/{id}" => cases::show;
        POST "/cases/{id}/moves" => cases::make_move;
        GET "/inbox" => cases::inbox;
        GET "/patrols" => cases::my_patrols;
        POST "/patrols" => cases::log_patrol;
        GET "/patrols/scope" => cases::scope_patrols;
        GET "/patrols/my-cases" => cases::my_cases;
        POST "/patrols/{id}/case" => cases::patrol_case;
        GET "/rates" => cases::rates;
        GET "/track/{code}" => cases::track;
        POST "/track/{code}/rating" => cases::rate;
        GET "/departments" => cases::departments;
        POST "/departments" => cases::add_department;
        GET "/grids" => cases::grids;
        POST "/grids" => cases::add_grid;
        GET "/grid-teams" => cases::teams;
        POST "/grid-teams" => cases::add_team_member;
        DELETE "/grid-teams/{id}" => cases::remove_team_member;
        GET "/grid-places" => cases::places;
        POST "/grid-places" => cases::add_place;
        DELETE "/grid-places/{id}" => cases::remove_place;
        GET "/case-classification" => cases::classification;
        PUT "/case-classification" => cases::set_classification;
        GET "/case-calendar" => cases::calendar;
        PUT "/case-calendar" => cases::set_calendar;
        GET "/points/schemes" => points::schemes;
        PUT "/points/schemes/{code}" => points::save_scheme;
        GET "/points/ranking" => points::ranking;
        POST "/points/entries" => points::add_entry;
        GET "/points/pending" => points::pending;
        POST "/points/entries/{id}/approve" => points::approve;
        POST "/points/entries/{id}/reject" => points::reject;
        GET "/members/{id}/points" => points::ledger;
        GET "/meeting-rules" => meetings::rules;
        PUT "/meeting-rules/{kind}" => meetings::set_rule;
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
