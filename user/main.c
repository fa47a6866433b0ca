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
#include "core_btf.h"
#include "client_probe.h"
#include "event_decode.h"
#include "fw_objects.h"
#include "hooks.h"
#include "inventory.h"
#include "journal_send.h"
#include "kernel_btf.h"
#include "kernel_names.h"
#include "netns.h"
#include "proc_owner.h"
#include "metrics.h"
#include "output.h"
#include "pods.h"
#include "privileges.h"
#include "rule_owners.h"
#include "rule_sets.h"
#include "start_heap.h"
#include "tproxy.h"
#include "watch_socket.h"
#include "tracer.h"
#include "verdict.h"
#include "whyrefused.skel.h"

static volatile sig_atomic_t exiting;

#define SINK_BYTES	(1 << 20)	/* what a stalled reader may leave queued */

static void on_hangup(int sig)
{
	wr_reopen_output = 1;
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
	wr_owners_name_blocker(&t->owners, r);
	wr_tproxy_name(&t->inv, r);
	wr_verdict(r);	/* cause, sentence and hints, from the facts: once, here */
	wr_pods_hint(&t->netns, r);	/* after: a pod's commands, by the namespaces it names */
	wr_client_watch_refusal(&t->watch, r);	/* a watched client's SYN, told */
	wr_output_refusal(&t->out, r);
	wr_metrics_count(&t->metrics, r->cause, r->dport, r->retries);
	if (r->port_listening)
		wr_metrics_count_blocked_listening(&t->metrics, r->cause, r->dport);
}

/* Decode, then every enricher in turn (enrichers.c), then a lane or report_refusal. */
static void on_refusal(struct tracer *t, const void *data, size_t size)
{
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
	wr_pipeline_refusal(t, &r);
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

#define PROBED	3	/* read_kernel: --probe printed its report */

static void print_probe(struct tracer *t, const char *btf_path, const struct wr_kernel_caps *caps)
{
	struct utsname uts;

	uname(&uts);
	printf("kernel %s, BTF %s\n", uts.release, btf_path);
	printf("netfilter modules:     ");
	for (size_t i = 0; i < t->start.n_modules; i++)
		printf("%s%s %s", i ? ", " : "", t->start.modules[i].name, t->start.modules[i].state);
	printf("\n");
	wr_hooks_print_probe(stdout, caps, &t->plan);
}

/*
 * What this kernel offers, read from its BTF once: the hook plan, the
 * netfilter modules, the names of drop and reset reasons. 0, an exit code,
 * or PROBED.
 */
static int read_kernel(struct tracer *t, struct wr_kernel_caps *caps)
{
	const char *btf_path = t->opts.btf_path ? t->opts.btf_path : WR_KERNEL_BTF;
	struct wr_hook_plan *plan = &t->plan;
	char err[512];
	size_t elf_size;
	struct btf *btf;
	int ret = 1;

	wr_start_heap_warm();
	btf = wr_kernel_btf_load(btf_path, err, sizeof(err));
	if (!btf) {
		fail("%s", err);
		return 1;
	}
	/* Older than any kernel with drop reasons, but say so rather than fail to load. */
	if (libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) != 1) {
		fail("this kernel has no BPF ring buffer (BPF_MAP_TYPE_RINGBUF, Linux 5.8+)");
		goto out;
	}
	wr_hooks_probe_caps(btf, caps, t->opts.probe);
	if (wr_hooks_plan(btf, caps, t->opts.backend, plan, err, sizeof(err))) {
		fail("%s", err);
		goto out;
	}
	if (!t->opts.all_hooks)
		wr_hooks_default(btf, plan);
	wr_switch_init(&t->sw, plan, caps->rejects, t->opts.on_demand_ms, &t->out, &t->start);
	/* Debian's kernels load netfilter modules on first use: say which are missing. */
	wr_nf_modules_read(btf, "", &t->nf_mods);
	if (wr_nf_modules_note(&t->nf_mods, plan->backend != WR_BACKEND_TRACEPOINT && !plan->default_mode &&
			       (caps->fentry || caps->kprobe), t->nf_note, sizeof(t->nf_note)))
		wr_hooks_note(plan, t->nf_note);
	wr_describe_modules(&t->nf_mods, &t->start);
	if (t->opts.probe) {
		print_probe(t, btf_path, caps);
		ret = PROBED;
	} else if (wr_enum_table_from_btf(btf, "skb_drop_reason", "SKB_DROP_REASON_",
					  &t->dctx.drop_reasons) ||
		   wr_enum_table_from_btf(btf, "sk_rst_reason", "SK_RST_REASON_",
					  &t->dctx.rst_reasons)) {
		fail("out of memory reading kernel enums");
	} else {
		t->dctx.symbolize = wr_ksym_name;
		ret = 0;
	}
	if (!ret && !t->opts.btf_path && whyrefused_bpf__elf_bytes(&elf_size))
		t->core_btf_fd = wr_core_btf_write(btf, whyrefused_bpf__elf_bytes(&elf_size), elf_size,
						   t->core_btf_path, sizeof(t->core_btf_path));
out:
	/* Names are copied: free our parse before libbpf makes its own (peak memory). */
	btf__free(btf);
	return ret;
}

