//! `mcpforge-load`: a load generator for any MCP server, over stdio or Streamable HTTP.
//! `mcpforge-load --help` explains the options; docs/BENCHMARKS.md shows it at work.

mod check;
mod child;
mod cli;
mod http;
mod monitor;
mod report;
mod run;
mod series;
mod sse;
mod stats;
mod stdio;
mod wire;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let plan = match cli::Cli::parse().into_plan() {
        Ok(plan) => plan,
        Err(message) => {
            eprintln!("mcpforge-load: {message}\nTry `mcpforge-load --help`.");
            return ExitCode::from(2);
        }
    };
    let report = run::execute(&plan);
    if plan.json {
        println!("{}", serde_json::to_string_pretty(&report).expect("a report always serializes"));
    } else {
        print!("{}", report.to_text());
    }
    if report.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}
