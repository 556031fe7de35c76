/* stream.c - report files written while the run goes: each case is appended the moment it
 * ends, and the files are closed (atomically renamed) at the end with the summary.
 *
 * report.json: the head and one line per case go straight into its temporary file; the tail
 * (complete, unreachable, stats) closes it, so the file holds the same fields as one written
 * from memory, in a different order. junit.xml needs each suite's counts before its cases, so
 * its <testcase> elements go to a scratch file and are copied under their suite's head at the
 * end. --record-all is NDJSON: one exchange per line, every exchange of every case. */
#include "report/report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/timefmt.h"

#define FLUSH_AT (64u * 1024u) /* bytes gathered before a write */

typedef struct {
    char *name;     /* the suite's name (from its first case) */
    char *file;     /* its spec file: a new file starts a new suite */
    off_t from, to; /* its testcases in the scratch file */
    cf_junit_tally t;
    double ms; /* wall time from the previous suite's end to its last case */
} suite;

struct cf_report_stream {
    const cf_run_result *r; /* borrowed: target, flags and request count are read from it */
    char *dir;
    cf_report_atomic_file json;
    cf_report_atomic_file record;  /* --record-all; fd -1 when not asked for */
    cf_report_atomic_file scratch; /* junit testcases; removed at the end, never renamed */
    cf_buf jbuf, xbuf, rbuf;
    off_t scratch_len;
    cf_report_tally tally;
    int head_done;
    size_t cases;
    suite *suites;
    size_t suite_count;
    double opened_ms; /* monotonic */
    double last_ms;   /* monotonic, when the last case came */
};

static cf_rc flush(cf_report_atomic_file *f, cf_buf *b, size_t at, char *err, size_t errlen)
{
    if (b->len < at || b->len == 0)
        return CF_OK;
    cf_rc rc = cf_report_atomic_add(f, cf_buf_str(b), b->len, err, errlen);
    cf_buf_reset(b);
    return rc;
}

cf_rc cf_report_stream_open(const char *dir, const cf_run_result *r, const char *record_all,
                            cf_report_stream **out, char *err, size_t errlen)
{
    *out = NULL;
    cf_rc rc = cf_report_dir_prepare(dir, err, errlen);
    if (rc != CF_OK)
        return rc;
    cf_report_stream *s = calloc(1, sizeof(*s));
    if (!s)
        return CF_E_NOMEM;
    s->r = r;
    s->json.fd = s->record.fd = s->scratch.fd = -1;
    cf_buf_init(&s->jbuf, CF_REPORT_MAX);
    cf_buf_init(&s->xbuf, CF_REPORT_MAX);
    cf_buf_init(&s->rbuf, CF_REPORT_MAX);
    s->opened_ms = s->last_ms = cf_time_mono_ms();
    char *json = cf_report_path(dir, "report.json");
    char *scratch = cf_report_path(dir, "junit.xml.cases");
    s->dir = strdup(dir);
    rc = json && scratch && s->dir ? CF_OK : CF_E_NOMEM;
    if (rc == CF_OK)
        rc = cf_report_atomic_open(&s->json, json, err, errlen);
    if (rc == CF_OK)
        rc = cf_report_atomic_open(&s->scratch, scratch, err, errlen);
    if (rc == CF_OK && record_all)
        rc = cf_report_atomic_open(&s->record, record_all, err, errlen);
    free(json);
    free(scratch);
    if (rc != CF_OK) {
        cf_report_stream_free(s);
        return rc;
    }
    *out = s;
    return CF_OK;
}

