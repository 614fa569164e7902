#!/usr/bin/env bash
# A real, private Slurm cluster on this machine, for the e2e tests.
#
#   tests/slurm/cluster.sh start [--nodes 1-4]   start (restarts our own one)
#   tests/slurm/cluster.sh stop                  stop everything we started
#   tests/slurm/cluster.sh status                daemons, nodes, queue
#   tests/slurm/cluster.sh env                   prints: export SLURM_CONF=...
#
# Everything lives in one private folder, ${MPIMARK_SLURM_DIR:-/tmp/mpimark-slurm}:
# etc/ (slurm.conf, cgroup.conf), munge/ (key, socket), run/ (pid files),
# log/, state/ (slurmctld), spool/<node>/ (slurmd). Daemons: a private
# munged (its own key and socket, so a system munged is left alone), then
# slurmctld, then one slurmd per node. Authentication is auth/munge +
# cred/munge, as on real clusters, so job credentials are really signed
# and checked; MPIMARK_SLURM_AUTH=none switches to auth/none + cred/none
# (no munged at all) if munge is ever the problem.
#
# --nodes 1: one slurmd named after this host, on 127.0.0.1.
# --nodes N (2-4): N slurmd "nodes" mmn1 .. mmnN, each in its own network
#   namespace (ip netns mpimark-n1 ..) and UTS namespace (own host name),
#   joined by a private bridge (mmkbr0) in the root namespace where slurmctld
#   listens. Addresses come from ${MPIMARK_SLURM_SUBNET:-10.211.77}.0/24,
#   which exists only inside these namespaces and this bridge. MPI traffic
#   between the nodes crosses a real TCP/IP stack (veth + bridge). Each node
#   declares this machine's CPUs and 1/N of its memory: the nodes share the
#   cores (jobs with more ranks than cores ask sbatch --overcommit) and one
#   kernel clock.
#
# Safety: only processes recorded in our pid files are ever signalled (plus
# slurmstepd processes whose environment has SLURM_CONF=<our slurm.conf>).
# `start` refuses (exit 2) when a slurmctld/slurmd that is not ours runs.
# Every wait is bounded (MPIMARK_SLURM_TIMEOUT seconds, default 30); a
# failed start prints the log tails, stops what it started and exits 1.
#
# Needs: slurm-wlm, munge, libpmix-dev (Open MPI jobs via srun --mpi=pmix),
# iproute2 + util-linux (unshare) for --nodes 2-4; run as root.
set -euo pipefail

STATE=${MPIMARK_SLURM_DIR:-/tmp/mpimark-slurm}
TIMEOUT=${MPIMARK_SLURM_TIMEOUT:-30}
CTLD_PORT=${MPIMARK_SLURM_CTLD_PORT:-16817}
SLURMD_PORT=${MPIMARK_SLURM_SLURMD_PORT:-16818}
SUBNET=${MPIMARK_SLURM_SUBNET:-10.211.77}
AUTH=${MPIMARK_SLURM_AUTH:-munge}
CONF=$STATE/etc/slurm.conf
MARKER=$STATE/.mpimark-slurm
BRIDGE=mmkbr0
NETNS_PREFIX=mpimark-n
NODE_PREFIX=mmn
PARTITION=mpimark

say() { printf 'cluster: %s\n' "$*"; }
die() { printf 'cluster: error: %s\n' "$*" >&2; exit "${2:-1}"; }

# ---------------------------------------------------------------- processes

# alive PID: true if PID exists and is not a zombie (a stopped daemon can
# linger as a zombie because the container's PID 1 reaps late).
alive() {
    local st
    [[ -n ${1:-} && -r /proc/$1/status ]] || return 1
    st=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null) || return 1
    [[ -n $st && $st != Z && $st != X ]]
}

comm_of() { cat "/proc/$1/comm" 2>/dev/null || true; }

# Our daemons: "name pid" for every pid file we own whose process is alive,
# still runs the program it was started as and has our state folder on its
# command line (guards against PID reuse).
our_daemons() {
    local f name pid
    for f in "$STATE"/run/*.pid; do
        [[ -e $f ]] || continue
        name=$(basename "$f" .pid)
        pid=$(tr -dc '0-9' <"$f" 2>/dev/null || true)
        { [[ -n $pid ]] && alive "$pid"; } || continue
        # Same program, started with our paths on its command line.
        tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$STATE/" || continue
        case $name:$(comm_of "$pid") in
            munged:munged | slurmctld:slurmctld | slurmd-*:slurmd) echo "$name $pid" ;;
        esac
    done
}

# PIDs of children of our slurmctld (slurmscriptd) count as ours too.
our_pids() {
    local name pid c
    while read -r name pid; do
        echo "$pid"
        # shellcheck disable=SC2013 # the children files hold PIDs separated by spaces
        for c in $(cat "/proc/$pid/task/"*/children 2>/dev/null); do echo "$c"; done
    done < <(our_daemons)
}

