//! The web crate's black-box tests, one binary: the JSON API and the pages, each driven
//! through the router as a client would.

mod api;
mod bodies;
mod case_page;
mod city;
mod console;
mod duties;
mod exports;
mod failures;
mod imports;
mod pages;
mod routes;
mod trust;
