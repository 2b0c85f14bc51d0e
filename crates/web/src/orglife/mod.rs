//! orglife: its pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod compliance;
pub(crate) mod ledgers;
pub(crate) mod meetings;
pub(crate) mod mine;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/meetings" => meetings::list [Scope];
        POST "/meetings" => meetings::create [Scope];
        GET "/meetings/new" => meetings::new_form [Scope];
        GET "/meetings/{id}" => meetings::show [Record(Meeting)];
        POST "/meetings/{id}" => meetings::save [Record(Meeting)];
        GET "/meetings/{id}/edit" => meetings::edit_form [Record(Meeting)];
        POST "/meetings/{id}/attachments" => meetings::upload [Record(Meeting)], layer(axum::extract::DefaultBodyLimit::max( jiceng_ops::orglife::files::MAX_BYTES + 64 * 1024, ));
        GET "/attachments/{id}" => meetings::download [Record(Attachment)];
        GET "/members/{id}/meetings" => mine::page [Record(Member)];
        GET "/compliance" => compliance::page [Scope];
        GET "/orgs/{code}/ledger" => compliance::ledger [Record(Org)];
        GET "/orgs/{code}/ledger.xlsx" => compliance::ledger_xlsx [Record(Org)];
        GET "/orgs/{code}/ledger/points" => ledgers::points_ledger [Record(Org)];
        GET "/orgs/{code}/ledger/registrations" => ledgers::registrations_ledger [Record(Org)];
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::list [Scope];
        api::record [Scope];
        api::show [Record(Meeting)];
        api::update [Record(Meeting)];
        api::attach [Record(Meeting)], layer(axum::extract::DefaultBodyLimit::max( jiceng_ops::orglife::files::MAX_BYTES + 64 * 1024, ));
        api::download [Record(Attachment)];
        api::compliance [Scope];
        api::rules [Scope];
        api::set_rule [Record(Setting)];
        api::meetings_ledger [Record(Org)];
        api::points_ledger [Record(Org)];
        api::registrations_ledger [Record(Org)];
    )
}
