/* test_mock_api.c - the mock as a working fake of the whole Amazon Connect Participant service
 * (its models and overlay), over real HTTP: connection tokens, the transcript and its pages,
 * uploads, disconnection, replays, callers kept apart, faults on every operation, and the
 * overlay's mock keys refused clearly when wrong. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"
#include "base/json.h"
#include "contract/aws.h"
#include "mock_fixture.h"

#define TOKEN_A "conform-demo-participant-token-a"
#define TOKEN_B "conform-demo-participant-token-b"

/* POSTs `body` to /participant/<what> with `bearer` in X-Amz-Bearer. */
static void post(const cf_test_api_mock *s, const char *bearer, const char *what, const char *body,
                 cf_test_reply *r)
{
    char path[256], line[1200];
    snprintf(path, sizeof(path), "/participant/%s", what);
    snprintf(line, sizeof(line), "X-Amz-Bearer: %s", bearer);
    const char *headers[] = {line, NULL};
    cf_test_api_call(s, "POST", path, headers, body, r);
}

/* A connection token for a participant token (a new string). */
static char *connect_as(const cf_test_api_mock *s, const char *participant)
{
    cf_test_reply r;
    post(s, participant, "connection", "{\"Type\":[\"CONNECTION_CREDENTIALS\"]}", &r);
    cr_assert_eq(r.status, 200, "connect: %ld %s", r.status, cf_buf_str(&r.body));
    char *token = strdup(cf_test_reply_string(&r, "/ConnectionCredentials/ConnectionToken"));
    cr_assert_not_null(token);
    cf_test_reply_free(&r);
    return token;
}

/* The answer is the AWS error `type` with `status`, a message and a request id. */
static void assert_aws_error(const cf_test_reply *r, long status, const char *type,
                             const char *what)
{
    char h[256];
    cr_assert_eq(r->status, status, "%s: %ld %s", what, r->status, cf_buf_str(&r->body));
    cr_assert(cf_test_reply_header(r, "x-amzn-ErrorType", h, sizeof(h)), "%s: no ErrorType", what);
    cr_assert_str_eq(h, type, "%s", what);
    cr_assert(cf_test_reply_header(r, "x-amzn-RequestId", h, sizeof(h)), "%s: no RequestId", what);
    const char *m = cf_test_reply_string(r, "/Message");
    cr_assert_gt(strlen(m), 10, "%s: message '%s'", what, m);
}

/* POSTs like post() and asserts the AWS error (and, unless NULL, words of its message). */
static void refused(const cf_test_api_mock *s, const char *bearer, const char *what,
                    const char *body, long status, const char *type, const char *label,
                    const char *says)
{
    cf_test_reply r;
    post(s, bearer, what, body, &r);
    assert_aws_error(&r, status, type, label);
    if (says)
        cr_assert_not_null(strstr(cf_test_reply_string(&r, "/Message"), says), "%s: %s", label,
                           cf_buf_str(&r.body));
    cf_test_reply_free(&r);
}

Test(mock_api, connection_tokens_from_create_are_accepted_and_others_refused, .timeout = 20)
{
    cf_test_api_mock s;
    cf_test_api_mock_start(&s, CF_TEST_SERVICE, NULL);
    char *token = connect_as(&s, TOKEN_A);
    cf_test_reply r;
    post(&s, token, "transcript", "{}", &r);
    cr_assert_eq(r.status, 200, "%s", cf_buf_str(&r.body));
    cf_test_reply_free(&r);
    post(&s, "not-a-connection-token", "transcript", "{}", &r);
    assert_aws_error(&r, 403, "AccessDeniedException", "unknown connection token");
    cr_assert_null(strstr(cf_buf_str(&r.body), "not-a-connection-token"), "token echoed");
    cf_test_reply_free(&r);
    /* a participant token is no connection token, and the reverse */
    refused(&s, TOKEN_A, "transcript", "{}", 403, "AccessDeniedException",
            "participant token as connection token", NULL);
    post(&s, token, "connection", "{}", &r);
    assert_aws_error(&r, 403, "AccessDeniedException", "connection token as participant token");
    cr_assert_null(strstr(cf_buf_str(&r.body), token));
    cf_test_reply_free(&r);
    refused(&s, "", "transcript", "{}", 403, "AccessDeniedException", "empty token", NULL);
    free(token);
    cf_test_api_mock_stop(&s);
}

