/* test_mock_openapi.c - the mock serving an OpenAPI 3.1 document
 * (tests/data/mock_pets.openapi.json) over real HTTP: answers from examples and synthesised from
 * the schemas (valid by them), parameters and bodies validated, resources produced by one operation
 * and consumed by another, routing, and every bad request answered with a clear error. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "contract/schema.h"
#include "mock_fixture.h"

static const char *const trace[] = {"X-Trace: abc-123", NULL};

/* The answer validates against the schema of the operation's response for its status. */
static void assert_valid_answer(const cf_test_api_mock *s, const char *op_id,
                                const cf_test_reply *r)
{
    const cf_api_operation *op = cf_api_operation_find(s->suite->api, op_id);
    cr_assert_not_null(op);
    const cf_api_response *resp = cf_api_response_for(op, (int)r->status);
    cr_assert(resp && resp->content_count, "%s: no response %ld in the contract", op_id, r->status);
    cf_diags d;
    cf_diags_init(&d);
    size_t bad =
        cf_schema_check(resp->content[0].schema.compiled, r->json, CF_SCHEMA_RESPONSE, "", &d);
    cr_assert_eq(bad, 0, "%s: %s: %s", op_id, cf_buf_str(&r->body),
                 d.count ? d.items[0].message : "");
    cf_diags_cleanup(&d);
}

/* A 4xx JSON error whose message says `says`. */
static void assert_refused(const cf_test_reply *r, long status, const char *says, const char *what)
{
    cr_assert_eq(r->status, status, "%s: %ld %s", what, r->status, cf_buf_str(&r->body));
    const cJSON *m = cf_json_pointer(r->json, "/message");
    cr_assert(cJSON_IsString(m), "%s: no message in %s", what, cf_buf_str(&r->body));
    cr_assert_not_null(strstr(m->valuestring, says), "%s: message '%s' lacks '%s'", what,
                       m->valuestring, says);
}

Test(mock_openapi, answers_come_from_examples, .timeout = 20)
{
    cf_test_api_mock s;
    cf_test_api_mock_start(&s, CF_TEST_PETS, NULL);
    cf_test_reply r;
    cf_test_api_call(&s, "GET", "/pets?limit=5", trace, NULL, &r);
    cr_assert_eq(r.status, 200, "%s", cf_buf_str(&r.body));
    cr_assert_str_eq(cf_buf_str(&r.body), "[{\"id\":1,\"name\":\"Rex\",\"tag\":\"dog\"}]");
    assert_valid_answer(&s, "listPets", &r);
    cf_test_reply_free(&r);
    /* `examples` (named) when there is no `example` */
    cf_test_api_call(&s, "GET", "/health", NULL, NULL, &r);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(cf_buf_str(&r.body), "{\"status\":\"up\"}");
    char h[64];
    cr_assert(cf_test_reply_header(&r, "Content-Type", h, sizeof(h)));
    cr_assert_str_eq(h, "application/json");
    cf_test_reply_free(&r);
    /* a value written as {"$ref": "#/components/examples/..."} is the example it names */
    cf_test_api_call(&s, "GET", "/pets/featured", NULL, NULL, &r);
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(cf_buf_str(&r.body), "{\"id\":7,\"name\":\"Garfield\",\"tag\":\"cat\"}");
    assert_valid_answer(&s, "featuredPet", &r);
    cf_test_reply_free(&r);
    cf_test_api_mock_stop(&s);
}

Test(mock_openapi, answers_are_synthesised_and_ids_link_operations, .timeout = 20)
{
    cf_test_api_mock s;
    cf_test_api_mock_start(&s, CF_TEST_PETS, NULL);
    cf_test_reply r;
    cf_test_api_call(&s, "POST", "/pets", NULL, "{\"name\":\"Tom\",\"tag\":\"cat\"}", &r);
    cr_assert_eq(r.status, 201, "%s", cf_buf_str(&r.body));
    assert_valid_answer(&s, "createPet", &r);
    const cJSON *id = cf_json_pointer(r.json, "/id");
    cr_assert(cJSON_IsNumber(id), "the produced id keeps its schema's type: %s",
              cf_buf_str(&r.body));
    int first = id->valueint;
    cf_test_reply_free(&r);
    cf_test_api_call(&s, "POST", "/pets", NULL, "{\"name\":\"Jerry\"}", &r);
    cr_assert_neq(cf_json_pointer(r.json, "/id")->valueint, first, "two creations, one id");
    cf_test_reply_free(&r);
    char path[64];
    snprintf(path, sizeof(path), "/pets/%d", first);
    cf_test_api_call(&s, "GET", path, NULL, NULL, &r);
    cr_assert_eq(r.status, 200, "the created pet is not found: %s", cf_buf_str(&r.body));
    assert_valid_answer(&s, "getPet", &r);
    cf_test_reply_free(&r);
    cf_test_api_call(&s, "GET", "/pets/424242", NULL, NULL, &r);
    assert_refused(&r, 404, "not known", "a pet nobody created");
    assert_valid_answer(&s, "getPet", &r);
    cf_test_reply_free(&r);
    cf_test_api_call(&s, "DELETE", path, NULL, NULL, &r);
    cr_assert_eq(r.status, 204);
    cr_assert_eq(r.body.len, 0, "a 204 with a body: %s", cf_buf_str(&r.body));
    cf_test_reply_free(&r);
    cf_test_api_mock_stop(&s);
}

