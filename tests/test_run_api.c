/* test_run_api.c - the runner on contracts that are not v1 files: path and query parameters on
 * the wire, credentials from securitySchemes, several success statuses, roles judged by status,
 * an API without auth or error codes, scenarios across operations that stop at their first
 * failed step. Cases are built by hand on a loaded OpenAPI contract. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contract/vars.h"
#include "http/request.h"
#include "route_server.h"
#include "run/runner.h"
#include "run_fixture.h"
#include "suite/suite.h"

#define DATA CONFORM_SOURCE_DIR "/tests/data/run/"
#define POSTS DATA "posts.openapi.json"
#define KEYS DATA "keys.openapi.json"
#define MAX_STEPS 4

/* A case whose steps are written as JSON: [{"name", "operation", "method", "path", "query",
 * "headers", "body", "set", "outcome": "success"|"error", "status", "role", "capture"}]. */
typedef struct {
    cJSON *doc;
    cf_step steps[MAX_STEPS];
    cf_case c;
} hand_case;

static void hand_case_make(hand_case *h, const cf_api *api, const char *id, const char *json)
{
    memset(h, 0, sizeof(*h));
    h->doc = cJSON_Parse(json);
    cr_assert(cJSON_IsArray(h->doc), "bad test json: %s", json);
    size_t n = 0;
    for (const cJSON *s = h->doc->child; s; s = s->next, n++) {
        cr_assert_lt(n, MAX_STEPS);
        cf_step *st = &h->steps[n];
        const cJSON *op = cJSON_GetObjectItemCaseSensitive(s, "operation");
        st->name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "name"));
        st->operation = cJSON_GetStringValue(op);
        st->op = cf_api_operation_find(api, st->operation);
        cr_assert_not_null(st->op, "no operation %s", st->operation);
        st->method = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "method"));
        st->path_params = cJSON_GetObjectItemCaseSensitive(s, "path");
        st->query = cJSON_GetObjectItemCaseSensitive(s, "query");
        st->headers = cJSON_GetObjectItemCaseSensitive(s, "headers");
        st->body = cJSON_GetObjectItemCaseSensitive(s, "body");
        st->set = cJSON_GetObjectItemCaseSensitive(s, "set");
        st->capture = cJSON_GetObjectItemCaseSensitive(s, "capture");
        st->equal = cJSON_GetObjectItemCaseSensitive(s, "equal");
        st->parallel = 1;
        const char *outcome = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "outcome"));
        st->outcome = !outcome                        ? CF_OUTCOME_ANY
                      : strcmp(outcome, "error") == 0 ? CF_OUTCOME_ERROR
                                                      : CF_OUTCOME_SUCCESS;
        const cJSON *status = cJSON_GetObjectItemCaseSensitive(s, "status");
        st->status = cJSON_IsNumber(status) ? status->valueint : 0;
        const char *role = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "role"));
        st->role = role ? cf_api_role_from_name(role) : CF_API_ROLE_NONE;
    }
    h->c = (cf_case){id, NULL, "hand-made", NULL, 0, h->steps, n, n > 1, 0};
}

/* A loaded contract, a route server and a run of hand-made cases against it. */
typedef struct {
    cf_suite *suite;
    cf_route_server *srv;
    cf_secrets vars;
    cf_run_result result;
    char *log; /* what the server received */
    char err[512];
} api_run;

static void api_run_start(api_run *r, const char *contract, const cf_route *routes, size_t n)
{
    memset(r, 0, sizeof(*r));
    r->suite = cf_test_load_suite(contract);
    r->srv = cf_route_server_start(routes, n);
    cr_assert_not_null(r->srv);
    cr_assert_eq(cf_vars_resolve_api(r->suite->api, NULL, &r->vars, r->err, sizeof(r->err)), CF_OK,
                 "%s", r->err);
}

