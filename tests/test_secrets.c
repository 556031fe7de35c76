/* test_secrets.c - secret values never reach an artifact: the bundled specs run with
 * non-default credentials (from --var and CONFORM_VAR_*) against the embedded mock and against a
 * server that echoes the caller's token, and every console line, report file (report.json,
 * junit.xml, report.html, report.sarif) and GitHub annotation is searched for the secrets and
 * for upload URL signatures. */
#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/buf.h"
#include "cli_child.h"
#include "fault_proxy.h"
#include "http_server.h"
#include "base/json.h"
#include "report/report.h"
#include "check/result.h"
#include "cli/target.h"
#include "run/runner.h"
#include "suite/suite.h"

#define CONFORM_BIN CF_TEST_CONFORM
#define SPEC_DIR CONFORM_SOURCE_DIR "/specs/connect-participant"
#define ENVELOPE_SPEC SPEC_DIR "/start-attachment-upload.json"
#define AWS_SPEC SPEC_DIR "/start-attachment-upload.aws.json"

/* Non-default credentials: the mock accepts exactly these when they are given. */
#define SECRET_A "SeCrEt-bearer-A-7f9c2e1d4b6a8c0e"
#define SECRET_B "SeCrEt-bearer-B-0a8e6f3c5d7b9e1f"

/* ---- what may not appear ------------------------------------------------------------------ */

/* Counts "X-Amz-Signature=" occurrences (either case) and fails on any whose value is not a
 * redaction mark. */
static size_t assert_signatures_redacted(const char *what, const char *text)
{
    static const char *const names[] = {"X-Amz-Signature=", "x-amz-signature="};
    static const char *const masks[] = {"<redacted>", "&lt;redacted&gt;", "\\u003credacted"};
    size_t seen = 0;
    for (size_t n = 0; n < 2; n++)
        for (const char *p = strstr(text, names[n]); p; p = strstr(p + 1, names[n])) {
            const char *v = p + strlen(names[n]);
            int masked = 0;
            for (size_t m = 0; m < 3 && !masked; m++)
                masked = strncmp(v, masks[m], strlen(masks[m])) == 0;
            /* An empty value (the parameter name alone, e.g. in a message) leaks nothing. */
            masked |= *v == '&' || *v == '"' || *v == '\'' || *v == ' ' || *v == '\0';
            cr_assert(masked, "%s: a signature leaks: %.80s", what, p);
            seen++;
        }
    return seen;
}

static void assert_no_secret(const char *what, const char *text)
{
    cr_assert_null(strstr(text, SECRET_A), "%s holds the first caller's secret", what);
    cr_assert_null(strstr(text, SECRET_B), "%s holds the second caller's secret", what);
    /* A credential the server does not know is still a credential (auth.unknown cases). */
    cr_assert_null(strstr(text, "conform-unknown-"), "%s holds an unknown credential", what);
    cr_assert_null(strstr(text, "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"),
                   "%s holds a 1000-character credential", what);
    assert_signatures_redacted(what, text);
}

typedef struct {
    size_t signatures; /* redacted signatures seen in all artifacts */
    int masked_secret; /* a "<redacted:bearer...>" mark was seen */
    int env_refs;      /* a curl line with ${CONFORM_VAR_BEARER...} was seen */
} scan;

/* Checks every artifact of a CLI run: stdout, stderr and every report file. */
static void scan_cli_run(const cf_child *p, const char *dir, scan *s)
{
    assert_no_secret("stdout", p->out.ptr);
    assert_no_secret("stderr", p->err.ptr);
    const char *files[] = {"report.json", "junit.xml", "report.html", "report.sarif"};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char *text = cf_test_slurp(dir, files[i]);
        cr_assert_not_null(text, "no %s", files[i]);
        assert_no_secret(files[i], text);
        s->signatures += assert_signatures_redacted(files[i], text);
        s->masked_secret |=
            strstr(text, "<redacted:bearer") != NULL || strstr(text, "&lt;redacted:bearer") != NULL;
        s->env_refs |= strstr(text, "${CONFORM_VAR_BEARER") != NULL;
        free(text);
    }
    s->signatures += assert_signatures_redacted("stdout", p->out.ptr);
}

