//! MCP Apps and skills: an app resource served with its MIME type and `_meta.ui`, a tool
//! linked to it, the `io.modelcontextprotocol/ui` extension advertised; skills registered in
//! code and read from a directory, `skills/list` (paginated, atomic entries), `skills/get`,
//! `resources/directory/read` and the `skill://` files, on both wires; bad definitions
//! refused at build.

use mcpforge::{AppCsp, AppResource, MemoryClient, ProtocolError, Server, Skill, Tool};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const HTML: &str = "<!doctype html><p>weather</p>";
const SKILL_MD: &str = "---\nname: pdf-processing\ndescription: Extract, fill and assemble PDF documents\nlicense: MIT\n---\n# PDF\nRead references/FORMS.md first.\n";
const FORMS: &str = "# Forms\nFill every field.\n";

fn skill() -> Skill {
    Skill::new(SKILL_MD)
        .unwrap()
        .file("references/FORMS.md", FORMS)
        .unwrap()
        .file("scripts/fill.py", "print(1)\n")
        .unwrap()
}

fn server() -> Server {
    let csp = AppCsp { connect_domains: vec!["https://api.example.com".into()], ..AppCsp::default() };
    Server::builder("apps-skills", "1.0.0")
        .app_tool(
            Tool::new("weather").description("Shows the weather"),
            AppResource::new("ui://weather/view.html", HTML).name("weather view").csp(csp).permission("geolocation"),
            |_args: Value| async move { Ok::<_, mcpforge::ToolError>("sunny") },
        )
        .skill(skill())
        .build()
        .expect("a valid server")
}

fn sha(text: &str) -> String {
    format!("sha256:{}", Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect::<String>())
}

async fn legacy(server: &Server) -> MemoryClient {
    let client = server.connect_memory();
    client.initialize("2025-11-25", json!({})).await.expect("initialize");
    client
}

#[tokio::test]
async fn a_tool_links_to_its_app_and_the_app_reads_with_its_mime_type_and_meta() {
    let server = server();
    let client = legacy(&server).await;
    let tools = client.request("tools/list", json!({})).await.unwrap();
    let meta = &tools["tools"][0]["_meta"];
    assert_eq!(meta["ui"]["resourceUri"], "ui://weather/view.html");
    assert_eq!(meta["ui/resourceUri"], "ui://weather/view.html");

    let listed = client.request("resources/list", json!({})).await.unwrap();
    let app = listed["resources"].as_array().unwrap().iter().find(|r| r["uri"] == "ui://weather/view.html").unwrap();
    assert_eq!(app["mimeType"], "text/html;profile=mcp-app");
    assert_eq!(app["name"], "weather view");
    assert_eq!(app["_meta"]["ui"]["csp"]["connectDomains"], json!(["https://api.example.com"]));

    let read = client.request("resources/read", json!({ "uri": "ui://weather/view.html" })).await.unwrap();
    let contents = &read["contents"][0];
    assert_eq!(contents["text"], HTML);
    assert_eq!(contents["mimeType"], "text/html;profile=mcp-app");
    assert_eq!(contents["_meta"]["ui"]["permissions"], json!({ "geolocation": {} }));
}

#[tokio::test]
async fn both_extensions_are_advertised_on_the_2026_wire() {
    let server = server();
    let client = server.connect_memory();
    let discover = client.request_modern("server/discover", json!({}), json!({})).await.unwrap();
    let extensions = &discover["capabilities"]["extensions"];
    assert_eq!(extensions["io.modelcontextprotocol/ui"], json!({}));
    assert_eq!(extensions["io.modelcontextprotocol/skills"], json!({ "directoryRead": true }));
    assert!(discover["capabilities"]["resources"].is_object());
}