Test(mock_api, transcript_lists_what_was_sent_in_pages_without_loss, .timeout = 30)
{
    cf_test_api_mock s;
    cf_test_api_mock_start(&s, CF_TEST_SERVICE, NULL);
    char *token = connect_as(&s, TOKEN_A);
    char ids[7][64];
    cf_test_reply r;
    for (int i = 0; i < 7; i++) {
        char body[128];
        if (i == 3)
            snprintf(body, sizeof(body),
                     "{\"ContentType\":\"application/vnd.amazonaws.connect."
                     "event.typing\"}");
        else
            snprintf(body, sizeof(body), "{\"ContentType\":\"text/plain\",\"Content\":\"m%d\"}", i);
        post(&s, token, i == 3 ? "event" : "message", body, &r);
        cr_assert_eq(r.status, 200, "%s", cf_buf_str(&r.body));
        snprintf(ids[i], sizeof(ids[i]), "%s", cf_test_reply_string(&r, "/Id"));
        cf_test_reply_free(&r);
    }
    char next[128] = "";
    int seen = 0, pages = 0;
    do {
        char body[256];
        if (next[0])
            snprintf(body, sizeof(body), "{\"MaxResults\":3,\"NextToken\":\"%s\"}", next);
        else
            snprintf(body, sizeof(body), "{\"MaxResults\":3}");
        post(&s, token, "transcript", body, &r);
        cr_assert_eq(r.status, 200, "%s", cf_buf_str(&r.body));
        const cJSON *items = cf_json_pointer(r.json, "/Transcript");
        cr_assert(cJSON_IsArray(items));
        const cJSON *it;
        cJSON_ArrayForEach(it, items)
        {
            cr_assert_lt(seen, 7, "more items than sent: %s", cf_buf_str(&r.body));
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "Id");
            cr_assert_str_eq(id->valuestring, ids[seen], "item %d out of order", seen);
            const cJSON *type = cJSON_GetObjectItemCaseSensitive(it, "Type");
            cr_assert_str_eq(type->valuestring, seen == 3 ? "EVENT" : "MESSAGE");
            seen++;
        }
        const cJSON *n = cf_json_pointer(r.json, "/NextToken");
        snprintf(next, sizeof(next), "%s", cJSON_IsString(n) ? n->valuestring : "");
        pages++;
        cf_test_reply_free(&r);
    } while (next[0] && pages < 10);
    cr_assert_eq(seen, 7);
    cr_assert_eq(pages, 3);
    refused(&s, token, "transcript", "{\"NextToken\":\"forged\"}", 400, "ValidationException",
            "forged NextToken", "page token");
    refused(&s, token, "transcript", "{\"MaxResults\":101}", 400, "ValidationException",
            "MaxResults past the model's range", NULL);
    free(token);
    cf_test_api_mock_stop(&s);
}

/* Each connection is its own chat in the fake: two connections of one participant (two cases
 * of one caller running at once) never see each other's messages. */
Test(mock_api, each_connection_keeps_its_own_transcript, .timeout = 20)
{
    cf_test_api_mock s;
    cf_test_api_mock_start(&s, CF_TEST_SERVICE, NULL);
    char *one = connect_as(&s, TOKEN_A);
    char *two = connect_as(&s, TOKEN_A);
    cf_test_reply r;
    post(&s, one, "message", "{\"ContentType\":\"text/plain\",\"Content\":\"to one\"}", &r);
    cr_assert_eq(r.status, 200, "%s", cf_buf_str(&r.body));
    char id[64];
    snprintf(id, sizeof id, "%s", cf_test_reply_string(&r, "/Id"));
    cf_test_reply_free(&r);
    post(&s, two, "transcript", "{}", &r);
    cr_assert_eq(r.status, 200, "%s", cf_buf_str(&r.body));
    cr_expect_eq(cJSON_GetArraySize(cf_json_pointer(r.json, "/Transcript")), 0, "%s",
                 cf_buf_str(&r.body));
    cf_test_reply_free(&r);
    post(&s, one, "transcript", "{}", &r);
    cr_assert_eq(r.status, 200, "%s", cf_buf_str(&r.body));
    cr_expect_str_eq(cf_test_reply_string(&r, "/Transcript/0/Id"), id);
    cr_expect_eq(cJSON_GetArraySize(cf_json_pointer(r.json, "/Transcript")), 1);
    cf_test_reply_free(&r);
    free(one);
    free(two);
    cf_test_api_mock_stop(&s);
}

