// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* The watch socket's request line (watch_request.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_watch.h"
#include "watch_request.h"

#define MAX_WAIT_MS	(3600 * 1000ULL)	/* an hour: an asker that forgot is not forever */

/* "for=60000": strict decimal milliseconds in [100, MAX_WAIT_MS]. */
static int parse_ms(const char *word, const char *key, uint64_t *ms)
{
	size_t k = strlen(key);
	uint64_t v = 0;
	const char *p;

	if (strncmp(word, key, k) || !word[k])
		return -1;
	for (p = word + k; *p; p++) {
		if (*p < '0' || *p > '9' || v > MAX_WAIT_MS)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (v < 100 || v > MAX_WAIT_MS)
		return -1;
	*ms = v;
	return 0;
}

static int parse_words(char *s, struct wr_watch_request *req, char *err, size_t errlen)
{
	char *save = NULL, *w = strtok_r(s, " ", &save);
	int n = 0;

	if (!w || strcmp(w, "watch")) {
		snprintf(err, errlen, "unknown request (watch ADDR[/PREFIX] [for=MS] [window=MS] "
			 "[json])");
		return -1;
	}
	while ((w = strtok_r(NULL, " ", &save)) != NULL) {
		if (n++ == 0) {
			if (wr_watch_parse_addr(w, &req->who, err, errlen))
				return -1;
		} else if (!strcmp(w, "json")) {
			req->json = true;
		} else if (parse_ms(w, "for=", &req->wait_ms) &&
			   parse_ms(w, "window=", &req->window_ms)) {
			snprintf(err, errlen, "invalid word '%.32s' (for=MS, window=MS: 100 to "
				 "3600000, or json)", w);
			return -1;
		}
	}
	if (!n) {
		snprintf(err, errlen, "watch needs an address");
		return -1;
	}
	return 0;
}

int wr_watch_request_parse(const char *line, size_t n, struct wr_watch_request *req,
			   char *err, size_t errlen)
{
	char s[WR_WATCH_REQUEST_MAX + 1];

	memset(req, 0, sizeof(*req));
	if (n && line[n - 1] == '\n')
		n--;
	if (n > WR_WATCH_REQUEST_MAX) {
		snprintf(err, errlen, "request longer than %d bytes", WR_WATCH_REQUEST_MAX);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)line[i] < 0x20 || (unsigned char)line[i] >= 0x7f) {
			snprintf(err, errlen, "request holds a control or non-ASCII byte");
			return -1;
		}
	memcpy(s, line, n);
	s[n] = '\0';
	return parse_words(s, req, err, errlen);
}

size_t wr_watch_request_format(const struct wr_watch_request *req, char *buf, size_t len)
{
	char who[64];
	int n;

	wr_watch_addr_str(&req->who, who, sizeof(who));
	n = snprintf(buf, len, "watch %s", who);
	if (req->wait_ms && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " for=%llu",
			      (unsigned long long)req->wait_ms);
	if (req->window_ms && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " window=%llu",
			      (unsigned long long)req->window_ms);
	if (req->json && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " json");
	if (n > 0 && (size_t)n + 1 < len)
		n += snprintf(buf + n, len - (size_t)n, "\n");
	else
		return 0;
	return (size_t)n;
}
