//! MCP Apps and skills from C: an app (`ui://` HTML with its sandbox settings, from JSON;
//! a tool links to it with `"ui"` in `mcpf_server_add_tool_json`) and skills (a directory
//! of them, or one given as its `SKILL.md` text and files). The engine checks and serves
//! both; this file only hands them over.

use std::collections::BTreeMap;
use std::ffi::{c_char, c_void};
use std::sync::Arc;

use mcpforge::{AppResource, ResourceHandler, Skill, SkillLimits};

use crate::boundary::{self, Fail, try_opt_str, try_ref, try_str};
use crate::registration::CResource;
use crate::server::{invalid, mcpf_resource_callback, mcpf_server, register};
use crate::status::mcpf_status;
use crate::user_data::mcpf_free_callback;

fn bad_json(what: &str, e: serde_json::Error) -> Fail {
    Fail::new(mcpf_status::InvalidJson, format!("{what} is not valid: {e}"))
}

/// Registers an MCP app from `app_json`: `{"uri": "ui://...", "html"?: ..., "name"?,
/// "title"?, "description"?, "csp"?: {"connectDomains": [...], "resourceDomains": [...],
/// "frameDomains": [...], "baseUriDomains": [...]}, "permissions"?: ["camera", ...],
/// "domain"?, "prefersBorder"?}`, and advertises the `io.modelcontextprotocol/ui`
/// extension. Without `"html"`, `callback` (else NULL) answers each read of the app as a
/// resource reader does (`mcpf_server_add_resource`), with the same `user_data`
/// ownership. The app is served as `text/html;profile=mcp-app` with its `_meta.ui`. A tool
/// shows its results in the app with `"ui": "ui://..."` in its `mcpf_server_add_tool_json`
/// definition. `MCPF_STATUS_INVALID_JSON` for JSON that is not an app,
/// `MCPF_STATUS_INVALID_ARGUMENT` for a URI that is not `ui://`, an unknown permission, or
/// neither HTML nor callback.
///
/// # Safety
/// `server` is NULL or a live server; `app_json` is NULL or readable per the string rules;
/// `callback` and `free_user_data` are NULL or valid functions of those signatures.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_add_app(
    server: *mut mcpf_server,
    app_json: *const c_char,
    app_json_len: usize,
    callback: mcpf_resource_callback,
    user_data: *mut c_void,
    free_user_data: mcpf_free_callback,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let server = unsafe { try_ref(server, "server") }?;
        // SAFETY: forwarded caller guarantee.
        let text = unsafe { try_str(app_json, app_json_len, "app_json") }?;
        let app: AppResource = serde_json::from_str(text).map_err(|e| bad_json("app_json", e))?;
        if callback.is_none() {
            return server.engine.add_app(app, None).map_err(invalid);
        }
        let make = |r| Arc::new(CResource(r)) as Arc<dyn ResourceHandler>;
        register(server.id, callback, user_data, free_user_data, make, |h| server.engine.add_app(app, Some(h)))
    })
}

/// Serves every skill in the directory `path` (UTF-8, `SIZE_MAX`: NUL-terminated): each
/// subdirectory holding a `SKILL.md`, named as its skill, with the files under it
/// (symbolic links and hidden files skipped; at most 512 files and 16 MiB a skill).
/// `MCPF_STATUS_INVALID_ARGUMENT` names what could not be read or is not a valid skill.
///
/// # Safety
/// `server` is NULL or a live server; `path` is NULL or readable per the string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_add_skills_dir(
    server: *mut mcpf_server,
    path: *const c_char,
    path_len: usize,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let server = unsafe { try_ref(server, "server") }?;
        // SAFETY: forwarded caller guarantee.
        let path = unsafe { try_str(path, path_len, "path") }?;
        server.engine.add_skills_dir(path, SkillLimits::default()).map_err(invalid)
    })
}

/// Serves one skill: `skill_md` is the text of its `SKILL.md` (YAML frontmatter with
/// `name` and `description` first), `files_json` NULL or a JSON object mapping each other
/// file's relative path to its text (`{"references/FORMS.md": "..."}`).
///
/// # Safety
/// `server` is NULL or a live server; the strings are NULL or readable per the string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_add_skill(
    server: *mut mcpf_server,
    skill_md: *const c_char,
    skill_md_len: usize,
    files_json: *const c_char,
    files_json_len: usize,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let server = unsafe { try_ref(server, "server") }?;
        // SAFETY: forwarded caller guarantee.
        let text = unsafe { try_str(skill_md, skill_md_len, "skill_md") }?;
        // SAFETY: forwarded caller guarantee.
        let files = unsafe { try_opt_str(files_json, files_json_len, "files_json") }?;
        let files: BTreeMap<String, String> = match files {
            Some(f) => serde_json::from_str(f).map_err(|e| bad_json("files_json", e))?,
            None => BTreeMap::new(),
        };
        let mut skill = Skill::new(text).map_err(invalid)?;
        for (path, body) in files {
            skill = skill.file(&path, body).map_err(invalid)?;
        }
        server.engine.add_skill(skill).map_err(invalid)
    })
}

/// Stops serving the skill called `name` and its files. `MCPF_STATUS_NOT_FOUND` when no
/// such skill is served.
///
/// # Safety
/// `server` is NULL or a live server; `name` is NULL or readable per the string rules.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn mcpf_server_remove_skill(
    server: *mut mcpf_server,
    name: *const c_char,
    name_len: usize,
) -> mcpf_status {
    boundary::run(|| {
        // SAFETY: forwarded caller guarantee.
        let server = unsafe { try_ref(server, "server") }?;
        // SAFETY: forwarded caller guarantee.
        let name = unsafe { try_str(name, name_len, "name") }?;
        if server.engine.remove_skill(name) {
            Ok(())
        } else {
            Err(Fail::new(mcpf_status::NotFound, format!("no skill named {name}")))
        }
    })
}
