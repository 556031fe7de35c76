/* fault_proxy_faults.c - the faults of the fault proxy: each rewrites a request on its way to
 * the mock or the answer on its way back (see fault_proxy.h for the list). */
#include "fault_proxy_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/timefmt.h"
#include "base/uuid.h"
#include "contract/template.h"
#include "net_util.h"

#define SLOW_MS 2100u     /* the bundled specs' budget is 2000 ms */
#define IN_FLIGHT_MS 500u /* how long concurrent-duplicates keeps requests open */
#define CONSTANT_ID "conform-constant-id"

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* ---- JSON of the request and of the answer ------------------------------------------------ */

static cJSON *parse(const cf_buf *b)
{
    cJSON *json = NULL;
    if (cf_json_parse(b->ptr ? b->ptr : "", b->len, 64, &json, NULL) != CF_OK)
        return NULL;
    return json;
}

/* Replaces the bytes of `b` with the compact form of `json` (which it frees). 1 on success. */
static int reprint(cf_buf *b, cJSON *json)
{
    char *text = cJSON_PrintUnformatted(json);
    cJSON_Delete(json);
    if (!text)
        return 0;
    cf_buf_free(b);
    cf_buf_init(b, BODY_MAX);
    int ok = cf_buf_adds(b, text) == CF_OK;
    free(text);
    return ok;
}

static int is_success(const exchange *x)
{
    if (x->p->aws)
        return x->status >= 200 && x->status < 300;
    cJSON *json = parse(&x->resp_body);
    int yes = cJSON_IsTrue(cf_json_pointer(json, "/success"));
    cJSON_Delete(json);
    return yes;
}

static int is_error(const exchange *x)
{
    if (x->p->aws)
        return x->status >= 300;
    cJSON *json = parse(&x->resp_body);
    int yes = cJSON_IsFalse(cf_json_pointer(json, "/success"));
    cJSON_Delete(json);
    return yes;
}

/* Sets `pointer` in the answer body to `value` (taken). 1 when the body changed. */
static int resp_set(exchange *x, const char *pointer, cJSON *value)
{
    cJSON *json = parse(&x->resp_body);
    if (!json || !value || cf_json_pointer_set(json, pointer, value) != CF_OK) {
        if (!json)
            cJSON_Delete(value);
        cJSON_Delete(json);
        return 0;
    }
    return reprint(&x->resp_body, json);
}

static int resp_remove(exchange *x, const char *pointer)
{
    cJSON *json = parse(&x->resp_body);
    if (!json || cf_json_pointer_remove(json, pointer) != CF_OK) {
        cJSON_Delete(json);
        return 0;
    }
    return reprint(&x->resp_body, json);
}

/* The answer member at `pointer` as a new string; NULL when absent or not a string. */
static char *resp_string(const exchange *x, const char *pointer)
{
    cJSON *json = parse(&x->resp_body);
    const cJSON *v = cf_json_pointer(json, pointer);
    char *s = cJSON_IsString(v) ? dup_str(v->valuestring) : NULL;
    cJSON_Delete(json);
    return s;
}

static const char *auth_value(const exchange *x)
{
    const char *h = x->p->auth_header;
    return h ? cf_headers_get(&x->req_headers, h) : NULL;
}

static int set_header(cf_headers *h, const char *name, const char *value)
{
    cf_headers_remove(h, name);
    return cf_headers_add(h, name, value) == CF_OK;
}

/* The internal error of the spec's catalogue, in the profile's wire format. */
static int answer_internal(exchange *x)
{
    const cf_api *api = x->p->api;
    const char *code = api->roles[CF_API_ROLE_INTERNAL].code;
    const cf_api_error *e = code ? cf_api_error_find(api, code) : NULL;
    int status = e ? e->status : 500;
    char id[37];
    cf_uuid_v4(id);
    cf_headers_cleanup(&x->resp_headers);
    cf_buf_free(&x->resp_body);
    cf_buf_init(&x->resp_body, BODY_MAX);
    x->status = status > 0 ? status : 500;
    int ok = set_header(&x->resp_headers, "Content-Type", "application/json") &&
             set_header(&x->resp_headers, "x-amzn-RequestId", id);
    if (x->p->aws) {
        ok = ok && set_header(&x->resp_headers, "x-amzn-ErrorType", code ? code : "Internal") &&
             cf_buf_adds(&x->resp_body, "{\"Message\":\"Internal server error\"}") == CF_OK;
    } else {
        ok = ok && cf_buf_addf(&x->resp_body,
                               "{\"success\":false,\"error\":{\"code\":\"%s\",\"message\":"
                               "\"Internal server error\"}}",
                               code ? code : "INTERNAL_ERROR") == CF_OK;
    }
    x->answered = 1;
    return ok;
}

