//! grids: its pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;
pub(crate) mod patrols;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/patrols" => patrols::patrols;
        POST "/patrols" => patrols::log_patrol;
        POST "/patrols/{id}/case" => patrols::patrol_case;
        GET "/grids" => pages::grid_map;
        POST "/grid-teams" => pages::add_team_member;
        POST "/grid-teams/{id}/remove" => pages::remove_team_member;
        POST "/grid-places" => pages::add_place;
        POST "/grid-places/{id}/remove" => pages::remove_place;
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::my_patrols;
        api::log_patrol;
        api::scope_patrols;
        api::my_cases;
        api::patrol_case;
        api::grids;
        api::add_grid;
        api::teams;
        api::add_team_member;
        api::remove_team_member;
        api::places;
        api::add_place;
        api::remove_place;
    )
}