/* Runs `cases` (borrowed by the suite for the run) and keeps what the server saw. */
static cf_rc api_run_cases(api_run *r, cf_case *cases, size_t n)
{
    char url[64];
    cf_run_opts o;
    cf_run_opts_init(&o);
    o.base_url = cf_route_server_url(r->srv, url, sizeof(url));
    o.secrets = &r->vars;
    o.transport.timeout_ms = 10000;
    r->suite->cases = cases;
    r->suite->case_count = n;
    cf_rc rc = cf_run_suite(r->suite, &o, &r->result, r->err, sizeof(r->err));
    r->suite->cases = NULL; /* the test's, not the suite's to free */
    r->suite->case_count = 0;
    free(r->log);
    r->log = cf_route_server_log(r->srv);
    cr_assert_not_null(r->log);
    return rc;
}

static void api_run_stop(api_run *r)
{
    cf_run_result_cleanup(&r->result);
    cf_route_server_stop(r->srv);
    cf_secrets_cleanup(&r->vars);
    cf_suite_free(r->suite);
    free(r->log);
}

static int has_check(const cf_case_result *c, const char *id)
{
    for (size_t i = 0; i < c->check_count; i++)
        if (strcmp(c->checks[i].id, id) == 0)
            return 1;
    return 0;
}

/* ---- the request on the wire ------------------------------------------------------------ */

/* {$token}, as the runner makes it: fixed for a case. */
static cf_rc token(void *user, const char *name, const char *arg, cf_buf *out)
{
    (void)user;
    (void)arg;
    return strcmp(name, "token") == 0 ? cf_buf_adds(out, "tok-case-1") : CF_E_NOT_FOUND;
}

static cf_rc build_one(const cf_suite *suite, const cf_secrets *vars, const char *json,
                       cf_request *q, char *err, size_t errlen)
{
    hand_case h;
    hand_case_make(&h, suite->api, "unit", json);
    cf_tmpl_ctx ctx = {cf_secrets_vars(vars), NULL, token, NULL};
    cf_rc rc = cf_request_build(suite->api, &h.steps[0], "http://h:1/", &ctx, q, err, errlen);
    cJSON_Delete(h.doc);
    return rc;
}

Test(run_api, path_and_query_parameters_are_filled_and_percent_encoded, .timeout = 30)
{
    api_run r;
    api_run_start(&r, POSTS, NULL, 0);
    cf_request q;
    char err[512] = "";
    cr_assert_eq(build_one(r.suite, &r.vars,
                           "[{\"operation\":\"getPost\",\"path\":{\"post_id\":\"a b/c?\"}}]", &q,
                           err, sizeof(err)),
                 CF_OK, "%s", err);
    cr_expect_str_eq(q.url, "http://h:1/posts/a%20b%2Fc%3F");
    cr_expect_str_eq(q.method, "GET");
    cr_expect_null(q.body, "getPost takes no body");
    cf_request_cleanup(&q);
    /* examples and defaults; an array exploded (tag) and one joined (explode false) */
    cr_assert_eq(
        build_one(r.suite, &r.vars, "[{\"operation\":\"listPosts\"}]", &q, err, sizeof(err)), CF_OK,
        "%s", err);
    cr_expect_str_eq(q.url, "http://h:1/posts?limit=10&tag=a%20b&tag=c%26d&fields=id%2Ctitle");
    cf_request_cleanup(&q);
    /* the step overrides, drops (null) and adds; the method is the step's when it says */
    cr_assert_eq(build_one(r.suite, &r.vars,
                           "[{\"operation\":\"listPosts\",\"method\":\"HEAD\",\"query\":{"
                           "\"limit\":\"5\",\"tag\":null,\"fields\":[\"id\"],\"extra\":7}}]",
                           &q, err, sizeof(err)),
                 CF_OK, "%s", err);
    cr_expect_str_eq(q.url, "http://h:1/posts?limit=5&fields=id&extra=7");
    cr_expect_str_eq(q.method, "HEAD");
    cf_request_cleanup(&q);
    /* the request body comes from the example, with a Content-Type */
    cr_assert_eq(
        build_one(r.suite, &r.vars, "[{\"operation\":\"createPost\"}]", &q, err, sizeof(err)),
        CF_OK, "%s", err);
    cr_expect_str_eq(q.body, "{\"title\":\"hello\"}");
    cr_expect_str_eq(cf_headers_get(&q.headers, "content-type"), "application/json");
    cf_request_cleanup(&q);
    api_run_stop(&r);
}

