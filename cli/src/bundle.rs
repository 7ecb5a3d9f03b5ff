//! The `.mcpb` bundle (MCP Bundle, manifest version 0.3): a zip archive holding
//! `manifest.json` (the server's identity, how a host starts it, its tools, the settings it
//! asks the user for) and what it carries: the server file or program, and its icon.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::facts::{Facts, Launch};
use crate::failure::Failure;
use crate::output;
use crate::target::Language;

/// The manifest version written (the newest the MCPB tools call stable).
pub(crate) const MANIFEST_VERSION: &str = "0.3";
/// The largest file a bundle carries (a server file, a program, an icon).
const MAX_CARRIED: u64 = 256 * 1024 * 1024;

/// A bundle written.
#[derive(Debug, Clone)]
pub(crate) struct Bundle {
    /// Where.
    pub(crate) path: PathBuf,
    /// Its SHA-256, in hex.
    pub(crate) sha256: String,
}

/// A file inside the bundle.
struct Carried {
    name: String,
    bytes: Vec<u8>,
    executable: bool,
}

/// Writes `DIR/NAME-VERSION.mcpb`.
pub(crate) fn write(facts: &Facts, dir: &Path) -> Result<Bundle, Failure> {
    let (manifest, carried) = manifest(facts)?;
    let name = manifest["name"].as_str().unwrap_or("server").to_owned();
    let path = dir.join(format!("{name}-{}.mcpb", facts.identity.version));
    let manifest_text = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    let mut files =
        vec![Carried { name: "manifest.json".into(), bytes: manifest_text.into_bytes(), executable: false }];
    files.extend(carried);
    let bytes = zip(&files).map_err(|e| Failure::new(format!("{}: {e}", path.display())))?;
    output::file(&path, &bytes)?;
    let sha256 = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    Ok(Bundle { path, sha256 })
}

/// The manifest and the files it names.
fn manifest(facts: &Facts) -> Result<(Value, Vec<Carried>), Failure> {
    let identity = &facts.identity;
    let name = facts.registry_name.rsplit('/').next().unwrap_or("server").to_owned();
    let mut carried = Vec::new();
    let strings = |list: &[&str]| list.iter().map(|s| json!(s)).collect::<Vec<_>>();
    let (kind, entry_point, command, args) = match &facts.launch {
        Launch::Pypi { package, version } => {
            ("python", package.clone(), "uvx".to_owned(), strings(&[&format!("{package}=={version}")]))
        }
        Launch::Npm { package, version } => {
            ("node", package.clone(), "npx".to_owned(), strings(&["-y", &format!("{package}@{version}")]))
        }
        Launch::File { path, language } => {
            let inside = format!("server/{}", file_name(path));
            carried.push(Carried { name: inside.clone(), bytes: read(path)?, executable: false });
            let at = format!("${{__dirname}}/{inside}");
            match language {
                Language::Python => ("python", inside, "python3".to_owned(), strings(&["-m", "mcpforge", "run", &at])),
                Language::Node => ("node", inside, "node".to_owned(), strings(&[&at])),
            }
        }
        Launch::Program { program, args } => {
            let rest: Vec<Value> = args.iter().map(|a| json!(a)).collect();
            let path = Path::new(program);
            if program.contains(['/', '\\']) && path.is_file() {
                let inside = format!("server/{}", file_name(path));
                carried.push(Carried { name: inside.clone(), bytes: read(path)?, executable: true });
                ("binary", inside.clone(), format!("${{__dirname}}/{inside}"), rest)
            } else {
                ("binary", program.clone(), program.clone(), rest)
            }
        }
        Launch::Remote(_) => return Err(Failure::new("a remote server has no bundle")),
    };
    let mut config = json!({ "command": command, "args": args });
    let mut user_config = Map::new();
    if !facts.env.is_empty() {
        let mut env = Map::new();
        for var in &facts.env {
            let key = var.name.to_ascii_lowercase();
            env.insert(var.name.clone(), json!(format!("${{user_config.{key}}}")));
            let option = json!({ "type": "string", "title": var.name, "description": var.description,
                "required": true, "sensitive": var.secret });
            user_config.insert(key, option);
        }
        config["env"] = Value::Object(env);
    }
    let mut m = Map::new();
    m.insert("manifest_version".into(), json!(MANIFEST_VERSION));
    m.insert("name".into(), json!(name));
    if let Some(title) = &identity.title {
        m.insert("display_name".into(), json!(title));
    }
    m.insert("version".into(), json!(identity.version));
    m.insert("description".into(), json!(facts.description));
    m.insert("author".into(), json!({ "name": facts.author }));
    if let Some(url) = &facts.repository {
        m.insert("repository".into(), json!({ "type": "git", "url": url }));
    }
    if let Some(url) = identity.website_url.as_ref().filter(|u| u.starts_with("https://") || u.starts_with("http://")) {
        m.insert("homepage".into(), json!(url));
    }
    if let Some(png) = identity.icons.iter().find_map(png_icon) {
        carried.push(Carried { name: "icon.png".into(), bytes: png, executable: false });
        m.insert("icon".into(), json!("icon.png"));
    }
    m.insert("server".into(), json!({ "type": kind, "entry_point": entry_point, "mcp_config": config }));
    let tools = identity.tools.iter().map(|(name, description)| match description {
        Some(d) => json!({ "name": name, "description": d }),
        None => json!({ "name": name }),
    });
    m.insert("tools".into(), Value::Array(tools.collect()));
    if !user_config.is_empty() {
        m.insert("user_config".into(), Value::Object(user_config));
    }
    Ok((Value::Object(m), carried))
}

