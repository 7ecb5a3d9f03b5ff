//! One run from start to report: start the server (if there is a command), do the
//! handshake, warm up, measure with the monitor watching, stop and reap the server.

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use crate::child::{Ending, Server};
use crate::cli::{Plan, Stop, Target};
use crate::http::{self, Endpoint, LoadSettings};
use crate::monitor::{Monitor, RssSampling};
use crate::report::{ColdStart, CpuPerCall, Report, ServerUsage, SwitchesPerCall};
use crate::stats::Recorder;
use crate::stdio::StdioClient;
use crate::wire::{CallTemplate, Negotiated, Wire};

/// How long a server may take to exit once asked, before it is killed.
const EXIT_GRACE: Duration = Duration::from_secs(5);
/// How long a failed run waits for a server that closed its output to be reaped, so the
/// report can say how it exited.
const EXIT_REPORT_WAIT: Duration = Duration::from_secs(2);

/// Runs the plan and reports; failures end up in [`Report::aborted`].
pub fn execute(plan: &Plan) -> Report {
    let mut report = Report {
        tool: plan.call.tool.clone(),
        concurrency: plan.concurrency,
        warmup_calls: plan.warmup,
        ..Report::default()
    };
    let result = match (&plan.target, plan.cold_start) {
        (Target::Stdio { command }, None) => stdio_load(plan, command, &mut report),
        (Target::Stdio { command }, Some(starts)) => {
            cold_starts(starts, &mut report, || stdio_first_call(plan, command))
        }
        (Target::Http { url, command }, None) => http_load(plan, url, command.as_deref(), &mut report),
        (Target::Http { url, command: Some(command) }, Some(starts)) => {
            cold_starts(starts, &mut report, || http_first_call(plan, url, command))
        }
        (Target::Http { command: None, .. }, Some(_)) => Err("--cold-start needs a COMMAND".into()),
    };
    if let Err(reason) = result {
        report.aborted = Some(reason);
    }
    report
}

/// Fills in the report's transport fields.
fn describe_target(report: &mut Report, transport: &'static str, command: Option<Vec<String>>, url: Option<String>) {
    report.transport = transport;
    report.command = command;
    report.url = url;
}

/// Fills in what the handshake found.
fn describe_server(report: &mut Report, negotiated: &Negotiated) {
    report.protocol_version = Some(negotiated.wire.version().to_owned());
    report.wire = Some(match negotiated.wire {
        Wire::Modern => "2026",
        Wire::Legacy(_) => "legacy",
    });
    report.server = Some(format!("{} {}", negotiated.server_name, negotiated.server_version));
}

/// A load run over stdio.
fn stdio_load(plan: &Plan, command: &[String], report: &mut Report) -> Result<(), String> {
    describe_target(report, "stdio", Some(command.to_vec()), None);
    report.mode = if plan.concurrency == 1 { "sequential" } else { "pipelined" };
    let mut server = Server::spawn(command, true).map_err(|e| e.to_string())?;
    let outcome = stdio_phases(plan, &mut server, report);
    finish(server, Ending::CloseStdin, outcome, report)
}

/// Handshake, warm-up and measurement on a started stdio server.
fn stdio_phases(plan: &Plan, server: &mut Server, report: &mut Report) -> Result<(), String> {
    let stdin = server.take_stdin().expect("a stdio server has stdin");
    let stdout = server.take_stdout().expect("a stdio server has stdout");
    let mut client = StdioClient::new(stdin, stdout);
    let negotiated = client.handshake(plan.wire, Instant::now() + plan.startup_timeout)?;
    describe_server(report, &negotiated);
    let call = CallTemplate::new(&plan.call, &negotiated.wire);
    let killer = server.killer();
    let pid = server.pid();
    let mut phase = |label: &str, stop: Stop, interval: Option<Duration>, rss: Option<RssSampling>| {
        let monitor = Monitor::start(label.to_owned(), stop, plan.timeout, plan.progress, Some(killer), rss);
        let progress = monitor.progress();
        let result = if plan.concurrency == 1 {
            client.run_sequential(&call, stop, interval, &progress)
        } else {
            client.run_pipelined(&call, stop, interval, plan.concurrency, &progress, killer)
        };
        monitor.stop();
        (result, progress.rss_curve())
    };
    if plan.warmup > 0 {
        phase("warm-up", Stop::Calls(plan.warmup), None, None).0?;
    }
    let clock = CpuClock::start(Some(pid));
    let sampling = plan.rss_every.map(|every| RssSampling { pid, every });
    let (result, curve) = phase("measuring", plan.stop, plan.interval, sampling);
    if sampling.is_some() {
        report.rss_curve = Some(curve);
    }
    let (recorder, elapsed) = result?;
    measured(report, recorder, elapsed, clock);
    Ok(())
}

