//! Unit tests of resource templates: parsing, matching, expansion and completion.

use super::*;

fn t(template: &str) -> UriTemplate {
    UriTemplate::parse(template).unwrap_or_else(|e| panic!("{template}: {e}"))
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn m(template: &str, uri: &str) -> Option<BTreeMap<String, String>> {
    t(template).matches(uri)
}

// ---- parsing ------------------------------------------------------------------------

#[test]
fn parse_accepts_valid_templates() {
    let tpl = t("test://x/{a}{+b}{#c}{.d}{/e}{;f}{?g,h}{&i}{j*}{k:3}{l.m}{n%20o}{_}");
    assert_eq!(tpl.variables(), ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l.m", "n%20o", "_"]);
    assert_eq!(tpl.as_str(), "test://x/{a}{+b}{#c}{.d}{/e}{;f}{?g,h}{&i}{j*}{k:3}{l.m}{n%20o}{_}");
    assert!(t("").variables().is_empty());
    assert!(t("plain://no/variables").variables().is_empty());
    t("{x:1}{y:9999}");
}

#[test]
fn optional_variables_are_those_of_query_and_fragment_expressions() {
    let tpl = t("test://x/{a}{+b}{#c}{/e}{?g,h}{&i}");
    assert_eq!(tpl.optional_variables(), ["c", "g", "h", "i"]);
    assert!(t("logs://{service}").optional_variables().is_empty());
}

#[test]
fn parse_errors() {
    let bad = [
        "{",
        "a{b",
        "a}b",
        "}",
        "{a}}",
        "{a{b}}",
        "{}",
        "x{}y",
        "{+}",
        "{?}",
        "{a,}",
        "{,a}",
        "{a,,b}",
        "{=a}",
        "{!a}",
        "{@a}",
        "{|a}",
        "{$a}",
        "{-a}",
        "{~a}",
        "{a-b}",
        "{a b}",
        "{ a}",
        "{.}",
        "{a.}",
        "{.a.}",
        "{a..b}",
        "{%}",
        "{%2}",
        "{%zz}",
        "{é}",
        "{a:0}",
        "{a:01}",
        "{a:10000}",
        "{a:99999}",
        "{a:}",
        "{a:x}",
        "{a:-1}",
        "{a:+1}",
        "{a:1:2}",
        "{a:3*}",
        "{a*:3}",
        "{a**}",
        "{a}{a}",
        "{a,a}",
        "{?a}{&a}",
        "{a}/{+a}",
    ];
    for template in bad {
        let err = UriTemplate::parse(template).expect_err(template);
        assert!(!err.message().is_empty());
        assert_eq!(err.to_string(), err.message());
        assert!(template.parse::<UriTemplate>().is_err());
    }
    let err = UriTemplate::parse("{a}{a}").unwrap_err();
    assert!(err.message().contains("duplicate"), "{err}");
    let err = UriTemplate::parse("{a:10000}").unwrap_err();
    assert!(err.message().contains("1..=9999"), "{err}");
    let err = UriTemplate::parse("{=a}").unwrap_err();
    assert!(err.message().contains("operator"), "{err}");
    let err = UriTemplate::parse("x{a").unwrap_err();
    assert!(err.message().contains("unclosed"), "{err}");
    assert_eq!(err.to_string(), "unclosed expression opened at byte 1");
    let long = format!("{}{{", "é".repeat(5_000));
    let shown = UriTemplate::parse(&long).unwrap_err().to_string();
    assert!(shown.len() < 100, "{shown}");
}

#[test]
fn traits() {
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<UriTemplate>();
    assert_traits::<TemplateError>();
    let tpl: UriTemplate = "db://tables/{name}".parse().unwrap();
    assert_eq!(tpl.to_string(), "db://tables/{name}");
    assert!(format!("{tpl:?}").contains("db://tables/{name}"));
    assert_eq!(tpl.clone(), tpl);
    assert_eq!(tpl.clone().matches("db://tables/x"), tpl.matches("db://tables/x"));
    let err: Box<dyn std::error::Error> = Box::new(UriTemplate::parse("{").unwrap_err());
    assert!(!err.to_string().is_empty());
}

// ---- expansion: RFC 6570 section 3.2 (string values, levels 1-3) --------------------

fn rfc_vars() -> BTreeMap<String, String> {
    map(&[
        ("dub", "me/too"),
        ("hello", "Hello World!"),
        ("half", "50%"),
        ("var", "value"),
        ("who", "fred"),
        ("base", "http://example.com/home/"),
        ("path", "/foo/bar"),
        ("v", "6"),
        ("x", "1024"),
        ("y", "768"),
        ("empty", ""),
    ])
}

#[test]
fn rfc_6570_section_3_2_examples() {
    let cases = [
        // 3.2.1 / 3.2.2 simple string expansion
        ("{var}", "value"),
        ("{hello}", "Hello%20World%21"),
        ("{half}", "50%25"),
        ("O{empty}X", "OX"),
        ("O{undef}X", "OX"),
        ("{x,y}", "1024,768"),
        ("{x,hello,y}", "1024,Hello%20World%21,768"),
        ("?{x,empty}", "?1024,"),
        ("?{x,undef}", "?1024"),
        ("?{undef,y}", "?768"),
        ("{var:3}", "val"),
        ("{var:30}", "value"),
        // 3.2.3 reserved
        ("{+var}", "value"),
        ("{+hello}", "Hello%20World!"),
        ("{+half}", "50%25"),
        ("{base}index", "http%3A%2F%2Fexample.com%2Fhome%2Findex"),
        ("{+base}index", "http://example.com/home/index"),
        ("O{+empty}X", "OX"),
        ("O{+undef}X", "OX"),
        ("{+path}/here", "/foo/bar/here"),
        ("here?ref={+path}", "here?ref=/foo/bar"),
        ("up{+path}{var}/here", "up/foo/barvalue/here"),
        ("{+x,hello,y}", "1024,Hello%20World!,768"),
        ("{+path,x}/here", "/foo/bar,1024/here"),
        ("{+path:6}/here", "/foo/b/here"),
        // 3.2.4 fragment
        ("{#var}", "#value"),
        ("{#hello}", "#Hello%20World!"),
        ("{#half}", "#50%25"),
        ("foo{#empty}", "foo#"),
        ("foo{#undef}", "foo"),
        ("{#x,hello,y}", "#1024,Hello%20World!,768"),
        ("{#path,x}/here", "#/foo/bar,1024/here"),
        ("{#path:6}/here", "#/foo/b/here"),
        // 3.2.5 label
        ("{.who}", ".fred"),
        ("{.half,who}", ".50%25.fred"),
        ("X{.var}", "X.value"),
        ("X{.empty}", "X."),
        ("X{.undef}", "X"),
        ("X{.var:3}", "X.val"),
        // 3.2.6 path segments
        ("{/who}", "/fred"),
        ("{/half,who}", "/50%25/fred"),
        ("{/who,dub}", "/fred/me%2Ftoo"),
        ("{/var}", "/value"),
        ("{/var,empty}", "/value/"),
        ("{/var,undef}", "/value"),
        ("{/var,x}/here", "/value/1024/here"),
        // 3.2.7 path-style parameters
        ("{;who}", ";who=fred"),
        ("{;half}", ";half=50%25"),
        ("{;empty}", ";empty"),
        ("{;v,empty,who}", ";v=6;empty;who=fred"),
        ("{;v,bar,who}", ";v=6;who=fred"),
        ("{;x,y}", ";x=1024;y=768"),
        ("{;x,y,empty}", ";x=1024;y=768;empty"),
        ("{;x,y,undef}", ";x=1024;y=768"),
        ("{;hello:5}", ";hello=Hello"),
        // 3.2.8 query
        ("{?who}", "?who=fred"),
        ("{?half}", "?half=50%25"),
        ("{?x,y}", "?x=1024&y=768"),
        ("{?x,y,empty}", "?x=1024&y=768&empty="),
        ("{?x,y,undef}", "?x=1024&y=768"),
        ("{?var:3}", "?var=val"),
        // 3.2.9 query continuation
        ("{&who}", "&who=fred"),
        ("{&half}", "&half=50%25"),
        ("?fixed=yes{&x}", "?fixed=yes&x=1024"),
        ("{&x,y,empty}", "&x=1024&y=768&empty="),
        ("{&var:3}", "&var=val"),
    ];
    let vars = rfc_vars();
    for (template, expected) in cases {
        assert_eq!(t(template).expand(&vars), expected, "{template}");
    }
}

#[test]
fn expansion_details() {
    let vars = map(&[("a", "é €"), ("p", "%41%zz"), ("e", "ab")]);
    // Non-ASCII is UTF-8 percent-encoded; prefixes count characters, not bytes.
    assert_eq!(t("{a}").expand(&vars), "%C3%A9%20%E2%82%AC");
    assert_eq!(t("{a:1}").expand(&vars), "%C3%A9");
    assert_eq!(t("{+a:2}").expand(&vars), "%C3%A9%20");
    // `+` keeps valid triplets, encodes a stray `%`.
    assert_eq!(t("{+p}").expand(&vars), "%41%25zz");
    assert_eq!(t("{p}").expand(&vars), "%2541%25zz");
    // Explode does nothing to strings.
    assert_eq!(t("{/e*}{?a*}").expand(&vars), "/ab?a=%C3%A9%20%E2%82%AC");
    // Literals: URI characters and triplets copied, others encoded.
    assert_eq!(t("my docs/%20/é{e}").expand(&vars), "my%20docs/%20/%C3%A9ab");
    assert_eq!(t("x{undef}{?undef2}{#undef3}").expand(&vars), "x");
}

// ---- matching ------------------------------------------------------------------------

#[test]
fn simple_matches_one_segment() {
    assert_eq!(m("test://template/{id}/data", "test://template/123/data"), Some(map(&[("id", "123")])));
    assert_eq!(m("db://tables/{name}", "db://tables/users"), Some(map(&[("name", "users")])));
    assert_eq!(m("db://tables/{name}", "db://tables/a/b"), None);
    assert_eq!(m("file:///{path}", "file:///a/b"), None);
    assert_eq!(m("db://tables/{name}", "db://tables/"), None, "empty value");
    assert_eq!(m("db://tables/{name}", "db://tables/a?x=1"), None);
    assert_eq!(m("db://tables/{name}", "db://tables/a#f"), None);
    assert_eq!(m("{a},{b}", "1,2"), Some(map(&[("a", "1"), ("b", "2")])));
    assert_eq!(m("{x,y}", "1024,768"), Some(map(&[("x", "1024"), ("y", "768")])));
    assert_eq!(m("{x,y}", "1024"), None);
    assert_eq!(m("{x}", "a,b"), Some(map(&[("x", "a,b")])));
    assert_eq!(m("{x*}", "abc"), Some(map(&[("x", "abc")])));
    assert_eq!(
        m("users://{user}/repos/{repo}", "users://alice/repos/mcp"),
        Some(map(&[("user", "alice"), ("repo", "mcp")]))
    );
}

#[test]
fn simple_explode_is_a_wildcard_across_segments() {
    let docs = "docs://{path*}";
    assert_eq!(m(docs, "docs://guide/intro.md"), Some(map(&[("path", "guide/intro.md")])));
    assert_eq!(
        m("repo://{owner}/{path*}/raw", "repo://me/a/b/c/raw"),
        Some(map(&[("owner", "me"), ("path", "a/b/c")]))
    );
    assert_eq!(m(docs, "docs://a%2Fb"), Some(map(&[("path", "a/b")])), "an encoded slash reads the same");
    assert_eq!(m(docs, "docs://a/b?x=1"), None, "a wildcard stops at the query");
    // The traversal rules of `{+x}`: no `..` segment, no absolute path after a `/`.
    assert_eq!(m(docs, "docs://a/../b"), None);
    assert_eq!(m(docs, "docs://a/%2e%2e/b"), None);
    assert_eq!(m("file:///{path*}", "file:////etc/passwd"), None);
    assert_eq!(m("file:///{path*}", "file:///etc/passwd"), Some(map(&[("path", "etc/passwd")])));
    // Expansion is `{+x}`'s: the slashes stay, so boundaries read back the same.
    let t: UriTemplate = docs.parse().expect("template");
    let vars = map(&[("path", "a/b c")]);
    assert_eq!(t.expand(&vars), "docs://a/b%20c");
    assert_eq!(t.matches(&t.expand(&vars)), Some(vars));
    // A wildcard after another expression and a literal keeps its split (found by
    // fuzzing when `{x*}` expanded `/` and `=` as `%2F` and `%3D`).
    let t: UriTemplate = "x://{a}.{rest*}".parse().expect("template");
    for uri in ["x://a.b/c.d", "x://a.b=c.d"] {
        let vars = t.matches(uri).expect("match");
        assert_eq!(t.matches(&t.expand(&vars)), Some(vars), "{uri}");
    }
}

#[test]
fn anchored_and_literal_exact() {
    assert_eq!(m("db://tables/{name}", "xdb://tables/a"), None);
    assert_eq!(m("db://tables/{name}/", "db://tables/a"), None);
    assert_eq!(m("db://tables/{name}", "DB://tables/a"), None, "case-sensitive");
    // Regex metacharacters in literals are literal.
    assert_eq!(m("a.b://x({id})", "aXb://x(1)"), None);
    assert_eq!(m("a.b://x({id})", "a.b://x(1)"), Some(map(&[("id", "1")])));
    assert_eq!(m("x+y*z://[{id}]$^|\\", "x+y*z://[1]$^|\\"), Some(map(&[("id", "1")])));
    assert_eq!(m("x+y://{id}", "xxy://1"), None);
    assert!(t("static://only").matches("static://only").unwrap().is_empty());
    assert_eq!(m("static://only", "static://only/"), None);
    // Literal characters that are not URI characters match raw or percent-encoded.
    assert_eq!(m("docs://my docs/{id}", "docs://my docs/1"), Some(map(&[("id", "1")])));
    assert_eq!(m("docs://my docs/{id}", "docs://my%20docs/1"), Some(map(&[("id", "1")])));
    assert_eq!(m("docs://café/{id}", "docs://caf%c3%a9/1"), Some(map(&[("id", "1")])));
    assert_eq!(m("docs://café/{id}", "docs://cafe/1"), None);
    assert_eq!(m("docs://a%20b/{id}", "docs://a%20b/1"), Some(map(&[("id", "1")])));
}

#[test]
fn reserved_matches_across_segments() {
    assert_eq!(m("file:///{+path}", "file:///a/b.txt"), Some(map(&[("path", "a/b.txt")])));
    assert_eq!(m("file:///{+path}", "file:///a/b?x"), None);
    assert_eq!(m("file:///{+path}", "file:///a/b#x"), None);
    assert_eq!(m("file:///{+path}", "file:///"), None);
    assert_eq!(m("file:///{+path}", "file:///dir%20x/%C3%BC.md"), Some(map(&[("path", "dir x/ü.md")])));
    assert_eq!(m("{+base}/items", "http://example.com/api/items"), Some(map(&[("base", "http://example.com/api")])));
    assert_eq!(m("{+x,y}", "a/b,c"), Some(map(&[("x", "a/b"), ("y", "c")])));
    // Not after a literal slash: absolute values are allowed.
    assert_eq!(m("file://{+path}", "file:///home/u/x"), Some(map(&[("path", "/home/u/x")])));
    assert_eq!(m("here?ref={+path}", "here?ref=/foo/bar"), Some(map(&[("path", "/foo/bar")])));
}

#[test]
fn fragment_is_optional() {
    let tpl = t("doc://page{#section}");
    assert_eq!(tpl.matches("doc://page#intro/a?b"), Some(map(&[("section", "intro/a?b")])));
    assert_eq!(tpl.matches("doc://page"), Some(map(&[])));
    assert_eq!(tpl.matches("doc://page#"), Some(map(&[("section", "")])));
    assert_eq!(tpl.matches("doc://page#a#b"), None);
    let tpl = t("doc://p{#a,b}");
    assert_eq!(tpl.matches("doc://p#1,2"), Some(map(&[("a", "1"), ("b", "2")])));
    assert_eq!(tpl.matches("doc://p#1"), Some(map(&[("a", "1")])));
    assert_eq!(m("doc://{id}{?v}{#f}", "doc://7?v=2#top"), Some(map(&[("id", "7"), ("v", "2"), ("f", "top")])));
    assert_eq!(m("doc://{id}{?v}{#f}", "doc://7#top"), Some(map(&[("id", "7"), ("f", "top")])));
}

#[test]
fn label_matching() {
    assert_eq!(m("file:///{name}{.ext}", "file:///report.pdf"), Some(map(&[("name", "report"), ("ext", "pdf")])));
    assert_eq!(m("file:///{name}{.ext}", "file:///a.tar.gz"), Some(map(&[("name", "a.tar"), ("ext", "gz")])));
    assert_eq!(m("file:///x{.ext*}", "file:///x.tar.gz"), Some(map(&[("ext", "tar.gz")])));
    assert_eq!(m("X{.a,b}", "X.1024.768"), Some(map(&[("a", "1024"), ("b", "768")])));
    assert_eq!(m("X{.a}", "X."), None);
    assert_eq!(m("X{.a}", "X.a/b"), None);
    assert_eq!(m("X{.a}", "X.%2e"), None, "decodes to `.`");
}

#[test]
fn path_segment_matching() {
    assert_eq!(m("repo://r{/seg}", "repo://r/a"), Some(map(&[("seg", "a")])));
    assert_eq!(m("repo://r{/seg}", "repo://r/a/b"), None);
    assert_eq!(m("repo://r{/seg}", "repo://r/"), None);
    assert_eq!(m("repo://r{/a,b}", "repo://r/1/2"), Some(map(&[("a", "1"), ("b", "2")])));
    assert_eq!(m("repo://r{/p*}", "repo://r/a/b/c.txt"), Some(map(&[("p", "a/b/c.txt")])));
    assert_eq!(m("repo://r{/p*}", "repo://r/a"), Some(map(&[("p", "a")])));
    assert_eq!(m("repo://r{/p*}", "repo://r"), None);
    assert_eq!(m("repo://r{/p*}", "repo://r/a//b"), None, "empty segment");
    assert_eq!(m("repo://r{/p*}", "repo://r/a/"), None);
    assert_eq!(m("repo://r{/p*}/raw", "repo://r/a/b/raw"), Some(map(&[("p", "a/b")])));
    assert_eq!(m("repo://r{/p*,last}", "repo://r/a/b/c"), Some(map(&[("p", "a/b"), ("last", "c")])));
    assert_eq!(m("repo://r{/p*}", "repo://r/a%2Fb"), Some(map(&[("p", "a/b")])));
}

#[test]
fn path_parameter_matching() {
    assert_eq!(m("x{;v,empty,who}", "x;v=6;empty;who=fred"), Some(map(&[("v", "6"), ("empty", ""), ("who", "fred")])));
    assert_eq!(m("x{;a}", "x;a="), Some(map(&[("a", "")])));
    assert_eq!(m("x{;a}", "x;b=1"), None);
    assert_eq!(m("x{;a,b}", "x;b=1;a=2"), None, "order is fixed");
    assert_eq!(m("x{;a}", "x;a=1;2"), None);
    assert_eq!(m("x{;l.m}", "x;l.m=3"), Some(map(&[("l.m", "3")])));
    assert_eq!(m("x{;l.m}", "x;lxm=3"), None);
}

#[test]
fn query_matching() {
    let tpl = t("search://docs{?q,limit}");
    let both = Some(map(&[("q", "rust"), ("limit", "10")]));
    assert_eq!(tpl.matches("search://docs?q=rust&limit=10"), both);
    assert_eq!(tpl.matches("search://docs?limit=10&q=rust"), both, "any order");
    assert_eq!(tpl.matches("search://docs?x=1&limit=10&y&q=rust&z=%zz"), both, "extras");
    assert_eq!(tpl.matches("search://docs?q=rust"), Some(map(&[("q", "rust")])));
    assert_eq!(tpl.matches("search://docs"), Some(map(&[])), "no query string");
    assert_eq!(tpl.matches("search://docs?"), Some(map(&[])));
    assert_eq!(tpl.matches("search://docs?other=1"), Some(map(&[])));
    assert_eq!(tpl.matches("search://docs?q"), Some(map(&[("q", "")])));
    assert_eq!(tpl.matches("search://docs?q="), Some(map(&[("q", "")])));
    assert_eq!(tpl.matches("search://docs?q=a&q=b"), None, "repeated");
    assert_eq!(tpl.matches("search://docs?q=a+b%20c"), Some(map(&[("q", "a+b c")])));
    assert_eq!(tpl.matches("search://docs?q=a=b"), Some(map(&[("q", "a=b")])));
    assert_eq!(tpl.matches("search://docs?q=TCP%2FIP"), Some(map(&[("q", "TCP/IP")])));
    assert_eq!(tpl.matches("search://docs#frag"), None);
    assert_eq!(tpl.matches("search://docsx?q=1"), None);
    // Adjacent query expressions form one group.
    let tpl = t("api://items{?page}{&size}");
    assert_eq!(tpl.matches("api://items?size=5&page=2"), Some(map(&[("page", "2"), ("size", "5")])));
    // Fixed literal query text must appear as written.
    let tpl = t("api://items?fixed=yes{&x}");
    assert_eq!(tpl.matches("api://items?fixed=yes&x=1024"), Some(map(&[("x", "1024")])));
    assert_eq!(tpl.matches("api://items?fixed=yes&y=1&x=1"), Some(map(&[("x", "1")])));
    assert_eq!(tpl.matches("api://items?fixed=yes"), Some(map(&[])));
    assert_eq!(tpl.matches("api://items?fixed=yesno"), None);
    assert_eq!(tpl.matches("api://items?x=1&fixed=yes"), None);
    // Prefix limits the length.
    let tpl = t("api://x{?code:3}");
    assert_eq!(tpl.matches("api://x?code=abc"), Some(map(&[("code", "abc")])));
    assert_eq!(tpl.matches("api://x?code=abcd"), None);
    // Simple variables after a literal `?` stop at `&`.
    let tpl = t("api://search?q={q}");
    assert_eq!(tpl.matches("api://search?q=a"), Some(map(&[("q", "a")])));
    assert_eq!(tpl.matches("api://search?q=a&b=c"), None);
    assert_eq!(m("api://search?q={q}&n={n}", "api://search?q=a&n=2"), Some(map(&[("q", "a"), ("n", "2")])));
    // Path variables still matched alongside.
    assert_eq!(
        m("weather://{city}/forecast{?days}", "weather://paris/forecast?days=3"),
        Some(map(&[("city", "paris"), ("days", "3")]))
    );
    assert_eq!(m("weather://{city}/forecast{?days}", "weather://paris/forecast"), Some(map(&[("city", "paris")])));
}

#[test]
fn prefix_matching() {
    let tpl = t("code://{id:4}");
    assert_eq!(tpl.matches("code://abcd"), Some(map(&[("id", "abcd")])));
    assert_eq!(tpl.matches("code://%C3%A9%C3%A9"), Some(map(&[("id", "éé")])));
    assert_eq!(tpl.matches("code://abcde"), None);
}

#[test]
fn percent_decoding() {
    let tpl = t("db://tables/{name}");
    assert_eq!(tpl.matches("db://tables/a%20b"), Some(map(&[("name", "a b")])));
    assert_eq!(tpl.matches("db://tables/%C3%A9t%C3%A9"), Some(map(&[("name", "été")])));
    assert_eq!(tpl.matches("db://tables/%c3%a9"), Some(map(&[("name", "é")])));
    assert_eq!(tpl.matches("db://tables/été"), Some(map(&[("name", "été")])));
    assert_eq!(tpl.matches("db://tables/100%25"), Some(map(&[("name", "100%")])));
    assert_eq!(tpl.matches("db://tables/%2541"), Some(map(&[("name", "%41")])));
    assert_eq!(tpl.matches("db://tables/%zz"), None, "invalid hex");
    assert_eq!(tpl.matches("db://tables/%2"), None, "truncated");
    assert_eq!(tpl.matches("db://tables/100%"), None, "bare percent");
    assert_eq!(tpl.matches("db://tables/%FF"), None, "invalid UTF-8");
    assert_eq!(tpl.matches("db://tables/%C3"), None, "truncated UTF-8");
    assert_eq!(m("file:///{+p}", "file:///a/%ff"), None);
    assert_eq!(m("x{?q}", "x?q=%e2%82"), None);
    assert_eq!(m("x{?q}", "x?q=%"), None);
}

#[test]
fn traversal_refusals() {
    // Simple values: never `.`/`..`, never a separator, even percent-encoded.
    for uri in [
        "file:///..",
        "file:///.",
        "file:///%2e%2e",
        "file:///%2E%2E",
        "file:///.%2e",
        "file:///%2e",
        "file:///%2e%2e%2fx",
        "file:///..%2Fetc%2Fpasswd",
        "file:///a%2Fb",
        "file:///a%5Cb",
        "file:///..%5Cx",
    ] {
        assert_eq!(m("file:///{name}", uri), None, "{uri}");
    }
    assert_eq!(m("file:///{name}", "file:///..a"), Some(map(&[("name", "..a")])));
    assert_eq!(m("file:///{name}", "file:///.env"), Some(map(&[("name", ".env")])));
    // Reserved values: no `..` segment, not absolute after a literal slash.
    for uri in [
        "file:///..",
        "file:///../etc/passwd",
        "file:///a/../../etc",
        "file:///a/..",
        "file:///a/%2e%2e/b",
        "file:///a%2F%2E%2E%2Fb",
        "file:///a\\..\\b",
        "file:///a%5C..%5Cb",
        "file:///.",
        "file:////etc/passwd",
        "file:///%2Fetc/passwd",
        "file:///%5Cwindows",
    ] {
        assert_eq!(m("file:///{+path}", uri), None, "{uri}");
    }
    assert_eq!(m("file:///{+path}", "file:///a/./b"), Some(map(&[("path", "a/./b")])));
    assert_eq!(m("file:///{+path}", "file:///a..b/c.."), Some(map(&[("path", "a..b/c..")])));
    // Exploded path segments.
    for uri in ["r/..", "r/a/../b", "r/%2e%2e", "r/a%2F..", "r/%2Fetc", "r/%5C..", "r/."] {
        assert_eq!(m("r{/p*}", uri), None, "{uri}");
    }
    assert_eq!(m("r{/p}", "r/.."), None);
    assert_eq!(m("r{/p}", "r/a%2Fb"), None);
    assert_eq!(m("x{;p}", "x;p=.."), None);
    assert_eq!(m("x{;p}", "x;p=a%2Fb"), None);
    assert_eq!(m("x{.p}", "x.%2E%2E"), None);
    // Fragment and query values.
    assert_eq!(m("x{#f}", "x#.."), None);
    assert_eq!(m("x{#f}", "x#a/../b"), None);
    assert_eq!(m("x{?p}", "x?p=.."), None);
    assert_eq!(m("x{?p}", "x?p=."), None);
    assert_eq!(m("x{?p}", "x?p=%2e%2e%2Fetc"), None);
    assert_eq!(m("x{?p}", "x?p=a/../b"), None);
    assert_eq!(m("x{?p}", "x?p=a/b"), Some(map(&[("p", "a/b")])));
}

#[test]
fn mcp_style_templates() {
    type Case<'a> = (&'a str, &'a str, Option<&'a [(&'a str, &'a str)]>);
    let cases: &[Case<'_>] = &[
        ("file://{+path}", "file:///a/../etc/passwd", None),
        ("file://{+path}", "file:///%2e%2e/x", None),
        ("file:///{+path}", "file:///logs/2024/app.log", Some(&[("path", "logs/2024/app.log")])),
        (
            "github://repos/{owner}/{repo}",
            "github://repos/rust-lang/rust",
            Some(&[("owner", "rust-lang"), ("repo", "rust")]),
        ),
        ("github://repos/{owner}/{repo}", "github://repos/rust-lang/rust/issues", None),
        ("users://{id}/profile", "users://42/profile", Some(&[("id", "42")])),
        ("users://{id}/profile", "users:///profile", None),
        ("users://{id}/profile", "users://../profile", None),
        (
            "config://{section}{/key*}{?format}",
            "config://db/pool/size?format=json",
            Some(&[("section", "db"), ("key", "pool/size"), ("format", "json")]),
        ),
        ("config://{section}{/key*}{?format}", "config://db", None),
        ("notes://{+name}{.ext}", "notes://a/b.md", Some(&[("name", "a/b"), ("ext", "md")])),
    ];
    for (template, uri, expected) in cases {
        let expected = expected.map(map);
        assert_eq!(m(template, uri), expected, "{template} ~ {uri}");
    }
}

// ---- round trip --------------------------------------------------------------------

#[test]
fn round_trip() {
    let cases: &[(&str, &[(&str, &str)])] = &[
        ("test://template/{id}/data", &[("id", "123")]),
        ("test://template/{id}/data", &[("id", "a b,c&d=e+f%g")]),
        ("test://template/{id}/data", &[("id", "été €")]),
        ("test://template/{id}/data", &[("id", "..x")]),
        ("file:///{+path}", &[("path", "a/b.txt")]),
        ("file:///{+path}", &[("path", "dir with space/ü.md,v;1=2@x")]),
        ("db://tables/{name}{?limit,offset}", &[("name", "users")]),
        ("db://tables/{name}{?limit,offset}", &[("name", "u"), ("offset", "5")]),
        ("db://tables/{name}{?limit,offset}", &[("name", "u"), ("limit", "a&b=c d"), ("offset", "")]),
        ("search://{?q}{&page}", &[("q", "TCP/IP + rust"), ("page", "2")]),
        // Found by fuzzing: an undefined `{?q}` left `&page=2`, which no query matches.
        ("search://{?q}{&page}", &[("page", "2")]),
        ("search://{?q}{?page}", &[("q", "x"), ("page", "2")]),
        ("search://{&q}{?page}", &[("page", "2")]),
        // Found by fuzzing: a bare `%` in a literal took the `25` of the value after it.
        ("p://50%{x}", &[("x", "25")]),
        // Found by fuzzing: `{x}{y}` split `a%3D` inside the triplet (`a%3` + `D`).
        ("p://{x}{y}", &[("x", "a"), ("y", "=")]),
        ("repo://{owner}/{repo}{/path*}", &[("owner", "o"), ("repo", "r"), ("path", "src/lib.rs")]),
        ("repo://{owner}/{repo}{/path*}", &[("owner", "o"), ("repo", "r"), ("path", "x y")]),
        ("doc://{id}{#section}", &[("id", "1"), ("section", "intro/part 2?")]),
        ("doc://{id}{#section}", &[("id", "1"), ("section", "")]),
        ("doc://{id}{#section}", &[("id", "1")]),
        ("m://x{;a,b}", &[("a", "1"), ("b", "")]),
        ("m://x{;a,b}", &[("a", "a b"), ("b", "c;d")]),
        ("f://{name}{.ext}", &[("name", "report.final"), ("ext", "pdf")]),
        ("f://d{/a,b}{.c}", &[("a", "x y"), ("b", "z"), ("c", "md")]),
        ("p://{code:3}", &[("code", "abc")]),
        ("p://{x,y}", &[("x", "1,2"), ("y", "3")]),
        ("p://{+x,y}/z", &[("x", "a/b"), ("y", "c")]),
        ("p://{a}{?b:5}", &[("a", "é"), ("b", "ééééé")]),
    ];
    for (template, pairs) in cases {
        let tpl = t(template);
        let vars = map(pairs);
        let uri = tpl.expand(&vars);
        assert_eq!(tpl.matches(&uri), Some(vars), "{template} -> {uri}");
    }
}

// ---- robustness ---------------------------------------------------------------------

/// Small deterministic generator so the test needs no extra dependency.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn string(&mut self, alphabet: &[&str], max_len: u64) -> String {
        let len = self.next() % (max_len + 1);
        (0..len)
            .map(|_| {
                let i = usize::try_from(self.next()).unwrap_or(0) % alphabet.len();
                alphabet[i]
            })
            .collect()
    }
}