static int same(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* The suite case `c` belongs to: the last one, or a new one when its spec file changed. */
static suite *suite_of(cf_report_stream *s, const cf_case_result *c)
{
    if (s->suite_count && same(s->suites[s->suite_count - 1].file, c->spec_file))
        return &s->suites[s->suite_count - 1];
    suite *more = realloc(s->suites, (s->suite_count + 1) * sizeof(*more));
    if (!more)
        return NULL;
    s->suites = more;
    suite *u = &s->suites[s->suite_count];
    memset(u, 0, sizeof(*u));
    u->name = strdup(cf_report_junit_suite_name(c));
    u->file = strdup(c->spec_file ? c->spec_file : "");
    u->from = u->to = s->scratch_len + (off_t)s->xbuf.len;
    if (!u->name || !u->file) {
        free(u->name);
        free(u->file);
        return NULL;
    }
    s->suite_count++;
    return u;
}

cf_rc cf_report_stream_case(cf_report_stream *s, const cf_case_result *c, char *err, size_t errlen)
{
    double now = cf_time_mono_ms();
    cf_rc rc = CF_OK;
    if (!s->head_done) {
        rc = cf_report_json_head(s->r, &s->jbuf);
        s->head_done = 1;
    } else {
        rc = cf_buf_adds(&s->jbuf, ",\n");
    }
    if (rc == CF_OK)
        rc = cf_report_json_case(c, &s->jbuf);
    cf_report_tally_add(&s->tally, c);
    suite *u = suite_of(s, c);
    if (!u)
        rc = CF_E_NOMEM;
    if (rc == CF_OK) {
        size_t before = s->xbuf.len;
        rc = cf_report_junit_testcase(&s->xbuf, s->r, c);
        cf_report_junit_count(&u->t, s->r, c);
        u->to += (off_t)(s->xbuf.len - before);
        /* A suite lasts from the previous suite's end (or the start) to its last case, so
         * the suites' times add up to the run's. */
        u->ms += now - s->last_ms;
        s->last_ms = now;
    }
    for (size_t i = 0; rc == CF_OK && s->record.fd >= 0 && i < c->exchange_count; i++) {
        rc = cf_report_json_exchange(c, &c->exchanges[i], &s->rbuf);
        if (rc == CF_OK)
            rc = cf_buf_addc(&s->rbuf, '\n');
    }
    if (rc != CF_OK) {
        snprintf(err, errlen, "cannot build a report entry for %s: %s", c->id ? c->id : "?",
                 cf_strerror(rc));
        return rc;
    }
    s->cases++;
    rc = flush(&s->json, &s->jbuf, FLUSH_AT, err, errlen);
    size_t xlen = s->xbuf.len;
    if (rc == CF_OK)
        rc = flush(&s->scratch, &s->xbuf, FLUSH_AT, err, errlen);
    if (rc == CF_OK && s->xbuf.len == 0)
        s->scratch_len += (off_t)xlen;
    if (rc == CF_OK && s->record.fd >= 0)
        rc = flush(&s->record, &s->rbuf, FLUSH_AT, err, errlen);
    return rc;
}

/* Copies bytes [from, to) of the scratch file into junit.xml. */
static cf_rc copy_range(cf_report_stream *s, cf_report_atomic_file *to_file, off_t from, off_t to,
                        char *err, size_t errlen)
{
    char chunk[16384];
    while (from < to) {
        size_t want = (size_t)(to - from) < sizeof(chunk) ? (size_t)(to - from) : sizeof(chunk);
        ssize_t n = pread(s->scratch.fd, chunk, want, from);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(err, errlen, "cannot read back %s: %s", s->scratch.tmp,
                     n < 0 ? strerror(errno) : "file shorter than written");
            return CF_E_IO;
        }
        cf_rc rc = cf_report_atomic_add(to_file, chunk, (size_t)n, err, errlen);
        if (rc != CF_OK)
            return rc;
        from += n;
    }
    return CF_OK;
}