/* The request body as a JSON object; NULL when it is not one. */
static cJSON *req_object(const exchange *x)
{
    cJSON *json = parse(&x->req_body);
    if (!cJSON_IsObject(json)) {
        cJSON_Delete(json);
        return NULL;
    }
    return json;
}

/* A token the mock would accept (a string of 1..500 characters); NULL otherwise. */
static const char *usable_token(const cJSON *body)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(body, "ClientToken");
    if (!cJSON_IsString(t) || !t->valuestring[0] || strlen(t->valuestring) > 500)
        return NULL;
    return t->valuestring;
}

static int replace_token(exchange *x, cJSON *body, const char *token)
{
    cJSON *v = cJSON_CreateString(token);
    if (!v || !cJSON_ReplaceItemInObjectCaseSensitive(body, "ClientToken", v)) {
        cJSON_Delete(v);
        cJSON_Delete(body);
        return 0;
    }
    return reprint(&x->req_body, body);
}

/* ---- request faults ----------------------------------------------------------------------- */

static int size_is(const cJSON *body, double value)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, "AttachmentSizeInBytes");
    return cJSON_IsNumber(v) && v->valuedouble == value;
}

static int f_size_outside_accepted(exchange *x)
{
    cJSON *body = req_object(x);
    if (!body || !size_is(body, 20971521.0)) {
        cJSON_Delete(body);
        return 0;
    }
    cJSON_ReplaceItemInObjectCaseSensitive(body, "AttachmentSizeInBytes",
                                           cJSON_CreateNumber(20971520.0));
    return reprint(&x->req_body, body);
}

static int f_5xx_inside_boundary(exchange *x)
{
    cJSON *body = req_object(x);
    int hit = body && size_is(body, 20971520.0);
    cJSON_Delete(body);
    return hit && answer_internal(x);
}

static int f_accept_unsupported_content_type(exchange *x)
{
    const char *ct = cf_headers_get(&x->req_headers, "content-type");
    if (!ct || !cf_http_media_type_is(ct, "text/plain"))
        return 0;
    return set_header(&x->req_headers, "Content-Type", "application/json");
}

static int f_missing_client_token_accepted(exchange *x)
{
    cJSON *body = req_object(x);
    if (!body || cJSON_GetObjectItemCaseSensitive(body, "ClientToken")) {
        cJSON_Delete(body);
        return 0;
    }
    char id[37];
    cf_uuid_v4(id);
    cJSON_AddStringToObject(body, "ClientToken", id);
    return reprint(&x->req_body, body);
}

static int f_no_credentials_succeeds(exchange *x)
{
    const char *h = x->p->auth_header;
    if (!h || !x->p->bearer || cf_headers_get(&x->req_headers, h))
        return 0;
    return cf_headers_add(&x->req_headers, h, x->p->bearer) == CF_OK;
}

static int f_5xx_on_non_json(exchange *x)
{
    cJSON *json = parse(&x->req_body);
    if (json) {
        cJSON_Delete(json);
        return 0;
    }
    return answer_internal(x);
}

static int f_slow(exchange *x)
{
    (void)x;
    cf_test_sleep_ms(SLOW_MS);
    return 1;
}

static int f_replay_new_resource(exchange *x)
{
    cJSON *body = req_object(x);
    if (!body || !usable_token(body)) {
        cJSON_Delete(body);
        return 0;
    }
    char id[37];
    char token[64];
    cf_uuid_v4(id);
    snprintf(token, sizeof(token), "fresh-%s", id);
    return replace_token(x, body, token);
}

static uint64_t fnv64(const char *s, uint64_t h)
{
    for (; s && *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (h ^ 0xffu) * 1099511628211ull; /* a separator between the parts */
}

static int f_mismatch_accepted(exchange *x)
{
    static const char *const params[] = {"ContentType", "AttachmentSizeInBytes", "AttachmentName"};
    cJSON *body = req_object(x);
    const char *token = body ? usable_token(body) : NULL;
    if (!token) {
        cJSON_Delete(body);
        return 0;
    }
    uint64_t h = fnv64(token, 14695981039346656037ull);
    for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
        char *v = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(body, params[i]));
        h = fnv64(v, h);
        free(v);
    }
    char derived[40];
    snprintf(derived, sizeof(derived), "p-%016llx", (unsigned long long)h);
    return replace_token(x, body, derived);
}

