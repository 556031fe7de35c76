/* test_coverage.c - spec coverage: the items of a contract, the ones a response exercised, the
 * figures per operation, and a real suite whose gaps are known. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check/coverage.h"
#include "cli_child.h"
#include "report/report.h"
#include "report_test.h"

#define SPEC CONFORM_SOURCE_DIR "/specs/connect-participant/start-attachment-upload.json"

/* A contract by hand: success 201 with an optional enum member, an optional member that is
 * either a string or an object (oneOf), and an array of items with an optional member; two
 * error codes on one status and one on another. */
static const char success_schema[] =
    "{\"type\":\"object\",\"required\":[\"id\"],\"properties\":{"
    "\"id\":{\"type\":\"string\"},"
    "\"state\":{\"type\":\"string\",\"enum\":[\"open\",\"closed\"]},"
    "\"owner\":{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"object\",\"required\":[\"name\"],"
    "\"properties\":{\"name\":{\"type\":\"string\"},\"mail\":{\"type\":\"string\"}}}]},"
    "\"parts\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
    "\"a/b~c\":{\"type\":\"integer\"}}}}}}";
static const char error_schema[] =
    "{\"type\":\"object\",\"required\":[\"code\"],\"properties\":{\"code\":{\"type\":\"string\"},"
    "\"retry\":{\"type\":\"boolean\"}}}";

/* One operation by hand: 201 with the success schema, `default` with the error schema. */
typedef struct {
    cf_api api;
    cf_api_operation op;
    cf_api_response responses[2];
    cf_api_media media[2];
    cf_api_error codes[3];
    cf_suite suite; /* what a run's coverage is prepared from: the api and one case */
    cf_case one;
    cJSON *ok, *bad;
} contract;

static void contract_init(contract *k)
{
    memset(k, 0, sizeof(*k));
    k->ok = cJSON_Parse(success_schema);
    k->bad = cJSON_Parse(error_schema);
    cr_assert(k->ok && k->bad);
    k->codes[0] = (cf_api_error){"Invalid", 400, CF_API_ROLE_VALIDATION, {NULL, NULL}, 0};
    k->codes[1] = (cf_api_error){"Missing", 400, CF_API_ROLE_VALIDATION, {NULL, NULL}, 0};
    k->codes[2] = (cf_api_error){"Busy", 429, CF_API_ROLE_THROTTLE, {NULL, NULL}, 0};
    k->media[0] = (cf_api_media){"application/json", {k->ok, NULL}, NULL, NULL};
    k->media[1] = (cf_api_media){"application/json", {k->bad, NULL}, NULL, NULL};
    k->responses[0] = (cf_api_response){CF_API_STATUS_EXACT, 201, NULL, &k->media[0], 1, NULL, 0,
                                        CF_API_ROLE_NONE,    NULL};
    k->responses[1] = (cf_api_response){CF_API_STATUS_DEFAULT, 0,   NULL, &k->media[1], 1, NULL, 0,
                                        CF_API_ROLE_NONE,      NULL};
    k->op.id = "Create";
    k->op.method = "POST";
    k->op.path = "/things";
    k->op.responses = k->responses;
    k->op.response_count = 2;
    k->api.file = "by-hand.json";
    k->api.operations = &k->op;
    k->api.operation_count = 1;
    k->api.errors = k->codes;
    k->api.error_count = 3;
    k->suite.file = "by-hand.json";
    k->suite.api = &k->api;
    k->suite.cases = &k->one;
    k->suite.case_count = 1;
}

static void contract_cleanup(contract *k)
{
    cJSON_Delete(k->ok);
    cJSON_Delete(k->bad);
}

