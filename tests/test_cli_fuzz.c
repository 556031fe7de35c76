/* test_cli_fuzz.c - `conform fuzz` as a process: no finding against the conforming mock of
 * each bundled spec, bad flags, an unreachable target, SIGINT with findings so far written.
 * Planted faults, replay and determinism are in test_cli_fuzz_faults.c. */
#include <criterion/criterion.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_child.h"
#include "fault_proxy.h"
#include "http_server.h"
#include "net_util.h"

#define SPEC_DIR CONFORM_SOURCE_DIR "/specs/connect-participant"
#define ENVELOPE_SPEC SPEC_DIR "/start-attachment-upload.json"
#define AWS_SPEC SPEC_DIR "/start-attachment-upload.aws.json"

static cJSON *load_summary(const char *dir)
{
    char *text = cf_test_slurp(dir, "summary.json");
    cr_assert_not_null(text, "no %s/summary.json", dir);
    cJSON *s = cJSON_Parse(text);
    cr_assert_not_null(s, "summary.json is not JSON: %s", text);
    free(text);
    return s;
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

Test(cli_fuzz, bad_flags_exit_2_saying_what_is_wrong, .timeout = 60)
{
    const char *rate[] = {"fuzz", "--rate", "0/s", ENVELOPE_SPEC, NULL};
    assert_usage(rate, "--rate expects N or N/s");
    const char *rate2[] = {"fuzz", "--rate", "fast", ENVELOPE_SPEC, NULL};
    assert_usage(rate2, "--rate expects N or N/s");
    const char *jobs[] = {"fuzz", "--jobs", "0", ENVELOPE_SPEC, NULL};
    assert_usage(jobs, "--jobs expects an integer 1..256");
    const char *duration[] = {"fuzz", "--duration", "1h", ENVELOPE_SPEC, NULL};
    assert_usage(duration, "--duration expects an integer");
    const char *max[] = {"fuzz", "--max-requests", "-5", ENVELOPE_SPEC, NULL};
    assert_usage(max, "--max-requests expects an integer");
    const char *seed[] = {"fuzz", "--seed", "18446744073709551616", ENVELOPE_SPEC, NULL};
    assert_usage(seed, "--seed expects an integer");
    const char *target[] = {"fuzz", "--target", "ftp://example.com", ENVELOPE_SPEC, NULL};
    assert_usage(target, "--target expects mock or an http(s):// URL");
    const char *none[] = {"fuzz", "--duration", "1", NULL};
    assert_usage(none, "expects exactly one spec FILE");
    const char *two[] = {"fuzz", ENVELOPE_SPEC, AWS_SPEC, NULL};
    assert_usage(two, "expects exactly one spec FILE");
    const char *unknown[] = {"fuzz", "--frobnicate", ENVELOPE_SPEC, NULL};
    assert_usage(unknown, "frobnicate");
    const char *missing[] = {"fuzz", "/nonexistent/spec.json", NULL};
    assert_usage(missing, "/nonexistent/spec.json");
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
    char err[256] = "";
    cf_fault_proxy_opts po = {ENVELOPE_SPEC, "5xx-on-meta-string", NULL, 0};
    cf_fault_proxy *fp = cf_fault_proxy_start(&po, err, sizeof(err));
    cr_assert_not_null(fp, "%s", err);
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
