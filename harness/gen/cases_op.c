/* cases_op.c - one operation's generated cases: its body and parameter items as requests (with
 * their text form on the wire re-judged), a wrong content type, and missing / empty / unknown
 * values of each credential it takes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/str.h"
#include "base/json.h"
#include "base/limits.h"
#include "gen/cases_internal.h"

/* Media types tried, in order, as one the operation does not accept. */
static const char *const unsupported_types[] = {"text/plain", "application/x-conform-unsupported"};

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* Whether a body of this media type is JSON ("application/json", "...+json",
 * "application/x-amz-json-1.1", or a range that takes it). */
static int is_json_type(const char *mt)
{
    for (const char *p = mt; p && *p; p++)
        if (strncasecmp(p, "json", 4) == 0)
            return 1;
    return mt && (strcmp(mt, "*/*") == 0 || strcasecmp(mt, "application/*") == 0);
}

/* The body the generator builds: the api's request type, else the first JSON one. */
static const cf_api_media *json_media(const cf_api *api, const cf_api_operation *op)
{
    const char *want = api->defaults.request_type ? api->defaults.request_type : "application/json";
    const cf_api_media *m = cf_api_media_find(op->bodies, op->body_count, want);
    for (size_t i = 0; !m && i < op->body_count; i++)
        if (is_json_type(op->bodies[i].media_type))
            m = &op->bodies[i];
    return m && is_json_type(m->media_type) && m->schema.json ? m : NULL;
}

static const cf_api_security *security_of(const cf_api *api, const cf_api_operation *op)
{
    if (op->security_none)
        return NULL;
    if (op->security_count)
        return &op->security[0];
    return api->security_count ? &api->security[0] : NULL;
}

/* Whether a header parameter is a credential of `sec` or one the request builder owns. */
static int header_reserved(const cf_api_security *sec, const char *name)
{
    static const char *const owned[] = {"Content-Type", "Accept", "Authorization", "Content-Length",
                                        "Host"};
    for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++)
        if (strcasecmp(owned[i], name) == 0)
            return 1;
    for (size_t i = 0; sec && i < sec->count; i++)
        if (sec->all[i]->in == CF_API_IN_HEADER && strcasecmp(sec->all[i]->name, name) == 0)
            return 1;
    return 0;
}

cf_rc gc_op_read(const gc *g, const cf_api_operation *op, size_t max_items, int no_negative,
                 gc_op *v)
{
    memset(v, 0, sizeof(*v));
    v->op = op;
    v->media = json_media(g->api, op);
    v->sec = security_of(g->api, op);
    cf_gen_param *params = calloc(op->param_count ? op->param_count : 1, sizeof(*params));
    if (!params)
        return CF_E_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < op->param_count; i++) {
        const cf_api_param *p = &op->params[i];
        if (!p->schema.json || p->in == CF_API_IN_COOKIE || p->in == CF_API_IN_BODY ||
            (p->in == CF_API_IN_HEADER && header_reserved(v->sec, p->name)))
            continue;
        params[n].name = p->name;
        params[n].in = p->in == CF_API_IN_PATH    ? CF_GEN_IN_PATH
                       : p->in == CF_API_IN_QUERY ? CF_GEN_IN_QUERY
                                                  : CF_GEN_IN_HEADER;
        params[n].schema = p->schema.json;
        params[n++].required = p->required;
    }
    cf_gen_options go = {0};
    go.seed = g->o->seed;
    go.max_items = max_items;
    go.dialect = g->api->schema_options.dialect;
    go.document = g->api->schema_options.document;
    go.direction = CF_SCHEMA_REQUEST;
    go.no_negative = no_negative;
    cf_gen_request req = {v->media ? v->media->schema.json : NULL, params, n};
    cf_rc rc = cf_gen_request_items(&req, &go, &v->list);
    free(params);
    if (rc == CF_E_NOMEM)
        return rc;
    /* A schema the generator cannot read leaves the operation with what it could make. */
    if (!v->list.base && !(v->list.base = cJSON_CreateObject()))
        return CF_E_NOMEM;
    return CF_OK;
}

