//! What `dev` prints of the engine's logs: each line the server writes on its stderr, as it
//! comes and as written (its prints, its logs, a traceback when it fails to start), and the
//! engine's own log lines at the level `MCPFORGE_LOG` names (default `warn`, the proxy's
//! notes on its upstream left out: `dev` says itself how each start went).

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::{EnvFilter, Targets};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

/// The target under which the client engine logs each line of a child's stderr.
const CHILD_STDERR: &str = "mcpforge::client::stderr";

/// Installs the process's subscriber (nothing when one is already set).
pub(super) fn init() {
    let filter = EnvFilter::try_from_env("MCPFORGE_LOG").unwrap_or_else(|_| EnvFilter::new("warn"));
    let filter = filter
        .add_directive(format!("{CHILD_STDERR}=off").parse().expect("a directive"))
        .add_directive("mcpforge::proxy::supervisor=error".parse().expect("a directive"));
    let engine = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_ansi(false).with_filter(filter);
    let child = ChildStderr.with_filter(Targets::new().with_target(CHILD_STDERR, Level::DEBUG));
    let _ = tracing_subscriber::registry().with(engine).with(child).try_init();
}

/// Prints the child's stderr lines as they are.
struct ChildStderr;

impl<S: Subscriber> Layer<S> for ChildStderr {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut line = Message(String::new());
        event.record(&mut line);
        eprintln!("{}", line.0);
    }
}

/// An event's message.
struct Message(String);

impl Visit for Message {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            value.clone_into(&mut self.0);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}
