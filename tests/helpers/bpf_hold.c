// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Loads one program of a BPF object and keeps it attached while it runs,
 * as a daemon does (its link or program fd held by this process):
 *
 *   bpf_hold OBJ PROG sk_lookup NETNS_FILE   (bpf_program__attach_netns)
 *   bpf_hold OBJ PROG cgroup CGROUP2_DIR     (a cgroup link, ingress)
 *   bpf_hold OBJ PROG tcx IFNAME             (a tcx ingress link, this netns)
 *   bpf_hold OBJ PROG xdp IFNAME             (an XDP link, this netns)
 *   bpf_hold OBJ PROG reuseport PORT         (listens on 0.0.0.0:PORT with SO_REUSEPORT,
 *                                             the program its group's: SO_ATTACH_REUSEPORT_EBPF)
 *
 * Prints "attached ID" (the program's id) once attached, then waits to be
 * killed. libbpf 1.1 (Debian 12) has no tcx API: its link is made raw.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define TCX_INGRESS	46	/* enum bpf_attach_type's BPF_TCX_INGRESS (Linux 6.6) */

static int usage(void)
{
	fprintf(stderr, "usage: bpf_hold OBJ PROG sk_lookup|cgroup|tcx|xdp|reuseport TARGET\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *p, *prog = NULL;
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);
	const char *how, *target;
	int fd = -1, link_fd = -1;
	unsigned ifindex = 0;

	if (argc != 5)
		return usage();
	how = argv[3];
	target = argv[4];
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "bpf_hold: cannot open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	bpf_object__for_each_program(p, obj) {
		bool want = !strcmp(bpf_program__name(p), argv[2]);

		bpf_program__set_autoload(p, want);
		if (want)
			prog = p;
	}
	if (!prog) {
		fprintf(stderr, "bpf_hold: no program %s in %s\n", argv[2], argv[1]);
		return 1;
	}
	if (bpf_object__load(obj)) {
		fprintf(stderr, "bpf_hold: load failed: %s\n", strerror(errno));
		return 1;
	}
	if (!strcmp(how, "tcx") || !strcmp(how, "xdp")) {
		ifindex = if_nametoindex(target);
		if (!ifindex) {
			fprintf(stderr, "bpf_hold: no interface %s\n", target);
			return 1;
		}
	}
	if (!strcmp(how, "sk_lookup")) {
		fd = open(target, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || !bpf_program__attach_netns(prog, fd)) {
			fprintf(stderr, "bpf_hold: attach to %s failed: %s\n", target, strerror(errno));
			return 1;
		}
	} else if (!strcmp(how, "cgroup")) {
		fd = open(target, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || !bpf_program__attach_cgroup(prog, fd)) {
			fprintf(stderr, "bpf_hold: attach to %s failed: %s\n", target, strerror(errno));
			return 1;
		}
	} else if (!strcmp(how, "tcx")) {
		link_fd = bpf_link_create(bpf_program__fd(prog), (int)ifindex, TCX_INGRESS, NULL);
		if (link_fd < 0) {
			fprintf(stderr, "bpf_hold: tcx attach failed: %s\n", strerror(-link_fd));
			return 1;
		}
	} else if (!strcmp(how, "xdp")) {
		if (!bpf_program__attach_xdp(prog, (int)ifindex)) {
			fprintf(stderr, "bpf_hold: xdp attach failed: %s\n", strerror(errno));
			return 1;
		}
	} else if (!strcmp(how, "reuseport")) {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(target)) };
		int one = 1, pfd = bpf_program__fd(prog);

		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ||
		    setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_EBPF, &pfd, sizeof(pfd)) ||
		    bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 16)) {
			fprintf(stderr, "bpf_hold: reuseport listener failed: %s\n", strerror(errno));
			return 1;
		}
	} else {
		return usage();
	}
	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
		return 1;
	printf("attached %u\n", info.id);
	fflush(stdout);
	for (;;)
		pause();
}