# slurmstepd processes started by our slurmd carry SLURM_CONF=<our conf> in
# their environment (slurmd passes it on); nothing else on this machine does.
our_stepds() {
    local p
    for p in /proc/[0-9]*; do
        [[ $(comm_of "${p#/proc/}") == slurmstepd ]] || continue
        alive "${p#/proc/}" || continue
        if tr '\0' '\n' <"$p/environ" 2>/dev/null | grep -qxF "SLURM_CONF=$CONF"; then
            echo "${p#/proc/}"
        fi
    done
}

# Any live slurmctld/slurmd (or slurmscriptd) that is not ours.
foreign_slurm() {
    local mine p pid c
    mine=" $(our_pids | tr '\n' ' ') "
    for p in /proc/[0-9]*; do
        pid=${p#/proc/}
        c=$(comm_of "$pid")
        case $c in slurmctld | slurmd | slurmscriptd) ;; *) continue ;; esac
        alive "$pid" || continue
        [[ $mine == *" $pid "* ]] && continue
        echo "$pid ($c: $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null))"
    done
}

# stop_pid NAME PID: SIGTERM, bounded wait, then SIGKILL.
stop_pid() {
    local name=$1 pid=$2 i
    alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < TIMEOUT * 10; i++)); do
        alive "$pid" || { say "stopped $name (pid $pid)"; return 0; }
        sleep 0.1
    done
    say "$name (pid $pid) ignored SIGTERM for ${TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do alive "$pid" || return 0; sleep 0.1; done
    say "warning: $name (pid $pid) is still alive"
    return 1
}

