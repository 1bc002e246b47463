//! One module per subcommand.

pub mod analyze;
pub mod evaluate;
pub mod explain;
pub mod taxonomy;