Test(run_api, a_path_parameter_without_a_value_is_a_case_error_never_a_literal, .timeout = 30)
{
    api_run r;
    api_run_start(&r, POSTS, NULL, 0);
    cf_request q;
    char err[512] = "";
    cr_assert_eq(build_one(r.suite, &r.vars, "[{\"operation\":\"getPost\"}]", &q, err, sizeof(err)),
                 CF_E_INVALID);
    cr_expect_null(q.url);
    cr_expect(strstr(err, "getPost") && strstr(err, "{post_id}") && strstr(err, "path"), "%s", err);
    /* through the runner: a failed request.build check, and nothing sent */
    hand_case h;
    hand_case_make(&h, r.suite->api, "no-id", "[{\"operation\":\"getPost\"}]");
    cr_assert_eq(api_run_cases(&r, &h.c, 1), CF_OK, "%s", r.err);
    cr_expect_null(strstr(r.log, "{post_id}"), "%s", r.log);
    cr_expect_not_null(cf_test_failed_check(&r.result.cases[0], "request.build"));
    cJSON_Delete(h.doc);
    api_run_stop(&r);
}

Test(run_api, credentials_come_from_the_security_of_each_operation, .timeout = 30)
{
    api_run r;
    api_run_start(&r, KEYS, NULL, 0);
    cf_request q;
    char err[512] = "";
    cr_assert_eq(
        build_one(r.suite, &r.vars, "[{\"operation\":\"listThings\"}]", &q, err, sizeof(err)),
        CF_OK, "%s", err);
    cr_expect_str_eq(cf_headers_get(&q.headers, "X-Api-Key"), "key-0123456789");
    cf_request_cleanup(&q);
    cr_assert_eq(
        build_one(r.suite, &r.vars, "[{\"operation\":\"makeThing\"}]", &q, err, sizeof(err)), CF_OK,
        "%s", err);
    cr_expect_str_eq(cf_headers_get(&q.headers, "Authorization"), "Bearer tok-0123456789");
    cr_expect_null(cf_headers_get(&q.headers, "X-Api-Key"), "its own security replaces the api's");
    /* an Idempotency-Key header parameter gets the case's token, and the request notes it */
    cr_expect_str_eq(cf_headers_get(&q.headers, "Idempotency-Key"), "tok-case-1");
    cr_expect_str_eq(q.idem_token, "tok-case-1");
    cf_request_cleanup(&q);
    cr_assert_eq(
        build_one(r.suite, &r.vars, "[{\"operation\":\"queryThing\"}]", &q, err, sizeof(err)),
        CF_OK, "%s", err);
    cr_expect_str_eq(q.url, "http://h:1/by-query?key=qk-0123456789");
    cf_request_cleanup(&q);
    cr_assert_eq(
        build_one(r.suite, &r.vars, "[{\"operation\":\"publicThing\"}]", &q, err, sizeof(err)),
        CF_OK, "%s", err);
    cr_expect_eq(q.headers.count, 0, "security: [] sends no credential");
    cf_request_cleanup(&q);
    /* a header the case drops (null) is not put back */
    cr_assert_eq(build_one(r.suite, &r.vars,
                           "[{\"operation\":\"listThings\",\"headers\":{\"x-api-key\":null}}]", &q,
                           err, sizeof(err)),
                 CF_OK, "%s", err);
    cr_expect_null(cf_headers_get(&q.headers, "X-Api-Key"));
    cf_request_cleanup(&q);
    api_run_stop(&r);
}

/* ---- judging ------------------------------------------------------------------------------ */

