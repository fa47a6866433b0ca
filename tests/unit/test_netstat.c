// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Counters out of /proc/net/netstat text (header line, value line). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "netstat.h"

/* Shaped like 6.18's /proc/net/netstat, shortened. */
static const char sample[] =
	"TcpExt: SyncookiesSent SyncookiesRecv ListenOverflows ListenDrops TCPBacklogDrop\n"
	"TcpExt: 0 0 17 19 0\n"
	"IpExt: InNoRoutes InTruncatedPkts InMcastPkts\n"
	"IpExt: 0 0 42\n"
	"MPTcpExt: MPCapableSYNRX ListenOverflows\n"
	"MPTcpExt: 5 99\n";

static void test_finds_counter_in_its_group(void **state)
{
	assert_int_equal(wr_netstat_value(sample, "TcpExt", "ListenOverflows"), 17);
	assert_int_equal(wr_netstat_value(sample, "TcpExt", "ListenDrops"), 19);
	assert_int_equal(wr_netstat_value(sample, "IpExt", "InMcastPkts"), 42);
	/* Same name in another group whose name ends the same. */
	assert_int_equal(wr_netstat_value(sample, "MPTcpExt", "ListenOverflows"), 99);
}

static void test_missing_is_minus_one(void **state)
{
	assert_int_equal(wr_netstat_value(sample, "TcpExt", "NoSuchCounter"), -1);
	assert_int_equal(wr_netstat_value(sample, "Tcp", "ListenOverflows"), -1);
	assert_int_equal(wr_netstat_value("", "TcpExt", "ListenOverflows"), -1);
	/* A header line without its value line. */
	assert_int_equal(wr_netstat_value("TcpExt: ListenOverflows\n", "TcpExt",
					  "ListenOverflows"), -1);
}

static void test_large_values(void **state)
{
	assert_int_equal(wr_netstat_value("TcpExt: ListenOverflows\nTcpExt: 8589934592\n",
					  "TcpExt", "ListenOverflows"), 8589934592LL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finds_counter_in_its_group),
		cmocka_unit_test(test_missing_is_minus_one),
		cmocka_unit_test(test_large_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
