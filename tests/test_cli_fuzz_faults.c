/* test_cli_fuzz_faults.c - `conform fuzz` against planted server faults (fault_proxy.h): each is
 * found within 20 s, its saved finding replays with `conform run` (exit 1 on the same check), and
 * two campaigns with one seed and --jobs 1 find the same things at the same requests. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_child.h"
#include "fault_proxy.h"

#define ENVELOPE_SPEC CONFORM_SOURCE_DIR "/specs/connect-participant/start-attachment-upload.json"
#define AWS_SPEC CONFORM_SOURCE_DIR "/specs/connect-participant/start-attachment-upload.aws.json"

static cJSON *load_summary(const char *dir)
{
    char *text = cf_test_slurp(dir, "summary.json");
    cr_assert_not_null(text, "no %s/summary.json", dir);
    cJSON *s = cJSON_Parse(text);
    cr_assert_not_null(s, "summary.json is not JSON: %s", text);
    free(text);
    return s;
}

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
    const char *args[] = {"run", "--target", url, "--report-dir", rdir, path, NULL};
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
};

static void assert_found(const planted *f)
{
    const char *spec = f->aws ? AWS_SPEC : ENVELOPE_SPEC;
    char err[256] = "";
    cf_fault_proxy_opts po = {spec, f->fault, NULL, 0};
    cf_fault_proxy *fp = cf_fault_proxy_start(&po, err, sizeof(err));
    cr_assert_not_null(fp, "%s", err);
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    cJSON *s = campaign(cf_fault_proxy_url(fp), spec, dir, "3", "4", "4000", 1);
    const cJSON *fd = finding_with(s, f->check, f->status);
    char *text = cJSON_Print(s);
    cr_assert_not_null(fd, "%s: no %s finding with status %ld in\n%s", f->fault, f->check,
                       f->status, text);
    free(text);
    assert_replays(cf_fault_proxy_url(fp), dir, fd);
    cJSON_Delete(s);
    cf_test_remove_tree(dir);
    cf_fault_proxy_stop(fp);
}

Test(cli_fuzz_faults, a_500_on_odd_but_valid_strings_is_found_and_replays, .timeout = 120)
{
    assert_found(&faults[0]);
    assert_found(&faults[1]);
}

Test(cli_fuzz_faults, a_500_at_a_bound_is_found_and_replays, .timeout = 120)
{
    assert_found(&faults[2]);
}

Test(cli_fuzz_faults, an_accepted_invalid_value_is_found_and_replays, .timeout = 120)
{
    assert_found(&faults[3]);
    assert_found(&faults[4]);
}

Test(cli_fuzz_faults, a_5xx_on_malformed_json_is_found_and_replays, .timeout = 120)
{
    assert_found(&faults[5]);
}

Test(cli_fuzz_faults, the_minimised_case_keeps_only_what_the_fault_needs, .timeout = 120)
{
    char err[256] = "";
    cf_fault_proxy_opts po = {ENVELOPE_SPEC, "5xx-on-meta-string", NULL, 0};
    cf_fault_proxy *fp = cf_fault_proxy_start(&po, err, sizeof(err));
    cr_assert_not_null(fp, "%s", err);
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
    const cJSON *body = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(cases->child, "request"), "body");
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

Test(cli_fuzz_faults, one_seed_with_jobs_1_finds_the_same_things_twice, .timeout = 120)
{
    char err[256] = "";
    cf_fault_proxy_opts po = {ENVELOPE_SPEC, "5xx-on-meta-string", NULL, 0};
    cf_fault_proxy *fp = cf_fault_proxy_start(&po, err, sizeof(err));
    cr_assert_not_null(fp, "%s", err);
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