/// A load run over HTTP, starting the server first if there is a command.
fn http_load(plan: &Plan, url: &str, command: Option<&[String]>, report: &mut Report) -> Result<(), String> {
    report.mode = "connections";
    let (url, command) = with_free_port(url, command)?;
    describe_target(report, "http", command.clone(), Some(url.clone()));
    let endpoint = Arc::new(Endpoint::parse(&url, plan.headers.clone())?);
    let Some(command) = command else {
        return http_phases(plan, &endpoint, None, report);
    };
    let mut server = Server::spawn(&command, false).map_err(|e| e.to_string())?;
    let pid = server.pid();
    let outcome = wait_until_accepting(&mut server, &endpoint, plan.startup_timeout)
        .and_then(|()| http_phases(plan, &endpoint, Some(pid), report));
    finish(server, Ending::Terminate, outcome, report)
}

/// Negotiation, warm-up and measurement against an HTTP endpoint (served by process
/// `server_pid` when we started it).
fn http_phases(
    plan: &Plan,
    endpoint: &Arc<Endpoint>,
    server_pid: Option<u32>,
    report: &mut Report,
) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(plan.threads)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the HTTP client runtime: {e}"))?;
    let negotiated = runtime.block_on(http::negotiate(endpoint, plan.wire, plan.startup_timeout))?;
    describe_server(report, &negotiated);
    let call = Arc::new(CallTemplate::new(&plan.call, &negotiated.wire));
    let settings = LoadSettings {
        connections: plan.concurrency,
        stop: plan.stop,
        warmup: plan.warmup,
        timeout: plan.timeout,
        interval: plan.interval,
    };
    let monitor = Monitor::start("measuring".into(), plan.stop, plan.timeout, plan.progress, None, None);
    // The clock includes the connections' warm-up calls (they run inside `http::run`).
    let clock = CpuClock::start(server_pid);
    let result = runtime.block_on(http::run(Arc::clone(endpoint), negotiated.wire, call, settings, monitor.progress()));
    monitor.stop();
    let (recorder, elapsed) = result?;
    measured(report, recorder, elapsed, clock);
    Ok(())
}

/// Stores the measured phase in the report.
fn measured(report: &mut Report, recorder: Recorder, elapsed: Duration, clock: CpuClock) {
    (report.client_cpu, report.server_cpu, report.server_switches) = clock.stop(recorder.calls());
    report.measured = Some(recorder.summarize(elapsed));
}

/// CPU time of this process and of the server, and the server's context switches, taken
/// before the measured phase.
struct CpuClock {
    client: Option<f64>,
    server: Option<(u32, f64)>,
    switches: Option<(u32, u64)>,
}

impl CpuClock {
    fn start(server_pid: Option<u32>) -> Self {
        let server = server_pid.and_then(|pid| process_cpu_seconds(pid).map(|cpu| (pid, cpu)));
        let switches = server_pid.and_then(|pid| process_switches(pid).map(|n| (pid, n)));
        CpuClock { client: self_cpu_seconds(), server, switches }
    }

