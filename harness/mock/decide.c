/* decide.c - the mock's checks, in contract order, for a routed request: credentials (callers'
 * secrets or live resources), throttle, parameters and body, injected faults, then the
 * idempotency store and the resources and collections (state.c), one step under the lock. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/json.h"
#include "base/str.h"
#include "base/timefmt.h"
#include "base/utf8.h"
#include "base/uuid.h"
#include "mock/internal.h"

#define TOKEN_MAX 1024u /* an idempotency token from a header or the query, in bytes */

/* xorshift64*: the error-rate draws, reproducible with a seed. */
static double prng_unit(uint64_t *s)
{
    uint64_t x = *s ? *s : 0x9E3779B97F4A7C15ull;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return (double)((x * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

/* Constant-time comparison of a presented credential with a caller's secret. */
static int same_secret(const char *want, const char *got, size_t got_len)
{
    size_t want_len = strlen(want);
    unsigned char diff = (unsigned char)(want_len != got_len);
    for (size_t i = 0; i < got_len; i++)
        diff |= (unsigned char)(want[i % (want_len ? want_len : 1)] ^ got[i]);
    return diff == 0 && want_len > 0;
}

static const char *json_kind(const cJSON *v)
{
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNull(v))
        return "null";
    return "an object";
}

static void nomem(const cf_mock *m, outcome *o)
{
    cf_mock_fail(m, o, CF_API_ROLE_INTERNAL);
    cf_mock_message_set(m, o, NULL, 0, "out of memory");
}

/* 1 when some operation produces `resource` or some reference seeds it: only such resources
 * are looked up; an id nothing makes cannot be known, so it is not checked. */
static int tracked(const cf_api *api, const cf_api_resource_ref *ref)
{
    if (ref->seed_count)
        return 1;
    for (size_t i = 0; i < api->operation_count; i++)
        for (size_t j = 0; j < api->operations[i].mock.produce_count; j++)
            if (strcmp(api->operations[i].mock.produces[j].resource, ref->resource) == 0)
                return 1;
    return 0;
}

/* The consumed resource a credential carries (same header or query parameter), if tracked. */
static const cf_api_resource_ref *credential_ref(const cf_mock *m, const cf_api_operation *op,
                                                 const cf_api_credential *c)
{
    for (size_t i = 0; i < op->mock.consume_count; i++) {
        const cf_api_resource_ref *r = &op->mock.consumes[i];
        if (r->in == c->in && strcasecmp(r->where, c->name) == 0 && tracked(m->api, r))
            return r;
    }
    return NULL;
}

/* Checks one credential; 1 with *caller set, or 0 with the auth error in *o. */
static int check_credential(cf_mock *m, const incoming *r, outcome *o, const cf_api_credential *c,
                            size_t *caller, const char **presented, size_t *presented_len)
{
    const char *where = c->in == CF_API_IN_QUERY ? "query parameter" : "header";
    size_t len = 0;
    const char *value = NULL;
    if (c->in == CF_API_IN_QUERY) {
        char loc[CF_PATH_MAX];
        snprintf(loc, sizeof(loc), "query:%s", c->name);
        const cJSON *v = cf_mock_request_value(o, loc);
        value = cJSON_IsString(v) ? v->valuestring : NULL;
        len = value ? strlen(value) : 0;
    } else {
        value = cf_mock_header(r->headers, c->name, &len);
    }
    if (!value) {
        cf_mock_fail(m, o, CF_API_ROLE_AUTH);
        cf_mock_message_set(m, o, NULL, 0, "missing credential: send the %s %s", c->name, where);
        return 0;
    }
    *presented = value;
    *presented_len = len;
    if (c->in == CF_API_IN_HEADER && cf_mock_header_count(r->headers, c->name) > 1) {
        /* Two credentials are ambiguous: a proxy and the service might each pick another. */
        cf_mock_fail(m, o, CF_API_ROLE_AUTH);
        cf_mock_message_set(m, o, NULL, 0, "send exactly one %s header", c->name);
        return 0;
    }
    const char *prefix = c->prefix                       ? c->prefix
                         : c->kind == CF_API_CRED_BEARER ? "Bearer "
                         : c->kind == CF_API_CRED_BASIC  ? "Basic "
                                                         : "";
    size_t pn = strlen(prefix);
    if (len < pn || strncasecmp(value, prefix, pn) != 0) {
        cf_mock_fail(m, o, CF_API_ROLE_AUTH);
        cf_mock_message_set(m, o, NULL, 0, "the %s %s must start with '%s'", c->name, where,
                            prefix);
        return 0;
    }
    value += pn;
    len -= pn;
    if (len == 0) {
        cf_mock_fail(m, o, CF_API_ROLE_AUTH);
        cf_mock_message_set(m, o, NULL, 0, "the %s %s is empty", c->name, where);
        return 0;
    }
    int valued = 0;
    for (size_t i = 0; i < c->caller_count; i++)
        for (size_t k = 0; k < m->caller_count; k++) {
            if (strcmp(m->caller_names[k], c->callers[i]) != 0 || !m->caller_values[k])
                continue;
            valued = 1;
            if (same_secret(m->caller_values[k], value, len)) {
                *caller = k;
                return 1;
            }
        }
    const cf_api_resource_ref *ref = valued ? NULL : credential_ref(m, o->op, c);
    if (!valued && !ref) /* nothing to compare with: any credential is a caller */
        return 1;
    if (ref) {
        char *text = cf_strndup(value, len);
        if (!text) {
            nomem(m, o);
            return 0;
        }
        pthread_mutex_lock(&m->lock);
        const cf_mock_resource *res = cf_mock_state_find(m->state, ref->resource, text);
        if (res) { /* a seeded resource belongs to everyone */
            *caller = res->owner == SIZE_MAX ? m->caller_count : res->owner;
            o->session = CF_MOCK_SESSION_OWNER(res->serial);
        }
        pthread_mutex_unlock(&m->lock);
        free(text);
        if (res)
            return 1;
    }
    cf_mock_fail(m, o, CF_API_ROLE_AUTH);
    cf_mock_message_set(m, o, NULL, 0, "the credential in the %s %s is not accepted%s", c->name,
                        where, ref ? ": it is unknown or has ended" : "");
    return 0;
}

/* Whose collection a request appends to and lists: the session a live credential opened (each
 * connection its own chat, so concurrent cases of one caller do not read each other's items),
 * else the caller's. */
static size_t collection_owner(const outcome *o)
{
    return o->session ? o->session : o->caller;
}

/* The caller, or 0 with the auth error of the first alternative in *o. */
static int authenticate(cf_mock *m, const incoming *r, outcome *o, const char **presented,
                        size_t *presented_len)
{
    const cf_api_operation *op = o->op;
    const cf_api_security *alts = op->security_count ? op->security : m->api->security;
    size_t count = op->security_count ? op->security_count : m->api->security_count;
    o->caller = m->caller_count; /* everyone */
    if (op->security_none || count == 0)
        return 1;
    outcome first;
    int failed = 0;
    for (size_t a = 0; a < count; a++) {
        size_t caller = m->caller_count;
        int ok = 1;
        for (size_t i = 0; ok && i < alts[a].count; i++)
            ok = check_credential(m, r, o, alts[a].all[i], &caller, presented, presented_len);
        if (ok) {
            o->caller = caller;
            o->error = 0;
            o->code = NULL;
            o->role = CF_API_ROLE_NONE;
            o->status = 0;
            return 1;
        }
        if (!failed) {
            first = *o;
            failed = 1;
        }
    }
    *o = first;
    return 0;
}

/* Token bucket per caller; 1 when the request may go on. Call with the lock held. */
static int throttle_take(cf_mock *m, size_t caller, double now)
{
    double rate = m->faults.throttle_per_s;
    double burst = rate < 1 ? 1 : rate;
    caller_state *c = &m->callers[caller];
    if (!c->primed) {
        c->tokens = burst;
        c->last_ms = now;
        c->primed = 1;
    }
    c->tokens += (now - c->last_ms) / 1000.0 * rate;
    if (c->tokens > burst)
        c->tokens = burst;
    c->last_ms = now;
    if (c->tokens < 1)
        return 0;
    c->tokens -= 1;
    return 1;
}

static int is_json_media(const char *type)
{
    return strstr(type, "json") != NULL || strcmp(type, "*/*") == 0;
}

/* The request body: 1 with *json (NULL when there is none), or 0 with the validation error. */
static int validate_body(cf_mock *m, const incoming *r, outcome *o, const char *presented,
                         size_t presented_len, cJSON **json)
{
    const cf_api_operation *op = o->op;
    *json = NULL;
    if (r->too_large) {
        cf_mock_fail(m, o, CF_API_ROLE_VALIDATION);
        cf_mock_message_set(m, o, NULL, 0, "request body too large: the limit is %u bytes",
                            (unsigned)CF_MAX_REQUEST_BODY);
        return 0;
    }
    if (op->body_count == 0 || (r->body_len == 0 && !op->body_required))
        return 1;
    const char *ct = cf_mock_header(r->headers, "Content-Type", NULL);
    const cf_api_media *media = ct ? cf_api_media_find(op->bodies, op->body_count, ct) : NULL;
    if (!media) {
        cf_mock_fail(m, o, CF_API_ROLE_VALIDATION);
        if (!ct)
            cf_mock_message_set(m, o, NULL, 0, "missing content-type: send %s",
                                op->bodies[0].media_type);
        else
            cf_mock_message_set(m, o, presented, presented_len,
                                "unsupported content-type '%s': send %s", ct,
                                op->bodies[0].media_type);
        return 0;
    }
    const cJSON *schema = media->schema.json;
    for (int hops = 0; hops < 8 && cJSON_GetObjectItemCaseSensitive(schema, "$ref"); hops++) {
        const cJSON *ref = cJSON_GetObjectItemCaseSensitive(schema, "$ref");
        const char *why = NULL;
        const cJSON *doc = m->api->schema_options.document;
        schema = cJSON_IsString(ref) && doc ? cf_json_ref(doc, ref->valuestring, &why) : NULL;
    }
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(schema, "type");
    int object = cJSON_IsString(type) && strcmp(type->valuestring, "object") == 0;
    if (r->body_len == 0) {
        cf_mock_fail(m, o, CF_API_ROLE_VALIDATION);
        cf_mock_message_set(m, o, NULL, 0, "the request body is empty: send %s",
                            object ? "a JSON object" : "a body");
        return 0;
    }
    if (!is_json_media(media->media_type))
        return 1; /* not JSON: taken as it is */
    if (cf_utf8_length(r->body, r->body_len) == (size_t)-1) {
        /* RFC 8259 section 8.1; cJSON does not check, and the answer would echo the bytes. */
        cf_mock_fail(m, o, CF_API_ROLE_VALIDATION);
        cf_mock_message_set(m, o, NULL, 0, "the request body is not valid UTF-8");
        return 0;
    }
    size_t offset = 0;
    cf_rc rc = cf_json_parse(r->body, r->body_len, CF_MAX_JSON_DEPTH, json, &offset);
    if (rc != CF_OK) {
        if (rc == CF_E_NOMEM) {
            nomem(m, o);
            return 0;
        }
        cf_mock_fail(m, o, CF_API_ROLE_VALIDATION);
        if (rc == CF_E_TOO_DEEP)
            cf_mock_message_set(m, o, NULL, 0, "the request body nests deeper than %d levels",
                                CF_MAX_JSON_DEPTH);
        else
            cf_mock_message_set(m, o, NULL, 0, "the request body is not valid JSON (at byte %zu)",
                                offset);
        return 0;
    }
    if (object && !cJSON_IsObject(*json)) {
        cf_mock_fail(m, o, CF_API_ROLE_VALIDATION);
        cf_mock_message_set(m, o, NULL, 0, "the request body must be a JSON object, not %s",
                            json_kind(*json));
        return 0;
    }
    if (!media->schema.compiled)
        return 1;
    cf_diags d;
    cf_diags_init(&d);
    size_t n = cf_schema_check(media->schema.compiled, *json, CF_SCHEMA_REQUEST, "", &d);
    if (n > 0) {
        cf_mock_fail(m, o, CF_API_ROLE_VALIDATION);
        if (d.count > 0) {
            const cf_diag *first = &d.items[0];
            cf_mock_message_set(m, o, presented, presented_len, "invalid request: %s%s%s%s",
                                first->path, first->path[0] ? ": " : "", first->message,
                                n > 1 ? " (and more)" : "");
        } else {
            cf_mock_message_set(m, o, NULL, 0, "invalid request");
        }
    }
    cf_diags_cleanup(&d);
    return n == 0;
}

/* ---- idempotency and state (under the lock) -------------------------------------------------- */

/* The idempotency token, copied into buf; NULL when the request carries none. */
static const char *idem_token(const incoming *r, const outcome *o, char *buf, size_t cap)
{
    const cf_api_idempotency *id = &o->op->idem;
    const char *v = NULL;
    size_t len = 0;
    if (id->in == CF_API_TOKEN_BODY) {
        const cJSON *t = o->body ? cf_json_pointer(o->body, id->token) : NULL;
        v = cJSON_IsString(t) ? t->valuestring : NULL;
        len = v ? strlen(v) : 0;
    } else if (id->in == CF_API_TOKEN_HEADER) {
        v = cf_mock_header(r->headers, id->token, &len);
    } else if (id->in == CF_API_TOKEN_QUERY) {
        char loc[CF_PATH_MAX];
        snprintf(loc, sizeof(loc), "query:%s", id->token);
        const cJSON *t = cf_mock_request_value(o, loc);
        v = cJSON_IsString(t) ? t->valuestring : NULL;
        len = v ? strlen(v) : 0;
    }
    if (!v || len == 0 || len >= cap)
        return NULL;
    memcpy(buf, v, len);
    buf[len] = '\0';
    return buf;
}

/* The canonical text of what a replay must repeat: one printed value per line. */
static cf_rc idem_params(const incoming *r, const outcome *o, cf_buf *out)
{
    const cf_api_idempotency *id = &o->op->idem;
    cf_rc rc = CF_OK;
    if (id->must_repeat_count == 0) {
        const cJSON *parts[2] = {o->body, cJSON_GetObjectItemCaseSensitive(o->params, "path")};
        for (size_t i = 0; i < 2 && rc == CF_OK; i++) {
            rc = parts[i] ? cf_json_add(out, parts[i]) : cf_buf_addc(out, '-');
            if (rc == CF_OK)
                rc = cf_buf_addc(out, '\n');
        }
        return rc;
    }
    for (size_t i = 0; i < id->must_repeat_count && rc == CF_OK; i++) {
        const char *loc = id->must_repeat[i];
        if (strncasecmp(loc, "header:", 7) == 0) {
            size_t len = 0;
            const char *h = cf_mock_header(r->headers, loc + 7, &len);
            rc = h ? cf_buf_addc(out, '=') : cf_buf_adds(out, "-\n");
            if (h && rc == CF_OK)
                rc = cf_buf_add(out, h, len);
            if (h && rc == CF_OK)
                rc = cf_buf_addc(out, '\n');
        } else {
            const cJSON *v = cf_mock_request_value(o, loc);
            rc = v ? cf_buf_addc(out, '=') : cf_buf_adds(out, "-\n");
            if (v && rc == CF_OK)
                rc = cf_json_add(out, v);
            if (v && rc == CF_OK)
                rc = cf_buf_addc(out, '\n');
        }
    }
    return rc == CF_OK ? cf_buf_adds(out, "") : rc;
}

/* Index of the first differing line of two parameter texts. */
static size_t first_difference(const char *a, const char *b)
{
    size_t line = 0;
    for (;;) {
        const char *ea = strchr(a, '\n');
        const char *eb = strchr(b, '\n');
        if (!ea || !eb)
            return line;
        if (ea - a != eb - b || memcmp(a, b, (size_t)(ea - a)) != 0)
            return line;
        a = ea + 1;
        b = eb + 1;
        line++;
    }
}

/* A consumed value as text (numbers printed); 0 when it is no scalar. */
static int value_text(const cJSON *v, char *buf, size_t cap)
{
    if (cJSON_IsString(v))
        return snprintf(buf, cap, "%s", v->valuestring) < (int)cap;
    if (cJSON_IsNumber(v))
        return snprintf(buf, cap, "%.17g", v->valuedouble) < (int)cap;
    return 0;
}

/* The resources the operation consumes must be known to the caller and in the state asked.
 * Records the producing requests in o->resources. 0 with the error in *o. */
static int consume(cf_mock *m, const incoming *r, outcome *o, cf_mock_resource **found, size_t cap)
{
    const cf_api_operation *op = o->op;
    for (size_t i = 0; i < op->mock.consume_count && i < cap; i++) {
        const cf_api_resource_ref *ref = &op->mock.consumes[i];
        found[i] = NULL;
        if (!tracked(m->api, ref))
            continue;
        char text[1024];
        int have = 0;
        if (ref->in == CF_API_IN_HEADER) {
            size_t len = 0;
            const char *h = cf_mock_header(r->headers, ref->where, &len);
            have = h && len < sizeof(text);
            if (have)
                snprintf(text, sizeof(text), "%.*s", (int)len, h);
        } else {
            have = value_text(cf_mock_ref_value(o, ref), text, sizeof(text));
        }
        if (!have)
            continue; /* absent: the schema says whether it had to be there */
        cf_mock_resource *res = cf_mock_state_find(m->state, ref->resource, text);
        if (!res || (res->owner != o->caller && res->owner != SIZE_MAX)) {
            cf_api_role role = cf_mock_has_role(m, op, CF_API_ROLE_NOT_FOUND)
                                   ? CF_API_ROLE_NOT_FOUND
                                   : CF_API_ROLE_VALIDATION;
            /* a credential-like resource that is gone is an authentication failure */
            for (size_t c = 0; c < m->api->credential_count; c++)
                if (m->api->credentials[c].in == ref->in &&
                    strcasecmp(m->api->credentials[c].name, ref->where) == 0)
                    role = CF_API_ROLE_AUTH;
            cf_mock_fail(m, o, role);
            cf_mock_message_set(m, o, text, strlen(text),
                                "the %s sent in %s %s is not known: no earlier call of this "
                                "caller made it, or it has ended",
                                ref->resource, cf_api_in_name(ref->in), ref->where);
            return 0;
        }
        if (ref->state && (!res->state || strcmp(res->state, ref->state) != 0)) {
            cf_api_role role = cf_mock_has_role(m, op, CF_API_ROLE_CONFLICT)
                                   ? CF_API_ROLE_CONFLICT
                                   : CF_API_ROLE_VALIDATION;
            cf_mock_fail(m, o, role);
            cf_mock_message_set(m, o, NULL, 0, "the %s sent in %s %s is %s; %s needs it %s",
                                ref->resource, cf_api_in_name(ref->in), ref->where,
                                res->state ? res->state : "in no state", op->id, ref->state);
            return 0;
        }
        found[i] = res;
        int credential = 0;
        for (size_t c = 0; c < m->api->credential_count; c++)
            credential |= m->api->credentials[c].in == ref->in &&
                          strcasecmp(m->api->credentials[c].name, ref->where) == 0;
        if (res->answer && !o->stored && !credential && !(o->stored = cJSON_Parse(res->answer))) {
            nomem(m, o);
            return 0;
        }
        if (res->origin) {
            cJSON *origin = cJSON_Parse(res->origin);
            if (origin && !o->resources)
                o->resources = cJSON_CreateObject();
            if (!origin || !o->resources ||
                !cJSON_AddItemToObject(o->resources, ref->resource, origin)) {
                cJSON_Delete(origin);
                nomem(m, o);
                return 0;
            }
        }
    }
    return 1;
}

/* A page token this mock gives: "conform-page-N"; 0 when `text` is none. */
static uint64_t page_from(const char *text)
{
    static const char prefix[] = "conform-page-";
    if (strncmp(text, prefix, sizeof(prefix) - 1) != 0)
        return 0;
    const char *d = text + sizeof(prefix) - 1;
    if (!*d || strspn(d, "0123456789") != strlen(d) || strlen(d) > 18)
        return 0;
    return strtoull(d, NULL, 10);
}

/* lists: the page the request asks for, into o->page / o->next_token. */
static int page(cf_mock *m, outcome *o)
{
    const cf_api_mock_collection *l = &o->op->mock.lists;
    size_t limit = l->default_limit > 0 ? (size_t)l->default_limit : 100;
    const cJSON *lim = cf_mock_request_value(o, l->limit);
    if (cJSON_IsNumber(lim) && lim->valuedouble >= 1)
        limit = lim->valuedouble > CF_MOCK_COLLECTION_MAX ? CF_MOCK_COLLECTION_MAX
                                                          : (size_t)lim->valuedouble;
    uint64_t from = 1, next = 0;
    const cJSON *cur = cf_mock_request_value(o, l->cursor);
    if (cur) {
        from = cJSON_IsString(cur) ? page_from(cur->valuestring) : 0;
        if (from == 0) {
            cf_mock_fail(m, o, CF_API_ROLE_VALIDATION);
            cf_mock_message_set(m, o, NULL, 0,
                                "%s is not a page token this mock gave: send the one the "
                                "previous page answered, or none for the first page",
                                l->cursor);
            return 0;
        }
    }
    if (cf_mock_state_page(m->state, collection_owner(o), l->collection, from, limit, &o->page,
                           &next) != CF_OK) {
        nomem(m, o);
        return 0;
    }
    if (next)
        snprintf(o->next_token, sizeof(o->next_token), "conform-page-%llu",
                 (unsigned long long)next);
    return 1;
}

/* After a success: the consumed resources move on (next_state) or end. */
static void consumed(cf_mock *m, const outcome *o, cf_mock_resource **found, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const cf_api_resource_ref *ref = &o->op->mock.consumes[i];
        if (!found[i])
            continue;
        if (ref->ends) {
            for (size_t k = i + 1; k < n; k++) /* the same resource twice: once */
                if (found[k] == found[i])
                    found[k] = NULL;
            cf_mock_state_remove(m->state, found[i]);
        } else if (ref->next_state) {
            found[i]->state = ref->next_state;
        }
    }
}

#define CONSUMES_MAX 16u

/* Idempotency, resources, quota and creation, one step under the lock. */
static void act(cf_mock *m, const incoming *r, outcome *o)
{
    const cf_api_idempotency *id = &o->op->idem;
    char tokbuf[TOKEN_MAX], key[TOKEN_MAX + 256];
    const char *token =
        id->in != CF_API_TOKEN_NONE ? idem_token(r, o, tokbuf, sizeof(tokbuf)) : NULL;
    size_t scope = id->scope == CF_API_SCOPE_GLOBAL ? SIZE_MAX : o->caller;
    cf_buf params;
    cf_buf_init(&params, CF_MAX_REQUEST_BODY * 2u);
    if (token) {
        /* "<operation id>\x1f<token>", cut to the key's size */
        size_t at = strnlen(o->op->id, sizeof(key) - 1), tn = strlen(token);
        memcpy(key, o->op->id, at);
        if (at < sizeof(key) - 1)
            key[at++] = '\x1f';
        if (tn > sizeof(key) - 1 - at)
            tn = sizeof(key) - 1 - at;
        memcpy(key + at, token, tn);
        key[at + tn] = '\0';
        if (idem_params(r, o, &params) != CF_OK) {
            cf_buf_free(&params);
            nomem(m, o);
            return;
        }
    }
    char fresh[37];
    cf_uuid_v4(fresh);
    int64_t now_ms = cf_time_now_ms();
    double now = cf_time_mono_ms();
    cf_mock_resource *found[CONSUMES_MAX];
    size_t n = o->op->mock.consume_count < CONSUMES_MAX ? o->op->mock.consume_count : CONSUMES_MAX;

    pthread_mutex_lock(&m->lock);
    const cf_mock_entry *e = NULL;
    if (token) {
        cf_mock_store_expire(m->store, now);
        e = cf_mock_store_find(m->store, scope, key);
    }
    int store_error = 0;
    if (e && strcmp(e->params, cf_buf_str(&params)) != 0) {
        size_t i = first_difference(e->params, cf_buf_str(&params));
        const char *what = i < id->must_repeat_count ? id->must_repeat[i] : "request";
        cf_mock_fail(m, o,
                     id->mismatch_role != CF_API_ROLE_NONE ? id->mismatch_role
                                                           : CF_API_ROLE_VALIDATION);
        if (id->mismatch_status)
            o->status = id->mismatch_status;
        if (id->mismatch_code)
            o->code = id->mismatch_code;
        cf_mock_message_set(m, o, NULL, 0,
                            "the idempotency token %s was already used with a different %s",
                            id->token, what);
    } else if (e) {
        o->replay = 1;
        if (e->error) {
            o->error = 1;
            o->status = e->status;
            o->role = (cf_api_role)e->role;
            o->code = e->code;
            snprintf(o->message, sizeof(o->message), "%s", e->message ? e->message : "");
        } else {
            memcpy(o->id, e->id, sizeof(o->id));
            o->serial = e->serial;
            o->created_ms = e->created_ms;
            o->status = o->plan->status;
        }
    } else if (!consume(m, r, o, found, n)) {
        store_error = token && id->replays_errors;
    } else if (o->op->mock.lists.collection && !page(m, o)) {
        /* a bad page token: not remembered */
    } else if (m->faults.quota_set && o->plan->creates &&
               m->callers[o->caller].created >= m->faults.quota) {
        cf_mock_fail(m, o, CF_API_ROLE_QUOTA);
        cf_mock_message_set(m, o, NULL, 0, "quota exceeded: each caller may create %lu",
                            m->faults.quota);
        store_error = token && id->replays_errors;
    } else if (token && cf_mock_store_add(m->store, scope, key, cf_buf_str(&params), fresh,
                                          m->serial + 1, now_ms, now) != CF_OK) {
        nomem(m, o);
    } else {
        consumed(m, o, found, n);
        if (o->plan->creates) {
            m->callers[o->caller].created++;
            __atomic_fetch_add(&m->stats.created, 1ul, __ATOMIC_SEQ_CST);
        }
        memcpy(o->id, fresh, sizeof(fresh));
        o->serial = ++m->serial;
        o->created_ms = now_ms;
        o->status = o->plan->status;
    }
    if (store_error && cf_mock_store_add_error(m->store, scope, key, cf_buf_str(&params), o->status,
                                               o->role, o->code, o->message, now) != CF_OK)
        nomem(m, o);
    pthread_mutex_unlock(&m->lock);
    cf_buf_free(&params);
}

void cf_mock_decide(cf_mock *m, const incoming *r, outcome *o, cJSON **json)
{
    const char *presented = NULL;
    size_t presented_len = 0;
    *json = NULL;
    if (r->nomem) {
        nomem(m, o);
        return;
    }
    if (!cf_mock_params_read(m, r, o) || !authenticate(m, r, o, &presented, &presented_len))
        return;
    if (m->faults.throttle_per_s > 0) {
        pthread_mutex_lock(&m->lock);
        int ok = throttle_take(m, o->caller, cf_time_mono_ms());
        pthread_mutex_unlock(&m->lock);
        if (!ok) {
            cf_mock_fail(m, o, CF_API_ROLE_THROTTLE);
            cf_mock_message_set(m, o, NULL, 0, "rate exceeded: at most %g requests per second",
                                m->faults.throttle_per_s);
            return;
        }
    }
    if (!validate_body(m, r, o, presented, presented_len, json))
        return;
    o->body = *json;
    if (!cf_mock_params_check(m, o))
        return;
    if (m->faults.error_rate > 0) {
        pthread_mutex_lock(&m->lock);
        double draw = prng_unit(&m->prng);
        pthread_mutex_unlock(&m->lock);
        if (draw < m->faults.error_rate) {
            cf_mock_fail(m, o, m->fault_role);
            if (m->fault_code) {
                o->code = m->fault_code;
                o->status = m->fault_status;
            }
            cf_mock_message_set(m, o, NULL, 0, "injected fault (error-rate %g)",
                                m->faults.error_rate);
            return;
        }
    }
    act(m, r, o);
}

/* The value a produced reference points at in the answer, as text. */
static int produced_text(const cf_api_resource_ref *ref, const cf_headers *headers,
                         const cJSON *answer, char *buf, size_t cap)
{
    if (ref->in == CF_API_IN_HEADER) {
        const char *h = cf_headers_get(headers, ref->where);
        return h && snprintf(buf, cap, "%s", h) < (int)cap;
    }
    return answer && value_text(cf_json_pointer(answer, ref->where), buf, cap);
}

void cf_mock_record(cf_mock *m, const outcome *o, const cf_headers *headers, const cJSON *answer)
{
    if (!o->op || o->error || o->replay)
        return;
    const cf_api_mock_hints *h = &o->op->mock;
    if (!h->produce_count && !h->appends.collection)
        return;
    char *origin = o->body ? cf_json_print(o->body) : NULL;
    char *made = h->produce_count && answer ? cf_json_print(answer) : NULL;
    cJSON *item = NULL;
    char err[CF_ERR_MAX];
    if (h->appends.collection &&
        cf_mock_expand(m, o, h->appends.item, &item, err, sizeof(err)) != CF_OK)
        item = NULL; /* the start-up dry run expanded it: only memory fails here */
    /* Out of memory here only means the resource or item is not known later (the answer is
     * already made): nothing better to do than go on. */
    cf_rc rc = CF_OK;
    pthread_mutex_lock(&m->lock);
    for (size_t i = 0; i < h->produce_count; i++) {
        char text[1024];
        if (produced_text(&h->produces[i], headers, answer, text, sizeof(text)) && rc == CF_OK)
            rc = cf_mock_state_add(m->state, h->produces[i].resource, text, o->caller,
                                   h->produces[i].state, origin, made);
    }
    if (item)
        rc = cf_mock_state_append(m->state, collection_owner(o), h->appends.collection, item);
    pthread_mutex_unlock(&m->lock);
    (void)rc;
    free(origin);
    free(made);
}
