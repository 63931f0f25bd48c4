"""Tests of installer/install.sh and `mxhealth doctor` together, on Linux.

Every run installs an already-built binary (--binary, --no-deps) into a temporary HOME, and
"system-wide" into a temporary root (MXH_INSTALL_ROOT), so nothing outside the temporary
folder is touched and nothing is built or downloaded. PATH holds only the tools the installer
needs, so the browsers of this machine are not "found"; a test that wants a browser makes its
configuration folder or puts a fake command on PATH.

Environment: MXHEALTH_BIN, the built binary (default build/native-host/mxhealth).
Run: MXHEALTH_BIN=$PWD/build/native-host/mxhealth /usr/bin/python3 -m pytest -q tests/installer
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import shutil
import stat
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
INSTALL_SH = REPO / "installer" / "install.sh"
TABLE = REPO / "manifests" / "browsers.tsv"
BINARY = pathlib.Path(os.environ.get("MXHEALTH_BIN", REPO / "build" / "native-host" / "mxhealth")).resolve()
HOST = "org.mxhealth.host"
ORIGIN = "chrome-extension://epkcmgmaaiimdmlbdkhcifjgiojchicg/"
ADDON_ID = "mxhealth@mxhealth.org"
TOOLS = ["bash", "uname", "id", "dirname", "awk", "sed", "mktemp", "cp", "chmod", "chown", "mv", "mkdir",
         "rm", "rmdir", "sort", "cut", "getent", "cat"]

pytestmark = pytest.mark.skipif(not BINARY.is_file(), reason=f"no mxhealth binary at {BINARY} (set MXHEALTH_BIN)")


def table_rows(os_name: str = "linux") -> list[dict[str, str]]:
    fields = ["browser", "name", "family", "os", "scope", "directory", "detect", "sandbox", "source"]
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        row = dict(zip(fields, line.split("\t"), strict=True))
        if row["os"] == os_name:
            rows.append(row)
    return rows


class Machine:
    """A temporary HOME, system root and PATH, and helpers to run the installer and doctor."""

    def __init__(self, base: pathlib.Path):
        self.base = base
        self.home = base / "home"
        self.root = base / "root"
        self.bin = base / "path-bin"
        for folder in (self.home, self.root, self.bin):
            folder.mkdir()
        for tool in TOOLS:
            found = shutil.which(tool)
            assert found, f"{tool} is needed by the installer"
            (self.bin / tool).symlink_to(found)

    def env(self, **extra: str) -> dict[str, str]:
        env = {"PATH": str(self.bin), "HOME": str(self.home), "MXH_INSTALL_ROOT": str(self.root),
               "LANG": "C.UTF-8"}
        env.update(extra)
        return env

    def install(self, *args: str, binary: pathlib.Path = BINARY, check: bool = True,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        command = ["bash", str(INSTALL_SH), "--binary", str(binary), "--no-deps", *args]
        result = subprocess.run(command, env=env or self.env(), capture_output=True, text=True, timeout=120)
        if check:
            assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
        return result

    def uninstall(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        result = subprocess.run(["bash", str(INSTALL_SH), "--uninstall", *args], env=env or self.env(),
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr
        return result

    def doctor(self, binary: pathlib.Path | None = None) -> subprocess.CompletedProcess:
        binary = binary or self.home / ".local" / "bin" / "mxhealth"
        return subprocess.run([str(binary), "doctor"], env=self.env(), capture_output=True, text=True,
                              timeout=60)

    def fake_command(self, name: str) -> None:
        path = self.bin / name
        path.write_text("#!/bin/sh\nexit 0\n")
        path.chmod(0o755)

    def user_dir(self, row: dict[str, str]) -> pathlib.Path:
        assert row["directory"].startswith("~/")
        return self.home / row["directory"][2:]

    def system_dir(self, row: dict[str, str]) -> pathlib.Path:
        return self.root / row["directory"].lstrip("/")


def snapshot(folder: pathlib.Path) -> dict[str, tuple]:
    """Every path under `folder` with its type, mode and (for files) content hash."""
    result = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        if stat.S_ISREG(info.st_mode):
            result[str(path.relative_to(folder))] = ("file", stat.S_IMODE(info.st_mode),
                                                     hashlib.sha256(path.read_bytes()).hexdigest())
        else:
            result[str(path.relative_to(folder))] = (stat.S_IFMT(info.st_mode), stat.S_IMODE(info.st_mode))
    return result


def assert_manifest(path: pathlib.Path, family: str, binary: pathlib.Path) -> None:
    assert path.is_file(), f"no manifest at {path}"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    assert manifest["name"] == HOST
    assert manifest["type"] == "stdio"
    assert manifest["path"] == str(binary)
    assert pathlib.PurePosixPath(manifest["path"]).is_absolute()
    assert manifest["description"]
    if family == "firefox":
        assert manifest["allowed_extensions"] == [ADDON_ID]
        assert "allowed_origins" not in manifest
    else:
        assert manifest["allowed_origins"] == [ORIGIN]
        assert "allowed_extensions" not in manifest


@pytest.fixture
def machine(tmp_path: pathlib.Path) -> Machine:
    return Machine(tmp_path)


def test_user_install_registers_the_browsers_it_finds(machine: Machine):
    (machine.home / ".config" / "google-chrome").mkdir(parents=True)
    (machine.home / ".mozilla" / "firefox").mkdir(parents=True)
    machine.fake_command("vivaldi")  # found on PATH
    result = machine.install()

    installed = machine.home / ".local" / "bin" / "mxhealth"
    assert installed.is_file()
    assert os.access(installed, os.X_OK)
    assert stat.S_IMODE(installed.stat().st_mode) == 0o755
    assert installed.read_bytes() == BINARY.read_bytes()

    found = {"chrome", "firefox", "vivaldi"}
    for row in table_rows():
        if row["scope"] != "user":
            continue
        manifest = machine.user_dir(row) / f"{HOST}.json"
        if row["browser"] in found:
            assert_manifest(manifest, row["family"], installed)
            assert row["name"] in result.stdout
        else:
            assert not manifest.exists(), f"{row['browser']} was not found but got {manifest}"
    assert list(machine.root.iterdir()) == [], "a per-user install wrote system files"
    assert (machine.home / ".local" / "share" / "mxhealth" / "install-receipt").is_file()
    assert "Load unpacked" in result.stdout and "about:debugging" in result.stdout

    doctor = machine.doctor()
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    for name in ("Google Chrome", "Firefox", "Vivaldi"):
        assert f"✓ {name}: registered in {machine.home}" in doctor.stdout, doctor.stdout
    assert f"This binary: {installed}" in doctor.stdout


def test_all_browsers_registers_every_browser_of_the_table(machine: Machine):
    machine.install("--all-browsers")
    installed = machine.home / ".local" / "bin" / "mxhealth"
    rows = [row for row in table_rows() if row["scope"] == "user"]
    assert {row["browser"] for row in rows} == {"chrome", "chromium", "edge", "brave", "vivaldi", "firefox"}
    for row in rows:
        assert_manifest(machine.user_dir(row) / f"{HOST}.json", row["family"], installed)
    doctor = machine.doctor()
    assert doctor.returncode == 0, doctor.stdout
    for row in rows:
        assert f"✓ {row['name']}: registered" in doctor.stdout, doctor.stdout


def test_no_browser_found_installs_the_binary_and_says_so(machine: Machine):
    result = machine.install()
    assert (machine.home / ".local" / "bin" / "mxhealth").is_file()
    assert "no browser found" in result.stderr
    assert "--all-browsers" in result.stderr
    doctor = machine.doctor()
    assert doctor.returncode == 2, doctor.stdout
    assert "not registered with any browser" in doctor.stdout
    assert "installer/install.sh" in doctor.stdout


def _corrupt_path(manifest: pathlib.Path) -> str:
    data = json.loads(manifest.read_text())
    data["path"] = "/nonexistent/mxhealth"
    manifest.write_text(json.dumps(data))
    return "/nonexistent/mxhealth, which does not exist"


def _corrupt_origin(manifest: pathlib.Path) -> str:
    data = json.loads(manifest.read_text())
    data["allowed_origins"] = ["chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/"]
    manifest.write_text(json.dumps(data))
    return f'"allowed_origins" does not contain {ORIGIN}'


def _corrupt_json(manifest: pathlib.Path) -> str:
    manifest.write_text('{"name": "org.mxhealth.host",')
    return "is not valid JSON"


def _corrupt_type(manifest: pathlib.Path) -> str:
    data = json.loads(manifest.read_text())
    data["type"] = "pipe"
    manifest.write_text(json.dumps(data))
    return '"type" is pipe, not stdio'


def _remove(manifest: pathlib.Path) -> str:
    manifest.unlink()
    return "Google Chrome is installed, but mxhealth is not registered for it"


@pytest.mark.parametrize("corrupt", [_corrupt_path, _corrupt_origin, _corrupt_json, _corrupt_type, _remove],
                         ids=["wrong-path", "wrong-origin", "invalid-json", "wrong-type", "missing"])
def test_doctor_names_a_broken_registration_and_its_fix(machine: Machine, corrupt):
    (machine.home / ".config" / "google-chrome").mkdir(parents=True)
    (machine.home / ".mozilla" / "firefox").mkdir(parents=True)
    machine.install()
    manifest = machine.home / ".config" / "google-chrome" / "NativeMessagingHosts" / f"{HOST}.json"
    expected = corrupt(manifest)

    doctor = machine.doctor()
    assert doctor.returncode == 1, doctor.stdout
    lines = doctor.stdout.splitlines()
    problem = next((i for i, line in enumerate(lines) if expected in line), None)
    assert problem is not None, f"{expected!r} not in:\n{doctor.stdout}"
    assert lines[problem].lstrip().startswith("✕")
    assert lines[problem + 1].lstrip().startswith("fix: ")
    if corrupt is not _remove:
        assert str(manifest) in lines[problem]
    assert any(line.startswith("✕ Google Chrome") for line in lines), doctor.stdout
    assert "✓ Firefox: registered" in doctor.stdout  # the other browser is still fine

    # Running the installer again repairs it.
    machine.install()
    assert machine.doctor().returncode == 0


def test_doctor_catches_a_wrong_firefox_extension_id(machine: Machine):
    (machine.home / ".mozilla" / "firefox").mkdir(parents=True)
    machine.install()
    manifest = machine.home / ".mozilla" / "native-messaging-hosts" / f"{HOST}.json"
    data = json.loads(manifest.read_text())
    data["allowed_extensions"] = ["someone@else.org"]
    manifest.write_text(json.dumps(data))
    doctor = machine.doctor()
    assert doctor.returncode == 1
    assert f'"allowed_extensions" does not contain {ADDON_ID}' in doctor.stdout
    assert f'fix: add "{ADDON_ID}" to "allowed_extensions" in {manifest}' in doctor.stdout


def test_doctor_warns_when_the_manifest_names_another_binary(machine: Machine):
    (machine.home / ".config" / "chromium").mkdir(parents=True)
    machine.install()
    # The build's binary is not the installed one: a warning, not an error.
    doctor = machine.doctor(BINARY)
    assert doctor.returncode == 0, doctor.stdout
    assert "! Chromium: registered" in doctor.stdout
    assert "another mxhealth than this one" in doctor.stdout


def test_uninstall_removes_exactly_what_was_installed(machine: Machine):
    (machine.home / ".config" / "google-chrome").mkdir(parents=True)
    (machine.home / ".mozilla" / "firefox").mkdir(parents=True)
    hosts = machine.home / ".mozilla" / "native-messaging-hosts"
    hosts.mkdir()
    (hosts / "org.example.other.json").write_text('{"name": "org.example.other"}\n')
    (machine.home / ".local" / "share" / "mxhealth").mkdir(parents=True)
    (machine.home / ".local" / "share" / "mxhealth" / "history.jsonl").write_text("{}\n")
    before = snapshot(machine.home)

    machine.install()
    machine.install("--all-browsers")  # a second install adds to the receipt
    assert snapshot(machine.home) != before
    result = machine.uninstall()
    assert "removed" in result.stdout
    assert snapshot(machine.home) == before
    assert (hosts / "org.example.other.json").is_file()
    assert list(machine.root.iterdir()) == []

    doctor = machine.doctor(BINARY)
    assert doctor.returncode != 0
    again = machine.uninstall()  # nothing left to remove is not an error
    assert "nothing to remove" in again.stdout


def test_uninstall_only_removes_our_own_file_names(machine: Machine):
    machine.install("--all-browsers")
    bystander = machine.base / "precious.txt"
    bystander.write_text("keep me\n")
    receipt = machine.home / ".local" / "share" / "mxhealth" / "install-receipt"
    with receipt.open("a") as out:
        out.write(f"file\t{bystander}\n")
    result = machine.uninstall()
    assert bystander.read_text() == "keep me\n"
    assert "not removing" in result.stderr


def test_system_install_into_a_redirected_root(machine: Machine):
    (machine.home / ".config" / "google-chrome").mkdir(parents=True)
    (machine.home / ".mozilla" / "firefox").mkdir(parents=True)
    home_before = snapshot(machine.home)
    machine.install("--system")

    installed = machine.root / "usr" / "local" / "bin" / "mxhealth"
    assert stat.S_IMODE(installed.stat().st_mode) == 0o755
    assert snapshot(machine.home) == home_before, "a --system install wrote into HOME"
    for row in table_rows():
        if row["scope"] != "system":
            continue
        manifest = machine.system_dir(row) / f"{HOST}.json"
        if row["browser"] in ("chrome", "firefox"):
            assert_manifest(manifest, row["family"], installed)
            assert stat.S_IMODE(manifest.stat().st_mode) == 0o644
            assert stat.S_IMODE(manifest.parent.stat().st_mode) == 0o755
    assert (machine.root / "var" / "lib" / "mxhealth" / "install-receipt").is_file()

    doctor = machine.doctor(installed)
    assert doctor.returncode == 0, doctor.stdout
    assert f"✓ Google Chrome: registered in {machine.root}/etc/opt/chrome/native-messaging-hosts" in doctor.stdout
    assert f"✓ Firefox: registered in {machine.root}/usr/lib/mozilla/native-messaging-hosts" in doctor.stdout

    machine.uninstall("--system")
    assert list(machine.root.iterdir()) == []
    assert snapshot(machine.home) == home_before


def test_prefix_and_odd_characters_in_paths(machine: Machine):
    (machine.home / ".config" / "chromium").mkdir(parents=True)
    prefix = machine.base / "opt & co|x y"
    machine.install("--prefix", str(prefix))
    installed = prefix / "bin" / "mxhealth"
    assert installed.is_file()
    assert_manifest(machine.home / ".config" / "chromium" / "NativeMessagingHosts" / f"{HOST}.json", "chromium",
                    installed)
    assert machine.doctor(installed).returncode == 0
    machine.uninstall()
    assert not prefix.joinpath("bin").exists()


def test_snap_and_flatpak_browsers_are_warned_about(machine: Machine):
    snap_chromium = machine.root / "snap" / "bin" / "chromium"
    snap_chromium.parent.mkdir(parents=True)
    snap_chromium.write_text("")
    (machine.home / ".var" / "app" / "org.mozilla.firefox").mkdir(parents=True)
    (machine.home / ".mozilla" / "firefox").mkdir(parents=True)
    result = machine.install()
    assert "Chromium is installed as a Snap" in result.stderr
    assert "Firefox is installed as a Flatpak" in result.stderr
    doctor = machine.doctor()
    assert "Chromium is installed as a Snap" in doctor.stdout
    assert "Firefox is installed as a Flatpak" in doctor.stdout


def test_help_and_mistakes(machine: Machine):
    help_run = subprocess.run(["bash", str(INSTALL_SH), "--help"], env=machine.env(), capture_output=True,
                              text=True, timeout=30)
    assert help_run.returncode == 0
    for option in ("--system", "--uninstall", "--prefix", "--binary", "--no-deps", "--all-browsers"):
        assert option in help_run.stdout
    bad = subprocess.run(["bash", str(INSTALL_SH), "--bogus"], env=machine.env(), capture_output=True, text=True,
                         timeout=30)
    assert bad.returncode == 2
    assert "unknown option --bogus" in bad.stderr
    missing = machine.install(binary=machine.base / "no-such-binary", check=False)
    assert missing.returncode != 0
    assert "not an executable file" in missing.stderr
    assert list(machine.home.iterdir()) == []


root_only = pytest.mark.skipif(os.geteuid() != 0, reason="simulating sudo needs root")


@root_only
def test_sudo_installs_for_the_user_who_ran_it(machine: Machine):
    """As root with SUDO_USER set: everything lands in that user's home, owned by that user,
    nothing in root's home. The user comes from a passwd-format file, so no account is made."""
    user_home = machine.base / "alice"
    (user_home / ".config" / "chromium").mkdir(parents=True)
    os.chown(user_home, 4242, 4242)
    passwd = machine.base / "passwd"
    passwd.write_text(f"alice:x:4242:4242:Alice:{user_home}:/bin/sh\n")
    root_home = machine.home  # stands in for /root: HOME as sudo leaves it
    env = machine.env(SUDO_USER="alice", MXH_INSTALL_PASSWD_FILE=str(passwd))
    before = snapshot(user_home)

    result = machine.install(env=env)
    assert list(root_home.iterdir()) == [], "files landed in root's home"
    assert list(machine.root.iterdir()) == []
    installed = user_home / ".local" / "bin" / "mxhealth"
    assert_manifest(user_home / ".config" / "chromium" / "NativeMessagingHosts" / f"{HOST}.json", "chromium",
                    installed)
    receipt = user_home / ".local" / "share" / "mxhealth" / "install-receipt"
    created = [pathlib.Path(line.split("\t", 1)[1]) for line in receipt.read_text().splitlines()]
    for path in [*created, receipt]:
        info = path.lstat()
        assert (info.st_uid, info.st_gid) == (4242, 4242), f"{path} is not owned by the user"
        assert str(path).startswith(str(user_home))
    assert str(installed) in result.stdout

    machine.uninstall(env=env)
    assert snapshot(user_home) == before


@root_only
def test_sudo_for_a_user_without_a_home_writes_nothing(machine: Machine):
    """SUDO_USER=nobody, whose home (/nonexistent) does not exist: the installer stops, and
    nothing lands in root's home (here HOME) or anywhere else."""
    nobody = subprocess.run(["getent", "passwd", "nobody"], capture_output=True, text=True)
    if nobody.returncode != 0 or pathlib.Path(nobody.stdout.strip().split(":")[5]).exists():
        pytest.skip("needs a 'nobody' user whose home does not exist")
    result = machine.install(env=machine.env(SUDO_USER="nobody"), check=False)
    assert result.returncode != 0
    assert "does not exist" in result.stderr
    assert list(machine.home.iterdir()) == []
    assert list(machine.root.iterdir()) == []
