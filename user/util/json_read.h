/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A small JSON reader for the runtimes' state files (Docker's
 * config.v2.json and daemon.json, c/storage's containers.json): enough to
 * walk one object's own members and to skip whole values, strings included,
 * since the strings (labels, commands, environment) are whatever the
 * container's owner wrote. Iterative (nesting is a counter, not a stack),
 * bounded by `end`; NULL for anything it cannot read as JSON.
 */
#ifndef WR_JSON_READ_H
#define WR_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>

/* Past any whitespace at p. */
const char *wr_json_ws(const char *p, const char *end);
/* Past the string that starts at p, or NULL. */
const char *wr_json_skip_string(const char *p, const char *end);
/* Past the value that starts at p, objects and arrays whole, or NULL. */
const char *wr_json_skip_value(const char *p, const char *end);
/*
 * The string at p, unescaped into out; past it, or NULL: too long, or with
 * a control byte or an escape beyond ASCII.
 */
const char *wr_json_string(const char *p, const char *end, char *out, size_t len);
/* Where the value of member `key` of the object at p starts (its own members only), or NULL. */
const char *wr_json_member(const char *p, const char *end, const char *key);
/*
 * fn(key, value, end, arg) for each member of the object at p, in order,
 * until fn returns false; key is "" when it could not be read. False when
 * p is no object.
 */
bool wr_json_each_member(const char *p, const char *end,
			 bool (*fn)(const char *key, const char *value, const char *end, void *arg),
			 void *arg);
/* The value at p is the literal true? */
bool wr_json_is_true(const char *p, const char *end);

#endif /* WR_JSON_READ_H */
