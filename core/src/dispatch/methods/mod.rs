//! The per-method logic, one file per family of methods.

pub(crate) mod completion;
pub(crate) mod listen;
pub(crate) mod lists;
pub(crate) mod prompts;
pub(crate) mod resource_list;
pub(crate) mod resources;
pub(crate) mod skills;
pub(crate) mod subscriptions;
pub(crate) mod tools;
