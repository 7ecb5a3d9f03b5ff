//! A `SKILL.md`'s YAML frontmatter: found between the leading `---` lines, read as a JSON
//! object, and checked for the two fields every skill needs (`name` under the Agent Skills
//! naming rules, a non-empty `description`).

use serde_json::{Map, Value};

/// The longest description the Agent Skills format allows, in characters.
const MAX_DESCRIPTION: usize = 1024;

/// Whether `name` follows the Agent Skills naming rules: 1 to 64 characters of lowercase
/// ASCII letters, digits and hyphens, no hyphen first, last or next to another.
pub fn is_valid_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
}

/// The YAML text between the opening `---` line and the next `---` line, or `None` when
/// the text does not open with one.
fn block(text: &str) -> Option<&str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text.strip_prefix("---")?;
    let rest = rest.strip_prefix("\r\n").or_else(|| rest.strip_prefix('\n'))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Some(rest[..offset].trim_end_matches(['\r', '\n']));
        }
        offset += line.len();
    }
    None
}

/// The frontmatter of a `SKILL.md` as a JSON object, checked: `Err` says what is missing
/// or wrong.
pub fn parse_frontmatter(text: &str) -> Result<Map<String, Value>, String> {
    let yaml = block(text).ok_or("SKILL.md must open with YAML frontmatter between `---` lines")?;
    let value: Value = serde_yaml_ng::from_str(yaml).map_err(|e| format!("the frontmatter is not valid YAML: {e}"))?;
    let Value::Object(map) = value else {
        return Err("the frontmatter must be a YAML mapping".into());
    };
    match map.get("name") {
        Some(Value::String(name)) if is_valid_name(name) => {}
        Some(Value::String(name)) => {
            return Err(format!(
                "the name `{name}` must be 1-64 lowercase letters, digits and single hyphens, not at either end"
            ));
        }
        _ => return Err("the frontmatter needs a string `name`".into()),
    }
    match map.get("description") {
        Some(Value::String(d)) if !d.trim().is_empty() && d.chars().count() <= MAX_DESCRIPTION => {}
        Some(Value::String(_)) => {
            return Err(format!("the description must be 1-{MAX_DESCRIPTION} characters"));
        }
        _ => return Err("the frontmatter needs a string `description`".into()),
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frontmatter_is_read_as_json() {
        let text = "---\nname: pdf\ndescription: \"Fill: forms\"\nallowed-tools: [a, b]\n---\nbody\n";
        let map = parse_frontmatter(text).unwrap();
        assert_eq!(map["description"], "Fill: forms");
        assert_eq!(map["allowed-tools"], serde_json::json!(["a", "b"]));
        let crlf = "---\r\nname: pdf\r\ndescription: d\r\n---\r\n";
        assert_eq!(parse_frontmatter(crlf).unwrap()["name"], "pdf");
    }

    #[test]
    fn bad_frontmatter_is_refused_with_a_reason() {
        assert!(parse_frontmatter("# no frontmatter").unwrap_err().contains("frontmatter"));
        assert!(parse_frontmatter("---\nname: pdf\n").is_err());
        assert!(parse_frontmatter("---\nname: Bad_Name\ndescription: d\n---\n").unwrap_err().contains("Bad_Name"));
        assert!(parse_frontmatter("---\nname: pdf\n---\n").unwrap_err().contains("description"));
        assert!(parse_frontmatter("---\n- a\n---\n").unwrap_err().contains("mapping"));
        assert!(parse_frontmatter("---\nname: [\n---\n").unwrap_err().contains("YAML"));
    }

    #[test]
    fn names_follow_the_agent_skills_rules() {
        for good in ["a", "pdf-tools", "x1", &"a".repeat(64)] {
            assert!(is_valid_name(good), "{good}");
        }
        for bad in ["", "-a", "a-", "a--b", "A", "a_b", "a.b", &"a".repeat(65)] {
            assert!(!is_valid_name(bad), "{bad}");
        }
    }
}
