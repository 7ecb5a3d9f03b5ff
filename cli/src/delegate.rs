//! `run` and `sdk` reached in this crate (the cargo binary, or a language's command
//! given another language's file): the command line is handed unchanged to the command of
//! the file's language, `python -m mcpforge` or `node .../bin/mcpforge.js`, which loads the
//! server. Its exit status is this command's; Ctrl-C reaches it (same process group) and this
//! process waits for it to end; SIGTERM sent to this process is passed on to it.

use std::path::PathBuf;

use crate::failure::Failure;
use crate::interpreters;
use crate::target::{Language, ServerFile};

/// `run FILE`: starts the interpreter of the file's language.
pub(crate) fn serve_file(target: &str, argv: &[String]) -> Result<i32, Failure> {
    let file = ServerFile::parse(target);
    match file.language {
        Some(Language::Python) => python_sdk(argv),
        Some(Language::Node) => {
            let node = interpreters::node()?;
            let dir = std::path::absolute(&file.path).ok().and_then(|p| p.parent().map(PathBuf::from));
            let bin = interpreters::node_bin(&node, &dir.unwrap_or_else(|| PathBuf::from(".")))?;
            let mut args = vec![bin.display().to_string()];
            args.extend_from_slice(argv);
            wait_for(node, args)
        }
        None => Err(Failure::usage(format!(
            "{}: not a server file mcpforge can run (.py, .js, .mjs, .cjs, .ts, .mts, .cts)",
            file.path.display()
        ))),
    }
}

/// Hands the command line to `python -m mcpforge` (`sdk`, and `run` of a `.py` file).
pub(crate) fn python_sdk(argv: &[String]) -> Result<i32, Failure> {
    let python = interpreters::python()?;
    let mut args = vec!["-m".to_owned(), "mcpforge".to_owned()];
    args.extend_from_slice(argv);
    wait_for(python, args)
}

/// Runs `program` with `args` on this process's stdio; its exit status (1 when a signal
/// ended it). Ctrl-C is left to the child: this process goes on waiting for it.
fn wait_for(program: PathBuf, args: Vec<String>) -> Result<i32, Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async move {
        let mut child = tokio::process::Command::new(&program)
            .args(&args)
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| Failure::new(format!("{}: {e}", program.display())))?;
        tokio::spawn(interrupts());
        #[cfg(unix)]
        if let Some(pid) = child.id() {
            tokio::spawn(pass_on_terminate(pid));
        }
        let status = child.wait().await.map_err(|e| Failure::new(format!("{}: {e}", program.display())))?;
        Ok(status.code().unwrap_or(1))
    })
}

/// Never ends: swallows each Ctrl-C, which the child receives too.
async fn interrupts() {
    loop {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Sends each SIGTERM this process gets on to the child `pid`, which stops as it would have
/// (this process then ends with its status instead of leaving it running).
#[cfg(unix)]
async fn pass_on_terminate(pid: u32) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut terminate), Ok(pid)) = (signal(SignalKind::terminate()), libc::pid_t::try_from(pid)) else { return };
    while terminate.recv().await.is_some() {
        // SAFETY: kill(2) takes plain integers; `pid` is the child this process started and
        // still waits for, so it is not reused before the wait returns.
        unsafe { libc::kill(pid, libc::SIGTERM) };
    }
}
