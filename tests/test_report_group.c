/* test_report_group.c - failures grouped by root cause (console), the per-operation table, and
 * JUnit that counts an unreachable target and transport errors as errors. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_child.h"
#include "fault_proxy.h"
#include "report/report.h"
#include "report_test.h"

#define SPEC CONFORM_SOURCE_DIR "/specs/connect-participant/start-attachment-upload.json"

static cf_case_result *failed(cf_run_result *r, const char *op, const char *id, const char *check,
                              long status, const char *code)
{
    cf_case_result *c = cf_test_add_case(r, "specs/a.json", "A", id, NULL, 1, 0, 1.0);
    c->operation = cf_test_dup(op);
    cf_test_add_check(c, "json.valid", 1, "s", NULL, NULL);
    cf_test_add_check(c, check, 0, "s", "want", "got");
    cf_exchange_record *e = cf_test_add_exchange(c, "s", "POST /", "HTTP", "curl x", status, 1.0);
    e->error_code = code ? cf_test_dup(code) : NULL;
    return c;
}

/* 25 cases with one cause, and one each differing in operation, check, status or code. */
static void sample(cf_run_result *r)
{
    memset(r, 0, sizeof(*r));
    char id[32];
    for (int i = 0; i < 25; i++) {
        snprintf(id, sizeof(id), "same-%02d", i);
        failed(r, "Create", id, "status.success", 500, "INTERNAL");
    }
    failed(r, "Delete", "other-op", "status.success", 500, "INTERNAL");
    failed(r, "Create", "other-check", "envelope.shape", 500, "INTERNAL");
    failed(r, "Create", "other-status", "status.success", 503, "INTERNAL");
    failed(r, "Create", "other-code", "status.success", 500, "THROTTLED");
    cf_case_result *c = cf_test_add_case(r, "specs/a.json", "A", "fine", NULL, 1, 1, 1.0);
    c->operation = cf_test_dup("Create");
    c = cf_test_add_case(r, "specs/a.json", "A", "skipped", NULL, 0, 0, 0.0);
    c->operation = cf_test_dup("Delete");
}

Test(report_group, groups_by_operation_check_status_and_code, .timeout = 30)
{
    cf_run_result r;
    sample(&r);
    cf_report_groups g;
    cr_assert_eq(cf_report_groups_build(&r, &g), CF_OK);
    cr_assert_eq(g.count, 5, "one group per distinct cause");
    cr_expect_eq(g.items[0].count, 25);
    cr_expect_str_eq(g.items[0].first->id, "same-00");
    cr_expect_str_eq(g.items[0].check->id, "status.success", "the first failed check");
    cr_expect_eq(g.items[0].exchange->status, 500);
    for (size_t i = 1; i < 5; i++)
        cr_expect_eq(g.items[i].count, 1, "group %zu", i);
    cr_expect_str_eq(g.items[1].operation, "Delete");
    cf_report_groups_cleanup(&g);
    cf_report_groups_cleanup(NULL);
    cf_run_result_cleanup(&r);
}

Test(report_group, console_shows_one_case_per_cause_with_the_count_and_the_others, .timeout = 30)
{
    cf_run_result r;
    sample(&r);
    char *out = cf_test_console(&r, 0, 0);
    cr_expect_eq(cf_test_count(out, "FAIL "), 5, "%s", out);
    cr_expect_eq(cf_test_count(out, "  exchange ["), 5);
    cr_expect_not_null(strstr(out, "  same failure in 24 more cases: same-01, same-02,"), "%s",
                       out);
    cr_expect_not_null(strstr(out, "same-20, ... (4 more: --verbose or report.json)\n"), "%s", out);
    cr_expect_not_null(strstr(out, "29 failed cases, 5 distinct failures (--verbose shows every "
                                   "case)\n"),
                       "%s", out);
    cr_expect_not_null(strstr(out, "operation  passed  failed  not run\n"
                                   "Create          1      28        0\n"
                                   "Delete          0       1        1\n"),
                       "%s", out);
    char *verbose = cf_test_console(&r, 0, 1);
    cr_expect_eq(cf_test_count(verbose, "FAIL "), 29, "verbose prints every failed case");
    cr_expect_null(strstr(verbose, "same failure in"));
    free(out);
    free(verbose);
    cf_run_result_cleanup(&r);
}

