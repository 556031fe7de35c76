/* test_cli_run.c - `conform run` as a process: exit statuses, messages and report files for
 * conforming and faulty servers, unreachable targets, hostile responses, bad flags, SIGINT,
 * case selection, and `make run`'s own command. */
#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "cli_child.h"
#include "route_server.h"
#include "fault_proxy.h"
#include "http_server.h"
#include "net_util.h"
#include "base/json.h"

#define CONFORM_BIN CF_TEST_CONFORM
#define SPEC_DIR CONFORM_SOURCE_DIR "/specs/connect-participant"
#define ENVELOPE_SPEC SPEC_DIR "/start-attachment-upload.json"
#define AWS_SPEC SPEC_DIR "/start-attachment-upload.aws.json"

static const cJSON *report_case(const cJSON *report, const char *spec_suffix, const char *id)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(report, "cases"))
    {
        const cJSON *cid = cJSON_GetObjectItemCaseSensitive(c, "id");
        const cJSON *spec = cJSON_GetObjectItemCaseSensitive(c, "spec");
        if (!cJSON_IsString(cid) || strcmp(cid->valuestring, id) != 0 || !cJSON_IsString(spec))
            continue;
        size_t sl = strlen(spec->valuestring), xl = strlen(spec_suffix);
        if (sl >= xl && strcmp(spec->valuestring + sl - xl, spec_suffix) == 0)
            return c;
    }
    return NULL;
}

/* The failed check `check` of a case in report.json; NULL when absent or passed. */
static const cJSON *report_failed_check(const cJSON *c, const char *check)
{
    const cJSON *k;
    cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(c, "checks"))
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(k, "id");
        if (cJSON_IsString(id) && strcmp(id->valuestring, check) == 0 &&
            cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(k, "passed")))
            return k;
    }
    return NULL;
}

static double report_stat(const cJSON *report, const char *name)
{
    const cJSON *v =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(report, "stats"), name);
    cr_assert(cJSON_IsNumber(v), "stats.%s missing", name);
    return v->valuedouble;
}

static const char *str_of(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

/* ---- the main job and conforming targets -------------------------------------------------- */

Test(cli_run, make_run_command_passes_against_the_embedded_mock, .timeout = 60)
{
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    const char *args[] = {"run", "--report-dir", dir, "specs/connect-participant", NULL};
    cf_child p;
    cf_child_run(&p, CONFORM_SOURCE_DIR, NULL, args);
    cr_assert_eq(p.status, 0, "exit %d\nstdout: %s\nstderr: %s", p.status, p.out.ptr, p.err.ptr);
    cJSON *report = cf_test_load_report(dir);
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(report, "complete")));
    /* 84 hand-written and 117 generated cases per spec (README: generated cases). */
    cr_assert_eq(report_stat(report, "cases"), 168 + 234);
    cr_assert_eq(report_stat(report, "passed"), 168 + 234);
    const cJSON *seed = cJSON_GetObjectItemCaseSensitive(report, "seed");
    cr_assert(cJSON_IsNumber(seed) && seed->valuedouble == 1, "the default seed is recorded");
    cr_assert_eq(report_stat(report, "failed"), 0);
    char *junit = cf_test_slurp(dir, "junit.xml");
    cr_assert_not_null(junit);
    cr_assert_not_null(strstr(junit, "<testsuite"));
    cr_assert_null(strstr(junit, "<failure"));
    cr_assert_not_null(strstr(p.out.ptr, "report.json"), "%s", p.out.ptr);
    free(junit);
    cJSON_Delete(report);
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
}

Test(cli_run, conforming_proxy_exits_0_for_both_specs, .timeout = 60)
{
    for (int aws = 0; aws <= 1; aws++) {
        const char *spec = aws ? AWS_SPEC : ENVELOPE_SPEC;
        cf_fault_proxy *fp = cf_test_fault_proxy(spec, NULL);
        char dir[64];
        cf_test_tmpdir(dir, sizeof(dir));
        const char *args[] = {"run",          "--jobs", "32", "--target", cf_fault_proxy_url(fp),
                              "--report-dir", dir,      spec, NULL};
        cf_child p;
        cf_child_run(&p, NULL, NULL, args);
        cr_assert_eq(p.status, 0, "exit %d\n%s\n%s", p.status, p.out.ptr, p.err.ptr);
        cJSON *report = cf_test_load_report(dir);
        cr_assert_eq(report_stat(report, "passed"), 84 + 117);
        cr_assert_eq(report_stat(report, "requests"), cf_fault_proxy_requests(fp));
        cJSON_Delete(report);
        cf_child_cleanup(&p);
        cf_test_remove_tree(dir);
        cf_fault_proxy_stop(fp);
    }
}

