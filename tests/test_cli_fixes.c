/* test_cli_fixes.c - `conform list`, and what `conform run` does with an empty selection, a dumb
 * terminal, a proxy that is not HTTP(S) or does not answer, an empty secret, a --var one spec
 * does not declare, and --min-coverage. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "cli_child.h"
#include "fault_proxy.h"
#include "report_test.h"

#define SPEC_DIR CONFORM_SOURCE_DIR "/specs/connect-participant"
#define SPEC SPEC_DIR "/start-attachment-upload.json"
#define AWS_SPEC SPEC_DIR "/start-attachment-upload.aws.json"

static const char *out_of(const cf_child *p)
{
    return cf_buf_str(&p->out);
}

static const char *err_of(const cf_child *p)
{
    return cf_buf_str(&p->err);
}

Test(cli_fixes, list_shows_operations_cases_with_tags_and_every_tag, .timeout = 60)
{
    const char *args[] = {"list", SPEC_DIR, NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_assert_eq(p.status, 0, "%s", err_of(&p));
    const char *out = out_of(&p);
    cr_expect_not_null(strstr(out, AWS_SPEC "\n  operation StartAttachmentUpload: POST "
                                            "/participant/start-attachment-upload\n  84 cases:\n"),
                       "%s", out);
    cr_expect_not_null(strstr(out, "\n    positive.example  [positive]  The documented example"),
                       "%s", out);
    cr_expect_eq(cf_test_count(out, "\n    idempotency.replay  [idempotency, positive]"), 2, "%s",
                 out);
    /* The v1 files' tags, then the bundled suite's (service.json) in one tally. */
    cr_expect_not_null(strstr(out, "\n21 tags: happy (24), CreateParticipantConnection (3),"), "%s",
                       out);
    cr_expect_not_null(strstr(out, ", validation (127), boundary (82), auth (47), flow (5), "
                                   "pagination (1), idempotency (43), positive (60), "),
                       "%s", out);
    cf_child_cleanup(&p);
    const char *none[] = {"list", NULL};
    cf_child_run(&p, NULL, NULL, none);
    cr_expect_eq(p.status, 2);
    cf_child_cleanup(&p);
    char dir[64], bad[128];
    cf_test_tmpdir(dir, sizeof(dir));
    snprintf(bad, sizeof(bad), "%s/bad.json", dir);
    cf_test_write_file(bad, "{\"conform\": 1}");
    const char *invalid[] = {"list", bad, NULL};
    cf_child_run(&p, NULL, NULL, invalid);
    cr_expect_eq(p.status, 2);
    cr_expect_not_null(strstr(err_of(&p), "invalid spec"), "%s", err_of(&p));
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
}

Test(cli_fixes, an_empty_selection_exits_2_and_leaves_earlier_reports_untouched, .timeout = 60)
{
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    const char *good[] = {"run", "--report-dir", dir, "--filter", "positive.example", SPEC, NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, good);
    cr_assert_eq(p.status, 0, "%s", err_of(&p));
    cf_child_cleanup(&p);
    static const char *const files[] = {"report.json", "junit.xml", "report.html", "report.sarif"};
    char *before[4];
    for (size_t i = 0; i < 4; i++)
        cr_assert_not_null(before[i] = cf_test_slurp(dir, files[i]));
    const char *typo[] = {"run", "--report-dir", dir, "--tag", "no-such-tag", SPEC, NULL};
    cf_child_run(&p, NULL, NULL, typo);
    cr_expect_eq(p.status, 2);
    cr_expect_not_null(strstr(err_of(&p), "conform list"), "%s", err_of(&p));
    cr_expect_not_null(strstr(err_of(&p), "earlier reports are left as they are"));
    cf_child_cleanup(&p);
    for (size_t i = 0; i < 4; i++) {
        char *after = cf_test_slurp(dir, files[i]);
        cr_expect(after && strcmp(after, before[i]) == 0, "%s was rewritten", files[i]);
        free(after);
        free(before[i]);
    }
    cf_test_remove_tree(dir);
}

