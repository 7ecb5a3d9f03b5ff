"""The import graph of a JavaScript folder, read from its sources (no code of it runs).

`graph(root)` maps each `.js`, `.mjs` and `.cjs` file under `root` (paths relative to it,
`/`-separated: `index.js`, `compat/stdio.js`) to the files under `root` it loads, through:

- CommonJS `require('./x')`, wherever it stands: at the top of the file, or inside a
  function (a lazy require still closes a circle when it runs, it only hides it from a
  reader of the top of the file);
- ES modules: `import ... from './x.js'`, `import './x.js'`, `export ... from './x.js'`
  and `import('./x.js')`.

A relative name resolves as Node resolves it: the file itself, else the name with `.js`,
`.mjs` or `.cjs`, else the `index.js` (`.mjs`, `.cjs`) of that folder. A package name
(`express`, `node:fs`), a name computed at run time (`require(name)`) and a file outside
`root` are no edges. Comments name nothing; strings name something only as the argument of
an import.

`lazy_loads(root)` lists the loads inside functions, as `(file, line, text)`.

The reader is a small tokenizer (strings, template literals, regular expressions and
comments told apart) rather than a parser: the lint runs on the system's Python with no
package installed, and no kept Python parser follows current JavaScript syntax."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

EXTENSIONS = (".js", ".mjs", ".cjs")
# After one of these tokens a `/` starts a regular expression, not a division.
BEFORE_REGEX = set("(,=:[!&|?{};+-*%<>~^") | {"=>", "..."}
KEYWORDS_BEFORE_REGEX = {"return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else", "yield", "await"}
# A `{` after `)` opens a block, not a function body, when the `(` followed one of these.
BLOCK_HEADS = {"if", "for", "while", "switch", "catch", "with"}
# Starting a line, these start a statement: the concise body of an arrow has ended.
STATEMENT_HEADS = {"const", "let", "var", "function", "class", "module", "exports", "import", "export", "if", "for", "while", "return"}


@dataclass
class Token:
    """One token: its kind (`name`, `string`, `punct`), its text (a string's contents),
    its line, and whether a line break stands before it."""

    kind: str
    text: str
    line: int
    newline: bool = False


def _string_end(text: str, i: int, quote: str) -> int:
    """The index just past the string that starts at `i` with `quote`."""
    i += 1
    while i < len(text) and text[i] != quote:
        if text[i] == "\n" and quote != "`":
            break
        i += 2 if text[i] == "\\" else 1
    return i + 1


def _regex_end(text: str, i: int) -> int:
    """The index just past the regular expression literal that starts at `i`, flags too."""
    i += 1
    in_class = False
    while i < len(text) and text[i] != "\n":
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        elif ch == "/" and not in_class:
            break
        i += 1
    i += 1
    while i < len(text) and (text[i].isalnum() or text[i] == "_"):
        i += 1
    return i


def tokenize(text: str) -> list[Token]:
    """The file's tokens, without comments. A template literal is one `string` token for
    its text; the code in its `${...}` placeholders is tokenized in place."""
    tokens: list[Token] = []
    line, i, newline = 1, 0, True
    # One entry per open `${` of a template literal: the `{` depth at which it closes.
    templates: list[int] = []
    depth = 0
    if text.startswith("#!"):
        i = text.find("\n") if "\n" in text else len(text)

    def add(kind: str, value: str) -> None:
        nonlocal newline
        tokens.append(Token(kind, value, line, newline))
        newline = False

    def template_from(start: int) -> int:
        """Reads template text from `start` (just past "`" or "}") to its end or to a
        `${`; returns the index after it."""
        j = start
        while j < len(text) and text[j] != "`":
            if text[j] == "\\":
                j += 2
                continue
            if text.startswith("${", j):
                templates.append(depth)
                add("string", text[start:j])
                return j + 2
            j += 1
        add("string", text[start:j])
        return j + 1

    while i < len(text):
        ch = text[i]
        if ch == "\n":
            line, newline, i = line + 1, True, i + 1
        elif ch.isspace():
            i += 1
        elif text.startswith("//", i):
            i = text.find("\n", i) if "\n" in text[i:] else len(text)
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = len(text) if end < 0 else end + 2
            line += text.count("\n", i, end)
            newline = newline or "\n" in text[i:end]
            i = end
        elif ch in "'\"":
            end = _string_end(text, i, ch)
            add("string", text[i + 1 : end - 1])
            i = end
        elif ch == "`":
            end = template_from(i + 1)
            line += text.count("\n", i, end)
            i = end
        elif ch == "/":
            prev = tokens[-1] if tokens else None
            if prev is None or (prev.kind == "punct" and prev.text in BEFORE_REGEX) or (prev.kind == "name" and prev.text in KEYWORDS_BEFORE_REGEX):
                end = _regex_end(text, i)
                add("regex", text[i:end])
                i = end
            else:
                add("punct", ch)
                i += 1
        elif ch.isalnum() or ch in "_$#":
            m = re.compile(r"[\w$#]+").match(text, i)
            assert m
            add("name", m.group(0))
            i = m.end()
        elif ch == "}" and templates and templates[-1] == depth:
            templates.pop()
            end = template_from(i + 1)
            line += text.count("\n", i, end)
            i = end
        else:
            op = next((o for o in ("=>", "...", "?.") if text.startswith(o, i)), ch)
            depth += (op == "{") - (op == "}")
            add("punct", op)
            i += len(op)
    return tokens


@dataclass
class Load:
    """One load of another module: the name it loads, its line, the statement's text, and
    whether it runs inside a function."""

    name: str
    line: int
    text: str
    in_function: bool


def _string_after(tokens: list[Token], i: int) -> str | None:
    """The string of `( 'name' )` starting at token `i`, or None (no call, or a name
    computed at run time)."""
    if i + 2 < len(tokens) and tokens[i].text == "(" and tokens[i + 1].kind == "string" and tokens[i + 2].text == ")":
        return tokens[i + 1].text
    return None


def _static_import_name(tokens: list[Token], i: int) -> str | None:
    """The module an `import` or `export` statement at token `i` names after `from` (or
    directly, `import './x.js'`), or None when it names none (`export const x = ...`)."""
    first = tokens[i + 1] if i + 1 < len(tokens) else None
    if first is None:
        return None
    if first.kind == "string" and tokens[i].text == "import":
        return first.text
    if tokens[i].text == "export" and first.text not in ("{", "*"):
        return None
    depth = 0
    for j in range(i + 1, len(tokens) - 1):
        tok = tokens[j]
        if depth == 0 and (tok.text == ";" or (tok.newline and tok.kind == "name" and tok.text in STATEMENT_HEADS)):
            return None
        depth += (tok.text == "{") - (tok.text == "}")
        if depth == 0 and tok.kind == "name" and tok.text == "from" and tokens[j + 1].kind == "string":
            return tokens[j + 1].text
    return None


def loads(text: str) -> list[Load]:
    """Every module a file's code loads by a name written in it."""
    tokens = tokenize(text)
    lines = text.split("\n")
    out: list[Load] = []
    # One entry per open bracket: is it a function body? `(`/`[` never are; an `arrow`
    # entry stands for the concise body of an arrow function, at the depth it ends.
    frames: list[str] = []
    # For each open `(`, the token before it (to tell `if (...) {` from `f(...) {`).
    heads: list[str] = []
    last_closed_head = ""
    for i, tok in enumerate(tokens):
        text_ = tok.text
        if tok.kind == "punct":
            while frames and frames[-1] == "arrow" and text_ in (",", ";", ")", "]", "}"):
                frames.pop()
            if text_ == "(":
                heads.append(tokens[i - 1].text if i else "")
                frames.append("(")
            elif text_ == "[":
                frames.append("[")
            elif text_ == "{":
                prev = tokens[i - 1].text if i else ""
                is_body = prev == "=>" or (prev == ")" and last_closed_head not in BLOCK_HEADS)
                frames.append("function" if is_body else "{")
            elif text_ in (")", "]", "}"):
                if frames:
                    frames.pop()
                if text_ == ")" and heads:
                    last_closed_head = heads.pop()
            elif text_ == "=>" and i + 1 < len(tokens) and tokens[i + 1].text != "{":
                frames.append("arrow")
            continue
        if tok.newline and tok.kind == "name" and tok.text in STATEMENT_HEADS:
            while frames and frames[-1] == "arrow":
                frames.pop()
        if tok.kind != "name" or (i and tokens[i - 1].text in (".", "?.")):
            continue
        name = None
        if text_ == "require" or (text_ == "import" and i + 1 < len(tokens) and tokens[i + 1].text == "("):
            name = _string_after(tokens, i + 1)
        elif text_ in ("import", "export") and (i == 0 or tok.newline or tokens[i - 1].text in (";", "}")):
            name = _static_import_name(tokens, i)
        if name is not None:
            in_function = any(f in ("function", "arrow") for f in frames)
            out.append(Load(name, tok.line, lines[tok.line - 1].strip(), in_function))
    return out


def resolve(root: Path, importer: str, name: str) -> str | None:
    """The file under `root` that `name`, loaded from `importer`, is; None for a package,
    a file outside `root` or one that is no JavaScript source."""
    if not (name.startswith("./") or name.startswith("../") or name in (".", "..")):
        return None
    base = (root / importer).parent / name
    candidates = [base] + [base.with_name(base.name + ext) for ext in EXTENSIONS] + [base / f"index{ext}" for ext in EXTENSIONS]
    for candidate in candidates:
        if candidate.is_file() and candidate.suffix in EXTENSIONS:
            try:
                return candidate.resolve().relative_to(root.resolve()).as_posix()
            except ValueError:
                return None
    return None


def sources(root: Path) -> list[str]:
    """The JavaScript files under `root`, `node_modules` left out."""
    found = [p for ext in EXTENSIONS for p in root.rglob(f"*{ext}") if "node_modules" not in p.parts]
    return sorted(p.relative_to(root).as_posix() for p in found)


def edges(root: Path) -> dict[str, dict[str, str]]:
    """Each file under `root` with the files it loads, each with the first name that
    loads it and its line (`'./x' (line 3)`)."""
    out: dict[str, dict[str, str]] = {}
    for rel in sources(root):
        targets: dict[str, str] = {}
        for load in loads((root / rel).read_text(encoding="utf-8")):
            target = resolve(root, rel, load.name)
            if target is not None and target != rel:
                lazy = ", in a function" if load.in_function else ""
                targets.setdefault(target, f"'{load.name}' line {load.line}{lazy}")
        out[rel] = targets
    return out


def graph(root: Path) -> dict[str, set[str]]:
    """Each file under `root` with the files it loads."""
    return {rel: set(targets) for rel, targets in edges(root).items()}


def lazy_loads(root: Path) -> list[tuple[str, int, str]]:
    """The loads inside functions, as (file, line, text), whatever they load."""
    return [(rel, load.line, load.text) for rel in sources(root) for load in loads((root / rel).read_text(encoding="utf-8")) if load.in_function]