static const char *const all_items =
    "status 201\nstatus 400\nstatus 429\ncode Invalid\ncode Missing\ncode Busy\n"
    "success #/state present\nsuccess #/state absent\n"
    "success #/state = \"open\"\nsuccess #/state = \"closed\"\n"
    "success #/owner present\nsuccess #/owner absent\n"
    "success #/owner oneOf[0]\nsuccess #/owner oneOf[1]\n"
    "success #/owner/mail present\nsuccess #/owner/mail absent\n"
    "success #/parts present\nsuccess #/parts absent\n"
    "success #/parts/*/a~1b~0c present\nsuccess #/parts/*/a~1b~0c absent\n"
    "error #/retry present\nerror #/retry absent\n";

Test(coverage, items_are_statuses_codes_enum_members_branches_and_optional_members, .timeout = 10)
{
    contract k;
    contract_init(&k);
    cf_buf b;
    cf_buf_init(&b, CF_COVERAGE_MAX);
    cr_assert_eq(cf_coverage_items(&k.api, &k.op, &b), CF_OK);
    cr_expect_str_eq(cf_buf_str(&b), all_items);
    cf_buf_free(&b);
    contract_cleanup(&k);
}

/* The items one response with this status, envelope and body exercised. */
static char *observe(const contract *k, long status, cf_envelope env, const char *code,
                     const char *body)
{
    cf_response resp;
    memset(&resp, 0, sizeof(resp));
    resp.status = status;
    resp.envelope = env;
    resp.error_code = code;
    resp.json = body ? cJSON_Parse(body) : NULL;
    cf_buf b;
    cf_buf_init(&b, CF_COVERAGE_MAX);
    cr_assert_eq(cf_coverage_observe(&k->api, &k->op, &resp, &b), CF_OK);
    cJSON_Delete(resp.json);
    char *s = cf_buf_take(&b);
    return s ? s : cf_test_dup("");
}

Test(coverage, a_response_exercises_what_it_carries_and_what_it_leaves_out, .timeout = 10)
{
    contract k;
    contract_init(&k);
    char *a = observe(&k, 201, CF_ENVELOPE_SUCCESS, NULL,
                      "{\"id\":\"1\",\"state\":\"closed\",\"owner\":{\"name\":\"n\"},"
                      "\"parts\":[{\"a/b~c\":1},{},{\"a/b~c\":2}]}");
    cr_expect_str_eq(a, "status 201\nsuccess #/state present\nsuccess #/state = \"closed\"\n"
                        "success #/owner present\nsuccess #/owner oneOf[1]\n"
                        "success #/owner/mail absent\nsuccess #/parts present\n"
                        "success #/parts/*/a~1b~0c present\nsuccess #/parts/*/a~1b~0c absent\n");
    char *b = observe(&k, 201, CF_ENVELOPE_SUCCESS, NULL, "{\"id\":\"1\",\"owner\":\"x\"}");
    cr_expect_str_eq(b, "status 201\nsuccess #/state absent\nsuccess #/owner present\n"
                        "success #/owner oneOf[0]\nsuccess #/parts absent\n");
    char *c = observe(&k, 429, CF_ENVELOPE_ERROR, "Busy", "{\"code\":\"Busy\",\"retry\":true}");
    cr_expect_str_eq(c, "status 429\ncode Busy\nerror #/retry present\n");
    char *d = observe(&k, 502, CF_ENVELOPE_NEITHER, NULL, "<html>");
    cr_expect_str_eq(d, "", "an undocumented status and a body of neither shape count nothing");
    char *e = observe(&k, 0, CF_ENVELOPE_NEITHER, NULL, NULL);
    cr_expect_str_eq(e, "");
    free(a);
    free(b);
    free(c);
    free(d);
    free(e);
    contract_cleanup(&k);
}

