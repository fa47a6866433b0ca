# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# whyrefused: bpf/*.bpf.c -> build/bpf/*.bpf.o -> (linked) whyrefused.bpf.o
#             -> whyrefused.skel.h -> user/*/*.c -> build/whyrefused

SHELL      := /bin/bash
VERSION    := 0.1.0
BUILD      := build
PREFIX     ?= /usr/local
CLANG      ?= clang
BPFTOOL    ?= bpftool
CC         ?= cc
ARCH       := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux

# user/ is grouped by stage (hooks, inventory, firewall, ...): headers are included by name.
USER_INC   := -Iuser $(patsubst %/,-I%,$(wildcard user/*/))
CFLAGS     ?= -O2 -g
CFLAGS     += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter -Wno-format-truncation \
	      -Iinclude $(USER_INC) -Itests/fuzz -I$(BUILD) -DWR_VERSION='"$(VERSION)"' -MMD -MP \
	      $(EXTRA_CFLAGS)
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Iinclude -I$(BUILD) \
	      -Wall -Werror -MMD -MP
LDLIBS     := -lbpf -lelf -lz -lnftnl -lmnl -lnetfilter_conntrack -lnfnetlink -lsystemd -pthread

# maps.bpf.c first: its weak map definitions are the ones the linker keeps.
BPF_SRCS   := bpf/maps.bpf.c $(filter-out bpf/maps.bpf.c,$(wildcard bpf/*.bpf.c))
BPF_OBJS   := $(patsubst bpf/%.bpf.c,$(BUILD)/bpf/%.bpf.o,$(BPF_SRCS))
# Pure logic, no libbpf: what the unit tests link against.
CORE_SRCS  := user/output/json_writer.c user/cli.c user/explain/causes.c user/explain/verdict.c user/explain/explain.c user/hooks/event_decode.c user/output/output.c \
	      user/inventory/inventory.c user/explain/hints.c user/inventory/sock_diag.c user/inventory/netstat.c user/util/grow.c \
	      user/firewall/nft_trace.c user/firewall/nft_listing.c user/firewall/ipt_save.c user/firewall/ipt_nft.c user/output/line_sink.c \
	      user/output/metrics.c user/output/metrics_request.c user/output/metrics_export.c \
	      user/firewall/rule_owners.c user/firewall/rule_sets.c user/firewall/fw_objects.c user/firewall/fwd_policies.c user/containers/nat.c user/containers/containers.c user/containers/pods.c \
	      user/util/json_read.c user/containers/docker_state.c \
	      user/util/word_list.c user/inventory/proc_ends.c user/units/units.c user/util/small_file.c \
	      user/hooks/on_demand.c user/inventory/route_back.c user/firewall/tproxy.c user/inventory/syn_queue.c user/inventory/conntrack_stat.c user/util/shell_quote.c user/util/utf8.c user/units/unit_facts.c user/units/unit_syslog.c \
	      user/util/nl_kernel.c \
	      user/client/client_verdict.c
# Logic over kernel BTF (libbpf's btf API, no programs): unit tested with built BTF.
BTF_SRCS   := user/hooks/hook_plan.c user/hooks/kernel_names.c user/hooks/nf_modules.c user/hooks/kernel_btf.c \
	      user/hooks/core_btf.c
TOOL_SRCS  := $(CORE_SRCS) $(BTF_SRCS) user/main.c user/hooks/hooks.c user/util/privileges.c \
	      user/inventory/netns.c user/inventory/proc_owner.c user/inventory/inventory_sync.c user/inventory/netns_exec.c \
	      user/firewall/nft_flow_trace.c user/firewall/fw_rules.c user/hooks/nf_late.c \
	      user/containers/nat_lookup.c user/containers/container_addr.c user/inventory/owner_watch.c user/hooks/reject_hooks.c user/hooks/hook_switch.c \
	      user/containers/pod_hints.c user/util/slow_lane.c user/inventory/route_lookup.c user/inventory/syn_queue_lookup.c user/inventory/conntrack_lookup.c user/units/unit_status.c user/units/unit_lane.c user/client/client_probe.c \
	      user/hooks/start_heap.c user/pipeline/enrichers.c user/pipeline/pipeline.c user/pipeline/enrich_steps.c \
	      user/pipeline/enrich_listeners.c user/pipeline/enrich_lanes.c user/pipeline/tracer_jobs.c user/pipeline/enrich_watch.c
TOOL_OBJS  := $(patsubst %.c,$(BUILD)/%.o,$(TOOL_SRCS))
CORE_OBJS  := $(patsubst %.c,$(BUILD)/%.o,$(CORE_SRCS) $(BTF_SRCS))
UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
HELPERS    := $(patsubst tests/helpers/%.c,$(BUILD)/tests/%,$(wildcard tests/helpers/*.c))
# BPF blockers (blocker.h): words and parsers pure (unit tests, fuzzers), the rest asks the kernel.
CORE_SRCS  += user/blockers/blocker_words.c user/blockers/tc_filters.c
TOOL_SRCS  += user/blockers/blocker_words.c user/blockers/tc_filters.c user/blockers/bpf_blockers.c user/blockers/bpf_lane.c
TOOL_OBJS  := $(patsubst %.c,$(BUILD)/%.o,$(TOOL_SRCS))
CORE_OBJS  := $(patsubst %.c,$(BUILD)/%.o,$(CORE_SRCS) $(BTF_SRCS))

# --journal: records as journald fields (pure, unit tested), sent with libsystemd.
CORE_SRCS  += user/output/journal_fields.c user/output/journal_queue.c
TOOL_SRCS  += user/output/journal_fields.c user/output/journal_queue.c user/output/journal_send.c
TOOL_OBJS  := $(patsubst %.c,$(BUILD)/%.o,$(TOOL_SRCS))
CORE_OBJS  := $(patsubst %.c,$(BUILD)/%.o,$(CORE_SRCS) $(BTF_SRCS))

# --watch-client (client_watch.h): filter, packet reader, window and words pure; capture and socket not.
CORE_SRCS  += user/client/client_watch.c user/client/watch_words.c user/client/watch_request.c
TOOL_SRCS  += user/client/client_watch.c user/client/watch_words.c user/client/watch_request.c \
	      user/client/watch_capture.c user/client/watch_socket.c
TOOL_OBJS  := $(patsubst %.c,$(BUILD)/%.o,$(TOOL_SRCS))
CORE_OBJS  := $(patsubst %.c,$(BUILD)/%.o,$(CORE_SRCS) $(BTF_SRCS))

ifeq ($(V),1)
Q   :=
msg :=
else
Q   := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.PHONY: all clean deps test check fuzz unit unit-asan asan integration install uninstall demo help static vmtest vmsmoke bench bench-idle bench-start vmbench soak deb
.DELETE_ON_ERROR:
.SECONDARY:

all: $(BUILD)/whyrefused

help:
	@echo 'targets:'
	@echo '  make deps         install the Debian packages needed to build and test (root)'
	@echo '  make              build build/whyrefused'
	@echo '  make test         everything: make check, vmsmoke, vmtest, vmsystemd (root, ~45 min)'
	@echo '  make check        unit tests (plain and unit-asan), fuzz, then integration tests on'
	@echo '                    this kernel (root)'
	@echo '  make unit         cmocka unit tests only (no root needed)'
	@echo '  make unit-asan    the unit tests built with ASan+UBSan in build/asan/ (in make check)'
	@echo '  make fuzz         each parser of untrusted input under libFuzzer+ASan+UBSan for'
	@echo '                    FUZZ_SECONDS (10) each, FUZZ_JOBS (2) at a time (in make check)'
	@echo '  make integration  integration tests only (root)'
	@echo '  make asan         the integration suite with an ASan+UBSan build of the tool'
	@echo '                    (build/asan/whyrefused; root, ~7 min; not part of make test)'
	@echo '  make static       build/whyrefused-static, no shared libraries (copy it anywhere)'
	@echo '  make vmtest       the integration suite on Debian 12'"'"'s 6.1 and 6.12 kernels under'
	@echo '                    qemu, per backend (fentry, kprobe, tracepoint), with no netfilter'
	@echo '                    module loaded at start and with all loaded (root, tools/vm/matrix.sh)'
	@echo '  make vmtest-full  the whole matrix, fentry running every scenario (~60 min, outside CI)'
	@echo '  make vmsmoke      a bare busybox server with no kernel module: each backend starts'
	@echo '                    and explains a closed port (root, ~1 min)'
	@echo '  make vmsystemd    the systemd-unit scenarios in a Debian 12 guest with systemd as PID 1'
	@echo '                    (root, ~5 min, the first run 2-12 min more for the image; TESTS=...'
	@echo '                    picks some; tools/vm/systemd_guest.sh)'
	@echo '  make demo         a guided run in throw-away network namespaces (root)'
	@echo '  make bench        overhead, rates, CPU, memory, startup vs no tracer and bpftrace'
	@echo '                    (root, ~15 min; tools/bench/, not part of make test)'
	@echo '  make bench-idle   startup, idle CPU and memory with 1, 100, 1000 namespaces'
	@echo '  make bench-start  exec to the start record with 1, 100, 1000 namespaces'
	@echo '  make vmbench      the default mode'"'"'s cost on fentry, kprobe and tracepoint in Debian'"'"'s'
	@echo '                    6.1 and 6.12 under qemu, as ratios (root, ~30 min; tools/vm/bench.sh)'
	@echo '  make soak         a refused-SYN flood for SOAK_SECS (180): flat memory, counters'
	@echo '                    that add up (root)'
	@echo '  make install      install to $(PREFIX)/sbin, and the systemd unit'
	@echo '  make clean        remove build/'
	@echo 'V=1 shows the commands.'

DEPS_PKGS := clang llvm libclang-rt-14-dev libbpf-dev bpftool libelf-dev zlib1g-dev libcmocka-dev pkg-config libsystemd-dev \
	     libnftnl-dev libmnl-dev curl \
	     make gcc nftables iptables iproute2 jq openssh-client openssh-server util-linux rsyslog \
	     qemu-system-x86 busybox-static cpio fail2ban libnetfilter-conntrack-dev \
	     podman runc netavark aardvark-dns ufw groff-base python3-jsonschema lintian dpkg-dev
DEPS_PKGS += mmdebstrap e2fsprogs
# Debian's docker.io (dockerd, docker-proxy; containerd and runc come with it) for
# test_docker_published_port.sh: each scenario starts its own dockerd in a namespace;
# the policy-rc.d below keeps the install from starting docker or containerd here.
DEPS_PKGS += docker.io
# Debian's Prometheus and promtool (test_prometheus_scrape.sh, test_prometheus_rules.sh):
# each scenario runs its own on loopback and a random port. The package's service is
# kept from starting by the policy-rc.d below and, when deps installs it, disabled:
# nothing of it listens on :9090, now or after a reboot.
DEPS_PKGS += prometheus
DEPS_PKGS += firewalld

# fail2ban and podman (real firewall owners and containers for the tests) may
# start services when installed:
# a policy-rc.d of our own keeps any service from starting during the install.
deps:
	apt-get update
	@if [ -e /usr/sbin/policy-rc.d ]; then own=; else own=1; \
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; fi; \
	had_prom=$$(dpkg-query -W -f='$${Status}' prometheus 2>/dev/null || true); \
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(DEPS_PKGS); rc=$$?; \
	case "$$had_prom" in *" installed") ;; *) systemctl disable prometheus.service >/dev/null 2>&1 || true ;; esac; \
	[ -z "$$own" ] || rm -f /usr/sbin/policy-rc.d; exit $$rc

$(BUILD)/vmlinux.h:
	$(call msg,BTF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c $(wildcard bpf/*.bpf.h) include/whyrefused.h $(BUILD)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# One object, one skeleton: the per-signal objects share maps through externs.
$(BUILD)/whyrefused.bpf.o: $(BPF_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(BUILD)/whyrefused.skel.h: $(BUILD)/whyrefused.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name whyrefused_bpf > $@

# The same kfree_skb and verdict programs again, loaded when a netfilter
# module appears after start (user/hooks/nf_late.c), sharing the first object's maps.
NF_LATE_OBJS := $(BUILD)/bpf/maps.bpf.o $(BUILD)/bpf/drops.bpf.o $(BUILD)/bpf/verdicts.bpf.o

$(BUILD)/whyrefused_nf.bpf.o: $(NF_LATE_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(BUILD)/whyrefused_nf.skel.h: $(BUILD)/whyrefused_nf.bpf.o
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name whyrefused_nf_bpf > $@

# The rule owners' patterns, built in as a C string.
$(BUILD)/rule_owners_default.h: tools/rule_owners.conf
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $< > $@

$(BUILD)/user/firewall/rule_owners.o: $(BUILD)/rule_owners_default.h
$(BUILD)/user/hooks/hooks.o $(BUILD)/user/main.o $(BUILD)/user/hooks/reject_hooks.o: $(BUILD)/whyrefused.skel.h
$(BUILD)/user/enrich_listeners.o $(BUILD)/user/tracer_jobs.o: $(BUILD)/whyrefused.skel.h
$(BUILD)/user/hooks/nf_late.o: $(BUILD)/whyrefused.skel.h $(BUILD)/whyrefused_nf.skel.h

$(BUILD)/%.o: %.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@
# CFLAGS' -MMD: each object also depends on the headers it included (a
# changed struct rebuilds every user of it, tests included).
-include $(wildcard $(BUILD)/user/*.d $(BUILD)/user/*/*.d $(BUILD)/tests/unit/*.d $(BUILD)/tests/fuzz/*.d)

$(BUILD)/whyrefused: $(TOOL_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDFLAGS) $(LDLIBS)

# For copying onto servers and into the test VM: no shared libraries at all.
# Debian has no libmnl.a: user/util/mnl_static.c provides what libnftnl needs.
STATIC_LIBS := -lbpf -lelf -lz -lnftnl -pthread

static: $(BUILD)/whyrefused-static $(patsubst %,%-static,$(HELPERS))

# No libnetfilter_conntrack.a in Debian: the static binary looks no NAT up;
# no libsystemd.a: it asks systemd about no unit (user/units/unit_status_none.c) and
# --journal says it cannot (user/output/journal_send_none.c).
STATIC_OBJS := $(filter-out $(BUILD)/user/containers/nat_lookup.o $(BUILD)/user/units/unit_status.o \
			$(BUILD)/user/output/journal_send.o,$(TOOL_OBJS)) \
	       $(BUILD)/user/containers/nat_lookup_none.o $(BUILD)/user/units/unit_status_none.o $(BUILD)/user/util/mnl_static.o \
	       $(BUILD)/user/output/journal_send_none.o

$(BUILD)/whyrefused-static: $(STATIC_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) -static $^ -o $@ $(LDFLAGS) $(STATIC_LIBS)

$(BUILD)/tests/%-static: $(BUILD)/tests/helpers/%.o
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) -static $^ -o $@

$(BUILD)/tests/test_%: $(BUILD)/tests/unit/test_%.o $(CORE_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ -lcmocka $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/helpers/%.o
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@

$(BUILD)/tests/test_json_writer: $(BUILD)/tests/fuzz/json_check.o
$(BUILD)/tests/test_pipeline: $(BUILD)/user/pipeline/pipeline.o
$(BUILD)/tests/test_netns: $(BUILD)/user/inventory/netns.o $(BUILD)/user/inventory/netns_exec.o $(BUILD)/user/util/privileges.o
$(BUILD)/tests/test_unit_status: $(BUILD)/user/units/unit_status.o $(BUILD)/user/inventory/netns_exec.o \
				$(BUILD)/user/inventory/netns.o $(BUILD)/user/util/privileges.o

# libFuzzer with ASan and UBSan on every parser of untrusted input (bounded):
# tests/fuzz/fuzz_NAME.c feeds its bytes to the parser, linked with the
# CORE_SRCS built the same way (an archive: each takes what it needs) and
# FUZZ_SRCS_NAME; seeds in tests/fuzz/corpus/NAME/ (tests/fuzz/run.sh).
FUZZERS := json_writer ipt_save ipt_nft nft_listing nft_trace sock_diag conntrack netstat \
	   units word_list rule_owners event_decode container_state cgroup_path conmon_args proc_stat \
	   metrics_request unit_facts fw_objects unit_syslog route_back tproxy client_errqueue pod_names ct_stat
FUZZ_SECONDS ?= 10
FUZZ_JOBS    ?= 2
FUZZERS      += bpf_blockers watch_pkt watch_request
SANITIZE     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_OBJ     := $(BUILD)/fuzz/obj
FUZZ_CFLAGS  := -g -O1 -std=c11 -D_GNU_SOURCE -Iinclude $(USER_INC) -Itests/fuzz -I$(BUILD) \
		-DWR_VERSION='"$(VERSION)"' -MMD -MP $(SANITIZE)
FUZZ_LDLIBS  := -lnftnl -lmnl -lnetfilter_conntrack -lnfnetlink
FUZZ_SRCS_json_writer := tests/fuzz/json_check.c
FUZZ_SRCS_conntrack   := user/inventory/netns.c user/containers/container_addr.c
fuzz_objs = $(patsubst %.c,$(FUZZ_OBJ)/%.o,$(FUZZ_SRCS_$(1)))

$(FUZZ_OBJ)/%.o: %.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
$(FUZZ_OBJ)/user/firewall/rule_owners.o: $(BUILD)/rule_owners_default.h
-include $(wildcard $(FUZZ_OBJ)/*/*.d $(FUZZ_OBJ)/*/*/*.d)

$(BUILD)/fuzz/libcore.a: $(patsubst %.c,$(FUZZ_OBJ)/%.o,$(CORE_SRCS))
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

.SECONDEXPANSION:
$(BUILD)/fuzz/fuzz_%: $(FUZZ_OBJ)/tests/fuzz/fuzz_%.o $$(call fuzz_objs,$$*) $(BUILD)/fuzz/libcore.a
	$(call msg,FUZZ,$@)
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer $^ -o $@ $(FUZZ_LDLIBS)

# libFuzzer on the runtimes' state files: a container's own name (user/containers/containers.c).
$(BUILD)/fuzz/fuzz_container_state: tests/fuzz/fuzz_container_state.c user/containers/containers.c user/containers/pods.c user/util/json_read.c user/containers/docker_state.c user/util/small_file.c
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all $(USER_INC) $^ -o $@

# libFuzzer on /proc/PID/cgroup: where a runtime puts a container (user/containers/containers.c).
$(BUILD)/fuzz/fuzz_cgroup_path: tests/fuzz/fuzz_cgroup_path.c user/containers/containers.c user/containers/pods.c user/util/json_read.c user/containers/docker_state.c user/util/small_file.c
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all $(USER_INC) $^ -o $@

# libFuzzer on a would-be conmon's arguments and executable (user/containers/containers.c).
$(BUILD)/fuzz/fuzz_conmon_args: tests/fuzz/fuzz_conmon_args.c user/containers/containers.c user/containers/pods.c user/util/json_read.c user/containers/docker_state.c user/util/small_file.c
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all $(USER_INC) $^ -o $@

# libFuzzer on /proc/PID/stat lines, comm chosen by the process (user/inventory/proc_owner.c).
$(BUILD)/fuzz/fuzz_proc_stat: tests/fuzz/fuzz_proc_stat.c user/inventory/proc_owner.c user/containers/containers.c user/containers/pods.c user/util/json_read.c \
			      user/containers/docker_state.c \
			      user/util/small_file.c user/units/units.c
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all $(USER_INC) $^ -o $@

# libFuzzer on the metrics endpoint's request-head parser (user/output/metrics_request.c).
$(BUILD)/fuzz/fuzz_metrics_request: tests/fuzz/fuzz_metrics_request.c user/output/metrics_request.c \
				    user/output/metrics_request.h
	$(call msg,FUZZ,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) -g -O1 -std=c11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=all $(USER_INC) $(filter %.c,$^) -o $@

fuzz: $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZERS))
	$(Q)tests/fuzz/run.sh $(BUILD) $(FUZZ_SECONDS) $(FUZZ_JOBS) $(FUZZERS)