/* Runs conform in a pseudo-terminal (Python's pty) with TERM=`term`; its output, both streams. */
static char *in_a_terminal(const char *term, const char *dir)
{
    static const char script[] = "import os, pty, sys\n"
                                 "pid, fd = pty.fork()\n"
                                 "if pid == 0:\n"
                                 "    os.execv(sys.argv[1], sys.argv[1:])\n"
                                 "out = b''\n"
                                 "while True:\n"
                                 "    try:\n"
                                 "        d = os.read(fd, 65536)\n"
                                 "    except OSError:\n"
                                 "        break\n"
                                 "    if not d:\n"
                                 "        break\n"
                                 "    out += d\n"
                                 "os.waitpid(pid, 0)\n"
                                 "sys.stdout.write(out.decode('utf-8', 'replace'))\n";
    char term_env[64];
    snprintf(term_env, sizeof(term_env), "TERM=%s", term);
    const char *env[] = {term_env, "NO_COLOR", NULL};
    const char *args[] = {"-c", script,     CF_TEST_CONFORM,    "run", "--report-dir",
                          dir,  "--filter", "positive.example", SPEC,  NULL};
    cf_child p;
    cf_child_spawn(&p, "python3", NULL, env, args);
    cf_child_finish(&p);
    cr_assert_eq(p.status, 0, "%s", err_of(&p));
    char *out = cf_test_dup(out_of(&p));
    cf_child_cleanup(&p);
    return out;
}

Test(cli_fixes, a_dumb_terminal_gets_no_colour_and_no_progress_line, .timeout = 60)
{
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    char *smart = in_a_terminal("xterm", dir);
    cr_expect_not_null(strstr(smart, "\033["), "no escape sequence on a terminal:\n%s", smart);
    char *dumb = in_a_terminal("dumb", dir);
    cr_expect_null(strstr(dumb, "\033"), "an escape sequence with TERM=dumb:\n%s", dumb);
    cr_expect_not_null(strstr(dumb, "1 case: 1 passed"), "%s", dumb);
    free(smart);
    free(dumb);
    cf_test_remove_tree(dir);
}

Test(cli_fixes, a_proxy_that_is_not_http_is_a_usage_error, .timeout = 60)
{
    static const char *const proxies[] = {"ftp://proxy.test:21", "socks5://127.0.0.1:1080",
                                          "proxy.test:3128"};
    for (size_t i = 0; i < 3; i++) {
        const char *args[] = {"run", "--proxy", proxies[i], SPEC, NULL};
        cf_child p;
        cf_child_run(&p, NULL, NULL, args);
        cr_expect_eq(p.status, 2, "%s: exit %d", proxies[i], p.status);
        cr_expect_not_null(strstr(err_of(&p), "--proxy expects an http:// or https:// URL"), "%s",
                           err_of(&p));
        cf_child_cleanup(&p);
    }
}

