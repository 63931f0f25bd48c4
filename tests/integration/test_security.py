"""Claims of docs/security.md that hold for the source and the binary as they are built: the
extension has no door for web pages or other extensions, the background serves its own pages
only, and the host can neither start a program nor ask a resolver other than libunbound, and
opens connections in two places only (the SMTP probe and the MTA-STS fetch).

The source tests read files of this checkout and need neither the world nor root. The binary
tests read the dynamic symbol table of MXHEALTH_BIN with nm (binutils): a function of the C
library that the host's own code calls is an undefined symbol there. Under the sanitizers their
interceptors define some of those functions inside the binary, so the binary tests run on the
plain build only.

Whole file: well under 1 s.
"""
from __future__ import annotations

import json
import os
import pathlib
import re
import shutil
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
EXTENSION = REPO / "extension"
HOST_SOURCE = REPO / "native-host" / "src"

# The C library's ways to start another program (a shell is one), and the headers of the
# libraries that wrap them.
STARTS_A_PROGRAM = {"system", "popen", "execl", "execle", "execlp", "execv", "execve", "execvp", "execvpe",
                    "execveat", "fexecve", "fork", "vfork", "posix_spawn", "posix_spawnp", "wordexp"}
PROGRAM_HEADERS = re.compile(
    r'#include\s*[<"](spawn\.h|wordexp\.h|Poco/Process\.h|Poco/PipeStream\.h|boost/process[^>"]*)[>"]')
# The C library's resolver and Poco's: the host asks DNS through libunbound only.
RESOLVES_NAMES = {"getaddrinfo", "gethostbyname", "gethostbyname2", "gethostbyname_r", "gethostbyaddr",
                  "getnameinfo", "res_query", "res_search", "res_nquery", "res_nsearch"}


def host_sources() -> list[pathlib.Path]:
    files = sorted(p for p in HOST_SOURCE.rglob("*") if p.suffix in (".cpp", ".h"))
    assert len(files) > 50, f"only {len(files)} source files under {HOST_SOURCE}"
    return files


def code_only(source: str) -> str:
    """C++ source without its comments, string literals and character literals: what is left
    can only be code."""
    token = re.compile(r"""R"([^(\s]*)\(.*?\)\1"|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])+'|//[^\n]*|/\*.*?\*/""", re.S)
    return token.sub(lambda m: "\n" * m.group(0).count("\n") or " ", source)


def js_code_lines(source: str) -> str:
    """A script without its comment lines (// and the lines of /* */ blocks), as
    tests/e2e/extension_rules.mjs reads the extension."""
    return "\n".join(line for line in source.split("\n") if not re.match(r"\s*(//|/\*|\*)", line))


def calls_of(names: set[str], source: str) -> list[str]:
    """Free-function calls of `names` (plain, ::name or std::name), not members or longer names."""
    pattern = re.compile(r"(?<![\w.>:])(?:(?:std)?::)?(" + "|".join(sorted(names)) + r")\s*\(")
    return [m.group(0) for m in pattern.finditer(source)]


def extension_scripts() -> dict[str, str]:
    scripts = {p.name: p.read_text(encoding="utf-8") for p in sorted(EXTENSION.glob("*.js"))}
    assert "background.js" in scripts, f"no background.js in {EXTENSION}"
    return scripts


def function_body(source: str, name: str) -> str:
    """The text of `function NAME(...) { ... }` (top-level functions: up to the closing brace at
    the start of a line)."""
    m = re.search(r"^(?:async\s+)?function\s+" + re.escape(name) + r"\s*\([^)]*\)\s*\{\n(.*?)^\}", source,
                  re.S | re.M)
    assert m, f"no top-level function {name} in background.js"
    return m.group(1)