Test(mock_openapi, every_bad_request_gets_a_clear_error, .timeout = 30)
{
    static const struct {
        const char *method, *path, *header, *body, *says;
        long status;
    } cases[] = {
        {"GET", "/pets", NULL, NULL, "missing required header parameter 'X-Trace'", 422},
        {"GET", "/pets", "X-Trace: ab", NULL, "invalid header parameter 'X-Trace'", 422},
        {"GET", "/pets?limit=0", "X-Trace: abc", NULL, "invalid query parameter 'limit'", 422},
        {"GET", "/pets?limit=many", "X-Trace: abc", NULL, "expected type integer", 422},
        {"GET", "/pets/abc", NULL, NULL, "invalid path parameter 'petId'", 422},
        {"GET", "/pets/0", NULL, NULL, "invalid path parameter 'petId'", 422},
        {"POST", "/pets", NULL, "{}", "name", 422},
        {"POST", "/pets", NULL, "{\"name\":\"\"}", "/name", 422},
        {"POST", "/pets", NULL, "{\"name\":\"a\",\"age\":3}", "unexpected member \"age\"", 422},
        {"POST", "/pets", NULL, "[1]", "must be a JSON object, not an array", 422},
        {"POST", "/pets", NULL, "{\"name\":", "not valid JSON", 422},
        {"POST", "/pets", NULL, "", "the request body is empty", 422},
        {"POST", "/pets", "Content-Type: text/plain", "{\"name\":\"a\"}",
         "unsupported content-type 'text/plain': send application/json", 422},
        {"PUT", "/pets", NULL, "{}", "method PUT is not allowed here; use GET, POST", 405},
        {"GET", "/cats", NULL, NULL, "no operation at /cats", 404},
    };
    cf_test_api_mock s;
    cf_test_api_mock_start(&s, CF_TEST_PETS, NULL);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *headers[] = {cases[i].header, NULL};
        cf_test_reply r;
        cf_test_api_call(&s, cases[i].method, cases[i].path, headers, cases[i].body, &r);
        char what[128];
        snprintf(what, sizeof(what), "case %zu (%s %s)", i, cases[i].method, cases[i].path);
        assert_refused(&r, cases[i].status, cases[i].says, what);
        if (cases[i].status == 405) {
            char allow[64];
            cr_assert(cf_test_reply_header(&r, "Allow", allow, sizeof(allow)));
            cr_assert_str_eq(allow, "GET, POST");
        }
        cf_test_reply_free(&r);
    }
    cf_mock_stats st;
    cf_mock_stats_get(s.mock, &st);
    cr_assert_eq(st.successes, 0, "a bad request succeeded");
    cf_test_api_mock_stop(&s);
}

Test(mock_openapi, handle_answers_without_a_socket, .timeout = 10)
{
    cf_test_api_mock s;
    cf_test_api_mock_start(&s, CF_TEST_PETS, NULL);
    cf_headers h = {0};
    cr_assert_eq(cf_headers_add(&h, "X-Trace", "abcd"), CF_OK);
    cf_mock_answer a;
    cr_assert_eq(cf_mock_handle(s.mock, "GET", "/pets?limit=500", &h, NULL, 0, &a), CF_OK);
    cr_assert_eq(a.status, 422, "%s", a.body);
    cr_assert_not_null(strstr(a.body, "limit"));
    cf_mock_answer_cleanup(&a);
    cr_assert_eq(cf_mock_handle(s.mock, "GET", "/pets?limit=%zz", &h, NULL, 0, &a), CF_OK);
    cr_assert_eq(a.status, 422, "%s", a.body);
    cr_assert_not_null(strstr(a.body, "percent-encoding"));
    cf_mock_answer_cleanup(&a);
    cr_assert_eq(cf_mock_handle(s.mock, "GET", "/pets?limit=2&tag=a+b", &h, NULL, 0, &a), CF_OK);
    cr_assert_eq(a.status, 200, "%s", a.body);
    cf_mock_answer_cleanup(&a);
    cf_headers_cleanup(&h);
    cf_test_api_mock_stop(&s);
}

/* The worked example of specs/README.md: what POST creates, GET answers as created; an unknown
 * id is a 404 whose body is what the contract says (an empty object), not the mock's envelope. */
Test(mock_openapi, a_created_resource_reads_back_and_errors_fit_their_schema, .timeout = 20)
{
    cf_test_api_mock s;
    cf_test_api_mock_start(&s, CONFORM_SOURCE_DIR "/specs/examples/posts.openapi.yaml", NULL);
    cf_test_reply r;
    cf_test_api_call(&s, "POST", "/posts", NULL, "{\"title\":\"hello\",\"author\":\"conform\"}",
                     &r);
    cr_assert_eq(r.status, 201, "%s", cf_buf_str(&r.body));
    cr_assert_str_eq(cf_test_reply_string(&r, "/title"), "hello", "the request is not echoed");
    assert_valid_answer(&s, "createPost", &r);
    char path[128];
    snprintf(path, sizeof(path), "/posts/%s", cf_test_reply_string(&r, "/id"));
    char *created = strdup(cf_buf_str(&r.body));
    cf_test_reply_free(&r);
    cf_test_api_call(&s, "GET", path, NULL, NULL, &r);
    cr_assert_eq(r.status, 200, "%s", cf_buf_str(&r.body));
    cr_assert_str_eq(cf_buf_str(&r.body), created, "GET does not answer the post as created");
    cf_test_reply_free(&r);
    free(created);
    cf_test_api_call(&s, "GET", "/posts/nobody-made-this", NULL, NULL, &r);
    cr_assert_eq(r.status, 404);
    cr_assert_str_eq(cf_buf_str(&r.body), "{}");
    assert_valid_answer(&s, "getPost", &r);
    cf_test_reply_free(&r);
    cf_test_api_mock_stop(&s);
}