Test(mock_api, uploads_are_started_completed_then_fetched, .timeout = 20)
{
    cf_test_api_mock s;
    cf_test_api_mock_start(&s, CF_TEST_SERVICE, NULL);
    char *token = connect_as(&s, TOKEN_A);
    cf_test_reply r;
    post(&s, token, "start-attachment-upload",
         "{\"ContentType\":\"text/plain\",\"AttachmentSizeInBytes\":777,\"AttachmentName\":"
         "\"a.txt\",\"ClientToken\":\"up-1\"}",
         &r);
    cr_assert_eq(r.status, 200, "%s", cf_buf_str(&r.body));
    char id[64], body[256];
    snprintf(id, sizeof(id), "%s", cf_test_reply_string(&r, "/AttachmentId"));
    cf_test_reply_free(&r);
    snprintf(body, sizeof(body), "{\"AttachmentId\":\"%s\"}", id);
    refused(&s, token, "attachment", body, 400, "ValidationException", "fetch before complete",
            "uploading");
    char complete[256];
    snprintf(complete, sizeof(complete), "{\"AttachmentIds\":[\"%s\"],\"ClientToken\":\"c-1\"}",
             id);
    post(&s, token, "complete-attachment-upload", complete, &r);
    cr_assert_eq(r.status, 200, "%s", cf_buf_str(&r.body));
    cf_test_reply_free(&r);
    /* the same ClientToken again is a replay, another one a conflict */
    post(&s, token, "complete-attachment-upload", complete, &r);
    cr_assert_eq(r.status, 200, "replay: %s", cf_buf_str(&r.body));
    cf_test_reply_free(&r);
    snprintf(complete, sizeof(complete), "{\"AttachmentIds\":[\"%s\"],\"ClientToken\":\"c-2\"}",
             id);
    refused(&s, token, "complete-attachment-upload", complete, 409, "ConflictException",
            "complete twice", NULL);
    post(&s, token, "attachment", body, &r);
    cr_assert_eq(r.status, 200, "%s", cf_buf_str(&r.body));
    cr_assert_not_null(strstr(cf_test_reply_string(&r, "/Url"), id));
    const cJSON *size = cf_json_pointer(r.json, "/AttachmentSizeInBytes");
    cr_assert(cJSON_IsNumber(size) && size->valueint == 777, "%s", cf_buf_str(&r.body));
    cf_test_reply_free(&r);
    refused(&s, token, "attachment", "{\"AttachmentId\":\"never-started\"}", 400,
            "ValidationException", "unknown attachment", "not known");
    free(token);
    cf_test_api_mock_stop(&s);
}

Test(mock_api, disconnect_ends_the_connection_token_only, .timeout = 20)
{
    cf_test_api_mock s;
    cf_test_api_mock_start(&s, CF_TEST_SERVICE, NULL);
    char *a = connect_as(&s, TOKEN_A);
    char *a2 = connect_as(&s, TOKEN_A);
    cf_test_reply r;
    post(&s, a, "disconnect", "{\"ClientToken\":\"bye\"}", &r);
    cr_assert_eq(r.status, 200, "%s", cf_buf_str(&r.body));
    cf_test_reply_free(&r);
    refused(&s, a, "message", "{\"ContentType\":\"text/plain\",\"Content\":\"late\"}", 403,
            "AccessDeniedException", "message after disconnect", "ended");
    refused(&s, a, "disconnect", "{}", 403, "AccessDeniedException", "disconnect twice", NULL);
    post(&s, a2, "message", "{\"ContentType\":\"text/plain\",\"Content\":\"still\"}", &r);
    cr_assert_eq(r.status, 200, "the other connection ended too: %s", cf_buf_str(&r.body));
    cf_test_reply_free(&r);
    free(a);
    free(a2);
    cf_test_api_mock_stop(&s);
}

