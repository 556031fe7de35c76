/* test_cli_fuzz.c - `conform fuzz` of the v1 specs as a process: no finding against the
 * conforming mock of each; planted server faults (fault_proxy.h) each found within 20 s, their
 * saved findings (suite v2 files naming the spec) replaying with `conform run` (exit 1 on the
 * same check); one seed with --jobs 1 finding the same things twice; bad flags, an unreachable
 * target, SIGINT. Whole contracts: test_cli_fuzz_api.c. */
#include <criterion/criterion.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "cli_child.h"
#include "fault_proxy.h"
#include "http_server.h"
#include "net_util.h"

#define SPEC_DIR CONFORM_SOURCE_DIR "/specs/connect-participant"
#define ENVELOPE_SPEC SPEC_DIR "/start-attachment-upload.json"
#define AWS_SPEC SPEC_DIR "/start-attachment-upload.aws.json"

static cJSON *load_summary(const char *dir)
{
    return cf_test_load_json(dir, "summary.json");
}

/* A 10 s campaign against the embedded mock finds nothing, after many requests. */
static void assert_clean(const char *spec)
{
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    const char *args[] = {"fuzz", "--target",     "mock", "--duration", "10", "--seed",
                          "5",    "--report-dir", dir,    spec,         NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_assert_eq(p.status, 0, "%s: exit %d\n%s\n%s", spec, p.status, p.out.ptr, p.err.ptr);
    cJSON *s = load_summary(dir);
    const cJSON *findings = cJSON_GetObjectItemCaseSensitive(s, "findings");
    cr_assert(cJSON_IsArray(findings));
    cr_assert_eq(cJSON_GetArraySize(findings), 0, "%s", p.out.ptr);
    double requests = cJSON_GetObjectItemCaseSensitive(s, "requests")->valuedouble;
    double valid = cJSON_GetObjectItemCaseSensitive(s, "valid_requests")->valuedouble;
    cr_assert_gt(requests, 1000, "only %.0f requests", requests);
    /* Both sides of the validator were exercised. */
    cr_assert_gt(valid, 100);
    cr_assert_lt(valid, requests);
    cr_assert_geq(cJSON_GetObjectItemCaseSensitive(s, "response_classes")->valuedouble, 2);
    cr_assert_not_null(strstr(p.out.ptr, "0 findings (seed 5)"), "%s", p.out.ptr);
    cJSON_Delete(s);
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
}

Test(cli_fuzz, envelope_spec_against_its_mock_finds_nothing, .timeout = 120)
{
    assert_clean(ENVELOPE_SPEC);
}

Test(cli_fuzz, aws_spec_against_its_mock_finds_nothing, .timeout = 120)
{
    assert_clean(AWS_SPEC);
}

/* ---- usage ---------------------------------------------------------------------------------- */

static void assert_usage(const char *const *args, const char *words)
{
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_assert_eq(p.status, 2, "%s: exit %d\n%s\n%s", args[1], p.status, p.out.ptr, p.err.ptr);
    cr_assert_not_null(strstr(p.err.ptr, words), "%s: wanted \"%s\" in\n%s", args[1], words,
                       p.err.ptr);
    cf_child_cleanup(&p);
}

/* A command line (after "fuzz", up to 4 words, NULL-terminated) and what the error must say. */
typedef struct {
    const char *args[5];
    const char *words;
} bad_line;

static const bad_line bad_lines[] = {
    {{"--rate", "0/s", ENVELOPE_SPEC}, "--rate expects N or N/s"},
    {{"--rate", "fast", ENVELOPE_SPEC}, "--rate expects N or N/s"},
    {{"--jobs", "0", ENVELOPE_SPEC}, "--jobs expects an integer 1..256"},
    {{"--duration", "1h", ENVELOPE_SPEC}, "--duration expects an integer"},
    {{"--max-requests", "-5", ENVELOPE_SPEC}, "--max-requests expects an integer"},
    {{"--seed", "18446744073709551616", ENVELOPE_SPEC}, "--seed expects an integer"},
    {{"--target", "ftp://example.com", ENVELOPE_SPEC}, "--target expects mock or an http(s)://"},
    {{"--duration", "1"}, "expects exactly one FILE"},
    {{ENVELOPE_SPEC, AWS_SPEC}, "expects exactly one FILE"},
    {{"--frobnicate", ENVELOPE_SPEC}, "frobnicate"},
    {{"/nonexistent/spec.json"}, "/nonexistent/spec.json"},
    {{CONFORM_SOURCE_DIR "/specs/connect-participant"}, "a folder; conform fuzz takes one file"},
};

Test(cli_fuzz, bad_flags_exit_2_saying_what_is_wrong, .timeout = 60)
{
    for (size_t i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++) {
        const char *args[6] = {"fuzz"};
        for (size_t k = 0; k < 4 && bad_lines[i].args[k]; k++)
            args[k + 1] = bad_lines[i].args[k];
        assert_usage(args, bad_lines[i].words);
    }
}

Test(cli_fuzz, help_lists_every_flag, .timeout = 60)
{
    const char *args[] = {"fuzz", "--help", NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_assert_eq(p.status, 0);
    static const char *const flags[] = {"--duration", "--seed",       "--max-requests", "--rate",
                                        "--jobs",     "--report-dir", "--target"};
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        cr_assert_not_null(strstr(p.out.ptr, flags[i]), "%s missing from\n%s", flags[i], p.out.ptr);
    cf_child_cleanup(&p);
}

/* A server that answers 429 past 100 requests/s: the campaign backs off and resends, the 429s
 * are no findings, and --rate keeps it under the cap. */
Test(cli_fuzz, throttled_server_and_rate_cap_give_no_findings, .timeout = 120)
{
    const char *serve[] = {"serve", "--spec",  ENVELOPE_SPEC,    "--port",
                           "0",     "--fault", "throttle=100/s", NULL};
    cf_child srv;
    cf_child_start(&srv, NULL, NULL, serve);
    cf_child_await(&srv, "listening on ", 20000);
    const char *line = strstr(cf_buf_str(&srv.out), "listening on ");
    cr_assert_not_null(line);
    char url[64];
    cr_assert_eq(sscanf(line, "listening on %63s", url), 1);
    static const char *const rates[] = {NULL, "40/s"};
    for (size_t i = 0; i < 2; i++) {
        char dir[64];
        cf_test_tmpdir(dir, sizeof(dir));
        const char *args[] = {"fuzz",   "--target",     url, "--duration",
                              "3",      "--report-dir", dir, rates[i] ? "--rate" : ENVELOPE_SPEC,
                              rates[i], ENVELOPE_SPEC,  NULL};
        cf_child p;
        cf_child_run(&p, NULL, NULL, args);
        cr_assert_eq(p.status, 0, "exit %d\n%s\n%s", p.status, p.out.ptr, p.err.ptr);
        cJSON *s = load_summary(dir);
        double requests = cJSON_GetObjectItemCaseSensitive(s, "requests")->valuedouble;
        double throttled = cJSON_GetObjectItemCaseSensitive(s, "throttled")->valuedouble;
        if (!rates[i]) {
            cr_assert_gt(throttled, 0, "never throttled in %.0f requests", requests);
        } else {
            /* 3 s at 40/s, give or take a batch; under the server's cap, so no 429 at all */
            cr_assert_leq(requests, 3 * 40 + 8, "%.0f requests", requests);
            cr_assert_geq(requests, 40);
            cr_assert_eq(throttled, 0);
        }
        cJSON_Delete(s);
        cf_child_cleanup(&p);
        cf_test_remove_tree(dir);
    }
    cr_assert_eq(kill(srv.pid, SIGTERM), 0);
    cf_child_finish(&srv);
    cf_child_cleanup(&srv);
}

Test(cli_fuzz, closed_port_exits_3, .timeout = 60)
{
    char url[64], dir[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u", cf_test_closed_port());
    cf_test_tmpdir(dir, sizeof(dir));
    const char *args[] = {"fuzz", "--target", url, "--report-dir", dir, ENVELOPE_SPEC, NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_assert_eq(p.status, 3, "exit %d\n%s\n%s", p.status, p.out.ptr, p.err.ptr);
    cr_assert_not_null(strstr(p.err.ptr, "cannot be reached"), "%s", p.err.ptr);
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
}

Test(cli_fuzz, sigint_exits_130_with_findings_so_far_written, .timeout = 120)
{
    cf_fault_proxy *fp = cf_test_fault_proxy(ENVELOPE_SPEC, "5xx-on-meta-string");
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    const char *args[] = {"fuzz",         "--target", cf_fault_proxy_url(fp), "--duration", "600",
                          "--report-dir", dir,        ENVELOPE_SPEC,          NULL};
    cf_child p;
    cf_child_start(&p, NULL, NULL, args);
    /* Under way and past the seeds that trip the fault. */
    for (int i = 0; i < 3000 && cf_fault_proxy_applied(fp) == 0; i++)
        cf_test_sleep_ms(10);
    cr_assert_gt(cf_fault_proxy_applied(fp), 0, "the fault never fired");
    cf_test_sleep_ms(1000);
    cr_assert_eq(kill(p.pid, SIGINT), 0);
    cf_child_finish(&p);
    cr_assert_eq(p.status, 130, "exit %d\n%s\n%s", p.status, p.out.ptr, p.err.ptr);
    cr_assert_not_null(strstr(p.err.ptr, "interrupted"), "%s", p.err.ptr);
    cJSON *s = load_summary(dir);
    cr_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "interrupted")));
    const cJSON *findings = cJSON_GetObjectItemCaseSensitive(s, "findings");
    cr_assert_gt(cJSON_GetArraySize(findings), 0, "%s", p.out.ptr);
    const cJSON *file = cJSON_GetObjectItemCaseSensitive(findings->child, "case_file");
    char *text = cf_test_slurp(dir, file->valuestring);
    cr_assert_not_null(text, "%s not written", file->valuestring);
    free(text);
    cJSON_Delete(s);
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
    cf_fault_proxy_stop(fp);
}

/* ---- planted faults, replay, determinism ------------------------------------------------- */

/* Runs a campaign against `url`, expecting exit `want`; returns summary.json. */
static cJSON *campaign(const char *url, const char *spec, const char *dir, const char *seed,
                       const char *jobs, const char *max, int want)
{
    const char *args[] = {"fuzz", "--target", url,  "--duration", "20", "--max-requests",
                          max,    "--seed",   seed, "--jobs",     jobs, "--report-dir",
                          dir,    spec,       NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_assert_eq(p.status, want, "exit %d\n%s\n%s", p.status, p.out.ptr, p.err.ptr);
    cJSON *s = load_summary(dir);
    cf_child_cleanup(&p);
    return s;
}

static const cJSON *finding_with(const cJSON *summary, const char *check, long status)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(summary, "findings"))
    {
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(f, "check");
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(f, "status");
        if (cJSON_IsString(c) && strcmp(c->valuestring, check) == 0 &&
            (long)st->valuedouble == status)
            return f;
    }
    return NULL;
}

