/* files.c - the report directory and atomic writes of report files into it. */
#include "report/report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void set_err(char *err, size_t errlen, const char *fmt, ...) CF_PRINTF(3, 4);

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Writes all of data to fd, retrying short writes and EINTR; 0 or -1 with errno set. */
static int write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Flushes the directory holding path so the rename itself survives a crash; best effort. */
static void sync_parent(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = NULL;
    if (!slash)
        dir = strdup(".");
    else if (slash == path)
        dir = strdup("/");
    else if ((dir = malloc((size_t)(slash - path) + 1)) != NULL) {
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = '\0';
    }
    if (!dir)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

cf_rc cf_report_atomic_write(const char *path, const char *data, size_t len, char *err,
                             size_t errlen)
{
    static const char suffix[] = ".tmp.XXXXXX";
    if (!path || !*path || (!data && len)) {
        set_err(err, errlen, "cannot write a report: no path or no data");
        return CF_E_INVALID;
    }
    size_t plen = strlen(path);
    char *tmp = malloc(plen + sizeof(suffix));
    if (!tmp) {
        set_err(err, errlen, "cannot write %s: %s", path, cf_strerror(CF_E_NOMEM));
        return CF_E_NOMEM;
    }
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, suffix, sizeof(suffix));

    cf_rc rc = CF_E_IO;
    const char *step = "write failed";
    int closed;
    struct stat st;
    int fd = mkstemp(tmp);
    if (fd < 0) {
        set_err(err, errlen, "cannot write %s: cannot create temporary file %s: %s", path, tmp,
                strerror(errno));
        free(tmp);
        return CF_E_IO;
    }
    mode_t mode = stat(path, &st) == 0 && S_ISREG(st.st_mode) ? st.st_mode & 07777 : 0644;
    if (fchmod(fd, mode) != 0) {
        step = "fchmod failed";
        goto fail;
    }
    if (write_all(fd, data, len) != 0)
        goto fail;
    if (fsync(fd) != 0) {
        step = "fsync failed";
        goto fail;
    }
    closed = close(fd);
    fd = -1;
    if (closed != 0) {
        step = "close failed";
        goto fail;
    }
    if (rename(tmp, path) != 0) {
        step = "rename failed";
        goto fail;
    }
    sync_parent(path);
    rc = CF_OK;
    goto out;
fail:
    set_err(err, errlen, "cannot write %s: %s (temporary file %s): %s", path, step, tmp,
            strerror(errno));
    if (fd >= 0)
        close(fd);
    unlink(tmp);
out:
    free(tmp);
    return rc;
}

/* Makes one directory unless it exists; fails when the path names something else. */
static cf_rc make_one(const char *path, const char *whole, char *err, size_t errlen)
{
    struct stat st;
    if (mkdir(path, 0777) == 0)
        return CF_OK;
    int e = errno;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return CF_OK;
        set_err(err, errlen, "report directory %s: %s exists and is not a directory", whole, path);
        return CF_E_IO;
    }
    set_err(err, errlen, "cannot create report directory %s: %s: %s", whole, path, strerror(e));
    return CF_E_IO;
}

cf_rc cf_report_dir_prepare(const char *dir, char *err, size_t errlen)
{
    if (!dir || !*dir) {
        set_err(err, errlen, "no report directory given");
        return CF_E_INVALID;
    }
    char *path = strdup(dir);
    if (!path) {
        set_err(err, errlen, "report directory %s: %s", dir, cf_strerror(CF_E_NOMEM));
        return CF_E_NOMEM;
    }
    cf_rc rc = CF_OK;
    /* Each parent first ("a", "a/b", ...), then the whole path. */
    for (char *p = path + 1; *p && rc == CF_OK; p++) {
        if (*p != '/' || p[-1] == '/')
            continue;
        *p = '\0';
        rc = make_one(path, dir, err, errlen);
        *p = '/';
    }
    if (rc == CF_OK)
        rc = make_one(path, dir, err, errlen);
    if (rc == CF_OK && faccessat(AT_FDCWD, path, W_OK | X_OK, AT_EACCESS) != 0) {
        set_err(err, errlen, "report directory %s is not writable: %s", dir, strerror(errno));
        rc = CF_E_IO;
    }
    free(path);
    return rc;
}

/* Joins dir and name with one slash; NULL when out of memory. */
static char *join(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    char *p = malloc(dl + nl + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, dl);
    size_t at = dl;
    if (dir[dl - 1] != '/')
        p[at++] = '/';
    memcpy(p + at, name, nl + 1);
    return p;
}

typedef cf_rc (*render_fn)(const cf_run_result *r, cf_buf *out);

/* Renders one report and writes it as dir/name. */
static cf_rc write_one(const cf_run_result *r, const char *dir, const char *name, render_fn render,
                       char *err, size_t errlen)
{
    cf_buf b;
    cf_buf_init(&b, CF_REPORT_MAX);
    char *path = join(dir, name);
    cf_rc rc = path ? render(r, &b) : CF_E_NOMEM;
    if (rc != CF_OK)
        set_err(err, errlen, "cannot build %s/%s: %s", dir, name, cf_strerror(rc));
    else
        rc = cf_report_atomic_write(path, cf_buf_str(&b), b.len, err, errlen);
    free(path);
    cf_buf_free(&b);
    return rc;
}

cf_rc cf_report_write_all(const cf_run_result *r, const char *dir, char *err, size_t errlen)
{
    cf_rc rc = cf_report_dir_prepare(dir, err, errlen);
    if (rc != CF_OK)
        return rc;
    static const struct {
        const char *name;
        render_fn render;
    } files[] = {{"report.json", cf_report_json},
                 {"junit.xml", cf_report_junit},
                 {"report.html", cf_report_html},
                 {"report.sarif", cf_report_sarif}};
    /* Each file is still worth having when another failed; keep the first error. */
    cf_rc first = CF_OK;
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        rc = write_one(r, dir, files[i].name, files[i].render, first == CF_OK ? err : NULL, errlen);
        if (first == CF_OK)
            first = rc;
    }
    return first;
}
