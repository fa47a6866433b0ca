// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * --journal's field mapping (journal_fields.c) and output.c's journal mode:
 * which fields a record becomes, foreign bytes passed whole, priorities,
 * stats counters as fields, nothing cut silently, sends counted.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include <cmocka.h>

#include "explain.h"
#include "verdict.h"
#include "journal_fields.h"
#include "journal_queue.h"
#include "output.h"

/* The value of the nth (0-based) field NAME, NUL-terminated copy; NULL if none. */
static char *field(const struct wr_journal_entry *e, const char *name, int nth)
{
	static char v[WR_JOURNAL_BYTES];
	size_t nl = strlen(name), i;

	for (i = 0; i < e->n; i++) {
		const char *p = e->iov[i].iov_base;
		size_t l = e->iov[i].iov_len;

		if (l > nl && !memcmp(p, name, nl) && p[nl] == '=' && nth-- == 0) {
			memcpy(v, p + nl + 1, l - nl - 1);
			v[l - nl - 1] = '\0';
			return v;
		}
	}
	return NULL;
}

static int count(const struct wr_journal_entry *e, const char *name)
{
	int n = 0;

	while (field(e, name, n))
		n++;
	return n;
}

static struct wr_refusal sample(void)
{
	struct wr_refusal r;

	memset(&r, 0, sizeof(r));
	r.ts.tv_sec = 1795995901;
	r.kind = WR_EV_RESET;
	r.source = WR_SRC_TCP_SEND_RESET;
	r.family = AF_INET;
	strcpy(r.saddr, "198.51.100.7");
	strcpy(r.daddr, "192.0.2.10");
	r.sport = 51234;
	r.dport = 22;
	r.netns = 4026531840u;
	r.ifindex = 2;
	r.reason = "NO_SOCKET";
	wr_explain(&r);
	wr_verdict(&r);
	return r;
}

static void test_refusal_fields(void **state)
{
	static struct wr_journal_entry e;
	struct wr_refusal r = sample();

	wr_journal_refusal(&e, &r, "REFUSED  198.51.100.7:51234 -> 192.0.2.10:22  nothing");
	/* MESSAGE first: the text line. */
	assert_memory_equal(e.iov[0].iov_base, "MESSAGE=REFUSED  ", 17);
	assert_string_equal(field(&e, "PRIORITY", 0), "4");
	assert_string_equal(field(&e, "SYSLOG_IDENTIFIER", 0), "whyrefused");
	assert_string_equal(field(&e, "WHYREFUSED_EVENT", 0), "refusal");
	assert_string_equal(field(&e, "WHYREFUSED_CAUSE", 0), "no_listener");
	assert_string_equal(field(&e, "WHYREFUSED_CLIENT", 0), "198.51.100.7");
	assert_string_equal(field(&e, "WHYREFUSED_CLIENT_PORT", 0), "51234");
	assert_string_equal(field(&e, "WHYREFUSED_SERVER", 0), "192.0.2.10");
	assert_string_equal(field(&e, "WHYREFUSED_PORT", 0), "22");
	assert_string_equal(field(&e, "WHYREFUSED_NETNS", 0), "4026531840");
	assert_string_equal(field(&e, "WHYREFUSED_FAMILY", 0), "ipv4");
	assert_string_equal(field(&e, "WHYREFUSED_REASON", 0), "NO_SOCKET");
	assert_string_equal(field(&e, "WHYREFUSED_CLIENT_SEES", 0), "Connection refused");
	/* No rule, unit or container: no such fields, not empty ones. */
	assert_null(field(&e, "WHYREFUSED_RULE", 0));
	assert_null(field(&e, "WHYREFUSED_UNIT", 0));
	assert_null(field(&e, "OBJECT_SYSTEMD_UNIT", 0));
	assert_null(field(&e, "WHYREFUSED_CONTAINER", 0));
	assert_null(field(&e, "WHYREFUSED_POD", 0));
	assert_null(field(&e, "WHYREFUSED_REPLY", 0));
	assert_int_equal(count(&e, "WHYREFUSED_HINT"), (int)r.n_hints);
	assert_int_equal(e.left_out, 0);
}

