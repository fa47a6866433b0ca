// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * whyrefused: for every incoming TCP SYN this host refused or blocked, say
 * why. Open -> configure -> load -> attach -> poll the ring buffer -> report.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "clock.h"
#include "client_probe.h"
#include "event_decode.h"
#include "explain.h"
#include "fw_objects.h"
#include "fw_rules.h"
#include "slow_lane.h"
#include "unit_lane.h"
#include "blocker.h"
#include "bpf_lane.h"
#include "unit_status.h"
#include "nl_kernel.h"
#include "hints.h"
#include "hooks.h"
#include "inventory.h"
#include "inventory_sync.h"
#include "journal_send.h"
#include "kernel_btf.h"
#include "kernel_names.h"
#include "netns.h"
#include "proc_owner.h"
#include "metrics.h"
#include "metrics_export.h"
#include "nat_lookup.h"
#include "nf_late.h"
#include "hook_switch.h"
#include "owner_watch.h"
#include "proc_ends.h"
#include "nf_modules.h"
#include "output.h"
#include "privileges.h"
#include "rule_owners.h"
#include "rule_sets.h"
#include "start_heap.h"
#include "route_lookup.h"
#include "tproxy.h"
#include "watch_capture.h"
#include "watch_socket.h"
#include "syn_queue.h"
#include "whyrefused.skel.h"

static volatile sig_atomic_t exiting, reopen_output;

#define SINK_BYTES	(1 << 20)	/* what a stalled reader may leave queued */

struct tracer {
	struct wr_options opts;
	struct wr_output out;
	struct wr_decode_ctx dctx;
	struct wr_stats stats;
	struct whyrefused_bpf *skel;
	struct wr_inventory inv;	/* who listens where, and who stopped */
	struct wr_netns_list netns;
	uint64_t listen_lost_seen;	/* WR_CNT_LISTEN_LOST when last resynced */
	struct wr_proc_ends ends;	/* how the processes that listened ended */
	uint64_t next_poll_ms;		/* lean: the next poll of every namespace */
	uint64_t last_netns_poll_ms;	/* lean: the last poll before a hint */
	struct wr_hook_switch sw;	/* hooks attached and detached while running */
	struct wr_lane *rules;		/* names firewall rules, on a thread of its own */
	struct wr_lane *units;		/* the systemd unit of a refused port; NULL without systemd */
	struct wr_lane *bpf;		/* the BPF program that refused or dropped a SYN */
	struct wr_hook_plan plan;
	uint32_t netns_filter[WR_MAX_NETNS];	/* --netns, resolved to inodes */
	struct wr_sink sink;		/* stdout or --output, never blocking us */
	struct wr_metrics metrics;	/* --metrics, --metrics-file: by cause and port */
	struct wr_metrics_server msrv;
	bool final_counters;		/* detached: the counters will not move again */
	struct wr_nf_modules nf_mods;	/* netfilter modules at start */
	char nf_note[512];		/* what their absence costs (start record) */
	struct wr_nf_late *nf_late;	/* their hooks, when they load after start */
	struct wr_owners owners;	/* who owns a firewall rule (rule_owners.conf) */
	struct wr_nat_finder *nat;	/* what the client dialled, when NAT sent it elsewhere */
	uint64_t next_nat_watch_ms;
	uint64_t next_nf_poll_ms;
	struct wr_client_watch watch;	/* --watch-client, --ask-watch: did its SYNs get here? */
};

static void on_hangup(int sig)
{
	reopen_output = 1;
}

/* Never through a symlink at PATH: root would append to whatever it names. */
static int open_output(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0640);
}

/* SIGHUP: logrotate moved the file; what is still queued goes to the new one. */
static void reopen_if_asked(struct tracer *t)
{
	int fd;

	if (!reopen_output)
		return;
	reopen_output = 0;
	if (!t->opts.output)
		return;
	wr_sink_flush(&t->sink);
	fd = open_output(t->opts.output);
	if (fd < 0) {
		fprintf(stderr, "whyrefused: cannot reopen %s: %s (still writing to the old file)\n",
			t->opts.output, strerror(errno));
		return;
	}
	close(t->sink.fd);
	t->sink.fd = fd;
}

static void on_signal(int sig)
{
	exiting = 1;
}

