/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A TPROXY rule that dropped a SYN. The TPROXY target (iptables `-j TPROXY
 * --on-port P`, nft `tproxy to :P`) hands the SYN to a socket on port P
 * that has IP_TRANSPARENT, and drops it (NF_DROP) when there is none: the
 * rule is named, but the reason is the missing socket. Pure: the rule's
 * text and the listener inventory.
 */
#ifndef WR_TPROXY_H
#define WR_TPROXY_H

#include <stdbool.h>
#include <stdint.h>

#include "inventory.h"
#include "refusal.h"

/*
 * The port a TPROXY rule's text hands SYNs to: --on-port N / `to :N`, or
 * the SYN's own `dport` when the rule names none. False when the text is
 * not a TPROXY rule (or its port cannot be read).
 */
bool wr_tproxy_port(const char *text, uint16_t dport, uint16_t *port);
/*
 * After the rule is named: a firewall_drop or firewall_blocked whose rule is
 * a TPROXY one gets its facts (r->tproxy: the port, what listens there
 * instead, from `inv`; TPROXY never answers: no reply). Changes nothing for
 * any other refusal.
 */
void wr_tproxy_name(const struct wr_inventory *inv, struct wr_refusal *r);
/* verdict.c: such a drop told as the missing transparent socket, and its hints. */
void wr_tproxy_words(struct wr_refusal *r);

#endif /* WR_TPROXY_H */
