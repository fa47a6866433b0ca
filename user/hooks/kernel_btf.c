// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Why not btf__parse: /sys/kernel/btf/vmlinux (5.5 MB on 6.18) gives at
 * most a page per read(2), and libbpf 1.1 reads it 4 KB at a time into a
 * buffer it then copies: ~1,350 reads and two fresh 5.5 MB buffers, 50 ms
 * of CPU here. Since Linux 6.16 the file can be mapped (read-only,
 * private); btf__new then copies it once. Kernels before that, and files
 * that are not raw BTF (a vmlinux ELF given to --btf), go through
 * btf__parse as before.
 */
#include "kernel_btf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

/* NULL when it cannot be mapped or is not raw BTF: the caller falls back. */
static struct btf *btf_from_mapping(const char *path)
{
	struct btf *btf = NULL;
	struct stat st;
	void *data;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		close(fd);
		return NULL;
	}
	data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (data == MAP_FAILED)
		return NULL;
	btf = btf__new(data, (uint32_t)st.st_size);	/* copies: the mapping can go */
	if (libbpf_get_error(btf))
		btf = NULL;
	munmap(data, (size_t)st.st_size);
	return btf;
}

struct btf *wr_kernel_btf_load(const char *path, char *err, size_t errlen)
{
	struct btf *btf;

	if (access(path, R_OK)) {
		if (!strcmp(path, WR_KERNEL_BTF))
			snprintf(err, errlen, "this kernel has no BTF (%s: %s); whyrefused needs a "
				 "kernel built with CONFIG_DEBUG_INFO_BTF=y, or --btf FILE",
				 path, strerror(errno));
		else
			snprintf(err, errlen, "cannot read BTF file %s: %s", path, strerror(errno));
		return NULL;
	}
	btf = btf_from_mapping(path);
	if (btf)
		return btf;
	btf = btf__parse(path, NULL);
	if (libbpf_get_error(btf)) {
		snprintf(err, errlen, "cannot parse BTF from %s: %s", path, strerror(errno));
		return NULL;
	}
	return btf;
}