# The unit tests, and the tool under the integration suite, with ASan and
# UBSan: the same rules in their own tree (a recursive make, EXTRA_CFLAGS
# reaching compile and link); an error or a leak fails the run. Userspace
# only: BPF objects are built as always. The helpers stay unsanitized: they
# crash and exhaust memory on purpose (tcp_listen then=segv, then=oom).
ASAN_BUILD := $(BUILD)/asan
ASAN_ENV   := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1 \
	      UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ASAN_ARGS  := --no-print-directory BUILD=$(ASAN_BUILD)

unit-asan:
	$(Q)$(ASAN_ENV) $(MAKE) $(ASAN_ARGS) EXTRA_CFLAGS='$(SANITIZE)' unit

# LSan stops the world with ptrace at exit, which the unit's seccomp filters
# (test_systemd_unit) forbid: it would spin forever, so that scenario runs
# without the leak check. TESTS="..." picks scenarios, as for integration.
ASAN_TESTS   = $(addsuffix .sh,$(patsubst %.sh,%,$(or $(TESTS),$(notdir \
	       $(wildcard tests/integration/test_*.sh)))))
ASAN_NO_LSAN := test_systemd_unit.sh

asan:
	$(Q)$(MAKE) $(ASAN_ARGS) $(patsubst $(BUILD)/%,$(ASAN_BUILD)/%,$(HELPERS))
	$(Q)$(MAKE) $(ASAN_ARGS) EXTRA_CFLAGS='$(SANITIZE)' $(ASAN_BUILD)/whyrefused
	$(Q)rc=0; export BUILD=$(ASAN_BUILD); \
	t="$(filter-out $(ASAN_NO_LSAN),$(ASAN_TESTS))"; \
	[ -z "$$t" ] || $(ASAN_ENV) TESTS="$$t" tests/integration/run.sh || rc=1; \
	t="$(filter $(ASAN_NO_LSAN),$(ASAN_TESTS))"; \
	[ -z "$$t" ] || $(subst detect_leaks=1,detect_leaks=0,$(ASAN_ENV)) TESTS="$$t" \
		tests/integration/run.sh || rc=1; \
	exit $$rc

