/* test_spec.c - the spec loader and linter: bundled specs load, broken ones are rejected with
 * the file, the JSON path and what is wrong. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "cli/target.h"
#include "run/runner.h"
#include "contract/spec.h"
#include "suite/suite.h"

#define SPEC_DIR CONFORM_SOURCE_DIR "/specs/connect-participant/"

static const char *bundled[] = {SPEC_DIR "start-attachment-upload.json",
                                SPEC_DIR "start-attachment-upload.aws.json"};

Test(spec, bundled_specs_load_without_diagnostics, .timeout = 10)
{
    for (size_t i = 0; i < 2; i++) {
        cf_diags d;
        cf_diags_init(&d);
        cf_spec *spec = NULL;
        cf_rc rc = cf_spec_load_file(bundled[i], &spec, &d);
        for (size_t k = 0; k < d.count; k++)
            cr_log_error("%s:%s: %s", d.items[k].file, d.items[k].path, d.items[k].message);
        cr_assert_eq(rc, CF_OK, "%s", bundled[i]);
        cr_assert_gt(spec->case_count, 50);
        cr_assert_str_eq(spec->op.auth_header, "X-Amz-Bearer");
        cr_assert_eq(spec->latency_ms, 2000);
        cr_assert(spec->idem.enabled);
        cr_assert_not_null(cf_spec_var(spec, "bearer"));
        cr_assert(cf_spec_var(spec, "bearer")->secret);
        cr_assert(cf_spec_var(spec, "bearer_alt")->secret);
        cr_assert_eq(cf_spec_code_status(spec, cf_spec_role_code(spec, CF_ROLE_VALIDATION)), 400);
        cr_assert_eq(cf_spec_code_status(spec, cf_spec_role_code(spec, CF_ROLE_AUTH)), 403);
        cr_assert_eq(cf_spec_code_status(spec, cf_spec_role_code(spec, CF_ROLE_QUOTA)), 402);
        cr_assert_eq(cf_spec_code_status(spec, cf_spec_role_code(spec, CF_ROLE_THROTTLE)), 429);
        cr_assert_eq(cf_spec_code_status(spec, cf_spec_role_code(spec, CF_ROLE_INTERNAL)), 500);
        cf_spec_free(spec);
        cf_diags_cleanup(&d);
    }
}

/* A small valid spec that each bad-input case breaks in one place. */
static const char base_spec[] =
    "{\"conform\":1,\"title\":\"t\",\"server\":{\"url\":\"http://h.example/{region}\"},"
    "\"variables\":{\"region\":{\"default\":\"r\"},\"bearer\":{\"default\":\"tok-a\","
    "\"secret\":true}},"
    "\"operation\":{\"name\":\"Op\",\"method\":\"POST\",\"path\":\"/op\","
    "\"headers\":{\"content-type\":\"application/json\",\"X-Amz-Bearer\":\"{bearer}\"},"
    "\"content_types\":[\"application/json\"],"
    "\"auth\":{\"header\":\"X-Amz-Bearer\",\"accept\":[\"bearer\"]},"
    "\"body_schema\":{\"type\":\"object\",\"required\":[\"a\"],\"properties\":{\"a\":{\"type\":"
    "\"string\",\"maxLength\":3}}},\"example\":{\"a\":\"x\",\"t\":\"{$token}\"}},"
    "\"responses\":{\"content_type\":\"application/json\",\"classify\":\"status\","
    "\"success\":{\"status\":200,\"schema\":{\"type\":\"object\"}},"
    "\"error\":{\"schema\":{\"type\":\"object\"},\"code\":{\"header\":\"x-err\"},"
    "\"message\":{\"pointer\":\"/Message\"}}},"
    "\"errors\":{\"codes\":{\"Bad\":400,\"Denied\":403},\"roles\":{\"validation\":\"Bad\","
    "\"auth\":\"Denied\"}},"
    "\"latency_ms\":2000,"
    "\"mock\":{\"success\":{\"body\":{\"Id\":\"{$id}\"}},\"error\":{\"body\":{\"Message\":"
    "\"{$message}\"}}},"
    "\"cases\":[{\"id\":\"ok\",\"request\":{},\"expect\":{\"success\":true}},"
    "{\"id\":\"s\",\"steps\":[{\"name\":\"one\",\"request\":{},\"expect\":{\"success\":true},"
    "\"capture\":{\"id\":\"/Id\"}},{\"name\":\"two\",\"request\":{},\"expect\":{\"success\":true,"
    "\"equal\":{\"/Id\":\"{@id}\"}}}]}]}";