static void fail(const char *fmt, ...)
{
	va_list ap;

	fputs("whyrefused: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	return vfprintf(stderr, fmt, args);
}

static int64_t mono_to_real_ns(void)
{
	struct timespec mono, real;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	return ((int64_t)real.tv_sec - mono.tv_sec) * 1000000000LL +
	       ((int64_t)real.tv_nsec - mono.tv_nsec);
}

/* The loop's timers are unsigned: clock.h's one clock, as such. */
static uint64_t now_ms(void)
{
	return (uint64_t)wr_now_ms();
}

static void label_netns(void *arg, uint32_t netns, char *buf, size_t len)
{
	struct tracer *t = arg;

	wr_netns_lookup(&t->netns, netns);	/* a namespace made since the last scan */
	wr_netns_label(&t->netns, netns, buf, len);
}

static bool process_alive(void *arg, uint32_t pid)
{
	(void)arg;
	return wr_process_running(pid);
}

static bool netns_container(void *arg, uint32_t netns, struct wr_container *c)
{
	struct tracer *t = arg;

	return wr_netns_container(&t->netns, netns, c);
}

static void label_ifindex(void *arg, uint32_t netns, uint32_t ifindex, char *buf, size_t len)
{
	struct tracer *t = arg;
	const struct wr_netns *ns = wr_netns_lookup(&t->netns, netns);

	if (!ns || wr_netns_ifname(ns, ifindex, buf, len))
		snprintf(buf, len, "ifindex %u", ifindex);
}

#define POLL_MS		1000
#define POLL_SHARE	100	/* every namespace: at most 1% of a core */
#define POLL_MIN_MS	200	/* a refusal flood polls no more often */

/* The kernel's map of processes whose end is watched; -1 without the hooks. */
static int owners_map_fd(const struct tracer *t)
{
	return t->plan.process_ends ? bpf_map__fd(t->skel->maps.listen_owners) : -1;
}

/*
 * The default mode: what listens, by sock_diag instead of LISTEN events.
 * Each second, or less often where namespaces are many: a poll costs ~0.3
 * ms per namespace here, so 1000 containers stretch it to every 30 s.
 */
static void poll_listeners(struct tracer *t)
{
	struct timespec now;
	uint64_t t0 = now_ms(), took;

	clock_gettime(CLOCK_REALTIME, &now);
	wr_poll_all(&t->inv, &t->netns, &now);
	took = now_ms() - t0;
	t->next_poll_ms = now_ms() + (took * POLL_SHARE > POLL_MS ? took * POLL_SHARE : POLL_MS);
	wr_switch_listeners(&t->sw, &t->inv);
}

/* The default mode, before a no_listener hint: the refused namespace, now. */
static void poll_netns(struct tracer *t, uint32_t netns)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	wr_poll_netns(&t->inv, &t->netns, netns, &now);
	t->last_netns_poll_ms = now_ms();
}

/* What is there instead: the inventory turns "no socket" into a reason. */
static void add_context(struct tracer *t, struct wr_refusal *r)
{
	struct wr_hint_ctx hctx = { .inv = &t->inv, .netns_label = label_netns,
				    .ifname = label_ifindex, .ends = &t->ends,
				    .alive = process_alive, .netns_container = netns_container,
				    .arg = t };

	clock_gettime(CLOCK_REALTIME, &hctx.now);
	if (r->kind == WR_EV_UNANSWERED || r->cause == WR_CAUSE_BACKLOG_FULL) {
		/* A fresh dump: the queue length is what tells a full backlog. */
		wr_sync_netns(&t->inv, &t->netns, r->netns);
		wr_sync_owners(&t->inv, r->netns);
		wr_hints_backlog(&hctx, r, wr_reached_listener(&t->inv, r),
				 wr_listen_overflows_delta(&t->netns, r->netns));
	} else if (r->cause == WR_CAUSE_NO_LISTENER) {
		/*
		 * Polled listeners: what listens now, and a stop since the last
		 * poll, timed. A listener that would have taken this SYN is gone:
		 * poll at once.
		 */
		if (t->plan.lean && (now_ms() - t->last_netns_poll_ms >= POLL_MIN_MS ||
				      wr_reached_listener(&t->inv, r)))
			poll_netns(t, r->netns);
		wr_sync_owners(&t->inv, 0);
		wr_hints_no_listener(&hctx, r);
	} else if (r->cause == WR_CAUSE_HANDSHAKE_INCOMPLETE) {
		wr_sync_owners(&t->inv, r->netns);
		wr_hints_handshake(&hctx, r, wr_reached_listener(&t->inv, r));
	} else if (wr_fw_wants(r)) {
		/* Blocked while a service listens there: up, yet unreachable. */
		r->port_listening = wr_reached_listener(&t->inv, r) != NULL;
	}
}