static int f_shared_across_callers(exchange *x)
{
    const char *have = auth_value(x);
    if (!have || !x->p->bearer_alt || strcmp(have, x->p->bearer_alt) != 0)
        return 0;
    return set_header(&x->req_headers, x->p->auth_header, x->p->bearer);
}

/* Registers (credential, token) as in flight; a duplicate gets a suffixed token. */
static int f_duplicates_begin(exchange *x)
{
    proxy *p = x->p;
    cJSON *body = req_object(x);
    const char *token = body ? usable_token(body) : NULL;
    const char *auth = auth_value(x);
    if (!token) {
        cJSON_Delete(body);
        cf_test_sleep_ms(IN_FLIGHT_MS);
        return 0;
    }
    size_t n = strlen(token) + (auth ? strlen(auth) : 0) + 2;
    char *key = malloc(n);
    if (!key) {
        cJSON_Delete(body);
        return 0;
    }
    snprintf(key, n, "%s\n%s", auth ? auth : "", token);
    int duplicate = 0;
    pthread_mutex_lock(&p->lock);
    for (size_t i = 0; i < p->flight_count && !duplicate; i++)
        if (strcmp(p->flights[i].key, key) == 0) {
            p->flights[i].count++;
            duplicate = 1;
        }
    if (!duplicate) {
        if (p->flight_count == p->flight_cap) {
            size_t cap = p->flight_cap ? p->flight_cap * 2 : 16;
            flight *f = realloc(p->flights, cap * sizeof(*f));
            if (f) {
                p->flights = f;
                p->flight_cap = cap;
            }
        }
        char *copy = p->flight_count < p->flight_cap ? dup_str(key) : NULL;
        if (copy)
            p->flights[p->flight_count++] = (flight){copy, 1};
    }
    pthread_mutex_unlock(&p->lock);
    x->in_flight = key;
    cf_test_sleep_ms(IN_FLIGHT_MS); /* so that the copies sent together overlap here */
    if (!duplicate) {
        cJSON_Delete(body);
        return 0;
    }
    char suffixed[600];
    snprintf(suffixed, sizeof(suffixed), "%.480s-dup%u", token,
             atomic_fetch_add(&p->counter, 1) + 1);
    return replace_token(x, body, suffixed);
}

/* ---- answer faults ------------------------------------------------------------------------ */

static int f_content_type_html(exchange *x)
{
    return set_header(&x->resp_headers, "Content-Type", "text/html; charset=utf-8");
}

static int f_truncated_json(exchange *x)
{
    if (x->resp_body.len < 2)
        return 0;
    x->resp_body.len /= 2;
    x->resp_body.ptr[x->resp_body.len] = '\0';
    return 1;
}

static int f_extra_member(exchange *x)
{
    return resp_set(x, "/conform_extra_member", cJSON_CreateTrue());
}

static int f_missing_member(exchange *x)
{
    if (!is_success(x))
        return 0;
    return resp_remove(x, x->p->aws ? "/UploadMetadata" : "/data");
}

static int f_success_string(exchange *x)
{
    if (is_success(x))
        return resp_set(x, "/success", cJSON_CreateString("true"));
    if (is_error(x))
        return resp_set(x, "/success", cJSON_CreateString("false"));
    return 0;
}

static int f_unknown_error_code(exchange *x)
{
    if (!is_error(x))
        return 0;
    if (x->p->aws)
        return set_header(&x->resp_headers, "x-amzn-ErrorType", "ConformUnknownException");
    return resp_set(x, "/error/code", cJSON_CreateString("CONFORM_UNKNOWN_CODE"));
}

static int f_error_status_200(exchange *x)
{
    if (!is_error(x))
        return 0;
    x->status = 200;
    return 1;
}

static int f_missing_error_message(exchange *x)
{
    if (!is_error(x))
        return 0;
    return resp_remove(x, x->p->aws ? "/Message" : "/error/message");
}

static int f_bad_timestamp(exchange *x)
{
    if (!is_success(x))
        return 0;
    return resp_set(x, x->p->aws ? "/UploadMetadata/UrlExpiry" : "/data/created_at",
                    cJSON_CreateString("yesterday"));
}

