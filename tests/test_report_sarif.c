/* test_report_sarif.c - report.sarif: one result per failure group with its rule, location
 * and message, and the file valid against the SARIF 2.1.0 JSON schema (ajv, pinned in
 * tests/sarif/package-lock.json). */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli_child.h"
#include "report/report.h"
#include "report_test.h"

#define SPEC CONFORM_SOURCE_DIR "/specs/connect-participant/start-attachment-upload.json"
#define SARIF_SRC CONFORM_SOURCE_DIR "/tests/sarif"
#define SARIF_DIR CONFORM_BINARY_DIR "/sarif"
#define NODE "/usr/bin/node"

/* Three failed cases of the bundled spec (two with one cause), one passed. */
static void sample(cf_run_result *r, const char *spec)
{
    memset(r, 0, sizeof(*r));
    r->target = cf_test_dup("https://api.test");
    cf_case_result *c = cf_test_add_case(r, spec, "T", "positive.example", NULL, 1, 0, 1.0);
    c->operation = cf_test_dup("StartAttachmentUpload");
    cf_test_add_check(c, "status.success", 0, "positive.example", "HTTP 200",
                      "HTTP 500 \"<x>\"\n\x01\xC0");
    cf_test_add_exchange(c, "positive.example", "POST /", "HTTP 500", "curl x", 500, 1.0)
        ->error_code = cf_test_dup("INTERNAL_ERROR");
    c = cf_test_add_case(r, spec, "T", "positive.second-caller", NULL, 1, 0, 1.0);
    c->operation = cf_test_dup("StartAttachmentUpload");
    cf_test_add_check(c, "status.success", 0, "positive.second-caller", "HTTP 200", "HTTP 500");
    cf_test_add_exchange(c, "positive.second-caller", "POST /", "HTTP 500", "curl x", 500, 1.0)
        ->error_code = cf_test_dup("INTERNAL_ERROR");
    c = cf_test_add_case(r, spec, "T", "ContentType.empty#2", NULL, 1, 0, 1.0);
    c->operation = cf_test_dup("StartAttachmentUpload");
    cf_test_add_check(c, "envelope.shape", 1, "s", NULL, NULL);
    cf_test_add_check(c, "expect.code", 0, "s", "VALIDATION", "NONE");
    cf_test_add_exchange(c, "s", "POST /", "HTTP 400", "curl x", 400, 1.0);
    c = cf_test_add_case(r, spec, "T", "ok", NULL, 1, 1, 1.0);
    cf_test_add_check(c, "status.success", 1, "s", NULL, NULL);
}

static cJSON *render(const cf_run_result *r)
{
    cf_buf b;
    cf_buf_init(&b, CF_REPORT_MAX);
    cr_assert_eq(cf_report_sarif(r, &b), CF_OK);
    cJSON *root = cJSON_ParseWithLength(cf_buf_str(&b), b.len);
    cr_assert_not_null(root, "not JSON:\n%s", cf_buf_str(&b));
    cf_buf_free(&b);
    return root;
}

static const cJSON *at(const cJSON *o, const char *path)
{
    /* "a.b.0.c": members and array indices */
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *save = NULL, *k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save))
        o = cJSON_IsArray(o) ? cJSON_GetArrayItem(o, atoi(k))
                             : cJSON_GetObjectItemCaseSensitive(o, k);
    cr_assert_not_null(o, "no %s", path);
    return o;
}

/* The oracle for a case's line: where `"id": "ID"` sits in the file. */
static int line_of(const char *path, const char *id)
{
    char *text = cf_test_read_file(path, NULL);
    cr_assert_not_null(text);
    char needle[128];
    snprintf(needle, sizeof(needle), "\"id\": \"%s\"", id);
    const char *hit = strstr(text, needle);
    cr_assert_not_null(hit, "%s not in %s", needle, path);
    int line = 1;
    for (const char *p = text; p < hit; p++)
        line += *p == '\n';
    free(text);
    return line;
}

Test(report_sarif, one_result_per_failure_group_with_rule_location_and_message, .timeout = 30)
{
    cf_run_result r;
    sample(&r, SPEC);
    cJSON *root = render(&r);
    cr_expect_str_eq(at(root, "version")->valuestring, "2.1.0");
    const cJSON *run = at(root, "runs.0");
    cr_expect_str_eq(at(run, "tool.driver.name")->valuestring, "conform");
    const cJSON *results = at(run, "results");
    cr_assert_eq(cJSON_GetArraySize(results), 2, "two causes");
    const cJSON *rules = at(run, "tool.driver.rules");
    cr_assert_eq(cJSON_GetArraySize(rules), 2);
    static const char *const ids[] = {"status.success", "expect.code"};
    static const char *const first[] = {"positive.example", "ContentType.empty"};
    for (int i = 0; i < 2; i++) {
        const cJSON *res = cJSON_GetArrayItem(results, i);
        cr_expect_str_eq(at(res, "ruleId")->valuestring, ids[i]);
        int index = at(res, "ruleIndex")->valueint;
        const cJSON *rule = cJSON_GetArrayItem(rules, index);
        cr_expect_str_eq(at(rule, "id")->valuestring, ids[i]);
        cr_expect_gt(strlen(at(rule, "shortDescription.text")->valuestring), 10);
        cr_expect_str_eq(at(res, "locations.0.physicalLocation.artifactLocation.uri")->valuestring,
                         "file://" SPEC, "an absolute path becomes a file URI");
        cr_expect_eq(at(res, "locations.0.physicalLocation.region.startLine")->valueint,
                     line_of(SPEC, first[i]), "line of %s", first[i]);
    }
    const char *msg = at(results, "0.message.text")->valuestring;
    cr_expect_not_null(strstr(msg, "expected HTTP 200, got HTTP 500"), "%s", msg);
    cr_expect_not_null(strstr(msg, "2 cases: positive.example, positive.second-caller"), "%s", msg);
    cr_expect_not_null(strstr(msg, "INTERNAL_ERROR"), "%s", msg);
    cr_expect_not_null(strstr(msg, "\xEF\xBF\xBD"), "invalid UTF-8 replaced: %s", msg);
    cr_expect_eq(cJSON_GetArraySize(at(results, "0.properties.cases")), 2);
    cJSON_Delete(root);
    cf_run_result_cleanup(&r);
}

