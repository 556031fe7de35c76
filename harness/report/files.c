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

cf_rc cf_report_atomic_open(cf_report_atomic_file *f, const char *path, char *err, size_t errlen)
{
    static const char suffix[] = ".tmp.XXXXXX";
    memset(f, 0, sizeof(*f));
    f->fd = -1;
    if (!path || !*path) {
        set_err(err, errlen, "cannot write a report: no path");
        return CF_E_INVALID;
    }
    size_t plen = strlen(path);
    f->path = malloc(plen + 1);
    f->tmp = malloc(plen + sizeof(suffix));
    if (!f->path || !f->tmp) {
        cf_report_atomic_abort(f);
        set_err(err, errlen, "cannot write %s: %s", path, cf_strerror(CF_E_NOMEM));
        return CF_E_NOMEM;
    }
    memcpy(f->path, path, plen + 1);
    memcpy(f->tmp, path, plen);
    memcpy(f->tmp + plen, suffix, sizeof(suffix));
    struct stat st;
    f->fd = mkstemp(f->tmp);
    if (f->fd < 0) {
        set_err(err, errlen, "cannot write %s: cannot create temporary file %s: %s", path, f->tmp,
                strerror(errno));
        free(f->tmp);
        f->tmp = NULL; /* nothing to remove */
        cf_report_atomic_abort(f);
        return CF_E_IO;
    }
    mode_t mode = stat(path, &st) == 0 && S_ISREG(st.st_mode) ? st.st_mode & 07777 : 0644;
    if (fchmod(f->fd, mode) != 0) {
        set_err(err, errlen, "cannot write %s: fchmod failed (temporary file %s): %s", path, f->tmp,
                strerror(errno));
        cf_report_atomic_abort(f);
        return CF_E_IO;
    }
    return CF_OK;
}

cf_rc cf_report_atomic_add(cf_report_atomic_file *f, const char *data, size_t len, char *err,
                           size_t errlen)
{
    if (f->fd < 0)
        return CF_E_IO;
    if (write_all(f->fd, data, len) != 0) {
        set_err(err, errlen, "cannot write %s: write failed (temporary file %s): %s", f->path,
                f->tmp, strerror(errno));
        return CF_E_IO;
    }
    return CF_OK;
}

cf_rc cf_report_atomic_commit(cf_report_atomic_file *f, char *err, size_t errlen)
{
    const char *step = "fsync failed";
    if (f->fd < 0)
        return CF_E_IO;
    if (fsync(f->fd) != 0)
        goto fail;
    int closed = close(f->fd);
    f->fd = -1;
    if (closed != 0) {
        step = "close failed";
        goto fail;
    }
    if (rename(f->tmp, f->path) != 0) {
        step = "rename failed";
        goto fail;
    }
    sync_parent(f->path);
    free(f->tmp);
    f->tmp = NULL; /* renamed: nothing to remove */
    cf_report_atomic_abort(f);
    return CF_OK;
fail:
    set_err(err, errlen, "cannot write %s: %s (temporary file %s): %s", f->path, step, f->tmp,
            strerror(errno));
    cf_report_atomic_abort(f);
    return CF_E_IO;
}

void cf_report_atomic_abort(cf_report_atomic_file *f)
{
    if (!f)
        return;
    if (f->path && f->fd >= 0) /* a zeroed struct's fd 0 is not ours */
        close(f->fd);
    if (f->tmp)
        unlink(f->tmp);
    free(f->tmp);
    free(f->path);
    memset(f, 0, sizeof(*f));
    f->fd = -1;
}

cf_rc cf_report_atomic_write(const char *path, const char *data, size_t len, char *err,
                             size_t errlen)
{
    if (!path || !*path || (!data && len)) {
        set_err(err, errlen, "cannot write a report: no path or no data");
        return CF_E_INVALID;
    }
    cf_report_atomic_file f;
    cf_rc rc = cf_report_atomic_open(&f, path, err, errlen);
    if (rc == CF_OK)
        rc = cf_report_atomic_add(&f, data, len, err, errlen);
    if (rc == CF_OK)
        return cf_report_atomic_commit(&f, err, errlen);
    cf_report_atomic_abort(&f);
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

char *cf_report_path(const char *dir, const char *name)
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
    char *path = cf_report_path(dir, name);
    cf_rc rc = path ? render(r, &b) : CF_E_NOMEM;
    if (rc != CF_OK)
        set_err(err, errlen, "cannot build %s/%s: %s", dir, name, cf_strerror(rc));
    else
        rc = cf_report_atomic_write(path, cf_buf_str(&b), b.len, err, errlen);
    free(path);
    cf_buf_free(&b);
    return rc;
}

typedef struct {
    const char *name;
    render_fn render;
} report_file;

/* Writes each of `files` into `dir`. Each file is still worth having when another failed;
 * returns the first error. */
static cf_rc write_files(const cf_run_result *r, const char *dir, const report_file *files,
                         size_t n, char *err, size_t errlen)
{
    cf_rc rc = cf_report_dir_prepare(dir, err, errlen);
    if (rc != CF_OK)
        return rc;
    cf_rc first = CF_OK;
    for (size_t i = 0; i < n; i++) {
        rc = write_one(r, dir, files[i].name, files[i].render, first == CF_OK ? err : NULL, errlen);
        if (first == CF_OK)
            first = rc;
    }
    return first;
}

cf_rc cf_report_write_all(const cf_run_result *r, const char *dir, char *err, size_t errlen)
{
    static const report_file files[] = {{"report.json", cf_report_json},
                                        {"junit.xml", cf_report_junit},
                                        {"report.html", cf_report_html},
                                        {"report.sarif", cf_report_sarif}};
    return write_files(r, dir, files, sizeof(files) / sizeof(files[0]), err, errlen);
}

cf_rc cf_report_write_end(const cf_run_result *r, const char *dir, char *err, size_t errlen)
{
    static const report_file files[] = {{"report.html", cf_report_html},
                                        {"report.sarif", cf_report_sarif}};
    return write_files(r, dir, files, sizeof(files) / sizeof(files[0]), err, errlen);
}