cf_rc gc_op_init(gc *g, const cf_api_operation *op, size_t max_items, int no_negative, gc_op *v)
{
    cf_rc rc = gc_op_read(g, op, max_items, no_negative, v);
    return rc == CF_OK ? gc_seq_resolve(g, v, NULL) : rc;
}

void gc_op_cleanup(gc_op *v)
{
    cf_gen_list_cleanup(&v->list);
    cJSON_Delete(v->prefix);
    cJSON_Delete(v->bind);
    memset(v, 0, sizeof(*v));
}

/* A parameter value as it travels (simple / form style, not exploded): scalars as written,
 * arrays of scalars joined with ','. NULL for what has no such form (null, objects). */
static char *param_text(const cJSON *v)
{
    if (cJSON_IsString(v))
        return cf_strdup(v->valuestring);
    if (cJSON_IsBool(v))
        return cf_strdup(cJSON_IsTrue(v) ? "true" : "false");
    if (cJSON_IsNumber(v)) {
        /* Integers in full ("9007199254740992", not cJSON's "9.00719925474099e+15"). */
        char buf[64];
        double d = v->valuedouble;
        if (d == floor(d) && fabs(d) < 1e19)
            snprintf(buf, sizeof buf, "%.0f", d);
        else
            snprintf(buf, sizeof buf, "%.17g", d);
        return cf_strdup(buf);
    }
    if (!cJSON_IsArray(v))
        return NULL;
    cf_buf b;
    cf_buf_init(&b, CF_MAX_REQUEST_BODY);
    cf_rc rc = CF_OK;
    for (const cJSON *e = v->child; rc == CF_OK && e; e = e->next) {
        char *t = cJSON_IsArray(e) ? NULL : param_text(e);
        rc = t ? cf_buf_addf(&b, "%s%s", e == v->child ? "" : ",", t) : CF_E_INVALID;
        free(t);
    }
    char *s = rc == CF_OK ? cf_buf_take(&b) : NULL;
    cf_buf_free(&b);
    return s;
}

/* Whether a server that reads `text` as the schema's type would accept it: the text as a
 * string, else as a number or boolean. The JSON value an item was judged on may mean another
 * thing on the wire (the number 0 of a wrong-type item is the valid string "0"). */
static int param_accepts(const cf_api_param *p, const char *text, int fallback)
{
    if (!p || !p->schema.compiled)
        return fallback;
    cJSON *as[3] = {cJSON_CreateString(text), NULL, NULL};
    char *end = NULL;
    double d = *text ? strtod(text, &end) : 0;
    if (*text && end && !*end && isfinite(d))
        as[1] = cJSON_CreateNumber(d);
    if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0)
        as[2] = cJSON_CreateBool(text[0] == 't');
    int ok = 0;
    for (int i = 0; i < 3; i++) {
        ok = ok || (as[i] && cf_schema_accepts(p->schema.compiled, as[i]));
        cJSON_Delete(as[i]);
    }
    return ok;
}

static int set_string(cJSON *obj, const char *k, const char *v)
{
    cJSON *s = cJSON_CreateString(v);
    if (!s)
        return 0;
    cJSON_DeleteItemFromObjectCaseSensitive(obj, k);
    return cJSON_AddItemToObject(obj, k, s);
}

static int set_escaped(cJSON *obj, const char *k, const char *v)
{
    char *e = gc_escaped(v);
    int ok = e && set_string(obj, k, e);
    free(e);
    return ok;
}

/* Whether the item changes the body member at `pointer` (or the parameter `name` in `in`). */
static int item_about(const gc_op *v, const cf_gen_item *it, const char *in, const char *name)
{
    if (!it)
        return 0;
    if (strcmp(in, "body") == 0) {
        if (it->in != CF_GEN_IN_BODY)
            return 0;
        if (it->raw || !it->value)
            return 1;
        return !cJSON_Compare(cf_json_pointer(it->value, name),
                              cf_json_pointer(get(v->list.base, "body"), name), 1);
    }
    return it->param && strcmp(cf_gen_in_name(it->in), in) == 0 &&
           (it->in == CF_GEN_IN_HEADER ? strcasecmp(it->param, name) == 0
                                       : strcmp(it->param, name) == 0);
}