/* ---- faulty servers: exit 1 and the broken rule named ------------------------------------- */

typedef struct {
    const char *fault;
    int aws;
    const char *filter; /* NULL: whole spec */
    const char *case_id;
    const char *check;
} cli_fault;

static const cli_fault cli_faults[] = {
    {"unknown-error-code", 0, NULL, "ContentType.empty", "error.code-known"},
    {"size-outside-accepted", 1, NULL, "AttachmentSizeInBytes.max-plus-one", "expect.outcome"},
    {"missing-error-type", 1, NULL, "auth.missing", "error.code-present"},
    {"slow", 0, "positive.example", "positive.example", "latency.budget"},
    {"shared-across-callers", 1, "idempotency.*", "idempotency.other-caller-same-token",
     "security.cross-caller-leak"},
};

Test(cli_run, faulty_server_exits_1_naming_the_broken_rule_and_case, .timeout = 60)
{
    for (size_t i = 0; i < sizeof(cli_faults) / sizeof(cli_faults[0]); i++) {
        const cli_fault *f = &cli_faults[i];
        const char *spec = f->aws ? AWS_SPEC : ENVELOPE_SPEC;
        cf_fault_proxy *fp = cf_test_fault_proxy(spec, f->fault);
        char dir[64];
        cf_test_tmpdir(dir, sizeof(dir));
        const char *args[] = {"run", "--target", cf_fault_proxy_url(fp),      "--report-dir",
                              dir,   "--filter", f->filter ? f->filter : "*", spec,
                              NULL};
        cf_child p;
        cf_child_run(&p, NULL, NULL, args);
        cr_assert_eq(p.status, 1, "%s: exit %d\n%s\n%s", f->fault, p.status, p.out.ptr, p.err.ptr);
        cJSON *report = cf_test_load_report(dir);
        const cJSON *c = report_case(report, f->aws ? ".aws.json" : "upload.json", f->case_id);
        cr_assert_not_null(c, "%s: case %s not in the report", f->fault, f->case_id);
        cr_assert_str_eq(str_of(c, "status"), "failed");
        cr_assert_not_null(report_failed_check(c, f->check), "%s: %s lacks a failed %s", f->fault,
                           f->case_id, f->check);
        /* The console names the case and the check and says how to rerun it. */
        cr_assert_not_null(strstr(p.out.ptr, f->case_id), "%s", p.out.ptr);
        cr_assert_not_null(strstr(p.out.ptr, f->check), "%s", p.out.ptr);
        cr_assert_not_null(strstr(p.out.ptr, "rerun:  conform run --target '"), "%s", p.out.ptr);
        char *junit = cf_test_slurp(dir, "junit.xml");
        cr_assert_not_null(junit);
        cr_assert_not_null(strstr(junit, "<failure"), "%s", junit);
        free(junit);
        cJSON_Delete(report);
        cf_child_cleanup(&p);
        cf_test_remove_tree(dir);
        cf_fault_proxy_stop(fp);
    }
}

/* ---- targets that cannot be reached: exit 3 ----------------------------------------------- */

static void assert_unreachable(const char *url, const char *words, const char *words_alt)
{
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    const char *args[] = {"run",       "--target", url,       "--report-dir", dir,
                          "--timeout", "5000",     "--quiet", AWS_SPEC,       NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_assert_eq(p.status, 3, "%s: exit %d\n%s\n%s", url, p.status, p.out.ptr, p.err.ptr);
    cr_assert_not_null(strstr(p.err.ptr, url), "stderr does not name %s: %s", url, p.err.ptr);
    cr_assert(strstr(p.err.ptr, words) || (words_alt && strstr(p.err.ptr, words_alt)),
              "stderr lacks curl's words (%s): %s", words, p.err.ptr);
    cJSON *report = cf_test_load_report(dir);
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(report, "unreachable")));
    cJSON_Delete(report);
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
}