Test(report_sarif, relative_paths_stay_relative_and_odd_bytes_are_percent_encoded, .timeout = 30)
{
    cf_run_result r;
    sample(&r, "./specs/dir with space/a%b#c.json");
    cJSON *root = render(&r);
    const cJSON *loc = at(root, "runs.0.results.0.locations.0.physicalLocation");
    cr_expect_str_eq(at(loc, "artifactLocation.uri")->valuestring,
                     "specs/dir%20with%20space/a%25b%23c.json");
    cr_expect_null(cJSON_GetObjectItemCaseSensitive(loc, "region"), "a line of a missing file");
    cJSON_Delete(root);
    cf_run_result_cleanup(&r);
}

Test(report_sarif, a_run_without_failures_has_no_results, .timeout = 30)
{
    cf_run_result r = {0};
    cf_case_result *c = cf_test_add_case(&r, SPEC, "T", "ok", NULL, 1, 1, 1.0);
    cf_test_add_check(c, "status.success", 1, "s", NULL, NULL);
    cJSON *root = render(&r);
    cr_expect_eq(cJSON_GetArraySize(at(root, "runs.0.results")), 0);
    cr_expect(cJSON_IsTrue(at(root, "runs.0.invocations.0.executionSuccessful")));
    cJSON_Delete(root);
    cf_run_result_cleanup(&r);
}

static void copy(const char *name)
{
    char from[512], to[512];
    snprintf(from, sizeof(from), "%s/%s", SARIF_SRC, name);
    snprintf(to, sizeof(to), "%s/%s", SARIF_DIR, name);
    char *text = cf_test_read_file(from, NULL);
    cr_assert_not_null(text, "cannot read %s", from);
    cf_test_write_file(to, text);
    free(text);
}

/* Installs the pinned validator into the build tree once (npm ci: exactly the lock file). */
static void prepare_validator(void)
{
    mkdir(SARIF_DIR, 0755);
    copy("package.json");
    copy("package-lock.json");
    copy("validate.js");
    struct stat st;
    if (stat(SARIF_DIR "/node_modules/@microsoft/jest-sarif", &st) == 0)
        return;
    const char *args[] = {"ci", "--no-audit", "--no-fund", NULL};
    cf_child p;
    cf_child_spawn(&p, "npm", SARIF_DIR, NULL, args);
    cf_child_finish_within(&p, 240000);
    cr_assert_eq(p.status, 0, "npm ci of the SARIF validator failed (network?):\n%s%s",
                 cf_buf_str(&p.out), cf_buf_str(&p.err));
    cf_child_cleanup(&p);
}

/* node validate.js FILE...: its exit status, its words in the test log. */
static int validate(const char *const *files)
{
    const char *args[8] = {SARIF_DIR "/validate.js"};
    size_t n = 1;
    for (; *files && n < 7; files++)
        args[n++] = *files;
    args[n] = NULL;
    cf_child p;
    cf_child_spawn(&p, NODE, NULL, NULL, args);
    cf_child_finish(&p);
    cr_log_info("%s%s", cf_buf_str(&p.out), cf_buf_str(&p.err));
    int status = p.status;
    cf_child_cleanup(&p);
    return status;
}

Test(report_sarif, validates_against_the_sarif_2_1_0_schema, .timeout = 300)
{
    if (access(NODE, X_OK) != 0)
        cr_skip_test("%s is not installed", NODE);
    prepare_validator();
    char dir[64], err[512] = "";
    cf_test_tmpdir(dir, sizeof(dir));
    cf_run_result r;
    sample(&r, SPEC);
    r.unreachable = 1;
    cr_assert_eq(cf_report_write_all(&r, dir, err, sizeof(err)), CF_OK, "%s", err);
    cf_run_result_cleanup(&r);
    /* An empty run too, and a file the validator must reject (so the check can fail). */
    char sub[128];
    snprintf(sub, sizeof(sub), "%s/empty", dir);
    cf_run_result empty = {0};
    cr_assert_eq(cf_report_write_all(&empty, sub, err, sizeof(err)), CF_OK, "%s", err);
    char full[160], empty_sarif[160], bad[160];
    snprintf(full, sizeof(full), "%s/report.sarif", dir);
    snprintf(empty_sarif, sizeof(empty_sarif), "%s/report.sarif", sub);
    const char *good[] = {full, empty_sarif, NULL};
    cr_expect_eq(validate(good), 0, "report.sarif is not valid SARIF 2.1.0 (see the log)");
    /* A level SARIF does not know must be refused: the validation can fail. */
    char *text = cf_test_read_file(full, NULL);
    cr_assert_not_null(text);
    char *level = strstr(text, "\"level\":\t\"error\"");
    cr_assert_not_null(level);
    memcpy(level + strlen("\"level\":\t\""), "fatal", 5);
    snprintf(bad, sizeof(bad), "%s/bad.sarif", dir);
    cf_test_write_file(bad, text);
    free(text);
    const char *invalid[] = {bad, NULL};
    cr_expect_eq(validate(invalid), 1, "the validator accepted an invalid level");
    cf_test_remove_tree(dir);
}
