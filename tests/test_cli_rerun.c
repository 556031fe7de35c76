/* test_cli_rerun.c - the rerun and curl lines printed under a failure, pasted into a shell as a
 * person would: they reproduce the failure against the same target, with secrets coming from
 * the environment, never from the line. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "cli_child.h"
#include "fault_proxy.h"
#include "report_test.h"

#define SPEC CONFORM_SOURCE_DIR "/specs/connect-participant/start-attachment-upload.json"
#define SECRET_A "SeCrEt-rerun-A-4d2c9e7b1a3f5e6d"
#define SECRET_B "SeCrEt-rerun-B-8b1f3c5d7e9a0b2c"

/* The text after `prefix` on the first line that starts with it, up to the end of that line
 * (a new string). */
static char *line_after(const char *text, const char *prefix)
{
    const char *p = strstr(text, prefix);
    cr_assert_not_null(p, "no \"%s\" line in\n%s", prefix, text);
    p += strlen(prefix);
    size_t n = strcspn(p, "\n");
    char *s = malloc(n + 1);
    cr_assert_not_null(s);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

/* Runs `line` with /bin/sh in `cwd`, conform first in PATH, `env` added. */
static void shell(cf_child *p, const char *cwd, const char *line, const char *const *env)
{
    const char *full[8] = {"PATH=" CONFORM_BINARY_DIR ":/usr/local/bin:/usr/bin:/bin"};
    size_t n = 1;
    for (; env && *env && n < 7; env++)
        full[n++] = *env;
    full[n] = NULL;
    const char *args[] = {"-c", line, NULL};
    cf_child_spawn(p, "/bin/sh", cwd, full, args);
    cf_child_finish(p);
}

static const cJSON *only_case(const cJSON *report)
{
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(report, "cases");
    cr_assert_eq(cJSON_GetArraySize(cases), 1, "the rerun ran more than its case");
    return cJSON_GetArrayItem(cases, 0);
}

static int failed_check(const cJSON *c, const char *id)
{
    const cJSON *k;
    cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(c, "checks"))
    {
        if (strcmp(cJSON_GetObjectItemCaseSensitive(k, "id")->valuestring, id) == 0 &&
            cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(k, "passed")))
            return 1;
    }
    return 0;
}