static int report_has_failed(const char *dir, const char *check)
{
    cJSON *report = cf_test_load_report(dir);
    int found = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(report, "cases"))
    {
        const cJSON *k;
        cJSON_ArrayForEach(k, cJSON_GetObjectItemCaseSensitive(c, "checks"))
        {
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(k, "id");
            found |= cJSON_IsString(id) && strcmp(id->valuestring, check) == 0 &&
                     cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(k, "passed"));
        }
    }
    cJSON_Delete(report);
    return found;
}

/* ---- the CLI ------------------------------------------------------------------------------ */

Test(secrets, embedded_mock_run_with_secrets_from_flag_and_env_leaks_none, .timeout = 60)
{
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    const char *env[] = {"CONFORM_VAR_BEARER_ALT=" SECRET_B, NULL};
    const char *args[] = {"run",       "--target", "mock", "--var",        "bearer=" SECRET_A,
                          "--verbose", "--jobs",   "16",   "--report-dir", dir,
                          SPEC_DIR,    NULL};
    cf_child p;
    cf_child_run(&p, NULL, env, args);
    /* Exit 0 proves both secrets were used: the mock accepts no other credential. */
    cr_assert_eq(p.status, 0, "exit %d\n%s\n%s", p.status, p.out.ptr, p.err.ptr);
    scan s = {0, 0, 0};
    scan_cli_run(&p, dir, &s);
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
}

Test(secrets, echoing_server_fails_secrets_echoed_and_every_artifact_stays_clean, .timeout = 60)
{
    static const char *const vars[] = {"bearer=" SECRET_A, "bearer_alt=" SECRET_B};
    const char *specs[] = {ENVELOPE_SPEC, AWS_SPEC};
    for (size_t i = 0; i < 2; i++) {
        char err[256] = "";
        cf_fault_proxy_opts po = {specs[i], "echo-token", vars, 2};
        cf_fault_proxy *fp = cf_fault_proxy_start(&po, err, sizeof(err));
        cr_assert_not_null(fp, "%s", err);
        char dir[64];
        cf_test_tmpdir(dir, sizeof(dir));
        const char *env[] = {"CONFORM_VAR_BEARER=" SECRET_A, NULL};
        const char *args[] = {"run",
                              "--target",
                              cf_fault_proxy_url(fp),
                              "--var",
                              "bearer_alt=" SECRET_B,
                              "--report-dir",
                              dir,
                              specs[i],
                              NULL};
        cf_child p;
        cf_child_run(&p, NULL, env, args);
        cr_assert_eq(p.status, 1, "exit %d\n%s\n%s", p.status, p.out.ptr, p.err.ptr);
        cr_assert(report_has_failed(dir, "secrets.echoed"), "secrets.echoed held: %s", p.out.ptr);
        cr_assert_gt(cf_fault_proxy_applied(fp), 0);
        scan s = {0, 0, 0};
        scan_cli_run(&p, dir, &s);
        /* The artifacts did carry echoed secrets and upload URLs: all masked. */
        cr_assert(s.masked_secret, "no masked secret in the reports of %s", specs[i]);
        cr_assert_gt(s.signatures, 0, "no upload URL in the reports of %s", specs[i]);
        cr_assert(s.env_refs, "no curl line refers to ${CONFORM_VAR_BEARER}");
        cf_child_cleanup(&p);
        cf_test_remove_tree(dir);
        cf_fault_proxy_stop(fp);
    }
}

/* ---- in process: every string of the results, and the rendered reports ------------------- */

static void scan_strings(const cf_run_result *r)
{
    for (size_t i = 0; i < r->count; i++) {
        const cf_case_result *c = &r->cases[i];
        for (size_t k = 0; k < c->check_count; k++) {
            if (c->checks[k].expected)
                assert_no_secret("a check's expectation", c->checks[k].expected);
            if (c->checks[k].actual)
                assert_no_secret(c->checks[k].id, c->checks[k].actual);
        }
        for (size_t k = 0; k < c->exchange_count; k++) {
            assert_no_secret("a recorded request", c->exchanges[k].request);
            assert_no_secret("a recorded response", c->exchanges[k].response);
            assert_no_secret("a curl line", c->exchanges[k].curl);
            if (c->exchanges[k].error_code)
                assert_no_secret("an error code", c->exchanges[k].error_code);
            if (c->exchanges[k].covered)
                assert_no_secret("coverage items", c->exchanges[k].covered);
        }
    }
}

