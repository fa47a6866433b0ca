// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#include "journal_fields.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>

#include "explain.h"

int wr_journal_priority(enum wr_cause cause)
{
	return wr_cause_info(cause)->priority;	/* causes.c */
}

void wr_journal_reset(struct wr_journal_entry *e)
{
	e->n = 0;
	e->used = 0;
	e->left_out = 0;
}

static bool add_bytes(struct wr_journal_entry *e, const char *name, const char *value, size_t vlen)
{
	size_t nlen = strlen(name), need = nlen + 1 + vlen;
	char *p = e->buf + e->used;

	if (e->n == WR_JOURNAL_MAX_FIELDS || need > sizeof(e->buf) - e->used) {
		e->left_out++;
		return false;
	}
	memcpy(p, name, nlen);
	p[nlen] = '=';
	memcpy(p + nlen + 1, value, vlen);
	e->iov[e->n++] = (struct iovec){ .iov_base = p, .iov_len = need };
	e->used += need;
	return true;
}

bool wr_journal_add(struct wr_journal_entry *e, const char *name, const char *value)
{
	return add_bytes(e, name, value, strlen(value));
}

bool wr_journal_add_uint(struct wr_journal_entry *e, const char *name, uint64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	return wr_journal_add(e, name, num);
}

static void add_common(struct wr_journal_entry *e, const char *event, int priority,
		       const char *message)
{
	wr_journal_add(e, "MESSAGE", message);
	wr_journal_add_uint(e, "PRIORITY", (uint64_t)priority);
	wr_journal_add(e, "SYSLOG_IDENTIFIER", "whyrefused");
	wr_journal_add(e, "WHYREFUSED_EVENT", event);
}

static void add_if(struct wr_journal_entry *e, const char *name, const char *value)
{
	if (value && value[0])
		wr_journal_add(e, name, value);
}

static void add_rule(struct wr_journal_entry *e, const struct wr_rule *rule)
{
	add_if(e, "WHYREFUSED_RULE_BACKEND", rule->backend);
	if (!rule->found) {
		add_if(e, "WHYREFUSED_RULE_STATUS", rule->status ? rule->status : "unknown");
		add_if(e, "WHYREFUSED_RULE_TABLE", rule->table);
		add_if(e, "WHYREFUSED_RULE_CHAIN", rule->chain);
		return;
	}
	wr_journal_add(e, "WHYREFUSED_RULE_STATUS", "found");
	add_if(e, "WHYREFUSED_RULE", rule->text);
	add_if(e, "WHYREFUSED_RULE_FAMILY", rule->family);
	add_if(e, "WHYREFUSED_RULE_TABLE", rule->table);
	add_if(e, "WHYREFUSED_RULE_CHAIN", rule->chain);
	if (rule->policy)
		wr_journal_add(e, "WHYREFUSED_RULE_POLICY", "1");
	else if (rule->handle)
		wr_journal_add_uint(e, "WHYREFUSED_RULE_HANDLE", rule->handle);
	add_if(e, "WHYREFUSED_RULE_VERDICT", rule->verdict);
	add_if(e, "WHYREFUSED_RULE_OWNER", rule->owner);
	add_if(e, "WHYREFUSED_RULE_OWNER_COMMAND", rule->owner_command);
}

