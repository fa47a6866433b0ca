// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "metrics.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "grow.h"
#include "whyrefused.h"

void wr_metrics_init(struct wr_metrics *m, const struct timespec *started)
{
	memset(m, 0, sizeof(*m));
	m->max_series = WR_METRICS_MAX_SERIES;
	m->started = *started;
}

void wr_metrics_free(struct wr_metrics *m)
{
	free(m->series);
	m->series = NULL;
	m->n = m->cap = 0;
}

static int series_cmp(uint8_t cause, uint16_t port, const struct wr_metric_series *s)
{
	if (cause != s->cause)
		return cause < s->cause ? -1 : 1;
	return port < s->port ? -1 : port > s->port;
}

/* The series of (cause, port), made if there is room; NULL: count it as port="other". */
static struct wr_metric_series *series_of(struct wr_metrics *m, enum wr_cause cause,
					  uint16_t port)
{
	size_t lo = 0, hi = m->n;
	struct wr_metric_series *s;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = series_cmp((uint8_t)cause, port, &m->series[mid]);

		if (!c)
			return &m->series[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (m->n >= m->max_series ||
	    wr_grow((void **)&m->series, &m->cap, m->n, sizeof(*m->series)))
		return NULL;
	memmove(&m->series[lo + 1], &m->series[lo], (m->n - lo) * sizeof(*s));
	s = &m->series[lo];
	*s = (struct wr_metric_series){ .cause = (uint8_t)cause, .port = port };
	m->n++;
	return s;
}

/* A port scan must not grow the exposition without bound: past max_series, "other". */
void wr_metrics_count(struct wr_metrics *m, enum wr_cause cause, uint16_t port, uint32_t retries)
{
	struct wr_metric_series *s;

	if ((unsigned)cause > WR_CAUSE_LAST)
		return;
	s = series_of(m, cause, port);
	if (!s) {
		m->other_refusals[cause]++;
		m->other_retries[cause] += retries;
		return;
	}
	s->refusals++;
	s->retries += retries;
}

void wr_metrics_count_blocked_listening(struct wr_metrics *m, enum wr_cause cause, uint16_t port)
{
	struct wr_metric_series *s;

	if ((unsigned)cause > WR_CAUSE_LAST)
		return;
	s = series_of(m, cause, port);
	if (s)
		s->blocked_listening++;
	else
		m->other_blocked_listening[cause]++;
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void counter(FILE *f, const char *name, const char *help, uint64_t v)
{
	family(f, name, "counter", help);
	fprintf(f, "%s %llu\n", name, (unsigned long long)v);
}

enum by_what { BY_REFUSALS, BY_RETRIES, BY_BLOCKED_LISTENING };

static uint64_t series_value(const struct wr_metric_series *s, enum by_what what)
{
	return what == BY_RETRIES ? s->retries :
	       what == BY_BLOCKED_LISTENING ? s->blocked_listening : s->refusals;
}

static uint64_t other_value(const struct wr_metrics *m, int c, enum by_what what)
{
	return what == BY_RETRIES ? m->other_retries[c] :
	       what == BY_BLOCKED_LISTENING ? m->other_blocked_listening[c] : m->other_refusals[c];
}

/* Firewall blocks of a listening port: only the series that had one. */
static void by_cause_port(FILE *f, const struct wr_metrics *m, const char *name,
			  const char *help, enum by_what what)
{
	bool sparse = what == BY_BLOCKED_LISTENING;
	size_t i;
	int c;

	family(f, name, "counter", help);
	for (i = 0; i < m->n; i++)
		if (!sparse || m->series[i].blocked_listening)
			fprintf(f, "%s{cause=\"%s\",port=\"%u\"} %llu\n", name,
				wr_cause_name((enum wr_cause)m->series[i].cause),
				m->series[i].port,
				(unsigned long long)series_value(&m->series[i], what));
	for (c = 0; c <= WR_CAUSE_LAST; c++)
		if (m->other_refusals[c] && (!sparse || m->other_blocked_listening[c]))
			fprintf(f, "%s{cause=\"%s\",port=\"other\"} %llu\n", name,
				wr_cause_name((enum wr_cause)c),
				(unsigned long long)other_value(m, c, what));
}

void wr_metrics_render(FILE *f, const struct wr_metrics *m, const struct wr_stats *s,
		       const struct wr_output_counts *out)
{
	static const struct { int idx; const char *cause; } rate_limited[] = {
		{ WR_CNT_RL_NO_LISTENER, "no_listener" },
		{ WR_CNT_RL_FIREWALL, "firewall" },
		{ WR_CNT_RL_BACKLOG, "backlog" },
		{ WR_CNT_RL_OTHER, "other" },
		{ WR_CNT_RL_HANDSHAKE, "handshake" },
	};
	size_t i;

	by_cause_port(f, m, "whyrefused_refusals_total",
		      "Refused or blocked incoming TCP connection attempts reported, by cause "
		      "and server port.", BY_REFUSALS);
	by_cause_port(f, m, "whyrefused_refusal_retries_total",
		      "Retransmitted SYNs folded into the reported attempts, by cause and "
		      "server port.", BY_RETRIES);
	by_cause_port(f, m, "whyrefused_firewall_blocked_listening_total",
		      "Firewall refusals of a port a socket listened on (the service is up but "
		      "unreachable), by cause and server port.", BY_BLOCKED_LISTENING);
	counter(f, "whyrefused_syns_seen_total",
		"Refused or dropped incoming SYNs the kernel side saw, before filters.",
		s->kernel[WR_CNT_SEEN]);
	counter(f, "whyrefused_syns_filtered_total",
		"SYNs excluded by --port, --src or --netns.", s->kernel[WR_CNT_FILTERED]);
	counter(f, "whyrefused_syns_folded_total",
		"Retransmitted SYNs folded into an attempt already reported.",
		s->kernel[WR_CNT_FOLDED]);
	counter(f, "whyrefused_events_emitted_total",
		"Events the kernel side put in the ring buffer.", s->kernel[WR_CNT_EMITTED]);
	family(f, "whyrefused_events_lost_total", "counter",
	       "Events the kernel side could not deliver, by reason.");
	fprintf(f, "whyrefused_events_lost_total{reason=\"ringbuf_full\"} %llu\n",
		(unsigned long long)s->kernel[WR_CNT_RINGBUF_FULL]);
	family(f, "whyrefused_events_rate_limited_total", "counter",
	       "Refusals held back by --rate-limit, by cause.");
	for (i = 0; i < sizeof(rate_limited) / sizeof(rate_limited[0]); i++)
		fprintf(f, "whyrefused_events_rate_limited_total{cause=\"%s\"} %llu\n",
			rate_limited[i].cause, (unsigned long long)s->kernel[rate_limited[i].idx]);
	counter(f, "whyrefused_synack_retransmits_total",
		"SYN-ACKs listeners resent (handshake_incomplete is reported once per handshake, "
		"at its 2nd).", s->kernel[WR_CNT_SYNACK_RTX]);
	counter(f, "whyrefused_listen_events_total", "LISTEN transitions seen.",
		s->kernel[WR_CNT_LISTEN_SEEN]);
	counter(f, "whyrefused_listen_events_lost_total",
		"LISTEN transitions the ring buffer had no room for.",
		s->kernel[WR_CNT_LISTEN_LOST]);
	counter(f, "whyrefused_process_ends_lost_total",
		"Ends and execs of listening processes the ring buffer had no room for.",
		s->kernel[WR_CNT_PROC_LOST]);
	counter(f, "whyrefused_events_received_total", "Events read from the ring buffer.",
		s->received);
	counter(f, "whyrefused_decode_errors_total", "Events that could not be decoded.",
		s->decode_errors);
	counter(f, "whyrefused_inventory_resyncs_total",
		"Listener inventory re-read after lost LISTEN events.", s->resyncs);
	counter(f, "whyrefused_rules_not_looked_up_total",
		"Firewall refusals reported without their rule: too many waited for a lookup.",
		s->rules_not_looked_up);
	counter(f, "whyrefused_units_not_looked_up_total",
		"Refusals whose systemd unit was not asked for: too many waited, or too many ports.",
		s->units_not_looked_up);
	counter(f, "whyrefused_blockers_not_looked_up_total",
		"Refusals whose BPF program was not looked for: too many waited for a lookup.",
		s->blockers_not_looked_up);
	counter(f, "whyrefused_netlink_forged_total",
		"Netlink datagrams another process sent to our sockets: dropped.", s->netlink_forged);
	family(f, "whyrefused_watch_reports_total", "counter",
	       "--watch-client reports: SYNs from the client reached this host, or none arrived.");
	fprintf(f, "whyrefused_watch_reports_total{verdict=\"reached\"} %llu\n",
		(unsigned long long)s->watch_reports[0]);
	fprintf(f, "whyrefused_watch_reports_total{verdict=\"none_arrived\"} %llu\n",
		(unsigned long long)s->watch_reports[1]);
	counter(f, "whyrefused_watch_requests_refused_total",
		"Watch requests turned away: not root, or not a request.", s->watch_refused);
	counter(f, "whyrefused_records_written_total", "Records written to the output.",
		out->written);
	counter(f, "whyrefused_record_write_errors_total", "Failed writes to the output.",
		out->write_errors);
	counter(f, "whyrefused_records_dropped_total",
		"Records dropped because the output's reader did not keep up.", out->dropped);
	family(f, "whyrefused_records_pending", "gauge",
	       "Records queued for the output, not written yet.");
	fprintf(f, "whyrefused_records_pending %llu\n", (unsigned long long)out->pending);
	family(f, "whyrefused_start_time_seconds", "gauge",
	       "When the tracer attached, seconds since the Unix epoch.");
	fprintf(f, "whyrefused_start_time_seconds %lld.%03ld\n", (long long)m->started.tv_sec,
		m->started.tv_nsec / 1000000);
}