    /// (client, server) CPU over the phase, per call, and the server's switches per call.
    fn stop(self, calls: u64) -> (Option<CpuPerCall>, Option<CpuPerCall>, Option<SwitchesPerCall>) {
        let per_call = |before: Option<f64>, after: Option<f64>| match (before, after) {
            (Some(before), Some(after)) if calls > 0 => {
                Some(CpuPerCall { cpu_s: after - before, cpu_us_per_call: (after - before) * 1e6 / calls as f64 })
            }
            _ => None,
        };
        let server = self.server.map_or((None, None), |(pid, before)| (Some(before), process_cpu_seconds(pid)));
        let switches = self.switches.and_then(|(pid, before)| {
            let after = process_switches(pid)?;
            let switches = after.saturating_sub(before);
            (calls > 0).then(|| SwitchesPerCall { switches, per_call: switches as f64 / calls as f64 })
        });
        (per_call(self.client, self_cpu_seconds()), per_call(server.0, server.1), switches)
    }
}

/// Context switches of every thread of process `pid` so far (voluntary and not), summed
/// from `/proc/<pid>/task/*/status` (Linux). A thread that ended takes its count with it:
/// servers keep their threads across a measured phase.
fn process_switches(pid: u32) -> Option<u64> {
    let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
    let mut total = 0;
    for task in tasks.flatten() {
        let Ok(status) = std::fs::read_to_string(task.path().join("status")) else { continue };
        for line in status.lines() {
            let count =
                line.strip_prefix("voluntary_ctxt_switches:").or(line.strip_prefix("nonvoluntary_ctxt_switches:"));
            total += count.and_then(|n| n.trim().parse::<u64>().ok()).unwrap_or(0);
        }
    }
    Some(total)
}

/// User + system CPU time of process `pid` so far, from `/proc/<pid>/stat` (Linux).
fn process_cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may contain spaces; the fields after it don't. utime and
    // stime are fields 14 and 15, i.e. 11 and 12 after the name.
    let mut fields = stat.rsplit_once(')')?.1.split_whitespace();
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    // SAFETY: sysconf has no memory-safety preconditions.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    (ticks > 0).then(|| (utime + stime) as f64 / ticks as f64)
}

/// Stops and reaps the server; records its usage and, when the run failed, the end of its
/// stderr and how it exited.
fn finish(mut server: Server, ending: Ending, outcome: Result<(), String>, report: &mut Report) -> Result<(), String> {
    let outcome = outcome.map_err(|reason| {
        // A server that closed its output is usually exiting: on a busy machine the loader
        // can see the EOF before the process is gone, so give it a moment (bounded) to be
        // reaped and say how it ended.
        let deadline = std::time::Instant::now() + EXIT_REPORT_WAIT;
        let mut status = server.exited();
        while status.is_none() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
            status = server.exited();
        }
        match status {
            Some(status) => format!("{reason} (the server exited: {status})"),
            None => reason,
        }
    });
    let (usage, tail) = server.finish(ending, EXIT_GRACE);
    if outcome.is_err() && !tail.is_empty() {
        report.server_stderr = Some(tail);
    }
    report.server_usage = usage.map(ServerUsage::from);
    outcome
}

/// `--cold-start`: `starts` times, time a fresh server from spawn to its first answered call.
fn cold_starts(
    starts: u32,
    report: &mut Report,
    mut first_call: impl FnMut() -> Result<FirstCall, String>,
) -> Result<(), String> {
    report.mode = "cold-start";
    report.warmup_calls = 0;
    report.concurrency = 1;
    let mut samples = Vec::with_capacity(starts as usize);
    for start in 0..starts {
        let first = first_call()?;
        if start == 0 {
            let transport = if first.url.is_some() { "http" } else { "stdio" };
            describe_target(report, transport, Some(first.command), first.url);
            describe_server(report, &first.negotiated);
        }
        samples.push(first.took.as_secs_f64() * 1e3);
    }
    report.cold_start = Some(ColdStart::new(samples));
    Ok(())
}

/// One cold start: what was started and how long it took to answer.
struct FirstCall {
    negotiated: Negotiated,
    command: Vec<String>,
    url: Option<String>,
    took: Duration,
}