Test(cli_rerun, the_printed_rerun_line_reproduces_the_failure_against_the_same_target,
     .timeout = 180)
{
    static const char *const vars[] = {"bearer=" SECRET_A, "bearer_alt=" SECRET_B};
    cf_fault_proxy_opts po = {SPEC, "content-type-html", vars, 2};
    char err[512] = "";
    cf_fault_proxy *fp = cf_fault_proxy_start(&po, err, sizeof(err));
    cr_assert_not_null(fp, "%s", err);
    char dir[64], first[128], again[128];
    cf_test_tmpdir(dir, sizeof(dir));
    snprintf(first, sizeof(first), "%s/first", dir);
    snprintf(again, sizeof(again), "%s/again", dir);
    cr_assert_eq(mkdir(again, 0755), 0);
    const char *args[] = {"run",
                          "--target",
                          cf_fault_proxy_url(fp),
                          "--timeout",
                          "5000",
                          "--var",
                          "region=eu-west-1",
                          "--var",
                          "bearer=" SECRET_A,
                          "--filter",
                          "positive.example",
                          "--report-dir",
                          first,
                          SPEC,
                          NULL};
    const char *env[] = {"CONFORM_VAR_BEARER_ALT=" SECRET_B, NULL};
    cf_child p;
    cf_child_run(&p, NULL, env, args);
    cr_assert_eq(p.status, 1, "%s%s", cf_buf_str(&p.out), cf_buf_str(&p.err));
    char *rerun = line_after(cf_buf_str(&p.out), "  rerun:  ");
    char *curl = line_after(cf_buf_str(&p.out), "  replay: ");
    cf_child_cleanup(&p);

    char want[512];
    snprintf(want, sizeof(want),
             "conform run --target '%s' --var 'region=eu-west-1' --var "
             "\"bearer=${CONFORM_VAR_BEARER}\" --var "
             "\"bearer_alt=${CONFORM_VAR_BEARER_ALT}\" --timeout 5000 "
             "--filter 'positive.example' '" SPEC "'",
             cf_fault_proxy_url(fp));
    cr_expect_str_eq(rerun, want);
    cr_expect_null(strstr(rerun, "SeCrEt"), "a secret on the rerun line");
    cr_expect_null(strstr(curl, "SeCrEt"), "a secret on the curl line");
    cr_expect_not_null(strstr(curl, " --max-time 5.000"), "%s", curl);

    /* Pasted as printed, with the secrets in the environment, in another directory. */
    const char *secrets[] = {"CONFORM_VAR_BEARER=" SECRET_A, "CONFORM_VAR_BEARER_ALT=" SECRET_B,
                             NULL};
    shell(&p, again, rerun, secrets);
    cr_expect_eq(p.status, 1, "the rerun did not fail:\n%s%s", cf_buf_str(&p.out),
                 cf_buf_str(&p.err));
    char reports[160];
    snprintf(reports, sizeof(reports), "%s/reports", again);
    cJSON *report = cf_test_load_report(reports);
    const cJSON *c = only_case(report);
    cr_expect_str_eq(cJSON_GetObjectItemCaseSensitive(c, "id")->valuestring, "positive.example");
    cr_expect(failed_check(c, "content-type"), "the rerun failed differently");
    cr_expect_str_eq(cJSON_GetObjectItemCaseSensitive(report, "target")->valuestring,
                     cf_fault_proxy_url(fp));
    cJSON_Delete(report);
    cf_child_cleanup(&p);

    /* The curl line reaches the same server with the same credential and sees the fault. */
    shell(&p, again, curl, secrets);
    cr_expect_eq(p.status, 0, "curl failed:\n%s", cf_buf_str(&p.err));
    cr_expect_not_null(strstr(cf_buf_str(&p.out), "text/html"), "%s", cf_buf_str(&p.out));
    cr_expect_null(strstr(cf_buf_str(&p.out), "ACCESS_DENIED"), "the credential did not replay");
    cf_child_cleanup(&p);

    /* Without the secret in the environment the rerun refuses to send an empty one. */
    shell(&p, again, rerun, NULL);
    cr_expect_eq(p.status, 2, "%s", cf_buf_str(&p.err));
    cr_expect_not_null(strstr(cf_buf_str(&p.err), "secret variable bearer is empty"), "%s",
                       cf_buf_str(&p.err));
    cf_child_cleanup(&p);

    free(rerun);
    free(curl);
    cf_test_remove_tree(dir);
    cf_fault_proxy_stop(fp);
}

Test(cli_rerun, words_with_quotes_stay_one_word, .timeout = 60)
{
    char dir[64], spec[128];
    cf_test_tmpdir(dir, sizeof(dir));
    snprintf(spec, sizeof(spec), "%s/it's a spec.json", dir);
    char *text = cf_test_read_file(SPEC, NULL);
    cr_assert_not_null(text);
    cf_test_write_file(spec, text);
    free(text);
    cf_fault_proxy *fp = cf_test_fault_proxy(SPEC, "content-type-html");
    const char *args[] = {
        "run",   "--target",     cf_fault_proxy_url(fp), "--filter", "positive.example",
        "--var", "region=a'b c", "--report-dir",         dir,        spec,
        NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_assert_eq(p.status, 1, "%s", cf_buf_str(&p.err));
    char *rerun = line_after(cf_buf_str(&p.out), "  rerun:  ");
    cr_expect_not_null(strstr(rerun, " --var 'region=a'\\''b c' "), "%s", rerun);
    cr_expect_not_null(strstr(rerun, "/it'\\''s a spec.json'"), "%s", rerun);
    cf_child_cleanup(&p);
    shell(&p, dir, rerun, NULL);
    cr_expect_eq(p.status, 1, "%s", cf_buf_str(&p.err));
    cf_child_cleanup(&p);
    free(rerun);
    cf_test_remove_tree(dir);
    cf_fault_proxy_stop(fp);
}