Test(spec, small_valid_spec_loads, .timeout = 5)
{
    cf_diags d;
    cf_diags_init(&d);
    cf_spec *spec = NULL;
    cf_rc rc = cf_spec_load_mem("mem.json", base_spec, strlen(base_spec), &spec, &d);
    for (size_t k = 0; k < d.count; k++)
        cr_log_error("%s: %s", d.items[k].path, d.items[k].message);
    cr_assert_eq(rc, CF_OK);
    cr_assert_eq(spec->case_count, 2);
    cr_assert(spec->cases[1].scenario);
    cr_assert_eq(spec->cases[1].step_count, 2);
    cr_assert_eq(spec->resp.classify, CF_CLASSIFY_STATUS);
    cr_assert_str_eq(spec->resp.code.header, "x-err");
    cf_spec_free(spec);
    cf_diags_cleanup(&d);
}

/* Replaces the first occurrence of `from` in base_spec with `to`. */
static char *mutate(const char *from, const char *to)
{
    const char *at = strstr(base_spec, from);
    cr_assert_not_null(at, "mutation anchor %s not in base spec", from);
    size_t n = strlen(base_spec) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);
    cr_assert_not_null(out);
    size_t pre = (size_t)(at - base_spec);
    memcpy(out, base_spec, pre);
    strcpy(out + pre, to);
    strcat(out, at + strlen(from));
    return out;
}

typedef struct {
    const char *from;
    const char *to;
    const char *path;    /* expected diagnostic path */
    const char *message; /* expected substring */
} bad_case;