static cf_rc close_junit(cf_report_stream *s, char *err, size_t errlen)
{
    cf_report_atomic_file x;
    char *path = cf_report_path(s->dir, "junit.xml");
    cf_rc rc = path ? cf_report_atomic_open(&x, path, err, errlen) : CF_E_NOMEM;
    free(path);
    if (rc != CF_OK)
        return rc;
    cf_junit_tally all = {0};
    double ms = 0;
    for (size_t i = 0; i < s->suite_count; i++) {
        all.tests += s->suites[i].t.tests;
        all.failures += s->suites[i].t.failures;
        all.errors += s->suites[i].t.errors;
        all.skipped += s->suites[i].t.skipped;
        ms += s->suites[i].ms;
    }
    char stamp[25];
    cf_report_junit_stamp(s->r, stamp);
    cf_buf b;
    cf_buf_init(&b, CF_REPORT_MAX);
    rc = cf_report_junit_head(&b, &all, ms);
    if (rc == CF_OK && s->suite_count == 0) {
        cf_junit_tally none = {0};
        rc = cf_report_junit_suite_head(&b, s->r, "conform", &none, 0, stamp);
        if (rc == CF_OK)
            rc = cf_buf_adds(&b, "  </testsuite>\n");
    }
    for (size_t i = 0; rc == CF_OK && i < s->suite_count; i++) {
        const suite *u = &s->suites[i];
        rc = cf_report_junit_suite_head(&b, s->r, u->name, &u->t, u->ms, stamp);
        if (rc == CF_OK)
            rc = flush(&x, &b, 0, err, errlen);
        if (rc == CF_OK)
            rc = copy_range(s, &x, u->from, u->to, err, errlen);
        if (rc == CF_OK)
            rc = cf_buf_adds(&b, "  </testsuite>\n");
    }
    if (rc == CF_OK)
        rc = cf_buf_adds(&b, "</testsuites>\n");
    if (rc == CF_OK)
        rc = flush(&x, &b, 0, err, errlen);
    cf_buf_free(&b);
    if (rc == CF_OK)
        return cf_report_atomic_commit(&x, err, errlen);
    cf_report_atomic_abort(&x);
    return rc;
}

cf_rc cf_report_stream_close(cf_report_stream *s, char *err, size_t errlen)
{
    cf_rc rc = CF_OK;
    if (!s->head_done) {
        rc = cf_report_json_head(s->r, &s->jbuf);
        s->head_done = 1;
    }
    if (rc == CF_OK)
        rc = cf_report_json_tail(s->r, &s->tally, &s->jbuf);
    if (rc == CF_OK)
        rc = flush(&s->json, &s->jbuf, 0, err, errlen);
    if (rc == CF_OK)
        rc = cf_report_atomic_commit(&s->json, err, errlen);
    size_t xlen = s->xbuf.len;
    cf_rc x = flush(&s->scratch, &s->xbuf, 0, err, errlen);
    s->scratch_len += (off_t)xlen;
    /* The JUnit file is still worth having when report.json failed; keep the first error. */
    if (x == CF_OK)
        x = close_junit(s, rc == CF_OK ? err : NULL, errlen);
    if (rc == CF_OK)
        rc = x;
    if (s->record.fd >= 0) {
        cf_rc w = flush(&s->record, &s->rbuf, 0, rc == CF_OK ? err : NULL, errlen);
        if (w == CF_OK)
            w = cf_report_atomic_commit(&s->record, rc == CF_OK ? err : NULL, errlen);
        if (rc == CF_OK)
            rc = w;
    }
    return rc;
}

void cf_report_stream_free(cf_report_stream *s)
{
    if (!s)
        return;
    cf_report_atomic_abort(&s->json);
    cf_report_atomic_abort(&s->record);
    cf_report_atomic_abort(&s->scratch);
    cf_buf_free(&s->jbuf);
    cf_buf_free(&s->xbuf);
    cf_buf_free(&s->rbuf);
    for (size_t i = 0; i < s->suite_count; i++) {
        free(s->suites[i].name);
        free(s->suites[i].file);
    }
    free(s->suites);
    free(s->dir);
    free(s);
}
