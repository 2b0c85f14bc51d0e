//! JSON API under /api/v1: every entity the platform manages, with paging, filters and one
//! error shape. The OpenAPI document describes it at /api/v1/openapi.json.

pub(crate) mod openapi;

use crate::error::{json_rejection, query_rejection};
use crate::routes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::response::Response;
use serde::de::DeserializeOwned;

pub fn routes() -> routes::Table {
    let t = routes::Table::new(routes::Kind::Api, "/api/v1");
    let features: [fn(routes::Table) -> routes::Table; 26] = [
        crate::accounts::api,
        crate::assessment::api,
        crate::audit::api,
        crate::cases::api,
        crate::cobuilding::api,
        crate::evaluations::api,
        crate::grids::api,
        crate::members::api,
        crate::orglife::api,
        crate::orgs::api,
        crate::points::api,
        crate::service::api,
        crate::settings::api,
        crate::units::api,
        crate::wishes::api,
        crate::residents::api,
        crate::needs::api,
        crate::resources::api,
        crate::projects::api,
        crate::errands::api,
        crate::problems::api,
        crate::positions::api,
        crate::volunteers::api,
        crate::activities::api,
        crate::bookings::api,
        crate::imports::api,
    ];
    let t = features.into_iter().fold(t, |t, add| add(t));
    routes::api!(t;
        openapi::document [Public];
    )
}

/// A numbered page of a list: `page` from 1, `per_page` rows (50 by default).
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    pub page: Option<i64>,
    pub per_page: Option<i64>,
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