Test(report_group, a_server_failing_everything_prints_a_page_not_a_book, .timeout = 120)
{
    cf_fault_proxy *fp = cf_test_fault_proxy(SPEC, "content-type-html");
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    const char *args[] = {
        "run", "--generate", "none", "--report-dir", dir, "--target", cf_fault_proxy_url(fp),
        SPEC,  NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    const char *out = cf_buf_str(&p.out);
    cr_expect_eq(p.status, 1);
    cr_expect_eq(cf_test_count(out, "FAIL "), 3, "one per status (200, 400, 403):\n%s", out);
    cr_expect_lt(cf_test_count(out, "\n"), 120, "%zu lines", cf_test_count(out, "\n"));
    cr_expect_not_null(strstr(out, "84 failed cases, 3 distinct failures"), "%s", out);
    cf_child_cleanup(&p);
    const char *verbose[] = {"run", "--verbose", "--generate",           "none", "--report-dir",
                             dir,   "--target",  cf_fault_proxy_url(fp), SPEC,   NULL};
    cf_child_run(&p, NULL, NULL, verbose);
    cr_expect_eq(cf_test_count(cf_buf_str(&p.out), "FAIL "), 84);
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
    cf_fault_proxy_stop(fp);
}

/* Writes every report of `r` and runs `script` on junit.xml (as `root`) in Python. */
static int junit_holds(const cf_run_result *r, const char *script)
{
    char dir[64], err[512] = "", text[4096];
    cf_test_tmpdir(dir, sizeof(dir));
    cr_assert_eq(cf_report_write_all(r, dir, err, sizeof(err)), CF_OK, "%s", err);
    snprintf(text, sizeof(text),
             "import sys, xml.etree.ElementTree as E\n"
             "root = E.parse(sys.argv[1] + '/junit.xml').getroot()\n%s",
             script);
    int ok = cf_test_python(dir, text, dir);
    cf_test_remove_tree(dir);
    return ok;
}

Test(report_group, junit_counts_cases_left_by_an_unreachable_target_as_errors, .timeout = 30)
{
    cf_run_result r = {0};
    r.unreachable = 1;
    r.unreachable_why = cf_test_dup("(no response: Connection refused)");
    cf_case_result *c = cf_test_add_case(&r, "specs/a.json", "A", "first", NULL, 1, 0, 1.0);
    cf_test_add_check(c, "transport.response", 0, "s", "a complete HTTP response", "refused");
    cf_test_add_exchange(c, "s", "POST /", "(no response)", "curl x", 0, 1.0)->unreachable = 1;
    for (int i = 0; i < 3; i++)
        cf_test_add_case(&r, "specs/a.json", "A", i ? "b" : "a", NULL, 0, 0, 0.0);
    cr_expect(junit_holds(&r, "assert (root.get('tests'), root.get('failures'), "
                              "root.get('errors')) == ('4', '0', '4'), root.attrib\n"
                              "s = root.find('testsuite')\n"
                              "assert s.get('errors') == '4' and s.get('skipped') == '0'\n"
                              "e = s.findall('testcase/error')\n"
                              "assert len(e) == 4\n"
                              "assert 'Connection refused' in e[1].get('message'), e[1].attrib\n"
                              "assert s.find('testcase/skipped') is None\n"));
    cf_run_result_cleanup(&r);
}

Test(report_group, junit_counts_a_transport_error_as_an_error_not_a_failure, .timeout = 30)
{
    cf_run_result r = {0};
    cf_case_result *c = cf_test_add_case(&r, "specs/a.json", "A", "reset", NULL, 1, 0, 1.0);
    cf_test_add_check(c, "transport.response", 0, "s", "a complete HTTP response",
                      "Recv failure: Connection reset by peer");
    cf_test_add_exchange(c, "s", "POST /", "(no response)", "curl x", 200, 1.0);
    c = cf_test_add_case(&r, "specs/a.json", "A", "bad", NULL, 1, 0, 1.0);
    cf_test_add_check(c, "status.success", 0, "s", "200", "500");
    cf_test_add_case(&r, "specs/a.json", "A", "interrupted", NULL, 0, 0, 0.0);
    cr_expect(junit_holds(&r, "assert (root.get('failures'), root.get('errors')) == ('1', "
                              "'1'), root.attrib\n"
                              "cases = root.findall('testsuite/testcase')\n"
                              "assert cases[0].find('error') is not None\n"
                              "assert cases[1].find('failure') is not None\n"
                              "assert cases[2].find('skipped') is not None\n"));
    cf_run_result_cleanup(&r);
}