Test(secrets, in_process_results_and_rendered_reports_hold_no_secret, .timeout = 60)
{
    static const char *const vars[] = {"bearer=" SECRET_A, "bearer_alt=" SECRET_B};
    const char *specs[] = {ENVELOPE_SPEC, AWS_SPEC};
    cf_run_result result;
    memset(&result, 0, sizeof(result));
    for (size_t i = 0; i < 2; i++) {
        char err[512] = "";
        cf_fault_proxy_opts po = {specs[i], "echo-token", vars, 2};
        cf_fault_proxy *fp = cf_fault_proxy_start(&po, err, sizeof(err));
        cr_assert_not_null(fp, "%s", err);
        cf_suite *spec = NULL;
        cf_diags d;
        cf_diags_init(&d);
        cr_assert_eq(cf_suite_load_file(specs[i], &spec, &d), CF_OK);
        cf_diags_cleanup(&d);
        cf_run_opts o;
        cf_run_opts_init(&o);
        o.transport.jobs = 16;
        cf_vars_sources src = {vars, 2, NULL, 0};
        cr_assert_eq(
            cf_cli_target_run(spec, cf_fault_proxy_url(fp), &src, &o, &result, err, sizeof(err)),
            CF_OK, "%s", err);
        cf_suite_free(spec);
        cf_fault_proxy_stop(fp);
    }
    cr_assert_eq(result.count, 168);
    cr_assert_gt(result.failed, 0);
    scan_strings(&result);
    cf_buf json, junit;
    cf_buf_init(&json, CF_REPORT_MAX);
    cf_buf_init(&junit, CF_REPORT_MAX);
    cr_assert_eq(cf_report_json(&result, &json), CF_OK);
    cr_assert_eq(cf_report_junit(&result, &junit), CF_OK);
    assert_no_secret("report.json", cf_buf_str(&json));
    assert_no_secret("junit.xml", cf_buf_str(&junit));
    cr_assert_not_null(strstr(cf_buf_str(&json), "secrets.echoed"));
    char *console = NULL;
    size_t console_len = 0;
    FILE *f = open_memstream(&console, &console_len);
    cr_assert_not_null(f);
    cf_report_console(&result, f, 0, 1);
    fclose(f);
    assert_no_secret("the console", console);
    cr_assert_not_null(strstr(console, "secrets.echoed"));
    free(console);
    cf_buf_free(&json);
    cf_buf_free(&junit);
    /* The other writers, and coverage items next to the results. */
    static cf_rc (*const writers[])(const cf_run_result *, cf_buf *) = {
        cf_report_html, cf_report_sarif, cf_report_github_annotations, cf_report_github_summary};
    static const char *const names[] = {"report.html", "report.sarif", "annotations",
                                        "step summary"};
    for (size_t i = 0; i < sizeof(writers) / sizeof(writers[0]); i++) {
        cf_buf b;
        cf_buf_init(&b, CF_REPORT_MAX);
        cr_assert_eq(writers[i](&result, &b), CF_OK, "%s", names[i]);
        assert_no_secret(names[i], cf_buf_str(&b));
        if (i == 0) /* the page lists every case's failed checks */
            cr_assert_not_null(strstr(cf_buf_str(&b), "secrets.echoed"), "%s", names[i]);
        cf_buf_free(&b);
    }
    cf_run_result_cleanup(&result);
}

