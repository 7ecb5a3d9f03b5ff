//! Loading a directory of skills from disk at start: each subdirectory holding a `SKILL.md`
//! is one skill, named as its directory. Bounded in every direction: skills, files per
//! skill, bytes per file and per skill, directory depth. Symbolic links are never followed
//! (a link could point out of the directory), and names starting with `.` are skipped.

use std::fs;
use std::path::Path;

use super::{SKILL_MD, Skill};
use crate::error::Error;

/// How much [`load_dir`] reads before it refuses a directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SkillLimits {
    /// Skills in one directory (default 1,000).
    pub max_skills: usize,
    /// Files in one skill, `SKILL.md` included (default 512, the extension's limit).
    pub max_files: usize,
    /// Bytes of one file (default 4 MiB).
    pub max_file_bytes: u64,
    /// Bytes of one skill's files together (default 16 MiB, the extension's limit).
    pub max_skill_bytes: u64,
    /// Directory levels inside a skill (default 8).
    pub max_depth: usize,
}

impl Default for SkillLimits {
    fn default() -> Self {
        SkillLimits {
            max_skills: 1000,
            max_files: 512,
            max_file_bytes: 4 << 20,
            max_skill_bytes: 16 << 20,
            max_depth: 8,
        }
    }
}

fn config(dir: &Path, what: impl std::fmt::Display) -> Error {
    Error::Config(format!("skills directory {}: {what}", dir.display()))
}

/// Whether a directory entry is one to read: not hidden, not a symbolic link.
fn readable(entry: &fs::DirEntry) -> std::io::Result<Option<fs::FileType>> {
    if entry.file_name().to_string_lossy().starts_with('.') {
        return Ok(None);
    }
    let kind = entry.file_type()?;
    if kind.is_symlink() {
        tracing::warn!(path = %entry.path().display(), "a symbolic link in a skills directory is not followed");
        return Ok(None);
    }
    Ok(Some(kind))
}

/// The entries of `dir`, sorted by name (a stable order of files and skills).
fn sorted(dir: &Path) -> Result<Vec<fs::DirEntry>, Error> {
    let mut entries = fs::read_dir(dir).and_then(|it| it.collect::<Result<Vec<_>, _>>()).map_err(|e| config(dir, e))?;
    entries.sort_by_key(fs::DirEntry::file_name);
    Ok(entries)
}

/// Reads every skill under `root` (see the module docs); errors name the file or limit.
pub fn load_dir(root: &Path, limits: SkillLimits) -> Result<Vec<Skill>, Error> {
    let mut skills = Vec::new();
    for entry in sorted(root)? {
        let Some(kind) = readable(&entry).map_err(|e| config(root, e))? else { continue };
        let path = entry.path();
        if !kind.is_dir() || !path.join(SKILL_MD).is_file() {
            continue;
        }
        if skills.len() == limits.max_skills {
            return Err(config(root, format!("more than {} skills", limits.max_skills)));
        }
        let skill = load_skill(&path, limits)?;
        let dir_name = entry.file_name();
        if dir_name.to_str() != Some(skill.name()) {
            return Err(config(
                &path,
                format!("the directory must be named as its skill, `{}` (the frontmatter's name)", skill.name()),
            ));
        }
        skills.push(skill);
    }
    Ok(skills)
}

/// One skill's directory: its `SKILL.md`, then every other file under it.
fn load_skill(dir: &Path, limits: SkillLimits) -> Result<Skill, Error> {
    let mut files = Vec::new();
    let mut total = 0u64;
    collect(dir, "", 0, limits, &mut files, &mut total)?;
    let Some(at) = files.iter().position(|(p, _)| p == SKILL_MD) else {
        return Err(config(dir, "no SKILL.md"));
    };
    let (_, manifest) = files.remove(at);
    let text = String::from_utf8(manifest).map_err(|_| config(dir, "SKILL.md is not UTF-8"))?;
    let mut skill = Skill::new(text).map_err(|e| config(dir, e))?;
    for (path, bytes) in files {
        skill = skill.file(&path, bytes).map_err(|e| config(dir, e))?;
    }
    Ok(skill)
}