Test(run_api, every_success_status_the_contract_lists_passes, .timeout = 30)
{
    static const cf_route routes[] = {
        {"DELETE", "/posts/1", 204, NULL, NULL},
        {"DELETE", "/posts/2", 200, "{}", NULL},
        {"DELETE", "/posts/3", 202, "{}", NULL},
    };
    api_run r;
    api_run_start(&r, POSTS, routes, 3);
    hand_case h[3];
    cf_case cases[3];
    const char *ids[] = {"1", "2", "3"};
    for (int i = 0; i < 3; i++) {
        char json[256];
        snprintf(json, sizeof(json),
                 "[{\"operation\":\"deletePost\",\"path\":{\"post_id\":\"%s\"},"
                 "\"outcome\":\"success\"}]",
                 ids[i]);
        hand_case_make(&h[i], r.suite->api, ids[i], json);
        cases[i] = h[i].c;
    }
    cr_assert_eq(api_run_cases(&r, cases, 3), CF_OK, "%s", r.err);
    char *why = cf_test_failures(&r.result);
    cr_expect(r.result.cases[0].passed, "204 without a body: %s", why);
    cr_expect(r.result.cases[1].passed, "200: %s", why);
    cr_expect_not_null(cf_test_failed_check(&r.result.cases[2], "status.success"),
                       "202 is not listed: %s", why);
    free(why);
    for (int i = 0; i < 3; i++)
        cJSON_Delete(h[i].doc);
    api_run_stop(&r);
}

Test(run_api, a_404_with_an_empty_object_plays_not_found_without_error_codes, .timeout = 30)
{
    static const cf_route routes[] = {{"GET", "/posts/*", 404, "{}", NULL}};
    api_run r;
    api_run_start(&r, POSTS, routes, 1);
    hand_case h;
    hand_case_make(&h, r.suite->api, "missing",
                   "[{\"operation\":\"getPost\",\"path\":{\"post_id\":\"999\"},"
                   "\"outcome\":\"error\",\"role\":\"not-found\"}]");
    cr_assert_eq(api_run_cases(&r, &h.c, 1), CF_OK, "%s", r.err);
    const cf_case_result *c = &r.result.cases[0];
    char *why = cf_test_failures(&r.result);
    cr_expect(c->passed, "%s", why);
    cr_expect(has_check(c, "expect.role"));
    cr_expect(!has_check(c, "error.code-present"), "an API without error codes is not asked");
    cr_expect(!has_check(c, "error.message"));
    free(why);
    cJSON_Delete(h.doc);
    /* the wrong role fails, and says what came */
    hand_case_make(&h, r.suite->api, "wrong-role",
                   "[{\"operation\":\"getPost\",\"path\":{\"post_id\":\"9\"},"
                   "\"outcome\":\"error\",\"role\":\"conflict\"}]");
    cf_run_result_cleanup(&r.result);
    cr_assert_eq(api_run_cases(&r, &h.c, 1), CF_OK, "%s", r.err);
    const cf_check_result *k = cf_test_failed_check(&r.result.cases[0], "expect.role");
    cr_assert_not_null(k);
    cr_expect(strstr(k->actual, "not-found"), "%s", k->actual);
    cJSON_Delete(h.doc);
    api_run_stop(&r);
}

Test(run_api, an_api_without_auth_never_gets_an_auth_check, .timeout = 30)
{
    static const cf_route routes[] = {{"GET", "/posts", 401, NULL, NULL},
                                      {"GET", "/public", 200, "{}", NULL}};
    api_run r;
    api_run_start(&r, POSTS, routes, 2);
    hand_case h;
    hand_case_make(&h, r.suite->api, "auth",
                   "[{\"operation\":\"listPosts\",\"outcome\":\"error\",\"role\":\"auth\"}]");
    cr_assert_eq(api_run_cases(&r, &h.c, 1), CF_OK, "%s", r.err);
    char *why = cf_test_failures(&r.result);
    cr_expect(r.result.cases[0].passed, "%s", why);
    cr_expect(!has_check(&r.result.cases[0], "auth.required"));
    free(why);
    cJSON_Delete(h.doc);
    api_run_stop(&r);
    /* an operation that takes credentials does get it */
    api_run_start(&r, KEYS, routes, 2);
    hand_case_make(&h, r.suite->api, "public",
                   "[{\"operation\":\"publicThing\",\"outcome\":\"error\",\"role\":\"auth\"}]");
    cr_assert_eq(api_run_cases(&r, &h.c, 1), CF_OK, "%s", r.err);
    cr_expect(!has_check(&r.result.cases[0], "auth.required"), "security: [] takes none");
    cJSON_Delete(h.doc);
    hand_case_make(&h, r.suite->api, "things",
                   "[{\"operation\":\"listThings\",\"outcome\":\"error\",\"role\":\"auth\","
                   "\"headers\":{\"X-Api-Key\":null}}]");
    cf_run_result_cleanup(&r.result);
    cr_assert_eq(api_run_cases(&r, &h.c, 1), CF_OK, "%s", r.err);
    cr_expect(has_check(&r.result.cases[0], "auth.required"));
    cJSON_Delete(h.doc);
    api_run_stop(&r);
}