Test(cli_run, closed_port_exits_3_naming_the_url_and_curls_reason, .timeout = 60)
{
    unsigned short port = cf_test_closed_port();
    cr_assert_gt(port, 0);
    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u", (unsigned)port);
    assert_unreachable(url, "onnect", NULL);
}

Test(cli_run, dns_failure_exits_3, .timeout = 60)
{
    assert_unreachable("http://does-not-exist.invalid", "resolve", "Resolv");
}

Test(cli_run, tls_to_a_plain_http_server_exits_3_with_a_tls_message, .timeout = 60)
{
    /* The conforming proxy speaks plain HTTP (and logs nothing about the TLS hello). */
    cf_fault_proxy *fp = cf_test_fault_proxy(AWS_SPEC, NULL);
    char url[64];
    snprintf(url, sizeof(url), "https://%s", cf_fault_proxy_url(fp) + strlen("http://"));
    assert_unreachable(url, "SSL", "TLS");
    cf_fault_proxy_stop(fp);
}

/* ---- hostile responses: failed checks, no crash, no hang ---------------------------------- */

/* Runs positive.example of the envelope spec against `url`; expects exit 1 and returns the
 * case from report.json (the caller deletes *report). */
static const cJSON *run_hostile(const char *url, const char *const *extra, cJSON **report,
                                cf_child *p)
{
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    const char *args[32] = {"run",          "--target", url, "--filter", "positive.example",
                            "--report-dir", dir};
    size_t n = 7;
    for (; extra && *extra && n < 30; extra++)
        args[n++] = *extra;
    args[n++] = ENVELOPE_SPEC;
    args[n] = NULL;
    cf_child_run(p, NULL, NULL, args);
    cr_assert_eq(p->status, 1, "%s: exit %d\n%s\n%s", url, p->status, p->out.ptr, p->err.ptr);
    *report = cf_test_load_report(dir);
    cf_test_remove_tree(dir);
    const cJSON *c = report_case(*report, "upload.json", "positive.example");
    cr_assert_not_null(c);
    cr_assert_str_eq(str_of(c, "status"), "failed");
    return c;
}

Test(cli_run, connection_reset_mid_body_is_a_failed_transport_check, .timeout = 60)
{
    static const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                               "Content-Length: 400\r\n\r\n{\"success\":true,\"data\":{\"id\":";
    cf_raw_server_opts ro = {.response = head, .cut = 1, .cut_at = sizeof(head) - 1};
    cf_raw_server *srv = cf_raw_server_start(&ro);
    cr_assert_not_null(srv);
    char url[64];
    cf_raw_server_url(srv, NULL, url, sizeof(url));
    const char *extra[] = {"--timeout", "5000", NULL};
    cJSON *report;
    cf_child p;
    const cJSON *c = run_hostile(url, extra, &report, &p);
    cr_assert_not_null(report_failed_check(c, "transport.response"), "%s", p.out.ptr);
    cr_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(report, "unreachable")));
    cJSON_Delete(report);
    cf_child_cleanup(&p);
    cf_raw_server_stop(srv);
}

Test(cli_run, slowloris_answer_ends_with_a_timeout_check_not_a_hang, .timeout = 60)
{
    static const char full[] =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 80\r\n\r\n"
        "{\"success\":true,\"data\":{\"id\":\"x\",\"created_at\":\"2025-01-01T00:00:00Z\"}}   ";
    cf_raw_server_opts ro = {.response = full, .chunk = 1, .chunk_delay_ms = 100};
    cf_raw_server *srv = cf_raw_server_start(&ro);
    cr_assert_not_null(srv);
    char url[64];
    cf_raw_server_url(srv, NULL, url, sizeof(url));
    const char *extra[] = {"--timeout", "1000", NULL};
    cJSON *report;
    cf_child p;
    const cJSON *c = run_hostile(url, extra, &report, &p);
    const cJSON *k = report_failed_check(c, "transport.response");
    cr_assert_not_null(k, "%s", p.out.ptr);
    cr_assert_not_null(strstr(str_of(k, "actual"), "imed out"), "%s", str_of(k, "actual"));
    cJSON_Delete(report);
    cf_child_cleanup(&p);
    cf_raw_server_stop(srv);
}

