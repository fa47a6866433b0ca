/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * whyrefused --client HOST:PORT: connect as ssh would (each address of
 * HOST in turn, a normal connect()), read what came back from the kernel
 * (connect()'s errno, and with IP_RECVERR the ICMP error and who sent it),
 * and after silence send SYNs with a rising TTL to find the last hop that
 * answers. No BPF, no root: every call here is open to any user.
 */
#ifndef WR_CLIENT_PROBE_H
#define WR_CLIENT_PROBE_H

#include "cli.h"

/*
 * o->client (HOST:PORT), o->json, o->client_timeout_ms (per address, and
 * for the name lookup), o->max_hops (0: no TTL probing). Exit status: 0
 * connected, 1 not (the record says why), 2 usage, 3 HOST did not resolve.
 */
int wr_client_run(const struct wr_options *o);

#endif /* WR_CLIENT_PROBE_H */
