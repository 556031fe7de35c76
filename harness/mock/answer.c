/* answer.c - the mock's answers: generators ({$id}, {$expiry}, {$request:..}, ...), the
 * contract's templates, examples or synthesised values rendered into headers and a body, and
 * error answers in the contract's envelope; the latency fault. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/json.h"
#include "base/str.h"
#include "base/timefmt.h"
#include "base/uuid.h"
#include "mock/internal.h"

typedef cf_mock_gen gen_ctx;

/* {$resource:NAME/pointer}: a member of the request that produced a consumed resource. */
static const cJSON *resource_value(const outcome *o, const char *arg)
{
    const char *slash = strchr(arg, '/');
    size_t n = slash ? (size_t)(slash - arg) : strlen(arg);
    for (const cJSON *r = o->resources ? o->resources->child : NULL; r; r = r->next)
        if (strlen(r->string) == n && strncmp(r->string, arg, n) == 0)
            return cf_json_pointer(r, slash ? slash : "");
    return NULL;
}

/* {$size[:pointer]}: the request member a v1 spec's size placeholder reads. */
static const cJSON *size_value(const gen_ctx *g, const char *arg)
{
    const char *ptr = arg && arg[0] == '/' ? arg : g->o->plan ? g->o->plan->size_pointer : "";
    if (!g->o->body || !ptr[0])
        return NULL;
    const cJSON *v = cf_json_pointer(g->o->body, ptr);
    return cJSON_IsNumber(v) ? v : NULL;
}

/* The value a whole-string placeholder stands for; *known 0 when it is no value placeholder. */
const cJSON *cf_mock_placeholder_value(const cf_mock_gen *g, const char *name, const char *arg,
                                       int *known)
{
    *known = 1;
    if (strcmp(name, "size") == 0)
        return size_value(g, arg);
    if (strcmp(name, "request") == 0)
        return cf_mock_request_value(g->o, arg);
    if (strcmp(name, "resource") == 0)
        return resource_value(g->o, arg);
    *known = 0;
    return NULL;
}

static cf_rc add_value_text(cf_buf *out, const cJSON *v)
{
    if (!v)
        return CF_OK;
    if (cJSON_IsString(v))
        return cf_buf_adds(out, v->valuestring);
    if (cJSON_IsNumber(v))
        return cf_buf_addf(out, "%.17g", v->valuedouble);
    return cf_json_add(out, v);
}

/* cf_time_format_millis with the text up to the seconds kept for the last two seconds seen by
 * this thread (an answer's creation and expiry): only the milliseconds change in between. */
static void format_millis(int64_t ms, char ts[25])
{
    static _Thread_local struct {
        int64_t sec;
        char text[25];
    } seen[2] = {{-1, ""}, {-1, ""}};
    static _Thread_local unsigned next;
    const int64_t end = 253402300800000LL; /* 10000-01-01: past it the text is clamped */
    if (ms < 0 || ms >= end) {
        cf_time_format_millis(ms, ts);
        return;
    }
    int64_t sec = ms / 1000;
    int milli = (int)(ms % 1000);
    size_t i = seen[0].sec == sec ? 0 : seen[1].sec == sec ? 1 : 2;
    if (i == 2) {
        cf_time_format_millis(ms, ts);
        i = next++ & 1u;
        seen[i].sec = sec;
        memcpy(seen[i].text, ts, sizeof(seen[i].text));
        return;
    }
    memcpy(ts, seen[i].text, sizeof(seen[i].text));
    ts[20] = (char)('0' + milli / 100);
    ts[21] = (char)('0' + milli / 10 % 10);
    ts[22] = (char)('0' + milli % 10);
}

cf_rc cf_mock_generate(void *user, const char *name, const char *arg, cf_buf *out)
{
    gen_ctx *g = user;
    char ts[25];
    int known = 0;
    const cJSON *v = cf_mock_placeholder_value(g, name, arg, &known);
    if (known)
        return add_value_text(out, v);
    if (strcmp(name, "id") == 0)
        return cf_buf_adds(out, g->o->id);
    if (strcmp(name, "created_at") == 0) {
        format_millis(g->o->created_ms ? g->o->created_ms : cf_time_now_ms(), ts);
        return cf_buf_adds(out, ts);
    }
    if (strcmp(name, "expiry") == 0) {
        long ttl = g->m->api->mock.url_ttl_s > 0 ? g->m->api->mock.url_ttl_s : DEFAULT_URL_TTL_S;
        format_millis(cf_time_now_ms() + (int64_t)ttl * 1000, ts);
        return cf_buf_adds(out, ts);
    }
    if (strcmp(name, "signature") == 0) {
        char hex[65];
        cf_random_hex(hex, 64);
        return cf_buf_adds(out, hex);
    }
    if (strcmp(name, "request_id") == 0)
        return cf_buf_adds(out, g->request_id);
    if (strcmp(name, "code") == 0)
        return cf_buf_adds(out, g->o->code ? g->o->code : cf_api_role_name(g->o->role));
    if (strcmp(name, "message") == 0)
        return cf_buf_adds(out, g->o->message);
    if (strcmp(name, "caller") == 0)
        return cf_buf_addf(out, "caller-%zu", g->o->caller + 1);
    return CF_E_NOT_FOUND;
}

