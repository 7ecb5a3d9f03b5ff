//! The `mcpforge` binary that `cargo install mcpforge-cli` gives: the library's `run` over the
//! process's arguments.

fn main() {
    std::process::exit(mcpforge_cli::run(std::env::args().skip(1)));
}