static const bad_case bad_cases[] = {
    {"\"conform\":1", "\"conform\":2", "/conform", "unsupported format version"},
    {"\"conform\":1", "\"conform\":\"1\"", "/conform", "must be a number"},
    {"\"title\":\"t\",", "", "/", "missing required member \"title\""},
    {"\"title\":\"t\"", "\"title\":\"t\",\"titel\":1", "/titel", "unknown key \"titel\""},
    {"\"http://h.example/{region}\"", "\"ftp://h\"", "/server/url", "http:// or https://"},
    {"\"method\":\"POST\"", "\"method\":\"PO ST\"", "/operation/method", "not a valid HTTP method"},
    {"\"path\":\"/op\"", "\"path\":\"op\"", "/operation/path", "must start with '/'"},
    {"\"X-Amz-Bearer\":\"{bearer}\"", "\"X-Amz-Bearer\":\"{nobody}\"",
     "/operation/headers/X-Amz-Bearer", "{nobody} is not a variable"},
    {"\"secret\":true", "\"secret\":false", "/operation/auth/accept/0", "must be marked"},
    {"\"maxLength\":3", "\"maxLength\":-3", "/operation/body_schema/properties/a/maxLength", ""},
    {"\"classify\":\"status\"", "\"classify\":\"maybe\"", "/responses/classify",
     "not a classification"},
    {"\"code\":{\"header\":\"x-err\"}", "\"code\":{\"header\":\"x-err\",\"pointer\":\"/c\"}",
     "/responses/error/code", "exactly one"},
    {"\"Bad\":400", "\"Bad\":200", "/errors/codes/Bad", "400..599"},
    {"\"validation\":\"Bad\"", "\"validation\":\"Nope\"", "/errors/roles/validation",
     "not in /errors/codes"},
    {"\"latency_ms\":2000", "\"latency_ms\":0", "/latency_ms", "1..600000"},
    {"\"{$id}\"", "\"{$nope}\"", "/mock/success/body/Id", "not a generator"},
    {"{\"id\":\"ok\",", "{\"id\":\"o k\",", "/cases/0/id", "must be 1..200 characters"},
    {"\"expect\":{\"success\":true}},{", "\"expect\":{}},{", "/cases/0/expect", "say what must"},
    {"\"request\":{},\"expect\":{\"success\":true}},{",
     "\"request\":{\"raw_body\":\"x\",\"no_body\":true},\"expect\":{\"success\":true}},{",
     "/cases/0/request", "at most one"},
    {"\"request\":{},\"expect\":{\"success\":true}},{",
     "\"request\":{\"headers\":{\"a\":\"b\\r\\nc: d\"}},\"expect\":{\"success\":true}},{",
     "/cases/0/request/headers/a", "CR or LF"},
    {"\"equal\":{\"/Id\":\"{@id}\"}", "\"equal\":{\"/Id\":\"{@other}\"}",
     "/cases/1/steps/1/expect/equal/~1Id", "not captured"},
    {"{\"name\":\"two\"", "{\"name\":\"one\"", "/cases/1/steps/1", "used twice"},
    {"\"cases\":[", "\"cases\":[7,", "/cases/0", "must be an object"},
    {"\"expect\":{\"success\":true}},{", "\"expect\":{\"success\":true,\"status\":99}},{",
     "/cases/0/expect/status", "100..599"},
    {"\"title\":\"t\"", "\"title\":\"t\\u0000x\"", "", "\\u0000 (NUL)"},
    {"\"capture\":{\"id\":\"/Id\"}", "\"capture\":{\"id\":\"/~2\"}", "/cases/1/steps/0/capture/id",
     "JSON Pointer"},
    {"\"path\":\"/op\"", "\"path\":\"/o p\"", "/operation/path", "percent-encode"},
    {"\"header\":\"x-err\"", "\"header\":\"\"", "/responses/error/code", "not a valid header name"},
    {"\"title\":\"t\"", "\"title\":\"t\xff\"", "", "not valid UTF-8"},
    {"\"expect\":{\"success\":true}},{", "\"expect\":{\"success\":true,\"check\":\"Bad Id\"}},{",
     "/cases/0/expect/check", "[a-z0-9_.-]"},
};

Test(spec, each_broken_spec_names_path_and_problem, .timeout = 10)
{
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const bad_case *b = &bad_cases[i];
        char *text = mutate(b->from, b->to);
        cf_diags d;
        cf_diags_init(&d);
        cf_spec *spec = NULL;
        cf_rc rc = cf_spec_load_mem("bad.json", text, strlen(text), &spec, &d);
        cr_expect_neq(rc, CF_OK, "case %zu (%s) was accepted", i, b->to);
        cr_expect_null(spec);
        int found = 0;
        for (size_t k = 0; k < d.count; k++) {
            cr_expect_str_eq(d.items[k].file, "bad.json");
            if (strcmp(d.items[k].path, b->path) == 0 && strstr(d.items[k].message, b->message))
                found = 1;
        }
        if (!found)
            for (size_t k = 0; k < d.count; k++)
                cr_log_error("case %zu got %s: %s", i, d.items[k].path, d.items[k].message);
        cr_expect(found, "case %zu: no diagnostic at %s containing \"%s\"", i, b->path, b->message);
        cf_spec_free(spec);
        cf_diags_cleanup(&d);
        free(text);
    }
}

Test(spec, non_json_and_non_object_files_are_rejected, .timeout = 5)
{
    const char *inputs[] = {"", "not json", "{\"conform\":1", "[]", "42", "{\"conform\":1} x"};
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        cf_diags d;
        cf_diags_init(&d);
        cf_spec *spec = NULL;
        cr_expect_neq(cf_spec_load_mem("x.json", inputs[i], strlen(inputs[i]), &spec, &d), CF_OK,
                      "input %zu accepted", i);
        cr_expect_geq(d.count, 1);
        cr_expect_null(spec);
        cf_diags_cleanup(&d);
    }
}