/* Names chosen by others go in as bytes: newlines, '=', '%' and invalid UTF-8 whole. */
static void test_foreign_values_pass_whole(void **state)
{
	static struct wr_journal_entry e;
	struct wr_refusal r = sample();
	static const char table[] = "t%s%n\nMESSAGE=forged";
	static const char rule[] = "tcp dport 22 drop comment \"a=b\n\xff\xfe%x\"";

	r.cause = WR_CAUSE_FIREWALL_DROP;
	r.rule.present = true;
	r.rule.found = true;
	r.rule.backend = "nftables";
	strcpy(r.rule.family, "inet");
	strcpy(r.rule.table, table);
	strcpy(r.rule.chain, "input");
	r.rule.handle = 7;
	strcpy(r.rule.text, rule);
	strcpy(r.rule.verdict, "drop");
	strcpy(r.rule.owner, "fail2ban (jail sshd)");
	r.in_container = true;
	strcpy(r.container.runtime, "podman");
	strcpy(r.container.id, "0123abcd");
	strcpy(r.container.name, "web\nPRIORITY=0");
	strcpy(r.container.pod_ns, "default");
	strcpy(r.container.pod_name, "web-7d9f");
	strcpy(r.container.pod_uid, "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
	r.has_unit = true;
	strcpy(r.unit.unit, "ssh.service");
	strcpy(r.unit.active_state, "failed");
	r.n_hints = 2;
	strcpy(r.hints[0], "first");
	strcpy(r.hints[1], "second %s");
	wr_journal_refusal(&e, &r, "DROPPED  ...");
	assert_string_equal(field(&e, "PRIORITY", 0), "5");
	assert_string_equal(field(&e, "WHYREFUSED_CAUSE", 0), "firewall_drop");
	assert_string_equal(field(&e, "WHYREFUSED_RULE", 0), rule);
	assert_string_equal(field(&e, "WHYREFUSED_RULE_TABLE", 0), table);
	assert_string_equal(field(&e, "WHYREFUSED_RULE_CHAIN", 0), "input");
	assert_string_equal(field(&e, "WHYREFUSED_RULE_HANDLE", 0), "7");
	assert_string_equal(field(&e, "WHYREFUSED_RULE_STATUS", 0), "found");
	assert_string_equal(field(&e, "WHYREFUSED_RULE_OWNER", 0), "fail2ban (jail sshd)");
	assert_string_equal(field(&e, "WHYREFUSED_REPLY", 0), "none");
	assert_string_equal(field(&e, "WHYREFUSED_CONTAINER", 0), "web\nPRIORITY=0");
	assert_string_equal(field(&e, "WHYREFUSED_CONTAINER_RUNTIME", 0), "podman");
	assert_string_equal(field(&e, "WHYREFUSED_CONTAINER_ID", 0), "0123abcd");
	assert_string_equal(field(&e, "WHYREFUSED_POD", 0), "default/web-7d9f");
	assert_string_equal(field(&e, "WHYREFUSED_POD_UID", 0), "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
	assert_string_equal(field(&e, "WHYREFUSED_UNIT", 0), "ssh.service");
	assert_string_equal(field(&e, "OBJECT_SYSTEMD_UNIT", 0), "ssh.service");
	assert_string_equal(field(&e, "WHYREFUSED_UNIT_STATE", 0), "failed");
	/* One field per hint, in order; a forged field inside a value stays inside it. */
	assert_string_equal(field(&e, "WHYREFUSED_HINT", 0), "first");
	assert_string_equal(field(&e, "WHYREFUSED_HINT", 1), "second %s");
	assert_int_equal(count(&e, "PRIORITY"), 1);
	assert_int_equal(count(&e, "MESSAGE"), 1);
}

static void test_priority_by_cause(void **state)
{
	assert_int_equal(wr_journal_priority(WR_CAUSE_BACKLOG_FULL), LOG_ERR);
	assert_int_equal(wr_journal_priority(WR_CAUSE_NO_LISTENER), LOG_WARNING);
	assert_int_equal(wr_journal_priority(WR_CAUSE_OTHER_DROP), LOG_WARNING);
	assert_int_equal(wr_journal_priority(WR_CAUSE_FIREWALL_REJECT), LOG_NOTICE);
	assert_int_equal(wr_journal_priority(WR_CAUSE_FIREWALL_DROP), LOG_NOTICE);
	assert_int_equal(wr_journal_priority(WR_CAUSE_FIREWALL_BLOCKED), LOG_NOTICE);
}

/* Each counter of the stats line becomes a field; what is not "name=digits" does not. */
static void test_stats_counters_as_fields(void **state)
{
	static struct wr_journal_entry e;

	wr_journal_record(&e, "stats", LOG_INFO, "whyrefused: totals: seen=12 ringbuf_full=0 "
			  "written=7 bad=x =3 odd-name=1 empty=");
	assert_string_equal(field(&e, "WHYREFUSED_EVENT", 0), "stats");
	assert_string_equal(field(&e, "PRIORITY", 0), "6");
	assert_string_equal(field(&e, "WHYREFUSED_FINAL", 0), "1");
	assert_string_equal(field(&e, "WHYREFUSED_SEEN", 0), "12");
	assert_string_equal(field(&e, "WHYREFUSED_RINGBUF_FULL", 0), "0");
	assert_string_equal(field(&e, "WHYREFUSED_WRITTEN", 0), "7");
	assert_null(field(&e, "WHYREFUSED_BAD", 0));
	assert_null(field(&e, "WHYREFUSED_ODD-NAME", 0));
	assert_null(field(&e, "WHYREFUSED_EMPTY", 0));
	wr_journal_record(&e, "stats", LOG_INFO, "whyrefused: so far: seen=1");
	assert_string_equal(field(&e, "WHYREFUSED_FINAL", 0), "0");
	wr_journal_record(&e, "start", LOG_INFO, "whyrefused 0.1: seen=1");
	assert_null(field(&e, "WHYREFUSED_SEEN", 0));	/* only stats lines are parsed */
}

/* Full: whole fields are left out and counted, never cut. */
static void test_full_entry_counts_what_is_left_out(void **state)
{
	static struct wr_journal_entry e;
	static char big[WR_JOURNAL_BYTES / 3];
	int i, added = 0;

	memset(big, 'x', sizeof(big) - 1);
	wr_journal_reset(&e);
	for (i = 0; i < 5; i++)
		added += wr_journal_add(&e, "WHYREFUSED_HINT", big);
	assert_int_equal(added, 2);
	assert_int_equal(e.left_out, 3);
	for (i = 0; i < (int)e.n; i++)
		assert_int_equal(e.iov[i].iov_len, strlen("WHYREFUSED_HINT=") + sizeof(big) - 1);
	wr_journal_reset(&e);
	for (i = 0; i < WR_JOURNAL_MAX_FIELDS + 3; i++)
		wr_journal_add_uint(&e, "N", (uint64_t)i);
	assert_int_equal(e.n, WR_JOURNAL_MAX_FIELDS);
	assert_int_equal(e.left_out, 3);
}

/* output.c with a journal sender: entries as sent, the text without its clock, counted. */
static struct wr_journal_entry sent;
static int sent_n, fail_next;

static int capture(const struct wr_journal_entry *e)
{
	size_t i;

	if (fail_next)
		return -EAGAIN;
	/* Copy what the iovecs say (the entry itself is reused). */
	wr_journal_reset(&sent);
	for (i = 0; i < e->n; i++) {
		const char *p = e->iov[i].iov_base;

		memcpy(sent.buf + sent.used, p, e->iov[i].iov_len);
		sent.iov[sent.n++] = (struct iovec){ sent.buf + sent.used, e->iov[i].iov_len };
		sent.used += e->iov[i].iov_len;
	}
	sent_n++;
	return 0;
}

static void test_output_journal_mode(void **state)
{
	struct wr_refusal r = sample();
	struct wr_stats s = { 0 };
	struct wr_output_counts c;
	struct wr_output o;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);

	wr_output_init(&o, mem, mem, false, false);
	o.journal_send = wr_journal_queue_new(capture, 4);
	assert_non_null(o.journal_send);
	wr_output_refusal(&o, &r);
	assert_true(wr_journal_queue_drain(o.journal_send, 10000));
	assert_int_equal(sent_n, 1);
	assert_string_equal(field(&sent, "WHYREFUSED_CAUSE", 0), "no_listener");
	/* The text record without the time (the journal has it), hints on lines of their own. */
	assert_memory_equal(field(&sent, "MESSAGE", 0), "REFUSED  198.51.100.7:51234 -> 192.0.2.10:22  ", 46);
	s.kernel[WR_CNT_SEEN] = 3;
	wr_output_stats(&o, &s, true);
	assert_true(wr_journal_queue_drain(o.journal_send, 10000));
	assert_int_equal(sent_n, 2);
	assert_string_equal(field(&sent, "WHYREFUSED_EVENT", 0), "stats");
	assert_string_equal(field(&sent, "WHYREFUSED_SEEN", 0), "3");
	assert_string_equal(field(&sent, "WHYREFUSED_WRITTEN", 0), "1");
	fail_next = 1;
	wr_output_refusal(&o, &r);
	assert_true(wr_journal_queue_drain(o.journal_send, 10000));
	fail_next = 0;
	wr_output_counts(&o, &c);
	assert_int_equal(c.written, 2);
	assert_int_equal(c.write_errors, 1);
	fflush(mem);
	assert_int_equal(len, 0);	/* nothing went to the stream */
	wr_output_free(&o);
	fclose(mem);
	free(buf);
}

/* A journald that does not read: each send waits for a byte on this pipe. */
static int gate[2];
static struct wr_journal_entry gated;
static int gated_as_put;	/* sends that carried the entry as it was put (A=1) */

static int gated_send(const struct wr_journal_entry *e)
{
	char b;

	if (read(gate[0], &b, 1) != 1)
		return -EIO;
	memcpy(&gated, e, sizeof(gated));	/* its iovecs still point into the queue's copy */
	gated_as_put += field(&gated, "A", 0) && !strcmp(field(&gated, "A", 0), "1");
	return 0;	/* no cmocka assert here: this is the sender's thread */
}

/* The loop never waits for journald: a full queue drops whole records and counts them. */
static void test_queue_never_waits(void **state)
{
	struct wr_journal_queue *q;
	struct wr_journal_counts c;
	struct wr_journal_entry e;
	int i, put = 0;

	assert_int_equal(pipe(gate), 0);
	q = wr_journal_queue_new(gated_send, 2);
	assert_non_null(q);
	for (i = 0; i < 5; i++) {
		wr_journal_reset(&e);
		wr_journal_add(&e, "A", "1");
		put += wr_journal_queue_put(q, &e);
		wr_journal_reset(&e);	/* reused at once, as output.c does: the queue has a copy */
		wr_journal_add(&e, "B", "2");
	}
	assert_int_equal(put, 2);	/* the entry being sent holds its slot */
	wr_journal_queue_counts(q, &c);
	assert_int_equal(c.dropped, 3);
	assert_int_equal(c.pending, 2);
	assert_int_equal(c.written, 0);
	assert_false(wr_journal_queue_drain(q, 50));	/* bounded: journald still stuck */
	assert_int_equal(write(gate[1], "xx", 2), 2);
	assert_true(wr_journal_queue_drain(q, 10000));
	wr_journal_queue_counts(q, &c);
	assert_int_equal(c.written, 2);
	assert_int_equal(c.pending, 0);
	assert_int_equal(c.dropped, 3);
	assert_int_equal(gated_as_put, 2);
	wr_journal_queue_free(q, 1000);
	close(gate[0]);
	close(gate[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refusal_fields),
		cmocka_unit_test(test_foreign_values_pass_whole),
		cmocka_unit_test(test_priority_by_cause),
		cmocka_unit_test(test_stats_counters_as_fields),
		cmocka_unit_test(test_full_entry_counts_what_is_left_out),
		cmocka_unit_test(test_output_journal_mode),
		cmocka_unit_test(test_queue_never_waits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