static void on_listen(struct tracer *t, const void *data, size_t size)
{
	struct wr_listen_record rec;
	struct wr_listen_event ev;

	if (size < sizeof(ev)) {
		t->stats.decode_errors++;
		return;
	}
	memcpy(&ev, data, sizeof(ev));
	if (wr_decode_listen(&t->dctx, &ev, &rec)) {
		t->stats.decode_errors++;
		return;
	}
	/* Its unit and container are read while it runs: its stop is reported with them. */
	if (!rec.stop)
		wr_owner_details(&rec.l);
	if (wr_inv_apply(&t->inv, &rec))
		t->stats.decode_errors++;
}

/* A process that listened ended or exec'd: kept for the hint on its stop. */
static void on_proc_end(struct tracer *t, const void *data, size_t size)
{
	struct wr_proc_event ev;
	struct wr_proc_end end;

	if (size < sizeof(ev)) {
		t->stats.decode_errors++;
		return;
	}
	memcpy(&ev, data, sizeof(ev));
	if (wr_decode_proc(&t->dctx, &ev, &end))
		t->stats.decode_errors++;
	else
		wr_proc_ends_add(&t->ends, &end);
}

/* The rest of the pipeline, once the rule (if any) is named. */
static void report_refusal(void *arg, struct wr_refusal *r)
{
	struct tracer *t = arg;

	wr_fw_objects_name(r);
	wr_owners_name(&t->owners, r);
	wr_tproxy_explain(&t->inv, r);
	wr_rule_sets_hint(r);
	wr_client_watch_refusal(&t->watch, r);
	wr_output_refusal(&t->out, r);
	wr_metrics_count(&t->metrics, r->cause, r->dport, r->retries);
	if (r->port_listening)
		wr_metrics_count_blocked_listening(&t->metrics, r->cause, r->dport);
}

/* SOCKET_FILTER, TC_INGRESS: a BPF program to name (bpf_lane.c), and the listener it hit. */
static void expect_blocker(struct tracer *t, struct wr_refusal *r)
{
	if (!wr_blocker_expected(r, NULL) || r->blocker.kind != WR_BLK_SOCKET_FILTER)
		return;
	wr_sync_owners(&t->inv, r->netns);	/* its cgroup is its owner's */
	wr_blocker_expected(r, wr_reached_listener(&t->inv, r));
}

static void on_refusal(struct tracer *t, const void *data, size_t size)
{
	const struct wr_netns *ns;
	struct wr_refusal r;
	struct wr_event ev;

	if (size < sizeof(ev)) {
		t->stats.decode_errors++;
		return;
	}
	memcpy(&ev, data, sizeof(ev));
	if (wr_decode_event(&t->dctx, &ev, &r)) {
		t->stats.decode_errors++;
		return;
	}
	r.hook = wr_hooks_source_name(&t->plan, r.source, ev.flow.family);
	r.answers_unwatched = !wr_switch_answer_watched(&t->sw, r.family, ev.hdr.ts_ns);
	wr_explain(&r);
	wr_switch_refusal(&t->sw, &r);
	expect_blocker(t, &r);
	r.in_container = wr_netns_container(&t->netns, r.netns, &r.container);
	wr_nat_lookup(t->nat, &t->netns, &r);
	add_context(t, &r);
	wr_route_lookup(&t->netns, &r);
	wr_syn_queue_context(&t->netns, &r);
	/* Slow steps run on lanes of their own (nft, D-Bus), then report_refusal. */
	ns = wr_netns_lookup(&t->netns, r.netns);
	if (!wr_lane_submit(t->rules, &r, ns) && !wr_lane_submit(t->bpf, &r, ns) &&
	    !wr_lane_submit(t->units, &r, ns))
		report_refusal(t, &r);
}

