/* params.c - a request's parameters: headers, the path template's values and the query, read
 * into JSON values and checked against the operation's parameter schemas. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/json.h"
#include "base/str.h"
#include "mock/internal.h"

#define PARAM_MAX 8192u /* one decoded path or query value, in bytes */

const char *cf_mock_header(const header_source *h, const char *name, size_t *len)
{
    const char *v = NULL;
    size_t n = 0;
    if (h->conn) {
        if (MHD_lookup_connection_value_n(h->conn, MHD_HEADER_KIND, name, strlen(name), &v, &n) !=
            MHD_YES)
            return NULL;
        if (!v) {
            v = "";
            n = 0;
        }
    } else {
        v = cf_headers_get(h->list, name);
        n = v ? strlen(v) : 0;
    }
    if (len)
        *len = n;
    return v;
}

typedef struct {
    const char *name;
    unsigned count;
} header_counter;

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    header_counter *c = cls;
    (void)kind;
    (void)value;
    if (key && strcasecmp(key, c->name) == 0)
        c->count++;
    return MHD_YES;
}

unsigned cf_mock_header_count(const header_source *h, const char *name)
{
    header_counter c = {name, 0};
    if (h->conn) {
        MHD_get_connection_values(h->conn, MHD_HEADER_KIND, count_header, &c);
    } else {
        for (size_t i = 0; i < h->list->count; i++)
            c.count += strcasecmp(h->list->items[i].name, name) == 0;
    }
    return c.count;
}

/* Percent-decodes s[0..n) into out (plus as space when `form`); 0 when malformed or too long
 * or when it decodes to a NUL. */
static int decode(const char *s, size_t n, int form, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            if (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) ||
                !isxdigit((unsigned char)s[i + 2]))
                return 0;
            char hex[3] = {s[i + 1], s[i + 2], 0};
            c = (char)strtol(hex, NULL, 16);
            if (c == '\0')
                return 0;
            i += 2;
        } else if (c == '+' && form) {
            c = ' ';
        }
        if (o + 1 >= cap)
            return 0;
        out[o++] = c;
    }
    out[o] = '\0';
    return 1;
}

/* The JSON value a parameter's text stands for, by the type its schema asks: numbers and
 * booleans are converted when they parse, anything else stays a string (and the schema then
 * says what is wrong). */
static cJSON *typed(const cf_api_param *p, const char *text)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(p->schema.json, "type");
    const char *t = cJSON_IsString(type) ? type->valuestring : "";
    if (strcmp(t, "integer") == 0 || strcmp(t, "number") == 0) {
        char *end = NULL;
        errno = 0;
        double v = strtod(text, &end);
        if (*text && end && *end == '\0' && errno == 0 &&
            strspn(text, "0123456789-+.eE") == strlen(text))
            return cJSON_CreateNumber(v);
    }
    if (strcmp(t, "boolean") == 0 && (strcmp(text, "true") == 0 || strcmp(text, "false") == 0))
        return cJSON_CreateBool(text[0] == 't');
    return cJSON_CreateString(text);
}

static int is_array_param(const cf_api_param *p)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(p->schema.json, "type");
    return cJSON_IsString(type) && strcmp(type->valuestring, "array") == 0;
}

/* Fills o->params/path from the concrete path against the template. 0 when a value does not
 * decode (a validation error). */
static int path_values(cf_mock *m, const incoming *r, outcome *o, cJSON *into)
{
    const char *t = o->op->path, *p = r->path, *end = r->path + r->path_len;
    char value[PARAM_MAX];
    while (*t) {
        while (*t == '/')
            t++;
        while (p < end && *p == '/')
            p++;
        size_t tn = strcspn(t, "/");
        const char *pe = memchr(p, '/', (size_t)(end - p));
        size_t pn = pe ? (size_t)(pe - p) : (size_t)(end - p);
        const char *open = memchr(t, '{', tn);
        const char *close = open ? memchr(open, '}', tn - (size_t)(open - t)) : NULL;
        if (open && close) {
            size_t pre = (size_t)(open - t), post = tn - (size_t)(close + 1 - t);
            char name[256];
            size_t nn = (size_t)(close - open - 1);
            if (nn >= sizeof(name))
                nn = sizeof(name) - 1;
            memcpy(name, open + 1, nn);
            name[nn] = '\0';
            if (nn > 0 && name[nn - 1] == '+') /* greedy label kept as {Key} */
                name[--nn] = '\0';
            if (pn < pre + post || !decode(p + pre, pn - pre - post, 0, value, sizeof(value))) {
                cf_mock_fail(m, o, CF_API_ROLE_VALIDATION);
                cf_mock_message_set(m, o, NULL, 0,
                                    "path parameter '%s' is not valid percent-encoding", name);
                return 0;
            }
            const cf_api_param *param = cf_api_param_find(o->op, CF_API_IN_PATH, name);
            cJSON *v = param ? typed(param, value) : cJSON_CreateString(value);
            if (!v || !cJSON_AddItemToObject(into, name, v)) {
                cJSON_Delete(v);
                cf_mock_fail(m, o, CF_API_ROLE_INTERNAL);
                cf_mock_message_set(m, o, NULL, 0, "out of memory");
                return 0;
            }
        }
        t += tn;
        p += pn;
    }
    return 1;
}

