//! points: its pages and its part of the API, and the routes that serve them.

pub(crate) mod api;
pub(crate) mod pages;

use crate::routes::{self, Table};

pub(crate) fn pages(t: Table) -> Table {
    routes::table!(t;
        GET "/points" => pages::ranking [Scope];
        GET "/points/pending" => pages::pending [Scope];
        POST "/points/entries/{id}/{verdict}" => pages::decide [Record(PointsEntry)];
        GET "/members/{id}/points" => pages::ledger [Record(Member)];
        POST "/members/{id}/points" => pages::enter [Record(Member)];
    )
}

pub(crate) fn api(t: Table) -> Table {
    routes::api!(t;
        api::schemes [Scope];
        api::save_scheme [Record(Setting)];
        api::ranking [Scope];
        api::add_entry [Scope];
        api::pending [Scope];
        api::approve [Record(PointsEntry)];
        api::reject [Record(PointsEntry)];
        api::ledger [Record(Member)];
    )
}
