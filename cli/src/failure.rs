//! Why a subcommand could not do what it was asked: a message for stderr and the exit status
//! (1 a failure, 2 a wrong command line).

/// A subcommand's failure.
#[derive(Debug)]
pub(crate) struct Failure {
    message: String,
    status: i32,
}

impl Failure {
    /// Something failed: exit status 1.
    pub(crate) fn new(message: impl Into<String>) -> Failure {
        Failure { message: message.into(), status: 1 }
    }

    /// The command line asks for something impossible: exit status 2.
    pub(crate) fn usage(message: impl Into<String>) -> Failure {
        Failure { message: message.into(), status: 2 }
    }

    /// Says the message on stderr; returns the exit status.
    pub(crate) fn report(self) -> i32 {
        eprintln!("mcpforge: {}", self.message);
        self.status
    }
}