static int handle_event(void *ctx, void *data, size_t size)
{
	struct tracer *t = ctx;
	struct wr_event_hdr hdr;

	t->stats.received++;
	if (size < sizeof(hdr)) {
		t->stats.decode_errors++;
		return 0;
	}
	memcpy(&hdr, data, sizeof(hdr));
	if (hdr.kind == WR_EV_LISTEN || hdr.kind == WR_EV_UNLISTEN)
		on_listen(t, data, size);
	else if (hdr.kind == WR_EV_PROC_END || hdr.kind == WR_EV_PROC_EXEC)
		on_proc_end(t, data, size);
	else
		on_refusal(t, data, size);
	return 0;
}

/* Fills the kernel's filter maps from --port and --src. */
static int load_filters(struct tracer *t, char *err, size_t errlen)
{
	struct whyrefused_bpf *skel = t->skel;
	uint8_t one = 1;
	size_t i;

	for (i = 0; i < t->opts.n_ports; i++)
		if (bpf_map__update_elem(skel->maps.port_filter, &t->opts.ports[i],
					 sizeof(uint16_t), &one, 1, BPF_ANY))
			goto fail;
	for (i = 0; i < t->opts.n_netns; i++)
		if (bpf_map__update_elem(skel->maps.netns_filter, &t->netns_filter[i],
					 sizeof(uint32_t), &one, 1, BPF_ANY))
			goto fail;
	for (i = 0; i < t->opts.n_srcs; i++) {
		const struct wr_cidr *c = &t->opts.srcs[i];

		if (c->family == AF_INET) {
			struct wr_lpm_v4 k = { .prefixlen = c->prefixlen };

			memcpy(&k.addr, c->addr, 4);
			if (bpf_map__update_elem(skel->maps.src4_filter, &k, sizeof(k), &one, 1,
						 BPF_ANY))
				goto fail;
		} else {
			struct wr_lpm_v6 k = { .prefixlen = c->prefixlen };

			memcpy(k.addr, c->addr, 16);
			if (bpf_map__update_elem(skel->maps.src6_filter, &k, sizeof(k), &one, 1,
						 BPF_ANY))
				goto fail;
		}
	}
	return 0;
fail:
	snprintf(err, errlen, "failed to fill the filter maps: %s", strerror(errno));
	return -1;
}

static uint64_t read_counter(struct tracer *t, uint32_t idx)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t vals[ncpu > 0 ? ncpu : 1], sum = 0;
	int c;

	if (ncpu <= 0 || bpf_map__lookup_elem(t->skel->maps.counters, &idx, sizeof(idx), vals,
					      sizeof(vals), 0))
		return 0;
	for (c = 0; c < ncpu; c++)
		sum += vals[c];
	return sum;
}

/* LISTEN transitions the ring buffer had no room for: re-read what listens. */
static void resync_if_listens_lost(struct tracer *t)
{
	uint64_t lost = read_counter(t, WR_CNT_LISTEN_LOST);

	if (lost == t->listen_lost_seen)
		return;
	t->listen_lost_seen = lost;
	wr_sync_all(&t->inv, &t->netns);
	t->stats.resyncs++;
}

/*
 * The kernel counts a SYN as seen before its outcome (filtered, folded...):
 * outcomes are read first and `seen` last, so while traffic flows `seen`
 * can only run ahead by the SYNs in flight. Once detached (the final
 * record) they add up exactly.
 */
static void read_counters(struct tracer *t)
{
	if (t->final_counters)
		return;
	clock_gettime(CLOCK_REALTIME, &t->stats.ts);
	for (uint32_t i = 0; i < WR_CNT_MAX; i++)
		if (i != WR_CNT_SEEN && i != WR_CNT_LISTEN_SEEN)
			t->stats.kernel[i] = read_counter(t, i);
	t->stats.kernel[WR_CNT_LISTEN_SEEN] = read_counter(t, WR_CNT_LISTEN_SEEN);
	t->stats.kernel[WR_CNT_SEEN] = read_counter(t, WR_CNT_SEEN);
	t->stats.nat_not_searched = wr_nat_skipped(t->nat);
	t->stats.netlink_forged = wr_nl_forged();
	wr_client_watch_stats(&t->watch, &t->stats);
	if (t->rules) {	/* freed before the final record: its last count stays */
		t->stats.rules_not_looked_up = wr_lane_skipped(t->rules);
		t->stats.units_not_looked_up = wr_lane_skipped(t->units) + wr_units_skipped();
		t->stats.blockers_not_looked_up = wr_lane_skipped(t->bpf);
	}
	wr_switch_stats(&t->sw, &t->stats);
}