Test(cli_fixes, a_proxy_that_refuses_is_named_as_the_proxy, .timeout = 60)
{
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    const char *args[] = {"run",
                          "--proxy",
                          "http://127.0.0.1:1",
                          "--target",
                          "http://127.0.0.1:2",
                          "--report-dir",
                          dir,
                          SPEC,
                          NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_expect_eq(p.status, 3, "%s", err_of(&p));
    cr_expect_not_null(strstr(err_of(&p), "the proxy http://127.0.0.1:1 cannot be reached"), "%s",
                       err_of(&p));
    cr_expect_not_null(strstr(out_of(&p), "UNREACHABLE: the proxy http://127.0.0.1:1"), "%s",
                       out_of(&p));
    cJSON *report = cf_test_load_report(dir);
    const cJSON *why = cJSON_GetObjectItemCaseSensitive(report, "unreachable_reason");
    cr_expect(cJSON_IsString(why) && strstr(why->valuestring, "proxy"), "report.json blames the "
                                                                        "target");
    cJSON_Delete(report);
    cf_child_cleanup(&p);
    /* Without a proxy the same dead target is the target's fault. */
    const char *direct[] = {"run", "--target", "http://127.0.0.1:2", "--report-dir", dir,
                            SPEC,  NULL};
    cf_child_run(&p, NULL, NULL, direct);
    cr_expect_eq(p.status, 3);
    cr_expect_null(strstr(err_of(&p), "proxy"), "%s", err_of(&p));
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
}

Test(cli_fixes, a_proxy_password_reaches_no_output_and_no_report, .timeout = 60)
{
    /* The fault proxy stands in for both: an HTTP server answers a proxied request too. */
    cf_fault_proxy *fp = cf_test_fault_proxy(SPEC, NULL);
    char dir[64], proxy[160], dead[64];
    cf_test_tmpdir(dir, sizeof(dir));
    snprintf(proxy, sizeof(proxy), "http://user:pXsecret@%s", cf_fault_proxy_url(fp) + 7);
    const char *args[] = {
        "run",      "--proxy",          proxy,          "--target", cf_fault_proxy_url(fp),
        "--filter", "positive.example", "--report-dir", dir,        SPEC,
        NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_expect_eq(p.status, 1, "%s", err_of(&p));
    cr_expect_not_null(strstr(out_of(&p), " --proxy \"${CONFORM_PROXY}\" "), "%s", out_of(&p));
    cr_expect_not_null(strstr(out_of(&p), " -x \"${CONFORM_PROXY}\""), "%s", out_of(&p));
    cr_expect_null(strstr(out_of(&p), "pXsecret"));
    cr_expect_null(strstr(err_of(&p), "pXsecret"));
    cf_child_cleanup(&p);
    /* A dead proxy is named, its password masked. */
    snprintf(dead, sizeof(dead), "http://user:pXsecret@127.0.0.1:1");
    const char *down[] = {"run", "--proxy", dead, "--report-dir", dir, SPEC, NULL};
    cf_child_run(&p, NULL, NULL, down);
    cr_expect_eq(p.status, 3);
    cr_expect_not_null(strstr(err_of(&p), "the proxy http://<redacted>@127.0.0.1:1"), "%s",
                       err_of(&p));
    cr_expect_null(strstr(out_of(&p), "pXsecret"));
    cr_expect_null(strstr(err_of(&p), "pXsecret"));
    static const char *const files[] = {"report.json", "junit.xml", "report.html", "report.sarif"};
    for (size_t i = 0; i < 4; i++) {
        char *text = cf_test_slurp(dir, files[i]);
        cr_expect(text && !strstr(text, "pXsecret"), "%s holds the proxy password", files[i]);
        free(text);
    }
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
    cf_fault_proxy_stop(fp);
}

Test(cli_fixes, proxies_in_the_environment_are_ignored, .timeout = 60)
{
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    /* Dead proxies everywhere: a run that used any of them would be unreachable (exit 3). */
    const char *env[] = {"http_proxy=http://127.0.0.1:1", "HTTP_PROXY=http://127.0.0.1:1",
                         "https_proxy=http://127.0.0.1:1", "ALL_PROXY=http://127.0.0.1:1", NULL};
    const char *args[] = {"run", "--report-dir", dir, "--filter", "positive.example", SPEC, NULL};
    cf_child p;
    cf_child_run(&p, NULL, env, args);
    cr_expect_eq(p.status, 0, "%s", err_of(&p));
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
}

Test(cli_fixes, an_empty_secret_is_a_usage_error_unless_allowed, .timeout = 60)
{
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    const char *flag[] = {"run", "--report-dir", dir, "--var", "bearer=", SPEC, NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, flag);
    cr_expect_eq(p.status, 2);
    cr_expect_not_null(strstr(err_of(&p), "secret variable bearer is empty (an unset CI "
                                          "secret?)"),
                       "%s", err_of(&p));
    cr_expect_not_null(strstr(err_of(&p), "--allow-empty-var bearer"));
    cf_child_cleanup(&p);
    const char *env[] = {"CONFORM_VAR_BEARER_ALT=", NULL};
    const char *plain[] = {"run", "--report-dir", dir, SPEC, NULL};
    cf_child_run(&p, NULL, env, plain);
    cr_expect_eq(p.status, 2, "an empty secret from the environment went out");
    cr_expect_not_null(strstr(err_of(&p), "bearer_alt is empty"), "%s", err_of(&p));
    cf_child_cleanup(&p);
    /* Allowed: sent empty, and the cases that need it fail on their checks. */
    const char *allowed[] = {
        "run",      "--report-dir",     dir,  "--var", "bearer=", "--allow-empty-var", "bearer",
        "--filter", "positive.example", SPEC, NULL};
    cf_child_run(&p, NULL, NULL, allowed);
    cr_expect_eq(p.status, 1, "%s", err_of(&p));
    cf_child_cleanup(&p);
    /* An empty variable that is not secret is a value like any other. */
    const char *region[] = {
        "run", "--report-dir", dir, "--var", "region=", "--filter", "positive.example", SPEC, NULL};
    cf_child_run(&p, NULL, NULL, region);
    cr_expect_eq(p.status, 0, "%s", err_of(&p));
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
}

Test(cli_fixes, a_var_one_spec_does_not_declare_is_skipped_for_it_with_one_note, .timeout = 60)
{
    char dir[64], extra[128];
    cf_test_tmpdir(dir, sizeof(dir));
    /* A copy of the spec with one more variable, "tenant". */
    char *text = cf_test_read_file(SPEC, NULL);
    cr_assert_not_null(text);
    cJSON *root = cJSON_Parse(text);
    free(text);
    cr_assert_not_null(root);
    cJSON *tenant = cJSON_CreateObject();
    cJSON_AddStringToObject(tenant, "default", "t0");
    cJSON_AddItemToObject(cJSON_GetObjectItemCaseSensitive(root, "variables"), "tenant", tenant);
    char *copy = cJSON_Print(root);
    snprintf(extra, sizeof(extra), "%s/with-tenant.json", dir);
    cf_test_write_file(extra, copy);
    cJSON_free(copy);
    cJSON_Delete(root);
    const char *args[] = {
        "run",      "--report-dir",     dir,   "--var",  "tenant=t1", "--var", "tenant=t2",
        "--filter", "positive.example", extra, AWS_SPEC, NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_expect_eq(p.status, 0, "%s", err_of(&p));
    cr_expect_eq(cf_test_count(err_of(&p), "note: "), 1, "%s", err_of(&p));
    cr_expect_not_null(strstr(err_of(&p), "note: " AWS_SPEC " declares no variable tenant; --var "
                                          "tenant is skipped for it\n"),
                       "%s", err_of(&p));
    cJSON *report = cf_test_load_report(dir);
    const cJSON *stats = cJSON_GetObjectItemCaseSensitive(report, "stats");
    cr_expect_eq(cJSON_GetObjectItemCaseSensitive(stats, "passed")->valueint, 2, "both ran");
    cJSON_Delete(report);
    cf_child_cleanup(&p);
    const char *typo[] = {"run", "--report-dir", dir, "--var", "tennant=t1", extra, AWS_SPEC, NULL};
    cf_child_run(&p, NULL, NULL, typo);
    cr_expect_eq(p.status, 2);
    cr_expect_not_null(strstr(err_of(&p), "--var tennant: no spec declares a variable tennant"),
                       "%s", err_of(&p));
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
}

Test(cli_fixes, min_coverage_fails_the_run_below_the_figure, .timeout = 60)
{
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    /* The bundled envelope suite against the mock exercises 57.1% of its contract items. */
    const char *low[] = {"run", "--quiet", "--report-dir", dir, "--min-coverage", "57", SPEC, NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, low);
    cr_expect_eq(p.status, 0, "%s", err_of(&p));
    cf_child_cleanup(&p);
    const char *high[] = {"run", "--quiet", "--report-dir", dir, "--min-coverage", "58",
                          SPEC,  NULL};
    cf_child_run(&p, NULL, NULL, high);
    cr_expect_eq(p.status, 1);
    cr_expect_not_null(strstr(err_of(&p), "spec coverage 57.1% is below --min-coverage 58"), "%s",
                       err_of(&p));
    cf_child_cleanup(&p);
    const char *bad[] = {"run", "--min-coverage", "101", SPEC, NULL};
    cf_child_run(&p, NULL, NULL, bad);
    cr_expect_eq(p.status, 2);
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
}
