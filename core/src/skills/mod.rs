//! Agent skills served through the `io.modelcontextprotocol/skills` extension: a skill (its
//! `SKILL.md` and the files beside it, each with its SHA-256 digest and size), the set a
//! server serves, the entries `skills/list` and `skills/get` answer with, and the
//! directories `resources/directory/read` lists. Loading a directory of skills from disk is
//! `load.rs`; reading a `SKILL.md` frontmatter is `frontmatter.rs`.

mod frontmatter;
mod load;
mod media;

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::handler::{BoxFuture, ResourceHandler, ResourceOutput};
use crate::protocol::{Resource, ResourceContents};

pub use frontmatter::{is_valid_name, parse_frontmatter};
pub use load::{SkillLimits, load_dir};

/// The extension's identifier in `capabilities.extensions`.
pub const SKILLS_EXTENSION: &str = "io.modelcontextprotocol/skills";

/// The URI scheme skills are served under.
pub const SKILL_SCHEME: &str = "skill://";

/// The MIME type of a directory in `resources/directory/read`.
pub const DIRECTORY_MIME_TYPE: &str = "inode/directory";

/// The manifest every skill has at its root.
pub const SKILL_MD: &str = "SKILL.md";

/// One file of a skill: its path inside the skill (`/`-separated), its bytes, MIME type and
/// digest.
#[derive(Debug, Clone)]
pub struct SkillFile {
    path: String,
    uri: String,
    bytes: Arc<[u8]>,
    mime_type: String,
    digest: String,
}

impl SkillFile {
    /// The path inside the skill, e.g. `SKILL.md` or `references/FORMS.md`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The `skill://` URI it is read at.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// Its bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Its MIME type.
    pub fn mime_type(&self) -> &str {
        &self.mime_type
    }

    /// `sha256:` and the 64 lowercase hex digits of its SHA-256.
    pub fn digest(&self) -> &str {
        &self.digest
    }
}

/// A skill: a `SKILL.md` whose YAML frontmatter names and describes it, and the files
/// beside it. Built from its files ([`Skill::new`], [`Skill::file`]) or read from a
/// directory ([`load_dir`]); served at `skill://<name>/SKILL.md`.
#[derive(Debug, Clone)]
pub struct Skill {
    name: String,
    frontmatter: Map<String, Value>,
    files: Vec<SkillFile>,
}