static void render_metrics(FILE *f, void *arg)
{
	struct tracer *t = arg;
	struct wr_output_counts c;

	read_counters(t);
	wr_output_counts(&t->out, &c);
	wr_metrics_render(f, &t->metrics, &t->stats, &c);
}

/* The textfile is rewritten every --stats-interval (10 s without one), and at exit. */
static void write_metrics_file(struct tracer *t)
{
	char err[512];

	if (t->opts.metrics_file &&
	    wr_metrics_write_file(t->opts.metrics_file, render_metrics, t, err, sizeof(err)))
		fprintf(stderr, "whyrefused: %s\n", err);
}

/* --rate-limit is for the host: each CPU's bucket gets its share, at least 1/s. */
static uint64_t rate_per_cpu(uint64_t rate)
{
	int cpus = libbpf_num_possible_cpus();

	if (!rate)
		return 0;
	if (cpus < 1)
		cpus = 1;
	return (rate + (uint64_t)cpus - 1) / (uint64_t)cpus;
}

/* Each second: conntrack watched in namespaces that appeared, not in those gone. */
static void watch_nat(struct tracer *t)
{
	if (now_ms() < t->next_nat_watch_ms)
		return;
	t->next_nat_watch_ms = now_ms() + 1000;
	wr_nat_watch(t->nat, &t->netns);
}

/* The start record's netfilter_modules, as they are now. */
static void describe_modules(const struct wr_nf_modules *m, struct wr_start_info *s)
{
	int i;

	s->n_modules = 0;
	for (i = 0; i < WR_MOD_MAX; i++) {
		s->modules[s->n_modules].name = wr_nf_mod_names[i];
		s->modules[s->n_modules++].state = wr_mod_state_name(m->state[i]);
	}
}

/*
 * Once a second: a netfilter module that loaded since start gets its
 * verdict hooks (nf_late.c), and an `attach` record says so.
 */
static void watch_netfilter_modules(struct tracer *t, struct wr_start_info *s)
{
	char msg[256];
	int rc;

	if (!t->nf_late || now_ms() < t->next_nf_poll_ms)
		return;
	t->next_nf_poll_ms = now_ms() + 1000;
	rc = wr_nf_late_poll(t->nf_late, msg, sizeof(msg));
	if (!rc)
		return;
	describe_modules(wr_nf_late_modules(t->nf_late), s);
	wr_switch_record(&t->sw, "attach", msg);
}