Test(mock_api, replays_repeat_the_first_answer_and_append_once, .timeout = 20)
{
    cf_test_api_mock s;
    cf_test_api_mock_start(&s, CF_TEST_SERVICE, NULL);
    char *token = connect_as(&s, TOKEN_A);
    const char *msg = "{\"ContentType\":\"text/plain\",\"Content\":\"once\",\"ClientToken\":\"k\"}";
    cf_test_reply r1, r2, r;
    post(&s, token, "message", msg, &r1);
    post(&s, token, "message", msg, &r2);
    cr_assert_eq(r1.status, 200);
    cr_assert_str_eq(cf_test_reply_string(&r1, "/Id"), cf_test_reply_string(&r2, "/Id"));
    cr_assert_str_eq(cf_test_reply_string(&r1, "/AbsoluteTime"),
                     cf_test_reply_string(&r2, "/AbsoluteTime"));
    cf_test_reply_free(&r1);
    cf_test_reply_free(&r2);
    post(&s, token, "message",
         "{\"ContentType\":\"text/plain\",\"Content\":\"other\",\"ClientToken\":\"k\"}", &r);
    cr_assert_eq(r.status / 100, 4, "a reused token with another payload: %ld", r.status);
    cr_assert_not_null(strstr(cf_test_reply_string(&r, "/Message"), "already used"));
    cf_test_reply_free(&r);
    post(&s, token, "transcript", "{}", &r);
    cr_assert_eq(cJSON_GetArraySize(cf_json_pointer(r.json, "/Transcript")), 1,
                 "a replay was appended again: %s", cf_buf_str(&r.body));
    cf_test_reply_free(&r);
    /* another participant's same token is its own */
    char *other = connect_as(&s, TOKEN_B);
    post(&s, other, "message", msg, &r);
    cr_assert_eq(r.status, 200);
    cf_test_reply_free(&r);
    post(&s, other, "transcript", "{}", &r);
    cr_assert_eq(cJSON_GetArraySize(cf_json_pointer(r.json, "/Transcript")), 1);
    cf_test_reply_free(&r);
    free(other);
    free(token);
    cf_test_api_mock_stop(&s);
}

Test(mock_api, callers_resources_are_their_own_and_views_are_seeded, .timeout = 20)
{
    cf_test_api_mock s;
    cf_test_api_mock_start(&s, CF_TEST_SERVICE, NULL);
    char *a = connect_as(&s, TOKEN_A), *b = connect_as(&s, TOKEN_B);
    cf_test_reply r;
    post(&s, a, "start-attachment-upload",
         "{\"ContentType\":\"text/plain\",\"AttachmentSizeInBytes\":5,\"AttachmentName\":\"x\","
         "\"ClientToken\":\"t\"}",
         &r);
    char body[256];
    snprintf(body, sizeof(body), "{\"AttachmentIds\":[\"%s\"],\"ClientToken\":\"c\"}",
             cf_test_reply_string(&r, "/AttachmentId"));
    cf_test_reply_free(&r);
    refused(&s, b, "complete-attachment-upload", body, 400, "ValidationException",
            "B completes A's upload", NULL);
    char line[1200];
    snprintf(line, sizeof(line), "X-Amz-Bearer: %s", a);
    const char *headers[] = {line, NULL};
    cf_test_api_call(&s, "GET", "/participant/views/conform-demo-view-token", headers, NULL, &r);
    cr_assert_eq(r.status, 200, "%s", cf_buf_str(&r.body));
    cr_assert_not_null(cf_json_pointer(r.json, "/View/Id"));
    cf_test_reply_free(&r);
    cf_test_api_call(&s, "GET", "/participant/views/unknown-view", headers, NULL, &r);
    assert_aws_error(&r, 404, "ResourceNotFoundException", "unknown view");
    cf_test_reply_free(&r);
    free(a);
    free(b);
    cf_test_api_mock_stop(&s);
}

Test(mock_api, routing_errors_carry_the_aws_wire_headers, .timeout = 20)
{
    cf_test_api_mock s;
    cf_test_api_mock_start(&s, CF_TEST_SERVICE, NULL);
    cf_test_reply r;
    char h[128];
    cf_test_api_call(&s, "POST", "/participant/nowhere", NULL, "{}", &r);
    cr_assert_eq(r.status, 404);
    cr_assert(cf_test_reply_header(&r, "x-amzn-RequestId", h, sizeof(h)));
    cr_assert_not_null(strstr(cf_test_reply_string(&r, "/Message"), "11 operations"));
    cf_test_reply_free(&r);
    cf_test_api_call(&s, "GET", "/participant/message", NULL, NULL, &r);
    cr_assert_eq(r.status, 405);
    cr_assert(cf_test_reply_header(&r, "Allow", h, sizeof(h)));
    cr_assert_str_eq(h, "POST");
    cr_assert(cf_test_reply_header(&r, "x-amzn-RequestId", h, sizeof(h)));
    cf_test_reply_free(&r);
    cf_test_api_mock_stop(&s);
}

