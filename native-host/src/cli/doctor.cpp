#include "cli/doctor.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>

#include <nlohmann/json.hpp>

#include "cli/browser_table.h"
#include "cli/cli.h"
#include "core/limits.h"
#include "core/text.h"

namespace mxh::cli {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

const std::string kInstallFix = installFix();

std::string shownPath(const fs::path& path) {
  return displayPath(path.string());
}

std::string_view osName(Os os) {
  return os == Os::macos ? "macos" : "linux";
}

// "a|b|c" -> {a, b, c}; "-" is the empty list.
std::vector<std::string_view> alternatives(std::string_view field) {
  std::vector<std::string_view> parts;
  if (field == "-") return parts;
  std::size_t start = 0;
  while (start <= field.size()) {
    const std::size_t bar = std::min(field.find('|', start), field.size());
    if (bar > start) parts.push_back(field.substr(start, bar - start));
    start = bar + 1;
  }
  return parts;
}

// A path of the table on this machine: "~/.config/..." under configHome (Linux, as the
// browsers honour XDG_CONFIG_HOME), "~/..." under home, "/..." under root.
fs::path resolve(std::string_view tablePath, const DoctorEnvironment& env) {
  constexpr std::string_view kConfig = "~/.config/";
  if (env.os == Os::linux_os && tablePath.starts_with(kConfig)) {
    return env.configHome / fs::path(tablePath.substr(kConfig.size()));
  }
  if (tablePath.starts_with("~/")) return env.home / fs::path(tablePath.substr(2));
  const std::size_t relative = tablePath.find_first_not_of('/');
  return relative == std::string_view::npos ? env.root : env.root / fs::path(tablePath.substr(relative));
}

bool pathExists(const fs::path& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

bool isDetected(const BrowserRow& row, const DoctorEnvironment& env) {
  for (const std::string_view rule : alternatives(row.detect)) {
    if (rule.starts_with("cmd:")) {
      if (env.commandOnPath && env.commandOnPath(rule.substr(4))) return true;
    } else if (pathExists(resolve(rule, env))) {
      return true;
    }
  }
  return false;
}

// The Errc codes belong to the CLI's and the protocol's contract; the doctor only shows the
// message of these errors, never their code.
Result<std::string> readManifest(const fs::path& file) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(file, ec);
  if (ec) return Error{Errc::registration_unreadable, "cannot be read: " + ec.message()};
  if (size > limits::kMaxManifestBytes) {
    return Error{Errc::registration_unreadable, "is larger than " + std::to_string(limits::kMaxManifestBytes / 1024) +
                                                    " KiB, so it is not a native messaging host manifest"};
  }
  std::ifstream in(file, std::ios::binary);
  if (!in)
    return Error{Errc::registration_unreadable,
                 "cannot be read: " + std::error_code(errno, std::generic_category()).message()};
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return Error{Errc::registration_unreadable, "cannot be read"};
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

// The adapter between nlohmann's exceptions and our error values.
Result<Json> parseJson(std::string_view text) {
  try {
    return Json::parse(text);
  } catch (const Json::exception& e) {
    return Error{Errc::registration_invalid, e.what()};
  }
}

const Json* stringMember(const Json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? &*it : nullptr;
}

// Whether `object[name]` is an array that contains the string `wanted`.
bool listContains(const Json& object, const char* name, std::string_view wanted) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_array()) return false;
  return std::any_of(it->begin(), it->end(), [&](const Json& item) {
    return item.is_string() && item.get_ref<const std::string&>() == wanted;
  });
}

