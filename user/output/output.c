// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "output.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>

#include "explain.h"
#include "journal_fields.h"
#include "utf8.h"

#define COLOR_RED	"\033[1;31m"
#define COLOR_YELLOW	"\033[1;33m"
#define COLOR_DIM	"\033[2m"
#define COLOR_OFF	"\033[0m"

void wr_output_init(struct wr_output *o, FILE *f, FILE *info, bool json, bool color)
{
	memset(o, 0, sizeof(*o));
	o->f = f;
	o->info = info;
	o->json = json;
	o->color = color && !json;
	jw_init(&o->jw);
}

void wr_output_free(struct wr_output *o)
{
	wr_journal_queue_free(o->journal_send, 1000);	/* the final stats record too */
	o->journal_send = NULL;
	jw_free(&o->jw);
	free(o->journal);
	o->journal = NULL;
}

void wr_format_rfc3339(const struct timespec *ts, char *buf, size_t len)
{
	struct tm tm;
	char date[32];

	gmtime_r(&ts->tv_sec, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%09ldZ", date, (long)ts->tv_nsec);
}

static void emit(struct wr_output *o, FILE *f, const char *line)
{
	size_t n;

	if (o->sink && f == o->f && line) {
		wr_sink_put(o->sink, line);
		wr_sink_flush(o->sink);
		o->reader_gone = o->sink->reader_gone;
		o->gone_errno = o->sink->gone_errno;
		return;
	}
	if (!line) {
		o->write_errors++;
		return;
	}
	n = strlen(line);
	if (fwrite(line, 1, n, f) != n || fputc('\n', f) == EOF || fflush(f) == EOF) {
		if (errno == EPIPE || errno == EBADF) {
			o->reader_gone = true;
			o->gone_errno = errno;
		}
		o->write_errors++;
		clearerr(f);
		return;
	}
	o->written++;
}

static void info_line(struct wr_output *o, const char *event, int priority, const char *line);

static void json_begin(struct wr_output *o, const struct timespec *ts, const char *event)
{
	char when[48];

	wr_format_rfc3339(ts, when, sizeof(when));
	jw_reset(&o->jw);
	jw_object_begin(&o->jw);
	jw_field_string(&o->jw, "ts", when);
	jw_field_string(&o->jw, "event", event);
}

static void json_end(struct wr_output *o)
{
	jw_object_end(&o->jw);
	emit(o, o->f, jw_result(&o->jw));
}

void wr_output_start(struct wr_output *o, const struct wr_start_info *s)
{
	char line[2048];
	size_t i, n;

	if (o->json) {
		json_begin(o, &s->ts, "start");
		jw_field_uint(&o->jw, "schema", WR_JSON_SCHEMA);
		jw_field_string(&o->jw, "version", WR_VERSION);
		jw_field_string(&o->jw, "kernel", s->kernel);
		if (s->backend)
			jw_field_string(&o->jw, "backend", s->backend);
		jw_field_string(&o->jw, "mode", s->mode ? s->mode : "default");
		jw_key(&o->jw, "hooks");
		jw_object_begin(&o->jw);
		for (i = 0; i < s->n_hooks; i++)
			jw_field_string(&o->jw, s->hooks[i].signal, s->hooks[i].hook);
		jw_object_end(&o->jw);
		if (s->n_modules) {	/* why a verdict hook is missing, and whether it may come */
			jw_key(&o->jw, "netfilter_modules");
			jw_object_begin(&o->jw);
			for (i = 0; i < s->n_modules; i++)
				jw_field_string(&o->jw, s->modules[i].name, s->modules[i].state);
			jw_object_end(&o->jw);
		}
		if (s->n_notes) {	/* one string, as the contract has always had */
			for (i = 0, n = 0; i < s->n_notes && n < sizeof(line); i++)
				n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%s",
						      i ? "; " : "", s->notes[i]);
			jw_field_string(&o->jw, "fallback", line);
		}
		json_end(o);
		return;
	}
	n = (size_t)snprintf(line, sizeof(line),
			     "whyrefused %s: watching refused TCP connections in every network "
			     "namespace (kernel %s%s; hooks:", WR_VERSION, s->kernel,
			     s->mode && strcmp(s->mode, "default") ? ", --all-hooks" : "");
	for (i = 0; i < s->n_hooks && n < sizeof(line); i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %s=%s", s->hooks[i].signal,
				      s->hooks[i].hook);
	if (n < sizeof(line))
		n += (size_t)snprintf(line + n, sizeof(line) - n, "). Ctrl-C to stop.");
	for (i = 0; i < s->n_notes && n < sizeof(line); i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "\n  note: %s", s->notes[i]);
	info_line(o, "start", LOG_INFO, line);
}

