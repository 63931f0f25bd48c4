<#
.SYNOPSIS
Installs mxhealth.exe on Windows and registers it as the native messaging host
org.mxhealth.host of Chrome, Chromium, Edge, Brave, Vivaldi and Firefox.

.DESCRIPTION
Copies mxhealth.exe to %LOCALAPPDATA%\mxhealth (with -System: %ProgramFiles%\mxhealth), writes
the two host manifests next to it (from manifests\*.json.in), and points the browsers to them:
the default value of each registry key below is the full path of a manifest.

  HKCU (HKLM with -System) \Software\...
    Google\Chrome\NativeMessagingHosts\org.mxhealth.host              Chrome; also Vivaldi, which
                                                                       reads Chrome's key
    Chromium\NativeMessagingHosts\org.mxhealth.host                   Chromium (and, before
                                                                       Chrome's key, other builds
                                                                       without Google branding)
    Microsoft\Edge\NativeMessagingHosts\org.mxhealth.host             Edge (falls back to the two
                                                                       keys above)
    BraveSoftware\Brave-Browser\NativeMessagingHosts\org.mxhealth.host  Brave
    Mozilla\NativeMessagingHosts\org.mxhealth.host                    Firefox

Sources: developer.chrome.com (native messaging host location), Chromium's
native_process_launcher_win.cc, learn.microsoft.com (Edge native messaging), MDN
(Native_manifests), KeePassXC's NativeMessageInstaller.cpp (Vivaldi and Brave use Chrome's key).

-Uninstall removes the registry keys that point to our manifests, the manifests, mxhealth.exe,
and the folder when it is empty. Nothing else is touched.

.PARAMETER Binary
The mxhealth.exe to install (required unless -Uninstall).

.PARAMETER System
Install for all users (needs an administrator PowerShell).

.PARAMETER Uninstall
Remove what an earlier run installed (with -System for a -System install).

.EXAMPLE
powershell -ExecutionPolicy Bypass -File installer\install.ps1 -Binary .\mxhealth.exe
#>
[CmdletBinding()]
param(
    [string]$Binary,
    [switch]$System,
    [switch]$Uninstall
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$HostName = 'org.mxhealth.host'
$Repo = Split-Path -Parent $PSScriptRoot
$Templates = Join-Path $Repo 'manifests'

if ($System) {
    $Hive = 'HKLM:'
    $InstallDir = Join-Path $env:ProgramFiles 'mxhealth'
    $principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
    if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
        throw 'mxhealth: -System needs an administrator PowerShell (Run as administrator).'
    }
} else {
    $Hive = 'HKCU:'
    $InstallDir = Join-Path $env:LOCALAPPDATA 'mxhealth'
}

$Installed = Join-Path $InstallDir 'mxhealth.exe'
$Manifests = @{
    chromium = Join-Path $InstallDir "$HostName.chromium.json"
    firefox  = Join-Path $InstallDir "$HostName.firefox.json"
}
# Registry key (under the hive) -> which manifest its default value names.
$Keys = [ordered]@{
    'Software\Google\Chrome\NativeMessagingHosts'                 = 'chromium'
    'Software\Chromium\NativeMessagingHosts'                      = 'chromium'
    'Software\Microsoft\Edge\NativeMessagingHosts'                = 'chromium'
    'Software\BraveSoftware\Brave-Browser\NativeMessagingHosts'   = 'chromium'
    'Software\Mozilla\NativeMessagingHosts'                       = 'firefox'
}

function Write-Step([string]$Message) {
    Write-Host "install: $Message"
}

# UTF-8 without a byte order mark: the browsers read the manifests as plain JSON.
function Write-Utf8File([string]$Path, [string]$Text) {
    [System.IO.File]::WriteAllText($Path, $Text, (New-Object System.Text.UTF8Encoding($false)))
}

# Creates a registry key and its missing parents one level at a time. Never -Force on a key
# that exists: that would replace it, and with it every other host registered there.
function New-RegistryKey([string]$Path) {
    if (Test-Path -LiteralPath $Path) { return }
    New-RegistryKey (Split-Path -Parent $Path)
    New-Item -Path $Path | Out-Null
}

function Remove-Registration {
    foreach ($key in $Keys.Keys) {
        $path = "$Hive\$key\$HostName"
        if (-not (Test-Path -LiteralPath $path)) { continue }
        $value = (Get-Item -LiteralPath $path).GetValue('')
        if ($Manifests.Values -contains $value) {
            Remove-Item -LiteralPath $path -Recurse
            Write-Step "removed $path"
        } else {
            Write-Warning "not removing ${path}: it points to '$value', not to a manifest of this installer"
        }
    }
    foreach ($file in @($Manifests.chromium, $Manifests.firefox, $Installed)) {
        if (Test-Path -LiteralPath $file -PathType Leaf) {
            Remove-Item -LiteralPath $file
            Write-Step "removed $file"
        }
    }
    if ((Test-Path -LiteralPath $InstallDir) -and -not (Get-ChildItem -LiteralPath $InstallDir -Force)) {
        Remove-Item -LiteralPath $InstallDir
        Write-Step "removed the empty folder $InstallDir"
    }
}

if ($Uninstall) {
    Remove-Registration
    Write-Step 'done. Restart the browsers.'
    return
}

if (-not $Binary) {
    throw 'mxhealth: give the mxhealth.exe to install with -Binary PATH.'
}
$source = (Resolve-Path -LiteralPath $Binary).Path
if (-not (Test-Path -LiteralPath $source -PathType Leaf)) {
    throw "mxhealth: $source is not a file."
}

New-Item -ItemType Directory -Force -Path $InstallDir | Out-Null
Copy-Item -LiteralPath $source -Destination $Installed -Force
Write-Step "installed $Installed"

# The manifests: the templates with the binary's full path, as a JSON string.
$jsonPath = (ConvertTo-Json -InputObject $Installed -Compress).Trim('"')
foreach ($family in @('chromium', 'firefox')) {
    $template = Join-Path $Templates "$HostName.$family.json.in"
    $text = [System.IO.File]::ReadAllText($template).Replace('@MXHEALTH_PATH@', $jsonPath)
    Write-Utf8File $Manifests[$family] $text
    Write-Step "wrote $($Manifests[$family])"
}

foreach ($key in $Keys.Keys) {
    $path = "$Hive\$key\$HostName"
    New-RegistryKey $path
    Set-Item -LiteralPath $path -Value $Manifests[$Keys[$key]]  # the key's default value
    Write-Step "registered $path"
}

Write-Host @"

Next, load the extension (the folder $(Join-Path $Repo 'extension')):
  Chrome, Chromium, Edge, Brave, Vivaldi: open chrome://extensions (edge://extensions in Edge),
    turn on "Developer mode", click "Load unpacked" and choose the extension folder.
  Firefox: open about:debugging#/runtime/this-firefox, click "Load Temporary Add-on..." and
    choose manifest.json in the extension folder.
Then restart the browser. To remove mxhealth: installer\install.ps1 -Uninstall$(if ($System) { ' -System' })
"@
