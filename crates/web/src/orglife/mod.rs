//! orglife: its pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod compliance;
pub(crate) mod ledgers;
pub(crate) mod meetings;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/meetings" => meetings::list;
        POST "/meetings" => meetings::create;
        GET "/meetings/new" => meetings::new_form;
        GET "/meetings/{id}" => meetings::show;
        POST "/meetings/{id}" => meetings::save;
        GET "/meetings/{id}/edit" => meetings::edit_form;
        POST "/meetings/{id}/attachments" => meetings::upload, layer(axum::extract::DefaultBodyLimit::max( jiceng_ops::orglife::files::MAX_BYTES + 64 * 1024, ));
        GET "/attachments/{id}" => meetings::download;
        GET "/compliance" => compliance::page;
        GET "/orgs/{code}/ledger" => compliance::ledger;
        GET "/orgs/{code}/ledger.xlsx" => compliance::ledger_xlsx;
        GET "/orgs/{code}/ledger/points" => ledgers::points_ledger;
        GET "/orgs/{code}/ledger/registrations" => ledgers::registrations_ledger;
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::list;
        api::record;
        api::show;
        api::update;
        api::attach, layer(axum::extract::DefaultBodyLimit::max( jiceng_ops::orglife::files::MAX_BYTES + 64 * 1024, ));
        api::download;
        api::compliance;
        api::rules;
        api::set_rule;
    )
}