Test(mock_api, faults_apply_to_every_operation, .timeout = 30)
{
    /* one request per 100 s per caller: the connection takes it, every later call of that
     * participant (through its connection token) is throttled, whatever the operation */
    const char *faults[] = {"throttle=0.01/s", NULL};
    cf_test_api_mock s;
    cf_test_api_mock_start(&s, CF_TEST_SERVICE, faults);
    char *token = connect_as(&s, TOKEN_A);
    static const char *const ops[][2] = {
        {"message", "{\"ContentType\":\"text/plain\",\"Content\":\"x\"}"},
        {"transcript", "{}"},
        {"start-attachment-upload", "{\"ContentType\":\"text/plain\",\"AttachmentSizeInBytes\":5,"
                                    "\"AttachmentName\":\"x\",\"ClientToken\":\"t\"}"},
        {"disconnect", "{}"},
    };
    cf_test_reply r;
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        post(&s, token, ops[i][0], ops[i][1], &r);
        assert_aws_error(&r, 429, "ThrottlingException", ops[i][0]);
        cf_test_reply_free(&r);
    }
    free(token);
    cf_test_api_mock_stop(&s);

    const char *throttled[] = {"error-rate=1:ThrottlingException", NULL};
    cf_test_api_mock_start(&s, CF_TEST_SERVICE, throttled);
    refused(&s, TOKEN_A, "connection", "{}", 429, "ThrottlingException", "error-rate with a code",
            NULL);
    cf_test_api_mock_stop(&s);

    /* a contract without an error catalogue still gets its faults: the role's usual status */
    const char *internal[] = {"error-rate=1", NULL};
    cf_test_api_mock_start(&s, CF_TEST_PETS, internal);
    cf_test_api_call(&s, "GET", "/health", NULL, NULL, &r);
    cr_assert_eq(r.status, 500, "%s", cf_buf_str(&r.body));
    cr_assert_not_null(strstr(cf_test_reply_string(&r, "/message"), "injected fault"));
    cf_test_reply_free(&r);
    cf_test_api_mock_stop(&s);
}

/* ---- the overlay's mock keys ------------------------------------------------------------------
 */

/* Applies an overlay text over the bundled botocore model; the first diagnostic in `why`. */
static cf_rc load_with_overlay(const char *overlay_text, char *why, size_t n)
{
    cf_buf b;
    char err[256];
    cr_assert_eq(cf_file_read(CF_TEST_SPEC_DIR "connectparticipant-2018-09-07.service-2.json",
                              8u << 20, &b, err, sizeof(err)),
                 CF_OK, "%s", err);
    cJSON *model = cJSON_Parse(cf_buf_str(&b));
    cJSON *overlay = cJSON_Parse(overlay_text);
    cr_assert(model && overlay);
    cf_diags d;
    cf_diags_init(&d);
    cf_api *api = NULL;
    cf_rc rc = cf_aws_load("model.json", model, "test.overlay.json", overlay, &api, &d);
    snprintf(why, n, "%s %s", d.count ? d.items[0].path : "", d.count ? d.items[0].message : "");
    cf_diags_cleanup(&d);
    cf_api_free(api);
    cJSON_Delete(model);
    cJSON_Delete(overlay);
    cf_buf_free(&b);
    return rc;
}