/* Every string a run produced, for a search. */
static void scan_prefix(const cf_run_result *r, const char *prefix, size_t offset)
{
    cf_buf all;
    cf_buf_init(&all, CF_REPORT_MAX);
    for (size_t i = 0; i < r->count; i++) {
        const cf_case_result *c = &r->cases[i];
        for (size_t k = 0; k < c->check_count; k++)
            cr_assert_eq(cf_buf_addf(&all, "%s\n%s\n",
                                     c->checks[k].expected ? c->checks[k].expected : "",
                                     c->checks[k].actual ? c->checks[k].actual : ""),
                         CF_OK);
        for (size_t k = 0; k < c->exchange_count; k++)
            cr_assert_eq(cf_buf_addf(&all, "%s\n%s\n%s\n", c->exchanges[k].request,
                                     c->exchanges[k].response, c->exchanges[k].curl),
                         CF_OK);
    }
    cr_assert_eq(cf_report_json(r, &all), CF_OK);
    cr_assert_eq(cf_report_junit(r, &all), CF_OK);
    cr_assert_eq(cf_report_html(r, &all), CF_OK);
    cr_assert_eq(cf_report_sarif(r, &all), CF_OK);
    cr_assert_eq(cf_report_github_annotations(r, &all), CF_OK);
    cr_assert_null(strstr(cf_buf_str(&all), prefix),
                   "a secret at body offset %zu leaks as a prefix: ...%.60s", offset,
                   strstr(cf_buf_str(&all), prefix));
    cf_buf_free(&all);
}

/* Runs positive.example of `spec` against a server answering `body`; no prefix of a secret
 * may reach any string of the run. */
static void assert_body_leaks_no_prefix(const cf_suite *spec, const char *body, size_t offset)
{
    static const char *const vars[] = {"bearer=" SECRET_A, "bearer_alt=" SECRET_B};
    cf_test_server_opts so = {.body = body};
    cf_test_server *srv = cf_test_server_start(&so);
    cr_assert_not_null(srv);
    char url[64];
    cf_test_server_url(srv, NULL, url, sizeof(url));
    cf_run_opts o;
    cf_run_opts_init(&o);
    o.filter = "positive.example";
    cf_run_result result;
    memset(&result, 0, sizeof(result));
    char err[512] = "";
    cf_vars_sources src = {vars, 2, NULL, 0};
    cr_assert_eq(cf_cli_target_run(spec, url, &src, &o, &result, err, sizeof(err)), CF_OK, "%s",
                 err);
    cr_assert_eq(result.failed, 1, "the answer with a secret at %zu passed", offset);
    scan_prefix(&result, "SeCrEt-b", offset);
    cf_run_result_cleanup(&result);
    cf_test_server_stop(srv);
}

Test(secrets, secret_cut_by_an_excerpt_or_record_limit_leaks_no_prefix, .timeout = 60)
{
    /* Bodies are shortened for messages (about 150 bytes) and records (2048 bytes), and schema
     * messages quote at most 64 bytes of a value; a secret straddling any of these cuts must
     * not survive as a prefix the redactor cannot recognise. */
    static const size_t offsets[] = {0, 120, 140, 145, 150, 155, 2000, 2030, 2040, 2045};
    static const size_t quoted[] = {0, 40, 50, 55, 60};
    cf_suite *spec = NULL;
    cf_diags d;
    cf_diags_init(&d);
    cr_assert_eq(cf_suite_load_file(ENVELOPE_SPEC, &spec, &d), CF_OK);
    cf_diags_cleanup(&d);
    for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
        for (int json = 0; json <= 1; json++) {
            cf_buf body;
            cf_buf_init(&body, 1u << 20);
            size_t pad = offsets[i];
            if (json) {
                cr_assert_eq(cf_buf_adds(&body, "{\"m\":\""), CF_OK);
                pad = pad > 6 ? pad - 6 : 0;
            }
            for (size_t k = 0; k < pad; k++)
                cr_assert_eq(cf_buf_addc(&body, 'x'), CF_OK);
            cr_assert_eq(cf_buf_adds(&body, SECRET_A), CF_OK);
            for (size_t k = 0; k < 3000; k++)
                cr_assert_eq(cf_buf_addc(&body, 'y'), CF_OK);
            if (json)
                cr_assert_eq(cf_buf_adds(&body, "\"}"), CF_OK);
            assert_body_leaks_no_prefix(spec, cf_buf_str(&body), offsets[i]);
            cf_buf_free(&body);
        }
    }
    for (size_t i = 0; i < sizeof(quoted) / sizeof(quoted[0]); i++) {
        char body[512];
        snprintf(body, sizeof(body),
                 "{\"success\":true,\"data\":{\"id\":\"a\",\"created_at\":\"%.*s%s\"}}",
                 (int)quoted[i], "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
                 SECRET_A);
        assert_body_leaks_no_prefix(spec, body, quoted[i]);
    }
    cf_suite_free(spec);
}