/* `conform run` of the finding's case file against the same server fails on the same check. */
static void assert_replays(const char *url, const char *dir, const cJSON *finding)
{
    const char *file = cJSON_GetObjectItemCaseSensitive(finding, "case_file")->valuestring;
    const char *check = cJSON_GetObjectItemCaseSensitive(finding, "check")->valuestring;
    char path[512], rdir[64];
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    cf_test_tmpdir(rdir, sizeof(rdir));
    /* Only the finding's own case: generated cases would share report.json with it. */
    const char *args[] = {"run",          "--generate", "none", "--target", url,
                          "--report-dir", rdir,         path,   NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_assert_eq(p.status, 1, "replay of %s: exit %d\n%s\n%s", file, p.status, p.out.ptr,
                 p.err.ptr);
    cJSON *report = cf_test_load_report(rdir);
    const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(report, "cases"), 0);
    cr_assert_not_null(c);
    int failed = 0;
    const cJSON *k;
    cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(c, "checks"))
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(k, "id");
        failed |= cJSON_IsString(id) && strcmp(id->valuestring, check) == 0 &&
                  cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(k, "passed"));
    }
    cr_assert(failed, "replay of %s did not fail %s\n%s", file, check, p.out.ptr);
    /* The curl line is there and carries no secret. */
    char curl_name[300];
    snprintf(curl_name, sizeof(curl_name), "%s",
             cJSON_GetObjectItemCaseSensitive(finding, "curl_file")->valuestring);
    char *curl = cf_test_slurp(dir, curl_name);
    cr_assert(curl && strncmp(curl, "curl ", 5) == 0, "%s", curl ? curl : "(none)");
    cr_assert_null(strstr(curl, "conform-demo-connection-token"), "%s", curl);
    cr_assert_not_null(strstr(curl, "${CONFORM_VAR_BEARER}"), "%s", curl);
    free(curl);
    cJSON_Delete(report);
    cf_child_cleanup(&p);
    cf_test_remove_tree(rdir);
}