/* Open, configure, load, fill the filters, attach. */
static int load_and_attach(struct tracer *t, const struct wr_kernel_caps *caps)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts);
	char err[512];
	int e;

	if (t->opts.btf_path)
		open_opts.btf_custom_path = t->opts.btf_path;
	else if (t->core_btf_fd >= 0)
		open_opts.btf_custom_path = t->core_btf_path;	/* what CO-RE reads: core_btf.h */
	t->skel = whyrefused_bpf__open_opts(&open_opts);
	if (!t->skel) {
		fail("failed to open the BPF object: %s", strerror(errno));
		return -1;
	}
	t->skel->rodata->filter_ports = t->opts.n_ports > 0;
	t->skel->rodata->filter_src = t->opts.n_srcs > 0;
	t->skel->rodata->filter_netns = t->opts.n_netns > 0;
	t->skel->rodata->fold_window_ns = t->opts.fold_window_ms * 1000000ULL;
	t->skel->rodata->rate_per_cpu = rate_per_cpu(t->opts.rate_limit);
	wr_hooks_configure(t->skel, &t->plan);

	e = whyrefused_bpf__load(t->skel);
	wr_start_heap_release();
	if (t->core_btf_fd >= 0)
		close(t->core_btf_fd);
	t->core_btf_fd = -1;
	if (e) {
		fail("failed to load BPF programs: %s (run with -v for the verifier log)",
		     strerror(-e));
		return -1;
	}
	if (load_filters(t, err, sizeof(err)) ||
	    wr_hooks_attach(t->skel, &t->plan, err, sizeof(err))) {
		fail("%s", err);
		return -1;
	}
	wr_switch_attached(&t->sw, t->skel);
	t->nf_late = wr_nf_late_new(t->skel, &t->plan, caps, &t->nf_mods);
	return 0;
}

/* The enrichers opened, privileges dropped, a first look, the ring buffer's reader. */
static struct ring_buffer *open_pipeline(struct tracer *t)
{
	struct ring_buffer *rb;
	char err[512];

	if (wr_pipeline_open(t, wr_enrichers, wr_n_enrichers, err, sizeof(err)) ||
	    (t->opts.metrics && wr_metrics_listen(&t->msrv, &t->opts.metrics_addr, err,
						  sizeof(err))) ||
	    /* Loaded, attached, bound: what is left needs far fewer capabilities. */
	    wr_drop_capabilities(err, sizeof(err))) {
		fail("%s", err);
		return NULL;
	}
	wr_pipeline_start(t, now_ms());
	rb = ring_buffer__new(bpf_map__fd(t->skel->maps.events), handle_event, t, NULL);
	if (!rb)
		fail("failed to create the ring buffer reader: %s", strerror(errno));
	return rb;
}

static void write_start(struct tracer *t)
{
	static struct utsname uts;

	t->dctx.mono_to_real_ns = mono_to_real_ns();
	clock_gettime(CLOCK_REALTIME, &t->start.ts);
	uname(&uts);
	t->start.kernel = uts.release;
	wr_hooks_describe(&t->plan, &t->start);
	wr_output_start(&t->out, &t->start);
	wr_metrics_init(&t->metrics, &t->start.ts);
	wr_tracer_write_metrics(t);
}

