/* fault_proxy.c - a libmicrohttpd proxy in front of a conforming mock that breaks one named
 * rule of the contract on the way through (see fault_proxy.h for the list). */
#include "fault_proxy.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <curl/curl.h>
#include <microhttpd.h>

#include "base/buf.h"
#include "http/http.h"
#include "base/json.h"
#include "mock/mock.h"
#include "contract/spec.h"
#include "contract/template.h"
#include "base/timefmt.h"
#include "base/uuid.h"
#include "cli/target.h"
#include "contract/vars.h"

#define BODY_MAX (8u * 1024u * 1024u) /* request and answer bodies the proxy carries */
#define SLOW_MS 2100u                 /* the bundled specs' budget is 2000 ms */
#define IN_FLIGHT_MS 500u             /* how long concurrent-duplicates keeps requests open */
#define CONSTANT_ID "conform-constant-id"

enum { P_ENVELOPE = 1, P_AWS = 2, P_BOTH = 3 };

typedef struct cf_fault_proxy proxy;

/* One request on its way through: what came in, and the answer that will go out. */
typedef struct {
    proxy *p;
    const char *method;
    const char *url;
    cf_headers req_headers;
    cf_buf req_body;
    int req_has_body; /* Content-Length or Transfer-Encoding was present */
    long status;      /* 0: no answer yet */
    cf_headers resp_headers;
    cf_buf resp_body;
    int answered;       /* 1: a before-hook answered; nothing is forwarded */
    char *in_flight;    /* concurrent-duplicates: key registered while forwarding */
    cf_headers pending; /* header block being received (reset on each status line) */
} exchange;

/* A fault: `before` may rewrite the request or answer it; `after` rewrites the answer. Each
 * returns 1 when it changed something. */
typedef int (*hook_fn)(exchange *x);

typedef struct {
    const char *name;
    unsigned profiles;
    hook_fn before;
    hook_fn after;
} fault;

typedef struct {
    char *key;
    unsigned count;
} flight;

struct cf_fault_proxy {
    cf_spec *spec;
    cf_secrets vars;
    cf_mock *mock;
    struct MHD_Daemon *daemon;
    const fault *fault; /* NULL: conforming */
    int aws;            /* 1: status-classified (AWS) profile */
    const char *bearer; /* borrowed from vars */
    const char *bearer_alt;
    char url[64];
    atomic_uint requests;
    atomic_uint applied;
    atomic_uint counter; /* answers shifted by replay-changed-created-at, dup suffixes */
    pthread_mutex_t lock;
    flight *flights; /* requests in flight (concurrent-duplicates) */
    size_t flight_count;
    size_t flight_cap;
};

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

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
    const char *h = x->p->spec->op.auth_header;
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
    const cf_spec *spec = x->p->spec;
    const char *code = cf_spec_role_code(spec, CF_ROLE_INTERNAL);
    int status = code ? cf_spec_code_status(spec, code) : 500;
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
    const char *h = x->p->spec->op.auth_header;
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
    sleep_ms(SLOW_MS);
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
    return set_header(&x->req_headers, x->p->spec->op.auth_header, x->p->bearer);
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
        sleep_ms(IN_FLIGHT_MS);
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
    sleep_ms(IN_FLIGHT_MS); /* so that the copies sent together overlap here */
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

static const fault *find_fault(const char *name)
{
    for (size_t i = 0; i < FAULT_COUNT; i++)
        if (strcmp(faults[i].name, name) == 0)
            return &faults[i];
    return NULL;
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
    const fault *f = name ? find_fault(name) : NULL;
    return f && (f->profiles & (aws ? P_AWS : P_ENVELOPE)) != 0;
}

/* ---- forwarding with libcurl easy --------------------------------------------------------- */

static size_t on_header(char *data, size_t size, size_t n, void *user)
{
    exchange *x = user;
    size_t len = size * n;
    size_t end = len;
    while (end && (data[end - 1] == '\r' || data[end - 1] == '\n'))
        end--;
    if (end >= 5 && memcmp(data, "HTTP/", 5) == 0) {
        cf_headers_cleanup(&x->pending); /* 1xx or a new response: start afresh */
        return len;
    }
    const char *colon = memchr(data, ':', end);
    if (colon && cf_headers_addn(&x->pending, data, (size_t)(colon - data), colon + 1,
                                 end - (size_t)(colon - data) - 1) != CF_OK)
        return 0;
    return len;
}

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
    exchange *x = user;
    return cf_buf_add(&x->resp_body, data, size * n) == CF_OK ? size * n : 0;
}

