/* fuzz_case.c - a request case generated from a fuzz input, and the model of the request it
 * must build (fuzz_case.h). */
#include "fuzz_case.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/str.h"
#include "http/headers.h"

/* Generated texts are far below their buffers' bounds; a failed add only shortens a text on
 * both sides of the comparison alike. */
static void ignore(cf_rc rc)
{
    (void)rc;
}

static int has_line_break(const char *s)
{
    return strpbrk(s, "\r\n") != NULL;
}

/* ---- the model of the body --------------------------------------------------------------- */

/* A pointer token: its key escaped per RFC 6901 into `out`. */
static void escape_key(const char *key, cf_buf *out)
{
    for (; *key; key++)
        ignore(*key == '~'   ? cf_buf_adds(out, "~0")
               : *key == '/' ? cf_buf_adds(out, "~1")
                             : cf_buf_addc(out, *key));
}

static cJSON *member(cJSON *object, const char *key)
{
    for (cJSON *c = object ? object->child : NULL; c; c = c->next)
        if (c->string && strcmp(c->string, key) == 0)
            return c;
    return NULL;
}

/* `set` of RFC 6901 on objects, one or two levels deep; takes `value`. 0 when the pointer
 * names no place (a member on the way is not an object). */
static int model_set(cJSON *root, const char *k1, const char *k2, cJSON *value)
{
    cJSON *parent = root;
    const char *key = k1;
    if (k2) {
        cJSON *m = member(root, k1);
        if (!m) {
            cJSON *chain = cJSON_CreateObject();
            if (!chain) {
                cJSON_Delete(value);
                return 0;
            }
            cJSON_AddItemToObject(chain, k2, value);
            cJSON_AddItemToObject(root, k1, chain);
            return 1;
        }
        if (!cJSON_IsObject(m)) {
            cJSON_Delete(value);
            return 0;
        }
        parent = m;
        key = k2;
    }
    if (member(parent, key)) /* replaces the first member of that name, keeping its place */
        return cJSON_ReplaceItemInObjectCaseSensitive(parent, key, value)
                   ? 1
                   : (cJSON_Delete(value), 0);
    cJSON_AddItemToObject(parent, key, value);
    return 1;
}

static void model_remove(cJSON *root, const char *k1, const char *k2)
{
    cJSON *parent = root;
    if (k2) {
        parent = member(root, k1);
        if (!cJSON_IsObject(parent))
            return; /* absent, an array without that index, or a scalar: nothing to remove */
    }
    cJSON *m = member(parent, k2 ? k2 : k1);
    if (m)
        cJSON_Delete(cJSON_DetachItemViaPointer(parent, m));
}

/* ---- the case ---------------------------------------------------------------------------- */

void cf_fuzz_case_cleanup(cf_fuzz_case *c)
{
    cf_request_cleanup(&c->q);
    for (size_t i = 0; i < c->m.header_count; i++)
        free(c->m.headers[i].value);
    cJSON_Delete(c->m.body);
    free(c->m.url);
    cJSON_Delete(c->headers);
    cJSON_Delete(c->set);
    cJSON_Delete(c->remove);
    cJSON_Delete(c->body);
    cf_buf_free(&c->tmpl);
    cf_buf_free(&c->want);
    cf_buf_free(&c->raw);
    cf_bindings_cleanup(&c->vars);
    cf_bindings_cleanup(&c->caps);
    free(c->region);
    free(c->bearer);
    free(c->bearer_alt);
    free(c->cap);
}

/* The model's URL: the expanded base without trailing '/', then the operation's path. */
static int model_url(cf_fuzz_case *c)
{
    const char *w = cf_buf_str(&c->want);
    size_t len = strlen(w);
    if (strpbrk(w, "\r\n \t"))
        c->m.ok = 0;
    while (len && w[len - 1] == '/')
        len--;
    size_t n = len + strlen(c->op->path) + 1;
    c->m.url = malloc(n);
    if (!c->m.url)
        return 0;
    snprintf(c->m.url, n, "%.*s%s", (int)len, w, c->op->path);
    return 1;
}

static const char *const header_names[] = {"X-Amz-Bearer", "x-amz-bearer", "content-type",
                                           "Accept",       "X-Trace",      "X-Other",
                                           "Bad Name",     "Bad:Name",     ""};
#define HEADER_NAME_COUNT (sizeof(header_names) / sizeof(header_names[0]))

/* Step headers (a name from the table, null or a template), and the model's header list:
 * the operation's headers the step does not name (case-insensitively), then the step's. */