void checkPath(const Json& manifest, bool systemScope, const std::string& file, const DoctorEnvironment& env,
               std::vector<Problem>& problems) {
  const std::string setPath =
      "put the absolute path of the mxhealth binary in \"path\" in " + file + ", or " + kInstallFix;
  const Json* value = stringMember(manifest, "path");
  if (value == nullptr) {
    problems.push_back({Health::broken, file + " has no \"path\" (the binary the browser starts)", setPath});
    return;
  }
  const std::string& text = value->get_ref<const std::string&>();
  const fs::path binary(text);
  if (!binary.is_absolute()) {
    problems.push_back({Health::broken,
                        file + ": \"path\" is " + displayPath(text) +
                            ", not an absolute path; browsers on Linux and macOS need an absolute path",
                        setPath});
    return;
  }
  std::error_code ec;
  const fs::file_status status = fs::status(binary, ec);
  if (status.type() == fs::file_type::not_found) {
    problems.push_back(
        {Health::broken, file + ": \"path\" names " + displayPath(text) + ", which does not exist", setPath});
    return;
  }
  if (ec || status.type() != fs::file_type::regular) {
    problems.push_back(
        {Health::broken, file + ": \"path\" names " + displayPath(text) + ", which is not a program file", setPath});
    return;
  }
  if (::access(binary.c_str(), X_OK) != 0 ||
      (systemScope && (status.permissions() & fs::perms::others_exec) == fs::perms::none)) {
    problems.push_back({Health::broken,
                        file + ": " + displayPath(text) + " is not executable" + (systemScope ? " by every user" : ""),
                        "run: chmod 755 " + displayPath(text)});
    return;
  }
  if (!env.self.empty() && !fs::equivalent(binary, env.self, ec) && !ec) {
    problems.push_back({Health::warning,
                        file + ": \"path\" names " + displayPath(text) + ", another mxhealth than this one (" +
                            shownPath(env.self) + ")",
                        "if the browser should use this one, run " + std::string(kInstallCommand) +
                            " again from its source folder; otherwise nothing to do"});
  }
}

void checkAllowed(const Json& manifest, std::string_view family, const std::string& file,
                  std::vector<Problem>& problems) {
  const HostIdentity& id = hostIdentity();
  const bool chromium = family == "chromium";
  const char* key = chromium ? "allowed_origins" : "allowed_extensions";
  const char* otherKey = chromium ? "allowed_extensions" : "allowed_origins";
  const std::string_view wanted = chromium ? id.chromiumOrigin : id.firefoxExtensionId;
  if (listContains(manifest, key, wanted)) return;
  const std::string addIt = "add \"" + std::string(wanted) + "\" to \"" + key + "\" in " + file + ", or " + kInstallFix;
  if (!manifest.contains(key) && manifest.contains(otherKey)) {
    problems.push_back({Health::broken,
                        file + " is a " + (chromium ? "Firefox" : "Chromium") + " manifest (it has \"" + otherKey +
                            "\"), but this directory belongs to a " +
                            (chromium ? "Chromium-based browser" : "Firefox") + ", which needs \"" + key + "\"",
                        kInstallFix + " (it writes the right kind of manifest for each browser)"});
    return;
  }
  problems.push_back({Health::broken,
                      file + ": \"" + key + "\" does not contain " + std::string(wanted) +
                          ", so the browser will not let the mxhealth extension start the host",
                      addIt});
}

LocationCheck checkLocation(const BrowserRow& row, const DoctorEnvironment& env) {
  LocationCheck check;
  check.row = &row;
  check.manifest = resolve(row.directory, env) / (std::string(hostIdentity().hostName) + ".json");
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(check.manifest, ec);
  if (status.type() == fs::file_type::not_found || status.type() == fs::file_type::none) return check;
  check.present = true;
  const std::string file = shownPath(check.manifest);
  auto text = readManifest(check.manifest);
  if (!text) {
    check.problems.push_back({Health::broken, file + " " + text.error().message,
                              "make it a readable file (chmod 644 " + file + "), or delete it and " + kInstallFix});
    return check;
  }
  if (row.scope == "system" &&
      (fs::status(check.manifest, ec).permissions() & fs::perms::others_read) == fs::perms::none) {
    check.problems.push_back({Health::broken, file + " cannot be read by other users, so their browsers ignore it",
                              "run: chmod 644 " + file});
  }
  for (Problem& problem : checkManifestText(*text, row.family, row.scope == "system", check.manifest, env)) {
    check.problems.push_back(std::move(problem));
  }
  return check;
}

Health worst(Health a, Health b) {
  return static_cast<int>(a) >= static_cast<int>(b) ? a : b;
}

std::string sandboxKind(const fs::path& path) {
  return path.string().find("/.var/app/") != std::string::npos ? "Flatpak" : "Snap";
}

