/* test_report_github.c - GitHub Actions: error annotations per failure group (escaped per the
 * workflow-command rules) and the Markdown step summary, from the library and from the CLI. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_child.h"
#include "fault_proxy.h"
#include "report/report.h"
#include "report_test.h"

#define SPEC CONFORM_SOURCE_DIR "/specs/connect-participant/start-attachment-upload.json"

static size_t lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

Test(report_github, one_error_annotation_per_failure_group_with_file_and_line, .timeout = 30)
{
    cf_run_result r = {0};
    for (int i = 0; i < 3; i++) {
        cf_case_result *c = cf_test_add_case(
            &r, SPEC, "T", i ? "positive.second-caller" : "positive.example", NULL, 1, 0, 1.0);
        c->operation = cf_test_dup("StartAttachmentUpload");
        cf_test_add_check(c, i == 2 ? "expect.code" : "status.success", 0, "s", "HTTP 200",
                          "HTTP 500");
        cf_test_add_exchange(c, "s", "POST /", "HTTP 500", "curl x", 500, 1.0);
    }
    char *out = cf_test_render(cf_report_github_annotations, &r);
    cr_expect_eq(lines(out), 2, "one line per cause:\n%s", out);
    char want[1024];
    snprintf(want, sizeof(want),
             "::error file=%s,line=275,title=status.success (StartAttachmentUpload%%2C 2 "
             "cases)::StartAttachmentUpload: status.success failed: expected HTTP 200, got HTTP "
             "500 (HTTP 500). 2 cases: positive.example, positive.second-caller. Rerun: conform "
             "run --filter 'positive.example' %s\n",
             SPEC, SPEC);
    cr_expect_eq(strncmp(out, want, strlen(want)), 0, "got\n%s\nwant\n%s", out, want);
    cr_expect_not_null(strstr(out, "\n::error file="), "%s", out);
    free(out);
    cf_run_result_cleanup(&r);
}

Test(report_github, escapes_percent_cr_lf_everywhere_and_colon_comma_in_properties, .timeout = 30)
{
    cf_run_result r = {0};
    cf_case_result *c = cf_test_add_case(&r, "specs/a,b:c%d.json", "T", "x", NULL, 1, 0, 1.0);
    c->operation = cf_test_dup("Op:1,2%");
    cf_test_add_check(c, "rule.a:b,c", 0, "s", "100%\r\nok",
                      "line1\nline2\r::warning::injected\x1b[2J");
    cf_test_add_exchange(c, "s", "POST /", "HTTP 500", "curl x", 500, 1.0);
    char *out = cf_test_render(cf_report_github_annotations, &r);
    cr_expect_eq(lines(out), 1, "a CR or LF started a new command:\n%s", out);
    cr_expect_str_eq(
        out, "::error file=specs/a%2Cb%3Ac%25d.json,title=rule.a%3Ab%2Cc (Op%3A1%2C2%25%2C 1 "
             "case)::Op:1,2%25: rule.a:b,c failed: expected 100%25%0Aok, got line1%0Aline2"
             "\xEF\xBF\xBD::warning::injected\xEF\xBF\xBD[2J (HTTP 500). 1 case: x. Rerun: "
             "conform run --filter 'x' specs/a,b:c%25d.json\n");
    free(out);
    cf_run_result_cleanup(&r);
}

Test(report_github, a_spec_inside_the_workspace_is_named_by_its_path_in_the_repository,
     .timeout = 30)
{
    cf_run_result r = {0};
    cf_case_result *c =
        cf_test_add_case(&r, CONFORM_SOURCE_DIR "/specs/x.json", "T", "x", NULL, 1, 0, 1.0);
    cf_test_add_check(c, "status.success", 0, "s", "200", "500");
    cf_test_add_case(&r, "/elsewhere/y.json", "T", "y", NULL, 1, 0, 1.0);
    cf_test_add_check(&r.cases[1], "expect.code", 0, "s", "A", "B");
    cf_buf b;
    cf_buf_init(&b, CF_REPORT_MAX);
    cr_assert_eq(cf_report_github_annotations_in(&r, CONFORM_SOURCE_DIR "/", &b), CF_OK);
    cr_expect_eq(strncmp(cf_buf_str(&b), "::error file=specs/x.json,title=", 32), 0, "%s",
                 cf_buf_str(&b));
    cr_expect_not_null(strstr(cf_buf_str(&b), "\n::error file=/elsewhere/y.json,title="), "%s",
                       cf_buf_str(&b));
    cf_buf_free(&b);
    cf_run_result_cleanup(&r);
}

Test(report_github, no_failures_no_annotations_and_a_green_summary, .timeout = 30)
{
    cf_run_result r = {0};
    r.target = cf_test_dup("mock");
    cf_case_result *c = cf_test_add_case(&r, SPEC, "T", "ok", NULL, 1, 1, 1.0);
    c->operation = cf_test_dup("Op");
    char *out = cf_test_render(cf_report_github_annotations, &r);
    cr_expect_str_eq(out, "");
    char *md = cf_test_render(cf_report_github_summary, &r);
    cr_expect_not_null(strstr(md, "## conform: \xE2\x9C\x85 0 of 1 cases failed"), "%s", md);
    cr_expect_not_null(strstr(md, "| Op | 1 | 0 | 0 |"), "%s", md);
    cr_expect_null(strstr(md, "### Failures"));
    free(out);
    free(md);
    cf_run_result_cleanup(&r);
}

Test(report_github, summary_cells_cannot_break_the_table_or_hold_markup, .timeout = 30)
{
    cf_run_result r = {0};
    cf_case_result *c = cf_test_add_case(&r, SPEC, "T", "a|b", NULL, 1, 0, 1.0);
    c->operation = cf_test_dup("Op");
    cf_test_add_check(c, "expect.code", 0, "s", "X", "<img src=x>|`code`\n[link](http://e)");
    cf_test_add_exchange(c, "s", "POST /", "HTTP 400", "curl x", 400, 1.0)->error_code =
        cf_test_dup("E_1");
    char *md = cf_test_render(cf_report_github_summary, &r);
    cr_expect_not_null(strstr(md, "| expect.code | Op | 400 | E\\_1 | 1 | a\\|b | X | "
                                  "&lt;img src=x&gt;\\|\\`code\\` \\[link\\](http://e) |\n"),
                       "%s", md);
    cr_expect_null(strstr(md, "<img"));
    free(md);
    cf_run_result_cleanup(&r);
}

Test(report_github, cli_annotates_and_appends_the_step_summary_only_in_actions, .timeout = 120)
{
    cf_fault_proxy *fp = cf_test_fault_proxy(SPEC, "content-type-html");
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    char summary_path[128], env_summary[160], reports[128];
    snprintf(summary_path, sizeof(summary_path), "%s/summary.md", dir);
    snprintf(env_summary, sizeof(env_summary), "GITHUB_STEP_SUMMARY=%s", summary_path);
    snprintf(reports, sizeof(reports), "%s/reports", dir);
    cf_test_write_file(summary_path, "earlier step\n");
    const char *env[] = {"GITHUB_ACTIONS=true", env_summary, NULL};
    const char *args[] = {"run",   "--quiet",  "--generate",           "none", "--report-dir",
                          reports, "--target", cf_fault_proxy_url(fp), SPEC,   NULL};
    cf_child p;
    cf_child_run(&p, NULL, env, args);
    cr_expect_eq(p.status, 1, "%s", cf_buf_str(&p.err));
    const char *out = cf_buf_str(&p.out);
    size_t n =
        cf_test_count(out, "\n::error file=" SPEC ",line=") + (strncmp(out, "::error", 7) == 0);
    cr_expect_geq(n, 1, "no annotation:\n%s", out);
    cr_expect_lt(n, 10, "failures not grouped:\n%s", out);
    cr_expect_eq(cf_test_count(out, "::error "), n, "an annotation without file and line:\n%s",
                 out);
    char *md = cf_test_slurp(dir, "summary.md");
    cr_assert_not_null(md);
    static const char head[] = "earlier step\n## conform: \xE2\x9D\x8C 84 of 84 cases failed\n";
    cr_expect_eq(strncmp(md, head, strlen(head)), 0, "not appended:\n%s", md);
    cr_expect_not_null(strstr(md, "| content-type | StartAttachmentUpload |"), "%s", md);
    free(md);
    cf_child_cleanup(&p);
    /* Outside Actions: no annotation, nothing appended. */
    const char *env_off[] = {"GITHUB_ACTIONS=false", env_summary, NULL};
    cf_child_run(&p, NULL, env_off, args);
    cr_expect_eq(cf_test_count(cf_buf_str(&p.out), "::error"), 0);
    md = cf_test_slurp(dir, "summary.md");
    cr_expect_eq(cf_test_count(md, "## conform"), 1, "appended outside Actions");
    free(md);
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
    cf_fault_proxy_stop(fp);
}
