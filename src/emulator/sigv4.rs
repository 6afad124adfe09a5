//! SigV4 verification — placeholder being written.
