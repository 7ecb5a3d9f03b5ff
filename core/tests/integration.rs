//! The engine's integration tests, one module per file of this folder, built as one test
//! binary: one compile and one link instead of one per file. Files whose tests read or set
//! process-wide state (a global tracing subscriber, the process's resident memory) or need a
//! feature build as binaries of their own (`[[test]]` entries in core/Cargo.toml);
//! `every_test_file_is_built` below fails when a file is in neither place.

// Helpers the test modules share (servers and clients for the tests), each built once.
mod client_server;
mod example_servers;
mod http_client;
mod proxy_harness;
mod raw_server;
#[cfg(feature = "redis")]
mod redis_server;
mod wire;

#[path = "test_apps_skills.rs"]
mod test_apps_skills;
#[path = "test_cancellation.rs"]
mod test_cancellation;
#[path = "test_catalogue.rs"]
mod test_catalogue;
#[path = "test_client.rs"]
mod test_client;
#[path = "test_client_conformance.rs"]
mod test_client_conformance;
#[path = "test_client_embedding.rs"]
mod test_client_embedding;
#[path = "test_client_engine.rs"]
mod test_client_engine;
#[path = "test_client_hostile.rs"]
mod test_client_hostile;
#[path = "test_client_http.rs"]
mod test_client_http;
#[path = "test_client_input.rs"]
mod test_client_input;
#[path = "test_client_legacy.rs"]
mod test_client_legacy;
#[path = "test_client_listen.rs"]
mod test_client_listen;
#[path = "test_client_oauth.rs"]
mod test_client_oauth;
#[path = "test_client_stdio.rs"]
mod test_client_stdio;
#[path = "test_client_websocket.rs"]
mod test_client_websocket;
#[path = "test_concurrency.rs"]
mod test_concurrency;
#[path = "test_enable_disable.rs"]
mod test_enable_disable;
#[path = "test_error_hook.rs"]
mod test_error_hook;
#[path = "test_handed_back_input.rs"]
mod test_handed_back_input;
#[path = "test_held_thread.rs"]
mod test_held_thread;
#[path = "test_http_answers_kept.rs"]
mod test_http_answers_kept;
#[path = "test_http_card.rs"]
mod test_http_card;
#[path = "test_http_connections.rs"]
mod test_http_connections;
#[path = "test_http_driven.rs"]
mod test_http_driven;
#[path = "test_http_host_sessions.rs"]
mod test_http_host_sessions;
#[path = "test_http_legacy.rs"]
mod test_http_legacy;
#[path = "test_http_legacy_disconnect.rs"]
mod test_http_legacy_disconnect;
#[path = "test_http_metrics.rs"]
mod test_http_metrics;
#[path = "test_http_modern.rs"]
mod test_http_modern;
#[path = "test_http_mount.rs"]
mod test_http_mount;
#[path = "test_http_sdk_wire.rs"]
mod test_http_sdk_wire;
#[path = "test_http_security.rs"]
mod test_http_security;
#[path = "test_http_sse2024.rs"]
mod test_http_sse2024;
#[cfg(feature = "tls")]
#[path = "test_http_tls.rs"]
mod test_http_tls;
#[path = "test_http_tool_scopes.rs"]
mod test_http_tool_scopes;
#[path = "test_initialize_hook.rs"]
mod test_initialize_hook;
#[path = "test_json_text_arguments.rs"]
mod test_json_text_arguments;
#[path = "test_link.rs"]
mod test_link;
#[path = "test_list_changed.rs"]
mod test_list_changed;
#[path = "test_memory_client.rs"]
mod test_memory_client;
#[path = "test_metrics.rs"]
mod test_metrics;
#[path = "test_middleware.rs"]
mod test_middleware;
#[path = "test_middleware_context.rs"]
mod test_middleware_context;
#[path = "test_pagination.rs"]
mod test_pagination;
#[path = "test_progress_logging.rs"]
mod test_progress_logging;
#[path = "test_prompts.rs"]
mod test_prompts;
#[path = "test_proxy.rs"]
mod test_proxy;
#[path = "test_proxy_children.rs"]
mod test_proxy_children;
#[path = "test_proxy_lifecycle.rs"]
mod test_proxy_lifecycle;
#[path = "test_proxy_mount.rs"]
mod test_proxy_mount;
#[path = "test_proxy_restart.rs"]
mod test_proxy_restart;
#[path = "test_rate_limits.rs"]
mod test_rate_limits;
#[path = "test_resource_listers.rs"]
mod test_resource_listers;
#[path = "test_resources.rs"]
mod test_resources;
#[path = "test_server_options.rs"]
mod test_server_options;
#[path = "test_shared_store.rs"]
mod test_shared_store;
#[path = "test_shutdown.rs"]
mod test_shutdown;
#[path = "test_stdio_framing.rs"]
mod test_stdio_framing;
#[path = "test_stdio_process.rs"]
mod test_stdio_process;
#[path = "test_tasks.rs"]
mod test_tasks;
#[path = "test_tool_value_content.rs"]
mod test_tool_value_content;
#[path = "test_tools.rs"]
mod test_tools;
#[path = "test_transport_matrix.rs"]
mod test_transport_matrix;
#[path = "test_typescript_sdk_errors.rs"]
mod test_typescript_sdk_errors;
#[path = "test_versions.rs"]
mod test_versions;
#[path = "test_websocket.rs"]
mod test_websocket;

/// Every `.rs` file of this folder is a module above or a `[[test]]` of its own, so that no
/// test file is left unbuilt (the package sets `autotests = false`).
#[test]
fn every_test_file_is_built() {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let this = std::fs::read_to_string(folder.join("integration.rs")).expect("this file");
    let manifest = std::fs::read_to_string(folder.join("../Cargo.toml")).expect("the manifest");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&folder).expect("the tests folder") {
        let name = entry.expect("an entry").file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".rs") else { continue };
        let here = this.contains(&format!("#[path = \"{name}\"]"));
        let own = manifest.contains(&format!("path = \"tests/{name}\""));
        if stem != "integration" && !here && !own {
            missing.push(name);
        }
    }
    assert!(missing.is_empty(), "test files built nowhere (add them to tests/integration.rs): {missing:?}");
}