/* Headers that belong to one hop, not to the message. */
static int hop_header(const char *name)
{
    static const char *const hop[] = {"Host",       "Content-Length",    "Connection",
                                      "Keep-Alive", "Transfer-Encoding", "Expect",
                                      "Date"};
    for (size_t i = 0; i < sizeof(hop) / sizeof(hop[0]); i++)
        if (strcasecmp(name, hop[i]) == 0)
            return 1;
    return 0;
}

static struct curl_slist *add_line(struct curl_slist *list, const char *name, const char *value,
                                   int *ok)
{
    char line[16384];
    if (value && value[0])
        snprintf(line, sizeof(line), "%s: %s", name, value);
    else
        snprintf(line, sizeof(line), "%s%s", name, value ? ";" : ":");
    struct curl_slist *next = curl_slist_append(list, line);
    if (!next)
        *ok = 0;
    return next ? next : list;
}

static void forward(exchange *x)
{
    char url[4096];
    snprintf(url, sizeof(url), "%s%s", cf_mock_url(x->p->mock), x->url);
    struct curl_slist *list = NULL;
    int ok = 1;
    for (size_t i = 0; i < x->req_headers.count; i++)
        if (!hop_header(x->req_headers.items[i].name))
            list = add_line(list, x->req_headers.items[i].name, x->req_headers.items[i].value, &ok);
    /* Nothing curl would add on its own may reach the mock. */
    list = add_line(list, "Expect", NULL, &ok);
    if (!cf_headers_get(&x->req_headers, "Accept"))
        list = add_line(list, "Accept", NULL, &ok);
    if (!cf_headers_get(&x->req_headers, "Content-Type"))
        list = add_line(list, "Content-Type", NULL, &ok);
    CURL *e = ok ? curl_easy_init() : NULL;
    CURLcode rc = CURLE_FAILED_INIT;
    if (e) {
        curl_easy_setopt(e, CURLOPT_URL, url);
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, x->method);
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, list);
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 30000L);
        curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(e, CURLOPT_HEADERDATA, (void *)x);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, (void *)x);
        if (x->req_has_body) {
            curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)x->req_body.len);
            curl_easy_setopt(e, CURLOPT_POSTFIELDS, cf_buf_str(&x->req_body));
        }
        rc = curl_easy_perform(e);
        long status = 0;
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
        x->status = rc == CURLE_OK ? status : 0;
        curl_easy_cleanup(e);
    }
    curl_slist_free_all(list);
    cf_headers_cleanup(&x->resp_headers);
    x->resp_headers = x->pending;
    memset(&x->pending, 0, sizeof(x->pending));
    if (rc != CURLE_OK) {
        /* The mock did not answer: say so plainly; the runner's checks will fail. */
        x->status = 502;
        cf_headers_cleanup(&x->resp_headers);
        cf_buf_free(&x->resp_body);
        cf_buf_init(&x->resp_body, BODY_MAX);
        if (!set_header(&x->resp_headers, "Content-Type", "text/plain") ||
            cf_buf_addf(&x->resp_body, "fault proxy: the mock did not answer: %s",
                        curl_easy_strerror(rc)) != CF_OK)
            x->status = 500;
    }
}

/* ---- the libmicrohttpd side --------------------------------------------------------------- */

typedef struct {
    cf_buf body;
} request_ctx;

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    (void)kind;
    exchange *x = cls;
    if (strcasecmp(key, "Content-Length") == 0 || strcasecmp(key, "Transfer-Encoding") == 0)
        x->req_has_body = 1;
    return cf_headers_add(&x->req_headers, key, value ? value : "") == CF_OK ? MHD_YES : MHD_NO;
}

static void exchange_cleanup(exchange *x)
{
    cf_headers_cleanup(&x->req_headers);
    cf_buf_free(&x->req_body);
    cf_headers_cleanup(&x->resp_headers);
    cf_headers_cleanup(&x->pending);
    cf_buf_free(&x->resp_body);
    free(x->in_flight);
}