static int run(struct tracer *t)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts);
	const char *btf_path = t->opts.btf_path ? t->opts.btf_path : WR_KERNEL_BTF;
	struct wr_start_info start = { 0 };
	struct ring_buffer *rb = NULL;
	struct wr_hook_plan *plan = &t->plan;
	struct wr_kernel_caps caps;
	struct btf *btf = NULL;
	struct utsname uts;
	uint64_t deadline = 0, next_stats = 0, next_metrics = 0, metrics_every;
	char err[512], missing[128];
	int ret = 1, e;

	if (wr_owners_load(&t->owners, t->opts.rule_owners ? t->opts.rule_owners :
			   WR_DEFAULT_RULE_OWNERS, t->opts.rule_owners, err, sizeof(err))) {
		fail("%s", err);
		return 2;
	}
	if (wr_check_capabilities(missing, sizeof(missing))) {
		fail("missing capabilities: %s (run as root)", missing);
		return 1;
	}
	wr_start_heap_warm();
	btf = wr_kernel_btf_load(btf_path, err, sizeof(err));
	if (!btf) {
		fail("%s", err);
		return 1;
	}
	/* Older than any kernel with drop reasons, but say so rather than fail to load. */
	if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) != 1) {
		fail("this kernel has no BPF ring buffer (BPF_MAP_TYPE_RINGBUF, Linux 5.8+)");
		goto cleanup;
	}
	wr_hooks_probe_caps(btf, &caps, t->opts.probe);
	if (wr_hooks_plan(btf, &caps, t->opts.backend, plan, err, sizeof(err))) {
		fail("%s", err);
		goto cleanup;
	}
	if (!t->opts.all_hooks)
		wr_hooks_lean(btf, plan);
	wr_switch_init(&t->sw, plan, caps.rejects, t->opts.on_demand_ms, &t->out, &start);
	/* Debian's kernels load netfilter modules on first use: say which are missing. */
	wr_nf_modules_read(btf, "", &t->nf_mods);
	if (wr_nf_modules_note(&t->nf_mods, plan->backend != WR_BACKEND_TRACEPOINT && !plan->lean &&
			       (caps.fentry || caps.kprobe), t->nf_note, sizeof(t->nf_note)))
		wr_hooks_note(plan, t->nf_note);
	describe_modules(&t->nf_mods, &start);
	if (t->opts.probe) {
		uname(&uts);
		printf("kernel %s, BTF %s\n", uts.release, btf_path);
		printf("netfilter modules:     ");
		for (size_t i = 0; i < start.n_modules; i++)
			printf("%s%s %s", i ? ", " : "", start.modules[i].name, start.modules[i].state);
		printf("\n");
		wr_hooks_print_probe(stdout, &caps, plan);
		ret = 0;
		goto cleanup;
	}
	if (wr_enum_table_from_btf(btf, "skb_drop_reason", "SKB_DROP_REASON_",
				   &t->dctx.drop_reasons) ||
	    wr_enum_table_from_btf(btf, "sk_rst_reason", "SK_RST_REASON_", &t->dctx.rst_reasons)) {
		fail("out of memory reading kernel enums");
		goto cleanup;
	}
	t->dctx.symbolize = wr_ksym_name;
	/* Names are copied: free our parse before libbpf makes its own (peak memory). */
	btf__free(btf);
	btf = NULL;

	if (t->opts.btf_path)
		open_opts.btf_custom_path = t->opts.btf_path;
	t->skel = whyrefused_bpf__open_opts(&open_opts);
	if (!t->skel) {
		fail("failed to open the BPF object: %s", strerror(errno));
		goto cleanup;
	}
	t->skel->rodata->filter_ports = t->opts.n_ports > 0;
	t->skel->rodata->filter_src = t->opts.n_srcs > 0;
	t->skel->rodata->filter_netns = t->opts.n_netns > 0;
	t->skel->rodata->fold_window_ns = t->opts.fold_window_ms * 1000000ULL;
	t->skel->rodata->rate_per_cpu = rate_per_cpu(t->opts.rate_limit);
	wr_hooks_configure(t->skel, plan);

	e = whyrefused_bpf__load(t->skel);
	wr_start_heap_release();
	if (e) {
		fail("failed to load BPF programs: %s (run with -v for the verifier log)",
		     strerror(-e));
		goto cleanup;
	}
	if (load_filters(t, err, sizeof(err))) {
		fail("%s", err);
		goto cleanup;
	}
	if (wr_hooks_attach(t->skel, plan, err, sizeof(err))) {
		fail("%s", err);
		goto cleanup;
	}
	wr_switch_attached(&t->sw, t->skel);
	t->nf_late = wr_nf_late_new(t->skel, plan, &caps, &t->nf_mods);
	t->nat = wr_nat_new();
	t->rules = wr_lane_new(&wr_fw_lane, wr_fw_new(t->opts.trace));
	t->units = wr_lane_new(&wr_unit_lane, wr_unit_lane_state());
	t->bpf = wr_lane_new(&wr_bpf_lane, wr_bpf_lane_state());
	if (!t->rules) {
		fail("out of memory");
		goto cleanup;
	}
	if (t->opts.metrics && wr_metrics_listen(&t->msrv, &t->opts.metrics_addr, err, sizeof(err))) {
		fail("%s", err);
		goto cleanup;
	}
	/* Loaded, attached, bound: what is left needs far fewer capabilities. */
	if (wr_drop_capabilities(err, sizeof(err))) {
		fail("%s", err);
		goto cleanup;
	}
	wr_owner_watch_init(owners_map_fd(t));
	/* Attached first, then dumped: a listener that changes in between is in both. */
	if (plan->lean) {	/* owners too: a service that stops is named by them */
		poll_listeners(t);
		wr_listen_overflows_baselines(&t->netns);
	} else
		wr_sync_all(&t->inv, &t->netns);
	/*
	 * Owners of what listened before us (a /proc scan), before the start
	 * record: a service, or a container's port holder, that stops right
	 * after is told by what it was and how it ended.
	 */
	wr_sync_owners(&t->inv, 0);
	watch_nat(t);	/* before the start record: a refusal right after it is seen */
	rb = ring_buffer__new(bpf_map__fd(t->skel->maps.events), handle_event, t, NULL);
	if (!rb) {
		fail("failed to create the ring buffer reader: %s", strerror(errno));
		goto cleanup;
	}

	t->dctx.mono_to_real_ns = mono_to_real_ns();
	clock_gettime(CLOCK_REALTIME, &start.ts);
	uname(&uts);
	start.kernel = uts.release;
	wr_hooks_describe(plan, &start);
	/* Before the start record: a watch asked for right after it is taken. */
	if (wr_client_watch_start(&t->watch, &t->opts, &t->netns, t->netns_filter, t->opts.n_netns,
				  &t->out, err, sizeof(err))) {
		fail("%s", err);
		goto cleanup;
	}
	wr_output_start(&t->out, &start);
	wr_metrics_init(&t->metrics, &start.ts);
	metrics_every = t->opts.stats_interval_ms ? t->opts.stats_interval_ms : 10000;
	write_metrics_file(t);
	next_metrics = now_ms() + metrics_every;

	if (t->opts.duration_ms)
		deadline = now_ms() + t->opts.duration_ms;
	if (t->opts.stats_interval_ms)
		next_stats = now_ms() + t->opts.stats_interval_ms;
	while (!exiting && !t->out.reader_gone) {
		/*
		 * One wait for refusals and metrics clients alike (libbpf's epoll
		 * fd is pollable): a scrape is answered at once, and since no
		 * metrics step blocks, a refusal never waits behind a client.
		 */
		wr_metrics_wait(&t->msrv, ring_buffer__epoll_fd(rb), 100);
		e = ring_buffer__poll(rb, 0);
		if (e < 0 && e != -EINTR) {
			snprintf(err, sizeof(err), "failed to read the ring buffer: %s", strerror(-e));
			wr_output_error(&t->out, &start.ts, err);
			goto cleanup;
		}
		/* Events of a burst are submitted without a wakeup: read them too. */
		ring_buffer__consume(rb);
		resync_if_listens_lost(t);
		if (plan->lean && now_ms() >= t->next_poll_ms)
			poll_listeners(t);
		wr_switch_tick(&t->sw);
		wr_lane_collect(t->rules, report_refusal, t);
		wr_lane_collect(t->units, report_refusal, t);
		wr_lane_collect(t->bpf, report_refusal, t);
		watch_netfilter_modules(t, &start);
		watch_nat(t);
		wr_client_watch_tick(&t->watch);
		reopen_if_asked(t);
		wr_sink_flush(&t->sink);
		wr_metrics_serve(&t->msrv, render_metrics, t);
		if (t->opts.metrics_file && now_ms() >= next_metrics) {
			write_metrics_file(t);
			next_metrics = now_ms() + metrics_every;
		}
		if (next_stats && now_ms() >= next_stats) {
			read_counters(t);
			wr_output_stats(&t->out, &t->stats, false);
			/* After a stall, one record, not a burst of catch-up records. */
			next_stats += t->opts.stats_interval_ms;
			if (next_stats <= now_ms())
				next_stats = now_ms() + t->opts.stats_interval_ms;
		}
		if (deadline && now_ms() >= deadline)
			break;
	}
	/*
	 * Detach first: then nothing more is counted or queued, what the kernel
	 * already queued is reported, and the final counters add up exactly.
	 */
	whyrefused_bpf__detach(t->skel);
	wr_nf_late_free(t->nf_late);
	t->nf_late = NULL;
	ring_buffer__consume(rb);
	/* Refusals still waiting for their rule: named (a helper's timeout at most), or as they are. */
	t->stats.rules_not_looked_up = wr_lane_skipped(t->rules);
	t->stats.units_not_looked_up = wr_lane_skipped(t->units) + wr_units_skipped();
	t->stats.blockers_not_looked_up = wr_lane_skipped(t->bpf);
	wr_lane_free(t->rules, 3500, report_refusal, t);
	wr_lane_free(t->units, 2000, report_refusal, t);
	wr_lane_free(t->bpf, 1000, report_refusal, t);
	t->rules = t->units = t->bpf = NULL;
	wr_client_watch_stop(&t->watch);
	/* Bounded: a reader that never reads again costs two seconds, counted. */
	wr_sink_drain(&t->sink, 2000);
	read_counters(t);
	t->final_counters = true;
	wr_output_stats(&t->out, &t->stats, true);
	wr_sink_drain(&t->sink, 1000);
	write_metrics_file(t);
	ret = 0;
	/* A lost reader fails the run: systemd's Restart=on-failure starts us again. */
	if (t->out.reader_gone) {
		fail("cannot write output: %s", strerror(t->out.gone_errno));
		ret = 1;
	}

