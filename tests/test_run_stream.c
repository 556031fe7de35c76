/* test_run_stream.c - the reports `conform run` streams: each case its own duration (the sum of
 * its steps), never its neighbours' or a batch's, suite and testsuites times that agree (the
 * tests assert recorded durations, not the wall clock of the test itself); and --record-all,
 * every exchange as one NDJSON line. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_child.h"
#include "mhd_util.h"

#define SPEC CONFORM_SOURCE_DIR "/specs/connect-participant/start-attachment-upload.json"
#define SLOW_CASE "positive.unknown-member-ignored"
#define SLOW_MARK "ConformUnknownMember" /* only that case's body carries it */

static const char answer_json[] = "{\"success\":true,\"data\":{\"id\":\"x\","
                                  "\"created_at\":\"2025-01-01T00:00:00.000Z\"}}";

/* Answers every request at once, the slow case's after one second. */
static enum MHD_Result delay_one(void *cls, struct MHD_Connection *c, const char *url,
                                 const char *method, cf_buf *body)
{
    (void)cls;
    (void)url;
    (void)method;
    if (body->len && strstr(cf_buf_str(body), SLOW_MARK))
        nanosleep(&(struct timespec){1, 0}, NULL);
    struct MHD_Response *r = MHD_create_response_from_buffer(
        sizeof(answer_json) - 1, (void *)answer_json, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    (void)MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    cr_assert(cJSON_IsNumber(v), "%s missing", key);
    return v->valuedouble;
}

/* The time="..." attribute after `from` in junit.xml, in seconds. */
static double time_attr(const char *from)
{
    const char *t = strstr(from, " time=\"");
    cr_assert_not_null(t, "no time attribute after %.80s", from);
    return strtod(t + 7, NULL);
}

Test(run_stream, each_case_reports_its_own_time_in_report_json_and_junit, .timeout = 60)
{
    cf_mhd_opts mo = {
        .flags = MHD_USE_THREAD_PER_CONNECTION, .handler = delay_one, .body_max = 65536};
    unsigned short port = 0;
    struct MHD_Daemon *d = cf_mhd_start(&mo, &port);
    cr_assert_not_null(d);
    char target[64], dir[64];
    snprintf(target, sizeof(target), "http://127.0.0.1:%u", port);
    cf_test_tmpdir(dir, sizeof(dir));
    const char *args[] = {"run",        "--target",     target, "--jobs",  "4",  "--filter",
                          "positive.*", "--report-dir", dir,    "--quiet", SPEC, NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_assert(p.status == 0 || p.status == 1, "exit %d: %s", p.status, cf_buf_str(&p.err));

    cJSON *report = cf_test_load_report(dir);
    const cJSON *c;
    size_t cases = 0, slow = 0;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(report, "cases"))
    {
        const char *id = cJSON_GetObjectItemCaseSensitive(c, "id")->valuestring;
        double ms = num(c, "duration_ms");
        cases++;
        if (strcmp(id, SLOW_CASE) == 0) {
            slow++;
            cr_expect_geq(ms, 1000.0, "%s took %.1f ms", id, ms);
        } else {
            cr_expect_lt(ms, 200.0, "%s reported %.1f ms: another case's time", id, ms);
        }
    }
    cr_assert_eq(slow, 1);
    cr_assert_geq(cases, 4);

    char *junit = cf_test_slurp(dir, "junit.xml");
    cr_assert_not_null(junit);
    size_t seen = 0;
    for (const char *at = strstr(junit, "<testcase "); at; at = strstr(at + 1, "<testcase ")) {
        double s = time_attr(at);
        const char *name = strstr(at, " name=\"");
        cr_assert_not_null(name);
        seen++;
        if (strncmp(name + 7, SLOW_CASE "\"", strlen(SLOW_CASE) + 1) == 0)
            cr_expect_geq(s, 1.0, "junit time of the slow case: %.3f", s);
        else
            cr_expect_lt(s, 0.2, "junit time %.3f of %.60s", s, name + 7);
    }
    cr_expect_eq(seen, cases);
    /* One suite: its time and the whole's are the same wall time, not a sum of cases. */
    double whole = time_attr(strstr(junit, "<testsuites "));
    double suite = time_attr(strstr(junit, "<testsuite "));
    cr_expect_eq(whole, suite, "testsuites %.3f, testsuite %.3f", whole, suite);
    cr_expect_geq(suite, 1.0);

    free(junit);
    cJSON_Delete(report);
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
    MHD_stop_daemon(d);
}

Test(run_stream, record_all_writes_every_exchange_as_one_json_line, .timeout = 60)
{
    char dir[64], file[128];
    cf_test_tmpdir(dir, sizeof(dir));
    snprintf(file, sizeof(file), "%s/all.ndjson", dir);
    const char *args[] = {"run", "--filter", "idempotency.replay*", "--report-dir",
                          dir,   "--quiet",  "--record-all",        file,
                          SPEC,  NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_assert_eq(p.status, 0, "exit %d: %s", p.status, cf_buf_str(&p.err));
    cJSON *report = cf_test_load_report(dir);
    double requests = num(cJSON_GetObjectItemCaseSensitive(report, "stats"), "requests");
    cr_assert_gt(requests, num(cJSON_GetObjectItemCaseSensitive(report, "stats"), "cases"),
                 "scenarios: more exchanges than cases");
    char *all = cf_test_read_file(file, NULL);
    cr_assert_not_null(all);
    size_t lines = 0;
    for (char *line = all, *end; *line; line = end + 1) {
        end = strchr(line, '\n');
        cr_assert_not_null(end, "the last line is not ended");
        *end = '\0';
        cJSON *e = cJSON_Parse(line);
        cr_assert_not_null(e, "not JSON: %.120s", line);
        static const char *const keys[] = {"spec",     "case", "step",   "request",
                                           "response", "curl", "sent_at"};
        for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
            cr_expect(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, keys[k])), "%s in %.120s",
                      keys[k], line);
        cr_expect_eq(num(e, "status"), 200);
        cJSON_Delete(e);
        lines++;
    }
    cr_expect_eq((double)lines, requests, "every exchange, passing ones too");
    free(all);
    cJSON_Delete(report);
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
}