def undefined_symbols(binary: str) -> set[str]:
    """The functions the binary takes from shared libraries, without their version suffix."""
    if os.environ.get("MXH_SANITIZED", "0") == "1":
        pytest.skip("the sanitizers' interceptors define these functions inside the binary")
    nm = shutil.which("nm")
    assert nm, "nm (binutils) is needed to read the binary's symbol table"
    out = subprocess.run([nm, "-D", "--undefined-only", binary], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    symbols = {line.split()[-1].split("@")[0] for line in out.splitlines() if line.strip()}
    assert "connect" in symbols and "socket" in symbols, f"not the symbol table of the host? {sorted(symbols)[:20]}"
    return symbols


# ------------------------------------------------------------------------------------
# A malicious web page or extension
# ------------------------------------------------------------------------------------

def test_the_extension_has_no_door_for_web_pages_or_other_extensions():
    """No externally_connectable (web pages cannot message it, and the default lets other
    extensions only reach onMessageExternal/onConnectExternal, which nothing listens to), no
    content script, no page a web page may load, no way to run code in a web page."""
    manifest = json.loads((EXTENSION / "manifest.json").read_text(encoding="utf-8"))
    for key in ("externally_connectable", "content_scripts", "web_accessible_resources"):
        assert key not in manifest, f"manifest.json has {key}"
    assert "scripting" not in manifest["permissions"], manifest["permissions"]
    for name, source in extension_scripts().items():
        source = js_code_lines(source)
        for door in ("onMessageExternal", "onConnectExternal", "executeScript", "registerContentScripts",
                     "insertCSS"):
            assert door not in source, f"{name} uses {door}"


def test_every_message_listener_checks_its_sender():
    """Only background.js listens to runtime messages and ports, and each of its two listeners
    first drops whatever does not come from a page of this extension (fromOurPages: the sender's
    extension id is ours and its URL is one of our pages)."""
    scripts = extension_scripts()
    listeners = {}
    for name, source in scripts.items():
        for event, handler in re.findall(r"\bruntime\.(onConnect|onMessage)\.addListener\(\s*([^)]*)\)", source):
            assert name == "background.js", f"{name} listens to runtime.{event}"
            listeners[event] = handler.strip()
    assert listeners == {"onConnect": "onPageConnect", "onMessage": "onRuntimeMessage"}, listeners

    background = scripts["background.js"]
    for handler, refusal in (("onPageConnect", "port.disconnect();"), ("onRuntimeMessage", "return false;")):
        first, then = function_body(background, handler).lstrip().split("\n")[:2]
        assert re.match(r"if \(.*!fromOurPages\([a-z.]*sender\)", first), f"{handler} starts with: {first}"
        assert refusal in first + then, f"{handler} does not refuse a foreign sender at once:\n{first}\n{then}"
    check = function_body(background, "fromOurPages")
    assert "sender?.id === api.runtime.id" in check, check
    assert "sender.url.startsWith(api.runtime.getURL(''))" in check, check


# ------------------------------------------------------------------------------------
# The host: no program started, no resolver but libunbound
# ------------------------------------------------------------------------------------

def test_the_host_source_cannot_start_a_program():
    """No source file of the host calls system, popen, an exec function, fork or posix_spawn, or
    includes a library that wraps them (Poco::Process, Boost.Process)."""
    found = []
    for path in host_sources():
        text = path.read_text(encoding="utf-8")
        source = code_only(text)
        found += [f"{path.relative_to(REPO)}: {call}" for call in calls_of(STARTS_A_PROGRAM, source)]
        found += [f"{path.relative_to(REPO)}: {m.group(0)}" for m in PROGRAM_HEADERS.finditer(text)]
        if "Poco::Process" in source or "Poco::ProcessRunner" in source:
            found.append(f"{path.relative_to(REPO)}: Poco::Process")
    assert not found, "\n".join(found)


def test_the_binary_imports_no_way_to_start_a_program(binary):
    """What the source test says, for the binary as built (the static libraries linked in
    included): none of the C library's functions that start a program is imported."""
    used = undefined_symbols(binary) & STARTS_A_PROGRAM
    assert not used, f"{binary} imports {sorted(used)}"


def test_the_host_connects_from_two_places_only():
    """The host opens a connection in two places: the SMTP probe (to an MX address) and the
    HTTPS fetch of the MTA-STS policy (to an address of the policy host). Everything else
    (PTR, blocklists, TLSA, SPF, DMARC) is a question to the resolver, asked by libunbound."""
    where_allowed = {
        # a raw socket and connect(2): the one socket class (and the HTTPS client's Poco socket,
        # a variable named socket)
        r"(?<![\w.>:])(?:::)?(?:socket|connect)\s*\(": {"net/socket.h", "net/socket.cpp", "http/https_get.cpp"},
        # its connect: defined there, called by the probe
        r"\bSocket::connect\s*\(": {"net/socket.cpp", "smtp/probe.cpp"},
        # the HTTPS client: defined in http/, called by the MTA-STS fetch
        r"\bhttpsGet\s*\(": {"http/https_get.h", "http/https_get.cpp", "checks/policy/mta_sts.cpp"},
        # Poco's sockets and sessions: inside the HTTPS client only
        r"\bPoco::Net::\w*(?:Socket|Session)\b": {"http/https_get.cpp"},
    }
    found = []
    for path in host_sources():
        source = code_only(path.read_text(encoding="utf-8"))
        name = str(path.relative_to(HOST_SOURCE))
        for pattern, allowed in where_allowed.items():
            if name not in allowed:
                found += [f"{name}: {m.group(0)}" for m in re.finditer(pattern, source)]
    assert not found, "connections opened outside the probe and the MTA-STS fetch:\n" + "\n".join(found)


def test_the_host_asks_no_resolver_but_libunbound(binary):
    """Names are looked up through libunbound only: the host has no call of the C library's
    resolver, in its source or in the binary, so no second lookup at connect time can answer
    differently from the one the contact rule judged."""
    found = []
    for path in host_sources():
        source = code_only(path.read_text(encoding="utf-8"))
        found += [f"{path.relative_to(REPO)}: {call}" for call in calls_of(RESOLVES_NAMES, source)]
        if re.search(r"Poco::Net::(DNS|HostEntry)\b", source):
            found.append(f"{path.relative_to(REPO)}: Poco::Net::DNS")
    assert not found, "\n".join(found)
    used = undefined_symbols(binary) & RESOLVES_NAMES
    assert not used, f"{binary} imports {sorted(used)}"