static int gen_headers(cf_fuzz_case *c, cf_fuzz_input *in, const cf_fuzz_values *v,
                       const cf_tmpl_ctx *ctx)
{
    char *step_want[CF_FUZZ_MAX_HEADERS] = {0};
    unsigned n = cf_fuzz_next(in) % 5;
    int ok = 1;
    for (unsigned i = 0; i < n && ok; i++) {
        const char *name = header_names[cf_fuzz_next(in) % HEADER_NAME_COUNT];
        cJSON *item = NULL;
        if (cf_fuzz_next(in) % 4 == 0) {
            item = cJSON_CreateNull();
        } else {
            cf_buf_reset(&c->tmpl);
            cf_buf_reset(&c->want);
            cf_fuzz_gen_text(in, v, &c->tmpl, &c->want);
            item = cJSON_CreateString(cf_buf_str(&c->tmpl));
            step_want[i] = cf_strdup(cf_buf_str(&c->want));
            ok = step_want[i] != NULL;
        }
        if (!item || !ok) {
            cJSON_Delete(item);
            ok = 0;
            break;
        }
        cJSON_AddItemToObject(c->headers, name, item);
    }
    const cJSON *op_headers = c->op->send_headers;
    for (const cJSON *h = op_headers ? op_headers->child : NULL; ok && h; h = h->next) {
        int overridden = 0;
        for (const cJSON *s = c->headers->child; s; s = s->next)
            overridden |= strcasecmp(s->string, h->string) == 0;
        if (overridden || !cJSON_IsString(h))
            continue;
        cf_buf_reset(&c->want);
        char err[256];
        if (cf_template_expand(h->valuestring, ctx, &c->want, err, sizeof(err)) != CF_OK)
            ok = 0;
        c->m.headers[c->m.header_count].name = h->string;
        c->m.headers[c->m.header_count++].value = cf_strdup(cf_buf_str(&c->want));
    }
    unsigned i = 0;
    for (const cJSON *s = c->headers->child; ok && s; s = s->next, i++) {
        if (!step_want[i])
            continue; /* null: the header is dropped */
        c->m.headers[c->m.header_count].name = s->string;
        c->m.headers[c->m.header_count++].value = step_want[i];
        step_want[i] = NULL;
    }
    for (i = 0; i < CF_FUZZ_MAX_HEADERS; i++)
        free(step_want[i]);
    for (size_t k = 0; k < c->m.header_count; k++) {
        const cf_fuzz_model_header *h = &c->m.headers[k];
        if (!h->value)
            return 0;
        if (!cf_http_is_token(h->name, strlen(h->name)) || has_line_break(h->value))
            c->m.ok = 0; /* cf_request_build must refuse it: header injection or a bad name */
    }
    return ok;
}

/* A JSON body (the example, or an object of our own) with `set` then `remove` applied, the
 * order request.c documents. */
static int gen_json_body(cf_fuzz_case *c, cf_fuzz_input *in, const cf_fuzz_values *v,
                         const cf_tmpl_ctx *ctx, cf_step *step)
{
    char err[256];
    if (c->mode == CF_FUZZ_BODY_EXAMPLE) {
        if (cf_template_expand_json(c->op->bodies[0].example, ctx, &c->m.body, err, sizeof(err)) !=
            CF_OK)
            return 0;
    } else {
        step->body = c->body = cJSON_CreateObject();
        c->m.body = cJSON_CreateObject();
        if (!c->body || !c->m.body)
            return 0;
        unsigned n = cf_fuzz_next(in) % 5;
        for (unsigned i = 0; i < n; i++) {
            const char *key = cf_fuzz_keys[cf_fuzz_next(in) % cf_fuzz_key_count];
            cJSON *t, *w;
            if (member(c->body, key))
                continue;
            if (!cf_fuzz_gen_tree(in, v, 1, &t, &w)) {
                cJSON_Delete(t);
                cJSON_Delete(w);
                return 0;
            }
            cJSON_AddItemToObject(c->body, key, t);
            cJSON_AddItemToObject(c->m.body, key, w);
        }
    }
    unsigned sets = cf_fuzz_next(in) % 4, removes = cf_fuzz_next(in) % 3;
    const char *removed[4][2];
    for (unsigned i = 0; i < sets + removes; i++) {
        const char *k1 = cf_fuzz_keys[cf_fuzz_next(in) % cf_fuzz_key_count];
        const char *k2 = cf_fuzz_next(in) % 3 == 0 ? "x" : NULL;
        cf_buf ptr;
        cf_buf_init(&ptr, 256);
        ignore(cf_buf_addc(&ptr, '/'));
        escape_key(k1, &ptr);
        if (k2)
            ignore(cf_buf_adds(&ptr, "/x"));
        int ok = 1;
        if (i < sets) {
            cJSON *t, *w;
            if (member(c->set, cf_buf_str(&ptr))) {
                /* one value per pointer, as in a spec file */
            } else if (!cf_fuzz_gen_tree(in, v, 1, &t, &w)) {
                cJSON_Delete(t);
                cJSON_Delete(w);
                ok = 0;
            } else {
                cJSON_AddItemToObject(c->set, cf_buf_str(&ptr), t);
                if (!c->m.ok)
                    cJSON_Delete(w); /* already refused: the body no longer matters */
                else if (!model_set(c->m.body, k1, k2, w))
                    c->m.ok = 0; /* no such place in the body: the build must fail */
            }
        } else {
            cJSON *s = cJSON_CreateString(cf_buf_str(&ptr));
            ok = s != NULL;
            if (s)
                cJSON_AddItemToArray(c->remove, s);
            removed[i - sets][0] = k1;
            removed[i - sets][1] = k2;
        }
        cf_buf_free(&ptr);
        if (!ok)
            return 0;
    }
    for (unsigned i = 0; c->m.ok && i < removes; i++)
        model_remove(c->m.body, removed[i][0], removed[i][1]);
    step->set = c->set;
    step->remove = c->remove;
    return 1;
}

