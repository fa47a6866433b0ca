// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* --watch-client at work (watch_capture.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "blocker.h"
#include "bpf_blockers.h"
#include "clock.h"
#include "explain.h"
#include "json_writer.h"
#include "watch_capture.h"
#include "watch_words.h"

#define READS_PER_TICK	256	/* per socket: a flood waits for the next tick */
#define REPORT_MAX	8192

/* The capture socket inside `ns`: no packet is queued before its filter is on. */
static int open_capture(const struct wr_netns *ns, const struct wr_cidr *who)
{
	struct sock_filter prog[WR_WATCH_FILTER_MAX];
	struct sock_fprog fprog = { .filter = prog };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
	int fd = wr_netns_socket(ns, AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	if (fd < 0)
		return fd;
	fprog.len = (unsigned short)wr_watch_filter(who, prog, WR_WATCH_FILTER_MAX);
	if (!fprog.len || setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof(fprog)) ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		int e = fprog.len ? -errno : -EINVAL;

		close(fd);
		return e;
	}
	return fd;
}

static void close_run(struct wr_watch_run *r)
{
	r->dev_netns = r->dev_ifindex = 0;	/* a device index may be another's by the next round */
	for (size_t i = 0; i < r->n_fd; i++)
		close(r->fd[i]);
	r->n_fd = 0;
}

static bool watched(const struct wr_client_watch *cw, uint32_t inode)
{
	for (size_t i = 0; i < cw->n_only; i++)
		if (cw->only[i] == inode)
			return true;
	return !cw->n_only;
}

/* Every namespace on the host as it is now (or --netns's): the SYN may come into any. */
static void open_run(struct wr_client_watch *cw, struct wr_watch_run *r)
{
	wr_netns_scan(cw->netns);
	r->w.namespaces = r->w.namespaces_failed = 0;
	for (size_t i = 0; i < cw->netns->n && r->n_fd < WR_WATCH_MAX_NS; i++) {
		int fd;

		if (!watched(cw, cw->netns->v[i].inode))
			continue;
		fd = open_capture(&cw->netns->v[i], &r->w.who);

		if (fd < 0) {
			r->w.namespaces_failed++;
			continue;
		}
		r->fd[r->n_fd] = fd;
		r->fd_netns[r->n_fd++] = cw->netns->v[i].inode;
		r->w.namespaces++;
	}
}

int wr_client_watch_add(struct wr_client_watch *cw, const struct wr_cidr *who, uint64_t wait_ms,
			uint64_t window_ms, bool renew, int reply_fd, bool reply_json,
			char *err, size_t errlen)
{
	for (size_t i = 0; i < WR_WATCH_MAX; i++) {
		struct wr_watch_run *r = &cw->run[i];

		if (r->on)
			continue;
		wr_watch_init(&r->w, who, wr_now_ms(), wait_ms, window_ms, renew);
		r->w.reply_fd = reply_fd;
		r->w.reply_json = reply_json;
		r->on = true;
		open_run(cw, r);
		return 0;
	}
	snprintf(err, errlen, "%d watches are on already: wait for one to report", WR_WATCH_MAX);
	return -1;
}

/* A SYN's device by name: entering the namespace once per device, not per SYN. */
static void name_device(struct wr_client_watch *cw, struct wr_watch_run *r, size_t k,
			uint32_t ifindex, char *buf, size_t len)
{
	const struct wr_netns *ns;

	if (r->dev_netns != r->fd_netns[k] || r->dev_ifindex != ifindex) {
		ns = wr_netns_find(cw->netns, r->fd_netns[k]);
		if (!ns || wr_netns_ifname(ns, ifindex, r->dev_name, sizeof(r->dev_name)))
			snprintf(r->dev_name, sizeof(r->dev_name), "if%u", ifindex);
		r->dev_netns = r->fd_netns[k];
		r->dev_ifindex = ifindex;
	}
	snprintf(buf, len, "%s", r->dev_name);
}

static void read_socket(struct wr_client_watch *cw, struct wr_watch_run *r, size_t k)
{
	uint8_t buf[512];

	for (int n = 0; n < READS_PER_TICK; n++) {
		struct sockaddr_ll sll;
		socklen_t slen = sizeof(sll);
		struct wr_watch_pkt pkt;
		char ifname[16] = "";
		ssize_t got = recvfrom(r->fd[k], buf, sizeof(buf), MSG_TRUNC, (struct sockaddr *)&sll,
				       &slen);

		if (got < 0)
			return;
		if (!wr_watch_parse_pkt(buf, (size_t)got < sizeof(buf) ? (size_t)got : sizeof(buf),
					ntohs(sll.sll_protocol),
					sll.sll_pkttype == PACKET_OUTGOING, &pkt))
			continue;
		if (pkt.kind == WR_PKT_SYN)
			name_device(cw, r, k, (uint32_t)sll.sll_ifindex, ifname, sizeof(ifname));
		wr_watch_note_pkt(&r->w, &pkt, r->fd_netns[k], (uint32_t)sll.sll_ifindex, ifname,
				  wr_now_ms());
	}
}

