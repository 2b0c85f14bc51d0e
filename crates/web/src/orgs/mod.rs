//! orgs: its pages and its part of the API, and the routes that serve them.

pub(crate) mod admin;
pub(crate) mod api;
pub(crate) mod pages;
pub(crate) mod pick;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/orgs" => pages::orgs [Scope];
        POST "/orgs" => admin::create [Scope];
        GET "/orgs/new" => admin::new_form [Scope];
        GET "/orgs/pick" => pick::pick [Scope];
        GET "/orgs/{code}" => pages::org [Record(Org)];
        GET "/orgs/{code}/move" => admin::move_form [Record(Org)];
        POST "/orgs/{code}/move" => admin::move_to [Record(Org)];
        POST "/orgs/{code}/delete" => admin::delete [Record(Org)];
        GET "/orgs/{code}/seats" => admin::seat_form [Record(Org)];
        POST "/orgs/{code}/seats" => admin::add_seat [Record(Org)];
        GET "/orgs/{code}/children" => pages::org_children [Record(Org)];
        POST "/orgs/{code}/registrations" => pages::org_register [Record(Org)];
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::list [Scope];
        api::add [Scope];
        api::show [Record(Org)];
        api::delete [Record(Org)];
        api::move_to [Record(Org)];
        api::add_seat [Record(Org)];
        api::registrations [Record(Org)];
    )
}
