#!/usr/bin/env bash
# Makes sure `npm test` / `npm start` have what they need: npm packages, and the real
# services the devstack starts (InfluxDB, Kamailio + evapi, SIPp, snmpd, the SNMP
# exporter, Chromium). Quiet when everything is there: one line.
#
# As root (the dev/CI machines) it installs missing Debian packages itself; otherwise it
# prints the one apt-get command to run and fails, rather than half-running the tests.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."   # repo root, wherever npm was started from

say() { echo "ensure-deps: $*"; }

# --- npm packages -------------------------------------------------------------------
# npm ci writes node_modules/.package-lock.json; a package-lock.json newer than it means
# dependencies changed since the last install (e.g. after a pull).
npm_marker=node_modules/.package-lock.json
[[ -e $npm_marker ]] || npm_marker=node_modules
npm_state="node_modules up to date"
if [[ ! -d node_modules || package-lock.json -nt $npm_marker ]]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null   # errors still reach stderr
  npm_state="npm packages installed"
fi

# --- system tools -------------------------------------------------------------------
# tool (a command, or an absolute path for files that are not commands) -> Debian package
declare -A package_of=(
  [influxd]=influxdb
  [influx]=influxdb-client
  [kamailio]=kamailio
  [/usr/lib/x86_64-linux-gnu/kamailio/modules/evapi.so]=kamailio-extra-modules
  [sipp]=sip-tester
  [snmpd]=snmpd
  [snmpget]=snmp
  [prometheus-snmp-exporter]=prometheus-snmp-exporter
  [chromium]=chromium
  [victoria-metrics]=victoria-metrics   # the InfluxDB output is also tested against VictoriaMetrics' /write
)

present() {
  if [[ $1 == /* ]]; then [[ -e $1 ]]; else command -v "$1" >/dev/null 2>&1; fi
}

missing_tools=()
missing_packages=()
for tool in "${!package_of[@]}"; do
  if ! present "$tool"; then
    missing_tools+=("$tool")
    [[ " ${missing_packages[*]} " == *" ${package_of[$tool]} "* ]] || missing_packages+=("${package_of[$tool]}")
  fi
done

if ((${#missing_packages[@]} == 0)); then
  say "$npm_state; ${#package_of[@]} system tools present"
  exit 0
fi

install_cmd="DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing_packages[*]}"
if [[ $(id -u) -ne 0 ]]; then
  say "missing: ${missing_tools[*]}"
  say "run as root:  apt-get update && $install_cmd"
  exit 1
fi

say "installing ${missing_packages[*]} (missing: ${missing_tools[*]})"
# Without policy-rc.d, postinst scripts start influxdb (:8086 on ALL interfaces), snmpd,
# the exporter (:9116, all interfaces) and kamailio as system services. Exit 101 = "do not".
policy=/usr/sbin/policy-rc.d
created_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\n# installed by callboard ensure-deps.sh: do not start services on install\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  created_policy=1
fi
apt_log=$(mktemp /tmp/callboard-apt.XXXXXX.log)
cleanup() {
  if ((created_policy)); then rm -f "$policy"; fi
}
trap cleanup EXIT
if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing_packages[@]}"; } >"$apt_log" 2>&1; then
  say "apt-get failed; last lines of $apt_log:"
  tail -n 20 "$apt_log" >&2
  exit 1
fi
rm -f "$apt_log"

still_missing=()
for tool in "${missing_tools[@]}"; do present "$tool" || still_missing+=("$tool"); done
if ((${#still_missing[@]} > 0)); then
  say "still missing after installing: ${still_missing[*]}"
  exit 1
fi
say "$npm_state; installed ${missing_packages[*]}"