/* Splits "{$name}" / "{$name:arg}" filling the whole string; 0 when it is not one. */
int cf_mock_whole_placeholder(const char *s, char *name, size_t ncap, char *arg, size_t acap)
{
    size_t n = strlen(s);
    if (n < 4 || s[0] != '{' || s[1] != '$' || s[n - 1] != '}' || memchr(s + 1, '}', n - 2))
        return 0;
    size_t k = strcspn(s + 2, ":}");
    if (k == 0 || k >= ncap)
        return 0;
    memcpy(name, s + 2, k);
    name[k] = '\0';
    const char *a = s + 2 + k;
    size_t an = *a == ':' ? n - 2 - k - 2 : 0;
    if (an >= acap)
        return 0;
    memcpy(arg, *a == ':' ? a + 1 : "", an);
    arg[an] = '\0';
    return 1;
}

/* Walks the template and its expansion together (same shape) and turns each string that was
 * exactly a value placeholder ({$size}, {$request:..}, {$resource:..}) into the JSON value:
 * a number stays a number. An absent value removes an object member ({$size}: null). */
static cf_rc value_fixup(const gen_ctx *g, const cJSON *tmpl, cJSON *parent, cJSON *node,
                         cJSON **root)
{
    char name[32], arg[CF_PATH_MAX];
    int known = 0;
    if (cJSON_IsString(tmpl) &&
        cf_mock_whole_placeholder(tmpl->valuestring, name, sizeof(name), arg, sizeof(arg))) {
        const cJSON *v = cf_mock_placeholder_value(g, name, arg, &known);
        if (!known)
            return CF_OK;
        if (!v && parent && cJSON_IsObject(parent) && strcmp(name, "size") != 0) {
            cJSON_DeleteItemFromObjectCaseSensitive(parent, node->string);
            return CF_OK;
        }
        cJSON *val = v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull();
        if (!val)
            return CF_E_NOMEM;
        if (!parent) {
            cJSON_Delete(*root);
            *root = val;
            return CF_OK;
        }
        /* Why: replacing by pointer would drop the member's name; by key keeps it. */
        cJSON_bool ok = cJSON_IsObject(parent)
                            ? cJSON_ReplaceItemInObjectCaseSensitive(parent, node->string, val)
                            : cJSON_ReplaceItemViaPointer(parent, node, val);
        if (!ok) {
            cJSON_Delete(val);
            return CF_E_NOMEM;
        }
        return CF_OK;
    }
    if (!cJSON_IsArray(tmpl) && !cJSON_IsObject(tmpl))
        return CF_OK;
    const cJSON *t = tmpl->child;
    cJSON *n = node->child;
    while (t && n) {
        cJSON *next = n->next; /* n may be replaced or removed */
        /* members stay in template order; a removed one is skipped on both sides */
        if (cJSON_IsObject(tmpl) && n->string && t->string && strcmp(n->string, t->string) != 0) {
            t = t->next;
            continue;
        }
        cf_rc rc = value_fixup(g, t, node, n, root);
        if (rc != CF_OK)
            return rc;
        t = t->next;
        n = next;
    }
    return CF_OK;
}

static cf_rc expand(const cf_mock *m, gen_ctx *g, const cJSON *tmpl, cJSON **out, char *err,
                    size_t errlen)
{
    cf_tmpl_ctx ctx = {cf_secrets_vars(&m->secrets), NULL, cf_mock_generate, g};
    *out = NULL;
    cf_rc rc = cf_template_expand_json(tmpl, &ctx, out, err, errlen);
    if (rc == CF_OK)
        rc = value_fixup(g, tmpl, NULL, *out, out);
    if (rc != CF_OK) {
        cJSON_Delete(*out);
        *out = NULL;
    }
    return rc;
}

