//! saksgang: a terminal case tracker for schools and PPT.

pub mod domain;
pub mod store;