/* The request's parameters of one place from the base, the item's own value put in. */
static int params_into(cJSON *to, const cJSON *base, const cf_gen_item *it, cf_gen_in in, int *skip)
{
    for (const cJSON *p = base ? base->child : NULL; p; p = p->next) {
        char *t = param_text(p);
        int ok = t && set_escaped(to, p->string, t);
        free(t);
        if (!ok)
            return 0;
    }
    if (!it || it->in != in)
        return 1;
    if (it->absent) {
        cJSON_DeleteItemFromObjectCaseSensitive(to, it->param);
        return in == CF_GEN_IN_PATH ? 1 : cJSON_AddNullToObject(to, it->param) != NULL;
    }
    char *t = param_text(it->value);
    if (!t) {
        *skip = 1;
        return 1;
    }
    int ok = set_escaped(to, it->param, t);
    free(t);
    return ok;
}

/* The credentials of the operation, each from its first caller's variable; those the bind sets
 * from a capture, and those the contract already sends on every request, are left alone. */
static int credentials_into(const gc_op *v, cJSON *headers, cJSON *query)
{
    for (size_t i = 0; v->sec && i < v->sec->count; i++) {
        const cf_api_credential *c = v->sec->all[i];
        int header = c->in == CF_API_IN_HEADER;
        if ((!header && c->in != CF_API_IN_QUERY) || !c->caller_count ||
            (header && get(v->op->send_headers, c->name)))
            continue;
        char tpl[CF_PATH_MAX];
        snprintf(tpl, sizeof tpl, "%s{%s}", c->prefix ? c->prefix : "", c->callers[0]);
        if (!set_string(header ? headers : query, c->name, tpl))
            return 0;
    }
    return 1;
}

static const char *const bind_places[] = {"header", "path", "query", "body"};
static const char *const request_keys[] = {"headers", "path", "query", "body"};

/* Whether the item changes an input the bind sets (a consumed resource). */
static int about_bound(const gc_op *v, const cf_gen_item *it)
{
    for (size_t i = 0; i < 4; i++) {
        const cJSON *place = get(v->bind, bind_places[i]);
        for (const cJSON *b = place ? place->child : NULL; b; b = b->next)
            if (item_about(v, it, bind_places[i], b->string))
                return 1;
    }
    return 0;
}

/* The consumed inputs from the bind, except the one the item is about. */
static int bind_into(const gc_op *v, const cf_gen_item *it, cJSON *req)
{
    for (size_t i = 0; i < 4; i++) {
        const cJSON *place = get(v->bind, bind_places[i]);
        cJSON *to = cJSON_GetObjectItemCaseSensitive(req, request_keys[i]);
        for (const cJSON *b = place && to ? place->child : NULL; b; b = b->next) {
            if (item_about(v, it, bind_places[i], b->string))
                continue;
            if (i < 3 && !set_string(to, b->string, b->valuestring))
                return 0;
            /* A body member is set only where the body has one (a valid item may leave an
             * optional member out). */
            if (i == 3 && cf_json_pointer(to, b->string) &&
                cf_json_pointer_set(to, b->string, cJSON_CreateString(b->valuestring)) != CF_OK)
                return 0;
        }
    }
    return 1;
}

/* The idempotency token made fresh ({$token}) unless the item is about it; 1 in *fixed then. */
static int token_into(const gc_op *v, const cf_gen_item *it, cJSON *req, int *fixed)
{
    const cf_api_idempotency *id = &v->op->idem;
    if (!id->token || id->in == CF_API_TOKEN_NONE)
        return 1;
    const char *in = id->in == CF_API_TOKEN_BODY     ? "body"
                     : id->in == CF_API_TOKEN_HEADER ? "header"
                                                     : "query";
    if (item_about(v, it, in, id->token)) {
        *fixed = 1;
        return 1;
    }
    if (id->in == CF_API_TOKEN_BODY) {
        cJSON *body = cJSON_GetObjectItemCaseSensitive(req, "body");
        if (!cJSON_IsString(cf_json_pointer(body, id->token)))
            return 1;
        return cf_json_pointer_set(body, id->token, cJSON_CreateString("{$token}")) == CF_OK;
    }
    cJSON *to =
        cJSON_GetObjectItemCaseSensitive(req, id->in == CF_API_TOKEN_HEADER ? "headers" : "query");
    return set_string(to, id->token, "{$token}");
}

