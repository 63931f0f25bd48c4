#!/usr/bin/env bash
# Installs mxhealth and registers it as the native messaging host (org.mxhealth.host) of the
# browsers found on this computer, on Linux and macOS. Windows: installer/install.ps1.
# Every file and folder it creates is listed in a receipt, and --uninstall removes exactly those.
# Run it from the mxhealth source folder; see --help. Works with the bash 3.2 of macOS.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: installer/install.sh [options]

Builds mxhealth (Release, in build/release), installs it, and registers it with every browser
it finds (Chrome, Chromium, Edge, Brave, Vivaldi, Firefox), so the mxhealth extension can
start it. Then load the extension (the extension/ folder) in the browser.

  --system          install for all users: /usr/local/bin and the browsers' system folders
                    (needs root: sudo installer/install.sh --system)
  --uninstall       remove what an earlier install created (add --system for a --system one)
  --prefix DIR      install the binary to DIR/bin (default ~/.local, or /usr/local with --system)
  --binary PATH     install this mxhealth binary instead of building one
  --no-deps         do not install the build dependencies (installer/install-deps.sh, brew)
  --all-browsers    register with every browser in manifests/browsers.tsv, found or not
  -h, --help        this text

Under sudo without --system it installs for the user who ran sudo (SUDO_USER), not for root.
Check the result at any time with: mxhealth doctor
EOF
}

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$script_dir/.." && pwd)"
table="$repo/manifests/browsers.tsv"
host_name="org.mxhealth.host"
brew_packages=(cmake ninja pkg-config poco openssl@3 nlohmann-json unbound libpsl libidn2 boost)

say() { printf 'install: %s\n' "$*"; }
warn() { printf 'install: warning: %s\n' "$*" >&2; }
die() {
  printf 'install: %s\n' "$*" >&2
  exit 1
}

system=0
uninstall=0
prefix=""
binary=""
deps=1
all_browsers=0
while [ $# -gt 0 ]; do
  case "$1" in
    --system) system=1 ;;
    --uninstall) uninstall=1 ;;
    --prefix)
      [ $# -ge 2 ] || die "--prefix needs a folder"
      prefix="$2"
      shift
      ;;
    --prefix=*) prefix="${1#*=}" ;;
    --binary)
      [ $# -ge 2 ] || die "--binary needs the path of an mxhealth binary"
      binary="$2"
      shift
      ;;
    --binary=*) binary="${1#*=}" ;;
    --no-deps) deps=0 ;;
    --all-browsers) all_browsers=1 ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      printf 'install: unknown option %s\n\n' "$1" >&2
      usage >&2
      exit 2
      ;;
  esac
  shift
done

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=macos ;;
  *) die "this installer knows Linux and macOS; on Windows use installer/install.ps1" ;;
esac
[ -r "$table" ] || die "cannot read $table: run this script from the mxhealth source folder"