# wait_for SECONDS DESCRIPTION COMMAND...: poll COMMAND until it succeeds.
wait_for() {
    local secs=$1 what=$2 i
    shift 2
    for ((i = 0; i < secs * 10; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    say "timed out after ${secs}s waiting for $what"
    return 1
}

log_tails() {
    local f
    for f in "$STATE"/log/*.log; do
        [[ -e $f ]] || continue
        printf -- '---- last lines of %s\n' "$f" >&2
        tail -n 25 "$f" >&2 || true
    done
}

# ---------------------------------------------------------------- network

node_names() {
    local n
    if [[ $1 == 1 ]]; then hostname -s; else for ((n = 1; n <= $1; n++)); do echo "$NODE_PREFIX$n"; done; fi
}

nodes_file() { echo "$STATE/nodes"; }
node_count() { cat "$(nodes_file)" 2>/dev/null || echo 0; }

net_up() {
    local nodes=$1 n ns veth peer
    if ip link show "$BRIDGE" >/dev/null 2>&1; then
        die "network interface $BRIDGE exists but is not recorded as ours; remove it or stop whatever owns it"
    fi
    if ip -4 addr show 2>/dev/null | grep -q "inet $SUBNET\."; then
        die "subnet $SUBNET.0/24 is already in use on this machine; set MPIMARK_SLURM_SUBNET"
    fi
    for ((n = 1; n <= nodes; n++)); do
        if ip netns list 2>/dev/null | grep -qw "$NETNS_PREFIX$n"; then
            die "network namespace $NETNS_PREFIX$n exists but is not recorded as ours; remove it with: ip netns del $NETNS_PREFIX$n"
        fi
    done
    # Record before creating, so stop can undo a half-done start.
    echo "$BRIDGE" >"$STATE/net"
    ip link add "$BRIDGE" type bridge
    ip addr add "$SUBNET.1/24" dev "$BRIDGE"
    ip link set "$BRIDGE" up
    for ((n = 1; n <= nodes; n++)); do
        ns=$NETNS_PREFIX$n veth=mmkv$n peer=mmkp$n
        echo "netns $ns" >>"$STATE/net"
        echo "link $veth" >>"$STATE/net"
        ip netns add "$ns"
        ip link add "$veth" type veth peer name "$peer"
        ip link set "$veth" master "$BRIDGE" up
        ip link set "$peer" netns "$ns"
        ip -n "$ns" link set lo up
        ip -n "$ns" link set "$peer" name eth0
        ip -n "$ns" addr add "$SUBNET.1$n/24" dev eth0
        ip -n "$ns" link set eth0 up
    done
}

# reachable NETNS ADDR: does a TCP connect from NETNS to ADDR get an answer?
# Port 9 has no listener, so "Connection refused" proves the path works
# without touching any daemon (bash /dev/tcp: no ping/nc package needed).
reachable() {
    local out
    # shellcheck disable=SC2016 # $1 is expanded by the inner bash
    out=$(ip netns exec "$1" timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/9"' probe "$2" 2>&1) && return 0
    [[ $out == *refused* ]]
}

# The nodes registered with slurmctld, so node <-> controller works; check
# every other node -> node 1 too, the path MPI takes between the nodes.
net_check() {
    local nodes=$1 n addrs="${NODE_PREFIX}1=$SUBNET.11"
    for ((n = 2; n <= nodes; n++)); do
        wait_for "$TIMEOUT" "$NODE_PREFIX$n -> ${NODE_PREFIX}1 over $BRIDGE" \
            reachable "$NETNS_PREFIX$n" "$SUBNET.11" || return 1
        addrs+=" $NODE_PREFIX$n=$SUBNET.1$n"
    done
    say "network ok: $addrs slurmctld=$SUBNET.1 (bridge $BRIDGE)"
}

net_down() {
    local kind name
    [[ -e $STATE/net ]] || return 0
    while read -r kind name; do
        case $kind in
            netns) if ip netns del "$name" 2>/dev/null; then say "removed network namespace $name"; fi ;;
            link) ip link del "$name" 2>/dev/null || true ;;
            "$BRIDGE") if ip link del "$BRIDGE" 2>/dev/null; then say "removed bridge $BRIDGE"; fi ;;
        esac
    done <"$STATE/net"
    rm -f "$STATE/net"
}

# ---------------------------------------------------------------- config

write_config() {
    local nodes=$1 probe cpu_part mem ctl_host ctl_addr n auth cred authinfo
    probe=$(slurmd -C 2>/dev/null | head -n1) || true
    [[ $probe == NodeName=* ]] || die "slurmd -C did not report this machine's hardware: '$probe'"
    # "NodeName=vm CPUs=2 Boards=1 ... RealMemory=24105"
    cpu_part=$(sed -e 's/^NodeName=[^ ]* //' -e 's/ *RealMemory=[0-9]*//' <<<"$probe")
    mem=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$probe")
    [[ -n $mem ]] || mem=1000
    if [[ $AUTH == none ]]; then
        auth=auth/none cred=cred/none authinfo=
    else
        auth=auth/munge cred=cred/munge authinfo="AuthInfo=socket=$STATE/munge/munge.socket"
    fi
    if [[ $nodes == 1 ]]; then
        ctl_host=$(hostname -s) ctl_addr=127.0.0.1
    else
        ctl_host=$(hostname -s) ctl_addr=$SUBNET.1
    fi
    cat >"$CONF" <<EOF
# Generated by tests/slurm/cluster.sh: a private test cluster, $nodes node(s).
ClusterName=mpimark
SlurmctldHost=$ctl_host($ctl_addr)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=$auth
CredType=$cred
$authinfo
StateSaveLocation=$STATE/state
SlurmdSpoolDir=$STATE/spool/%n
SlurmctldPidFile=$STATE/run/slurmctld.pid
SlurmdPidFile=$STATE/run/slurmd-%n.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups in containers: track processes by parent PID, no task binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=pmix
ReturnToService=2
# Reject impossible requests at submit time instead of pending forever.
EnforcePartLimits=ALL
MailProg=/bin/true
# Per-node temp folder: the pmix plugin puts spmix_appdir_* there, and the
# nodes of --nodes 2-4 share this machine's /tmp.
TmpFS=$STATE/tmp/%n
KillWait=5
MinJobAge=600
InactiveLimit=0
SlurmctldTimeout=30
SlurmdTimeout=60
EOF
    local name
    for name in $(node_names "$nodes"); do mkdir -p "$STATE/tmp/$name" "$STATE/spool/$name"; done
    if [[ $nodes == 1 ]]; then
        echo "NodeName=$(hostname -s) NodeAddr=127.0.0.1 $cpu_part RealMemory=$mem State=UNKNOWN" >>"$CONF"
    else
        for ((n = 1; n <= nodes; n++)); do
            echo "NodeName=$NODE_PREFIX$n NodeAddr=$SUBNET.1$n $cpu_part RealMemory=$((mem / nodes)) State=UNKNOWN" >>"$CONF"
        done
    fi
    echo "PartitionName=$PARTITION Nodes=ALL Default=YES MaxTime=INFINITE State=UP" >>"$CONF"
    # slurmd 22.05 always loads a cgroup plugin; autodetection fails in
    # containers, cgroup/v1 initialises everywhere (it is not used further).
    echo "CgroupPlugin=cgroup/v1" >"$STATE/etc/cgroup.conf"
}

# ---------------------------------------------------------------- commands

prepare_state_dir() {
    if [[ -e $STATE && ! -e $MARKER ]]; then
        if [[ -n $(ls -A "$STATE" 2>/dev/null) ]]; then
            die "$STATE exists, is not empty and was not made by this script; choose another MPIMARK_SLURM_DIR"
        fi
    fi
    rm -rf "${STATE:?}"/{etc,munge,run,log,state,spool,tmp,nodes,net,auth}
    mkdir -p "$STATE"/{etc,run,log,state,spool,tmp}
    chmod 755 "$STATE"
    touch "$MARKER"
}

start_munged() {
    [[ $AUTH == none ]] && return 0
    command -v munged >/dev/null || die "munged not found (apt-get install munge)"
    mkdir -p "$STATE/munge"
    chmod 711 "$STATE/munge"
    mungekey --create --keyfile="$STATE/munge/munge.key" >/dev/null 2>&1 ||
        dd if=/dev/urandom of="$STATE/munge/munge.key" bs=1024 count=1 status=none
    chmod 600 "$STATE/munge/munge.key"
    # --force: munged runs as root here and tolerates a stale socket.
    munged --force --socket="$STATE/munge/munge.socket" --key-file="$STATE/munge/munge.key" \
        --pid-file="$STATE/run/munged.pid" --log-file="$STATE/log/munged.log" \
        --seed-file="$STATE/munge/munged.seed" ||
        { log_tails; die "munged did not start"; }
    wait_for "$TIMEOUT" "munged" bash -c "munge -n -S '$STATE/munge/munge.socket' | unmunge -S '$STATE/munge/munge.socket'" ||
        { log_tails; return 1; }
    say "munged running (pid $(cat "$STATE/run/munged.pid"))"
}

start_slurmctld() {
    SLURM_CONF=$CONF slurmctld -f "$CONF" -i ||
        { log_tails; say "slurmctld did not start"; return 1; }
    wait_for "$TIMEOUT" "slurmctld to answer" env SLURM_CONF="$CONF" scontrol ping ||
        { log_tails; return 1; }
    say "slurmctld running (pid $(cat "$STATE/run/slurmctld.pid"))"
}

start_slurmds() {
    local nodes=$1 n name
    if [[ $nodes == 1 ]]; then
        name=$(hostname -s)
        SLURM_CONF=$CONF slurmd -f "$CONF" -N "$name" ||
            { log_tails; say "slurmd did not start"; return 1; }
    else
        for ((n = 1; n <= nodes; n++)); do
            name=$NODE_PREFIX$n
            # Own network namespace (address) + own UTS namespace (host name).
            # shellcheck disable=SC2016 # $1, $2 are expanded by the inner bash
            ip netns exec "$NETNS_PREFIX$n" unshare --uts \
                env SLURM_CONF="$CONF" \
                bash -c 'hostname "$1" && exec slurmd -f "$2" -N "$1"' slurmd-in-ns "$name" "$CONF" ||
                { log_tails; say "slurmd $name did not start"; return 1; }
        done
    fi
}

nodes_idle() {
    local want=$1 got
    got=$(SLURM_CONF=$CONF sinfo -h -N -o '%N %t' 2>/dev/null | awk '$2 == "idle"' | sort -u | wc -l)
    [[ $got -ge $want ]]
}

cmd_start() {
    local nodes=1
    while [[ $# -gt 0 ]]; do
        case $1 in
            --nodes) nodes=${2:-}; shift 2 || die "--nodes needs a value" 2 ;;
            --nodes=*) nodes=${1#*=}; shift ;;
            *) die "start: unknown option '$1' (usage: start [--nodes 1-4])" 2 ;;
        esac
    done
    [[ $nodes =~ ^[1-4]$ ]] || die "--nodes must be 1, 2, 3 or 4, not '$nodes'" 2
    [[ $(id -u) == 0 ]] || die "must run as root (SlurmUser=root; --nodes 2-4 also needs ip netns)"
    local tool
    for tool in slurmctld slurmd sinfo scontrol squeue; do
        command -v "$tool" >/dev/null || die "$tool not found (apt-get install slurm-wlm)"
    done
    if [[ $nodes -ge 2 ]]; then
        for tool in ip unshare; do
            command -v "$tool" >/dev/null || die "$tool not found (apt-get install iproute2 util-linux)"
        done
    fi

    local foreign
    foreign=$(foreign_slurm)
    if [[ -n $foreign ]]; then
        printf 'cluster: error: a Slurm that is not ours is running; not starting next to it:\n%s\n' "$foreign" >&2
        exit 2
    fi
    if [[ -n $(our_daemons) || -e $STATE/net ]]; then
        say "our cluster is already (partly) running; restarting it"
        cmd_stop
    fi

    prepare_state_dir
    echo "$nodes" >"$(nodes_file)"
    echo "$AUTH" >"$STATE/auth"
    # From here on, any failure (set -e, die) stops whatever was started.
    trap 'rc=$?; if [[ $rc != 0 ]]; then say "start failed; stopping what was started" >&2; cmd_stop >&2 || true; fi; exit $rc' EXIT
    [[ $nodes -ge 2 ]] && net_up "$nodes"
    write_config "$nodes"
    start_munged
    start_slurmctld
    start_slurmds "$nodes"
    if ! wait_for "$TIMEOUT" "$nodes node(s) to be idle" nodes_idle "$nodes"; then
        SLURM_CONF=$CONF sinfo -N >&2 || true
        log_tails
        false
    fi
    if [[ $nodes -ge 2 ]]; then net_check "$nodes" || { log_tails; false; }; fi
    trap - EXIT
    say "up: $nodes node(s), partition $PARTITION, state in $STATE"
    SLURM_CONF=$CONF sinfo -N
    say "use it with: $(cmd_env)"
}

cmd_stop() {
    local name pid stepds any=0
    if [[ -e $CONF ]] && [[ -n $(our_daemons | awk '$1 == "slurmctld"') ]]; then
        # Cancel our jobs first so their steps end cleanly.
        if [[ -n $(SLURM_CONF=$CONF squeue -h -o %i 2>/dev/null) ]]; then
            say "cancelling running jobs"
            SLURM_CONF=$CONF scancel --full --partition="$PARTITION" 2>/dev/null || true
            wait_for "$TIMEOUT" "jobs to end" bash -c "[[ -z \$(SLURM_CONF='$CONF' squeue -h -o %i) ]]" || true
        fi
    fi
    # slurmd first, then slurmctld, then munged.
    for name in slurmd slurmctld munged; do
        while read -r n pid; do
            [[ $n == "$name"* ]] || continue
            any=1
            stop_pid "$n" "$pid" || true
        done < <(our_daemons)
    done
    stepds=$(our_stepds)
    for pid in $stepds; do stop_pid slurmstepd "$pid" || true; done
    net_down
    rm -f "$STATE"/run/*.pid 2>/dev/null || true
    [[ $any == 1 ]] || say "nothing of ours was running"
    local left
    left=$(our_daemons)
    [[ -z $left ]] || die "still running: $left"
    return 0
}

cmd_status() {
    local d rc=0 nodes
    nodes=$(node_count)
    d=$(our_daemons)
    if [[ -z $d ]]; then
        say "stopped (state folder $STATE)"
        return 3
    fi
    say "state folder $STATE, $nodes node(s)"
    printf '%s\n' "$d" | sed 's/^/  running: /'
    local want=$((nodes + 1))
    [[ $(cat "$STATE/auth" 2>/dev/null || echo "$AUTH") == none ]] || want=$((want + 1))
    [[ $(wc -l <<<"$d") -ge $want ]] || { say "degraded: expected $want daemons"; rc=1; }
    if SLURM_CONF=$CONF scontrol ping >/dev/null 2>&1; then
        SLURM_CONF=$CONF sinfo -N
        SLURM_CONF=$CONF squeue
    else
        say "slurmctld does not answer"
        rc=1
    fi
    local foreign
    foreign=$(foreign_slurm)
    [[ -z $foreign ]] || printf 'cluster: note: Slurm processes that are not ours:\n%s\n' "$foreign"
    return $rc
}

cmd_env() { echo "export SLURM_CONF=$CONF"; }

case ${1:-} in
    start) shift; cmd_start "$@" ;;
    stop) shift; cmd_stop ;;
    status) shift; cmd_status ;;
    env) shift; cmd_env ;;
    -h | --help | help)
        sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
        ;;
    *) die "usage: $0 start [--nodes 1-4] | stop | status | env" 2 ;;
esac
