/* api.c - the cf_api model: its arena, ownership of documents and schemas, and lookups. */
#include "contract/api.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/limits.h"

/* Blocks of at least ARENA_BLOCK bytes; a larger allocation gets a block of its own. */
#define ARENA_BLOCK (64u * 1024u)

typedef struct block {
    struct block *next;
    size_t used;
    size_t cap;
    max_align_t data[]; /* cap bytes */
} block;

struct cf_api_arena {
    block *head;
    size_t total; /* bytes of every block, bounded by CF_MAX_API_BYTES */
};

static const char *const role_names[] = {
#define ROLE_NAME(e, s) s,
    CF_API_ROLE_MAP(ROLE_NAME)
#undef ROLE_NAME
};

const char *cf_api_role_name(cf_api_role r)
{
    if (r < 0 || r >= CF_API_ROLE__COUNT)
        return "none";
    return role_names[r];
}

cf_api_role cf_api_role_from_name(const char *name)
{
    for (int i = 0; name && i < CF_API_ROLE__COUNT; i++)
        if (strcmp(role_names[i], name) == 0)
            return (cf_api_role)i;
    return CF_API_ROLE_NONE;
}

cf_api_role cf_api_role_for_status(int status)
{
    switch (status) {
    case 400:
    case 422:
        return CF_API_ROLE_VALIDATION;
    case 401:
    case 403:
        return CF_API_ROLE_AUTH;
    case 404:
        return CF_API_ROLE_NOT_FOUND;
    case 409:
        return CF_API_ROLE_CONFLICT;
    case 429:
        return CF_API_ROLE_THROTTLE;
    default:
        return status >= 500 && status <= 599 ? CF_API_ROLE_INTERNAL : CF_API_ROLE_NONE;
    }
}

const char *cf_api_in_name(cf_api_in in)
{
    switch (in) {
    case CF_API_IN_PATH:
        return "path";
    case CF_API_IN_QUERY:
        return "query";
    case CF_API_IN_HEADER:
        return "header";
    case CF_API_IN_COOKIE:
        return "cookie";
    case CF_API_IN_BODY:
        return "body";
    }
    return "?";
}

cf_api *cf_api_new(cf_api_source source, const char *file)
{
    cf_api *api = calloc(1, sizeof *api);
    if (!api)
        return NULL;
    api->source = source;
    api->arena = calloc(1, sizeof *api->arena);
    if (!api->arena || (file && !(api->file = strdup(file)))) {
        cf_api_free(api);
        return NULL;
    }
    api->schema_options.dialect =
        source == CF_API_FROM_OPENAPI_30 ? CF_SCHEMA_OAS30 : CF_SCHEMA_2020_12;
    return api;
}

void cf_api_free(cf_api *api)
{
    if (!api)
        return;
    for (size_t i = 0; i < api->schema_count; i++)
        cf_schema_free(api->schemas[i]);
    free(api->schemas);
    for (size_t i = 0; i < api->doc_count; i++)
        cJSON_Delete(api->docs[i]);
    free(api->docs);
    if (api->arena) {
        for (block *b = api->arena->head, *next; b; b = next) {
            next = b->next;
            free(b);
        }
        free(api->arena);
    }
    free(api->file);
    free(api);
}

