//! What a user can do, for both fronts: the command line and the screens call
//! these and only print or draw what comes back. Each use case reads what it
//! needs once, applies the domain's rules through the store, and logs what left
//! the program.

pub mod cases;
pub mod detail;
pub mod export;
pub mod kit;
pub mod wording;

pub use cases::{CaseFile, find, open_case};
pub use detail::{DetailLine, Emphasis, Warning, case_detail, marker};
pub use wording::explain;