Test(coverage, figures_per_operation_count_each_item_once_across_cases, .timeout = 10)
{
    contract k;
    contract_init(&k);
    cf_run_result r = {0};
    for (int i = 0; i < 3; i++) {
        cf_case_result *c = cf_test_add_case(&r, "by-hand.json", "T", "c", NULL, 1, 1, 1.0);
        cf_exchange_record *e = cf_test_add_exchange(c, "s", "req", "resp", "curl", 201, 1.0);
        e->covered = cf_test_dup(i == 2 ? "code Busy\nstatus 429\n" : "status 201\n");
    }
    cf_test_add_case(&r, "other.json", "T", "elsewhere", NULL, 1, 1, 1.0);
    cf_test_add_exchange(&r.cases[3], "s", "q", "a", "c", 201, 1.0)->covered =
        cf_test_dup("status 400\n");
    const cf_suite *specs[] = {&k.suite};
    cr_assert_eq(cf_coverage_compute(specs, 1, &r), CF_OK);
    cr_assert_eq(r.coverage_count, 1);
    size_t hit = 0, total = 0;
    double p = cf_report_coverage_percent(&r, &hit, &total);
    cr_expect_eq(hit, 3, "status 201, status 429, code Busy; not another spec's status 400");
    cr_expect_eq(total, 22);
    cr_expect_float_eq(p, 300.0 / 22.0, 1e-9);
    cr_expect_str_eq(r.coverage[0].operation, "Create");
    /* Computing again replaces the figures. */
    cr_assert_eq(cf_coverage_compute(specs, 1, &r), CF_OK);
    cr_expect_eq(r.coverage_count, 1);
    cf_run_result_cleanup(&r);
    cf_run_result empty = {0};
    cr_expect_float_eq(cf_report_coverage_percent(&empty, NULL, NULL), 100.0, 1e-9);
    contract_cleanup(&k);
}

/* A node's items are listed where it first appears on a path, and not again under its own
 * recursion (the items of "kids" would repeat the root forever). */
Test(coverage, refs_and_allof_are_followed_and_a_recursive_schema_listed_once, .timeout = 10)
{
    contract k;
    contract_init(&k);
    cJSON_Delete(k.ok);
    k.ok = cJSON_Parse("{\"$defs\":{\"node\":{\"type\":\"object\",\"properties\":{"
                       "\"kind\":{\"enum\":[\"leaf\",\"tree\"]},"
                       "\"kids\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/node\"}}}}},"
                       "\"allOf\":[{\"$ref\":\"#/$defs/node\"},{\"properties\":{\"note\":"
                       "{\"oneOf\":[{\"$ref\":\"#/$defs/node\"},{\"type\":\"string\"}]}}}]}");
    cr_assert_not_null(k.ok);
    k.media[0].schema.json = k.ok;
    k.api.error_count = 0;
    k.media[1].schema.json = NULL;
    cf_buf b;
    cf_buf_init(&b, CF_COVERAGE_MAX);
    cr_assert_eq(cf_coverage_items(&k.api, &k.op, &b), CF_OK);
    cr_expect_str_eq(cf_buf_str(&b), "status 201\nsuccess #/kind present\nsuccess #/kind absent\n"
                                     "success #/kind = \"leaf\"\nsuccess #/kind = \"tree\"\n"
                                     "success #/kids present\nsuccess #/kids absent\n"
                                     "success #/note present\nsuccess #/note absent\n"
                                     "success #/note oneOf[0]\n"
                                     "success #/note/kind present\nsuccess #/note/kind absent\n"
                                     "success #/note/kind = \"leaf\"\n"
                                     "success #/note/kind = \"tree\"\n"
                                     "success #/note/kids present\nsuccess #/note/kids absent\n"
                                     "success #/note oneOf[1]\n");
    cf_buf_free(&b);
    char *seen = observe(&k, 201, CF_ENVELOPE_SUCCESS, NULL,
                         "{\"kind\":\"tree\",\"kids\":[{\"kind\":\"leaf\"}],\"note\":{}}");
    cr_expect_str_eq(seen, "status 201\nsuccess #/kind present\nsuccess #/kind = \"tree\"\n"
                           "success #/kids present\nsuccess #/note present\n"
                           "success #/note oneOf[0]\nsuccess #/note/kind absent\n"
                           "success #/note/kids absent\n");
    free(seen);
    contract_cleanup(&k);
}