void finish(BrowserCheck& check, const std::vector<fs::path>& sandboxes) {
  bool anyPresent = false;
  for (const LocationCheck& location : check.locations) {
    anyPresent = anyPresent || location.present;
    if (location.present && worstOf(location.problems) != Health::broken) check.registered = true;
  }
  const std::string name(check.name);
  for (const fs::path& path : sandboxes) {
    check.problems.push_back({Health::warning,
                              name + " is installed as a " + sandboxKind(path) + " (" + shownPath(path) +
                                  "); sandboxed browsers usually cannot start native messaging hosts",
                              "install " + name +
                                  " from your distribution's packages or from its maker's site, "
                                  "not as a Snap or Flatpak, and use that one with mxhealth"});
  }
  if (check.detected && !anyPresent) {
    check.problems.push_back({Health::broken, name + " is installed, but mxhealth is not registered for it",
                              kInstallFix + " (it registers every browser it finds)"});
  }
  check.health = worstOf(check.problems);
  for (const LocationCheck& location : check.locations) check.health = worst(check.health, worstOf(location.problems));
}

}  // namespace

std::string installFix() {
  return "run " + std::string(kInstallCommand) + " (from the mxhealth source folder), then restart the browser";
}

Health worstOf(const std::vector<Problem>& problems) {
  Health health = Health::ok;
  for (const Problem& problem : problems) health = worst(health, problem.severity);
  return health;
}

std::span<const BrowserRow> browserTable() {
  return generated::kBrowserRows;
}

const HostIdentity& hostIdentity() {
  return generated::kHostIdentity;
}

std::vector<Problem> checkManifestText(std::string_view text, std::string_view family, bool systemScope,
                                       const fs::path& manifest, const DoctorEnvironment& env) {
  std::vector<Problem> problems;
  const std::string file = shownPath(manifest);
  const std::string rewrite = kInstallFix + " (it rewrites " + file + ")";
  const HostIdentity& id = hostIdentity();
  try {
    auto parsed = parseJson(text);
    if (!parsed) {
      problems.push_back(
          {Health::broken, file + " is not valid JSON (" + displayPath(parsed.error().message) + ")", rewrite});
      return problems;
    }
    const Json& json = *parsed;
    if (!json.is_object()) {
      problems.push_back({Health::broken, file + " is not a JSON object", rewrite});
      return problems;
    }
    const Json* name = stringMember(json, "name");
    if (name == nullptr || name->get_ref<const std::string&>() != id.hostName) {
      problems.push_back(
          {Health::broken,
           file + ": \"name\" is " +
               (name == nullptr ? std::string("missing") : displayPath(name->get_ref<const std::string&>())) +
               ", not " + std::string(id.hostName),
           "set \"name\" to \"" + std::string(id.hostName) + "\" in " + file + ", or " + kInstallFix});
    }
    const Json* type = stringMember(json, "type");
    if (type == nullptr || type->get_ref<const std::string&>() != "stdio") {
      problems.push_back(
          {Health::broken,
           file + ": \"type\" is " +
               (type == nullptr ? std::string("missing") : displayPath(type->get_ref<const std::string&>())) +
               ", not stdio",
           "set \"type\" to \"stdio\" in " + file + ", or " + kInstallFix});
    }
    checkPath(json, systemScope, file, env, problems);
    checkAllowed(json, family, file, problems);
  } catch (const std::exception& e) {
    // Not expected (the checks above look before they take), but a manifest must never crash us.
    problems.push_back(
        {Health::broken, file + " could not be checked: " + displayPath(std::string_view(e.what())), rewrite});
  }
  return problems;
}

std::vector<BrowserCheck> checkBrowsers(const DoctorEnvironment& env) {
  std::vector<BrowserCheck> checks;
  std::vector<std::vector<fs::path>> sandboxes;  // per check: the Snap and Flatpak paths found
  for (const BrowserRow& row : browserTable()) {
    if (row.os != osName(env.os)) continue;
    auto it = std::find_if(checks.begin(), checks.end(),
                           [&](const BrowserCheck& check) { return check.browser == row.browser; });
    if (it == checks.end()) {
      BrowserCheck check;
      check.browser = row.browser;
      check.name = row.name;
      checks.push_back(std::move(check));
      sandboxes.emplace_back();
      it = std::prev(checks.end());
    }
    auto& found = sandboxes[static_cast<std::size_t>(it - checks.begin())];
    it->detected = it->detected || isDetected(row, env);
    for (const std::string_view rule : alternatives(row.sandbox)) {
      const fs::path path = resolve(rule, env);
      if (pathExists(path) && std::find(found.begin(), found.end(), path) == found.end()) found.push_back(path);
    }
    it->locations.push_back(checkLocation(row, env));
  }
  for (std::size_t i = 0; i < checks.size(); ++i) {
    if (!sandboxes[i].empty()) checks[i].detected = true;
    finish(checks[i], sandboxes[i]);
  }
  return checks;
}

}  // namespace mxh::cli