/* One decoded query pair into o->params/query: repeated names of array parameters collect,
 * a later value of a single one is dropped. 0 when out of memory. */
static int add_query(const outcome *o, cJSON *into, const char *name, const char *value)
{
    const cf_api_param *p = cf_api_param_find(o->op, CF_API_IN_QUERY, name);
    cJSON *have = cJSON_GetObjectItemCaseSensitive(into, name);
    cJSON *v = NULL;
    if (p && is_array_param(p)) {
        const cJSON *items = cJSON_GetObjectItemCaseSensitive(p->schema.json, "items");
        cf_api_param item = {.schema = {.json = items}};
        if (!have)
            have = cJSON_AddArrayToObject(into, name);
        v = typed(&item, value);
        if (have && v && cJSON_AddItemToArray(have, v))
            return 1;
        cJSON_Delete(v);
        return 0;
    }
    if (have)
        return 1;
    v = p ? typed(p, value) : cJSON_CreateString(value);
    if (v && cJSON_AddItemToObject(into, name, v))
        return 1;
    cJSON_Delete(v);
    return 0;
}

typedef struct {
    const outcome *o;
    cJSON *into;
    int ok;
} query_walk;

static enum MHD_Result each_argument(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    query_walk *w = cls;
    (void)kind;
    if (key && key[0] && w->ok)
        w->ok = add_query(w->o, w->into, key, value ? value : "");
    return MHD_YES;
}

/* Fills o->params/query: from libmicrohttpd's decoded arguments, or from the query string of
 * a path given to cf_mock_handle(). */
static int query_values(cf_mock *m, const incoming *r, outcome *o, cJSON *into)
{
    if (r->headers->conn) {
        query_walk w = {o, into, 1};
        MHD_get_connection_values(r->headers->conn, MHD_GET_ARGUMENT_KIND, each_argument, &w);
        if (!w.ok) {
            cf_mock_fail(m, o, CF_API_ROLE_INTERNAL);
            cf_mock_message_set(m, o, NULL, 0, "out of memory");
        }
        return w.ok;
    }
    const char *q = strchr(r->path, '?');
    char name[512], value[PARAM_MAX];
    for (q = q ? q + 1 : NULL; q && *q;) {
        size_t n = strcspn(q, "&");
        const char *eq = memchr(q, '=', n);
        size_t kn = eq ? (size_t)(eq - q) : n;
        if (kn > 0 &&
            (!decode(q, kn, 1, name, sizeof(name)) ||
             !decode(eq ? eq + 1 : q + n, eq ? n - kn - 1 : 0, 1, value, sizeof(value)))) {
            cf_mock_fail(m, o, CF_API_ROLE_VALIDATION);
            cf_mock_message_set(m, o, NULL, 0,
                                "the query is not valid percent-encoding (at '%.*s')",
                                (int)(n > 60 ? 60 : n), q);
            return 0;
        }
        q += n + (q[n] == '&');
        if (kn > 0 && !add_query(o, into, name, value)) {
            cf_mock_fail(m, o, CF_API_ROLE_INTERNAL);
            cf_mock_message_set(m, o, NULL, 0, "out of memory");
            return 0;
        }
    }
    return 1;
}

/* Reads the header parameters the operation declares. */
static int header_values(cf_mock *m, const incoming *r, outcome *o, cJSON *into)
{
    for (size_t i = 0; i < o->op->param_count; i++) {
        const cf_api_param *p = &o->op->params[i];
        if (p->in != CF_API_IN_HEADER)
            continue;
        size_t len = 0;
        const char *v = cf_mock_header(r->headers, p->name, &len);
        if (!v)
            continue;
        /* short values (all but a few) without an allocation of their own */
        char small[256];
        char *text = len < sizeof(small) ? small : cf_strndup(v, len);
        if (text == small) {
            memcpy(small, v, len);
            small[len] = '\0';
        }
        cJSON *j = text ? typed(p, text) : NULL;
        if (text != small)
            free(text);
        /* the name is the contract's, which outlives the request: not copied */
        if (!j || !cJSON_AddItemToObjectCS(into, p->name, j)) {
            cJSON_Delete(j);
            cf_mock_fail(m, o, CF_API_ROLE_INTERNAL);
            cf_mock_message_set(m, o, NULL, 0, "out of memory");
            return 0;
        }
    }
    return 1;
}

