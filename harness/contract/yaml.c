/* yaml.c - a libyaml event stream turned into a cJSON tree, bounded, with line:column marks. */
#include "contract/yaml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "base/limits.h"

typedef struct {
    cJSON *node;
    char *key; /* mappings: the key waiting for its value, NULL when a key comes next */
} frame;

typedef struct {
    char *name;
    cJSON *node;
    size_t nodes; /* nodes in the anchored tree, known once it is complete */
    int complete;
} anchor;

typedef struct {
    frame *stack;
    size_t depth;
    size_t max_depth;
    cJSON *root;
    int have_root;
    anchor *anchors;
    size_t anchor_count, anchor_cap;
    size_t nodes, aliases;
    cf_yaml_marks *marks;
    char *err;
    size_t errlen;
    cf_rc rc;
} builder;

static cf_rc fail(builder *b, cf_rc rc, const yaml_mark_t *at, const char *fmt, ...)
    CF_PRINTF(4, 5);

static cf_rc fail(builder *b, cf_rc rc, const yaml_mark_t *at, const char *fmt, ...)
{
    if (b->rc != CF_OK)
        return b->rc;
    b->rc = rc;
    int n = 0;
    if (at && b->errlen)
        n = snprintf(b->err, b->errlen, "line %zu, column %zu: ", at->line + 1, at->column + 1);
    if (n >= 0 && (size_t)n < b->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(b->err + n, b->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return rc;
}

static cf_rc mark(builder *b, const cJSON *node, const yaml_mark_t *at)
{
    cf_yaml_marks *m = b->marks;
    if (!m)
        return CF_OK;
    if (m->count == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 256;
        cf_yaml_mark *n = realloc(m->items, cap * sizeof *n);
        if (!n)
            return fail(b, CF_E_NOMEM, NULL, "out of memory");
        m->items = n;
        m->cap = cap;
    }
    m->items[m->count++] = (cf_yaml_mark){node, (unsigned)at->line + 1, (unsigned)at->column + 1};
    return CF_OK;
}

static int count_nodes(const cJSON *n)
{
    int c = 1;
    for (const cJSON *k = n->child; k; k = k->next)
        c += count_nodes(k);
    return c;
}

/* Puts a finished or just-opened node where it belongs: the root, the end of a sequence, or
 * under the pending key of a mapping. Takes `v` (freed on failure). */
static cf_rc attach(builder *b, cJSON *v, const yaml_mark_t *at)
{
    if (b->depth == 0) {
        if (b->have_root) {
            cJSON_Delete(v);
            return fail(b, CF_E_INVALID, at, "more than one document (not supported)");
        }
        b->root = v;
        b->have_root = 1;
        return CF_OK;
    }
    frame *f = &b->stack[b->depth - 1];
    if (cJSON_IsArray(f->node)) {
        cJSON_AddItemToArray(f->node, v);
        return CF_OK;
    }
    if (cJSON_GetObjectItemCaseSensitive(f->node, f->key)) {
        cf_rc rc = fail(b, CF_E_INVALID, at, "duplicate key \"%.80s\" (not supported)", f->key);
        cJSON_Delete(v);
        return rc;
    }
    /* cJSON takes the key string as its own. */
    cJSON_AddItemToObject(f->node, f->key, v);
    free(f->key);
    f->key = NULL;
    return CF_OK;
}

static int expecting_key(const builder *b)
{
    return b->depth > 0 && cJSON_IsObject(b->stack[b->depth - 1].node) &&
           !b->stack[b->depth - 1].key;
}

static int is_any(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

/* YAML 1.2 core schema for a plain scalar; NULL on allocation failure. */
static cJSON *plain_scalar(const char *s)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
    static const char *const trues[] = {"true", "True", "TRUE", NULL};
    static const char *const falses[] = {"false", "False", "FALSE", NULL};
    if (is_any(s, nulls))
        return cJSON_CreateNull();
    if (is_any(s, trues))
        return cJSON_CreateTrue();
    if (is_any(s, falses))
        return cJSON_CreateFalse();
    if ((s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) && s[2]) {
        char *end;
        unsigned long long v = strtoull(s + 2, &end, s[1] == 'x' ? 16 : 8);
        if (!*end)
            return cJSON_CreateNumber((double)v);
        return cJSON_CreateString(s);
    }
    /* [-+]? ( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )? */
    const char *p = s + (*s == '-' || *s == '+');
    size_t ints = strspn(p, "0123456789");
    p += ints;
    size_t frac = 0;
    if (*p == '.') {
        frac = strspn(p + 1, "0123456789");
        p += 1 + frac;
    }
    if ((ints || frac) && (*p == 'e' || *p == 'E')) {
        p += 1 + (p[1] == '-' || p[1] == '+');
        size_t e = strspn(p, "0123456789");
        p = e ? p + e : s; /* no exponent digits: not a number */
    }
    if ((ints || frac) && !*p && p != s)
        return cJSON_CreateNumber(strtod(s, NULL));
    /* .inf and .nan have no JSON form: they stay strings. */
    return cJSON_CreateString(s);
}

static cf_rc on_scalar(builder *b, const yaml_event_t *e)
{
    const char *text = (const char *)e->data.scalar.value;
    const yaml_mark_t *at = &e->start_mark;
    if (expecting_key(b)) {
        if (strcmp(text, "<<") == 0 && e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
            return fail(b, CF_E_INVALID, at, "merge key \"<<\" (not supported)");
        frame *f = &b->stack[b->depth - 1];
        f->key = strdup(text);
        return f->key ? CF_OK : fail(b, CF_E_NOMEM, NULL, "out of memory");
    }
    const char *tag = (const char *)e->data.scalar.tag;
    int plain =
        e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !(tag && strcmp(tag, YAML_STR_TAG) == 0);
    cJSON *v = plain ? plain_scalar(text) : cJSON_CreateString(text);
    if (!v)
        return fail(b, CF_E_NOMEM, NULL, "out of memory");
    if (++b->nodes > CF_MAX_YAML_NODES) {
        cJSON_Delete(v);
        return fail(b, CF_E_TOO_LARGE, at, "more than %u nodes", CF_MAX_YAML_NODES);
    }
    cf_rc rc = mark(b, v, at);
    if (rc != CF_OK) {
        cJSON_Delete(v);
        return rc;
    }
    return attach(b, v, at);
}

static cf_rc register_anchor(builder *b, const yaml_char_t *name, cJSON *node, int complete,
                             const yaml_mark_t *at)
{
    if (!name)
        return CF_OK;
    if (b->anchor_count == b->anchor_cap) {
        size_t cap = b->anchor_cap ? b->anchor_cap * 2 : 16;
        anchor *n = realloc(b->anchors, cap * sizeof *n);
        if (!n)
            return fail(b, CF_E_NOMEM, NULL, "out of memory");
        b->anchors = n;
        b->anchor_cap = cap;
    }
    char *copy = strdup((const char *)name);
    if (!copy)
        return fail(b, CF_E_NOMEM, at, "out of memory");
    /* A redefined anchor shadows the earlier one: the latest definition is searched first. */
    b->anchors[b->anchor_count++] = (anchor){copy, node, complete ? 1 : 0, complete};
    return CF_OK;
}

static cf_rc on_alias(builder *b, const yaml_event_t *e)
{
    const yaml_mark_t *at = &e->start_mark;
    const char *name = (const char *)e->data.alias.anchor;
    if (expecting_key(b))
        return fail(b, CF_E_INVALID, at, "an alias as a mapping key (not supported)");
    anchor *a = NULL;
    for (size_t i = b->anchor_count; i-- > 0;)
        if (strcmp(b->anchors[i].name, name) == 0) {
            a = &b->anchors[i];
            break;
        }
    if (!a)
        return fail(b, CF_E_INVALID, at, "undefined alias \"*%.80s\"", name);
    if (!a->complete)
        return fail(b, CF_E_INVALID, at, "alias \"*%.80s\" inside its own anchor (a cycle)", name);
    if (++b->aliases > CF_MAX_YAML_ALIASES)
        return fail(b, CF_E_TOO_LARGE, at, "more than %u aliases", CF_MAX_YAML_ALIASES);
    if (a->nodes > CF_MAX_YAML_NODES - b->nodes)
        return fail(b, CF_E_TOO_LARGE, at,
                    "more than %u nodes once aliases are expanded (an alias bomb?)",
                    CF_MAX_YAML_NODES);
    b->nodes += a->nodes;
    cJSON *copy = cJSON_Duplicate(a->node, 1);
    if (!copy)
        return fail(b, CF_E_NOMEM, NULL, "out of memory");
    return attach(b, copy, at);
}

static cf_rc on_start(builder *b, const yaml_event_t *e, int mapping)
{
    const yaml_mark_t *at = &e->start_mark;
    if (expecting_key(b))
        return fail(b, CF_E_INVALID, at, "a %s as a mapping key (not supported)",
                    mapping ? "mapping" : "sequence");
    if (b->depth >= b->max_depth)
        return fail(b, CF_E_TOO_DEEP, at, "nesting deeper than %zu", b->max_depth);
    if (++b->nodes > CF_MAX_YAML_NODES)
        return fail(b, CF_E_TOO_LARGE, at, "more than %u nodes", CF_MAX_YAML_NODES);
    cJSON *v = mapping ? cJSON_CreateObject() : cJSON_CreateArray();
    if (!v)
        return fail(b, CF_E_NOMEM, NULL, "out of memory");
    if (mark(b, v, at) != CF_OK) {
        cJSON_Delete(v);
        return b->rc;
    }
    /* Attached at once so that a failure later frees it with the tree. */
    if (attach(b, v, at) != CF_OK)
        return b->rc;
    const yaml_char_t *name =
        mapping ? e->data.mapping_start.anchor : e->data.sequence_start.anchor;
    if (register_anchor(b, name, v, 0, at) != CF_OK)
        return b->rc;
    b->stack[b->depth++] = (frame){v, NULL};
    return CF_OK;
}

static void on_end(builder *b)
{
    frame *f = &b->stack[--b->depth];
    free(f->key);
    f->key = NULL;
    for (size_t i = b->anchor_count; i-- > 0;)
        if (b->anchors[i].node == f->node && !b->anchors[i].complete) {
            b->anchors[i].complete = 1;
            b->anchors[i].nodes = (size_t)count_nodes(f->node);
        }
}

static int by_node(const void *a, const void *b)
{
    const cJSON *x = ((const cf_yaml_mark *)a)->node, *y = ((const cf_yaml_mark *)b)->node;
    return x < y ? -1 : x > y;
}

static cf_rc handle(builder *b, const yaml_event_t *e)
{
    switch (e->type) {
    case YAML_SCALAR_EVENT: {
        int was_key = expecting_key(b);
        if (on_scalar(b, e) != CF_OK)
            return b->rc;
        if (!was_key && e->data.scalar.anchor) {
            /* the scalar just attached: the last child of the top, or the root */
            cJSON *node = b->depth ? b->stack[b->depth - 1].node->child : b->root;
            while (node && node->next)
                node = node->next;
            return register_anchor(b, e->data.scalar.anchor, node, 1, &e->start_mark);
        }
        return CF_OK;
    }
    case YAML_ALIAS_EVENT:
        return on_alias(b, e);
    case YAML_SEQUENCE_START_EVENT:
        return on_start(b, e, 0);
    case YAML_MAPPING_START_EVENT:
        return on_start(b, e, 1);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        on_end(b);
        return CF_OK;
    case YAML_DOCUMENT_START_EVENT:
        if (b->have_root)
            return fail(b, CF_E_INVALID, &e->start_mark, "more than one document (not supported)");
        return CF_OK;
    default:
        return CF_OK;
    }
}

cf_rc cf_yaml_parse(const char *buf, size_t len, int max_depth, cJSON **out, cf_yaml_marks *marks,
                    char *err, size_t errlen)
{
    *out = NULL;
    if (errlen)
        err[0] = '\0';
    builder b = {0};
    b.max_depth = max_depth > 0 ? (size_t)max_depth : 1;
    b.marks = marks;
    b.err = err;
    b.errlen = errlen;
    if (marks)
        *marks = (cf_yaml_marks){0};
    b.stack = calloc(b.max_depth, sizeof *b.stack);
    yaml_parser_t parser;
    int parser_ok = 0;
    if (!b.stack || !(parser_ok = yaml_parser_initialize(&parser))) {
        fail(&b, CF_E_NOMEM, NULL, "out of memory");
        goto out;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    for (int done = 0; !done && b.rc == CF_OK;) {
        yaml_event_t e;
        if (!yaml_parser_parse(&parser, &e)) {
            fail(&b, parser.error == YAML_MEMORY_ERROR ? CF_E_NOMEM : CF_E_INVALID,
                 &parser.problem_mark, "%s%s%s", parser.problem ? parser.problem : "syntax error",
                 parser.context ? " " : "", parser.context ? parser.context : "");
            break;
        }
        done = e.type == YAML_STREAM_END_EVENT;
        handle(&b, &e);
        yaml_event_delete(&e);
    }
out:
    if (parser_ok)
        yaml_parser_delete(&parser);
    for (size_t i = 0; i < b.depth; i++)
        free(b.stack[i].key);
    free(b.stack);
    for (size_t i = 0; i < b.anchor_count; i++)
        free(b.anchors[i].name);
    free(b.anchors);
    if (b.rc != CF_OK) {
        cJSON_Delete(b.root);
        cf_yaml_marks_free(marks);
        return b.rc;
    }
    *out = b.have_root ? b.root : cJSON_CreateNull();
    if (!*out) {
        cf_yaml_marks_free(marks);
        return CF_E_NOMEM;
    }
    if (marks && marks->count)
        qsort(marks->items, marks->count, sizeof *marks->items, by_node);
    return CF_OK;
}

const cf_yaml_mark *cf_yaml_mark_find(const cf_yaml_marks *marks, const cJSON *node)
{
    if (!marks || !marks->count || !node)
        return NULL;
    cf_yaml_mark key = {node, 0, 0};
    return bsearch(&key, marks->items, marks->count, sizeof key, by_node);
}

void cf_yaml_marks_free(cf_yaml_marks *marks)
{
    if (!marks)
        return;
    free(marks->items);
    *marks = (cf_yaml_marks){0};
}
