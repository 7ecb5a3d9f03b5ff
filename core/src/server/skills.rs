//! Skills on a [`ServerBuilder`] and a running [`Server`]: skills registered in code
//! ([`Skill`]) or read from a directory at start ([`crate::skills::load_dir`]), each served
//! through the skills extension (`skills/list`, `skills/get`, `resources/directory/read`,
//! advertised while one is registered) and its files as `skill://` resources.

use std::path::Path;

use crate::error::Error;
use crate::protocol::ListKind;
use crate::registry::{ResourceEntry, Snapshot};
use crate::skills::{Skill, SkillLimits, load_dir};

use super::{Server, ServerBuilder};

/// Adds `skill` and its files' resources to `snap`; on failure `snap` is left as it was.
fn insert(snap: &mut Snapshot, skill: Skill) -> Result<(), Error> {
    let mut next = snap.clone();
    for (def, reader) in skill.resources() {
        let entry = ResourceEntry::new(def, reader)?;
        next.resources.insert(entry).map_err(|name| Error::Duplicate { what: "resource", name })?;
    }
    next.skills.insert(skill).map_err(|name| Error::Duplicate { what: "skill", name })?;
    *snap = next;
    Ok(())
}

impl ServerBuilder {
    /// Serves a skill registered in code (see [`Skill`]).
    pub fn skill(mut self, skill: Skill) -> Self {
        if let Err(e) = insert(&mut self.snapshot, skill) {
            self.errors.push(e);
        }
        self
    }

    /// Serves every skill in `dir` (each subdirectory holding a `SKILL.md`, named as the
    /// skill), read now with the default [`SkillLimits`]; what cannot be read fails `build`.
    pub fn skills_dir(self, dir: impl AsRef<Path>) -> Self {
        self.skills_dir_with(dir, SkillLimits::default())
    }

    /// [`ServerBuilder::skills_dir`] with other limits.
    pub fn skills_dir_with(mut self, dir: impl AsRef<Path>, limits: SkillLimits) -> Self {
        match load_dir(dir.as_ref(), limits) {
            Ok(skills) => skills.into_iter().fold(self, ServerBuilder::skill),
            Err(e) => {
                self.errors.push(e);
                self
            }
        }
    }
}

impl Server {
    /// Serves a skill while serving; clients are told the resource list changed.
    pub fn add_skill(&self, skill: Skill) -> Result<(), Error> {
        self.shared.registry.update(|s| insert(s, skill))?;
        self.shared.hub.list_changed(ListKind::Resources);
        Ok(())
    }

    /// Serves every skill in `dir` while serving (see [`ServerBuilder::skills_dir`]).
    pub fn add_skills_dir(&self, dir: impl AsRef<Path>, limits: SkillLimits) -> Result<(), Error> {
        load_dir(dir.as_ref(), limits)?.into_iter().try_for_each(|s| self.add_skill(s))
    }

    /// Stops serving a skill and its files; true if it was served.
    pub fn remove_skill(&self, name: &str) -> bool {
        let removed = self.shared.registry.update(|s| {
            let skill = s.skills.remove(name)?;
            for f in skill.files() {
                s.remove(crate::catalogue::Kind::Resources, f.uri());
            }
            Some(())
        });
        if removed.is_some() {
            self.shared.hub.list_changed(ListKind::Resources);
        }
        removed.is_some()
    }
}