static int f_expiry_before_creation(exchange *x)
{
    if (!is_success(x))
        return 0;
    char when[25];
    if (x->p->aws) {
        cf_time_format_millis(cf_time_now_ms() - 60000, when);
        return resp_set(x, "/UploadMetadata/UrlExpiry", cJSON_CreateString(when));
    }
    char *created = resp_string(x, "/data/created_at");
    int64_t ms = 0;
    int ok = created && cf_time_parse_rfc3339(created, strlen(created), &ms);
    free(created);
    if (!ok)
        return 0;
    cf_time_format_millis(ms - 60000, when);
    return resp_set(x, "/data/url_expiry", cJSON_CreateString(when));
}

static int f_missing_error_type(exchange *x)
{
    if (!is_error(x) || !cf_headers_get(&x->resp_headers, "x-amzn-ErrorType"))
        return 0;
    cf_headers_remove(&x->resp_headers, "x-amzn-ErrorType");
    return 1;
}

static int f_empty_attachment_id(exchange *x)
{
    if (!is_success(x))
        return 0;
    return resp_set(x, "/AttachmentId", cJSON_CreateString(""));
}

static int f_replay_changed_created_at(exchange *x)
{
    if (!is_success(x))
        return 0;
    char *created = resp_string(x, "/data/created_at");
    int64_t ms = 0;
    int ok = created && cf_time_parse_rfc3339(created, strlen(created), &ms);
    free(created);
    if (!ok)
        return 0;
    char when[25];
    cf_time_format_millis(ms + 1 + (int64_t)atomic_fetch_add(&x->p->counter, 1), when);
    return resp_set(x, "/data/created_at", cJSON_CreateString(when));
}

static int f_constant_id(exchange *x)
{
    if (!is_success(x))
        return 0;
    return resp_set(x, x->p->aws ? "/AttachmentId" : "/data/id", cJSON_CreateString(CONSTANT_ID));
}

static int f_duplicates_end(exchange *x)
{
    proxy *p = x->p;
    if (!x->in_flight)
        return 0;
    pthread_mutex_lock(&p->lock);
    for (size_t i = 0; i < p->flight_count; i++) {
        if (strcmp(p->flights[i].key, x->in_flight) != 0)
            continue;
        if (--p->flights[i].count == 0) {
            free(p->flights[i].key);
            p->flights[i] = p->flights[--p->flight_count];
        }
        break;
    }
    pthread_mutex_unlock(&p->lock);
    return 0;
}

static int f_echo_token(exchange *x)
{
    const char *auth = auth_value(x);
    if (!auth || !*auth || !is_error(x))
        return 0;
    const char *where = x->p->aws ? "/Message" : "/error/message";
    char *was = resp_string(x, where);
    cf_buf msg;
    cf_buf_init(&msg, 64 * 1024);
    int ok = cf_buf_addf(&msg, "%s (caller %s)", was ? was : "rejected", auth) == CF_OK &&
             resp_set(x, where, cJSON_CreateString(cf_buf_str(&msg)));
    cf_buf_free(&msg);
    free(was);
    return ok;
}

/* Planted for conform fuzz's tests (test_cli_fuzz.c): an odd-but-valid AttachmentName (JSON,
 * HTML or shell metacharacters) crashes the server; an empty one (minLength 1) is accepted. */
static int f_5xx_on_meta_string(exchange *x)
{
    cJSON *body = req_object(x);
    const cJSON *name = body ? cJSON_GetObjectItemCaseSensitive(body, "AttachmentName") : NULL;
    int hit = cJSON_IsString(name) && strpbrk(name->valuestring, "<'\\\"`") != NULL;
    cJSON_Delete(body);
    return hit && answer_internal(x);
}

static int f_empty_name_accepted(exchange *x)
{
    cJSON *body = req_object(x);
    const cJSON *name = body ? cJSON_GetObjectItemCaseSensitive(body, "AttachmentName") : NULL;
    if (!cJSON_IsString(name) || name->valuestring[0]) {
        cJSON_Delete(body);
        return 0;
    }
    cJSON_ReplaceItemInObjectCaseSensitive(body, "AttachmentName", cJSON_CreateString("x"));
    return reprint(&x->req_body, body);
}