/* Until a signal, --duration or a reader gone: refusals, then each enricher's timer. */
static int loop(struct tracer *t, struct ring_buffer *rb)
{
	uint64_t deadline = t->opts.duration_ms ? now_ms() + t->opts.duration_ms : 0;
	char err[512];
	int e;

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
			wr_output_error(&t->out, &t->start.ts, err);
			return -1;
		}
		/* Events of a burst are submitted without a wakeup: read them too. */
		ring_buffer__consume(rb);
		wr_pipeline_tick(t, now_ms());
		if (deadline && now_ms() >= deadline)
			break;
	}
	return 0;
}

/*
 * Detach first: then nothing more is counted or queued, what the kernel
 * already queued is reported, and the final counters add up exactly.
 */
static int finish(struct tracer *t, struct ring_buffer *rb)
{
	whyrefused_bpf__detach(t->skel);
	wr_nf_late_free(t->nf_late);
	t->nf_late = NULL;
	ring_buffer__consume(rb);
	/* Refusals still waiting for their rule: named (a helper's timeout at most), or as they are. */
	wr_pipeline_stop(t);
	/* Bounded: a reader that never reads again costs two seconds, counted. */
	wr_sink_drain(&t->sink, 2000);
	if (t->out.journal_send)	/* and so does a journald that stopped reading */
		wr_journal_queue_drain(t->out.journal_send, 2000);
	wr_tracer_read_counters(t);
	t->final_counters = true;
	wr_output_stats(&t->out, &t->stats, true);
	wr_sink_drain(&t->sink, 1000);
	wr_tracer_write_metrics(t);
	/* A lost reader fails the run: systemd's Restart=on-failure starts us again. */
	if (t->out.reader_gone) {
		fail("cannot write output: %s", strerror(t->out.gone_errno));
		return 1;
	}
	return 0;
}

static int run(struct tracer *t)
{
	struct ring_buffer *rb = NULL;
	struct wr_kernel_caps caps;
	char err[512], missing[128];
	int ret;

	if (wr_owners_load(&t->owners, t->opts.rule_owners ? t->opts.rule_owners :
			   WR_DEFAULT_RULE_OWNERS, t->opts.rule_owners, err, sizeof(err))) {
		fail("%s", err);
		return 2;
	}
	if (wr_check_capabilities(missing, sizeof(missing))) {
		fail("missing capabilities: %s (run as root)", missing);
		return 1;
	}
	t->report = report_refusal;
	ret = read_kernel(t, &caps);
	if (ret == 0) {
		ret = 1;
		if (!load_and_attach(t, &caps) && (rb = open_pipeline(t))) {
			write_start(t);
			ret = loop(t, rb) ? 1 : finish(t, rb);
		}
	} else if (ret == PROBED)
		ret = 0;

	wr_metrics_close(&t->msrv);
	wr_metrics_free(&t->metrics);
	ring_buffer__free(rb);
	wr_pipeline_close(t);	/* the lanes' trace tables go with their sockets */
	wr_nf_late_free(t->nf_late);
	whyrefused_bpf__destroy(t->skel);
	wr_enum_table_free(&t->dctx.drop_reasons);
	wr_enum_table_free(&t->dctx.rst_reasons);
	wr_ksym_cache_free();
	wr_owner_cache_free();
	wr_inv_free(&t->inv);
	wr_owners_free(&t->owners);
	wr_netns_list_free(&t->netns);
	return ret;
}

int main(int argc, char **argv)
{
	static struct tracer t = { .msrv.fd = -1, .core_btf_fd = -1 };
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
		fd = wr_open_output(t.opts.output);
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
	if (t.opts.journal &&
	    !(t.out.journal_send = wr_journal_queue_new(wr_journal_send, WR_JOURNAL_QUEUE_SLOTS))) {
		fail("--journal: cannot start the thread that sends to journald");
		return 1;
	}
	ret = run(&t);
	wr_output_free(&t.out);
	if (t.opts.output)
		close(t.sink.fd);
	wr_sink_free(&t.sink);
	return ret;
}
