// mxhealth doctor: the environment it reads (home, config home, this binary, PATH).
#include <pwd.h>
#include <unistd.h>
#if defined(__APPLE__)
#include <mach-o/dyld.h>
#endif

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>

#include "cli/doctor.h"

namespace mxh::cli {

namespace fs = std::filesystem;

Result<DoctorEnvironment> currentDoctorEnvironment() {
  DoctorEnvironment env;
#if defined(__APPLE__)
  env.os = Os::macos;
#elif defined(__linux__)
  env.os = Os::linux_os;
#else
  return Error{Errc::registration_unsupported,
               "mxhealth doctor knows where the browsers of Linux and macOS look, not of this system"};
#endif
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] == '/') {
    env.home = home;
  } else if (const passwd* entry = ::getpwuid(::getuid());
             entry != nullptr && entry->pw_dir != nullptr && entry->pw_dir[0] == '/') {
    env.home = entry->pw_dir;
  } else {
    return Error{Errc::usage, "cannot find your home directory: HOME is not set"};
  }
  const char* config = std::getenv("XDG_CONFIG_HOME");
  env.configHome = config != nullptr && config[0] == '/' ? fs::path(config) : env.home / ".config";
  if (const char* root = std::getenv("MXH_INSTALL_ROOT"); root != nullptr && root[0] == '/') env.root = root;

  std::error_code ec;
#if defined(__APPLE__)
  std::uint32_t size = 0;
  _NSGetExecutablePath(nullptr, &size);
  std::string buffer(size, '\0');
  if (_NSGetExecutablePath(buffer.data(), &size) == 0) {
    buffer.resize(std::strlen(buffer.c_str()));
    env.self = fs::canonical(buffer, ec);
    if (ec) env.self = buffer;
  }
#else
  env.self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) env.self.clear();
#endif

  const char* path = std::getenv("PATH");
  env.commandOnPath = [searchPath = std::string(path != nullptr ? path : "")](std::string_view name) {
    if (name.empty() || name.find('/') != std::string_view::npos) return false;
    std::size_t start = 0;
    while (start <= searchPath.size()) {
      const std::size_t colon = std::min(searchPath.find(':', start), searchPath.size());
      const std::string_view dir = std::string_view(searchPath).substr(start, colon - start);
      start = colon + 1;
      if (dir.empty() || dir.front() != '/') continue;  // relative entries would depend on the current folder
      const fs::path candidate = fs::path(dir) / fs::path(name);
      std::error_code statusError;
      if (fs::is_regular_file(candidate, statusError) && ::access(candidate.c_str(), X_OK) == 0) return true;
    }
    return false;
  };
  return env;
}

}  // namespace mxh::cli