/* Only a mutant from the edge-value dictionary carries "../": a 500 for it in any member. */
static int f_5xx_on_traversal(exchange *x)
{
    cJSON *body = req_object(x);
    int hit = 0;
    for (const cJSON *m = body ? body->child : NULL; m && !hit; m = m->next)
        hit = cJSON_IsString(m) && strstr(m->valuestring, "../") != NULL;
    cJSON_Delete(body);
    return hit && answer_internal(x);
}

/* Outside the table below: test_runner.c holds every fault of that table to a hand-written
 * case, and these are the ones only generated requests are meant to find. */
static const fault fuzz_faults[] = {
    {"5xx-on-meta-string", P_BOTH, f_5xx_on_meta_string, NULL},
    {"empty-name-accepted", P_BOTH, f_empty_name_accepted, NULL},
    {"5xx-on-traversal", P_BOTH, f_5xx_on_traversal, NULL},
};

static const fault faults[] = {
    {"content-type-html", P_BOTH, NULL, f_content_type_html},
    {"truncated-json", P_BOTH, NULL, f_truncated_json},
    {"extra-member", P_ENVELOPE, NULL, f_extra_member},
    {"missing-member", P_BOTH, NULL, f_missing_member},
    {"success-string", P_ENVELOPE, NULL, f_success_string},
    {"unknown-error-code", P_BOTH, NULL, f_unknown_error_code},
    {"error-status-200", P_BOTH, NULL, f_error_status_200},
    {"missing-error-message", P_BOTH, NULL, f_missing_error_message},
    {"bad-timestamp", P_BOTH, NULL, f_bad_timestamp},
    {"expiry-before-creation", P_BOTH, NULL, f_expiry_before_creation},
    {"size-outside-accepted", P_BOTH, f_size_outside_accepted, NULL},
    {"5xx-inside-boundary", P_BOTH, f_5xx_inside_boundary, NULL},
    {"accept-unsupported-content-type", P_BOTH, f_accept_unsupported_content_type, NULL},
    {"missing-client-token-accepted", P_BOTH, f_missing_client_token_accepted, NULL},
    {"no-credentials-succeeds", P_BOTH, f_no_credentials_succeeds, NULL},
    {"5xx-on-non-json", P_BOTH, f_5xx_on_non_json, NULL},
    {"slow", P_BOTH, f_slow, NULL},
    {"missing-error-type", P_AWS, NULL, f_missing_error_type},
    {"empty-attachment-id", P_AWS, NULL, f_empty_attachment_id},
    {"replay-new-resource", P_BOTH, f_replay_new_resource, NULL},
    {"replay-changed-created-at", P_ENVELOPE, NULL, f_replay_changed_created_at},
    {"mismatch-accepted", P_BOTH, f_mismatch_accepted, NULL},
    {"shared-across-callers", P_BOTH, f_shared_across_callers, NULL},
    {"constant-id", P_BOTH, NULL, f_constant_id},
    {"concurrent-duplicates", P_BOTH, f_duplicates_begin, f_duplicates_end},
    {"echo-token", P_BOTH, NULL, f_echo_token},
};
#define FAULT_COUNT (sizeof(faults) / sizeof(faults[0]))

const fault *cf_fault_find(const char *name)
{
    for (size_t i = 0; i < FAULT_COUNT; i++)
        if (strcmp(faults[i].name, name) == 0)
            return &faults[i];
    for (size_t i = 0; i < sizeof(fuzz_faults) / sizeof(fuzz_faults[0]); i++)
        if (strcmp(fuzz_faults[i].name, name) == 0)
            return &fuzz_faults[i];
    return cf_fault_gen_find(name);
}

size_t cf_fault_count(void)
{
    return FAULT_COUNT;
}

const char *cf_fault_name(size_t i)
{
    return i < FAULT_COUNT ? faults[i].name : NULL;
}

int cf_fault_applies(const char *name, int aws)
{
    const fault *f = name ? cf_fault_find(name) : NULL;
    return f && (f->profiles & (aws ? P_AWS : P_ENVELOPE)) != 0;
}

/* The helpers fault_proxy_gen.c shares (fault_proxy_internal.h). */
int cf_fault_answer_internal(exchange *x)
{
    return answer_internal(x);
}

cJSON *cf_fault_req_object(const exchange *x)
{
    return req_object(x);
}

int cf_fault_reprint(cf_buf *b, cJSON *json)
{
    return reprint(b, json);
}