unit: $(UNIT_BINS)
	$(Q)tests/check_layout.sh
	$(Q)tests/check_links.py
	$(Q)for t in $(UNIT_BINS); do echo "== $$t"; $$t || exit 1; done

integration: $(BUILD)/whyrefused $(HELPERS)
	$(Q)tests/integration/run.sh

# Everything: this kernel, a bare server with no module, the suite on Debian
# 12's 6.1 and 6.12 kernels in both module states, and the systemd-unit
# scenarios in a Debian 12 guest with systemd as PID 1.
test: check vmsmoke vmtest vmsystemd

# This kernel only: the quick loop while developing.
check: unit unit-asan fuzz integration

vmtest:
	$(Q)tools/vm/matrix.sh

# The whole matrix (fentry runs every kernel-facing and third-party scenario):
# 50-60 minutes a lane, outside CI; run before a release.
.PHONY: vmtest-full
vmtest-full:
	$(Q)VMTEST_TIER=full tools/vm/matrix.sh

# A bare busybox server with no kernel module at all, each backend forced.
vmsmoke:
	$(Q)tools/vmsmoke.sh

# The systemd-unit scenarios (tests/systemd/) in a Debian 12 guest with
# systemd as PID 1: an image cached under build/vm/systemd/, booted once.
.PHONY: vmsystemd
vmsystemd: $(BUILD)/whyrefused $(HELPERS)
	$(Q)BUILD=$(BUILD) tools/vm/systemd_guest.sh