/* The body of the request: the item's (a tree, or raw text) or the base's. */
static int body_into(const gc_op *v, const cf_gen_item *it, cJSON *req)
{
    if (!v->media)
        return 1;
    if (it && it->in == CF_GEN_IN_BODY && it->raw) {
        /* Raw bodies hold no NUL (fixed texts and halves of JSON). */
        char *text = cf_strndup(it->raw, it->raw_len);
        char *e = text ? gc_escaped(text) : NULL;
        int ok = e && cJSON_AddStringToObject(req, "raw_body", e);
        free(text);
        free(e);
        return ok;
    }
    const cJSON *src = it && it->in == CF_GEN_IN_BODY ? it->value : get(v->list.base, "body");
    if (!src)
        return 1;
    cJSON *body = gc_escaped_copy(src);
    return body && cJSON_AddItemToObject(req, "body", body);
}

cJSON *gc_step(const gc *g, const gc_op *v, const cf_gen_item *it, const char *name, int *fixed,
               int *skip)
{
    (void)g;
    int fixed_ignored = 0, skip_ignored = 0;
    fixed = fixed ? fixed : &fixed_ignored;
    skip = skip ? skip : &skip_ignored;
    *fixed = *skip = 0;
    /* The step keys of a suite (v2): operation, headers, path, query, body or raw_body. */
    cJSON *step = cJSON_CreateObject();
    cJSON *req = step;
    int ok = step && (!name || cJSON_AddStringToObject(step, "name", name)) &&
             cJSON_AddStringToObject(step, "operation", v->op->id);
    cJSON *headers = ok ? cJSON_AddObjectToObject(req, "headers") : NULL;
    cJSON *path = headers ? cJSON_AddObjectToObject(req, "path") : NULL;
    cJSON *query = path ? cJSON_AddObjectToObject(req, "query") : NULL;
    const cJSON *base = v->list.base;
    ok = query && params_into(path, get(base, "path"), it, CF_GEN_IN_PATH, skip) &&
         params_into(query, get(base, "query"), it, CF_GEN_IN_QUERY, skip) &&
         params_into(headers, get(base, "header"), it, CF_GEN_IN_HEADER, skip) &&
         credentials_into(v, headers, query) && body_into(v, it, req) && bind_into(v, it, req) &&
         token_into(v, it, req, fixed);
    if (!ok || *skip) {
        cJSON_Delete(step);
        return NULL;
    }
    /* Empty places are left out, so a listing shows what a case sets. */
    static const char *const places[] = {"headers", "path", "query"};
    for (size_t i = 0; i < 3; i++)
        if (!get(req, places[i])->child)
            cJSON_DeleteItemFromObjectCaseSensitive(req, places[i]);
    return step;
}

/* The case of one step: the step itself when the operation needs no producer, else the
 * producers' steps followed by it. The step and expectation are taken. */
static cJSON *assemble(const gc_op *v, cJSON *node, cJSON *step, cJSON *expect)
{
    if (!node || !step || !expect || !cJSON_AddItemToObject(step, "expect", expect)) {
        if (step)
            cJSON_Delete(expect);
        cJSON_Delete(step);
        cJSON_Delete(node);
        return NULL;
    }
    if (!v->prefix) {
        for (cJSON *m = step->child; m;) {
            cJSON *next = m->next;
            if (strcmp(m->string, "name") != 0)
                cJSON_AddItemToObject(node, m->string, cJSON_DetachItemViaPointer(step, m));
            m = next;
        }
        cJSON_Delete(step);
        return node;
    }
    cJSON *steps = cJSON_Duplicate(v->prefix, 1);
    if (!steps || !cJSON_AddItemToArray(steps, step) ||
        !cJSON_AddItemToObject(node, "steps", steps)) {
        cJSON_Delete(steps);
        cJSON_Delete(node);
        return NULL;
    }
    return node;
}