#[test]
fn odd_inputs_never_panic() {
    let template_alphabet = [
        "{", "}", "+", "#", ".", "/", ";", "?", "&", ",", "*", ":", "0", "1", "9", "a", "b", "c", "%", "2", "e", "_",
        "-", "é", " ", "=", "x", "{a}", "{+p}", "{/s*}", "{?q}", "{#f}", "{.l}", "{;m}", "\\", "(", "$", "\u{0}",
    ];
    let uri_alphabet = [
        "a", "b", "/", "?", "#", "&", "=", ";", ".", ",", "%", "2", "e", "E", "f", "F", "%2e", "%2F", "%5C", "%C3%A9",
        "%FF", "é", "\\", " ", "..", "x", "c", "q=", "\n",
    ];
    let mut rng = Lcg(0x5EED);
    let mut parsed = 0;
    for _ in 0..10_000 {
        let template = rng.string(&template_alphabet, 12);
        let Ok(tpl) = UriTemplate::parse(&template) else {
            continue;
        };
        parsed += 1;
        assert_eq!(tpl.as_str(), template);
        let mut vars = BTreeMap::new();
        for name in tpl.variables() {
            if rng.next() % 4 != 0 {
                vars.insert(name.clone(), rng.string(&uri_alphabet, 6));
            }
        }
        let expanded = tpl.expand(&vars);
        let candidates = [expanded, rng.string(&uri_alphabet, 16), template.clone()];
        for uri in candidates {
            if let Some(found) = tpl.matches(&uri) {
                for (name, value) in &found {
                    assert!(tpl.variables().contains(name));
                    assert!(value != "." && value != "..", "{template} {uri} {value}");
                    assert!(!value.split(['/', '\\']).any(|s| s == ".."), "{template} {uri} {value}");
                }
            }
        }
    }
    assert!(parsed > 500, "only {parsed} templates parsed");
    // Pathological sizes fail cleanly or work, but never panic.
    let huge: String = (0..5_000).map(|i| format!("{{v{i}}}")).collect();
    let _ = UriTemplate::parse(&huge);
    let long_literal = "a".repeat(20_000);
    let tpl = UriTemplate::parse(&format!("{long_literal}{{x}}")).expect("long literal");
    assert_eq!(tpl.matches(&format!("{long_literal}1")), Some(map(&[("x", "1")])));
    let err = UriTemplate::parse(&"é".repeat(50_000)).map(|_| ()).unwrap_err();
    assert!(err.message().contains("too complex"));
    assert_eq!(t("{x:9999}").matches(&"y".repeat(20_000)), None);
    assert_eq!(t("{x}").matches(""), None);
    assert_eq!(t("").matches(""), Some(map(&[])));
}

