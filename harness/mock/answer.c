/* answer.c - the mock's answers: generators ({$id}, {$expiry}, ...) and the spec's templates
 * rendered into headers and a body; the latency fault. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/json.h"
#include "mock/internal.h"
#include "contract/schema.h"
#include "base/str.h"
#include "base/timefmt.h"
#include "base/uuid.h"

/* ---- answers ------------------------------------------------------------------------------ */

typedef struct {
    const cf_mock *m;
    const outcome *o;
    char request_id[37];
} gen_ctx;

/* The request member {$size} names: the generator's argument, or the spec's size member. */
static const cJSON *size_value(const gen_ctx *g, const char *arg)
{
    const char *ptr = arg && arg[0] == '/' ? arg : g->m->size_pointer;
    if (!g->o->body || !ptr[0])
        return NULL;
    const cJSON *v = cf_json_pointer(g->o->body, ptr);
    return cJSON_IsNumber(v) ? v : NULL;
}

static cf_rc generate(void *user, const char *name, const char *arg, cf_buf *out)
{
    gen_ctx *g = user;
    char ts[25];
    if (strcmp(name, "id") == 0)
        return cf_buf_adds(out, g->o->id);
    if (strcmp(name, "created_at") == 0) {
        cf_time_format_millis(g->o->created_ms ? g->o->created_ms : cf_time_now_ms(), ts);
        return cf_buf_adds(out, ts);
    }
    if (strcmp(name, "expiry") == 0) {
        cf_time_format_millis(cf_time_now_ms() + (int64_t)g->m->spec->mock.url_ttl_s * 1000, ts);
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
        return cf_buf_adds(out, g->o->code ? g->o->code : "");
    if (strcmp(name, "message") == 0)
        return cf_buf_adds(out, g->o->message);
    if (strcmp(name, "size") == 0) {
        const cJSON *v = size_value(g, arg);
        return v ? cf_buf_addf(out, "%.17g", v->valuedouble) : CF_OK;
    }
    return CF_E_NOT_FOUND;
}

/* Whether a template string is exactly one {$size} placeholder (optionally with an arg). */
static int is_size_placeholder(const char *s, const char **arg)
{
    if (strncmp(s, "{$size", 6) != 0)
        return 0;
    size_t n = strlen(s);
    if (s[n - 1] != '}' || strchr(s + 1, '{') || strchr(s, '}') != s + n - 1)
        return 0;
    if (s[6] == '}') {
        *arg = "";
        return 1;
    }
    if (s[6] == ':') {
        *arg = s + 7;
        return 1;
    }
    return 0;
}

/* Walks the template and its expansion together (same shape) and turns each string that
 * was exactly {$size} into a number (null when the request has none). */
static cf_rc size_fixup(const gen_ctx *g, const cJSON *tmpl, cJSON *parent, cJSON *node,
                        cJSON **root)
{
    const char *arg = NULL;
    if (cJSON_IsString(tmpl) && is_size_placeholder(tmpl->valuestring, &arg)) {
        char ptr[CF_PATH_MAX];
        size_t arg_len = strlen(arg); /* arg runs up to the closing brace */
        snprintf(ptr, sizeof(ptr), "%.*s", (int)(arg_len ? arg_len - 1 : 0), arg);
        const cJSON *v = size_value(g, ptr);
        cJSON *num = v ? cJSON_CreateNumber(v->valuedouble) : cJSON_CreateNull();
        if (!num)
            return CF_E_NOMEM;
        if (!parent) {
            cJSON_Delete(*root);
            *root = num;
            return CF_OK;
        }
        /* Why: replacing by pointer would drop the member's name; by key keeps it. */
        cJSON_bool ok = cJSON_IsObject(parent)
                            ? cJSON_ReplaceItemInObjectCaseSensitive(parent, node->string, num)
                            : cJSON_ReplaceItemViaPointer(parent, node, num);
        if (!ok) {
            cJSON_Delete(num);
            return CF_E_NOMEM;
        }
        return CF_OK;
    }
    if (!cJSON_IsArray(tmpl) && !cJSON_IsObject(tmpl))
        return CF_OK;
    const cJSON *t = tmpl->child;
    cJSON *n = node->child;
    while (t && n) {
        cJSON *next = n->next; /* n may be replaced */
        cf_rc rc = size_fixup(g, t, node, n, root);
        if (rc != CF_OK)
            return rc;
        t = t->next;
        n = next;
    }
    return CF_OK;
}

/* Expands a header template object into `out`; headers whose expansion is not a valid
 * header value are dropped rather than sent broken. */
static cf_rc expand_headers(const cJSON *tmpl, const cf_tmpl_ctx *ctx, cf_headers *out, char *err,
                            size_t errlen)
{
    if (!cJSON_IsObject(tmpl))
        return CF_OK;
    for (const cJSON *h = tmpl->child; h; h = h->next) {
        if (!cJSON_IsString(h))
            continue;
        cf_buf v;
        cf_buf_init(&v, 8192);
        cf_rc rc = cf_template_expand(h->valuestring, ctx, &v, err, errlen);
        if (rc == CF_OK) {
            cf_headers_remove(out, h->string);
            cf_rc add = cf_headers_add(out, h->string, cf_buf_str(&v));
            if (add == CF_E_NOMEM)
                rc = add;
        }
        cf_buf_free(&v);
        if (rc != CF_OK)
            return rc;
    }
    return CF_OK;
}

/* Builds headers and body of an answer. On failure `err` says why. */
cf_rc cf_mock_render(const cf_mock *m, const outcome *o, cf_headers *headers, char **body,
                     size_t *body_len, char *err, size_t errlen)
{
    const cf_spec *spec = m->spec;
    gen_ctx g = {m, o, {0}};
    cf_uuid_v4(g.request_id);
    cf_tmpl_ctx ctx = {cf_secrets_vars(&m->secrets), NULL, generate, &g};
    const cJSON *body_tmpl = o->code ? spec->mock.error_body : spec->mock.success_body;
    cJSON *doc = NULL;
    *body = NULL;
    cf_rc rc = expand_headers(spec->mock.headers, &ctx, headers, err, errlen);
    if (rc == CF_OK)
        rc = expand_headers(o->code ? spec->mock.error_headers : spec->mock.success_headers, &ctx,
                            headers, err, errlen);
    if (rc == CF_OK && o->allow) {
        cf_headers_remove(headers, "Allow");
        rc = cf_headers_add(headers, "Allow", o->allow);
    }
    if (rc == CF_OK && !cf_headers_get(headers, "Content-Type"))
        rc = cf_headers_add(headers, "Content-Type",
                            spec->resp.content_type ? spec->resp.content_type : "application/json");
    if (rc == CF_OK && body_tmpl)
        rc = cf_template_expand_json(body_tmpl, &ctx, &doc, err, errlen);
    if (rc == CF_OK && doc)
        rc = size_fixup(&g, body_tmpl, NULL, doc, &doc);
    if (rc == CF_OK) {
        *body = doc ? cf_json_print(doc) : cf_strdup("{}");
        if (!*body)
            rc = CF_E_NOMEM;
        else
            *body_len = strlen(*body);
    }
    cJSON_Delete(doc);
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
