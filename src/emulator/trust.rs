//! Trust policies — placeholder being written.