/* The answer a request about a fixed token may also get: it may meet itself in flight. */
static cJSON *in_flight_allowance(const gc *g, const cf_api_operation *op, cJSON *expect)
{
    const char *code = op->idem.in_flight_code;
    if (!code && op->idem.in_flight_role > CF_API_ROLE_NONE &&
        op->idem.in_flight_role < CF_API_ROLE__COUNT)
        code = g->api->roles[op->idem.in_flight_role].code;
    cJSON *allow = expect && code ? cJSON_AddArrayToObject(expect, "allow") : NULL;
    cJSON *c = allow ? cJSON_CreateString(code) : NULL;
    if (!c && expect && code) {
        cJSON_Delete(expect);
        return NULL;
    }
    if (c)
        cJSON_AddItemToArray(allow, c);
    return expect;
}

/* A page cursor (the overlay's lists.cursor, a body member) is only valid as a server gave it:
 * a valid item leaves it out, and an item about the cursor itself is not sent as valid.
 * Returns 0 for such an item. */
static int cursor_left_out(const gc_op *v, const cf_gen_item *it, cJSON *step)
{
    const char *cursor = v->op->mock.lists.collection ? v->op->mock.lists.cursor : NULL;
    if (!cursor || cursor[0] != '/' || it->in != CF_GEN_IN_BODY)
        return 1;
    size_t n = strcspn(cursor + 1, "/");
    if (strncmp(it->name, cursor + 1, n) == 0 && strchr(".[", it->name[n]) && it->name[n])
        return 0;
    cJSON *body = cJSON_GetObjectItemCaseSensitive(step, "body");
    return !cf_json_pointer(body, cursor) || cf_json_pointer_remove(body, cursor) == CF_OK;
}

static cf_rc item_case(gc *g, const gc_op *v, const cf_gen_item *it)
{
    int valid = it->valid;
    /* An empty body is no body, which an operation whose body is optional allows (AWS reads
     * it as {}): not a negative there. */
    if (it->raw && it->raw_len == 0 && !v->op->body_required) {
        g->st->dropped++;
        return CF_OK;
    }
    if (it->in != CF_GEN_IN_BODY) {
        char *t = it->absent ? NULL : param_text(it->value);
        /* An empty path segment routes elsewhere, and so does a '/' (sent as %2F, which most
         * servers, the mock among them, decode before routing): no request of this operation
         * says it. */
        if (!it->absent && (!t || (it->in == CF_GEN_IN_PATH && (!*t || strchr(t, '/'))))) {
            free(t);
            g->st->dropped++;
            return CF_OK;
        }
        cf_api_in in = it->in == CF_GEN_IN_PATH    ? CF_API_IN_PATH
                       : it->in == CF_GEN_IN_QUERY ? CF_API_IN_QUERY
                                                   : CF_API_IN_HEADER;
        if (t)
            valid = param_accepts(cf_api_param_find(v->op, in, it->param), t, it->valid);
        free(t);
        if (valid != it->valid) {
            g->st->dropped++;
            return CF_OK;
        }
    }
    int fixed = 0, skip = 0;
    cJSON *step = gc_step(g, v, it, v->prefix ? v->op->id : NULL, &fixed, &skip);
    if (skip) {
        g->st->dropped++;
        return CF_OK;
    }
    /* A valid value of an input that names a live resource names none: not a success. */
    if (step && valid && about_bound(v, it))
        skip = 1;
    if (step && valid && !skip && !cursor_left_out(v, it, step))
        skip = 1;
    if (skip) {
        cJSON_Delete(step);
        g->st->dropped++;
        return CF_OK;
    }
    cJSON *expect = valid ? gc_expect_success() : gc_expect_role(g, CF_API_ROLE_VALIDATION);
    if (valid && fixed)
        expect = in_flight_allowance(g, v->op, expect);
    return gc_add(g, assemble(v, gc_case_node(v->op->id, it->name, cf_gen_kind_name(it->kind)),
                              step, expect));
}

/* The base request of a case about something else than the body (content type, credentials):
 * with the operation's example body when it has one, as a hand-written case would send it. */
static cJSON *example_step(const gc *g, const gc_op *v)
{
    cJSON *step = gc_step(g, v, NULL, v->prefix ? v->op->id : NULL, NULL, NULL);
    if (step && v->media && v->media->example && !v->prefix)
        cJSON_DeleteItemFromObjectCaseSensitive(step, "body");
    return step;
}

