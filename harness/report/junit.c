/* junit.c - junit.xml: a run as Ant/Surefire JUnit XML for the test views of CI services. */
#include "report/report.h"
#include "report/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/timefmt.h"

#define ATTR (CF_CLEAN_XML | CF_CLEAN_QUOTES | CF_CLEAN_ONE_LINE)

/* Appends ` name="value"` with value escaped for an attribute and cut to max bytes. */
static cf_rc attr(cf_buf *out, const char *name, const char *value, size_t max)
{
    /* Adds, not a format: two attributes of every case of a run come here. */
    cf_rc rc = cf_buf_addc(out, ' ');
    if (rc == CF_OK)
        rc = cf_buf_adds(out, name);
    if (rc == CF_OK)
        rc = cf_buf_adds(out, "=\"");
    if (rc == CF_OK)
        rc = cf_report_clean(out, value ? value : "", max, ATTR);
    return rc == CF_OK ? cf_buf_addc(out, '"') : rc;
}

/* Appends escaped element text cut to CF_REPORT_FIELD_MAX; NULL appends "(none)". */
static cf_rc text(cf_buf *out, const char *s)
{
    return cf_report_clean(out, s ? s : "(none)", CF_REPORT_FIELD_MAX, CF_CLEAN_XML);
}

/* Like text(), with every line after the first starting with `indent`. */
static cf_rc text_indented(cf_buf *out, const char *s, const char *indent)
{
    cf_buf b;
    cf_buf_init(&b, 8 * CF_REPORT_FIELD_MAX + 64); /* "&amp;" is 5 bytes, U+FFFD 3 */
    cf_rc rc = text(&b, s);
    const char *p = cf_buf_str(&b);
    for (size_t i = 0, start = 0; rc == CF_OK && i <= b.len; i++) {
        if (i < b.len && p[i] != '\n')
            continue;
        rc = cf_buf_add(out, p + start, i - start);
        if (rc == CF_OK && i < b.len)
            rc = cf_buf_addc(out, '\n');
        if (rc == CF_OK && i < b.len)
            rc = cf_buf_adds(out, indent);
        start = i + 1;
    }
    cf_buf_free(&b);
    return rc;
}

/* ` time="S"` with S = ms / 1000 as "%.3f" prints it (every case has one). */
static cf_rc put_time(cf_buf *out, double ms)
{
    cf_rc rc = cf_buf_adds(out, " time=\"");
    if (rc == CF_OK)
        rc = cf_report_put_fixed(out, ms / 1000.0, 3);
    return rc == CF_OK ? cf_buf_addc(out, '"') : rc;
}