cf_rc cf_mock_expand(const cf_mock *m, const outcome *o, const cJSON *tmpl, cJSON **out, char *err,
                     size_t errlen)
{
    gen_ctx g = {m, o, {0}};
    cf_uuid_v4(g.request_id);
    return expand(m, &g, tmpl, out, err, errlen);
}

/* Expands a header template object into `out`; a later template replaces an earlier one. */
static cf_rc expand_headers(const cf_mock *m, gen_ctx *g, const cJSON *tmpl, cf_headers *out,
                            char *err, size_t errlen)
{
    cf_tmpl_ctx ctx = {cf_secrets_vars(&m->secrets), NULL, cf_mock_generate, g};
    if (!cJSON_IsObject(tmpl))
        return CF_OK;
    for (const cJSON *h = tmpl->child; h; h = h->next) {
        if (!cJSON_IsString(h))
            continue;
        if (!strchr(h->valuestring, '{')) { /* nothing to expand */
            cf_headers_remove(out, h->string);
            cf_rc rc = cf_headers_add(out, h->string, h->valuestring);
            if (rc != CF_OK)
                return rc;
            continue;
        }
        cf_buf v;
        cf_buf_init(&v, 8192);
        cf_rc rc = cf_template_expand(h->valuestring, &ctx, &v, err, errlen);
        if (rc == CF_OK) {
            cf_headers_remove(out, h->string);
            rc = cf_headers_add(out, h->string, cf_buf_str(&v));
        }
        cf_buf_free(&v);
        if (rc != CF_OK)
            return rc;
    }
    return CF_OK;
}

static cf_rc set_header(cf_headers *h, const char *name, const char *value)
{
    cf_headers_remove(h, name);
    return cf_headers_add(h, name, value);
}

int cf_mock_names_request_id(const char *name)
{
    char squeezed[128];
    size_t n = 0;
    for (const char *p = name; *p && n + 1 < sizeof(squeezed); p++)
        if (isalnum((unsigned char)*p))
            squeezed[n++] = (char)tolower((unsigned char)*p);
    squeezed[n] = '\0';
    return strstr(squeezed, "requestid") != NULL;
}

/* Headers the contract says the answer must carry and no template gave. */
static cf_rc required_headers(const gen_ctx *g, const cf_api_response *resp, cf_headers *h)
{
    const cf_api *api = g->m->api;
    if (g->m->request_id_header && !cf_headers_get(h, g->m->request_id_header)) {
        cf_rc rc = cf_headers_add(h, g->m->request_id_header, g->request_id);
        if (rc != CF_OK)
            return rc;
    }
    for (size_t i = 0; i < api->required_header_count; i++) {
        const char *name = api->required_headers[i];
        if (cf_headers_get(h, name) || !cf_mock_names_request_id(name))
            continue;
        cf_rc rc = cf_headers_add(h, name, g->request_id);
        if (rc != CF_OK)
            return rc;
    }
    for (size_t i = 0; resp && i < resp->header_count; i++) {
        const cf_api_header *rh = &resp->headers[i];
        if (!rh->required || cf_headers_get(h, rh->name))
            continue;
        if (strcasecmp(rh->name, "x-amzn-ErrorType") == 0 && !g->o->code)
            continue;
        const char *value = cf_mock_names_request_id(rh->name)              ? g->request_id
                            : strcasecmp(rh->name, "x-amzn-ErrorType") == 0 ? g->o->code
                                                                            : "conform-mock";
        cf_rc rc = cf_headers_add(h, rh->name, value);
        if (rc != CF_OK)
            return rc;
    }
    return CF_OK;
}

/* An error body in the contract's envelope when it gives no error template: the code and the
 * message where its locators say ({"message": ...} when it says nothing), the flag false. */
cf_rc cf_mock_error_envelope(const cf_mock *m, const outcome *o, cf_headers *h, cJSON **doc)
{
    const cf_api_envelope *env = &m->api->envelope;
    const char *code_header = NULL, *code_pointer = NULL, *message_pointer = NULL;
    for (size_t i = 0; i < env->code.count; i++) {
        if (!code_header)
            code_header = env->code.at[i].header;
        if (!code_pointer)
            code_pointer = env->code.at[i].pointer;
    }
    for (size_t i = 0; i < env->message.count && !message_pointer; i++)
        message_pointer = env->message.at[i].pointer;
    /* AWS clients read the header first: the body then needs no code */
    if (code_header && env->trim_aws_code)
        code_pointer = NULL;
    cJSON *d = cJSON_CreateObject();
    cf_rc rc = d ? CF_OK : CF_E_NOMEM;
    const char *code = o->code;
    if (rc == CF_OK && code && code_header)
        rc = set_header(h, code_header, code);
    if (rc == CF_OK && code_pointer)
        rc = cf_json_pointer_set(d, code_pointer,
                                 cJSON_CreateString(code ? code : cf_api_role_name(o->role)));
    if (rc == CF_OK && !env->code.count && !message_pointer && code)
        rc = cf_json_pointer_set(d, "/code", cJSON_CreateString(code));
    if (rc == CF_OK)
        rc = cf_json_pointer_set(d, message_pointer ? message_pointer : "/message",
                                 cJSON_CreateString(o->message));
    if (rc == CF_OK && env->classify == CF_API_CLASSIFY_FLAG && env->flag)
        rc = cf_json_pointer_set(d, env->flag, cJSON_CreateFalse());
    if (rc != CF_OK) {
        cJSON_Delete(d);
        d = NULL;
    }
    *doc = d;
    return rc == CF_E_INVALID ? CF_OK : rc;
}