void *cf_api_alloc(cf_api *api, size_t size)
{
    const size_t align = sizeof(max_align_t);
    if (size == 0)
        size = 1;
    if (size > CF_MAX_API_BYTES)
        return NULL;
    size = (size + align - 1) / align * align;
    cf_api_arena *a = api->arena;
    block *b = a->head;
    if (!b || b->cap - b->used < size) {
        size_t cap = size > ARENA_BLOCK ? size : ARENA_BLOCK;
        if (a->total + cap > CF_MAX_API_BYTES)
            return NULL;
        block *nb = malloc(sizeof *nb + cap);
        if (!nb)
            return NULL;
        nb->used = 0;
        nb->cap = cap;
        a->total += cap;
        /* A big allocation goes behind the head so the head's free room stays usable. */
        if (b && cap == size) {
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            a->head = nb;
        }
        b = nb;
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

const char *cf_api_strndup(cf_api *api, const char *s, size_t len)
{
    if (!s)
        return NULL;
    char *p = cf_api_alloc(api, len + 1);
    if (p)
        memcpy(p, s, len);
    return p;
}

const char *cf_api_strdup(cf_api *api, const char *s)
{
    return s ? cf_api_strndup(api, s, strlen(s)) : NULL;
}

/* Appends `item` to a heap array of pointers, doubling it. */
static cf_rc push(void ***items, size_t *count, size_t *cap, void *item)
{
    if (*count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        void **n = realloc(*items, ncap * sizeof *n);
        if (!n)
            return CF_E_NOMEM;
        *items = n;
        *cap = ncap;
    }
    (*items)[(*count)++] = item;
    return CF_OK;
}

cf_rc cf_api_adopt(cf_api *api, cJSON *doc)
{
    if (!doc)
        return CF_OK;
    void **items = (void **)api->docs;
    cf_rc rc = push(&items, &api->doc_count, &api->doc_cap, doc);
    api->docs = (cJSON **)items;
    if (rc != CF_OK)
        cJSON_Delete(doc);
    return rc;
}

cf_rc cf_api_schema_set(cf_api *api, cf_api_schema *s, const cJSON *json)
{
    s->json = json;
    s->compiled = NULL;
    if (!json)
        return CF_OK;
    cf_schema *c = NULL;
    cf_rc rc = cf_schema_compile(json, &api->schema_options, &c);
    if (rc != CF_OK)
        return rc;
    void **items = (void **)api->schemas;
    rc = push(&items, &api->schema_count, &api->schema_cap, c);
    api->schemas = (cf_schema **)items;
    if (rc != CF_OK) {
        cf_schema_free(c);
        return rc;
    }
    s->compiled = c;
    return CF_OK;
}

const cf_api_operation *cf_api_operation_find(const cf_api *api, const char *id)
{
    for (size_t i = 0; id && i < api->operation_count; i++)
        if (strcmp(api->operations[i].id, id) == 0)
            return &api->operations[i];
    return NULL;
}

const cf_api_var *cf_api_var_find(const cf_api *api, const char *name)
{
    for (size_t i = 0; name && i < api->var_count; i++)
        if (strcmp(api->vars[i].name, name) == 0)
            return &api->vars[i];
    return NULL;
}

const cf_api_error *cf_api_error_find(const cf_api *api, const char *code)
{
    for (size_t i = 0; code && i < api->error_count; i++)
        if (api->errors[i].code && strcmp(api->errors[i].code, code) == 0)
            return &api->errors[i];
    return NULL;
}

const cf_api_credential *cf_api_credential_find(const cf_api *api, const char *id)
{
    for (size_t i = 0; id && i < api->credential_count; i++)
        if (strcmp(api->credentials[i].id, id) == 0)
            return &api->credentials[i];
    return NULL;
}

const cf_api_param *cf_api_param_find(const cf_api_operation *op, cf_api_in in, const char *name)
{
    for (size_t i = 0; name && i < op->param_count; i++) {
        const cf_api_param *p = &op->params[i];
        if (p->in != in)
            continue;
        if (in == CF_API_IN_HEADER ? strcasecmp(p->name, name) == 0 : strcmp(p->name, name) == 0)
            return p;
    }
    return NULL;
}

const cf_api_response *cf_api_response_for(const cf_api_operation *op, int status)
{
    const cf_api_response *range = NULL, *dflt = NULL;
    for (size_t i = 0; i < op->response_count; i++) {
        const cf_api_response *r = &op->responses[i];
        if (r->kind == CF_API_STATUS_EXACT && r->status == status)
            return r;
        if (r->kind == CF_API_STATUS_RANGE && r->status == status / 100 && !range)
            range = r;
        if (r->kind == CF_API_STATUS_DEFAULT && !dflt)
            dflt = r;
    }
    return range ? range : dflt;
}

/* Length of a media type without its parameters and trailing blanks. */
static size_t media_len(const char *m)
{
    size_t n = strcspn(m, ";");
    while (n > 0 && (m[n - 1] == ' ' || m[n - 1] == '\t'))
        n--;
    return n;
}

const cf_api_media *cf_api_media_find(const cf_api_media *list, size_t count,
                                      const char *media_type)
{
    if (!media_type)
        return NULL;
    size_t want = media_len(media_type);
    const char *slash = memchr(media_type, '/', want);
    const cf_api_media *wild = NULL, *any = NULL;
    for (size_t i = 0; i < count; i++) {
        const char *m = list[i].media_type;
        size_t n = media_len(m);
        if (n == want && strncasecmp(m, media_type, n) == 0)
            return &list[i];
        if (n == 3 && strncmp(m, "*/*", 3) == 0)
            any = any ? any : &list[i];
        else if (slash && n >= 2 && m[n - 1] == '*' && m[n - 2] == '/' &&
                 (size_t)(slash - media_type) == n - 2 && strncasecmp(m, media_type, n - 2) == 0)
            wild = wild ? wild : &list[i];
    }
    return wild ? wild : any;
}

/* Matches one path segment against a template segment; returns 0 no match, 1 templated,
 * 2 literal. A template segment may mix text and {params} ("{id}.json"). */
static int segment_match(const char *t, size_t tn, const char *p, size_t pn)
{
    const char *open = memchr(t, '{', tn);
    if (!open)
        return tn == pn && memcmp(t, p, tn) == 0 ? 2 : 0;
    size_t pre = (size_t)(open - t);
    const char *close = memchr(open, '}', tn - pre);
    if (!close)
        return tn == pn && memcmp(t, p, tn) == 0 ? 2 : 0;
    size_t post = tn - (size_t)(close + 1 - t);
    if (pn < pre + post + 1 || memcmp(t, p, pre) != 0 ||
        memcmp(close + 1, p + pn - post, post) != 0)
        return 0;
    return 1;
}

/* Score of a template against a path: -1 no match, else the number of literal segments. */
static long route_score(const char *tmpl, const char *path)
{
    long literal = 0;
    for (;;) {
        while (*tmpl == '/')
            tmpl++;
        while (*path == '/')
            path++;
        if (!*tmpl || !*path)
            return !*tmpl && !*path ? literal : -1;
        size_t tn = strcspn(tmpl, "/"), pn = strcspn(path, "/?");
        int m = segment_match(tmpl, tn, path, pn);
        if (!m)
            return -1;
        literal += m == 2;
        tmpl += tn;
        path += pn;
        if (*path == '?')
            return tmpl[strspn(tmpl, "/")] ? -1 : literal;
    }
}

const cf_api_operation *cf_api_route(const cf_api *api, const char *method, const char *path)
{
    const cf_api_operation *best = NULL;
    long best_score = -1;
    for (size_t i = 0; method && path && i < api->operation_count; i++) {
        const cf_api_operation *op = &api->operations[i];
        if (strcasecmp(op->method, method) != 0)
            continue;
        long s = route_score(op->path, path);
        if (s > best_score) {
            best_score = s;
            best = op;
        }
    }
    return best;
}

int cf_api_path_param_next(const char *from, cf_api_path_param *out)
{
    out->open = from ? strchr(from, '{') : NULL;
    out->after = NULL;
    out->name[0] = '\0';
    out->truncated = 0;
    if (!out->open)
        return 0;
    const char *close = strchr(out->open, '}');
    if (!close)
        return -1;
    size_t n = (size_t)(close - out->open - 1);
    out->truncated = n >= sizeof out->name;
    if (out->truncated)
        n = sizeof out->name - 1;
    memcpy(out->name, out->open + 1, n);
    out->name[n] = '\0';
    out->after = close + 1;
    return 1;
}