demo: $(BUILD)/whyrefused $(HELPERS)
	$(Q)tools/demo.sh

# Measurements, not tests: ratios against a run without tracer (tools/bench/).
$(BUILD)/bench/loadgen: tools/bench/loadgen.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -pthread $< -o $@

# The floor: empty programs on the same tracepoints (bench.sh's `empty`).
$(BUILD)/bench/empty.bpf.o: tools/bench/empty.bpf.c $(BUILD)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/bench/empty_tracer: tools/bench/empty_tracer.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $< -o $@ -lbpf -lelf -lz

$(BUILD)/bench/listen_netns: tools/bench/listen_netns.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $< -o $@

BENCH_TOOLS := $(BUILD)/bench/loadgen $(BUILD)/bench/empty.bpf.o $(BUILD)/bench/empty_tracer

# exec to the start record with 1, 100, 1000 namespaces (tools/bench/startup.sh).
$(BUILD)/bench/start_time: tools/bench/start_time.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $< -o $@

bench-start: $(BUILD)/whyrefused $(BUILD)/bench/listen_netns $(BUILD)/bench/start_time
	$(Q)BUILD=$(BUILD) tools/bench/startup.sh

# Idle, with 1, 100 and 1000 namespaces: startup, CPU, memory (tools/bench/idle.sh).
bench-idle: $(BUILD)/whyrefused $(BUILD)/bench/listen_netns
	$(Q)tools/bench/idle.sh