struct xdp_query {
	struct wr_watch *w;
	uint32_t netns;
};

static void add_xdp(struct wr_watch *w, uint32_t netns, const char *ifname, uint32_t id,
		    const char *mode)
{
	struct wr_watch_xdp *x;

	if (!id || w->n_xdp == WR_WATCH_MAX_XDP)
		return;
	x = &w->xdp[w->n_xdp++];
	memset(x, 0, sizeof(*x));
	x->netns = netns;
	x->id = id;
	snprintf(x->ifname, sizeof(x->ifname), "%s", ifname);
	snprintf(x->mode, sizeof(x->mode), "%s", mode);
}

/* Inside the namespace: every device's XDP programs, as `ip -d link` shows them. */
static int query_xdp(const void *arg)
{
	const struct xdp_query *q = arg;
	struct if_nameindex *ifs = if_nameindex(), *i;

	if (!ifs)
		return -errno;
	for (i = ifs; i->if_index; i++) {
		LIBBPF_OPTS(bpf_xdp_query_opts, o);

		if (bpf_xdp_query((int)i->if_index, 0, &o))
			continue;
		add_xdp(q->w, q->netns, i->if_name, o.drv_prog_id, "native");
		add_xdp(q->w, q->netns, i->if_name, o.skb_prog_id, "generic");
		add_xdp(q->w, q->netns, i->if_name, o.hw_prog_id, "offload");
	}
	if_freenameindex(ifs);
	return 0;
}

/* XDP runs before any tap: where no SYN was seen, its programs are the suspects. */
static void list_xdp(struct wr_client_watch *cw, struct wr_watch_run *r)
{
	r->w.n_xdp = 0;
	for (size_t k = 0; k < r->n_fd; k++) {
		const struct wr_netns *ns = wr_netns_find(cw->netns, r->fd_netns[k]);
		struct xdp_query q = { &r->w, r->fd_netns[k] };

		if (ns)
			wr_netns_call(ns, query_xdp, &q);
	}
	if (r->w.n_xdp && !cw->bpf)
		cw->bpf = wr_bpf_finder_new();
	for (size_t i = 0; i < r->w.n_xdp && cw->bpf; i++) {
		struct wr_watch_xdp *x = &r->w.xdp[i];
		struct wr_blocker b;

		wr_bpf_describe(cw->bpf, wr_netns_find(cw->netns, x->netns), x->netns, x->id, &b);
		snprintf(x->program, sizeof(x->program), "%s", b.program);
		x->pid = b.pid;
		snprintf(x->comm, sizeof(x->comm), "%s", b.comm);
		snprintf(x->unit, sizeof(x->unit), "%s", b.unit);
		snprintf(x->ns_prefix, sizeof(x->ns_prefix), "%s", b.ns_prefix);
	}
}

static void label(void *arg, uint32_t netns, char *buf, size_t len)
{
	wr_netns_label(arg, netns, buf, len);
}

/* Each line of `text` into `out` as a terminal may show it (names are anyone's). */
static void sanitize_lines(const char *text, char *out, size_t len)
{
	size_t n = 0;

	out[0] = '\0';
	for (const char *p = text; p && n + 1 < len;) {
		const char *nl = strchr(p, '\n');
		char line[1024];

		snprintf(line, sizeof(line), "%.*s", (int)(nl ? (size_t)(nl - p) : strlen(p)), p);
		wr_text_sanitize(out + n, line, len - n);
		n += strlen(out + n);
		if (nl && n + 1 < len)
			out[n++] = '\n', out[n] = '\0';
		p = nl ? nl + 1 : NULL;
	}
}