int cf_fuzz_case_build(cf_fuzz_case *c, const uint8_t *data, size_t size)
{
    cf_fuzz_input in = {data, size};
    unsigned first = cf_fuzz_next(&in);
    memset(c, 0, sizeof(*c));
    c->api = cf_fuzz_pick(first)->api;
    c->op = &c->api->operations[0];
    c->mode = (int)(first >> 1) & 3;
    int own_url = (int)(first >> 3) & 1;
    cf_buf_init(&c->tmpl, CF_FUZZ_TEXT_MAX);
    cf_buf_init(&c->want, CF_FUZZ_TEXT_MAX);
    cf_buf_init(&c->raw, CF_FUZZ_TEXT_MAX);
    c->m.ok = 1;
    cf_step step;
    memset(&step, 0, sizeof(step));
    step.op = c->op;
    step.role = CF_API_ROLE_NONE;
    char base[CF_FUZZ_TEXT_MAX + 64];

    /* Variables and one capture, as the runner binds them. */
    c->region = cf_fuzz_gen_value(&in, "", 12);
    c->bearer = cf_fuzz_gen_value(&in, CF_FUZZ_SECRET_PREFIX, 16);
    c->bearer_alt = cf_fuzz_gen_value(&in, CF_FUZZ_SECRET_PREFIX, 16);
    c->cap = cf_fuzz_gen_value(&in, "", 12);
    c->headers = cJSON_CreateObject();
    c->set = cJSON_CreateObject();
    c->remove = cJSON_CreateArray();
    if (!c->region || !c->bearer || !c->bearer_alt || !c->cap || !c->headers || !c->set ||
        !c->remove || cf_bindings_set(&c->vars, "region", c->region, 0) != CF_OK ||
        cf_bindings_set(&c->vars, "bearer", c->bearer, 1) != CF_OK ||
        cf_bindings_set(&c->vars, "bearer_alt", c->bearer_alt, 1) != CF_OK ||
        cf_bindings_set(&c->caps, "cap", c->cap, 0) != CF_OK)
        return 0;
    cf_fuzz_values v = {c->region, c->bearer, c->bearer_alt, c->cap};
    cf_tmpl_ctx ctx = {&c->vars, &c->caps, cf_fuzz_token, NULL};

    /* The URL. */
    if (own_url) {
        ignore(cf_buf_adds(&c->tmpl, "https://"));
        ignore(cf_buf_adds(&c->want, "https://"));
        cf_fuzz_gen_text(&in, &v, &c->tmpl, &c->want);
    } else {
        ignore(cf_buf_adds(&c->tmpl, c->api->servers[0].url));
        if (cf_template_expand(c->api->servers[0].url, &ctx, &c->want, c->err, sizeof(c->err)) !=
            CF_OK)
            return 0;
    }
    snprintf(base, sizeof(base), "%s", cf_buf_str(&c->tmpl));
    if (!model_url(c))
        return 0;

    if (!gen_headers(c, &in, &v, &ctx))
        return 0;
    step.headers = c->headers;

    if (c->mode == CF_FUZZ_BODY_NONE) {
        step.no_body = 1;
    } else if (c->mode == CF_FUZZ_BODY_RAW) {
        cf_buf_reset(&c->tmpl);
        cf_fuzz_gen_text(&in, &v, &c->tmpl, &c->raw);
        step.raw_body = cf_buf_str(&c->tmpl);
        c->m.raw_body = (char *)cf_buf_str(&c->raw);
    } else if (!gen_json_body(c, &in, &v, &ctx, &step)) {
        return 0;
    }
    c->rc = cf_request_build(c->api, &step, base, &ctx, &c->q, c->err, sizeof(c->err));
    return 1;
}