Test(cli_run, body_larger_than_max_body_is_a_failed_check, .timeout = 60)
{
    cf_buf big;
    cf_buf_init(&big, 1u << 20);
    cr_assert_eq(cf_buf_adds(&big, "{\"success\":true,\"data\":{\"id\":\""), CF_OK);
    for (int i = 0; i < 20000; i++)
        cr_assert_eq(cf_buf_addc(&big, 'x'), CF_OK);
    cr_assert_eq(cf_buf_adds(&big, "\",\"created_at\":\"2025-01-01T00:00:00Z\"}}"), CF_OK);
    cf_test_server_opts so = {.body = cf_buf_str(&big)};
    cf_test_server *srv = cf_test_server_start(&so);
    cr_assert_not_null(srv);
    char url[64];
    cf_test_server_url(srv, NULL, url, sizeof(url));
    const char *extra[] = {"--max-body", "4096", NULL};
    cJSON *report;
    cf_child p;
    const cJSON *c = run_hostile(url, extra, &report, &p);
    const cJSON *k = report_failed_check(c, "transport.response");
    if (!k)
        k = report_failed_check(c, "response.size");
    cr_assert_not_null(k, "%s", p.out.ptr);
    cr_assert_not_null(strstr(str_of(k, "actual"), "4096"), "%s", str_of(k, "actual"));
    cJSON_Delete(report);
    cf_child_cleanup(&p);
    cf_test_server_stop(srv);
    cf_buf_free(&big);
}

Test(cli_run, deeply_nested_body_is_a_failed_json_check, .timeout = 60)
{
    cf_buf deep;
    cf_buf_init(&deep, 1u << 20);
    for (int i = 0; i < 100000; i++)
        cr_assert_eq(cf_buf_addc(&deep, '['), CF_OK);
    for (int i = 0; i < 100000; i++)
        cr_assert_eq(cf_buf_addc(&deep, ']'), CF_OK);
    cf_test_server_opts so = {.body = cf_buf_str(&deep)};
    cf_test_server *srv = cf_test_server_start(&so);
    cr_assert_not_null(srv);
    char url[64];
    cf_test_server_url(srv, NULL, url, sizeof(url));
    cJSON *report;
    cf_child p;
    const cJSON *c = run_hostile(url, NULL, &report, &p);
    const cJSON *k = report_failed_check(c, "json.valid");
    cr_assert_not_null(k, "%s", p.out.ptr);
    cr_assert_not_null(strstr(str_of(k, "actual"), "deeper"), "%s", str_of(k, "actual"));
    cJSON_Delete(report);
    cf_child_cleanup(&p);
    cf_test_server_stop(srv);
    cf_buf_free(&deep);
}

Test(cli_run, invalid_utf8_body_is_a_failed_check_and_the_report_stays_valid, .timeout = 60)
{
    cf_test_server_opts so = {
        .body = "{\"success\":true,\"data\":{\"id\":\"bad-\xff\xfe\xc3-utf8\","
                "\"created_at\":\"2025-01-01T00:00:00Z\"},\"x\":\"\xed\xa0\x80\"}"};
    cf_test_server *srv = cf_test_server_start(&so);
    cr_assert_not_null(srv);
    char url[64];
    cf_test_server_url(srv, NULL, url, sizeof(url));
    cJSON *report;
    cf_child p;
    const cJSON *c = run_hostile(url, NULL, &report, &p); /* load_report: the file parses */
    cr_assert_not_null(report_failed_check(c, "json.valid"), "%s", p.out.ptr);
    cJSON_Delete(report);
    cf_child_cleanup(&p);
    cf_test_server_stop(srv);
}

/* ---- bad flags and bad specs: exit 2 with a clear message --------------------------------- */

typedef struct {
    const char *args[6];
    const char *says; /* in stderr */
} bad_usage;