# MXH_INSTALL_ROOT puts every system path (/etc, /usr, /var, /Library, ...) under a prefix, so
# the tests can install "system-wide" into a temp folder. `mxhealth doctor` honours it too.
root="${MXH_INSTALL_ROOT:-}"
root="${root%/}"
case "$root" in "" | /*) ;; *) die "MXH_INSTALL_ROOT must be an absolute path" ;; esac

absolute() {
  case "$1" in
    /*) printf '%s' "$1" ;;
    *) printf '%s/%s' "$(pwd)" "$1" ;;
  esac
}

# --- Whose files: under sudo, the user who ran sudo; never root's home for a per-user install.
euid="$(id -u)"
sudo_user=""
if [ "$euid" -eq 0 ] && [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ]; then
  sudo_user="$SUDO_USER"
fi

# The password database entry of a user (name:x:uid:gid:gecos:home:shell).
# MXH_INSTALL_PASSWD_FILE, a file in that format, replaces the database for the tests.
passwd_entry() {
  if [ -n "${MXH_INSTALL_PASSWD_FILE:-}" ]; then
    awk -F: -v name="$1" '$1 == name { print; exit }' "$MXH_INSTALL_PASSWD_FILE"
  elif command -v getent >/dev/null 2>&1; then
    getent passwd "$1" || true
  elif [ "$os" = macos ]; then
    local home
    home="$(dscl . -read "/Users/$1" NFSHomeDirectory 2>/dev/null | sed -n 's/^NFSHomeDirectory: //p')"
    [ -z "$home" ] || printf '%s:x:%s:%s::%s:\n' "$1" "$(id -u "$1")" "$(id -g "$1")" "$home"
  fi
}

owner="" # uid:gid that gets what a per-user install under sudo writes into the user's home
if [ -n "$sudo_user" ]; then
  entry="$(passwd_entry "$sudo_user")"
  [ -n "$entry" ] || die "cannot find the user $sudo_user (SUDO_USER) in the password database"
  IFS=: read -r _ _ user_uid user_gid _ user_home _ <<<"$entry"
  owner="$user_uid:$user_gid"
  config_home="$user_home/.config"
else
  user_home="${HOME:-}"
  config_home="${XDG_CONFIG_HOME:-}"
  case "$config_home" in /*) ;; *) config_home="$user_home/.config" ;; esac
fi
case "$user_home" in
  /*) user_home="${user_home%/}" ;;
  *) die "cannot find the home folder: HOME is not set" ;;
esac
[ -d "$user_home" ] || [ "$system" -eq 1 ] || die "the home folder $user_home does not exist"

if [ "$system" -eq 1 ]; then
  scope=system
  if [ "$euid" -ne 0 ] && [ -z "$root" ]; then die "--system needs root: sudo $0 --system"; fi
  default_prefix="$root/usr/local"
  receipt="$root/var/lib/mxhealth/install-receipt"
else
  scope=user
  default_prefix="$user_home/.local"
  receipt="$user_home/.local/share/mxhealth/install-receipt"
fi
if [ "$scope" = system ]; then owner=""; fi # system files stay root's
prefix="$(absolute "${prefix:-$default_prefix}")"
prefix="${prefix%/}"
bin_dir="$prefix/bin"
installed="$bin_dir/mxhealth"

# A directory or detection path of the table on this machine. "~" is the table's literal
# spelling of the home folder, hence the quoted tildes.
# shellcheck disable=SC2088
expand() {
  case "$1" in
    "~/.config/"*)
      if [ "$os" = linux ]; then
        printf '%s/%s' "$config_home" "${1#"~/.config/"}"
      else
        printf '%s/%s' "$user_home" "${1#"~/"}"
      fi
      ;;
    "~/"*) printf '%s/%s' "$user_home" "${1#"~/"}" ;;
    /*) printf '%s%s' "$root" "$1" ;;
    *) die "bad path in $table: $1" ;;
  esac
}

# Whether one of the "|"-separated rules holds: a path exists, or cmd:NAME is on PATH.
any_exists() {
  local rule rules
  [ "$1" != "-" ] || return 1
  IFS='|' read -r -a rules <<<"$1"
  for rule in "${rules[@]}"; do
    case "$rule" in
      cmd:*) if command -v "${rule#cmd:}" >/dev/null 2>&1; then return 0; fi ;;
      *) if [ -e "$(expand "$rule")" ]; then return 0; fi ;;
    esac
  done
  return 1
}

# The paths of a "|"-separated list that exist, one per line.
existing_paths() {
  local rule rules path
  [ "$1" != "-" ] || return 0
  IFS='|' read -r -a rules <<<"$1"
  for rule in "${rules[@]}"; do
    path="$(expand "$rule")"
    if [ -e "$path" ]; then printf '%s\n' "$path"; fi
  done
}

# --- Uninstall: remove what the receipt lists, and nothing else.
uninstall_recorded() {
  if [ ! -f "$receipt" ]; then
    say "nothing to remove: there is no receipt at $receipt"
    if [ "$system" -eq 0 ]; then say "(a --system install keeps its receipt elsewhere: use --uninstall --system)"; fi
    return 0
  fi
  local kind path dirs removed=0
  # Deepest folders first (a child's path is longer than its parent's), each once.
  dirs="$(awk -F'\t' '$1 == "dir" && $2 ~ /^\// && !seen[$2]++ { print length($2) "\t" $2 }' "$receipt" |
    sort -t "$(printf '\t')" -k1,1nr | cut -f2-)"
  # Files: only our own file names, so a damaged or edited receipt cannot remove anything else.
  while IFS=$'\t' read -r kind path; do
    [ "$kind" = file ] || continue
    case "$path" in /*) ;; *) continue ;; esac
    case "${path##*/}" in
      mxhealth | "$host_name.json") ;;
      *)
        warn "not removing $path: the installer writes no file of that name"
        continue
        ;;
    esac
    if [ -f "$path" ] || [ -L "$path" ]; then
      rm -f "$path"
      say "removed $path"
      removed=$((removed + 1))
    fi
  done <"$receipt"
  rm -f "$receipt"
  # Folders: only when empty, so nothing that arrived in them since is lost.
  while IFS= read -r path; do
    [ -n "$path" ] || continue
    if [ -d "$path" ] && rmdir "$path" 2>/dev/null; then say "removed the empty folder $path"; fi
  done <<<"$dirs"
  say "removed $removed files. Restart the browsers."
}

