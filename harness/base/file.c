/* file.c - reading a whole regular file into memory, bounded. */
#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

cf_rc cf_file_read(const char *path, size_t max, cf_buf *out, char *err, size_t errlen)
{
    cf_buf_init(out, max);
    if (errlen)
        err[0] = '\0';
    /* O_NONBLOCK: opening a FIFO must not hang; only regular files are read. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "cannot open: %s", fd < 0 ? strerror(errno) : "not a regular file");
        if (fd >= 0)
            close(fd);
        return CF_E_IO;
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        close(fd);
        return CF_E_IO;
    }
    char chunk[16384];
    cf_rc rc = CF_OK;
    size_t got;
    while (rc == CF_OK && (got = fread(chunk, 1, sizeof(chunk), f)) > 0)
        rc = cf_buf_add(out, chunk, got);
    int failed = ferror(f);
    fclose(f);
    if (rc == CF_E_TOO_LARGE) {
        snprintf(err, errlen, "the file is larger than %zu bytes", max);
        return rc;
    }
    if (rc != CF_OK || failed) {
        cf_buf_free(out);
        snprintf(err, errlen, "cannot read: %s", failed ? "I/O error" : cf_strerror(rc));
        return failed ? CF_E_IO : rc;
    }
    return CF_OK;
}