Test(spec, oversized_and_deeply_nested_files_are_rejected, .timeout = 10)
{
    size_t n = 5u * 1024u * 1024u;
    char *big = malloc(n);
    cr_assert_not_null(big);
    memset(big, ' ', n);
    cf_diags d;
    cf_diags_init(&d);
    cf_spec *spec = NULL;
    cr_expect_eq(cf_spec_load_mem("big.json", big, n, &spec, &d), CF_E_TOO_LARGE);
    cr_expect(d.count == 1 && strstr(d.items[0].message, "at most"));
    cf_diags_cleanup(&d);
    size_t depth = 10000;
    for (size_t i = 0; i < depth; i++)
        big[i] = '[';
    cr_expect_neq(cf_spec_load_mem("deep.json", big, depth, &spec, &d), CF_OK);
    cr_expect(d.count == 1 && strstr(d.items[0].message, "nested deeper"));
    cf_diags_cleanup(&d);
    free(big);
}

Test(spec, missing_file_is_an_io_error_naming_the_file, .timeout = 5)
{
    cf_diags d;
    cf_diags_init(&d);
    cf_spec *spec = NULL;
    cr_expect_eq(cf_spec_load_file("/nonexistent/x.json", &spec, &d), CF_E_IO);
    cr_assert_eq(d.count, 1);
    cr_expect_str_eq(d.items[0].file, "/nonexistent/x.json");
    cr_expect(strstr(d.items[0].message, "cannot open") != NULL);
    cf_diags_cleanup(&d);
}

/* The worked example of specs/README.md, cut out of the page. */
static char *readme_example(void)
{
    FILE *f = fopen(CONFORM_SOURCE_DIR "/specs/README.md", "rb");
    cr_assert_not_null(f);
    static char page[65536];
    size_t n = fread(page, 1, sizeof(page) - 1, f);
    fclose(f);
    page[n] = '\0';
    const char *section = strstr(page, "## Worked example");
    cr_assert_not_null(section);
    const char *start = strstr(section, "```json\n");
    cr_assert_not_null(start);
    start += 8;
    const char *end = strstr(start, "```");
    cr_assert_not_null(end);
    char *text = malloc((size_t)(end - start) + 1);
    cr_assert_not_null(text);
    memcpy(text, start, (size_t)(end - start));
    text[end - start] = '\0';
    return text;
}

Test(spec, readme_worked_example_lints_and_passes_against_its_mock, .timeout = 30)
{
    char *text = readme_example();
    cf_diags d;
    cf_diags_init(&d);
    cf_suite *spec = NULL;
    cf_rc rc = cf_suite_load_v1_mem("README.md#worked-example", text, strlen(text), &spec, &d);
    for (size_t k = 0; k < d.count; k++)
        cr_log_error("%s: %s", d.items[k].path, d.items[k].message);
    cr_assert_eq(rc, CF_OK);
    cf_run_opts opts;
    cf_run_opts_init(&opts);
    cf_run_result result = {0};
    char err[512] = "";
    cr_assert_eq(cf_cli_target_run(spec, NULL, NULL, &opts, &result, err, sizeof(err)), CF_OK, "%s",
                 err);
    cr_expect_eq(result.count, 4);
    cr_expect_eq(result.failed, 0);
    for (size_t i = 0; i < result.count; i++)
        for (size_t k = 0; k < result.cases[i].check_count; k++)
            if (!result.cases[i].checks[k].passed)
                cr_log_error("%s %s: expected %s, got %s", result.cases[i].id,
                             result.cases[i].checks[k].id, result.cases[i].checks[k].expected,
                             result.cases[i].checks[k].actual);
    cr_expect_eq(result.passed, 4);
    cf_run_result_cleanup(&result);
    cf_suite_free(spec);
    cf_diags_cleanup(&d);
    free(text);
}