static void report(struct wr_client_watch *cw, struct wr_watch_run *r, bool reached)
{
	uint64_t now = wr_now_ms();
	char *raw = malloc(REPORT_MAX), *text = malloc(REPORT_MAX), when[48];
	struct timespec ts;
	struct tm tm;
	struct jw j;

	if (!reached)
		list_xdp(cw, r);
	if (!raw || !text) {
		free(raw);
		free(text);
		return;
	}
	/* The clock first, as a refusal's line has it; the journal keeps its own. */
	localtime_r(&(time_t){ time(NULL) }, &tm);
	strftime(raw, REPORT_MAX, cw->out->journal_send ? "" : "%H:%M:%S ", &tm);
	wr_watch_text(&r->w, reached, now, label, cw->netns, raw + strlen(raw),
		      REPORT_MAX - strlen(raw));
	sanitize_lines(raw, text, REPORT_MAX);
	free(raw);
	clock_gettime(CLOCK_REALTIME, &ts);
	wr_format_rfc3339(&ts, when, sizeof(when));
	jw_init(&j);
	jw_object_begin(&j);
	jw_field_string(&j, "ts", when);
	jw_field_string(&j, "event", "watch");
	wr_watch_json(&j, &r->w, reached, now, label, cw->netns);
	jw_object_end(&j);
	wr_output_line(cw->out, "watch", text, jw_result(&j));
	if (r->w.reply_fd >= 0)
		wr_watch_reply(r->w.reply_fd, r->w.reply_json && jw_result(&j) ? jw_result(&j) : text);
	jw_free(&j);
	free(text);
	if (reached)
		cw->reports_reached++;
	else
		cw->reports_none++;
}

static void finish(struct wr_client_watch *cw, struct wr_watch_run *r, bool reached)
{
	bool quiet = !reached && r->w.none_told;	/* renewed: "none" said once */

	if (!quiet)
		report(cw, r, reached);
	if (r->w.reply_fd >= 0) {
		close(r->w.reply_fd);
		r->w.reply_fd = -1;
	}
	if (r->w.renew) {	/* anew: namespaces made since (a container) are watched too */
		wr_watch_restart(&r->w, wr_now_ms());
		close_run(r);
		open_run(cw, r);
		return;
	}
	close_run(r);
	r->on = false;
}

void wr_client_watch_tick(struct wr_client_watch *cw)
{
	wr_watch_server_serve(&cw->srv, cw);
	for (size_t i = 0; i < WR_WATCH_MAX; i++) {
		struct wr_watch_run *r = &cw->run[i];
		enum wr_watch_due due;

		if (!r->on)
			continue;
		for (size_t k = 0; k < r->n_fd; k++)
			read_socket(cw, r, k);
		due = wr_watch_due(&r->w, wr_now_ms());
		if (due != WR_DUE_NOT_YET)
			finish(cw, r, due == WR_DUE_REACHED);
		else if (r->w.reply_fd >= 0 && wr_watch_asker_gone(r->w.reply_fd))
			finish(cw, r, r->w.syns_total > 0);	/* the asker's Ctrl-C: now */
	}
}

void wr_client_watch_refusal(struct wr_client_watch *cw, const struct wr_refusal *r)
{
	for (size_t i = 0; i < WR_WATCH_MAX; i++) {
		if (!cw->run[i].on)
			continue;
		/* The refusal's SYN may wait in a capture still: read it first. */
		for (size_t k = 0; k < cw->run[i].n_fd; k++)
			read_socket(cw, &cw->run[i], k);
		wr_watch_note_refusal(&cw->run[i].w, (uint8_t)r->family, r->saddr_raw,
				      r->sport, r->daddr_raw, r->dport, wr_cause_name(r->cause));
	}
}

int wr_client_watch_start(struct wr_client_watch *cw, const struct wr_options *o,
			  struct wr_netns_list *netns, const uint32_t *only, size_t n_only,
			  struct wr_output *out, char *err, size_t errlen)
{
	memset(cw, 0, sizeof(*cw));
	cw->netns = netns;
	cw->only = only;
	cw->n_only = n_only;
	cw->out = out;
	cw->srv.fd = -1;
	for (size_t i = 0; i < o->n_watch; i++)
		if (wr_client_watch_add(cw, &o->watch[i], o->watch_for_ms, o->watch_window_ms, true,
					-1, false, err, errlen))
			return -1;
	return wr_watch_server_open(&cw->srv, o->watch_socket, o->watch_for_ms,
				    o->watch_window_ms, err, errlen);
}

void wr_client_watch_stats(const struct wr_client_watch *cw, struct wr_stats *s)
{
	s->watch_reports[0] = cw->reports_reached;
	s->watch_reports[1] = cw->reports_none;
	s->watch_refused = cw->srv.refused;
}

void wr_client_watch_stop(struct wr_client_watch *cw)
{
	if (!cw->netns)		/* never started, or stopped already */
		return;
	for (size_t i = 0; i < WR_WATCH_MAX; i++) {
		struct wr_watch_run *r = &cw->run[i];

		if (!r->on)
			continue;
		for (size_t k = 0; k < r->n_fd; k++)
			read_socket(cw, r, k);
		r->w.renew = false;
		if (r->w.syns_total || !r->w.none_told)
			finish(cw, r, r->w.syns_total > 0);
		close_run(r);
		r->on = false;
	}
	wr_watch_server_close(&cw->srv);
	wr_bpf_finder_free(cw->bpf);
	cw->bpf = NULL;
	cw->netns = NULL;
}
