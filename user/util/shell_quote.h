/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * A name in a hint that shows a command (`nft list set ip filter NAME`,
 * `fail2ban-client status NAME`) was chosen by someone else: quoted the
 * way a POSIX shell reads it back as one word, so a reader who pastes the
 * command runs exactly that command, whatever the name holds. JSON's own
 * fields (`rule.chain`...) carry names as the kernel has them, unquoted.
 */
#ifndef WR_SHELL_QUOTE_H
#define WR_SHELL_QUOTE_H

#include <stddef.h>

/* Enough for any 255-byte name: each byte becomes at most 4 ('\''), plus 2 quotes. */
#define WR_QUOTED_LEN	(4 * 256 + 3)

/*
 * `s` as it is when every byte is one of [A-Za-z0-9_@%+=:,./-] and it does
 * not start with '-' (it could be read as an option); else 's' with each '
 * as '\''. Written into buf; a name that does not fit becomes '...' cut at
 * a byte boundary, still one closed word. Returns buf.
 */
const char *wr_shell_quote(const char *s, char *buf, size_t len);

#endif /* WR_SHELL_QUOTE_H */