static enum MHD_Result answer(struct MHD_Connection *c, exchange *x)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        x->resp_body.len, (void *)cf_buf_str(&x->resp_body), MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    for (size_t i = 0; i < x->resp_headers.count; i++)
        if (!hop_header(x->resp_headers.items[i].name))
            MHD_add_response_header(r, x->resp_headers.items[i].name,
                                    x->resp_headers.items[i].value);
    enum MHD_Result res = MHD_queue_response(c, (unsigned)x->status, r);
    MHD_destroy_response(r);
    return res;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    proxy *p = cls;
    (void)version;
    request_ctx *ctx = *con_cls;
    if (!ctx) {
        if (!(ctx = calloc(1, sizeof(*ctx))))
            return MHD_NO;
        cf_buf_init(&ctx->body, BODY_MAX);
        *con_cls = ctx;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (cf_buf_add(&ctx->body, upload_data, *upload_data_size) != CF_OK)
            return MHD_NO;
        *upload_data_size = 0;
        return MHD_YES;
    }
    exchange x;
    memset(&x, 0, sizeof(x));
    x.p = p;
    x.method = method;
    x.url = url;
    x.req_body = ctx->body;
    memset(&ctx->body, 0, sizeof(ctx->body));
    cf_buf_init(&x.resp_body, BODY_MAX);
    MHD_get_connection_values(c, MHD_HEADER_KIND, collect_header, &x);
    const fault *f = p->fault;
    int changed = 0;
    if (f && f->before)
        changed |= f->before(&x);
    if (!x.answered) {
        forward(&x);
        if (f && f->after)
            changed |= f->after(&x);
    }
    if (changed)
        atomic_fetch_add(&p->applied, 1);
    enum MHD_Result res = answer(c, &x);
    atomic_fetch_add(&p->requests, 1);
    exchange_cleanup(&x);
    return res;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    request_ctx *ctx = *con_cls;
    if (ctx) {
        cf_buf_free(&ctx->body);
        free(ctx);
        *con_cls = NULL;
    }
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

cf_fault_proxy *cf_fault_proxy_start(const cf_fault_proxy_opts *opts, char *err, size_t errlen)
{
    pthread_once(&curl_once, curl_init);
    proxy *p = calloc(1, sizeof(*p));
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&p->lock, NULL);
    const char *name = opts->fault;
    if (name && *name && strcmp(name, "none") != 0 && !(p->fault = find_fault(name))) {
        snprintf(err, errlen, "unknown fault \"%s\"", name);
        goto fail;
    }
    cf_diags d;
    cf_diags_init(&d);
    cf_rc rc = cf_spec_load_file(opts->spec_file, &p->spec, &d);
    if (rc != CF_OK)
        snprintf(err, errlen, "%s: %s%s%s", opts->spec_file, cf_strerror(rc), d.count ? ": " : "",
                 d.count ? d.items[0].message : "");
    cf_diags_cleanup(&d);
    if (rc != CF_OK)
        goto fail;
    p->aws = p->spec->resp.classify == CF_CLASSIFY_STATUS;
    if (p->fault && !cf_fault_applies(p->fault->name, p->aws)) {
        snprintf(err, errlen, "fault %s does not apply to the %s profile", p->fault->name,
                 p->aws ? "AWS" : "envelope");
        goto fail;
    }
    const char **env = NULL;
    size_t env_count = 0;
    cf_cli_env_vars(&env, &env_count);
    cf_vars_sources sources = {opts->vars, opts->var_count, env, env_count};
    cf_rc vrc = cf_vars_resolve(p->spec, &sources, &p->vars, err, errlen);
    free(env);
    if (vrc != CF_OK)
        goto fail;
    p->bearer =
        p->spec->op.auth_var_count ? cf_secrets_get(&p->vars, p->spec->op.auth_vars[0]) : NULL;
    p->bearer_alt =
        p->spec->op.auth_var_count > 1 ? cf_secrets_get(&p->vars, p->spec->op.auth_vars[1]) : NULL;
    cf_mock_opts mo;
    cf_mock_opts_init(&mo);
    mo.spec = p->spec;
    mo.secrets = &p->vars;
    mo.bind = "127.0.0.1";
    if (cf_mock_start(&mo, &p->mock, err, errlen) != CF_OK)
        goto fail;
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    p->daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL, 0, NULL,
        NULL, on_request, p, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, p, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000, MHD_OPTION_END);
    const union MHD_DaemonInfo *info =
        p->daemon ? MHD_get_daemon_info(p->daemon, MHD_DAEMON_INFO_BIND_PORT) : NULL;
    if (!info || !info->port) {
        snprintf(err, errlen, "cannot start the proxy's libmicrohttpd daemon");
        goto fail;
    }
    snprintf(p->url, sizeof(p->url), "http://127.0.0.1:%u", (unsigned)info->port);
    return p;
fail:
    cf_fault_proxy_stop(p);
    return NULL;
}

void cf_fault_proxy_stop(cf_fault_proxy *p)
{
    if (!p)
        return;
    if (p->daemon)
        MHD_stop_daemon(p->daemon);
    cf_mock_stop(p->mock);
    for (size_t i = 0; i < p->flight_count; i++)
        free(p->flights[i].key);
    free(p->flights);
    pthread_mutex_destroy(&p->lock);
    cf_secrets_cleanup(&p->vars);
    cf_spec_free(p->spec);
    free(p);
}

const char *cf_fault_proxy_url(const cf_fault_proxy *p)
{
    return p->url;
}

unsigned cf_fault_proxy_requests(cf_fault_proxy *p)
{
    return atomic_load(&p->requests);
}

unsigned cf_fault_proxy_applied(cf_fault_proxy *p)
{
    return atomic_load(&p->applied);
}