/// Reads the files under `dir` (at `prefix` inside the skill) into `files`.
fn collect(
    dir: &Path,
    prefix: &str,
    depth: usize,
    limits: SkillLimits,
    files: &mut Vec<(String, Vec<u8>)>,
    total: &mut u64,
) -> Result<(), Error> {
    if depth > limits.max_depth {
        return Err(config(dir, format!("deeper than {} levels", limits.max_depth)));
    }
    for entry in sorted(dir)? {
        let Some(kind) = readable(&entry).map_err(|e| config(dir, e))? else { continue };
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            return Err(config(dir, format!("a file name is not UTF-8: {}", entry.path().display())));
        };
        let inner = if prefix.is_empty() { name.to_owned() } else { format!("{prefix}/{name}") };
        if kind.is_dir() {
            collect(&entry.path(), &inner, depth + 1, limits, files, total)?;
            continue;
        }
        if !kind.is_file() {
            continue;
        }
        if files.len() == limits.max_files {
            return Err(config(dir, format!("a skill has more than {} files", limits.max_files)));
        }
        let size = entry.metadata().map_err(|e| config(dir, e))?.len();
        if size > limits.max_file_bytes {
            return Err(config(dir, format!("{inner} is larger than {} bytes", limits.max_file_bytes)));
        }
        *total += size;
        if *total > limits.max_skill_bytes {
            return Err(config(dir, format!("a skill's files are larger than {} bytes", limits.max_skill_bytes)));
        }
        let bytes = read_bounded(&entry.path(), limits.max_file_bytes).map_err(|e| config(dir, e))?;
        files.push((inner, bytes));
    }
    Ok(())
}

/// Reads a file, refusing one that grew past `max` since its size was read.
fn read_bounded(path: &Path, max: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    fs::File::open(path)?.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(std::io::Error::other(format!("{} grew past {max} bytes", path.display())));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> std::path::PathBuf {
        let n = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let root = std::env::temp_dir().join(format!("mcpforge-skills-{}-{n}", std::process::id()));
        for (path, text) in files {
            let p = root.join(path);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
        root
    }

    const MD: &str = "---\nname: pdf\ndescription: PDFs\n---\n";

    #[test]
    fn a_directory_of_skills_loads_with_its_files() {
        let root =
            tree(&[("pdf/SKILL.md", MD), ("pdf/references/FORMS.md", "f"), ("pdf/.hidden", "h"), ("notes/x.md", "x")]);
        let skills = load_dir(&root, SkillLimits::default()).unwrap();
        assert_eq!(skills.len(), 1);
        let paths: Vec<&str> = skills[0].files().iter().map(|f| f.path()).collect();
        assert_eq!(paths, ["SKILL.md", "references/FORMS.md"]);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/passwd", root.join("pdf/passwd")).unwrap();
            let again = load_dir(&root, SkillLimits::default()).unwrap();
            assert_eq!(again[0].files().len(), 2, "the link is not followed");
        }
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn limits_and_names_are_enforced() {
        let big = "x".repeat(100);
        let root = tree(&[("pdf/SKILL.md", MD), ("pdf/a.txt", &big), ("pdf/b.txt", "1")]);
        let small = SkillLimits { max_file_bytes: 50, ..SkillLimits::default() };
        assert!(load_dir(&root, small).unwrap_err().to_string().contains("a.txt"));
        let few = SkillLimits { max_files: 2, ..SkillLimits::default() };
        assert!(load_dir(&root, few).unwrap_err().to_string().contains("more than 2 files"));
        fs::remove_dir_all(root).unwrap();
        let misnamed = tree(&[("other/SKILL.md", MD)]);
        assert!(load_dir(&misnamed, SkillLimits::default()).unwrap_err().to_string().contains("named as its skill"));
        fs::remove_dir_all(misnamed).unwrap();
    }
}