typedef struct {
    const char *fault;
    int aws;
    const char *check; /* the finding that must be there */
    long status;
} planted;

static const planted faults[] = {
    /* a 500 for odd-but-valid strings (metacharacters in AttachmentName) */
    {"5xx-on-meta-string", 0, "expect.outcome", 500},
    {"5xx-on-meta-string", 1, "expect.outcome", 500},
    /* a 500 for a valid value at its bound */
    {"5xx-inside-boundary", 0, "expect.outcome", 500},
    /* an invalid value accepted: "" below minLength, one past maximum */
    {"empty-name-accepted", 0, "expect.outcome", 200},
    {"size-outside-accepted", 1, "expect.outcome", 200},
    /* a 5xx for a body that is not JSON */
    {"5xx-on-non-json", 0, "status.5xx-on-bad-request", 500},
    /* a 500 only a mutant reaches: "../" from the edge-value dictionary */
    {"5xx-on-traversal", 0, "expect.outcome", 500},
};

static void assert_found(const planted *f)
{
    const char *spec = f->aws ? AWS_SPEC : ENVELOPE_SPEC;
    cf_fault_proxy *fp = cf_test_fault_proxy(spec, f->fault);
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    cJSON *s = campaign(cf_fault_proxy_url(fp), spec, dir, "3", "4", "4000", 1);
    const cJSON *fd = finding_with(s, f->check, f->status);
    char *text = cJSON_Print(s);
    cr_assert_not_null(fd, "%s: no %s finding with status %ld in\n%s", f->fault, f->check,
                       f->status, text);
    free(text);
    /* What found it, for the README's table (shown with --verbose). */
    char *shown = cJSON_PrintUnformatted(fd);
    cr_log_info("%s: %s", f->fault, shown);
    free(shown);
    assert_replays(cf_fault_proxy_url(fp), dir, fd);
    cJSON_Delete(s);
    cf_test_remove_tree(dir);
    cf_fault_proxy_stop(fp);
}