Test(cli_run, bad_flags_and_bad_specs_exit_2_with_a_clear_message, .timeout = 60)
{
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    char invalid[128];
    snprintf(invalid, sizeof(invalid), "%s/invalid.json", dir);
    FILE *f = fopen(invalid, "w");
    cr_assert_not_null(f);
    fputs("{\"conform\": 2, \"title\": 5}", f);
    fclose(f);
    char notjson[128];
    snprintf(notjson, sizeof(notjson), "%s/notjson.json", dir);
    f = fopen(notjson, "w");
    cr_assert_not_null(f);
    fputs("{\"conform\": 1,", f);
    fclose(f);
    const bad_usage table[] = {
        {{"--bogus", ENVELOPE_SPEC}, "unknown option --bogus"},
        {{"--jobs", "0", ENVELOPE_SPEC}, "--jobs expects an integer"},
        {{"--jobs", "many", ENVELOPE_SPEC}, "--jobs expects an integer"},
        {{"--repeat", "0", ENVELOPE_SPEC}, "--repeat expects an integer 1..1000"},
        {{"--tag", "nosuchtag", ENVELOPE_SPEC}, "no case matches"},
        {{"--shard", "3/2", ENVELOPE_SPEC}, "--shard expects K/N"},
        {{"--shard", "x", ENVELOPE_SPEC}, "--shard expects K/N"},
        {{"--shard", "0/2", ENVELOPE_SPEC}, "--shard expects K/N"},
        {{"--timeout", "-1", ENVELOPE_SPEC}, "--timeout expects an integer"},
        {{"--target", "ftp://x", ENVELOPE_SPEC}, "--target expects"},
        {{"--var", "novalue", ENVELOPE_SPEC}, "--var expects NAME=VALUE"},
        {{"--var", "no_such_variable=1", ENVELOPE_SPEC}, "no_such_variable"},
        {{"--timeout"}, "needs a value"},
        {{"/nonexistent/conform-spec.json"}, "/nonexistent/conform-spec.json"},
        {{invalid}, invalid},
        {{notjson}, notjson},
        /* a contract alone holds no cases: said as such, not as a selection that missed */
        {{"--generate", "none", CONFORM_SOURCE_DIR "/tests/data/run/posts.openapi.json"},
         "the files hold no cases"},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        const char *args[16] = {"run", "--report-dir", dir};
        size_t n = 3;
        for (size_t k = 0; k < 6 && table[i].args[k]; k++)
            args[n++] = table[i].args[k];
        args[n] = NULL;
        cf_child p;
        cf_child_run(&p, NULL, NULL, args);
        cr_assert_eq(p.status, 2, "%s: exit %d\n%s\n%s", table[i].args[0], p.status, p.out.ptr,
                     p.err.ptr);
        cr_assert_not_null(strstr(p.err.ptr, table[i].says), "%s %s: stderr lacks \"%s\": %s",
                           table[i].args[0], table[i].args[1] ? table[i].args[1] : "",
                           table[i].says, p.err.ptr);
        cf_child_cleanup(&p);
    }
    cf_test_remove_tree(dir);
}

/* ---- SIGINT ------------------------------------------------------------------------------- */