/* A body sent with a media type the operation does not take. */
static cf_rc content_type_case(gc *g, const gc_op *v)
{
    const char *type = NULL;
    for (size_t i = 0; !type && i < sizeof unsupported_types / sizeof unsupported_types[0]; i++)
        if (!cf_api_media_find(v->op->bodies, v->op->body_count, unsupported_types[i]))
            type = unsupported_types[i];
    if (!type)
        return CF_OK; /* it takes anything */
    cJSON *step = example_step(g, v);
    cJSON *headers = step ? cJSON_GetObjectItemCaseSensitive(step, "headers") : NULL;
    if (step && !headers)
        headers = cJSON_AddObjectToObject(step, "headers");
    if (!headers || !set_string(headers, "Content-Type", type)) {
        cJSON_Delete(step);
        return CF_E_NOMEM;
    }
    const cf_api_response *r = cf_api_response_for(v->op, 415);
    cJSON *expect = NULL;
    if (r && r->kind == CF_API_STATUS_EXACT) {
        expect = cJSON_CreateObject();
        if (expect && (!cJSON_AddFalseToObject(expect, "success") ||
                       !cJSON_AddNumberToObject(expect, "status", 415))) {
            cJSON_Delete(expect);
            expect = NULL;
        }
    } else {
        expect = gc_expect_role(g, CF_API_ROLE_VALIDATION);
    }
    return gc_add(g, assemble(v, gc_case_node(v->op->id, "content-type.unsupported", "negative"),
                              step, expect));
}

/* Missing, empty and unknown values of each credential the operation takes. */
static cf_rc credential_cases(gc *g, const gc_op *v)
{
    static const char *const rules[] = {"missing", "empty", "unknown"};
    cf_rc rc = CF_OK;
    for (size_t i = 0; rc == CF_OK && v->sec && i < v->sec->count; i++) {
        const cf_api_credential *c = v->sec->all[i];
        int header = c->in == CF_API_IN_HEADER;
        if (!header && c->in != CF_API_IN_QUERY)
            continue;
        for (size_t r = 0; rc == CF_OK && r < 3; r++) {
            char name[CF_PATH_MAX], value[CF_PATH_MAX];
            if (v->sec->count == 1)
                snprintf(name, sizeof name, "auth.%s", rules[r]);
            else
                snprintf(name, sizeof name, "auth.%s.%s", c->id, rules[r]);
            snprintf(value, sizeof value, "%s%s", c->prefix ? c->prefix : "",
                     r == 2 ? GC_UNKNOWN_CREDENTIAL : "");
            cJSON *step = example_step(g, v);
            const char *place = header ? "headers" : "query";
            cJSON *to = cJSON_GetObjectItemCaseSensitive(step, place);
            if (step && !to)
                to = cJSON_AddObjectToObject(step, place);
            cJSON *val = r == 0 ? cJSON_CreateNull() : cJSON_CreateString(value);
            if (!to || !val) {
                cJSON_Delete(val);
                cJSON_Delete(step);
                return CF_E_NOMEM;
            }
            cJSON_DeleteItemFromObjectCaseSensitive(to, c->name);
            cJSON_AddItemToObject(to, c->name, val);
            rc = gc_add(g, assemble(v, gc_case_node(v->op->id, name, "negative"), step,
                                    gc_expect_role(g, CF_API_ROLE_AUTH)));
        }
    }
    return rc;
}

cf_rc gc_op_cases(gc *g, gc_op *v)
{
    cf_rc rc = CF_OK;
    g->st->dropped += v->list.dropped;
    for (size_t i = 0; rc == CF_OK && i < v->list.count; i++) {
        const cf_gen_item *it = &v->list.items[i];
        if ((!it->valid && !g->negative) || (it->absent && it->in == CF_GEN_IN_BODY) ||
            (it->absent && it->in == CF_GEN_IN_PATH))
            continue;
        rc = item_case(g, v, it);
    }
    if (rc == CF_OK && g->negative && v->media)
        rc = content_type_case(g, v);
    if (rc == CF_OK && g->negative)
        rc = credential_cases(g, v);
    return rc;
}