/* An error body the operation's response for the status defines so narrowly that the envelope
 * does not fit it (a 404 whose body must be {}): the value planned for that response. */
static cf_rc fitted_error(const outcome *o, cJSON **doc)
{
    const cf_api_response *r = o->op ? cf_api_response_for(o->op, o->status) : NULL;
    const cJSON *fit =
        r && o->plan->error_bodies ? o->plan->error_bodies[r - o->op->responses] : NULL;
    if (!fit)
        return CF_OK;
    cJSON *copy = cJSON_Duplicate(fit, 1);
    if (!copy)
        return CF_E_NOMEM;
    cJSON_Delete(*doc);
    *doc = copy;
    return CF_OK;
}

/* Whether `doc` passes the schema of the operation's response for the outcome's status. */
static int fits_response(const outcome *o, const cJSON *doc)
{
    const cf_api_response *r = cf_api_response_for(o->op, o->status);
    const cf_schema *s = r && r->content_count ? r->content[0].schema.compiled : NULL;
    return !s || cf_schema_accepts(s, doc);
}

/* A creation without a template echoes the request's members into its answer (a REST
 * resource as created) when the answer still passes the response schema. */
static cf_rc echo_request(const outcome *o, cJSON **doc)
{
    if (!cJSON_IsObject(o->body) || !cJSON_IsObject(*doc))
        return CF_OK;
    cJSON *merged = cJSON_Duplicate(*doc, 1);
    if (!merged)
        return CF_E_NOMEM;
    for (const cJSON *m = o->body->child; m; m = m->next) {
        cJSON *copy = cJSON_Duplicate(m, 1);
        if (!copy)
            break;
        if (cJSON_HasObjectItem(merged, m->string))
            cJSON_ReplaceItemInObjectCaseSensitive(merged, m->string, copy);
        else
            cJSON_AddItemToObject(merged, m->string, copy);
    }
    if (fits_response(o, merged)) {
        cJSON_Delete(*doc);
        *doc = merged;
    } else {
        cJSON_Delete(merged);
    }
    return CF_OK;
}

/* A success body: the operation's template, else the resource it reads as it was made, else its
 * example or synthesised value (a creation's with the request's members), with the produced
 * ids made fresh and a listed page put in. */
static cf_rc success_body(const cf_mock *m, gen_ctx *g, cJSON **doc, char *err, size_t errlen)
{
    const outcome *o = g->o;
    const cf_api_mock_hints *h = &o->op->mock;
    *doc = NULL;
    if (h->answer_body)
        return expand(m, g, h->answer_body, doc, err, errlen);
    /* an operation that reads a resource answers it as it was made, when that fits */
    if (o->stored && !h->produce_count && fits_response(o, o->stored)) {
        *doc = cJSON_Duplicate(o->stored, 1);
        return *doc ? CF_OK : CF_E_NOMEM;
    }
    if (!o->plan->body)
        return CF_OK;
    *doc = cJSON_Duplicate(o->plan->body, 1);
    if (!*doc)
        return CF_E_NOMEM;
    if (h->produce_count && echo_request(o, doc) != CF_OK)
        return CF_E_NOMEM;
    /* the example's or synthesised id would be the same every time: a fresh one, of the
     * type the value has (a number for an integer id) */
    for (size_t i = 0; i < h->produce_count; i++) {
        if (h->produces[i].in != CF_API_IN_BODY)
            continue;
        const cJSON *was = cf_json_pointer(*doc, h->produces[i].where);
        cJSON *id =
            cJSON_IsNumber(was) ? cJSON_CreateNumber((double)o->serial) : cJSON_CreateString(o->id);
        cf_rc rc = cf_json_pointer_set(*doc, h->produces[i].where, id);
        if (rc == CF_E_NOMEM)
            return rc;
    }
    return CF_OK;
}