/* Every declared parameter: present when required, valid by its schema. A string value is
 * masked in the message like a credential: a header parameter may be one. */
static int check_params(cf_mock *m, outcome *o)
{
    static const char *const where[] = {"path", "query", "header"};
    static const cf_api_in ins[] = {CF_API_IN_PATH, CF_API_IN_QUERY, CF_API_IN_HEADER};
    for (size_t i = 0; i < o->op->param_count; i++) {
        const cf_api_param *p = &o->op->params[i];
        size_t k = 0;
        while (k < 3 && ins[k] != p->in)
            k++;
        if (k == 3)
            continue;
        const cJSON *group = cJSON_GetObjectItemCaseSensitive(o->params, where[k]);
        const cJSON *v =
            p->in == CF_API_IN_HEADER ? NULL : cJSON_GetObjectItemCaseSensitive(group, p->name);
        for (const cJSON *h = p->in == CF_API_IN_HEADER ? group->child : NULL; h && !v; h = h->next)
            if (strcasecmp(h->string, p->name) == 0)
                v = h;
        if (!v) {
            if (!p->required)
                continue;
            cf_mock_fail(m, o, CF_API_ROLE_VALIDATION);
            cf_mock_message_set(m, o, NULL, 0, "missing required %s parameter '%s'", where[k],
                                p->name);
            return 0;
        }
        if (!p->schema.compiled)
            continue;
        cf_diags d;
        cf_diags_init(&d);
        size_t n = cf_schema_check(p->schema.compiled, v, CF_SCHEMA_REQUEST, "", &d);
        if (n > 0) {
            cf_mock_fail(m, o, CF_API_ROLE_VALIDATION);
            cf_mock_message_set(m, o, cJSON_IsString(v) ? v->valuestring : NULL,
                                cJSON_IsString(v) ? strlen(v->valuestring) : 0,
                                "invalid %s parameter '%s': %s%s", where[k], p->name,
                                d.count ? d.items[0].message : "not valid",
                                n > 1 ? " (and more)" : "");
        }
        cf_diags_cleanup(&d);
        if (n > 0)
            return 0;
    }
    return 1;
}

int cf_mock_params_read(cf_mock *m, const incoming *r, outcome *o)
{
    o->params = cJSON_CreateObject();
    cJSON *groups[3] = {NULL, NULL, NULL};
    static const char *const names[] = {"path", "query", "header"};
    for (size_t i = 0; i < 3 && o->params; i++) {
        groups[i] = cJSON_CreateObject();
        /* constant names: not copied */
        if (groups[i] && !cJSON_AddItemToObjectCS(o->params, names[i], groups[i])) {
            cJSON_Delete(groups[i]);
            groups[i] = NULL;
        }
    }
    cJSON *path = groups[0], *query = groups[1], *header = groups[2];
    if (!path || !query || !header) {
        cf_mock_fail(m, o, CF_API_ROLE_INTERNAL);
        cf_mock_message_set(m, o, NULL, 0, "out of memory");
        return 0;
    }
    return path_values(m, r, o, path) && query_values(m, r, o, query) &&
           header_values(m, r, o, header);
}

int cf_mock_params_check(cf_mock *m, outcome *o)
{
    return check_params(m, o);
}

const cJSON *cf_mock_request_value(const outcome *o, const char *locator)
{
    if (!locator)
        return NULL;
    if (locator[0] == '/' || locator[0] == '\0')
        return o->body ? cf_json_pointer(o->body, locator) : NULL;
    static const char *const groups[] = {"path", "query", "header"};
    for (size_t k = 0; k < 3; k++) {
        size_t n = strlen(groups[k]);
        if (strncmp(locator, groups[k], n) != 0 || locator[n] != ':')
            continue;
        const cJSON *group = cJSON_GetObjectItemCaseSensitive(o->params, groups[k]);
        for (const cJSON *v = group ? group->child : NULL; v; v = v->next)
            if (k == 2 ? strcasecmp(v->string, locator + n + 1) == 0
                       : strcmp(v->string, locator + n + 1) == 0)
                return v;
        return NULL;
    }
    return NULL;
}

const cJSON *cf_mock_ref_value(const outcome *o, const cf_api_resource_ref *ref)
{
    char loc[CF_PATH_MAX];
    switch (ref->in) {
    case CF_API_IN_BODY:
        return cf_mock_request_value(o, ref->where);
    case CF_API_IN_PATH:
        snprintf(loc, sizeof(loc), "path:%s", ref->where);
        break;
    case CF_API_IN_QUERY:
        snprintf(loc, sizeof(loc), "query:%s", ref->where);
        break;
    case CF_API_IN_HEADER:
        snprintf(loc, sizeof(loc), "header:%s", ref->where);
        break;
    default:
        return NULL;
    }
    return cf_mock_request_value(o, loc);
}