Test(mock_api, overlay_mock_keys_are_checked_with_clear_errors, .timeout = 20)
{
    static const struct {
        const char *mock;
        const char *says;
    } cases[] = {
        {"{\"consumes\":[{\"resource\":\"X\",\"in\":\"header\",\"where\":\"X-Amz-Bearer\","
         "\"ends\":\"yes\"}]}",
         "/ends expected true or false"},
        {"{\"consumes\":[{\"resource\":\"X\",\"in\":\"body\",\"where\":\"/"
         "X\",\"seeds\":[\"nope\"]}]}",
         "unknown variable \"nope\""},
        {"{\"lists\":{\"collection\":\"t\",\"items\":\"/T\",\"page\":1}}",
         "unknown key \"page\" (allowed: collection, items, limit, cursor, next, default_limit)"},
        {"{\"lists\":{\"collection\":\"t\"}}", "\"items\" is missing"},
        {"{\"appends\":{\"collection\":\"t\"}}", "\"item\" is missing"},
        {"{\"appends\":{\"collection\":\"\",\"item\":{}}}", "expected a non-empty string"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[1024], why[512];
        snprintf(text, sizeof(text),
                 "{\"overlay\":1,\"operations\":{\"GetTranscript\":{\"mock\":%s}}}", cases[i].mock);
        cr_assert_eq(load_with_overlay(text, why, sizeof(why)), CF_E_INVALID, "case %zu", i);
        cr_assert_not_null(strstr(why, cases[i].says), "case %zu: '%s'", i, why);
        cr_assert_not_null(strstr(why, "/operations/GetTranscript/mock"), "case %zu: '%s'", i, why);
    }
}

/* ---- hostile requests --------------------------------------------------------------------------
 */

static uint64_t next_rand(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Thousands of seeded, mangled requests against every operation (paths, queries, bodies and
 * credentials cut, flipped and swapped): never a 5xx, always a JSON body, never a secret. */
Test(mock_api, mangled_requests_never_break_the_service, .timeout = 120)
{
    cf_test_api_mock s;
    cf_test_api_mock_start(&s, CF_TEST_SERVICE, NULL);
    char *token = connect_as(&s, TOKEN_A);
    static const char *const methods[] = {"POST", "GET", "PUT", "DELETE"};
    static const char *const bodies[] = {
        "{\"ContentType\":\"text/plain\",\"Content\":\"hi\",\"ClientToken\":\"x\"}",
        "{\"ContentType\":\"text/plain\",\"AttachmentSizeInBytes\":5,\"AttachmentName\":\"a\","
        "\"ClientToken\":\"t\"}",
        "{\"AttachmentIds\":[\"a\",\"b\"],\"ClientToken\":\"c\"}",
        "{\"MaxResults\":1,\"NextToken\":\"conform-page-2\",\"StartPosition\":{\"Id\":\"x\"}}",
        "{\"SessionId\":\"0123456789abcdef0123456789abcdef0123\",\"RedirectUri\":\"https://x\"}",
        "{\"Type\":[\"WEBSOCKET\"],\"ConnectParticipant\":true}",
        "[]",
        "",
    };
    const char *bearers[] = {TOKEN_A, TOKEN_B, token, "", "%zz\xff\xfe", "conform-connection-"};
    const cf_api *api = s.suite->api;
    uint64_t seed = 0x2545F4914F6CDD1Dull;
    char path[512], body[512];
    for (int i = 0; i < 4000; i++) {
        const cf_api_operation *op = &api->operations[next_rand(&seed) % api->operation_count];
        snprintf(path, sizeof(path), "%s", op->path);
        char *brace = strchr(path, '{');
        if (brace)
            snprintf(brace, sizeof(path) - (size_t)(brace - path), "%s",
                     next_rand(&seed) % 2 ? "conform-demo-view-token" : "v%2Fx");
        if (next_rand(&seed) % 4 == 0)
            snprintf(path + strlen(path), sizeof(path) - strlen(path), "?a=%%41&b&=c&%s",
                     next_rand(&seed) % 2 ? "MaxResults=1" : "%%%");
        if (next_rand(&seed) % 8 == 0)
            path[next_rand(&seed) % strlen(path)] = '\0';
        const char *b = bodies[next_rand(&seed) % (sizeof(bodies) / sizeof(bodies[0]))];
        snprintf(body, sizeof(body), "%s", b);
        size_t len = strlen(body);
        if (len && next_rand(&seed) % 3 == 0)
            body[next_rand(&seed) % len] = (char)(next_rand(&seed) & 0xff);
        if (len && next_rand(&seed) % 3 == 0)
            len = next_rand(&seed) % len;
        cf_headers h = {0};
        if (next_rand(&seed) % 8)
            cr_assert_eq(
                cf_headers_add(&h, "X-Amz-Bearer",
                               bearers[next_rand(&seed) % (sizeof(bearers) / sizeof(bearers[0]))]),
                CF_OK);
        if (next_rand(&seed) % 8)
            cr_assert_eq(cf_headers_add(&h, "Content-Type", "application/json"), CF_OK);
        cf_mock_answer a;
        const char *method = methods[next_rand(&seed) % 4];
        cr_assert_eq(cf_mock_handle(s.mock, method, path, &h, body, len, &a), CF_OK);
        cr_assert_lt(a.status, 500, "%s %s %.*s -> %d %s", method, path, (int)len, body, a.status,
                     a.body);
        cJSON *j = cJSON_Parse(a.body);
        cr_assert(j || a.body_len == 0, "not JSON: %s", a.body);
        cJSON_Delete(j);
        for (size_t k = 0; k < 3; k++)
            cr_assert_null(strstr(a.body, bearers[k]), "a credential echoed: %s", a.body);
        cf_mock_answer_cleanup(&a);
        cf_headers_cleanup(&h);
    }
    free(token);
    cf_test_api_mock_stop(&s);
}
