#!/usr/bin/env bash
# start.sh NAME WORKDIR TARGET [DNSADDR]
# Starts a real DNS server (NAME: unbound, bind, knot, kresd, dnsdist) that answers for example.test. on a loopback
# address and sends dnstap to TARGET (unix:/abs/path.sock, or tcp:127.0.0.1:PORT for unbound and dnsdist).
# Everything it writes goes to WORKDIR. Prints "DNS <ip> <port>" once the server answers (and, when the receiver
# already listens on TARGET, once the server has connected to it). Stop it with stop.sh WORKDIR.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage() { echo "usage: $0 unbound|bind|knot|kresd|dnsdist WORKDIR unix:/abs/path.sock|tcp:127.0.0.1:PORT [IP:PORT]" >&2; exit 2; }
[ $# -ge 3 ] && [ $# -le 4 ] || usage
name=$1 target=$3
case $name in
  unbound) defport=5331 ;; bind) defport=5332 ;; knot) defport=5333 ;; kresd) defport=5334 ;; dnsdist) defport=5335 ;;
  *) usage ;;
esac
mkdir -p "$2"
work=$(cd "$2" && pwd)
addr=${4:-127.0.0.1:$defport}
ip=${addr%:*} port=${addr##*:}
[[ $ip =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+$ && $port =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ "$port" -le 65535 ] || { echo "DNSADDR must be 127.x.y.z:PORT, not $addr" >&2; exit 2; }
# The kernel picks dig's UDP source port from ip_local_port_range, and it may pick a port a server holds with
# SO_REUSEPORT (Unbound, BIND, Knot and kresd do; dig sets it too): dig's query then comes straight back to dig,
# which takes it for the answer (NOERROR, no QR flag), and the server never sees it. The default ports are below
# Linux's default range (32768-60999); queries.sh asks again when it gets its own query back.
read -r eph_lo eph_hi < /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || eph_lo=1 eph_hi=0
if [ "$port" -ge "$eph_lo" ] && [ "$port" -le "$eph_hi" ]; then
  echo "start.sh: warning: port $port is in the ephemeral range $eph_lo-$eph_hi: dig may be given it as its own source port" >&2
fi

tls=0
case $target in
  unix:/*) sock=${target#unix:} tcp="" ;;
  tcp:127.*:*) sock="" tcp=${target#tcp:} ;;
  tls:127.*:*) sock="" tcp=${target#tls:} tls=1 ;;
  *) echo "TARGET must be unix:/abs/path, tcp:127.0.0.1:PORT or tls:127.0.0.1:PORT, not $target" >&2; exit 2 ;;
esac
if [ $tls = 1 ] && { [ "$name" != unbound ] || [ -z "${DNSTAP_TLS_CA:-}" ]; }; then
  echo "a tls: target is for unbound only, with DNSTAP_TLS_CA naming the CA bundle that signed the receiver's certificate (server name localhost)" >&2; exit 2
fi
if [ -n "$tcp" ] && [ "$name" != unbound ] && [ "$name" != dnsdist ]; then
  echo "$name cannot send dnstap over TCP (only unbound and dnsdist can); use a unix: target" >&2; exit 2
fi

# Leftovers: an earlier run in this WORKDIR, or an earlier emitter of ours (config named sonde-*.conf) on our port.
[ -f "$work/pids" ] && "$here/stop.sh" "$work" >&2 || true
for pid in $(ss -Hlnptu "( src $ip:$port )" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do
  if tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qE '/sonde-(unbound|bind|knot|kresd|dnsdist)\.conf'; then
    echo "killing leftover emitter $pid on port $port" >&2; kill "$pid" 2>/dev/null || true; sleep 1; kill -9 "$pid" 2>/dev/null || true
  else
    echo "port $port is in use by pid $pid ($(cat /proc/$pid/comm 2>/dev/null)); pass another DNSADDR" >&2; exit 1
  fi
done

# The zone, for the authoritative servers (unbound, kresd and dnsdist carry the same data in their own syntax).
cat > "$work/example.test.zone" <<'EOF'
$ORIGIN example.test.
$TTL 300
@     SOA  ns hostmaster 1 3600 900 604800 300
@     NS   ns
@     MX   10 mail
@     TXT  "sonde test zone"
ns    A    192.0.2.53
www   A    192.0.2.1
www   AAAA 2001:db8::1
mail  A    192.0.2.25
mail  AAAA 2001:db8::25
txt   TXT  "hello from sonde"
EOF

log=$work/$name.log conf=$work/sonde-$name.conf
case $name in
unbound)
  if [ -n "$sock" ]; then dest="dnstap-socket-path: \"$sock\""
  elif [ $tls = 1 ]; then dest="dnstap-ip: \"${tcp%:*}@${tcp##*:}\"
  dnstap-tls: yes
  dnstap-tls-server-name: \"localhost\"
  dnstap-tls-cert-bundle: \"$DNSTAP_TLS_CA\""
  else dest="dnstap-ip: \"${tcp%:*}@${tcp##*:}\"
  dnstap-tls: no"; fi
  cat > "$conf" <<EOF
server:
  interface: $ip@$port
  port: $port
  access-control: 127.0.0.0/8 allow
  do-ip6: no
  username: ""
  chroot: ""
  directory: "$work"
  pidfile: "$work/unbound.pid"
  do-daemonize: no
  use-syslog: no
  logfile: ""
  verbosity: 1
  num-threads: 1
  local-zone: "." refuse
  local-zone: "example.test." static
  local-data: "example.test. 300 IN SOA ns.example.test. hostmaster.example.test. 1 3600 900 604800 300"
  local-data: "example.test. 300 IN NS ns.example.test."
  local-data: "example.test. 300 IN MX 10 mail.example.test."
  local-data: 'example.test. 300 IN TXT "sonde test zone"'
  local-data: "ns.example.test. 300 IN A 192.0.2.53"
  local-data: "www.example.test. 300 IN A 192.0.2.1"
  local-data: "www.example.test. 300 IN AAAA 2001:db8::1"
  local-data: "mail.example.test. 300 IN A 192.0.2.25"
  local-data: "mail.example.test. 300 IN AAAA 2001:db8::25"
  local-data: 'txt.example.test. 300 IN TXT "hello from sonde"'
remote-control:
  control-enable: no
dnstap:
  dnstap-enable: yes
  $dest
  dnstap-send-identity: yes
  dnstap-identity: "unbound"
  dnstap-send-version: yes
  dnstap-log-client-query-messages: yes
  dnstap-log-client-response-messages: yes
EOF
  cmd=(unbound -d -c "$conf") ;;
bind)
  mkdir -p "$work/named"
  cat > "$conf" <<EOF
options {
  directory "$work/named";
  pid-file "$work/named/named.pid";
  session-keyfile "$work/named/session.key";
  managed-keys-directory "$work/named";
  listen-on port $port { $ip; };
  listen-on-v6 { none; };
  recursion no;
  notify no;
  dnssec-validation no;
  dnstap { all; };
  dnstap-output unix "$sock";
  dnstap-identity "bind";
  fstrm-set-reopen-interval 1;
  fstrm-set-output-notify-threshold 1;
};
controls { };
zone "example.test" { type primary; file "$work/example.test.zone"; };
EOF
  named-checkconf "$conf"
  cmd=(named -g -c "$conf") ;;
knot)
  mkdir -p "$work/knotd"
  cat > "$conf" <<EOF
server:
  rundir: "$work/knotd"
  pidfile: "$work/knotd/knot.pid"
  listen: $ip@$port
  identity: "knot"
log:
  - target: stderr
    any: info
database:
  storage: "$work/knotd"
mod-dnstap:
  - id: tap
    sink: "unix:$sock"
    identity: "knot"
    log-queries: on
    log-responses: on
template:
  - id: default
    storage: "$work/knotd"
    global-module: mod-dnstap/tap
zone:
  - domain: example.test.
    file: "$work/example.test.zone"
EOF
  knotc -c "$conf" conf-check >&2
  cmd=(knotd -c "$conf") ;;
kresd)
  mkdir -p "$work/kresd"
  cat > "$conf" <<EOF
-- no network: no root trust anchor, no priming, no time-skew check
trust_anchors.remove('.')
modules.unload('priming')
modules.unload('detect_time_skew')
net.listen('$ip', $port, { kind = 'dns' })
cache.open(10 * MB, 'lmdb://$work/kresd/cache')
modules.load('dnstap')
dnstap.config({ socket_path = '$sock', identity = 'kresd', version = 'kresd ' .. package_version(),
                client = { log_queries = true, log_responses = true } })
local function rr(t, rdata) return { [t] = { rdata = rdata, ttl = 300 } } end
local function at(names, answers)
  policy.add(policy.domains(policy.ANSWER(answers, true), policy.todnames(names)))
end
at({'example.test.'}, { [kres.type.MX] = { rdata = '\0\10\4mail\7example\4test\0', ttl = 300 },
                        [kres.type.TXT] = { rdata = '\15sonde test zone', ttl = 300 } })
at({'ns.example.test.'}, rr(kres.type.A, kres.str2ip('192.0.2.53')))
at({'www.example.test.'}, { [kres.type.A] = { rdata = kres.str2ip('192.0.2.1'), ttl = 300 },
                            [kres.type.AAAA] = { rdata = kres.str2ip('2001:db8::1'), ttl = 300 } })
at({'mail.example.test.'}, { [kres.type.A] = { rdata = kres.str2ip('192.0.2.25'), ttl = 300 },
                             [kres.type.AAAA] = { rdata = kres.str2ip('2001:db8::25'), ttl = 300 } })
at({'txt.example.test.'}, rr(kres.type.TXT, '\16hello from sonde'))
policy.add(policy.suffix(policy.DENY, policy.todnames({'example.test.'})))  -- everything else there: NXDOMAIN
policy.add(policy.all(policy.REFUSE))                                       -- and never go to the network
EOF
  cmd=(kresd -n -c "$conf" "$work/kresd") ;;
dnsdist)
  if [ -n "$sock" ]; then logger="newFrameStreamUnixLogger(\"$sock\", opts)"; else logger="newFrameStreamTcpLogger(\"$tcp\", opts)"; fi
  cat > "$conf" <<EOF
setLocal("$ip:$port")
setSecurityPollSuffix("")
setServFailWhenNoServer(true)
-- wake the fstrm writer on every message and reconnect after 1 s (fstrm defaults: after 32 messages, 5 s);
-- fstrm's largest input queue (default 512), so bursts under load are queued instead of dropped by dnsdist
local opts = { queueNotifyThreshold = 1, flushTimeout = 1, reopenInterval = 1, inputQueueSize = 16384 }
fsl = $logger
addAction(AllRule(), DnstapLogAction("dnsdist", fsl))
addSelfAnsweredResponseAction(AllRule(), DnstapLogResponseAction("dnsdist", fsl))
local function at(name, qtype, action) addAction(AndRule({QNameRule(name), QTypeRule(qtype)}), action) end
at("example.test.", DNSQType.MX, SpoofRawAction("\000\010\004mail\007example\004test\000"))
at("example.test.", DNSQType.TXT, SpoofRawAction("\015sonde test zone"))
at("ns.example.test.", DNSQType.A, SpoofAction("192.0.2.53"))
at("www.example.test.", DNSQType.A, SpoofAction("192.0.2.1"))
at("www.example.test.", DNSQType.AAAA, SpoofAction("2001:db8::1"))
at("mail.example.test.", DNSQType.A, SpoofAction("192.0.2.25"))
at("mail.example.test.", DNSQType.AAAA, SpoofAction("2001:db8::25"))
at("txt.example.test.", DNSQType.TXT, SpoofRawAction("\016hello from sonde"))
for _, n in ipairs({"example.test.", "ns.example.test.", "www.example.test.", "mail.example.test.", "txt.example.test."}) do
  addAction(QNameRule(n), RCodeAction(DNSRCode.NOERROR))  -- other types of existing names: NODATA
end
local zone = newSuffixMatchNode(); zone:add("example.test.")
addAction(SuffixMatchNodeRule(zone), RCodeAction(DNSRCode.NXDOMAIN))
addAction(AllRule(), RCodeAction(DNSRCode.REFUSED))
EOF
  dnsdist --check-config -C "$conf" >&2
  cmd=(dnsdist --supervised --disable-syslog -C "$conf") ;;
esac

# Run in the foreground of a background job, as root, with no terminal, detached from our stdout.
"${cmd[@]}" </dev/null >"$log" 2>&1 &
pid=$!
echo "$pid $name" >> "$work/pids"

alive() { [ -e "/proc/$1" ] && ! grep -q '^State:.*zombie' "/proc/$1/status" 2>/dev/null; }
fail() { echo "start.sh: $name: $*; its log ($log):" >&2; cat "$log" >&2; "$here/stop.sh" "$work" >&2 || true; exit 1; }

# Is the dnstap connection from $pid to the receiver up? (unix: match socket inodes with ss -x; tcp: ss -t)
connected() {
  if [ -n "$tcp" ]; then
    ss -Htnp state established "( dst $tcp )" | grep -q "pid=$pid,"
  else
    ss -Hxp | awk -v path="$sock" -v pid="pid=$pid," '
      $5 == path { peer[$8] = 1 } index($0, pid) { own[$6] = 1 }
      END { for (i in own) if (i in peer) found = 1; exit !found }'
  fi
}
receiver_up() {
  if [ -n "$tcp" ]; then ss -Htln "( sport = :${tcp##*:} )" | grep -q .; else ss -Hxl | awk -v p="$sock" '$5 == p { f = 1 } END { exit !f }'; fi
}

# Readiness: the server answers (probe: _sonde-probe.example.test. A, NXDOMAIN; tests must ignore that name), listens
# on TCP, and,
# when a receiver listens on TARGET, the server is connected to it. Timeout 15 s.
want_tap=0; receiver_up && want_tap=1
if [ $want_tap = 0 ]; then
  echo "start.sh: nothing listens on $target yet; not waiting for the dnstap connection" >&2
  [ "$name" != kresd ] || echo "start.sh: kresd opens the dnstap socket only at start: it will log nothing" >&2
fi
answered=0 tapped=0 deadline=$((SECONDS + 15))
while [ $SECONDS -lt $deadline ]; do
  alive "$pid" || fail "exited"
  [ $tapped = 1 ] || [ $want_tap = 0 ] || ! connected || tapped=1
  if [ $answered = 0 ] && [ $tapped = 1 -o $want_tap = 0 ]; then
    dig +time=1 +tries=1 -p "$port" "@$ip" _sonde-probe.example.test. A 2>/dev/null | grep -q 'status: NXDOMAIN' && answered=1
  fi
  # TCP too: the TCP listener can come up after UDP answers (checked without a query, which dnstap would log).
  if [ $answered = 1 ] && ss -Hltn "( sport = :$port )" | grep -q "$ip:$port"; then echo "DNS $ip $port"; exit 0; fi
  sleep 0.1
done
[ $want_tap = 1 ] && [ $tapped = 0 ] && fail "no dnstap connection to $target after 15 s"
fail "no answer on $ip:$port after 15 s"