void wr_journal_refusal(struct wr_journal_entry *e, const struct wr_refusal *r,
			const char *message)
{
	char reply[64];
	size_t i;

	wr_journal_reset(e);
	add_common(e, "refusal", wr_journal_priority(r->cause), message);
	wr_journal_add(e, "WHYREFUSED_CAUSE", wr_cause_name(r->cause));
	wr_journal_add(e, "WHYREFUSED_FAMILY", r->family == AF_INET6 ? "ipv6" : "ipv4");
	wr_journal_add(e, "WHYREFUSED_CLIENT", r->saddr);
	wr_journal_add_uint(e, "WHYREFUSED_CLIENT_PORT", r->sport);
	wr_journal_add(e, "WHYREFUSED_SERVER", r->daddr);
	wr_journal_add_uint(e, "WHYREFUSED_PORT", r->dport);
	wr_journal_add_uint(e, "WHYREFUSED_NETNS", r->netns);
	wr_journal_add_uint(e, "WHYREFUSED_IFINDEX", r->ifindex);
	add_if(e, "WHYREFUSED_REASON", r->reason);
	wr_journal_add_uint(e, "WHYREFUSED_RETRIES", r->retries);
	add_if(e, "WHYREFUSED_CLIENT_SEES", r->client_sees);
	if (r->cause == WR_CAUSE_FIREWALL_REJECT || r->cause == WR_CAUSE_FIREWALL_DROP)
		wr_journal_add(e, "WHYREFUSED_REPLY", wr_reply_name(r, reply, sizeof(reply)));
	if (r->rule.present)
		add_rule(e, &r->rule);
	if (r->has_unit) {
		add_if(e, "WHYREFUSED_UNIT", r->unit.unit);
		/* journalctl -u UNIT shows it too (trusted: we run as root, _UID=0). */
		add_if(e, "OBJECT_SYSTEMD_UNIT", r->unit.unit);
		add_if(e, "WHYREFUSED_UNIT_STATE", r->unit.active_state);
		wr_journal_add(e, "WHYREFUSED_UNIT_VERDICT",
			       wr_unit_verdict_name(r->unit_advice.verdict));
	}
	if (r->in_container) {
		add_if(e, "WHYREFUSED_CONTAINER", r->container.name[0] ? r->container.name :
			r->container.id);
		add_if(e, "WHYREFUSED_CONTAINER_RUNTIME", r->container.runtime);
		add_if(e, "WHYREFUSED_CONTAINER_ID", r->container.id);
		if (r->container.pod_name[0]) {	/* a Kubernetes pod (pods.c): NAMESPACE/NAME */
			char pod[sizeof(r->container.pod_ns) + sizeof(r->container.pod_name)];

			snprintf(pod, sizeof(pod), "%s/%s", r->container.pod_ns,
				 r->container.pod_name);
			wr_journal_add(e, "WHYREFUSED_POD", pod);
		}
		add_if(e, "WHYREFUSED_POD_UID", r->container.pod_uid);
	}
	if (r->nat.found) {
		wr_journal_add(e, "WHYREFUSED_NAT_SERVER", r->nat.daddr);
		wr_journal_add_uint(e, "WHYREFUSED_NAT_PORT", r->nat.dport);
	}
	if (r->has_last_listener && r->last_listener.l.comm[0])
		wr_journal_add(e, "WHYREFUSED_LAST_LISTENER", r->last_listener.l.comm);
	add_if(e, "WHYREFUSED_HOOK", r->hook);
	for (i = 0; i < r->n_hints; i++)	/* a field may repeat: one per hint */
		wr_journal_add(e, "WHYREFUSED_HINT", r->hints[i]);
}

/* "seen=12": a counter of our own stats line, as WHYREFUSED_SEEN=12. */
static void add_counter(struct wr_journal_entry *e, const char *tok, size_t len)
{
	const char *eq = memchr(tok, '=', len);
	char name[80] = "WHYREFUSED_";
	size_t k = strlen(name), i;

	if (!eq || eq == tok || (size_t)(eq - tok) + k >= sizeof(name) || eq + 1 == tok + len)
		return;
	for (i = 0; tok + i < eq; i++) {
		unsigned char c = (unsigned char)tok[i];

		if (!isascii(c) || !(isalnum(c) || c == '_'))
			return;
		name[k++] = (char)toupper(c);
	}
	for (i = (size_t)(eq + 1 - tok); i < len; i++)
		if (tok[i] < '0' || tok[i] > '9')
			return;
	name[k] = '\0';
	add_bytes(e, name, eq + 1, len - (size_t)(eq + 1 - tok));
}

void wr_journal_record(struct wr_journal_entry *e, const char *event, int priority,
		       const char *message)
{
	const char *p = message, *end;

	wr_journal_reset(e);
	add_common(e, event, priority, message);
	if (strcmp(event, "stats"))
		return;
	wr_journal_add(e, "WHYREFUSED_FINAL", strstr(message, "totals:") ? "1" : "0");
	while (*p) {
		while (*p == ' ')
			p++;
		end = p + strcspn(p, " ");
		add_counter(e, p, (size_t)(end - p));
		p = end;
	}
}
