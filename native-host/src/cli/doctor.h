// `mxhealth doctor`: checks that every browser can find and start mxhealth as its native
// messaging host, and says in plain words how to fix each problem it finds.
#pragma once

#include <filesystem>
#include <functional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace mxh::cli {

// One row of manifests/browsers.tsv (see that file for what the fields mean). CMake compiles
// the table into the binary, so the doctor checks exactly what installer/install.sh writes.
struct BrowserRow {
  std::string_view browser;    // "chrome", "firefox", ...
  std::string_view name;       // "Google Chrome"
  std::string_view family;     // "chromium" or "firefox"
  std::string_view os;         // "linux" or "macos"
  std::string_view scope;      // "user" or "system"
  std::string_view directory;  // "~/..." (user) or "/..." (system)
  std::string_view detect;     // "|"-separated: a path that exists, or "cmd:NAME" on PATH
  std::string_view sandbox;    // "|"-separated paths that show a Snap or Flatpak build, or "-"
  std::string_view source;     // where the directory comes from
};

// The host's name and the extensions that may start it (from manifests/*.json.in).
struct HostIdentity {
  std::string_view hostName;            // "org.mxhealth.host"
  std::string_view chromiumOrigin;      // "chrome-extension://ID/"
  std::string_view firefoxExtensionId;  // "mxhealth@mxhealth.org"
};

std::span<const BrowserRow> browserTable();
const HostIdentity& hostIdentity();

enum class Os { linux_os, macos };

// Everything the doctor looks at outside its arguments, so tests can point it at a temp dir.
struct DoctorEnvironment {
  Os os = Os::linux_os;
  std::filesystem::path home;                           // "~/" in the table
  std::filesystem::path configHome;                     // "~/.config/" in the table on Linux ($XDG_CONFIG_HOME)
  std::filesystem::path root = "/";                     // system directories are looked up under this prefix
  std::filesystem::path self;                           // this running binary; empty when unknown
  std::function<bool(std::string_view)> commandOnPath;  // is NAME an executable on PATH?
};

// This process's environment: HOME (else the password database), XDG_CONFIG_HOME, the
// running binary, PATH, and MXH_INSTALL_ROOT (a prefix for the system directories, which the
// installer honours too; for tests). An Error when the OS is not Linux or macOS or no home
// directory is known.
Result<DoctorEnvironment> currentDoctorEnvironment();

enum class Health { ok, warning, broken };

struct Problem {
  Health severity = Health::broken;
  std::string message;  // what is wrong, one sentence
  std::string fix;      // what to do about it, one sentence
};

// One place where the browser looks for the manifest.
struct LocationCheck {
  const BrowserRow* row = nullptr;
  std::filesystem::path manifest;  // DIRECTORY/org.mxhealth.host.json
  bool present = false;            // a file (or something) is there
  std::vector<Problem> problems;   // empty: present and fine
};

struct BrowserCheck {
  std::string_view browser;
  std::string_view name;
  bool detected = false;  // the browser seems to be installed for this user
  std::vector<LocationCheck> locations;
  std::vector<Problem> problems;  // about the browser as a whole (not registered, Snap, ...)
  Health health = Health::ok;     // the worst of all problems
  bool registered = false;        // at least one location has a manifest that works
};

// Checks one manifest's text. `family` is "chromium" or "firefox"; `systemScope` asks that
// other users can read and run what it names. Never throws.
std::vector<Problem> checkManifestText(std::string_view text, std::string_view family, bool systemScope,
                                       const std::filesystem::path& manifest, const DoctorEnvironment& env);

// The command that registers mxhealth with every browser it finds, and the fix that names it.
inline constexpr std::string_view kInstallCommand = "installer/install.sh";
std::string installFix();

// The worst severity among `problems` (ok when there are none).
Health worstOf(const std::vector<Problem>& problems);

// Every browser of the table for env.os, in table order.
std::vector<BrowserCheck> checkBrowsers(const DoctorEnvironment& env);

// 0 (kHealthy): registered, and nothing is broken. 1 (kWarnings): a manifest is broken, or an
// installed browser has none. 2 (kBroken): not registered with any browser.
int doctorExitStatus(const std::vector<BrowserCheck>& checks);

// One line per browser with ✓, ! or ✕ (or - when neither installed nor registered), then
// each problem with a "fix:" line.
std::string formatDoctorReport(const DoctorEnvironment& env, const std::vector<BrowserCheck>& checks);

// Checks, prints the report on `out`, returns the exit status.
int runDoctor(const DoctorEnvironment& env, std::ostream& out);

}  // namespace mxh::cli