/* ---- scenarios ---------------------------------------------------------------------------- */

Test(run_api, a_capture_from_one_operation_fills_another_operations_path, .timeout = 30)
{
    static const cf_route routes[] = {
        {"POST", "/posts", 201, "{\"id\":7,\"title\":\"hello\"}", NULL},
        {"GET", "/posts/7", 200, "{\"id\":7}", NULL},
        {"DELETE", "/posts/7", 204, NULL, NULL},
    };
    api_run r;
    api_run_start(&r, POSTS, routes, 3);
    hand_case h;
    hand_case_make(&h, r.suite->api, "create-get-delete",
                   "[{\"name\":\"create\",\"operation\":\"createPost\",\"outcome\":\"success\","
                   "\"capture\":{\"id\":\"/id\"}},"
                   "{\"name\":\"get\",\"operation\":\"getPost\",\"path\":{\"post_id\":\"{@id}\"},"
                   "\"outcome\":\"success\",\"equal\":{\"/id\":\"{@id}\"}},"
                   "{\"name\":\"delete\",\"operation\":\"deletePost\","
                   "\"path\":{\"post_id\":\"{@id}\"},\"outcome\":\"success\"}]");
    cr_assert_eq(api_run_cases(&r, &h.c, 1), CF_OK, "%s", r.err);
    const cf_case_result *c = &r.result.cases[0];
    char *why = cf_test_failures(&r.result);
    cr_expect(c->passed, "%s", why);
    free(why);
    cr_expect_not_null(strstr(r.log, "POST /posts\n"), "%s", r.log);
    cr_expect_not_null(strstr(r.log, "GET /posts/7\n"), "%s", r.log);
    cr_expect_not_null(strstr(r.log, "DELETE /posts/7\n"), "%s", r.log);
    cr_expect_null(c->not_run);
    /* each exchange names the operation of its step */
    cr_assert_eq(c->exchange_count, 3);
    cr_expect_str_eq(c->exchanges[0].operation, "createPost");
    cr_expect_str_eq(c->exchanges[1].operation, "getPost");
    cr_expect_str_eq(c->exchanges[2].operation, "deletePost");
    cr_expect_str_eq(c->operation, "deletePost", "a case is reported under its last step");
    cJSON_Delete(h.doc);
    api_run_stop(&r);
}

Test(run_api, a_scenario_stops_at_its_first_failed_step, .timeout = 30)
{
    static const cf_route routes[] = {
        {"POST", "/posts", 500, "{\"oops\":true}", NULL},
        {"GET", "/posts/*", 200, "{\"id\":7}", NULL},
    };
    api_run r;
    api_run_start(&r, POSTS, routes, 2);
    hand_case h;
    hand_case_make(&h, r.suite->api, "create-then-get",
                   "[{\"name\":\"first\",\"operation\":\"createPost\",\"outcome\":\"success\","
                   "\"capture\":{\"id\":\"/id\"}},"
                   "{\"name\":\"second\",\"operation\":\"getPost\","
                   "\"path\":{\"post_id\":\"{@id}\"},\"outcome\":\"success\"},"
                   "{\"name\":\"third\",\"operation\":\"listPosts\",\"outcome\":\"success\"}]");
    cr_assert_eq(api_run_cases(&r, &h.c, 1), CF_OK, "%s", r.err);
    const cf_case_result *c = &r.result.cases[0];
    cr_expect_eq(c->passed, 0, "the first step failed");
    cr_assert_not_null(c->not_run);
    cr_expect_str_eq(c->not_run,
                     "steps `second` (getPost), `third` (listPosts) not run: step `first` failed");
    /* the later steps were neither sent nor judged, and no missing capture is blamed */
    cr_expect_null(strstr(r.log, "GET "), "%s", r.log);
    for (size_t i = 0; i < c->check_count; i++) {
        cr_expect_str_eq(c->checks[i].step, "first", "%s judged on %s", c->checks[i].id,
                         c->checks[i].step);
        cr_expect_neq(strcmp(c->checks[i].id, "request.build"), 0);
    }
    cr_expect_eq(c->exchange_count, 1);
    cJSON_Delete(h.doc);
    api_run_stop(&r);
}