cleanup:
	wr_client_watch_stop(&t->watch);
	wr_metrics_close(&t->msrv);
	wr_metrics_free(&t->metrics);
	ring_buffer__free(rb);
	wr_lane_free(t->rules, 0, NULL, NULL);	/* our trace tables go with their sockets */
	wr_lane_free(t->units, 0, NULL, NULL);
	wr_lane_free(t->bpf, 0, NULL, NULL);
	wr_nf_late_free(t->nf_late);
	wr_nat_free(t->nat);
	whyrefused_bpf__destroy(t->skel);
	wr_enum_table_free(&t->dctx.drop_reasons);
	wr_enum_table_free(&t->dctx.rst_reasons);
	wr_ksym_cache_free();
	wr_owner_cache_free();
	wr_inv_free(&t->inv);
	wr_owners_free(&t->owners);
	wr_netns_list_free(&t->netns);
	btf__free(btf);
	return ret;
}

int main(int argc, char **argv)
{
	static struct tracer t = { .msrv.fd = -1 };
	struct sigaction sa = { .sa_handler = on_signal };
	char err[256];
	bool color;
	int ret, fd = STDOUT_FILENO;

	switch (wr_parse_args(argc, argv, &t.opts, stdout, err, sizeof(err))) {
	case WR_CLI_DONE:
		return 0;
	case WR_CLI_USAGE:
		fail("%s", err);
		return 2;
	case WR_CLI_RUN:
		break;
	}
	if (t.opts.client)	/* the client's view: no BPF, no root (client_probe.c) */
		return wr_client_run(&t.opts);
	if (t.opts.ask_watch)	/* root asks the running tracer (watch_socket.c) */
		return wr_watch_ask_run(&t.opts);
	/* stdout closed: fd 1 would be the next fd opened (an epoll, a BPF map). */
	if (!t.opts.output && fcntl(STDOUT_FILENO, F_GETFD) < 0) {
		fail("cannot write output: %s", strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < t.opts.n_netns; i++)
		if (wr_netns_resolve(t.opts.netns[i], &t.netns_filter[i], err, sizeof(err))) {
			fail("%s", err);
			return 2;
		}
	if (t.opts.verbose)
		libbpf_set_print(libbpf_print);
	else
		libbpf_set_print(NULL);

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);	/* a closed reader is an EPIPE we handle */

	if (t.opts.output) {
		fd = open_output(t.opts.output);
		if (fd < 0) {
			fail("cannot open --output %s: %s", t.opts.output, errno == ELOOP ?
			     "it is a symbolic link (refused: root would write wherever it points)" :
			     strerror(errno));
			return 1;
		}
	}
	if (t.opts.journal && (ret = wr_journal_check(err, sizeof(err)))) {
		fail("%s", err);
		if (ret == -ENOSYS)	/* asked of a build that cannot */
			return 2;
		t.opts.journal = false;	/* no journald here: stdout, as said */
	}
	/* The unit's ExecStart has --json: --journal in WHYREFUSED_OPTS must still work. */
	if (t.opts.journal && t.opts.json) {
		fail("--journal: records go to the journal with their fields, --json set aside "
		     "(journalctl -o json prints them as JSON)");
		t.opts.json = false;
	}
	if (wr_sink_init(&t.sink, fd, SINK_BYTES)) {
		fail("out of memory");
		return 1;
	}
	sa.sa_handler = on_hangup;
	sigaction(SIGHUP, &sa, NULL);

	color = !t.opts.journal && (t.opts.color == WR_COLOR_ALWAYS ||
		(t.opts.color == WR_COLOR_AUTO && !t.opts.output && isatty(STDOUT_FILENO)));
	wr_output_init(&t.out, stdout, stderr, t.opts.json, color);
	t.out.sink = &t.sink;
	if (t.opts.journal)
		t.out.journal_send = wr_journal_send;
	ret = run(&t);
	wr_output_free(&t.out);
	if (t.opts.output)
		close(t.sink.fd);
	wr_sink_free(&t.sink);
	return ret;
}