// ---- a path policy in place of the engine's rules --------------------------------------

#[test]
fn a_policy_replaces_the_engine_rules_and_tells_a_refusal_from_no_match() {
    let strict = t("file://docs/{name}").with_policy(Some(PathPolicy::default()));
    // The engine's own rules refuse a `/` in a simple value; the policy takes one without `..`.
    assert_eq!(m("file://docs/{name}", "file://docs/sub%2Ffile.txt"), None);
    assert_eq!(strict.matching("file://docs/sub%2Ffile.txt"), TemplateMatch::Matched(map(&[("name", "sub/file.txt")])));
    for refused in [
        "file://docs/..%2F..%2Fetc",
        "file://docs/%2E%2E",
        "file://docs/..%5Csecret",
        "file://docs/key%00.txt",
        "file://docs/x:y",
    ] {
        assert_eq!(strict.matching(refused), TemplateMatch::Refused("name".to_owned()), "{refused}");
        assert_eq!(strict.matches(refused), None);
    }
    // Structure still decides: a raw `/` never enters a simple value.
    assert_eq!(strict.matching("file://docs/a/b"), TemplateMatch::NoMatch);
    let exempt = PathPolicy { exempt_params: ["path".to_owned()].into(), ..PathPolicy::default() };
    let lax = t("git://diff/{+path}").with_policy(Some(exempt));
    assert_eq!(lax.matching("git://diff/../foo"), TemplateMatch::Matched(map(&[("path", "../foo")])));
    let open = PathPolicy { reject_path_traversal: false, ..PathPolicy::default() };
    assert_eq!(t("data://{name}").with_policy(Some(open)).matches("data://.."), Some(map(&[("name", "..")])));
}
