/* schema_compile.c - turns a JSON schema into its compiled form once: one node per schema
 * object, the problems found, the dialect (keywords and refs are read by the files beside it). */
#include "contract/schema.h"
#include "contract/schema_internal.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"

/* One compiled node per schema object of the document, so $refs share targets. */
struct cf_schema_slot {
    const cJSON *src;
    cf_schema_node *node;
};

static const char draft4_uri[] = "http://json-schema.org/draft-04/schema";
static const char draft2020_uri[] = "https://json-schema.org/draft/2020-12/schema";

static char *dup_str(cf_schema_cctx *c, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (!d) {
        c->rc = CF_E_NOMEM;
        return NULL;
    }
    memcpy(d, s, n);
    return d;
}

void cf_schema_compile_problem(cf_schema_cctx *c, cf_schema_node *n, const char *keyword,
                               const char *fmt, ...)
{
    char msg[MESSAGE_MAX];
    char path[CF_PATH_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (keyword)
        cf_diag_path_key(path, sizeof(path), n->spath, keyword);
    else
        snprintf(path, sizeof(path), "%s", n->spath);
    cf_schema_problem *grown = realloc(n->malformed, (n->n_malformed + 1) * sizeof(*grown));
    if (!grown) {
        c->rc = CF_E_NOMEM;
        return;
    }
    n->malformed = grown;
    cf_schema_problem *p = &grown[n->n_malformed];
    p->path = dup_str(c, path);
    p->message = dup_str(c, msg);
    if (!p->path || !p->message) {
        free(p->path);
        free(p->message);
        return;
    }
    n->n_malformed++;
}

/* The slot of a source schema, found by pointer (open addressing). */
static size_t slot_hash(const cJSON *src, size_t cap)
{
    size_t h = (size_t)(uintptr_t)src;
    h ^= h >> 17;
    h *= (size_t)0x9E3779B97F4A7C15ull;
    return (h >> 7) & (cap - 1);
}

static cf_schema_node *slot_find(cf_schema_cctx *c, const cJSON *src)
{
    cf_schema *s = c->s;
    if (!s->cap_slots)
        return NULL;
    for (size_t i = slot_hash(src, s->cap_slots);; i = (i + 1) & (s->cap_slots - 1)) {
        if (!s->slots[i].src)
            return NULL;
        if (s->slots[i].src == src)
            return s->slots[i].node;
    }
}

static int slot_put(cf_schema_cctx *c, const cJSON *src, cf_schema_node *node)
{
    cf_schema *s = c->s;
    if ((s->n_slots + 1) * 2 > s->cap_slots) {
        size_t cap = s->cap_slots ? s->cap_slots * 2 : 64;
        struct cf_schema_slot *grown = calloc(cap, sizeof(*grown));
        if (!grown) {
            c->rc = CF_E_NOMEM;
            return 0;
        }
        for (size_t i = 0; i < s->cap_slots; i++) {
            if (!s->slots[i].src)
                continue;
            size_t j = slot_hash(s->slots[i].src, cap);
            while (grown[j].src)
                j = (j + 1) & (cap - 1);
            grown[j] = s->slots[i];
        }
        free(s->slots);
        s->slots = grown;
        s->cap_slots = cap;
    }
    size_t j = slot_hash(src, s->cap_slots);
    while (s->slots[j].src)
        j = (j + 1) & (s->cap_slots - 1);
    s->slots[j].src = src;
    s->slots[j].node = node;
    s->n_slots++;
    return 1;
}

cf_schema_node *cf_schema_compile_node(cf_schema_cctx *c, const cJSON *src, const char *spath,
                                       int depth)
{
    cf_schema_node *n = slot_find(c, src);
    if (n)
        return n;
    n = calloc(1, sizeof(*n));
    if (!n) {
        c->rc = CF_E_NOMEM;
        return NULL;
    }
    n->next_in_list = c->s->nodes;
    c->s->nodes = n;
    n->src = src;
    n->spath = dup_str(c, spath);
    if (!n->spath || !slot_put(c, src, n))
        return n;
    if (cJSON_IsBool(src)) {
        n->boolean = cJSON_IsTrue(src);
        return n;
    }
    n->boolean = -1;
    if (!cJSON_IsObject(src)) {
        cf_schema_compile_problem(c, n, NULL, "a schema must be an object or a boolean, got %s",
                                  cf_schema_instance_type(src));
        return n;
    }
    if (depth > CF_MAX_JSON_DEPTH) {
        cf_schema_compile_problem(c, n, NULL, "schema nested deeper than %d levels",
                                  CF_MAX_JSON_DEPTH);
        return n;
    }
    cf_schema_compile_keywords(c, n, src, depth);
    if (cf_schema_props_index(n) != CF_OK)
        c->rc = CF_E_NOMEM;
    return n;
}

/* Percent-decodes a URI fragment into out (size n); 0 when malformed or too long. */
static int names_dialect(const cJSON *schema, const char *uri)
{
    const cJSON *s = cf_schema_keyword(schema, "$schema");
    if (!cJSON_IsString(s))
        return 0;
    size_t n = strlen(uri);
    return strncmp(s->valuestring, uri, n) == 0 &&
           (s->valuestring[n] == '\0' || strcmp(s->valuestring + n, "#") == 0);
}

cf_rc cf_schema_compile(const cJSON *schema, const cf_schema_options *opt, cf_schema **out)
{
    *out = NULL;
    if (!schema)
        return CF_E_INVALID;
    cf_schema *s = calloc(1, sizeof(*s));
    if (!s)
        return CF_E_NOMEM;
    s->dialect = opt ? opt->dialect : CF_SCHEMA_2020_12;
    if (cJSON_IsObject(schema) && names_dialect(schema, draft4_uri))
        s->dialect = CF_SCHEMA_OAS30;
    else if (cJSON_IsObject(schema) && names_dialect(schema, draft2020_uri))
        s->dialect = CF_SCHEMA_2020_12;
    cf_schema_cctx c = {s, opt && opt->document ? opt->document : schema,
                        s->dialect == CF_SCHEMA_OAS30, NULL, CF_OK};
    s->root = cf_schema_compile_node(&c, schema, "", 0);
    cf_schema_ref_resolve_pending(&c);
    cf_schema_ref_resolve_mappings(&c);
    while (c.todo) {
        cf_schema_pending *p = c.todo;
        c.todo = p->next;
        free(p);
    }
    /* the slot table only serves compilation */
    free(s->slots);
    s->slots = NULL;
    s->n_slots = s->cap_slots = 0;
    if (c.rc != CF_OK) {
        cf_schema_free(s);
        return c.rc;
    }
    *out = s;
    return CF_OK;
}

void cf_schema_free(cf_schema *s)
{
    if (!s)
        return;
    cf_schema_node *n = s->nodes;
    while (n) {
        cf_schema_node *next = n->next_in_list;
        for (size_t i = 0; i < n->n_malformed; i++) {
            free(n->malformed[i].path);
            free(n->malformed[i].message);
        }
        free(n->malformed);
        free(n->spath);
        free(n->all_of);
        free(n->any_of);
        free(n->one_of);
        cf_schema_regex_free(n->pattern);
        free(n->props);
        free(n->prop_slots);
        free(n->required_at);
        for (size_t i = 0; i < n->n_pattern_props; i++)
            cf_schema_regex_free(n->pattern_props[i].re);
        free(n->pattern_props);
        free(n->dependents);
        free(n->prefix_items);
        free(n->mapping);
        free(n);
        n = next;
    }
    free(s->slots);
    free(s);
}
