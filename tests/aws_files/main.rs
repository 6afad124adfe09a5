//! `~/.aws/config`, `~/.aws/credentials` and the SSO token cache, with botocore and the AWS CLI
//! as the peers: our reader against botocore's (`config_reader`), writing into awkward files
//! (`corpus`) and under real processes (`processes`), and the AWS CLI as a second client
//! (`awscli_interop`, `awscli_sso_cache`).
//!
//! One test binary per subject, each module one former `tests/<name>.rs` (`aws_config_reader.rs`
//! is `config_reader`, `aws_files_corpus.rs` `corpus` and `aws_files_processes.rs` `processes`
//! here). Run one module with `cargo test --test aws_files corpus::`.

#[path = "../common/mod.rs"]
mod common;

mod awscli_interop;
mod awscli_sso_cache;
mod config_reader;
mod corpus;
mod processes;