/// The digest of `bytes` as the extension spells it.
fn digest(bytes: &[u8]) -> String {
    let hash = Sha256::digest(bytes);
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for b in hash {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Refuses a path inside a skill that is empty, absolute, has an empty, `.` or `..`
/// segment, or a backslash.
fn check_path(path: &str) -> Result<(), String> {
    if path.is_empty() || path.starts_with('/') || path.contains('\\') {
        return Err(format!("`{path}` is not a relative path with `/` separators"));
    }
    if path.split('/').any(|s| s.is_empty() || s == "." || s == "..") {
        return Err(format!("`{path}` has an empty, `.` or `..` segment"));
    }
    Ok(())
}

impl Skill {
    /// A skill from the text of its `SKILL.md`. Its frontmatter must hold a `name` (1-64
    /// lowercase letters, digits and single hyphens, not at either end) and a non-empty
    /// `description`.
    pub fn new(skill_md: impl Into<String>) -> Result<Skill, Error> {
        let text = skill_md.into();
        let frontmatter = parse_frontmatter(&text).map_err(|reason| invalid("SKILL.md", reason))?;
        let name = frontmatter.get("name").and_then(Value::as_str).unwrap_or_default().to_owned();
        let mut skill = Skill { name, frontmatter, files: Vec::new() };
        skill.push(SKILL_MD, text.into_bytes().into())?;
        Ok(skill)
    }

    /// Adds a file beside `SKILL.md` (`path` relative, `/`-separated, e.g.
    /// `references/FORMS.md`); its MIME type is guessed from its extension and content.
    pub fn file(mut self, path: &str, bytes: impl Into<Vec<u8>>) -> Result<Skill, Error> {
        let bytes: Vec<u8> = bytes.into();
        self.push(path, bytes.into())?;
        Ok(self)
    }

    fn push(&mut self, path: &str, bytes: Arc<[u8]>) -> Result<(), Error> {
        check_path(path).map_err(|reason| invalid(&self.name, reason))?;
        if self.files.iter().any(|f| f.path == path) {
            return Err(invalid(&self.name, format!("`{path}` is given twice")));
        }
        if self
            .files
            .iter()
            .any(|f| f.path.starts_with(&format!("{path}/")) || path.starts_with(&format!("{}/", f.path)))
        {
            return Err(invalid(&self.name, format!("`{path}` is both a file and a directory")));
        }
        self.files.push(SkillFile {
            uri: format!("{SKILL_SCHEME}{}/{path}", self.name),
            mime_type: media::mime_type(path, &bytes).to_owned(),
            digest: digest(&bytes),
            path: path.to_owned(),
            bytes,
        });
        Ok(())
    }

    /// The skill's name (its frontmatter `name`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The frontmatter of its `SKILL.md`, as a JSON object.
    pub fn frontmatter(&self) -> &Map<String, Value> {
        &self.frontmatter
    }

    /// Its files, `SKILL.md` first.
    pub fn files(&self) -> &[SkillFile] {
        &self.files
    }

    /// The URI of its `SKILL.md`, what names the skill in `skills/get`.
    pub fn uri(&self) -> String {
        format!("{SKILL_SCHEME}{}/{SKILL_MD}", self.name)
    }

    /// The URI of its root directory (`skill://<name>`).
    pub fn root_uri(&self) -> String {
        format!("{SKILL_SCHEME}{}", self.name)
    }

    /// Its entry in `skills/list` and `skills/get`: `uri`, `frontmatter` and every file's
    /// `{uri, digest, size}`.
    pub fn entry(&self) -> Value {
        let resources: Vec<Value> =
            self.files.iter().map(|f| json!({ "uri": f.uri, "digest": f.digest, "size": f.bytes.len() })).collect();
        json!({ "uri": self.uri(), "frontmatter": self.frontmatter, "resources": resources })
    }

    /// The resource each file is served as: `SKILL.md` named and described by the
    /// frontmatter, the others by their path.
    pub fn resources(&self) -> Vec<(Resource, Arc<dyn ResourceHandler>)> {
        self.files
            .iter()
            .map(|f| {
                let mut def = Resource::new(&f.uri, &f.path).mime_type(&f.mime_type);
                if f.path == SKILL_MD {
                    def.name = self.name.clone();
                    if let Some(d) = self.frontmatter.get("description").and_then(Value::as_str) {
                        def = def.description(d);
                    }
                }
                let reader: Arc<dyn ResourceHandler> = Arc::new(FileReader(f.clone()));
                (def, reader)
            })
            .collect()
    }

    /// The direct children of the directory `dir` of this skill (`""`: its root), each as
    /// a `resources/directory/read` item; `None` when `dir` is not a directory of it.
    pub fn children(&self, dir: &str) -> Option<Vec<Value>> {
        let prefix = if dir.is_empty() { String::new() } else { format!("{dir}/") };
        let mut out: BTreeMap<&str, Value> = BTreeMap::new();
        for f in &self.files {
            let Some(rest) = f.path.strip_prefix(&prefix) else { continue };
            match rest.split_once('/') {
                None => {
                    out.insert(rest, json!({ "uri": f.uri, "name": rest, "mimeType": f.mime_type }));
                }
                Some((sub, _)) => {
                    let uri = format!("{}/{prefix}{sub}", self.root_uri());
                    out.entry(sub)
                        .or_insert_with(|| json!({ "uri": uri, "name": sub, "mimeType": DIRECTORY_MIME_TYPE }));
                }
            }
        }
        if out.is_empty() { None } else { Some(out.into_values().collect()) }
    }
}

fn invalid(name: &str, reason: impl Into<String>) -> Error {
    Error::InvalidDefinition { what: "skill", name: name.to_owned(), reason: reason.into() }
}

/// Reads one skill file: its text when it is UTF-8, else its bytes.
struct FileReader(SkillFile);

impl ResourceHandler for FileReader {
    fn read(
        &self,
        _ctx: crate::context::RequestContext,
        uri: String,
        _vars: BTreeMap<String, String>,
    ) -> BoxFuture<'static, Result<ResourceOutput, crate::error::HandlerError>> {
        let f = &self.0;
        let mime = Some(f.mime_type.as_str());
        let contents = match std::str::from_utf8(&f.bytes) {
            Ok(text) => ResourceContents::text(uri, mime, text),
            Err(_) => {
                use base64::Engine as _;
                ResourceContents::blob(uri, mime, base64::engine::general_purpose::STANDARD.encode(&f.bytes))
            }
        };
        Box::pin(std::future::ready(Ok(ResourceOutput::Contents(vec![contents]))))
    }
}

/// The skills a server serves, by name.
#[derive(Debug, Clone, Default)]
pub struct Skills {
    by_name: BTreeMap<String, Arc<Skill>>,
}

impl Skills {
    /// Adds a skill; `Err` with its name when one of that name is served already.
    pub fn insert(&mut self, skill: Skill) -> Result<(), String> {
        if self.by_name.contains_key(skill.name()) {
            return Err(skill.name().to_owned());
        }
        self.by_name.insert(skill.name().to_owned(), Arc::new(skill));
        Ok(())
    }

    /// Removes a skill by name; the removed skill, if there was one.
    pub fn remove(&mut self, name: &str) -> Option<Arc<Skill>> {
        self.by_name.remove(name)
    }

    /// Whether no skill is served.
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    /// How many skills are served.
    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    /// The skills, by name.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<Skill>> {
        self.by_name.values()
    }

    /// The skill whose `SKILL.md` is at `uri`.
    pub fn by_uri(&self, uri: &str) -> Option<&Arc<Skill>> {
        let name = uri.strip_prefix(SKILL_SCHEME)?.strip_suffix(&format!("/{SKILL_MD}"))?;
        self.by_name.get(name)
    }

    /// The children of the directory at `uri` (`skill://<name>` or a directory under it),
    /// or `None` when `uri` is no directory of a served skill.
    pub fn directory(&self, uri: &str) -> Option<Vec<Value>> {
        let rest = uri.strip_prefix(SKILL_SCHEME)?;
        let (name, dir) = rest.split_once('/').unwrap_or((rest, ""));
        if dir.ends_with('/') {
            return None;
        }
        self.by_name.get(name)?.children(dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &str = "---\nname: pdf-tools\ndescription: Fill PDF forms\nmetadata:\n  author: someone\n---\n# PDF\n";

    #[test]
    fn an_entry_lists_every_file_with_its_digest_and_size() {
        let skill = Skill::new(PDF).unwrap().file("references/FORMS.md", "forms").unwrap();
        let entry = skill.entry();
        assert_eq!(entry["uri"], "skill://pdf-tools/SKILL.md");
        assert_eq!(entry["frontmatter"]["metadata"]["author"], "someone");
        let resources = entry["resources"].as_array().unwrap();
        assert_eq!(resources.len(), 2);
        assert_eq!(resources[1]["uri"], "skill://pdf-tools/references/FORMS.md");
        assert_eq!(resources[1]["size"], 5);
        // sha256("forms")
        assert_eq!(resources[1]["digest"], digest(b"forms"));
        assert!(resources[0]["digest"].as_str().unwrap().len() == 71);
    }

    #[test]
    fn directories_list_their_direct_children() {
        let skill = Skill::new(PDF).unwrap().file("references/a/deep.md", "x").unwrap().file("run.sh", "y").unwrap();
        let mut set = Skills::default();
        set.insert(skill).unwrap();
        let root = set.directory("skill://pdf-tools").unwrap();
        let names: Vec<&str> = root.iter().map(|c| c["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["SKILL.md", "references", "run.sh"]);
        assert_eq!(root[1]["mimeType"], DIRECTORY_MIME_TYPE);
        assert_eq!(set.directory("skill://pdf-tools/references").unwrap()[0]["uri"], "skill://pdf-tools/references/a");
        assert!(set.directory("skill://pdf-tools/SKILL.md").is_none());
        assert!(set.directory("skill://other").is_none());
    }

    #[test]
    fn bad_paths_are_refused() {
        for bad in ["../x", "a//b", "/abs", "a/./b", "a\\b", ""] {
            assert!(Skill::new(PDF).unwrap().file(bad, "x").is_err(), "{bad}");
        }
        assert!(Skill::new(PDF).unwrap().file("SKILL.md", "again").is_err());
    }
}