Test(cli_fuzz, a_500_on_odd_but_valid_strings_is_found_and_replays, .timeout = 120)
{
    assert_found(&faults[0]);
    assert_found(&faults[1]);
}

Test(cli_fuzz, a_500_at_a_bound_is_found_and_replays, .timeout = 120)
{
    assert_found(&faults[2]);
}

Test(cli_fuzz, an_accepted_invalid_value_is_found_and_replays, .timeout = 120)
{
    assert_found(&faults[3]);
    assert_found(&faults[4]);
}

Test(cli_fuzz, a_5xx_on_malformed_json_is_found_and_replays, .timeout = 120)
{
    assert_found(&faults[5]);
}

Test(cli_fuzz, a_500_only_a_mutant_reaches_is_found_and_replays, .timeout = 120)
{
    assert_found(&faults[6]);
}

Test(cli_fuzz, the_minimised_case_keeps_only_what_the_fault_needs, .timeout = 120)
{
    cf_fault_proxy *fp = cf_test_fault_proxy(ENVELOPE_SPEC, "5xx-on-meta-string");
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    cJSON *s = campaign(cf_fault_proxy_url(fp), ENVELOPE_SPEC, dir, "1", "2", "2000", 1);
    const cJSON *fd = finding_with(s, "expect.outcome", 500);
    cr_assert_not_null(fd);
    char *text = cf_test_slurp(dir, cJSON_GetObjectItemCaseSensitive(fd, "case_file")->valuestring);
    cJSON *spec = cJSON_Parse(text);
    free(text);
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(spec, "cases");
    cr_assert_eq(cJSON_GetArraySize(cases), 1);
    /* A suite v2 file: a v1 spec's operation needs no setup, so the case is one request. */
    cr_assert_eq(cJSON_GetObjectItemCaseSensitive(spec, "conform")->valueint, 2);
    const cJSON *body = cJSON_GetObjectItemCaseSensitive(cases->child, "body");
    /* The server fails on a metacharacter in AttachmentName whatever else is sent, but needs a
     * valid request to fail it as a refusal: the name stays, short. */
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(body, "AttachmentName");
    cr_assert(cJSON_IsString(name), "%s", cJSON_PrintUnformatted(body));
    cr_assert_leq(strlen(name->valuestring), 8, "not shortened: %s", name->valuestring);
    cr_assert_gt(cJSON_GetObjectItemCaseSensitive(fd, "minimise_requests")->valuedouble, 0);
    cJSON_Delete(spec);
    cJSON_Delete(s);
    cf_test_remove_tree(dir);
    cf_fault_proxy_stop(fp);
}