/// A PNG icon given inline (`data:image/png;base64,...`), decoded.
fn png_icon(icon: &Value) -> Option<Vec<u8>> {
    let data = icon["src"].as_str()?.strip_prefix("data:image/png;base64,")?;
    let bytes = base64::engine::general_purpose::STANDARD.decode(data.trim()).ok()?;
    bytes.starts_with(b"\x89PNG\r\n\x1a\n").then_some(bytes)
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| "server".to_owned(), |n| n.to_string_lossy().into_owned())
}

/// A file the bundle carries, at most [`MAX_CARRIED`] bytes.
fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    let failed = |e: std::io::Error| Failure::new(format!("{}: {e}", path.display()));
    let size = std::fs::metadata(path).map_err(failed)?.len();
    if size > MAX_CARRIED {
        return Err(Failure::new(format!("{}: {size} bytes, over the bundle's {MAX_CARRIED}", path.display())));
    }
    std::fs::read(path).map_err(failed)
}

/// The zip archive of `files`, deflated, executables marked so on Unix.
fn zip(files: &[Carried]) -> zip::result::ZipResult<Vec<u8>> {
    let mut archive = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for file in files {
        let mode = if file.executable { 0o755 } else { 0o644 };
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(mode);
        archive.start_file(file.name.as_str(), options)?;
        archive.write_all(&file.bytes)?;
    }
    Ok(archive.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{EnvVar, Identity};

    fn facts(launch: Launch) -> Facts {
        let identity = Identity {
            name: "demo".into(),
            version: "1.2.3".into(),
            tools: vec![("add".into(), Some("Adds".into()))],
            ..Identity::default()
        };
        let env = vec![EnvVar { name: "API_KEY".into(), description: "The key".into(), secret: true }];
        let (registry_name, description, author) = ("io.github.me/demo".into(), "A demo".into(), "me".into());
        Facts { identity, registry_name, description, launch, env, author, repository: None, bundle_url: None }
    }

    #[test]
    fn a_package_is_started_by_its_runner_with_the_user_s_settings() {
        let launch = Launch::Npm { package: "demo-server".into(), version: "1.2.3".into() };
        let (m, carried) = manifest(&facts(launch)).unwrap();
        assert!(carried.is_empty());
        assert_eq!(m["server"]["mcp_config"]["command"], "npx");
        assert_eq!(m["server"]["mcp_config"]["args"], json!(["-y", "demo-server@1.2.3"]));
        assert_eq!(m["server"]["mcp_config"]["env"], json!({ "API_KEY": "${user_config.api_key}" }));
        assert_eq!(m["user_config"]["api_key"]["sensitive"], true);
        assert_eq!(m["tools"], json!([{ "name": "add", "description": "Adds" }]));
    }
}
