//! volunteers: members' and residents' own registration and certificate, the volunteers of a
//! scope, and the teams — pages, API and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/volunteers" => pages::list [Scope];
        GET "/volunteers/me" => pages::me [Scope];
        POST "/volunteers/me" => pages::register_me [Scope];
        GET "/volunteers/me/certificate" => pages::my_certificate [Scope];
        GET "/volunteers/{id}" => pages::show [Record(Volunteer)];
        GET "/volunteers/{id}/certificate" => pages::certificate [Record(Volunteer)];
        GET "/teams" => pages::teams [Scope];
        POST "/teams" => pages::found [Scope];
        GET "/teams/{id}" => pages::team [Record(Team)];
        POST "/teams/{id}/members" => pages::join [Record(Team)];
        POST "/teams/{id}/members/{volunteer_id}/remove" => pages::leave [Record(Team)];
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::me [Scope];
        api::register_me [Scope];
        api::my_certificate [Scope];
        api::list [Scope];
        api::show [Record(Volunteer)];
        api::certificate [Record(Volunteer)];
        api::teams [Scope];
        api::found [Scope];
        api::team [Record(Team)];
        api::join [Record(Team)];
        api::leave [Record(Team)];
        api::kinds [Scope];
        api::set_kind [Scope];
    )
}
