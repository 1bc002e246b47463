//! One module per subcommand.

pub mod analyze;
pub mod benchmarks;
pub mod check;
pub mod compare;
pub mod evaluate;
pub mod explain;
pub mod tag;
pub mod taxonomy;