# A Debian package, built with Debian's tools (tools/debian/build-deb.sh).
deb:
	$(Q)tools/debian/build-deb.sh

bench: $(BUILD)/whyrefused $(BENCH_TOOLS) $(BUILD)/bench/listen_netns $(BUILD)/bench/start_time
	$(Q)tools/bench/bench.sh
	$(Q)BUILD=$(BUILD) tools/bench/startup.sh

# The same inside Debian's 6.1 and 6.12 under qemu: fentry and kprobe (tools/vm/bench.sh).
vmbench: $(BUILD)/whyrefused $(BENCH_TOOLS)
	$(Q)tools/vm/bench.sh

SOAK_SECS ?= 180
soak: $(BUILD)/whyrefused $(BENCH_TOOLS)
	$(Q)tools/bench/soak.sh $(SOAK_SECS)

# The unit goes where systemd looks for local units (/usr/local/lib/systemd/system).
UNIT_DIR ?= $(PREFIX)/lib/systemd/system

MAN_DIR ?= $(PREFIX)/share/man/man8
COMPLETION_DIR ?= $(PREFIX)/share/bash-completion/completions

install: $(BUILD)/whyrefused
	install -D -m 0755 $< $(DESTDIR)$(PREFIX)/sbin/whyrefused
	install -D -m 0644 tools/man/whyrefused.8 $(DESTDIR)$(MAN_DIR)/whyrefused.8
	install -D -m 0644 tools/completion/whyrefused $(DESTDIR)$(COMPLETION_DIR)/whyrefused
	install -D -m 0644 tools/schema/whyrefused.schema.json \
		$(DESTDIR)$(PREFIX)/share/whyrefused/whyrefused.schema.json
	install -D -m 0644 tools/prometheus/whyrefused.rules.yml \
		$(DESTDIR)$(PREFIX)/share/whyrefused/prometheus/whyrefused.rules.yml
	install -d $(DESTDIR)$(UNIT_DIR)
	sed 's|/usr/local/sbin/|$(PREFIX)/sbin/|' tools/systemd/whyrefused.service \
		> $(DESTDIR)$(UNIT_DIR)/whyrefused.service

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/whyrefused $(DESTDIR)$(UNIT_DIR)/whyrefused.service \
		$(DESTDIR)$(MAN_DIR)/whyrefused.8 $(DESTDIR)$(COMPLETION_DIR)/whyrefused \
		$(DESTDIR)$(PREFIX)/share/whyrefused/whyrefused.schema.json \
		$(DESTDIR)$(PREFIX)/share/whyrefused/prometheus/whyrefused.rules.yml
	-rmdir $(DESTDIR)$(PREFIX)/share/whyrefused/prometheus $(DESTDIR)$(PREFIX)/share/whyrefused 2>/dev/null

clean:
	rm -rf $(BUILD)

-include $(wildcard $(BUILD)/*/*.d $(BUILD)/*/*/*.d)

# The BPF-blocker scenarios' programs (tests/bpf/) and their loader, which
# holds them attached as a daemon does (libbpf; static for the VMs).
$(BUILD)/tests/blockers.bpf.o: tests/bpf/blockers.bpf.c
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) -g -O2 -target bpf -I/usr/include/$(shell $(CC) -dumpmachine) -Wall -Werror \
		-c $< -o $@

$(BUILD)/tests/bpf_hold: $(BUILD)/tests/helpers/bpf_hold.o $(BUILD)/tests/blockers.bpf.o
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) $< -o $@ -lbpf -lelf -lz

$(BUILD)/tests/bpf_hold-static: $(BUILD)/tests/helpers/bpf_hold.o $(BUILD)/tests/blockers.bpf.o
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) -static $< -o $@ -lbpf -lelf -lz