if [ "$uninstall" -eq 1 ]; then
  uninstall_recorded
  exit 0
fi

# --- Install.
records=()  # "kind<TAB>path" of what this run created, appended to the receipt at exit
cleanup=()  # temporary files to remove at exit
record() { records+=("$1"$'\t'"$2"); }
contains() { # VALUE ITEM...: whether VALUE is one of the items
  local wanted="$1" item
  shift
  for item in "$@"; do if [ "$item" = "$wanted" ]; then return 0; fi; done
  return 1
}
own() { if [ -n "$owner" ]; then chown -h "$owner" "$1"; fi; }

# mkdir -p that records each folder it creates.
make_dir() {
  local dir="$1" missing=() created
  while [ ! -d "$dir" ]; do
    missing=("$dir" ${missing[@]+"${missing[@]}"})
    dir="$(dirname "$dir")"
  done
  for created in ${missing[@]+"${missing[@]}"}; do
    if [ "$scope" = system ]; then mkdir -m 755 "$created"; else mkdir "$created"; fi
    record dir "$created"
    own "$created"
  done
}

flush_receipt() {
  local status=$?
  if [ ${#cleanup[@]} -gt 0 ]; then rm -f "${cleanup[@]}"; fi
  if [ ${#records[@]} -gt 0 ]; then
    make_dir "$(dirname "$receipt")"
    local new_receipt=0
    [ -e "$receipt" ] || new_receipt=1
    printf '%s\n' "${records[@]}" >>"$receipt"
    records=()
    if [ "$new_receipt" -eq 1 ]; then own "$receipt"; fi
  fi
  return "$status"
}
trap flush_receipt EXIT

run_as_user() {
  if [ -n "$sudo_user" ]; then sudo -u "$sudo_user" -- "$@"; else "$@"; fi
}

install_deps() {
  if [ "$os" = linux ]; then
    if [ -r /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; then
      say "installing the build dependencies: installer/install-deps.sh"
      "$script_dir/install-deps.sh"
    else
      warn "not a Debian system: install CMake, Ninja, a C++20 compiler, Poco, OpenSSL 3, nlohmann-json," \
        "libunbound, libpsl, libidn2 and Boost.Test with your package manager, then run again with --no-deps"
    fi
  else
    command -v brew >/dev/null 2>&1 ||
      die "the build dependencies come from Homebrew (https://brew.sh): install it, or install them yourself and use --no-deps"
    say "installing the build dependencies: brew install ${brew_packages[*]}"
    run_as_user brew install "${brew_packages[@]}"
  fi
}

build() {
  command -v cmake >/dev/null 2>&1 || die "cmake is missing: run without --no-deps, or install it"
  local build_dir="$repo/build/release" options=()
  if [ "$os" = macos ] && command -v brew >/dev/null 2>&1; then
    options+=("-DOPENSSL_ROOT_DIR=$(brew --prefix openssl@3)")
  fi
  say "building mxhealth (Release) in $build_dir"
  run_as_user cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMXH_BUILD_TESTS=OFF \
    ${options[@]+"${options[@]}"}
  run_as_user cmake --build "$build_dir" --target mxhealth
  binary="$build_dir/native-host/mxhealth"
}

if [ "$deps" -eq 1 ]; then install_deps; fi
if [ -z "$binary" ]; then build; fi
binary="$(absolute "$binary")"
if [ ! -f "$binary" ] || [ ! -x "$binary" ]; then die "$binary is not an executable file"; fi
"$binary" --version >/dev/null 2>&1 || die "$binary does not run (try: $binary --version)"

case "$installed" in *$'\n'* | *$'\t'* | *'"'* | *\\*)
  die "the install folder $bin_dir contains a quote, backslash, tab or line break; choose another --prefix"
  ;;
esac

# The binary: copied next to its place, then renamed over it, so a running copy is never torn.
make_dir "$bin_dir"
tmp="$(mktemp "$bin_dir/.mxhealth.XXXXXX")"
cleanup+=("$tmp")
cp "$binary" "$tmp"
chmod 755 "$tmp"
mv -f "$tmp" "$installed"
record file "$installed"
own "$installed"
say "installed $installed"

# The manifests: for each browser found (or all, with --all-browsers), into each of its folders.
sed_path="$(printf '%s' "$installed" | sed -e 's/[|&]/\\&/g')"
written=() # folders written in this run (some browsers share one)
registered=()
not_found=()
sandbox_warnings=()
while IFS=$'\t' read -r browser name family row_os row_scope directory detect sandbox _source; do
  case "$browser" in "" | "#"*) continue ;; esac
  [ "$row_os" = "$os" ] || continue
  while IFS= read -r path; do
    [ -n "$path" ] || continue
    case "$path" in */.var/app/*) kind=Flatpak ;; *) kind=Snap ;; esac
    message="$name is installed as a $kind ($path). $kind browsers run in a sandbox and usually cannot start native messaging hosts such as mxhealth: install $name from your distribution's packages or its maker's site to use the extension."
    if ! contains "$message" ${sandbox_warnings[@]+"${sandbox_warnings[@]}"}; then sandbox_warnings+=("$message"); fi
  done <<<"$(existing_paths "$sandbox")"
  [ "$row_scope" = "$scope" ] || continue
  if [ "$all_browsers" -eq 0 ] && ! any_exists "$detect"; then
    if ! contains "$name" ${not_found[@]+"${not_found[@]}"}; then not_found+=("$name"); fi
    continue
  fi
  dir="$(expand "$directory")"
  manifest="$dir/$host_name.json"
  registered+=("$name"$'\t'"$manifest")
  if contains "$dir" ${written[@]+"${written[@]}"}; then continue; fi
  written+=("$dir")
  make_dir "$dir"
  tmp="$(mktemp "$dir/.$host_name.XXXXXX")"
  cleanup+=("$tmp")
  sed -e "s|@MXHEALTH_PATH@|$sed_path|" "$repo/manifests/$host_name.$family.json.in" >"$tmp"
  chmod 644 "$tmp"
  mv -f "$tmp" "$manifest"
  record file "$manifest"
  own "$manifest"
done <"$table"

flush_receipt

echo
if [ ${#registered[@]} -gt 0 ]; then
  say "registered $host_name for:"
  printf '%s\n' "${registered[@]}" | awk -F'\t' '{ printf "  %-15s %s\n", $1, $2 }'
else
  warn "no browser found (looked for $(printf '%s, ' ${not_found[@]+"${not_found[@]}"} | sed 's/, $//')); nothing registered." \
    "Install a browser and run this again, or use --all-browsers to register with all of them."
fi
if [ ${#sandbox_warnings[@]} -gt 0 ]; then
  for message in "${sandbox_warnings[@]}"; do warn "$message"; done
fi
uninstall_command="installer/install.sh --uninstall"
if [ "$system" -eq 1 ]; then uninstall_command="$uninstall_command --system"; fi
say "what this created is listed in $receipt; $uninstall_command removes it"
case ":${PATH:-}:" in *":$bin_dir:"*) doctor="mxhealth doctor" ;; *) doctor="$installed doctor" ;; esac
cat <<EOF

Next, load the extension (the folder $repo/extension):
  Chrome, Chromium, Edge, Brave, Vivaldi: open chrome://extensions (edge://extensions in Edge),
    turn on "Developer mode", click "Load unpacked" and choose the extension folder.
  Firefox: open about:debugging#/runtime/this-firefox, click "Load Temporary Add-on..." and
    choose manifest.json in the extension folder.
Then restart the browser. To check the registration at any time: $doctor
EOF