Test(cli_run, sigint_during_a_run_exits_130_with_reports_marked_incomplete, .timeout = 60)
{
    cf_raw_server_opts ro = {.hang = 1};
    cf_raw_server *srv = cf_raw_server_start(&ro);
    cr_assert_not_null(srv);
    char url[64];
    cf_raw_server_url(srv, NULL, url, sizeof(url));
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    const char *args[] = {"run",   "--target",    url, "--report-dir", dir, "--timeout",
                          "60000", ENVELOPE_SPEC, NULL};
    cf_child p;
    cf_child_start(&p, NULL, NULL, args);
    /* The run is under way once the server has a connection (handlers are set by then). */
    for (int i = 0; i < 2000 && cf_raw_server_accepted(srv) == 0; i++)
        cf_test_sleep_ms(10);
    cr_assert_gt(cf_raw_server_accepted(srv), 0, "the run never reached the server");
    cr_assert_eq(kill(p.pid, SIGINT), 0);
    cf_child_finish(&p);
    cr_assert_eq(p.status, 130, "exit %d\n%s\n%s", p.status, p.out.ptr, p.err.ptr);
    cr_assert_not_null(strstr(p.err.ptr, "interrupted"), "%s", p.err.ptr);
    cJSON *report = cf_test_load_report(dir);
    const cJSON *complete = cJSON_GetObjectItemCaseSensitive(report, "complete");
    cr_assert(cJSON_IsFalse(complete), "report.json is not marked incomplete");
    char *junit = cf_test_slurp(dir, "junit.xml");
    cr_assert_not_null(junit);
    cr_assert_not_null(strstr(junit, "name=\"incomplete\" value=\"true\""), "%s", junit);
    free(junit);
    char *html = cf_test_slurp(dir, "report.html");
    cr_assert(html && strstr(html, "<b>INCOMPLETE</b>") && strstr(html, "</html>\n"));
    free(html);
    char *sarif = cf_test_slurp(dir, "report.sarif");
    cr_assert(sarif && strstr(sarif, "\"executionSuccessful\":\tfalse"), "%s", sarif);
    free(sarif);
    cJSON_Delete(report);
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
    cf_raw_server_stop(srv);
}

/* ---- selection ---------------------------------------------------------------------------- */

/* Runs the bundled specs against the embedded mock with `sel` (NULL-terminated); returns
 * report.json. */
static cJSON *run_selection(const char *const *sel)
{
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    const char *args[16] = {"run", "--report-dir", dir, "--quiet"};
    size_t n = 4;
    for (; sel && *sel && n < 14; sel++)
        args[n++] = *sel;
    args[n++] = SPEC_DIR;
    args[n] = NULL;
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_assert_eq(p.status, 0, "exit %d\n%s\n%s", p.status, p.out.ptr, p.err.ptr);
    cJSON *report = cf_test_load_report(dir);
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
    return report;
}

static int has_tag(const cJSON *c, const char *tag)
{
    const cJSON *t;
    cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(c, "tags"))
    {
        if (cJSON_IsString(t) && strcmp(t->valuestring, tag) == 0)
            return 1;
    }
    return 0;
}

Test(cli_run, filter_and_tag_select_only_matching_cases, .timeout = 60)
{
    const char *filter[] = {"--filter", "auth.*", NULL};
    cJSON *report = run_selection(filter);
    cr_assert_eq(report_stat(report, "cases"), 16);
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(report, "cases"))
    {
        cr_assert_eq(strncmp(str_of(c, "id"), "auth.", 5), 0, "%s", str_of(c, "id"));
    }
    cJSON_Delete(report);
    const char *tag[] = {"--tag", "idempotency", NULL};
    report = run_selection(tag);
    cr_assert_eq(report_stat(report, "cases"), 2 * 18);
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(report, "cases"))
    {
        cr_assert(has_tag(c, "idempotency"), "%s", str_of(c, "id"));
    }
    cJSON_Delete(report);
}

Test(cli_run, three_shards_together_cover_every_case_exactly_once, .timeout = 60)
{
    cJSON *all = run_selection(NULL);
    size_t total = (size_t)report_stat(all, "cases");
    cr_assert_eq(total, 168 + 234); /* generated cases are sharded too */
    unsigned *seen = calloc(total, sizeof(*seen));
    cr_assert_not_null(seen);
    for (int k = 1; k <= 3; k++) {
        char shard[16];
        snprintf(shard, sizeof(shard), "%d/3", k);
        const char *sel[] = {"--shard", shard, NULL};
        cJSON *part = run_selection(sel);
        size_t in_part = (size_t)report_stat(part, "cases");
        cr_assert_gt(in_part, 0, "shard %s is empty", shard);
        cr_assert_lt(in_part, total, "shard %s has every case", shard);
        const cJSON *c;
        cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(part, "cases"))
        {
            size_t i = 0;
            const cJSON *a;
            int found = 0;
            cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(all, "cases"))
            {
                if (strcmp(str_of(a, "id"), str_of(c, "id")) == 0 &&
                    strcmp(str_of(a, "spec"), str_of(c, "spec")) == 0) {
                    seen[i]++;
                    found = 1;
                    break;
                }
                i++;
            }
            cr_assert(found, "shard %s ran unknown case %s", shard, str_of(c, "id"));
        }
        cJSON_Delete(part);
    }
    for (size_t i = 0; i < total; i++)
        cr_assert_eq(seen[i], 1, "case #%zu ran in %u shards", i, seen[i]);
    free(seen);
    cJSON_Delete(all);
}

