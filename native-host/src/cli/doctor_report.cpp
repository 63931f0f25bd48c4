// mxhealth doctor: its report for a person, and its exit status.
#include <algorithm>
#include <sstream>

#include "cli/browser_table.h"
#include "cli/cli.h"
#include "cli/doctor.h"
#include "core/text.h"

namespace mxh::cli {
namespace {

std::string_view glyph(Health health) {
  switch (health) {
    case Health::ok: return "✓";
    case Health::warning: return "!";
    case Health::broken: return "✕";
  }
  return "?";
}

std::string shownPath(const std::filesystem::path& path) {
  return displayPath(path.string());
}

}  // namespace

int doctorExitStatus(const std::vector<BrowserCheck>& checks) {
  bool anyPresent = false;
  bool anyBroken = false;
  for (const BrowserCheck& check : checks) {
    anyBroken = anyBroken || check.health == Health::broken;
    for (const LocationCheck& location : check.locations) anyPresent = anyPresent || location.present;
  }
  if (!anyPresent) return kBroken;
  return anyBroken ? kWarnings : kHealthy;
}

std::string formatDoctorReport(const DoctorEnvironment& env, const std::vector<BrowserCheck>& checks) {
  std::ostringstream out;
  out << "mxhealth doctor: can your browsers start " << hostIdentity().hostName << "? ("
      << (env.os == Os::macos ? "macOS" : "Linux") << ")\n";
  out << "This binary: " << (env.self.empty() ? std::string("unknown") : shownPath(env.self)) << "\n\n";
  int ready = 0;
  int attention = 0;
  for (const BrowserCheck& check : checks) {
    const LocationCheck* usable = nullptr;
    int usableCount = 0;
    for (const LocationCheck& location : check.locations) {
      if (location.present && worstOf(location.problems) != Health::broken) {
        if (usable == nullptr) usable = &location;
        ++usableCount;
      }
    }
    const bool anyPresent = std::any_of(check.locations.begin(), check.locations.end(),
                                        [](const LocationCheck& location) { return location.present; });
    const bool idle = !check.detected && !anyPresent && check.health == Health::ok;
    out << (idle ? std::string_view("-") : glyph(check.health)) << " " << check.name << ": ";
    if (usable != nullptr) {
      out << "registered in " << shownPath(usable->manifest);
      if (usableCount > 1) out << " (and " << usableCount - 1 << " more)";
      if (!check.detected) out << " (the browser itself was not found)";
    } else if (anyPresent) {
      out << "the registration does not work";
    } else if (check.detected) {
      out << "installed, not registered";
    } else {
      out << "not found, not registered";
    }
    out << "\n";
    const auto print = [&](const Problem& problem) {
      out << "    " << glyph(problem.severity) << " " << problem.message << "\n";
      out << "      fix: " << problem.fix << "\n";
    };
    for (const LocationCheck& location : check.locations) {
      for (const Problem& problem : location.problems) print(problem);
    }
    for (const Problem& problem : check.problems) print(problem);
    if (check.health == Health::broken || check.health == Health::warning) ++attention;
    if (check.registered) ++ready;
  }
  out << "\n";
  const int status = doctorExitStatus(checks);
  if (status == kBroken) {
    out << "mxhealth is not registered with any browser. To register it, " << installFix() << ".\n";
  } else {
    out << ready << (ready == 1 ? " browser" : " browsers") << " can start mxhealth; " << attention
        << (attention == 1 ? " needs" : " need") << " attention.\n";
  }
  return out.str();
}

int runDoctor(const DoctorEnvironment& env, std::ostream& out) {
  const std::vector<BrowserCheck> checks = checkBrowsers(env);
  out << formatDoctorReport(env, checks);
  return doctorExitStatus(checks);
}

}  // namespace mxh::cli