static int same(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

/* "conform.<file name without directory and .json>", dots made '_' so that CI views that
 * split the class name at its last dot show "conform" as the package. */
static cf_rc classname(cf_buf *out, const char *spec_file)
{
    const char *f = spec_file ? spec_file : "";
    const char *slash = strrchr(f, '/');
    const char *base = slash ? slash + 1 : f;
    size_t len = strlen(base);
    if (len > 5 && strcmp(base + len - 5, ".json") == 0)
        len -= 5;
    cf_buf name;
    cf_buf_init(&name, CF_REPORT_FIELD_MAX);
    cf_rc rc = cf_buf_adds(&name, "conform.");
    size_t from = name.len;
    if (rc == CF_OK)
        rc = cf_buf_add(&name, base, len);
    for (size_t i = from; rc == CF_OK && i < name.len; i++)
        if (name.ptr[i] == '.')
            name.ptr[i] = '_';
    if (rc == CF_OK)
        rc = attr(out, "classname", cf_buf_str(&name), CF_REPORT_FIELD_MAX);
    cf_buf_free(&name);
    return rc;
}

/* An error, not a failure: the target could not be reached or the transport broke, so no
 * verdict on the API was possible. */
static int case_errored(const cf_case_result *c)
{
    for (size_t i = 0; i < c->exchange_count; i++)
        if (c->exchanges[i].unreachable)
            return 1;
    for (size_t i = 0; i < c->check_count; i++)
        if (!c->checks[i].passed && strcmp(c->checks[i].id, "transport.response") == 0)
            return 1;
    return 0;
}

/* The message attribute: the first failed check in one line, and how many more failed. */
static cf_rc failure_head(cf_buf *out, const char *element, const cf_case_result *c)
{
    const cf_check_result *first = NULL;
    size_t failed = 0;
    for (size_t i = 0; i < c->check_count; i++)
        if (!c->checks[i].passed && failed++ == 0)
            first = &c->checks[i];
    cf_rc rc = cf_buf_addf(out, "      <%s message=\"", element);
    if (first) {
        if (rc == CF_OK)
            rc = cf_report_clean(out, first->id, CF_REPORT_MESSAGE_MAX, ATTR);
        if (rc == CF_OK)
            rc = cf_buf_adds(out, ": expected ");
        if (rc == CF_OK)
            rc = cf_report_clean(out, first->expected ? first->expected : "(nothing)",
                                 CF_REPORT_MESSAGE_MAX, ATTR);
        if (rc == CF_OK)
            rc = cf_buf_adds(out, ", got ");
        if (rc == CF_OK)
            rc = cf_report_clean(out, first->actual ? first->actual : "(nothing)",
                                 CF_REPORT_MESSAGE_MAX, ATTR);
        if (rc == CF_OK && failed > 1)
            rc = cf_buf_addf(out, " (and %zu more failed check%s)", failed - 1,
                             failed > 2 ? "s" : "");
        if (rc == CF_OK)
            rc = cf_buf_addc(out, '"');
        if (rc == CF_OK)
            rc = attr(out, "type", first->id, CF_REPORT_MESSAGE_MAX);
    } else if (rc == CF_OK) {
        rc = cf_buf_adds(out, "case failed without a failed check\" type=\"case\"");
    }
    return rc == CF_OK ? cf_buf_addc(out, '>') : rc;
}

/* The element text: failed checks, exchanges, the rerun command. */
static cf_rc failure_body(cf_buf *out, const cf_case_result *c)
{
    cf_rc rc = CF_OK;
    if (c->summary) {
        rc = cf_buf_adds(out, "case: ");
        if (rc == CF_OK)
            rc = text(out, c->summary);
        if (rc == CF_OK)
            rc = cf_buf_adds(out, "\n\n");
    }
    for (size_t i = 0; rc == CF_OK && i < c->check_count; i++) {
        const cf_check_result *k = &c->checks[i];
        if (k->passed)
            continue;
        rc = cf_buf_adds(out, "check ");
        if (rc == CF_OK)
            rc = text(out, k->id);
        if (rc == CF_OK && k->step) {
            rc = cf_buf_adds(out, " [");
            if (rc == CF_OK)
                rc = text(out, k->step);
            if (rc == CF_OK)
                rc = cf_buf_addc(out, ']');
        }
        if (rc == CF_OK)
            rc = cf_buf_adds(out, "\n  expected: ");
        if (rc == CF_OK)
            rc = text_indented(out, k->expected, "            ");
        if (rc == CF_OK)
            rc = cf_buf_adds(out, "\n  actual:   ");
        if (rc == CF_OK)
            rc = text_indented(out, k->actual, "            ");
        if (rc == CF_OK)
            rc = cf_buf_adds(out, "\n\n");
    }
    size_t shown =
        c->exchange_count < CF_REPORT_EXCHANGES_MAX ? c->exchange_count : CF_REPORT_EXCHANGES_MAX;
    for (size_t i = 0; rc == CF_OK && i < shown; i++) {
        const cf_exchange_record *e = &c->exchanges[i];
        rc = cf_buf_adds(out, "exchange ");
        if (rc == CF_OK)
            rc = text(out, e->step ? e->step : "");
        if (rc == CF_OK && e->operation) {
            rc = cf_buf_adds(out, " (");
            if (rc == CF_OK)
                rc = text(out, e->operation);
            if (rc == CF_OK)
                rc = cf_buf_addc(out, ')');
        }
        if (rc == CF_OK)
            rc = cf_buf_addf(out, ": HTTP %ld in %.0f ms\n--- request\n", e->status, e->elapsed_ms);
        if (rc == CF_OK)
            rc = text(out, e->request);
        if (rc == CF_OK)
            rc = cf_buf_adds(out, "\n--- response\n");
        if (rc == CF_OK)
            rc = text(out, e->response);
        if (rc == CF_OK)
            rc = cf_buf_adds(out, "\n--- replay\n");
        if (rc == CF_OK)
            rc = text(out, e->curl);
        if (rc == CF_OK)
            rc = cf_buf_adds(out, "\n\n");
    }
    if (rc == CF_OK && shown < c->exchange_count)
        rc = cf_buf_addf(out, "(%zu more exchanges in report.json)\n\n", c->exchange_count - shown);
    if (rc == CF_OK && c->not_run) {
        rc = cf_buf_adds(out, "skipped: ");
        if (rc == CF_OK)
            rc = text(out, c->not_run);
        if (rc == CF_OK)
            rc = cf_buf_adds(out, "\n\n");
    }
    if (rc == CF_OK && c->replay) {
        rc = cf_buf_adds(out, "rerun: ");
        if (rc == CF_OK)
            rc = text(out, c->replay);
        if (rc == CF_OK)
            rc = cf_buf_addc(out, '\n');
    }
    return rc;
}

cf_rc cf_report_junit_testcase(cf_buf *out, const cf_run_result *r, const cf_case_result *c)
{
    cf_rc rc = cf_buf_adds(out, "    <testcase");
    if (rc == CF_OK)
        rc = classname(out, c->spec_file);
    if (rc == CF_OK)
        rc = attr(out, "name", c->id, CF_REPORT_FIELD_MAX);
    if (rc == CF_OK)
        rc = put_time(out, c->duration_ms);
    if (rc != CF_OK)
        return rc;
    if (!c->ran && r->unreachable && !r->incomplete) {
        /* Skipped would leave dashboards green while nothing was tested. */
        rc = cf_buf_adds(out, ">\n      <error message=\"not run: the target is unreachable");
        if (rc == CF_OK && r->unreachable_why)
            rc = cf_buf_adds(out, ": ");
        if (rc == CF_OK)
            rc = cf_report_clean(out, r->unreachable_why, CF_REPORT_MESSAGE_MAX, ATTR);
        return rc == CF_OK ? cf_buf_adds(out, "\" type=\"transport.unreachable\"/>\n"
                                              "    </testcase>\n")
                           : rc;
    }
    if (!c->ran) {
        const char *why = r->incomplete ? "not run: the run was interrupted" : "not run";
        return cf_buf_addf(out, ">\n      <skipped message=\"%s\"/>\n    </testcase>\n", why);
    }
    if (c->passed)
        return cf_buf_adds(out, "/>\n");
    const char *element = case_errored(c) ? "error" : "failure";
    rc = cf_buf_adds(out, ">\n");
    if (rc == CF_OK)
        rc = failure_head(out, element, c);
    if (rc == CF_OK)
        rc = failure_body(out, c);
    if (rc == CF_OK)
        rc = cf_buf_addf(out, "</%s>\n    </testcase>\n", element);
    return rc;
}

static cf_rc add_properties(cf_buf *out, const cf_run_result *r)
{
    cf_rc rc = cf_buf_adds(out, "    <properties>\n      <property name=\"conform_version\"");
    if (rc == CF_OK)
        rc = attr(out, "value", CONFORM_VERSION, CF_REPORT_MESSAGE_MAX);
    if (rc == CF_OK && r->target) {
        rc = cf_buf_adds(out, "/>\n      <property name=\"target\"");
        if (rc == CF_OK)
            rc = attr(out, "value", r->target, CF_REPORT_FIELD_MAX);
    }
    if (rc == CF_OK && r->incomplete)
        rc = cf_buf_adds(out, "/>\n      <property name=\"incomplete\" value=\"true\"");
    if (rc == CF_OK && r->unreachable) {
        rc = cf_buf_adds(out, "/>\n      <property name=\"unreachable\"");
        if (rc == CF_OK)
            rc = attr(out, "value", r->unreachable_why ? r->unreachable_why : "true",
                      CF_REPORT_FIELD_MAX);
    }
    return rc == CF_OK ? cf_buf_adds(out, "/>\n    </properties>\n") : rc;
}

void cf_report_junit_count(cf_junit_tally *t, const cf_run_result *r, const cf_case_result *c)
{
    t->tests++;
    t->ms += c->duration_ms;
    if (!c->ran && r->unreachable && !r->incomplete)
        t->errors++;
    else if (!c->ran)
        t->skipped++;
    else if (!c->passed && case_errored(c))
        t->errors++;
    else if (!c->passed)
        t->failures++;
}

cf_rc cf_report_junit_suite_head(cf_buf *out, const cf_run_result *r, const char *name,
                                 const cf_junit_tally *t, double ms, const char *timestamp)
{
    cf_rc rc = cf_buf_adds(out, "  <testsuite");
    if (rc == CF_OK)
        rc = attr(out, "name", name, CF_REPORT_MESSAGE_MAX);
    if (rc == CF_OK)
        rc = cf_buf_addf(out,
                         " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"%zu\""
                         " time=\"%.3f\" timestamp=\"%s\">\n",
                         t->tests, t->failures, t->errors, t->skipped, ms / 1000.0, timestamp);
    return rc == CF_OK ? add_properties(out, r) : rc;
}

const char *cf_report_junit_suite_name(const cf_case_result *first)
{
    if (first && first->spec_title && *first->spec_title)
        return first->spec_title;
    if (first && first->spec_file && *first->spec_file)
        return first->spec_file;
    return "conform";
}

cf_rc cf_report_junit_head(cf_buf *out, const cf_junit_tally *all, double ms)
{
    return cf_buf_addf(out,
                       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<testsuites name=\"conform\" tests=\"%zu\" failures=\"%zu\""
                       " errors=\"%zu\" time=\"%.3f\">\n",
                       all->tests, all->failures, all->errors, ms / 1000.0);
}

void cf_report_junit_stamp(const cf_run_result *r, char out[25])
{
    cf_time_format_millis((int64_t)r->started_ms, out);
    out[19] = '\0'; /* the schema's timestamp has no fraction and no zone; it is UTC */
}

/* One <testsuite> holding the cases whose suite[] index is `s` (none for an empty run). */
static cf_rc add_testsuite(cf_buf *out, const cf_run_result *r, const size_t *suite, size_t s,
                           const cf_case_result *first, const char *timestamp)
{
    cf_junit_tally t = {0};
    for (size_t i = 0; i < r->count; i++)
        if (suite[i] == s)
            cf_report_junit_count(&t, r, &r->cases[i]);
    cf_rc rc =
        cf_report_junit_suite_head(out, r, cf_report_junit_suite_name(first), &t, t.ms, timestamp);
    for (size_t i = 0; rc == CF_OK && i < r->count; i++)
        if (suite[i] == s)
            rc = cf_report_junit_testcase(out, r, &r->cases[i]);
    return rc == CF_OK ? cf_buf_adds(out, "  </testsuite>\n") : rc;
}

cf_rc cf_report_junit(const cf_run_result *r, cf_buf *out)
{
    /* suite[i]: index of case i's spec file among the distinct ones, in order of appearance. */
    size_t *suite = calloc(r->count ? r->count : 1, sizeof(*suite));
    size_t *firsts = malloc((r->count ? r->count : 1) * sizeof(*firsts));
    if (!suite || !firsts) {
        free(suite);
        free(firsts);
        return CF_E_NOMEM;
    }
    size_t suites = 0;
    cf_junit_tally all = {0};
    for (size_t i = 0; i < r->count; i++) {
        size_t s = 0;
        while (s < suites && !same(r->cases[firsts[s]].spec_file, r->cases[i].spec_file))
            s++;
        if (s == suites)
            firsts[suites++] = i;
        suite[i] = s;
        cf_report_junit_count(&all, r, &r->cases[i]);
    }
    /* Cases a bounded run did not keep count in the totals, though they are not listed. */
    all.tests += r->dropped_passed + r->dropped_failed + r->dropped_not_run;
    all.failures += r->dropped_failed;
    char stamp[25];
    cf_report_junit_stamp(r, stamp);
    cf_rc rc = cf_report_junit_head(out, &all, r->duration_ms);
    if (rc == CF_OK && suites == 0)
        rc = add_testsuite(out, r, suite, 0, NULL, stamp);
    for (size_t s = 0; rc == CF_OK && s < suites; s++)
        rc = add_testsuite(out, r, suite, s, &r->cases[firsts[s]], stamp);
    if (rc == CF_OK)
        rc = cf_buf_adds(out, "</testsuites>\n");
    free(suite);
    free(firsts);
    return rc;
}