/* ---- report files ------------------------------------------------------------------------- */

static size_t count_entries(const char *dir)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

Test(cli_run, reports_replace_old_files_whole_and_leave_no_temporary_files, .timeout = 60)
{
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    char path[128];
    snprintf(path, sizeof(path), "%s/report.json", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("stale report from an earlier run", f);
    fclose(f);
    cr_assert_eq(chmod(path, 0600), 0);
    const char *args[] = {"run", "--report-dir", dir, "--filter", "positive.*", AWS_SPEC, NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_assert_eq(p.status, 0, "exit %d\n%s\n%s", p.status, p.out.ptr, p.err.ptr);
    cJSON *report = cf_test_load_report(dir);
    cr_assert_eq(report_stat(report, "cases"), 4);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600, "mode %o", (unsigned)(st.st_mode & 0777));
    /* report.json, junit.xml, report.html, report.sarif and nothing else */
    cr_assert_eq(count_entries(dir), 4, "temporary files left in %s", dir);
    cJSON_Delete(report);
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
}

Test(cli_run, report_dir_is_created_with_parents, .timeout = 60)
{
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    char nested[128];
    snprintf(nested, sizeof(nested), "%s/a/b/c", dir);
    const char *args[] = {
        "run", "--report-dir", nested, "--filter", "positive.example", ENVELOPE_SPEC, NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_assert_eq(p.status, 0, "exit %d\n%s\n%s", p.status, p.out.ptr, p.err.ptr);
    cJSON *report = cf_test_load_report(nested);
    cr_assert_eq(report_stat(report, "cases"), 1);
    cr_assert_eq(count_entries(nested), 4);
    cJSON_Delete(report);
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
}

Test(cli_run, report_dir_that_is_a_file_exits_2, .timeout = 60)
{
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    char file[128];
    snprintf(file, sizeof(file), "%s/plain-file", dir);
    FILE *f = fopen(file, "w");
    cr_assert_not_null(f);
    fclose(f);
    const char *args[] = {
        "run", "--report-dir", file, "--filter", "positive.example", ENVELOPE_SPEC, NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_assert_eq(p.status, 2, "exit %d\n%s\n%s", p.status, p.out.ptr, p.err.ptr);
    cr_assert_not_null(strstr(p.err.ptr, "cannot write reports"), "%s", p.err.ptr);
    cr_assert_not_null(strstr(p.err.ptr, file), "%s", p.err.ptr);
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
}

/* ---- suite v2 files ----------------------------------------------------------------------- */

/* `conform run --target URL SUITE`: a suite v2 file runs its cases across operations. */
Test(cli_run, a_suite_v2_file_runs_against_a_target, .timeout = 60)
{
    static const cf_route routes[] = {
        {"POST", "/posts", 201, "{\"id\":\"p1\",\"title\":\"hello\"}", NULL},
        {"GET", "/posts/p1", 200, "{\"id\":\"p1\",\"title\":\"hello\"}", NULL},
        {"GET", "/posts/*", 404, "{}", NULL},
    };
    cf_route_server *srv = cf_route_server_start(routes, 3);
    cr_assert_not_null(srv);
    char url[64], dir[64];
    cf_route_server_url(srv, url, sizeof(url));
    cf_test_tmpdir(dir, sizeof(dir));
    /* The hand-written cases only: generated ones would probe what this canned server fakes. */
    const char *args[] = {
        "run",  "--report-dir", dir, "--generate",
        "none", "--target",     url, CONFORM_SOURCE_DIR "/specs/examples/posts.suite.json",
        NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_expect_eq(p.status, 0, "stdout %s\nstderr %s", p.out.ptr, p.err.ptr);
    cr_expect_not_null(strstr(p.out.ptr, "2 passed"), "%s", p.out.ptr);
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
    cf_route_server_stop(srv);
}
