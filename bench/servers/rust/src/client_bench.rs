//! The Rust client's benchmark: `mcpforge::client::Client` driving one server over stdio
//! (a child it starts), calling `echo {"text": "hello"}` one call at a time and then with
//! `--in-flight` calls in flight, every answer checked. Prints one JSON line, the shape
//! every client program of `make bench-clients` prints (bench/clients.py reads them):
//!
//! ```text
//! client_bench [--calls N] [--sequential N] [--in-flight N] [--warm-up N] [--threads N] -- SERVER ARGS...
//! {"client":"mcpforge-rust","sequential":{...},"in_flight":{...}}
//! ```
//!
//! Each workload's object has `calls`, `in_flight`, `calls_per_s`, `p50_us`, `p99_us` (each
//! call's latency, from the call to its checked result) and `cpu_us_per_call` (this
//! process's user + system time, every thread, over the calls). The runtime is tokio's
//! current-thread one unless `--threads` asks for workers: a client program's calls and the
//! connection's reading task then share one thread, as the Node and Python clients do.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mcpforge::client::{Client, ClientError, transport::ChildTransport};
use serde_json::{Value, json};

/// What is measured and against what.
struct Plan {
    command: Vec<String>,
    sequential: usize,
    calls: usize,
    in_flight: usize,
    warm_up: usize,
    threads: usize,
    /// The most a call waits for its answer (the client's own timeout).
    timeout: Duration,
}

fn main() -> ExitCode {
    let plan = match parse(std::env::args().skip(1).collect()) {
        Ok(plan) => plan,
        Err(message) => {
            eprintln!(
                "client_bench: {message}\nusage: client_bench [--calls N] [--sequential N] [--in-flight N] [--warm-up N] [--threads N] -- SERVER ARGS..."
            );
            return ExitCode::from(2);
        }
    };
    let runtime = match plan.threads {
        0 => tokio::runtime::Builder::new_current_thread().enable_all().build(),
        n => tokio::runtime::Builder::new_multi_thread().worker_threads(n).enable_all().build(),
    };
    let outcome = runtime.expect("a tokio runtime").block_on(run(&plan));
    match outcome {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("client_bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse(args: Vec<String>) -> Result<Plan, String> {
    let mut plan = Plan {
        command: Vec::new(),
        sequential: 5_000,
        calls: 20_000,
        in_flight: 64,
        warm_up: 1_000,
        threads: 0,
        timeout: Duration::from_secs(30),
    };
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "--" {
            plan.command = args.by_ref().collect();
            break;
        }
        let value = args.next().ok_or_else(|| format!("{arg} needs a value"))?;
        let number: usize = value.parse().map_err(|_| format!("{arg}: {value:?} is not a count"))?;
        match arg.as_str() {
            "--calls" => plan.calls = number,
            "--sequential" => plan.sequential = number,
            "--in-flight" => plan.in_flight = number.max(1),
            "--warm-up" => plan.warm_up = number,
            "--threads" => plan.threads = number,
            "--timeout" => plan.timeout = Duration::from_secs(number as u64),
            _ => return Err(format!("unknown option {arg}")),
        }
    }
    if plan.command.is_empty() {
        return Err("no server command after --".into());
    }
    Ok(plan)
}

async fn run(plan: &Plan) -> Result<Value, ClientError> {
    let child = ChildTransport::new(&plan.command[0]).args(plan.command[1..].iter().cloned());
    let client = Arc::new(Client::builder("mcpforge-bench", "1.0.0").timeout(plan.timeout).connect(child).await?);
    let measured = async {
        measure(&client, plan.warm_up, plan.in_flight).await?;
        let sequential = measure(&client, plan.sequential, 1).await?;
        let in_flight = measure(&client, plan.calls, plan.in_flight).await?;
        Ok::<_, ClientError>(json!({ "client": "mcpforge-rust", "sequential": sequential, "in_flight": in_flight }))
    }
    .await;
    match Arc::try_unwrap(client) {
        Ok(client) => client.close().await,
        Err(client) => drop(client),
    }
    measured
}

/// `calls` checked `echo` calls, `width` at a time, each of `width` tasks taking the next
/// call until none is left.
async fn measure(client: &Arc<Client>, calls: usize, width: usize) -> Result<Value, ClientError> {
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let cpu = cpu_seconds();
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..width {
        let (client, next) = (Arc::clone(client), Arc::clone(&next));
        tasks.spawn(async move {
            let mut latencies = Vec::with_capacity(calls / width + 1);
            while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < calls {
                let sent = Instant::now();
                let result = client.call_tool("echo", json!({ "text": "hello" })).await?;
                if result.pointer("/content/0/text").and_then(Value::as_str) != Some("hello") {
                    return Err(ClientError::Protocol(format!("a wrong answer: {result}")));
                }
                latencies.push(sent.elapsed());
            }
            Ok(latencies)
        });
    }
    let mut latencies = Vec::with_capacity(calls);
    while let Some(joined) = tasks.join_next().await {
        latencies.extend(joined.map_err(|e| ClientError::Protocol(format!("a caller task failed: {e}")))??);
    }
    let seconds = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu;
    latencies.sort_unstable();
    let quantile = |q: f64| {
        let at = ((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1));
        latencies.get(at).map_or(0.0, |d| d.as_secs_f64() * 1e6)
    };
    let counted = calls.max(1) as f64;
    Ok(json!({
        "calls": calls,
        "in_flight": width,
        "calls_per_s": calls as f64 / seconds,
        "p50_us": quantile(0.5),
        "p99_us": quantile(0.99),
        "cpu_us_per_call": cpu / counted * 1e6,
    }))
}

/// This process's user + system CPU seconds so far (every thread).
fn cpu_seconds() -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given; RUSAGE_SELF is always valid.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