#[tokio::test]
async fn skills_are_listed_got_and_read_with_digests_and_sizes() {
    let server = server();
    let client = legacy(&server).await;
    let list = client.request("skills/list", json!({})).await.unwrap();
    assert!(list.get("nextCursor").is_none());
    let entry = &list["skills"][0];
    assert_eq!(entry["uri"], "skill://pdf-processing/SKILL.md");
    assert_eq!(
        entry["frontmatter"],
        json!({ "name": "pdf-processing", "description": "Extract, fill and assemble PDF documents", "license": "MIT" })
    );
    let files = entry["resources"].as_array().unwrap();
    assert_eq!(files.len(), 3);
    assert_eq!(
        files[0],
        json!({ "uri": "skill://pdf-processing/SKILL.md", "digest": sha(SKILL_MD), "size": SKILL_MD.len() })
    );
    assert_eq!(
        files[1],
        json!({ "uri": "skill://pdf-processing/references/FORMS.md", "digest": sha(FORMS), "size": FORMS.len() })
    );

    let got = client.request("skills/get", json!({ "uri": "skill://pdf-processing/SKILL.md" })).await.unwrap();
    assert_eq!(&got["skill"], entry);
    let unknown = client.request("skills/get", json!({ "uri": "skill://nope/SKILL.md" })).await.unwrap_err();
    assert_eq!(unknown.code, -32602);
    let no_uri = client.request("skills/get", json!({})).await.unwrap_err();
    assert_eq!(no_uri.code, -32602);

    let read = client.request("resources/read", json!({ "uri": "skill://pdf-processing/SKILL.md" })).await.unwrap();
    assert_eq!(read["contents"][0]["text"], SKILL_MD);
    assert_eq!(read["contents"][0]["mimeType"], "text/markdown");
    let listed = client.request("resources/list", json!({})).await.unwrap();
    let md =
        listed["resources"].as_array().unwrap().iter().find(|r| r["uri"] == "skill://pdf-processing/SKILL.md").unwrap();
    assert_eq!(md["name"], "pdf-processing");
    assert_eq!(md["description"], "Extract, fill and assemble PDF documents");

    let root = client.request("resources/directory/read", json!({ "uri": "skill://pdf-processing" })).await.unwrap();
    let children: Vec<(&str, &str)> = root["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["mimeType"].as_str().unwrap()))
        .collect();
    assert_eq!(
        children,
        [("SKILL.md", "text/markdown"), ("references", "inode/directory"), ("scripts", "inode/directory")]
    );
    let not_dir = client.request("resources/directory/read", json!({ "uri": "skill://pdf-processing/SKILL.md" })).await;
    assert_eq!(not_dir.unwrap_err().code, -32602);
}

#[tokio::test]
async fn skill_results_are_cacheable_on_the_2026_wire() {
    let server = server();
    let client = server.connect_memory();
    for (method, params) in
        [("skills/list", json!({})), ("skills/get", json!({ "uri": "skill://pdf-processing/SKILL.md" }))]
    {
        let r = client.request_modern(method, params, json!({})).await.unwrap();
        assert_eq!(r["resultType"], "complete", "{method}");
        assert!(r["ttlMs"].is_number() && r["cacheScope"].is_string(), "{method}: {r}");
    }
}

#[tokio::test]
async fn skills_list_pages_never_split_an_entry() {
    let mut builder = Server::builder("paged", "1.0.0").limits(mcpforge::Limits { page_size: 2, ..Default::default() });
    for i in 0..5 {
        builder = builder.skill(Skill::new(format!("---\nname: s{i}\ndescription: skill {i}\n---\n")).unwrap());
    }
    let server = builder.build().unwrap();
    let client = legacy(&server).await;
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let params = cursor.as_ref().map_or(json!({}), |c| json!({ "cursor": c }));
        let page = client.request("skills/list", params).await.unwrap();
        for s in page["skills"].as_array().unwrap() {
            seen.push(s["frontmatter"]["name"].as_str().unwrap().to_owned());
        }
        match page.get("nextCursor").and_then(Value::as_str) {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, ["s0", "s1", "s2", "s3", "s4"]);
    let bad = client.request("skills/list", json!({ "cursor": "not-a-cursor" })).await.unwrap_err();
    assert_eq!(bad.code, -32602);
}

#[tokio::test]
async fn without_skills_the_methods_are_unknown_and_nothing_is_advertised() {
    let server = Server::builder("plain", "1.0.0").build().unwrap();
    let client = legacy(&server).await;
    let e: ProtocolError = client.request("skills/list", json!({})).await.unwrap_err();
    assert_eq!(e.code, -32601);
    let modern = server.connect_memory();
    let discover = modern.request_modern("server/discover", json!({}), json!({})).await.unwrap();
    assert!(discover["capabilities"].get("extensions").is_none(), "{discover}");
}

#[tokio::test]
async fn skills_added_and_removed_while_serving_take_their_files_along() {
    let server = Server::builder("live", "1.0.0").build().unwrap();
    server.add_skill(skill()).unwrap();
    assert!(server.add_skill(skill()).is_err(), "a second skill of one name is refused");
    let client = legacy(&server).await;
    assert_eq!(client.request("skills/list", json!({})).await.unwrap()["skills"].as_array().unwrap().len(), 1);
    assert!(server.remove_skill("pdf-processing"));
    let read = client.request("resources/read", json!({ "uri": "skill://pdf-processing/SKILL.md" })).await;
    assert!(read.is_err(), "its files went with it");
    assert!(!server.remove_skill("pdf-processing"));
}

#[tokio::test]
async fn a_directory_of_skills_is_served_and_bad_definitions_fail_the_build() {
    let dir = std::env::temp_dir().join(format!("mcpforge-apps-skills-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("pdf-processing/references")).unwrap();
    std::fs::write(dir.join("pdf-processing/SKILL.md"), SKILL_MD).unwrap();
    std::fs::write(dir.join("pdf-processing/references/FORMS.md"), FORMS).unwrap();
    let server = Server::builder("dir", "1.0.0").skills_dir(&dir).build().unwrap();
    let client = legacy(&server).await;
    let got = client.request("skills/get", json!({ "uri": "skill://pdf-processing/SKILL.md" })).await.unwrap();
    assert_eq!(got["skill"]["resources"].as_array().unwrap().len(), 2);
    std::fs::remove_dir_all(&dir).unwrap();

    let missing = Server::builder("dir", "1.0.0").skills_dir(dir.join("absent")).build();
    assert!(missing.unwrap_err().to_string().contains("skills directory"));
    let not_ui = Server::builder("a", "1.0.0").app(AppResource::new("https://x", HTML)).build();
    assert!(not_ui.unwrap_err().to_string().contains("ui://"));
    let bad_link = Server::builder("a", "1.0.0")
        .tool(Tool::new("t").ui("file:///x"), |_a: Value| async move { Ok::<_, mcpforge::ToolError>("") })
        .build();
    assert!(bad_link.unwrap_err().to_string().contains("ui://"));
    assert!(Skill::new("---\nname: Not Valid\ndescription: d\n---\n").is_err());
}