/* ---- suite v2 files ----------------------------------------------------------------------- */

#define EXAMPLE_SUITE CONFORM_SOURCE_DIR "/specs/examples/posts.suite.json"

/* The worked example of specs/README.md against a server that behaves as its contract says:
 * the created post read back by the captured id, a 404 with {} for an unknown id. */
static const cf_route example_routes[] = {
    {"POST", "/posts", 201, "{\"id\":7,\"title\":\"hello\",\"author\":\"conform\"}", NULL},
    {"GET", "/posts/7", 200, "{\"id\":7,\"title\":\"hello\",\"author\":\"conform\"}", NULL},
    {"GET", "/posts/*", 404, "{}", NULL},
};

Test(run_api, the_readme_suite_passes_against_a_conforming_server, .timeout = 30)
{
    cf_suite *suite = cf_test_load_suite(EXAMPLE_SUITE);
    cf_route_server *srv = cf_route_server_start(example_routes, 3);
    cr_assert_not_null(srv);
    char url[64];
    cf_run_opts o;
    cf_run_opts_init(&o);
    o.base_url = cf_route_server_url(srv, url, sizeof(url));
    cf_secrets vars = {0};
    char err[512] = "";
    cr_assert_eq(cf_vars_resolve_api(suite->api, NULL, &vars, err, sizeof(err)), CF_OK, "%s", err);
    o.secrets = &vars;
    cf_run_result result = {0};
    cr_assert_eq(cf_run_suite(suite, &o, &result, err, sizeof(err)), CF_OK, "%s", err);
    char *why = cf_test_failures(&result);
    cr_expect_eq(result.count, 2);
    cr_expect_eq(result.failed, 0, "%s", why);
    char *log = cf_route_server_log(srv);
    cr_expect_not_null(strstr(log, "GET /posts/7\n"), "%s", log);
    cr_expect_not_null(strstr(log, "GET /posts/no-such-post-"), "%s", log);
    free(log);
    free(why);
    cf_run_result_cleanup(&result);
    cf_secrets_cleanup(&vars);
    cf_route_server_stop(srv);
    cf_suite_free(suite);
}

/* The same server gets the ids wrong: the read-back fails on its own step, and a create that
 * fails stops the scenario before the read-back. */
Test(run_api, the_readme_suite_catches_a_server_that_breaks_its_contract, .timeout = 30)
{
    static const cf_route broken[] = {
        {"POST", "/posts", 500, "{\"message\":\"boom\"}", NULL},
        {"GET", "/posts/*", 200, "{}", NULL},
    };
    cf_suite *suite = cf_test_load_suite(EXAMPLE_SUITE);
    cf_route_server *srv = cf_route_server_start(broken, 2);
    cr_assert_not_null(srv);
    char url[64];
    cf_run_opts o;
    cf_run_opts_init(&o);
    o.base_url = cf_route_server_url(srv, url, sizeof(url));
    cf_run_result result = {0};
    char err[512] = "";
    cr_assert_eq(cf_run_suite(suite, &o, &result, err, sizeof(err)), CF_OK, "%s", err);
    const cf_case_result *scenario = cf_test_find_case(&result, "create-then-get");
    const cf_case_result *unknown = cf_test_find_case(&result, "get-unknown");
    cr_assert(scenario && unknown);
    cr_expect_eq(scenario->passed, 0);
    cr_expect_not_null(scenario->not_run);
    cr_expect_eq(unknown->passed, 0, "a 200 for an unknown id");
    cr_expect_not_null(cf_test_failed_check(unknown, "expect.outcome"));
    cf_run_result_cleanup(&result);
    cf_route_server_stop(srv);
    cf_suite_free(suite);
}
