//! `package`: connects to a server as `inspect` does, reads what it says of itself (name,
//! version, title, description, website, icons, tools), joins what only the author knows
//! (the registry name, the package that installs it, the environment it needs) and writes
//! `server.json` for the MCP Registry (registry.rs) and an `.mcpb` bundle (bundle.rs).

use crate::args::PackageArgs;
use crate::bundle;
use crate::connect;
use crate::facts::{EnvVar, Facts, Identity, Launch};
use crate::failure::Failure;
use crate::output;
use crate::registry;
use crate::target::{self, Server, ServerFile};

/// Runs `package`.
pub(crate) fn run(args: PackageArgs) -> Result<i32, Failure> {
    let server = target::resolve(args.target.as_deref(), &args.reach.command)?;
    let wait = connect::bound(args.reach.timeout);
    let mut identity = None;
    let status = connect::block_on(async {
        let connection = connect::connect(&server, wait).await?;
        let read = read_identity(&connection).await;
        connection.client.close().await;
        identity = Some(read?);
        Ok(0)
    })?;
    let Some(identity) = identity else { return Ok(status) };
    let facts = facts(&args, &server, identity)?;
    std::fs::create_dir_all(&args.out).map_err(|e| Failure::new(format!("{}: {e}", args.out.display())))?;
    let bundle = match &facts.launch {
        Launch::Remote(_) => {
            eprintln!("mcpforge: a remote server has no .mcpb bundle; server.json lists its URL");
            None
        }
        _ => Some(bundle::write(&facts, &args.out)?),
    };
    let document = registry::server_json(&facts, bundle.as_ref())?;
    let path = args.out.join("server.json");
    output::file(&path, format!("{}\n", serde_json::to_string_pretty(&document).unwrap_or_default()).as_bytes())?;
    let tools = facts.identity.tools.len();
    output::line(&format!(
        "wrote {} ({} {}, {tools} tools)",
        path.display(),
        facts.registry_name,
        facts.identity.version
    ));
    if let Some(bundle) = bundle {
        output::line(&format!("wrote {} (sha256 {})", bundle.path.display(), bundle.sha256));
    }
    if document.get("packages").is_none() && document.get("remotes").is_none() {
        eprintln!(
            "mcpforge: server.json names no package or remote: give --pypi, --npm or --bundle-url before publishing"
        );
    }
    Ok(0)
}

/// Reads `serverInfo` and every page of `tools/list`.
async fn read_identity(connection: &connect::Connection) -> Result<Identity, Failure> {
    let client = &connection.client;
    let session = client.session();
    let info = &session.server_info;
    let text = |key: &str| info[key].as_str().filter(|s| !s.trim().is_empty()).map(str::to_owned);
    let offers_tools = session.capabilities.get("tools").is_some_and(|v| !v.is_null());
    let tools =
        if offers_tools { client.list_tools().await.map_err(|e| connection.failed("tools/list", &e))? } else { vec![] };
    Ok(Identity {
        name: text("name").unwrap_or_default(),
        version: text("version").unwrap_or_default(),
        title: text("title"),
        description: text("description"),
        website_url: text("websiteUrl"),
        icons: info["icons"].as_array().cloned().unwrap_or_default(),
        tools: tools
            .iter()
            .filter_map(|t| Some((t["name"].as_str()?.to_owned(), t["description"].as_str().map(str::to_owned))))
            .collect(),
    })
}

/// Joins the server's identity and the command line's facts, refusing what the registry
/// would refuse (a name without a namespace, a missing or long description).
fn facts(args: &PackageArgs, server: &Server, identity: Identity) -> Result<Facts, Failure> {
    if identity.version.is_empty() {
        return Err(Failure::new("the server gives no version (serverInfo.version)"));
    }
    let registry_name = match &args.registry_name {
        Some(name) if registry::is_registry_name(name) => name.clone(),
        Some(name) => {
            return Err(Failure::usage(format!("--registry-name {name:?}: not NAMESPACE/NAME (io.github.OWNER/NAME)")));
        }
        None if registry::is_registry_name(&identity.name) => identity.name.clone(),
        None => {
            return Err(Failure::usage(format!(
                "the server's name {:?} is not a registry name: give --registry-name io.github.OWNER/NAME",
                identity.name
            )));
        }
    };
    let description = args.description.clone().or_else(|| identity.description.clone()).unwrap_or_default();
    let length = description.chars().count();
    if length == 0 || length > registry::MAX_DESCRIPTION {
        let said = if length == 0 {
            " gives no description".to_owned()
        } else {
            format!("'s description has {length} characters")
        };
        return Err(Failure::usage(format!(
            "the server{said}; the registry takes 1 to {}: give --description",
            registry::MAX_DESCRIPTION
        )));
    }
    let version = args.package_version.clone().unwrap_or_else(|| identity.version.clone());
    let launch = match (&args.pypi, &args.npm, server) {
        (Some(package), _, _) => Launch::Pypi { package: package.clone(), version },
        (None, Some(package), _) => Launch::Npm { package: package.clone(), version },
        (None, None, Server::Url(url)) => Launch::Remote(url.clone()),
        (None, None, Server::Command { program, args: rest }) => match args.target.as_deref().map(ServerFile::parse) {
            Some(ServerFile { path, language: Some(language), .. }) => Launch::File { path, language },
            _ => Launch::Program { program: program.clone(), args: rest.clone() },
        },
    };
    let env = args.env.iter().map(|spec| env_var(spec)).collect::<Result<Vec<_>, _>>()?;
    let owner = registry_name.split('/').next().unwrap_or_default().rsplit('.').next().unwrap_or_default().to_owned();
    let author = args.author.clone().unwrap_or(owner);
    let (repository, bundle_url) = (args.repository.clone(), args.bundle_url.clone());
    Ok(Facts { identity, registry_name, description, launch, env, author, repository, bundle_url })
}

/// `NAME[=DESCRIPTION]`.
fn env_var(spec: &str) -> Result<EnvVar, Failure> {
    let (name, description) = spec.split_once('=').unwrap_or((spec, ""));
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(Failure::usage(format!("--env {spec:?}: NAME[=DESCRIPTION], NAME of letters, digits and _")));
    }
    let upper = name.to_ascii_uppercase();
    let secret = ["_KEY", "_TOKEN", "_SECRET", "_PASSWORD"].iter().any(|end| upper.ends_with(end));
    let description =
        if description.is_empty() { format!("The {name} environment variable") } else { description.to_owned() };
    Ok(EnvVar { name: name.to_owned(), description, secret })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_told_by_their_names() {
        let key = env_var("API_KEY=The service's key").unwrap();
        assert_eq!((key.name.as_str(), key.description.as_str(), key.secret), ("API_KEY", "The service's key", true));
        let zone = env_var("TZ").unwrap();
        assert!(!zone.secret);
        assert_eq!(zone.description, "The TZ environment variable");
        assert!(env_var("BAD NAME=x").is_err());
    }
}