static cf_rc put_page(const outcome *o, cJSON **doc)
{
    const cf_api_mock_collection *l = &o->op->mock.lists;
    if (!*doc)
        *doc = cJSON_CreateObject();
    if (!*doc || !o->page)
        return *doc ? CF_OK : CF_E_NOMEM;
    cf_rc rc = cf_json_pointer_set(*doc, l->items, cJSON_Duplicate(o->page, 1));
    if (rc == CF_OK && l->next) {
        if (o->next_token[0])
            rc = cf_json_pointer_set(*doc, l->next, cJSON_CreateString(o->next_token));
        else if (cf_json_pointer_remove(*doc, l->next) == CF_E_NOMEM)
            rc = CF_E_NOMEM;
    }
    return rc == CF_E_INVALID ? CF_OK : rc;
}

cf_rc cf_mock_render(const cf_mock *m, const outcome *o, cf_headers *headers, char **body,
                     size_t *body_len, cJSON **doc_out, char *err, size_t errlen)
{
    const cf_api *api = m->api;
    gen_ctx g = {m, o, {0}};
    cf_uuid_v4(g.request_id);
    cJSON *doc = NULL;
    int direct = 0; /* the body is rendered straight to text (direct.c), no tree */
    *body = NULL;
    *body_len = 0;
    const char *type =
        api->defaults.response_type ? api->defaults.response_type : "application/json";
    cf_rc rc = expand_headers(m, &g, api->mock.headers, headers, err, errlen);
    if (o->error) {
        direct = api->mock.error_body && m->error_direct;
        if (rc == CF_OK)
            rc = expand_headers(m, &g, api->mock.error_headers, headers, err, errlen);
        if (rc == CF_OK && direct)
            rc = cf_mock_render_direct(&g, m->error_compiled, api->mock.error_body, body, body_len,
                                       err, errlen);
        else if (rc == CF_OK && api->mock.error_body)
            rc = expand(m, &g, api->mock.error_body, &doc, err, errlen);
        else if (rc == CF_OK)
            rc = cf_mock_error_envelope(m, o, headers, &doc);
        if (rc == CF_OK && !api->mock.error_body)
            rc = fitted_error(o, &doc);
    } else {
        type = o->plan->content_type;
        direct = o->plan->direct;
        if (rc == CF_OK)
            rc = expand_headers(m, &g, o->op->mock.answer_headers, headers, err, errlen);
        if (rc == CF_OK && direct)
            rc = cf_mock_render_direct(&g, o->plan->compiled, o->op->mock.answer_body, body,
                                       body_len, err, errlen);
        else if (rc == CF_OK)
            rc = success_body(m, &g, &doc, err, errlen);
        if (rc == CF_OK && o->op->mock.lists.collection)
            rc = put_page(o, &doc);
    }
    if (rc == CF_OK && o->allow[0])
        rc = set_header(headers, "Allow", o->allow);
    if (rc == CF_OK)
        rc = required_headers(&g, o->op ? cf_api_response_for(o->op, o->status) : NULL, headers);
    if (rc == CF_OK && (doc || direct) && !cf_headers_get(headers, "Content-Type"))
        rc = cf_headers_add(headers, "Content-Type", type);
    if (rc == CF_OK && direct) {
        /* the resources an answer produces are read from it as a tree (cf_mock_record) */
        if (!o->error && o->op->mock.produce_count &&
            !(doc = cJSON_ParseWithLength(*body, *body_len)))
            rc = CF_E_NOMEM;
    } else if (rc == CF_OK) {
        *body = doc ? cf_json_print(doc) : cf_strdup("");
        if (!*body)
            rc = CF_E_NOMEM;
        else
            *body_len = strlen(*body);
    }
    if (rc == CF_OK && doc_out)
        *doc_out = doc;
    else
        cJSON_Delete(doc);
    if (rc != CF_OK) {
        free(*body);
        *body = NULL;
        *body_len = 0;
    }
    return rc;
}

/* Sleeps for the latency fault; cut short when the mock stops. */
void cf_mock_latency_wait(cf_mock *m)
{
    if (m->faults.latency_ms <= 0)
        return;
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += m->faults.latency_ms / 1000;
    until.tv_nsec += (m->faults.latency_ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&m->wait_lock);
    while (!m->stopping)
        if (pthread_cond_timedwait(&m->wake, &m->wait_lock, &until) == ETIMEDOUT)
            break;
    pthread_mutex_unlock(&m->wait_lock);
}
