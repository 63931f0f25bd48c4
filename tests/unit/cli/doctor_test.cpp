#define BOOST_TEST_MODULE cli_doctor
#include "cli/doctor.h"

#include <boost/test/unit_test.hpp>

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;
using mxh::cli::BrowserCheck;
using mxh::cli::DoctorEnvironment;
using mxh::cli::Health;
using mxh::cli::Os;
using mxh::cli::Problem;

namespace {

constexpr std::string_view kOrigin = "chrome-extension://epkcmgmaaiimdmlbdkhcifjgiojchicg/";
constexpr std::string_view kAddonId = "mxhealth@mxhealth.org";

void writeFile(const fs::path& path, std::string_view text, fs::perms perms = fs::perms(0644)) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  fs::permissions(path, perms);
}

std::string manifest(std::string_view family, const fs::path& binary) {
  std::string allowed = family == "firefox" ? R"("allowed_extensions": [")" + std::string(kAddonId) + R"("])"
                                            : R"("allowed_origins": [")" + std::string(kOrigin) + R"("])";
  return R"({"name": "org.mxhealth.host", "description": "test", "path": ")" + binary.string() +
         R"(", "type": "stdio", )" + allowed + "}";
}

// A home, a system root and an installed binary in a fresh temp folder; no browser, no
// command on PATH.
struct Sandbox {
  fs::path dir;
  DoctorEnvironment env;
  std::set<std::string> commands;

  Sandbox() {
    std::string pattern = (fs::temp_directory_path() / "mxh-doctor-XXXXXX").string();
    BOOST_REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    dir = pattern;
    env.os = Os::linux_os;
    env.home = dir / "home";
    env.configHome = env.home / ".config";
    env.root = dir / "root";
    env.self = dir / "bin" / "mxhealth";
    env.commandOnPath = [this](std::string_view name) { return commands.count(std::string(name)) > 0; };
    fs::create_directories(env.home);
    fs::create_directories(env.root);
    writeFile(env.self, "#!/bin/sh\n", fs::perms(0755));
  }
  ~Sandbox() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  fs::path chromeUserManifest() const {
    return env.configHome / "google-chrome/NativeMessagingHosts/org.mxhealth.host.json";
  }
  fs::path firefoxUserManifest() const { return env.home / ".mozilla/native-messaging-hosts/org.mxhealth.host.json"; }
};

const BrowserCheck& find(const std::vector<BrowserCheck>& checks, std::string_view browser) {
  const auto it =
      std::find_if(checks.begin(), checks.end(), [&](const BrowserCheck& c) { return c.browser == browser; });
  BOOST_REQUIRE(it != checks.end());
  return *it;
}

std::string allText(const BrowserCheck& check) {
  std::string text;
  for (const auto& location : check.locations) {
    for (const Problem& problem : location.problems) text += problem.message + "\n" + problem.fix + "\n";
  }
  for (const Problem& problem : check.problems) text += problem.message + "\n" + problem.fix + "\n";
  return text;
}

std::vector<Problem> checkText(const Sandbox& box, std::string_view text, std::string_view family = "chromium",
                               bool system = false) {
  return mxh::cli::checkManifestText(text, family, system, box.chromeUserManifest(), box.env);
}