static const cJSON *member(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    cr_assert_not_null(v, "no %s", key);
    return v;
}

static char *joined(const cJSON *arr)
{
    cf_buf b;
    cf_buf_init(&b, CF_COVERAGE_MAX);
    const cJSON *s;
    cJSON_ArrayForEach(s, arr) cr_assert_eq(cf_buf_addf(&b, "%s\n", s->valuestring), CF_OK);
    char *t = cf_buf_take(&b);
    return t ? t : cf_test_dup("");
}

/* The bundled suite against the embedded mock: its gaps are known. The mock never throttles
 * nor runs out of quota nor fails inside, and always returns every optional member of a
 * success. */
Test(coverage, bundled_suite_against_the_mock_has_its_known_gaps, .timeout = 120)
{
    char dir[64];
    cf_test_tmpdir(dir, sizeof(dir));
    const char *args[] = {"run", "--report-dir", dir, SPEC, NULL};
    cf_child p;
    cf_child_run(&p, NULL, NULL, args);
    cr_expect_eq(p.status, 0, "%s", cf_buf_str(&p.err));
    cr_expect_not_null(strstr(cf_buf_str(&p.out), "spec coverage: 57.1% (12 of 21 contract "
                                                  "items exercised)\n"),
                       "%s", cf_buf_str(&p.out));
    cJSON *report = cf_test_load_report(dir);
    const cJSON *cov = member(report, "coverage");
    cr_expect_eq(member(cov, "exercised")->valueint, 12);
    cr_expect_eq(member(cov, "items")->valueint, 21);
    cr_expect_float_eq(member(cov, "percent")->valuedouble, 57.1, 1e-9);
    const cJSON *op = cJSON_GetArrayItem(member(cov, "operations"), 0);
    cr_assert_not_null(op);
    cr_expect_str_eq(member(op, "operation")->valuestring, "StartAttachmentUpload");
    char *missing = joined(member(op, "missing_items"));
    cr_expect_str_eq(missing, "status 402\nstatus 429\nstatus 500\n"
                              "code SERVICE_QUOTA_EXCEEDED\ncode THROTTLED\ncode "
                              "INTERNAL_ERROR\nsuccess #/data/upload_url absent\n"
                              "success #/data/url_expiry absent\n"
                              "success #/data/headers_to_include absent\n");
    char *html = cf_test_slurp(dir, "report.html");
    cr_assert_not_null(html);
    cr_expect_not_null(strstr(html, "57.1% (12/21)"), "coverage in report.html");
    cr_expect_not_null(strstr(html, "<li><code>code THROTTLED</code></li>"));
    free(html);
    free(missing);
    cJSON_Delete(report);
    cf_child_cleanup(&p);
    cf_test_remove_tree(dir);
}

/* An item is listed once: lines are compared whole, and a code that holds a newline (two
 * lines of text) is compared as text. */
Test(coverage, a_repeated_item_is_listed_once_even_across_lines, .timeout = 10)
{
    contract k;
    contract_init(&k);
    k.codes[0].code = "Two\nLines";
    k.codes[1].code = "Two\nLines";
    k.codes[2].code = "Lines";
    cf_buf b;
    cf_buf_init(&b, CF_COVERAGE_MAX);
    cr_assert_eq(cf_coverage_items(&k.api, &k.op, &b), CF_OK);
    const char *all = cf_buf_str(&b);
    const char want[] = "status 201\nstatus 400\nstatus 429\ncode Two\nLines\ncode Lines\n";
    cr_expect(strncmp(all, want, sizeof(want) - 1) == 0, "got: %s", all);
    cr_expect_null(strstr(all + 1, "code Two\nLines\ncode Two"), "the two-line code once: %s", all);
    cf_buf_free(&b);
    contract_cleanup(&k);
}