void wr_output_attach(struct wr_output *o, const struct wr_start_info *s, const char *event,
		      const char *what)
{
	char line[1024], ts[16];
	struct tm tm;
	size_t i, n;

	if (o->json) {
		json_begin(o, &s->ts, event);
		jw_field_string(&o->jw, "what", what);
		jw_key(&o->jw, "hooks");
		jw_object_begin(&o->jw);
		for (i = 0; i < s->n_hooks; i++)
			jw_field_string(&o->jw, s->hooks[i].signal, s->hooks[i].hook);
		jw_object_end(&o->jw);
		jw_key(&o->jw, "netfilter_modules");
		jw_object_begin(&o->jw);
		for (i = 0; i < s->n_modules; i++)
			jw_field_string(&o->jw, s->modules[i].name, s->modules[i].state);
		jw_object_end(&o->jw);
		json_end(o);
		return;
	}
	localtime_r(&s->ts.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	n = (size_t)snprintf(line, sizeof(line), "%s %s", ts, what);
	for (i = 0; i < s->n_hooks && n < sizeof(line); i++)
		if (!strcmp(s->hooks[i].signal, "verdicts"))
			n += (size_t)snprintf(line + n, sizeof(line) - n, " (verdicts=%s)",
					      s->hooks[i].hook);
	info_line(o, event, LOG_INFO, line);
}

static const char *relation_name(enum wr_relation rel)
{
	switch (rel) {
	case WR_REL_OTHER_ADDRESS: return "other_address";
	case WR_REL_OTHER_PORT: return "other_port";
	case WR_REL_OTHER_NETNS: return "other_netns";
	case WR_REL_TARGET: return "target";
	case WR_REL_OTHER_DEVICE: return "other_device";
	case WR_REL_FORWARDED_BY: return "forwarded_by";
	}
	return "other";
}

/* {"name", "runtime", "id"}: the container object of a refusal or a listener. */
static void json_container(struct jw *w, const char *key, const struct wr_container *c)
{
	jw_key(w, key);
	jw_object_begin(w);
	if (c->name[0])
		jw_field_string(w, "name", c->name);
	jw_field_string(w, "runtime", c->runtime);
	jw_field_string(w, "id", c->id);
	if (c->pod_uid[0]) {
		jw_key(w, "pod");
		jw_object_begin(w);
		if (c->pod_name[0]) {
			jw_field_string(w, "namespace", c->pod_ns);
			jw_field_string(w, "name", c->pod_name);
		}
		jw_field_string(w, "uid", c->pod_uid);
		jw_object_end(w);
	}
	jw_object_end(w);
}

/* last_listener.ended: how its process ended, from the kernel. */
static void json_proc_end(struct jw *w, const struct wr_proc_end *e)
{
	char when[40], sb[16];

	jw_key(w, "ended");
	jw_object_begin(w);
	jw_field_string(w, "how", wr_end_how_name(e->how));
	wr_format_rfc3339(&e->ts, when, sizeof(when));
	jw_field_string(w, "at", when);
	if (e->how == WR_END_EXIT)
		jw_field_uint(w, "status", (unsigned)e->status);
	if (e->signal)
		jw_field_string(w, "signal", wr_signal_name(e->signal, sb, sizeof(sb)));
	if (e->how == WR_END_SIGNAL || e->how == WR_END_OOM)
		jw_field_bool(w, "core_dumped", e->core_dumped);
	if (e->how == WR_END_EXEC)
		jw_field_string(w, "exec", e->comm);
	if (e->by_known && e->signal) {
		jw_key(w, "by");
		jw_object_begin(w);
		jw_field_uint(w, "pid", e->by_pid);
		jw_field_string(w, "comm", e->by_comm);
		jw_field_uint(w, "uid", e->by_uid);
		jw_object_end(w);
	}
	jw_object_end(w);
}

static void json_listener_fields(struct jw *w, const struct wr_listener *l)
{
	char addr[WR_ADDR_STRLEN];

	inet_ntop(l->family, l->addr, addr, sizeof(addr));
	jw_field_string(w, "addr", addr);
	jw_field_uint(w, "port", l->port);
	jw_field_uint(w, "netns", l->netns);
	if (l->pid) {
		jw_field_uint(w, "pid", l->pid);
		jw_field_string(w, "comm", l->comm);
	} else {
		jw_key(w, "pid");
		jw_null(w);
		jw_key(w, "comm");
		jw_null(w);
	}
	if (l->family == AF_INET6)
		jw_field_bool(w, "v6only", l->v6only);
	if (l->bound_ifindex)
		jw_field_uint(w, "bound_ifindex", l->bound_ifindex);
	if (l->publishes.runtime[0])
		json_container(w, "published_for", &l->publishes);
	if (l->unit[0])
		jw_field_string(w, "unit", l->unit);
}

static void json_neighbours(struct wr_output *o, const struct wr_refusal *r)
{
	char when[48];
	size_t i;

	if (r->cause == WR_CAUSE_NO_LISTENER) {
		jw_key(&o->jw, "listeners");
		jw_array_begin(&o->jw);
		for (i = 0; i < r->n_related; i++) {
			jw_object_begin(&o->jw);
			json_listener_fields(&o->jw, &r->related[i].l);
			jw_field_string(&o->jw, "relation", relation_name(r->related[i].relation));
			jw_object_end(&o->jw);
		}
		jw_array_end(&o->jw);
	}
	if (r->has_last_listener) {
		wr_format_rfc3339(&r->last_listener.ts, when, sizeof(when));
		jw_key(&o->jw, "last_listener");
		jw_object_begin(&o->jw);
		json_listener_fields(&o->jw, &r->last_listener.l);
		jw_field_string(&o->jw, "stopped_at", when);
		if (r->last_listener.after.tv_sec) {	/* the default mode: between two polls */
			wr_format_rfc3339(&r->last_listener.after, when, sizeof(when));
			jw_field_string(&o->jw, "stopped_after", when);
		}
		if (r->last_end.how != WR_END_NONE)
			json_proc_end(&o->jw, &r->last_end);
		if (r->restarts)
			jw_field_uint(&o->jw, "restarts", r->restarts);
		jw_object_end(&o->jw);
	}
	for (i = 0; i < r->n_related; i++) {
		const struct wr_listener *l = &r->related[i].l;

		if (r->related[i].relation != WR_REL_TARGET)
			continue;
		jw_key(&o->jw, "listener");
		jw_object_begin(&o->jw);
		json_listener_fields(&o->jw, l);
		jw_field_uint(&o->jw, "queue", l->rqueue);
		jw_field_uint(&o->jw, "backlog", l->wqueue);
		jw_object_end(&o->jw);
		if (r->cause == WR_CAUSE_BACKLOG_FULL)
			jw_field_uint(&o->jw, "listen_overflows", r->listen_overflows);
	}
}

/* route_back.h: what `ip route get CLIENT` says in the refusal's namespace. */
/* conntrack_stat.c: its counters' growth and the table's size, for a NETFILTER_DROP. */
static void json_conntrack(struct jw *jw, const struct wr_refusal *r)
{
	jw_key(jw, "conntrack");
	jw_object_begin(jw);
	jw_field_bool(jw, "dropped", r->conntrack.dropped);
	jw_field_uint(jw, "drop", (uint64_t)r->conntrack.drop);
	jw_field_uint(jw, "early_drop", (uint64_t)r->conntrack.early_drop);
	jw_field_uint(jw, "insert_failed", (uint64_t)r->conntrack.insert_failed);
	jw_field_uint(jw, "invalid", (uint64_t)r->conntrack.invalid);
	if (r->conntrack.count >= 0)
		jw_field_uint(jw, "count", (uint64_t)r->conntrack.count);
	if (r->conntrack.max >= 0)
		jw_field_uint(jw, "max", (uint64_t)r->conntrack.max);
	jw_field_bool(jw, "since_start", r->conntrack.since_start);
	jw_object_end(jw);
}

static void json_route_back(struct jw *w, const struct wr_route_back *b)
{
	jw_key(w, "route_back");
	jw_object_begin(w);
	if (b->error) {
		jw_field_string(w, "error", strerror(b->error));
	} else {
		if (b->dev[0])
			jw_field_string(w, "dev", b->dev);
		if (b->via[0])
			jw_field_string(w, "via", b->via);
		if (b->src[0])
			jw_field_string(w, "src", b->src);
	}
	jw_field_string(w, "command", b->command);
	if (b->rp_filter >= 0 && b->in_dev[0]) {
		jw_field_uint(w, "rp_filter", (unsigned)b->rp_filter);
		jw_field_string(w, "in_dev", b->in_dev);
	}
	jw_object_end(w);
}

static const char *const zone_via_names[] = { "", "interface", "source", "default" };

/*
 * How the packet got to the rule (its jumps, the verdict map element that
 * matched) and what its manager calls it (fw_objects.c).
 */
static void json_rule_objects(struct jw *w, const struct wr_rule *rule)
{
	if (rule->n_path) {
		jw_key(w, "path");
		jw_array_begin(w);
		for (unsigned i = 0; i < rule->n_path && i < WR_RULE_HOPS; i++) {
			jw_object_begin(w);
			jw_field_string(w, "chain", rule->path[i].chain);
			jw_field_uint(w, "handle", rule->path[i].handle);
			jw_field_string(w, "text", rule->path[i].text);
			jw_object_end(w);
		}
		jw_array_end(w);
	}
	if (rule->element[0]) {
		jw_key(w, "element");
		jw_object_begin(w);
		jw_field_string(w, "key", rule->element_key);
		jw_field_string(w, "comment", rule->element);
		jw_field_string(w, "verdict", rule->element_verdict);
		jw_object_end(w);
	}
	if (rule->zone[0] || rule->fw_policy[0]) {
		jw_key(w, "firewalld");
		jw_object_begin(w);
		if (rule->fw_policy[0])
			jw_field_string(w, "policy", rule->fw_policy);
		if (rule->zone[0])
			jw_field_string(w, "zone", rule->zone);
		if (rule->zone_via && rule->zone_via < 4)
			jw_field_string(w, "zone_via", zone_via_names[rule->zone_via]);
		if (rule->zone_by[0])
			jw_field_string(w, rule->zone_via == 1 ? "interface" : "source", rule->zone_by);
		if (rule->rich_rule[0])
			jw_field_string(w, "rich_rule", rule->rich_rule);
		jw_object_end(w);
	}
	if (rule->service[0]) {
		jw_key(w, "kubernetes");
		jw_object_begin(w);
		jw_field_string(w, "service", rule->service);
		jw_field_string(w, "endpoints", rule->service_local ? "none on this node" : "none");
		jw_object_end(w);
	}
}

/* The contract's `rule`: what is known; `status` says why the rest is not. */
static void json_rule(struct jw *w, const struct wr_rule *rule)
{
	jw_key(w, "rule");
	jw_object_begin(w);
	jw_field_string(w, "backend", rule->backend ? rule->backend : "unknown");
	if (!rule->found) {
		jw_field_string(w, "status", rule->status ? rule->status : "unknown");
		if (rule->table[0]) {	/* from a verdict hook: the rule itself is not known */
			jw_field_string(w, "table", rule->table);
			jw_field_string(w, "chain", rule->chain);
		}
		if (rule->text[0])
			jw_field_string(w, "error", rule->text);
		jw_field_string(w, "verdict", rule->verdict);
		jw_object_end(w);
		return;
	}
	jw_field_string(w, "status", "found");
	jw_field_string(w, "family", rule->family);
	jw_field_string(w, "table", rule->table);
	jw_field_string(w, "chain", rule->chain);
	if (rule->policy) {
		jw_field_bool(w, "policy", true);
	} else {
		if (!strcmp(rule->backend, "nftables"))
			jw_field_uint(w, "handle", rule->handle);
		if (rule->number)
			jw_field_uint(w, "number", rule->number);
	}
	jw_field_string(w, "text", rule->text);
	/* iptables -S syntax for legacy rules and for rules of iptables-nft's tables. */
	jw_field_string(w, "syntax", rule->ipt_syntax || strcmp(rule->backend, "nftables") ?
				     "iptables" : "nft");
	jw_field_string(w, "verdict", rule->verdict);
	if (rule->owner[0]) {
		jw_field_string(w, "owner", rule->owner);
		jw_field_string(w, "owner_command", rule->owner_command);
	}
	json_rule_objects(w, rule);
	jw_object_end(w);
}

static void json_usec(struct jw *w, const char *key, uint64_t usec)
{
	struct timespec ts = { .tv_sec = (time_t)(usec / 1000000),
			       .tv_nsec = (long)(usec % 1000000) * 1000 };
	char when[48];

	if (!usec)
		return;
	wr_format_rfc3339(&ts, when, sizeof(when));
	jw_field_string(w, key, when);
}

static void json_state(struct jw *w, const char *key, const char *v)
{
	if (v[0])
		jw_field_string(w, key, v);
}

/* The systemd unit that should listen on dport (unit_lane.c), in systemctl's words. */
static void json_unit(struct jw *w, const struct wr_refusal *r)
{
	static const char *const found[] = { "none", "socket", "journal", "services", "config" };
	const struct wr_unit_facts *u = &r->unit;

	jw_key(w, "unit");
	jw_object_begin(w);
	jw_field_string(w, "name", u->unit);
	jw_field_string(w, "found_by", found[u->found_by]);
	json_state(w, "found_detail", u->found_detail);
	jw_field_string(w, "verdict", wr_unit_verdict_name(r->unit_advice.verdict));
	json_state(w, "load_state", u->load_state);
	json_state(w, "active_state", u->active_state);
	json_state(w, "sub_state", u->sub_state);
	json_state(w, "result", u->result);
	json_state(w, "unit_file_state", u->unit_file_state);
	json_state(w, "restart", u->restart);
	if (u->exec_main_code) {
		jw_field_int(w, "exec_main_code", u->exec_main_code);
		jw_field_int(w, "exec_main_status", u->exec_main_status);
	}
	jw_field_uint(w, "n_restarts", u->n_restarts);
	json_usec(w, "inactive_since", u->inactive_enter_usec);
	json_usec(w, "active_exit", u->active_exit_usec);
	json_usec(w, "active_since", u->active_enter_usec);
	jw_key(w, "last_lines");
	jw_array_begin(w);
	for (size_t i = 0; i < u->n_lines; i++)
		jw_string(w, u->lines[i].text);
	jw_array_end(w);
	if (u->n_lines)
		json_state(w, "last_lines_from", u->lines_from);
	if (u->config_port) {
		jw_field_uint(w, "config_port", u->config_port);
		json_state(w, "config_from", u->config_from);
	}
	json_state(w, "command", r->unit_advice.command);
	jw_object_end(w);
}

/* The BPF program that refused or dropped the SYN (blocker.h), and who holds it. */
static void json_blocker(struct jw *w, const struct wr_blocker *b)
{
	jw_key(w, "blocker");
	jw_object_begin(w);
	jw_field_string(w, "kind", wr_blocker_kind_name(b->kind));
	jw_field_bool(w, "looked_up", b->looked);
	if (b->found) {
		jw_field_string(w, "program", b->program);
		jw_field_uint(w, "id", b->id);
		jw_field_string(w, "attach", b->attach);
	}
	if (b->cgroup[0])
		jw_field_string(w, "cgroup", b->cgroup);
	if (b->cgroup_unit[0])
		jw_field_string(w, "unit", b->cgroup_unit);
	if (b->device[0])
		jw_field_string(w, "device", b->device);
	if (b->others)
		jw_field_uint(w, "others", b->others);
	if (b->found && b->pid) {
		jw_key(w, "holder");
		jw_object_begin(w);
		jw_field_uint(w, "pid", b->pid);
		jw_field_string(w, "comm", b->comm);
		if (b->unit[0])
			jw_field_string(w, "unit", b->unit);
		if (b->container[0])
			jw_field_string(w, "container", b->container);
		jw_object_end(w);
	}
	if (b->command[0])
		jw_field_string(w, "command", b->command);
	if (b->owner[0]) {
		jw_field_string(w, "owner", b->owner);
		if (b->owner_command[0])
			jw_field_string(w, "owner_command", b->owner_command);
	}
	jw_object_end(w);
}

static void json_refusal(struct wr_output *o, const struct wr_refusal *r)
{
	char reply[64];
	size_t i;

	json_begin(o, &r->ts, "refusal");
	jw_field_string(&o->jw, "cause", wr_cause_name(r->cause));
	jw_field_string(&o->jw, "family", r->family == AF_INET6 ? "ipv6" : "ipv4");
	jw_field_string(&o->jw, "saddr", r->saddr);
	jw_field_uint(&o->jw, "sport", r->sport);
	jw_field_string(&o->jw, "daddr", r->daddr);
	jw_field_uint(&o->jw, "dport", r->dport);
	jw_field_uint(&o->jw, "netns", r->netns);
	jw_field_uint(&o->jw, "ifindex", r->ifindex);
	jw_field_string(&o->jw, "reason", r->reason);
	jw_field_uint(&o->jw, "retries", r->retries);
	jw_field_string(&o->jw, "explanation", r->explanation);
	jw_key(&o->jw, "hints");
	jw_array_begin(&o->jw);
	for (i = 0; i < r->n_hints; i++)
		jw_string(&o->jw, r->hints[i]);
	jw_array_end(&o->jw);
	jw_field_string(&o->jw, "client_sees", r->client_sees);
	if (r->cause == WR_CAUSE_FIREWALL_REJECT || r->cause == WR_CAUSE_FIREWALL_DROP)
		jw_field_string(&o->jw, "reply", wr_reply_name(r, reply, sizeof(reply)));
	else if (r->cause == WR_CAUSE_FIREWALL_BLOCKED)
		jw_field_string(&o->jw, "reply", "unknown");
	if (r->rule.present)
		json_rule(&o->jw, &r->rule);
	if (r->has_unit)
		json_unit(&o->jw, r);
	if (r->blocker.kind != WR_BLK_NONE)
		json_blocker(&o->jw, &r->blocker);
	if (r->in_container)
		json_container(&o->jw, "container", &r->container);
	if (r->nat.found) {
		jw_key(&o->jw, "nat");
		jw_object_begin(&o->jw);
		jw_field_string(&o->jw, "daddr", r->nat.daddr);
		jw_field_uint(&o->jw, "dport", r->nat.dport);
		jw_field_uint(&o->jw, "netns", r->nat.netns);
		jw_field_string(&o->jw, "to_daddr", r->nat.to_daddr);
		jw_field_uint(&o->jw, "to_dport", r->nat.to_dport);
		jw_object_end(&o->jw);
	}
	jw_field_string(&o->jw, "hook", r->hook ? r->hook :
			r->source == WR_SRC_TCP_SEND_RESET ? "tcp:tcp_send_reset" :
			r->source == WR_SRC_CONSUME_SKB ? "skb:consume_skb" :
			r->source == WR_SRC_SYNACK_RTX ? "tcp:tcp_retransmit_synack" :
			"skb:kfree_skb");
	if (r->location)
		jw_field_string(&o->jw, "location", r->location);
	if (r->cause == WR_CAUSE_HANDSHAKE_INCOMPLETE)
		jw_field_uint(&o->jw, "synack_retransmits", r->synack_rtx);
	if (r->route_back.looked)
		json_route_back(&o->jw, &r->route_back);
	if (r->syn_queue.looked) {
		jw_key(&o->jw, "syn_queue");
		jw_object_begin(&o->jw);
		jw_field_uint(&o->jw, "req_full_drops", (uint64_t)r->syn_queue.drops);
		jw_field_uint(&o->jw, "req_full_cookies", (uint64_t)r->syn_queue.cookies);
		jw_field_bool(&o->jw, "since_start", r->syn_queue.since_start);
		if (r->syn_queue.syncookies >= 0)
			jw_field_uint(&o->jw, "syncookies", (unsigned)r->syn_queue.syncookies);
		jw_object_end(&o->jw);
	}
	if (r->conntrack.looked)
		json_conntrack(&o->jw, r);
	json_neighbours(o, r);
	json_end(o);
}

static const char *label_color(enum wr_cause c)
{
	return wr_cause_info(c)->quiet ? COLOR_YELLOW : COLOR_RED;
}

/*
 * Text for a terminal: names come from processes and may hold anything.
 * Characters that act on a terminal (C0 and C1 controls, bidi overrides,
 * line separators: utf8.h) become one '?' each, and each byte that is not
 * valid UTF-8 one '?' (as JSON has a U+FFFD for it), so a process name can
 * neither forge lines, drive the terminal, nor reorder what it shows.
 */
void wr_text_sanitize(char *dst, const char *src, size_t len)
{
	size_t n = 0, left = strlen(src);

	while (left && n + 1 < len) {
		uint32_t cp;
		size_t seq = wr_utf8_next(src, left, &cp);

		if (!seq || n + seq >= len) {	/* invalid, or no room for it whole */
			dst[n++] = '?';
			seq = 1;
		} else if (wr_utf8_is_control(cp)) {
			dst[n++] = '?';
		} else {
			memcpy(dst + n, src, seq);
			n += seq;
		}
		src += seq;
		left -= seq;
	}
	dst[n] = '\0';
}

/* The text record: its line and hint lines; `clock`: the time first (not in the journal). */
static void text_refusal_line(const struct wr_output *o, const struct wr_refusal *r, bool clock,
			      char *line, size_t len)
{
	char when[16], client[WR_ADDR_STRLEN + 10], server[WR_ADDR_STRLEN + 10];
	char clean[WR_TEXT_LEN];
	const char *fmt = r->family == AF_INET6 ? "[%s]:%u" : "%s:%u";
	struct tm tm;
	size_t i, n;

	localtime_r(&r->ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	snprintf(client, sizeof(client), fmt, r->saddr, r->sport);
	snprintf(server, sizeof(server), fmt, r->daddr, r->dport);
	wr_text_sanitize(clean, r->explanation, sizeof(clean));
	n = (size_t)snprintf(line, len, "%s%s%s%-8s%s %s -> %s  %s", clock ? when : "",
			     clock ? " " : "",
			     o->color ? label_color(r->cause) : "", wr_cause_label(r->cause),
			     o->color ? COLOR_OFF : "", client, server, clean);
	if (r->retries && n < len)
		n += (size_t)snprintf(line + n, len - n, " (%u retries folded)",
				      r->retries);
	for (i = 0; i < r->n_hints && n < len; i++) {
		/* The first hint often closes the explanation already. */
		if (strstr(r->explanation, r->hints[i]))
			continue;
		wr_text_sanitize(clean, r->hints[i], sizeof(clean));
		n += (size_t)snprintf(line + n, len - n, "\n%s         %s%s",
				      o->color ? COLOR_DIM : "", clean,
				      o->color ? COLOR_OFF : "");
	}
}

static void text_refusal(struct wr_output *o, const struct wr_refusal *r)
{
	char line[2048];

	text_refusal_line(o, r, true, line, sizeof(line));
	emit(o, o->f, line);
}

/* --journal: the entry is copied to the sender's queue, or dropped and counted there. */
static void journal_send(struct wr_output *o, struct wr_journal_entry *e)
{
	wr_journal_queue_put(o->journal_send, e);
}

static struct wr_journal_entry *journal_entry(struct wr_output *o)
{
	if (!o->journal)
		o->journal = malloc(sizeof(*o->journal));
	if (!o->journal)
		o->write_errors++;
	return o->journal;
}

static void journal_refusal(struct wr_output *o, const struct wr_refusal *r)
{
	struct wr_journal_entry *e = journal_entry(o);
	char line[2048];

	if (!e)
		return;
	text_refusal_line(o, r, false, line, sizeof(line));
	wr_journal_refusal(e, r, line);
	journal_send(o, e);
}

/* Start, attach, stats, error: to the journal with --journal, else to o->info. */
static void info_line(struct wr_output *o, const char *event, int priority, const char *line)
{
	struct wr_journal_entry *e;

	if (!o->journal_send) {
		emit(o, o->info, line);
		return;
	}
	e = journal_entry(o);
	if (!e)
		return;
	wr_journal_record(e, event, priority, line);
	journal_send(o, e);
}

void wr_output_refusal(struct wr_output *o, const struct wr_refusal *r)
{
	if (o->journal_send)
		journal_refusal(o, r);
	else if (o->json)
		json_refusal(o, r);
	else
		text_refusal(o, r);
}

static const char *const counter_names[WR_CNT_MAX] = {
	[WR_CNT_SEEN] = "seen",
	[WR_CNT_FILTERED] = "filtered",
	[WR_CNT_FOLDED] = "folded",
	[WR_CNT_EMITTED] = "emitted",
	[WR_CNT_RINGBUF_FULL] = "ringbuf_full",
	[WR_CNT_LISTEN_SEEN] = "listen_seen",
	[WR_CNT_LISTEN_LOST] = "listen_lost",
	[WR_CNT_RL_NO_LISTENER] = "rate_limited_no_listener",
	[WR_CNT_RL_FIREWALL] = "rate_limited_firewall",
	[WR_CNT_RL_BACKLOG] = "rate_limited_backlog",
	[WR_CNT_RL_OTHER] = "rate_limited_other",
	[WR_CNT_PROC_LOST] = "process_ends_lost",
	[WR_CNT_SYNACK_RTX] = "synack_retransmits",
	[WR_CNT_RL_HANDSHAKE] = "rate_limited_handshake",
};

void wr_output_counts(const struct wr_output *o, struct wr_output_counts *c)
{
	if (o->journal_send) {	/* --journal: every record went to journald's queue */
		struct wr_journal_counts j;

		wr_journal_queue_counts(o->journal_send, &j);
		*c = (struct wr_output_counts){ .written = j.written,
						.write_errors = o->write_errors + j.write_errors,
						.dropped = j.dropped, .pending = j.pending };
		return;
	}
	/* Records through the sink are counted there. */
	c->written = o->sink ? o->sink->written : o->written;
	c->write_errors = o->write_errors + (o->sink ? o->sink->write_errors : 0);
	c->dropped = o->sink ? o->sink->dropped : 0;
	c->pending = o->sink ? wr_sink_pending(o->sink) : 0;
}

void wr_output_line(struct wr_output *o, const char *event, const char *text, const char *json)
{
	if (o->journal_send)
		info_line(o, event, LOG_NOTICE, text);
	else
		emit(o, o->f, o->json ? json : text);
}

void wr_output_stats(struct wr_output *o, const struct wr_stats *s, bool final)
{
	/* This record itself is not counted yet. */
	struct wr_output_counts c;
	uint64_t written, write_errors, dropped, pending;
	char line[640];
	size_t i, n;

	wr_output_counts(o, &c);
	written = c.written;
	write_errors = c.write_errors;
	dropped = c.dropped;
	pending = c.pending;
	if (o->json) {
		json_begin(o, &s->ts, "stats");
		jw_field_bool(&o->jw, "final", final);
		for (i = 0; i < WR_CNT_MAX; i++)
			jw_field_uint(&o->jw, counter_names[i], s->kernel[i]);
		jw_field_uint(&o->jw, "received", s->received);
		jw_field_uint(&o->jw, "decode_errors", s->decode_errors);
		jw_field_uint(&o->jw, "inventory_resyncs", s->resyncs);
		jw_field_uint(&o->jw, "nat_not_searched", s->nat_not_searched);
		jw_field_uint(&o->jw, "rules_not_looked_up", s->rules_not_looked_up);
		jw_field_uint(&o->jw, "units_not_looked_up", s->units_not_looked_up);
		jw_field_uint(&o->jw, "blockers_not_looked_up", s->blockers_not_looked_up);
		jw_field_uint(&o->jw, "netlink_forged", s->netlink_forged);
		jw_field_uint(&o->jw, "on_demand_replies_attached", s->on_demand_attached[0]);
		jw_field_uint(&o->jw, "on_demand_replies_s", s->on_demand_s[0]);
		jw_field_uint(&o->jw, "on_demand_backlog_attached", s->on_demand_attached[1]);
		jw_field_uint(&o->jw, "on_demand_backlog_s", s->on_demand_s[1]);
		jw_field_uint(&o->jw, "written", written);
		jw_field_uint(&o->jw, "write_errors", write_errors);
		jw_field_uint(&o->jw, "dropped_output", dropped);
		jw_field_uint(&o->jw, "pending_output", pending);
		json_end(o);
		return;
	}
	n = (size_t)snprintf(line, sizeof(line), "whyrefused: %s", final ? "totals:" : "so far:");
	for (i = 0; i < WR_CNT_MAX && n < sizeof(line); i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %s=%llu", counter_names[i],
				      (unsigned long long)s->kernel[i]);
	if (n < sizeof(line))
		snprintf(line + n, sizeof(line) - n,
			 " received=%llu decode_errors=%llu inventory_resyncs=%llu nat_not_searched=%llu"
			 " rules_not_looked_up=%llu units_not_looked_up=%llu blockers_not_looked_up=%llu"
			 " netlink_forged=%llu"
			 " on_demand_replies_s=%llu on_demand_backlog_s=%llu"
			 " written=%llu write_errors=%llu dropped_output=%llu pending_output=%llu",
			 (unsigned long long)s->received, (unsigned long long)s->decode_errors,
			 (unsigned long long)s->resyncs, (unsigned long long)s->nat_not_searched,
			 (unsigned long long)s->rules_not_looked_up,
			 (unsigned long long)s->units_not_looked_up,
			 (unsigned long long)s->blockers_not_looked_up,
			 (unsigned long long)s->netlink_forged,
			 (unsigned long long)s->on_demand_s[0], (unsigned long long)s->on_demand_s[1],
			 (unsigned long long)written,
			 (unsigned long long)write_errors, (unsigned long long)dropped,
			 (unsigned long long)pending);
	info_line(o, "stats", LOG_INFO, line);
}

void wr_output_error(struct wr_output *o, const struct timespec *ts, const char *msg)
{
	fprintf(stderr, "whyrefused: %s\n", msg);
	if (o->journal_send)
		info_line(o, "error", LOG_ERR, msg);
	if (!o->json)
		return;
	json_begin(o, ts, "error");
	jw_field_string(&o->jw, "message", msg);
	json_end(o);
}