/// One cold start over stdio.
fn stdio_first_call(plan: &Plan, command: &[String]) -> Result<FirstCall, String> {
    let began = Instant::now();
    let mut server = Server::spawn(command, true).map_err(|e| e.to_string())?;
    let result = (|| {
        let mut client = StdioClient::new(server.take_stdin().expect("piped"), server.take_stdout().expect("piped"));
        let negotiated = client.handshake(plan.wire, began + plan.startup_timeout)?;
        let call = CallTemplate::new(&plan.call, &negotiated.wire);
        let monitor = Monitor::start(
            "cold start".into(),
            Stop::Calls(1),
            plan.startup_timeout,
            false,
            Some(server.killer()),
            None,
        );
        let result = client.run_sequential(&call, Stop::Calls(1), None, &monitor.progress());
        monitor.stop();
        let (recorder, _) = result?;
        let took = began.elapsed();
        let summary = recorder.summarize(took);
        match summary.error_examples.into_iter().next() {
            Some((kind, detail)) => Err(format!("the first call failed: {kind}: {detail}")),
            None => Ok((negotiated, took)),
        }
    })();
    let (_, tail) = server.finish(Ending::CloseStdin, EXIT_GRACE);
    let (negotiated, took) = result.map_err(|e| with_tail(e, &tail))?;
    Ok(FirstCall { negotiated, command: command.to_vec(), url: None, took })
}

/// One cold start over HTTP.
fn http_first_call(plan: &Plan, url: &str, command: &[String]) -> Result<FirstCall, String> {
    let (url, command) = with_free_port(url, Some(command))?;
    let command = command.expect("a command was given");
    let endpoint = Arc::new(Endpoint::parse(&url, plan.headers.clone())?);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the HTTP client runtime: {e}"))?;
    let began = Instant::now();
    let mut server = Server::spawn(&command, false).map_err(|e| e.to_string())?;
    let result = wait_until_accepting(&mut server, &endpoint, plan.startup_timeout).and_then(|()| {
        runtime.block_on(http::first_call(Arc::clone(&endpoint), plan.wire, &plan.call, plan.startup_timeout))
    });
    let took = began.elapsed();
    let (_, tail) = server.finish(Ending::Terminate, EXIT_GRACE);
    let negotiated = result.map_err(|e| with_tail(e, &tail))?;
    Ok(FirstCall { negotiated, command, url: Some(url), took })
}

/// Appends the server's last stderr line to an error, when there is one.
fn with_tail(error: String, tail: &str) -> String {
    match tail.lines().last() {
        Some(line) => format!("{error}; the server's stderr ends with: {line}"),
        None => error,
    }
}

/// Replaces `{port}` in the URL and the command with a port that was free a moment ago.
fn with_free_port(url: &str, command: Option<&[String]>) -> Result<(String, Option<Vec<String>>), String> {
    if !url.contains("{port}") {
        return Ok((url.to_owned(), command.map(<[String]>::to_vec)));
    }
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map_err(|e| format!("cannot find a free port: {e}"))?
        .port()
        .to_string();
    let command = command.map(|args| args.iter().map(|arg| arg.replace("{port}", &port)).collect());
    Ok((url.replace("{port}", &port), command))
}

/// Polls until the server accepts TCP connections at the endpoint.
fn wait_until_accepting(server: &mut Server, endpoint: &Endpoint, limit: Duration) -> Result<(), String> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = server.exited() {
            return Err(format!("the server exited before it accepted connections ({status})"));
        }
        if TcpStream::connect_timeout(&endpoint.addr, Duration::from_secs(1)).is_ok() {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!("the server did not accept connections on {} within {limit:?}", endpoint.addr));
        }
        thread::sleep(Duration::from_millis(10));
    }
}

/// This process's user + system CPU time so far.
fn self_cpu_seconds() -> Option<f64> {
    // SAFETY: an all-zero rusage is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pointer is to a live, writable rusage.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return None;
    }
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Some(seconds(usage.ru_utime) + seconds(usage.ru_stime))
}
