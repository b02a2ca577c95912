//! saksgang: a terminal case tracker for schools and PPT.

pub mod cli;
pub mod config;
pub mod demo;
pub mod documents;
pub mod domain;
pub mod files;
pub mod i18n;
pub mod kit;
pub mod service;
pub mod store;
pub mod ui;
pub mod unlock;