/* The ids and the requests that found them, in order. */
static char *finding_list(const cJSON *summary)
{
    cf_buf b;
    cf_buf_init(&b, 1u << 20);
    const cJSON *f;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(summary, "findings"))
    {
        cr_assert_eq(
            cf_buf_addf(&b, "%s@%.0f/%s\n", cJSON_GetObjectItemCaseSensitive(f, "id")->valuestring,
                        cJSON_GetObjectItemCaseSensitive(f, "found_at_request")->valuedouble,
                        cJSON_GetObjectItemCaseSensitive(f, "origin")->valuestring),
            CF_OK);
    }
    return cf_buf_take(&b);
}

Test(cli_fuzz, one_seed_with_jobs_1_finds_the_same_things_twice, .timeout = 120)
{
    cf_fault_proxy *fp = cf_test_fault_proxy(ENVELOPE_SPEC, "5xx-on-meta-string");
    char *lists[2];
    for (int i = 0; i < 2; i++) {
        char dir[64];
        cf_test_tmpdir(dir, sizeof(dir));
        cJSON *s = campaign(cf_fault_proxy_url(fp), ENVELOPE_SPEC, dir, "42", "1", "1500", 1);
        cr_assert_geq(cJSON_GetObjectItemCaseSensitive(s, "requests")->valuedouble, 1500);
        lists[i] = finding_list(s);
        cJSON_Delete(s);
        cf_test_remove_tree(dir);
    }
    cr_assert(lists[0][0], "no finding at all");
    cr_assert_str_eq(lists[0], lists[1]);
    free(lists[0]);
    free(lists[1]);
    cf_fault_proxy_stop(fp);
}