bool hasProblem(const std::vector<Problem>& problems, Health severity, std::string_view fragment) {
  return std::any_of(problems.begin(), problems.end(), [&](const Problem& p) {
    return p.severity == severity && p.message.find(fragment) != std::string::npos && !p.fix.empty();
  });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(doctor_test)

BOOST_AUTO_TEST_CASE(the_table_covers_every_browser_os_and_scope) {
  const auto table = mxh::cli::browserTable();
  for (std::string_view browser : {"chrome", "chromium", "edge", "brave", "vivaldi", "firefox"}) {
    for (std::string_view os : {"linux", "macos"}) {
      for (std::string_view scope : {"user", "system"}) {
        const bool found = std::any_of(table.begin(), table.end(), [&](const mxh::cli::BrowserRow& row) {
          return row.browser == browser && row.os == os && row.scope == scope;
        });
        BOOST_TEST(found, browser << " " << os << " " << scope);
      }
    }
  }
  for (const auto& row : table) {
    BOOST_TEST((row.family == (row.browser == "firefox" ? "firefox" : "chromium")), row.browser);
    BOOST_TEST((row.scope == "user" ? row.directory.starts_with("~/") : row.directory.starts_with("/")), row.directory);
    BOOST_TEST(!row.detect.empty());
    BOOST_TEST(!row.source.empty());
  }
  BOOST_TEST(mxh::cli::hostIdentity().hostName == "org.mxhealth.host");
  BOOST_TEST(mxh::cli::hostIdentity().chromiumOrigin == kOrigin);
  BOOST_TEST(mxh::cli::hostIdentity().firefoxExtensionId == kAddonId);
}

BOOST_AUTO_TEST_CASE(nothing_registered_is_exit_2_with_the_install_command) {
  Sandbox box;
  std::ostringstream out;
  BOOST_TEST(mxh::cli::runDoctor(box.env, out) == 2);
  BOOST_TEST(out.str().find("not registered with any browser") != std::string::npos, out.str());
  BOOST_TEST(out.str().find("installer/install.sh") != std::string::npos);
  BOOST_TEST(out.str().find("- Google Chrome: not found, not registered") != std::string::npos, out.str());
}

BOOST_AUTO_TEST_CASE(working_registrations_are_exit_0) {
  Sandbox box;
  fs::create_directories(box.env.configHome / "google-chrome");
  fs::create_directories(box.env.home / ".mozilla/firefox");
  writeFile(box.chromeUserManifest(), manifest("chromium", box.env.self));
  writeFile(box.firefoxUserManifest(), manifest("firefox", box.env.self));
  const auto checks = mxh::cli::checkBrowsers(box.env);
  BOOST_TEST(mxh::cli::doctorExitStatus(checks) == 0);
  for (std::string_view browser : {"chrome", "firefox"}) {
    const BrowserCheck& check = find(checks, browser);
    BOOST_TEST(check.detected);
    BOOST_TEST(check.registered);
    BOOST_TEST((check.health == Health::ok), allText(check));
  }
  const std::string report = mxh::cli::formatDoctorReport(box.env, checks);
  BOOST_TEST(report.find("✓ Google Chrome: registered in " + box.chromeUserManifest().string()) != std::string::npos,
             report);
  BOOST_TEST(report.find("✓ Firefox: registered in") != std::string::npos, report);
}

BOOST_AUTO_TEST_CASE(an_installed_browser_without_a_manifest_is_broken) {
  Sandbox box;
  box.commands.insert("brave-browser");  // Brave found on PATH
  writeFile(box.firefoxUserManifest(), manifest("firefox", box.env.self));
  const auto checks = mxh::cli::checkBrowsers(box.env);
  const BrowserCheck& brave = find(checks, "brave");
  BOOST_TEST(brave.detected);
  BOOST_TEST((brave.health == Health::broken));
  BOOST_TEST(allText(brave).find("not registered") != std::string::npos, allText(brave));
  BOOST_TEST(allText(brave).find("installer/install.sh") != std::string::npos);
  BOOST_TEST(mxh::cli::doctorExitStatus(checks) == 1);
  const std::string report = mxh::cli::formatDoctorReport(box.env, checks);
  BOOST_TEST(report.find("✕ Brave: installed, not registered") != std::string::npos, report);
  BOOST_TEST(report.find("      fix: run installer/install.sh") != std::string::npos, report);
}

BOOST_AUTO_TEST_CASE(a_broken_manifest_next_to_a_working_one_is_exit_1) {
  Sandbox box;
  writeFile(box.chromeUserManifest(), manifest("chromium", box.dir / "nowhere/mxhealth"));
  writeFile(box.firefoxUserManifest(), manifest("firefox", box.env.self));
  const auto checks = mxh::cli::checkBrowsers(box.env);
  BOOST_TEST(mxh::cli::doctorExitStatus(checks) == 1);
  const BrowserCheck& chrome = find(checks, "chrome");
  BOOST_TEST(!chrome.registered);
  BOOST_TEST(allText(chrome).find("which does not exist") != std::string::npos, allText(chrome));
  BOOST_TEST(allText(chrome).find(box.chromeUserManifest().string()) != std::string::npos);
  const std::string report = mxh::cli::formatDoctorReport(box.env, checks);
  BOOST_TEST(report.find("✕ Google Chrome: the registration does not work") != std::string::npos, report);
}

BOOST_AUTO_TEST_CASE(manifest_mistakes_are_named_with_a_fix) {
  Sandbox box;
  const std::string self = box.env.self.string();
  BOOST_TEST(checkText(box, manifest("chromium", box.env.self)).empty());
  BOOST_TEST(hasProblem(checkText(box, "{not json"), Health::broken, "not valid JSON"));
  BOOST_TEST(hasProblem(checkText(box, "[1, 2]"), Health::broken, "not a JSON object"));
  BOOST_TEST(hasProblem(checkText(box, ""), Health::broken, "not valid JSON"));

  std::string text = manifest("chromium", box.env.self);
  auto replaced = [&](std::string_view from, std::string_view to) {
    std::string copy = text;
    copy.replace(copy.find(from), from.size(), to);
    return copy;
  };
  BOOST_TEST(hasProblem(checkText(box, replaced("org.mxhealth.host", "org.other.host")), Health::broken,
                        "\"name\" is org.other.host"));
  BOOST_TEST(hasProblem(checkText(box, replaced("stdio", "socket")), Health::broken, "\"type\" is socket"));
  BOOST_TEST(hasProblem(checkText(box, replaced(self, "bin/mxhealth")), Health::broken, "not an absolute path"));
  BOOST_TEST(hasProblem(checkText(box, replaced(self, "/nonexistent/mxhealth")), Health::broken, "does not exist"));
  BOOST_TEST(hasProblem(checkText(box, replaced(self, box.dir.string())), Health::broken, "not a program file"));
  BOOST_TEST(hasProblem(checkText(box, replaced(kOrigin, "chrome-extension://aaaabbbbccccddddeeeeffffgggghhhh/")),
                        Health::broken, "does not contain " + std::string(kOrigin)));
  BOOST_TEST(hasProblem(checkText(box, manifest("firefox", box.env.self)), Health::broken, "is a Firefox manifest"));
  BOOST_TEST(hasProblem(checkText(box, manifest("chromium", box.env.self), "firefox"), Health::broken,
                        "is a Chromium manifest"));

  // More origins than ours are fine.
  BOOST_TEST(
      checkText(box, replaced("\"allowed_origins\": [", R"("allowed_origins": ["chrome-extension://x/", )")).empty());
}

BOOST_AUTO_TEST_CASE(a_binary_that_cannot_run_is_broken) {
  Sandbox box;
  const fs::path notExecutable = box.dir / "bin/mxhealth-plain";
  writeFile(notExecutable, "data", fs::perms(0644));
  // Root may run anything with an x bit, so only the missing x bit is tested for user scope.
  BOOST_TEST(hasProblem(checkText(box, manifest("chromium", notExecutable)), Health::broken, "is not executable"));
  const fs::path ownerOnly = box.dir / "bin/mxhealth-owner-only";
  writeFile(ownerOnly, "#!/bin/sh\n", fs::perms(0700));
  BOOST_TEST(checkText(box, manifest("chromium", ownerOnly)).size() == 1U);  // only "another mxhealth"
  BOOST_TEST(hasProblem(checkText(box, manifest("chromium", ownerOnly), "chromium", true), Health::broken,
                        "not executable by every user"));
}

BOOST_AUTO_TEST_CASE(another_mxhealth_is_a_warning_not_an_error) {
  Sandbox box;
  const fs::path other = box.dir / "elsewhere/mxhealth";
  writeFile(other, "#!/bin/sh\n", fs::perms(0755));
  const auto problems = checkText(box, manifest("chromium", other));
  BOOST_TEST(problems.size() == 1U);
  BOOST_TEST(hasProblem(problems, Health::warning, "another mxhealth than this one"));

  writeFile(box.chromeUserManifest(), manifest("chromium", other));
  const auto checks = mxh::cli::checkBrowsers(box.env);
  BOOST_TEST(find(checks, "chrome").registered);
  BOOST_TEST((find(checks, "chrome").health == Health::warning));
  BOOST_TEST(mxh::cli::doctorExitStatus(checks) == 0);
  BOOST_TEST(mxh::cli::formatDoctorReport(box.env, checks).find("! Google Chrome: registered") != std::string::npos);

  // A symbolic link to this binary is this binary.
  const fs::path link = box.dir / "link/mxhealth";
  fs::create_directories(link.parent_path());
  fs::create_symlink(box.env.self, link);
  BOOST_TEST(checkText(box, manifest("chromium", link)).empty());
}

BOOST_AUTO_TEST_CASE(system_manifests_must_be_readable_by_everyone) {
  Sandbox box;
  const fs::path system = box.env.root / "etc/opt/chrome/native-messaging-hosts/org.mxhealth.host.json";
  writeFile(system, manifest("chromium", box.env.self), fs::perms(0600));
  auto checks = mxh::cli::checkBrowsers(box.env);
  BOOST_TEST(allText(find(checks, "chrome")).find("cannot be read by other users") != std::string::npos,
             allText(find(checks, "chrome")));
  fs::permissions(system, fs::perms(0644));
  checks = mxh::cli::checkBrowsers(box.env);
  BOOST_TEST(find(checks, "chrome").registered);
  BOOST_TEST(mxh::cli::doctorExitStatus(checks) == 0);
}

BOOST_AUTO_TEST_CASE(unreadable_odd_and_huge_manifests_are_broken) {
  Sandbox box;
  fs::create_directories(box.chromeUserManifest().parent_path());
  fs::create_symlink(box.dir / "missing-target.json", box.chromeUserManifest());
  auto checks = mxh::cli::checkBrowsers(box.env);
  BOOST_TEST((find(checks, "chrome").health == Health::broken));
  BOOST_TEST(allText(find(checks, "chrome")).find("cannot be read") != std::string::npos);

  fs::remove(box.chromeUserManifest());
  writeFile(box.chromeUserManifest(), std::string(100 * 1024, ' '));
  checks = mxh::cli::checkBrowsers(box.env);
  BOOST_TEST(allText(find(checks, "chrome")).find("larger than 64 KiB") != std::string::npos);

  fs::remove(box.chromeUserManifest());
  fs::create_directories(box.chromeUserManifest());
  checks = mxh::cli::checkBrowsers(box.env);
  BOOST_TEST((find(checks, "chrome").health == Health::broken));
}

BOOST_AUTO_TEST_CASE(hostile_text_is_shown_escaped) {
  Sandbox box;
  std::string text = manifest("chromium", box.env.self);
  text.replace(text.find("org.mxhealth.host"), 17, "evil\\u001b[2Jname");
  writeFile(box.chromeUserManifest(), text);
  const std::string report = mxh::cli::formatDoctorReport(box.env, mxh::cli::checkBrowsers(box.env));
  BOOST_TEST(report.find('\x1b') == std::string::npos);
  BOOST_TEST(report.find("evil\\x1b[2Jname") != std::string::npos, report);
}

BOOST_AUTO_TEST_CASE(snap_and_flatpak_browsers_are_warned_about) {
  Sandbox box;
  writeFile(box.env.root / "snap/bin/chromium", "", fs::perms(0755));
  fs::create_directories(box.env.home / ".var/app/org.mozilla.firefox");
  writeFile(box.firefoxUserManifest(), manifest("firefox", box.env.self));
  const auto checks = mxh::cli::checkBrowsers(box.env);
  const BrowserCheck& chromium = find(checks, "chromium");
  BOOST_TEST(chromium.detected);
  BOOST_TEST(allText(chromium).find("installed as a Snap") != std::string::npos, allText(chromium));
  const BrowserCheck& firefox = find(checks, "firefox");
  BOOST_TEST((firefox.health == Health::warning));
  BOOST_TEST(allText(firefox).find("installed as a Flatpak") != std::string::npos, allText(firefox));
}

BOOST_AUTO_TEST_CASE(config_home_and_macos_paths_follow_the_table) {
  Sandbox box;
  box.env.configHome = box.dir / "xdg";
  writeFile(box.env.configHome / "chromium/NativeMessagingHosts/org.mxhealth.host.json",
            manifest("chromium", box.env.self));
  BOOST_TEST(find(mxh::cli::checkBrowsers(box.env), "chromium").registered);

  box.env.os = Os::macos;
  writeFile(box.env.home / "Library/Application Support/Mozilla/NativeMessagingHosts/org.mxhealth.host.json",
            manifest("firefox", box.env.self));
  fs::create_directories(box.env.root / "Applications/Firefox.app");
  const auto checks = mxh::cli::checkBrowsers(box.env);
  BOOST_TEST(find(checks, "firefox").registered);
  BOOST_TEST(find(checks, "firefox").detected);
  BOOST_TEST(!find(checks, "chromium").registered);  // the Linux folder does not count on macOS
  BOOST_TEST(mxh::cli::formatDoctorReport(box.env, checks).find("(macOS)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_environment_comes_from_the_process) {
  Sandbox box;
  const char* savedHome = std::getenv("HOME");
  const std::string home = savedHome != nullptr ? savedHome : "";
  ::setenv("HOME", box.env.home.c_str(), 1);
  ::setenv("MXH_INSTALL_ROOT", box.env.root.c_str(), 1);
  ::unsetenv("XDG_CONFIG_HOME");
  const auto env = mxh::cli::currentDoctorEnvironment();
  ::unsetenv("MXH_INSTALL_ROOT");
  if (savedHome != nullptr) ::setenv("HOME", home.c_str(), 1);
  BOOST_REQUIRE(env.ok());
  BOOST_TEST(env->home == box.env.home);
  BOOST_TEST(env->configHome == box.env.home / ".config");
  BOOST_TEST(env->root == box.env.root);
  BOOST_TEST(!env->self.empty());
  BOOST_TEST(env->commandOnPath("sh"));
  BOOST_TEST(!env->commandOnPath("no-such-command-mxh"));
  BOOST_TEST(!env->commandOnPath("/bin/sh"));
}

BOOST_AUTO_TEST_SUITE_END()