/* The coverage object of the report in `dir`, printed compactly (a new string). */
static char *coverage_of(const char *dir)
{
    cJSON *report = cf_test_load_report(dir);
    char *text = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(report, "coverage"));
    cJSON_Delete(report);
    cr_assert_not_null(text, "no coverage in report.json");
    return text;
}

/* A run longer than the digest keeps (CF_MAX_KEPT_FAILURES whole + CF_MAX_KEPT_CASES compact)
 * still counts every case per operation and covers what every response exercised. */
Test(run_stream, bounded_run_keeps_exact_tallies_and_coverage, .timeout = 120)
{
    char once[64], many[64];
    cf_test_tmpdir(once, sizeof(once));
    cf_test_tmpdir(many, sizeof(many));
    const char *args1[] = {"run", "--report-dir", once, SPEC, NULL};
    const char *args2[] = {"run", "--repeat", "40", "--report-dir", many, SPEC, NULL};
    cf_child p1, p2;
    cf_child_run(&p1, NULL, NULL, args1);
    cr_assert_eq(p1.status, 0, "exit %d: %s", p1.status, cf_buf_str(&p1.err));
    cf_child_run(&p2, NULL, NULL, args2);
    cr_assert_eq(p2.status, 0, "exit %d: %s", p2.status, cf_buf_str(&p2.err));

    cJSON *report = cf_test_load_report(once);
    double cases = num(cJSON_GetObjectItemCaseSensitive(report, "stats"), "cases");
    cJSON_Delete(report);
    cr_assert_gt(cases * 40, 2304, "the run must outgrow the digest (%g cases)", cases);
    /* The per-operation table counts every case, kept or not. */
    char row[128];
    snprintf(row, sizeof(row), "%.0f       0        0\n", cases * 40);
    const char *table = strstr(cf_buf_str(&p2.out), "StartAttachmentUpload");
    cr_assert_not_null(table, "no per-operation table: %s", cf_buf_str(&p2.out));
    cr_expect_not_null(strstr(table, row), "expected %s in %.200s", row, table);
    /* Forty rounds of the same cases exercise exactly what one round does. */
    char *c1 = coverage_of(once), *c2 = coverage_of(many);
    cr_expect_str_eq(c2, c1);
    free(c1);
    free(c2);
    cf_child_cleanup(&p1);
    cf_child_cleanup(&p2);
    cf_test_remove_tree(once);
    cf_test_remove_tree(many);
}
