//! grids: its pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;
pub(crate) mod patrols;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/patrols" => patrols::patrols [Scope];
        POST "/patrols" => patrols::log_patrol [Scope];
        POST "/patrols/{id}/case" => patrols::patrol_case [Record(Patrol)];
        GET "/grids" => pages::grid_map [Scope];
        POST "/grid-teams" => pages::add_team_member [Scope];
        POST "/grid-teams/{id}/remove" => pages::remove_team_member [Record(TeamMember)];
        POST "/grid-places" => pages::add_place [Scope];
        POST "/grid-places/{id}/remove" => pages::remove_place [Record(Place)];
        POST "/grids/boundary" => pages::draw_boundary [Scope];
        POST "/grids/boundary/remove" => pages::erase_boundary [Scope];
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::my_patrols [Scope];
        api::log_patrol [Scope];
        api::scope_patrols [Scope];
        api::my_cases [Scope];
        api::patrol_case [Record(Patrol)];
        api::grids [Scope];
        api::near [Scope];
        api::add_grid [Scope];
        api::teams [Scope];
        api::add_team_member [Scope];
        api::remove_team_member [Record(TeamMember)];
        api::places [Scope];
        api::add_place [Scope];
        api::remove_place [Record(Place)];
        api::boundary [Record(Org)];
        api::draw_boundary [Record(Org)];
        api::erase_boundary [Record(Org)];
    )
}
