/* mutate.c - one seeded change to a valid body for `conform fuzz`: pick a value (or the
 * serialized bytes), apply one mutator, check the size bound. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/limits.h"
#include "base/str.h"
#include "gen/internal.h"
#include "gen/mutate.h"

/* Values considered per body: the first ones in document order. */
#define MUT_MAX_NODES 256

const char *const cf_mutate_edges[] = {
    "0",
    "-0",
    "-1",
    "2147483647",
    "2147483648",
    "-2147483649",
    "4294967296",
    "9007199254740993",
    "-9007199254740993",
    "18446744073709551616",
    "1e308",
    "-1e308",
    "5e-324",
    "0.1",
    "1.0",
    "true",
    "false",
    "null",
    "\"\"",
    "\" \"",
    "\"null\"",
    "\"0\"",
    "\"-1\"",
    "\"true\"",
    "\"\\u0001\"",
    "\"\\ud83d\\ude00\"",
    "\"\\uffff\"",
    "\"e\\u0301\"",
    "\"\\u202e\"",
    "\"\\\"\\\\\"",
    "\"<script>alert(1)</script>\"",
    "\"' OR '1'='1\"",
    "\"$(id)\"",
    "\"`id`\"",
    "\"../../../../etc/passwd\"",
    "\"%s%s%n\"",
    "\"{{7*7}}\"",
    "\"${jndi:ldap://x}\"",
    "\"\\r\\nX-Injected: 1\"",
    "[]",
    "{}",
    "[null]",
    "{\"\":null}",
    "[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]",
    "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{}}}}}}",
};
const size_t cf_mutate_edge_count = sizeof cf_mutate_edges / sizeof cf_mutate_edges[0];

const char *cf_mutator_name(cf_mutator op)
{
    static const char *const names[] = {
#define CF_MUT_NAME(e, s) s,
        CF_MUTATOR_MAP(CF_MUT_NAME)
#undef CF_MUT_NAME
    };
    return (unsigned)op < CF_MUT__COUNT ? names[op] : "unknown";
}

void cf_mutation_cleanup(cf_mutation *m)
{
    if (!m)
        return;
    free(m->where);
    free(m->raw);
    cJSON_Delete(m->value);
    memset(m, 0, sizeof *m);
}

typedef struct {
    cJSON *node;
    cJSON *parent;
    char ptr[CF_PATH_MAX];
} node_ref;

static void collect(cJSON *v, cJSON *parent, const char *ptr, node_ref *out, size_t *n)
{
    if (*n == MUT_MAX_NODES)
        return;
    node_ref *r = &out[(*n)++];
    r->node = v;
    r->parent = parent;
    snprintf(r->ptr, sizeof r->ptr, "%s", ptr);
    size_t i = 0;
    cJSON *e;
    char sub[CF_PATH_MAX];
    cJSON_ArrayForEach(e, v)
    {
        if (cJSON_IsObject(v))
            cf_diag_path_key(sub, sizeof sub, ptr, e->string ? e->string : "");
        else
            cf_diag_path_index(sub, sizeof sub, ptr, i);
        i++;
        collect(e, v, sub, out, n);
    }
}

/* A random node passing `want` (NULL: any), or NULL. */
static node_ref *pick(node_ref *nodes, size_t n, cf_rng *r, int (*want)(const node_ref *))
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += !want || want(&nodes[i]);
    if (!count)
        return NULL;
    size_t k = (size_t)cf_rng_below(r, count);
    for (size_t i = 0; i < n; i++)
        if ((!want || want(&nodes[i])) && k-- == 0)
            return &nodes[i];
    return NULL;
}

static int is_member(const node_ref *r)
{
    return cJSON_IsObject(r->parent);
}
static int is_string(const node_ref *r)
{
    return cJSON_IsString(r->node) && r->node->valuestring[0];
}
static int is_long_array(const node_ref *r)
{
    return cJSON_IsArray(r->node) && cJSON_GetArraySize(r->node) >= 2;
}
static int is_scalar(const node_ref *r)
{
    return !cJSON_IsObject(r->node) && !cJSON_IsArray(r->node);
}

/* Puts `with` in place of r->node (the root when it has no parent: *root changes). */
static void replace(cJSON **root, node_ref *r, cJSON *with)
{
    if (!with)
        return;
    if (!r->parent) {
        cJSON_Delete(*root);
        *root = with;
    } else {
        /* cJSON does not carry the key over to the replacement: give it its own copy. */
        if (r->node->string)
            with->string = cf_strdup(r->node->string);
        if ((r->node->string && !with->string) ||
            !cJSON_ReplaceItemViaPointer(r->parent, r->node, with)) {
            cJSON_Delete(with);
            return;
        }
    }
    r->node = with;
}

/* The schema of the value at JSON Pointer `ptr`, through properties, additionalProperties,
 * prefixItems and items; NULL when it cannot be told. */
static const cJSON *schema_at(gen_ctx *c, const cJSON *schema, const char *ptr)
{
    const cJSON *v = gen_view(c, schema);
    char tok[CF_PATH_MAX];
    while (v && *ptr == '/') {
        size_t n = strcspn(ptr + 1, "/");
        size_t w = 0;
        for (size_t i = 0; i < n && w + 1 < sizeof tok; i++) {
            char ch = ptr[1 + i];
            if (ch == '~' && i + 1 < n)
                ch = ptr[1 + ++i] == '1' ? '/' : '~';
            tok[w++] = ch;
        }
        tok[w] = '\0';
        ptr += 1 + n;
        const cJSON *next = cJSON_GetObjectItemCaseSensitive(gen_kw(v, "properties"), tok);
        if (!next && gen_has(v, "additionalProperties"))
            next = gen_kw(v, "additionalProperties");
        if (!next && (gen_has(v, "items") || gen_has(v, "prefixItems"))) {
            const cJSON *prefix = gen_kw(v, "prefixItems");
            int i = atoi(tok);
            next =
                i < cJSON_GetArraySize(prefix) ? cJSON_GetArrayItem(prefix, i) : gen_kw(v, "items");
        }
        v = next ? gen_view(c, next) : NULL;
    }
    return v;
}

static cJSON *edge(cf_rng *r)
{
    return cJSON_Parse(cf_mutate_edges[cf_rng_below(r, cf_mutate_edge_count)]);
}

static cJSON *string_of(size_t len, char fill)
{
    char *s = malloc(len + 1);
    if (!s)
        return NULL;
    memset(s, fill, len);
    s[len] = '\0';
    cJSON *out = cJSON_CreateString(s);
    free(s);
    return out;
}

/* One past a bound of the value's schema, or NULL when the schema has none. */
static cJSON *past_bound(gen_ctx *c, const cJSON *v, const cJSON *node, cf_rng *r)
{
    if (!v)
        return NULL;
    if (cJSON_IsString(node)) {
        size_t lo = gen_size(v, "minLength", 0), hi = gen_size(v, "maxLength", SIZE_MAX);
        if (hi < CF_GEN_MAX_BOUND && (lo == 0 || cf_rng_below(r, 2)))
            return string_of(hi + 1, 'x');
        return lo > 0 ? string_of(lo - 1, 'x') : NULL;
    }
    if (cJSON_IsNumber(node)) {
        gen_range g;
        gen_range_read(c, v, 0, &g);
        if (g.has_hi && (!g.has_lo || cf_rng_below(r, 2)))
            return cJSON_CreateNumber(g.hi_excl ? g.hi : g.hi + 1);
        return g.has_lo ? cJSON_CreateNumber(g.lo_excl ? g.lo : g.lo - 1) : NULL;
    }
    if (cJSON_IsArray(node) && node->child) {
        size_t hi = gen_size(v, "maxItems", SIZE_MAX);
        if (hi >= CF_GEN_MAX_ARRAY)
            return NULL;
        cJSON *a = cJSON_CreateArray();
        for (size_t i = 0; a && i <= hi; i++)
            cJSON_AddItemToArray(a, cJSON_Duplicate(node->child, 1));
        return a;
    }
    return NULL;
}

static cJSON *off_enum(const cJSON *v, const cJSON *node)
{
    if (!v || (!gen_has(v, "enum") && !gen_has(v, "const")))
        return NULL;
    if (cJSON_IsString(node)) {
        char *s = cf_strndup(node->valuestring, strlen(node->valuestring) + 1);
        if (!s)
            return NULL;
        s[strlen(node->valuestring)] = '~';
        cJSON *out = cJSON_CreateString(s);
        free(s);
        return out;
    }
    if (cJSON_IsNumber(node))
        return cJSON_CreateNumber(node->valuedouble + 1);
    if (cJSON_IsBool(node))
        return cJSON_CreateBool(!cJSON_IsTrue(node));
    return cJSON_CreateString("conform-off-enum");
}

static cJSON *retype(const cJSON *node, cf_rng *r)
{
    static const char *const kinds[] = {"null", "true", "0", "\"\"", "[]", "{}", "\"conform\""};
    for (int tries = 0; tries < 8; tries++) {
        cJSON *x = cJSON_Parse(kinds[cf_rng_below(r, 7)]);
        if (x && (x->type & 0xff) != (node->type & 0xff))
            return x;
        cJSON_Delete(x);
    }
    return cJSON_CreateNull();
}

/* Flip, insert or delete one byte of `s` (len bytes, a copy is returned with *out_len). */
static char *bytes_mutate(cf_mutator op, const char *s, size_t len, cf_rng *r, size_t *out_len)
{
    static const unsigned char inserts[] = {'"', '\\', 0x01, 0xff, 0xc3, '%', '\n', '{', ']', 0};
    char *out = malloc(len + 2);
    if (!out)
        return NULL;
    size_t at = len ? (size_t)cf_rng_below(r, len) : 0;
    memcpy(out, s, len);
    *out_len = len;
    if (op == CF_MUT_STRING_FLIP || op == CF_MUT_BODY_FLIP) {
        if (len)
            out[at] ^= (char)(1u << cf_rng_below(r, 8));
    } else if (op == CF_MUT_STRING_INSERT || op == CF_MUT_BODY_INSERT) {
        at = (size_t)cf_rng_below(r, len + 1);
        memmove(out + at + 1, out + at, len - at);
        out[at] = (char)inserts[cf_rng_below(r, sizeof inserts)];
        (*out_len)++;
    } else if (len) {
        memmove(out + at, out + at + 1, len - at - 1);
        (*out_len)--;
    }
    out[*out_len] = '\0';
    return out;
}

static int set_where(cf_mutation *m, const char *ptr)
{
    return (m->where = cf_strdup(ptr)) != NULL;
}

/* Applies a mutator on a node of `body`; falls back to an edge value when op finds nothing. */
static cf_rc tree_mutate(cf_mutator op, cJSON **body, gen_ctx *c, const cJSON *schema, cf_rng *r,
                         cf_mutation *m)
{
    node_ref *nodes = malloc(MUT_MAX_NODES * sizeof *nodes);
    size_t n = 0;
    if (!nodes)
        return CF_E_NOMEM;
    collect(*body, NULL, "", nodes, &n);
    node_ref *at = NULL;
    cJSON *with = NULL;
    switch (op) {
    case CF_MUT_DROP_MEMBER:
        if ((at = pick(nodes, n, r, is_member))) {
            cJSON_Delete(cJSON_DetachItemViaPointer(at->parent, at->node));
            break;
        }
        op = CF_MUT_EDGE_VALUE;
        break;
    case CF_MUT_DUP_MEMBER:
        if ((at = pick(nodes, n, r, is_member))) {
            cJSON *copy = cf_rng_below(r, 2) ? cJSON_Duplicate(at->node, 1) : edge(r);
            if (copy)
                cJSON_AddItemToObject(at->parent, at->node->string, copy);
            break;
        }
        op = CF_MUT_EDGE_VALUE;
        break;
    case CF_MUT_SWAP_ITEMS:
        if ((at = pick(nodes, n, r, is_long_array))) {
            int size = cJSON_GetArraySize(at->node);
            int i = (int)cf_rng_below(r, (uint64_t)size), j = (int)cf_rng_below(r, (uint64_t)size);
            j = j == i ? (i + 1) % size : j;
            cJSON *a = cJSON_Duplicate(cJSON_GetArrayItem(at->node, i), 1);
            cJSON *b = cJSON_Duplicate(cJSON_GetArrayItem(at->node, j), 1);
            cJSON_ReplaceItemInArray(at->node, i, b);
            cJSON_ReplaceItemInArray(at->node, j, a);
            break;
        }
        op = CF_MUT_EDGE_VALUE;
        break;
    case CF_MUT_STRING_FLIP:
    case CF_MUT_STRING_INSERT:
    case CF_MUT_STRING_DELETE:
        if ((at = pick(nodes, n, r, is_string))) {
            size_t len = 0;
            char *s =
                bytes_mutate(op, at->node->valuestring, strlen(at->node->valuestring), r, &len);
            /* A NUL would end the C string early: it stands for the byte 0x01 here. */
            for (size_t i = 0; s && i < len; i++)
                s[i] = s[i] ? s[i] : 1;
            replace(body, at, s ? cJSON_CreateString(s) : NULL);
            free(s);
            break;
        }
        op = CF_MUT_EDGE_VALUE;
        break;
    case CF_MUT_PAST_BOUND:
    case CF_MUT_OFF_ENUM:
        for (size_t tries = 0; tries < 8 && !with; tries++) {
            at = pick(nodes, n, r, NULL);
            const cJSON *v = at && schema ? schema_at(c, schema, at->ptr) : NULL;
            with = op == CF_MUT_PAST_BOUND ? past_bound(c, v, at->node, r) : off_enum(v, at->node);
        }
        if (with) {
            replace(body, at, with);
            break;
        }
        op = CF_MUT_EDGE_VALUE;
        break;
    default:
        break;
    }
    if (op == CF_MUT_RETYPE && (at = pick(nodes, n, r, NULL)))
        replace(body, at, retype(at->node, r));
    if (op == CF_MUT_EDGE_VALUE && (at = pick(nodes, n, r, is_scalar)))
        replace(body, at, edge(r));
    m->op = op;
    cf_rc rc = set_where(m, at ? at->ptr : "") ? CF_OK : CF_E_NOMEM;
    free(nodes);
    return rc;
}

cf_rc cf_mutate_with(cf_mutator op, const cJSON *body, const cf_mutate_options *opt, cf_rng *rng,
                     cf_mutation *out)
{
    memset(out, 0, sizeof *out);
    if (!body || (unsigned)op >= CF_MUT__COUNT)
        return CF_E_INVALID;
    cf_mutate_options o = {0};
    if (opt)
        o = *opt;
    size_t max = o.max_len ? o.max_len : CF_MAX_REQUEST_BODY;
    gen_ctx c;
    memset(&c, 0, sizeof c);
    c.opt.max_depth = CF_GEN_MAX_DEPTH;
    c.root = o.document ? o.document : o.schema;
    c.scratch = cJSON_CreateArray();
    cJSON *tree = cJSON_Duplicate(body, 1);
    char *text = NULL;
    cf_rc rc = tree && c.scratch ? CF_OK : CF_E_NOMEM;
    if (rc != CF_OK)
        goto out;
    if (op == CF_MUT_BODY_FLIP || op == CF_MUT_BODY_INSERT || op == CF_MUT_BODY_DELETE) {
        text = cJSON_PrintUnformatted(tree);
        out->raw = text ? bytes_mutate(op, text, strlen(text), rng, &out->raw_len) : NULL;
        out->op = op;
        rc = out->raw && set_where(out, "") ? CF_OK : CF_E_NOMEM;
        if (rc == CF_OK && out->raw_len > max)
            rc = CF_E_TOO_LARGE;
        goto out;
    }
    rc = tree_mutate(op, &tree, &c, o.schema, rng, out);
    if (rc != CF_OK)
        goto out;
    text = cJSON_PrintUnformatted(tree);
    if (!text)
        rc = CF_E_NOMEM;
    else if (strlen(text) > max)
        rc = CF_E_TOO_LARGE;
    else {
        out->value = tree;
        tree = NULL;
    }
out:
    free(text);
    cJSON_Delete(tree);
    cJSON_Delete(c.scratch);
    if (rc != CF_OK)
        cf_mutation_cleanup(out);
    return rc;
}

cf_rc cf_mutate(const cJSON *body, const cf_mutate_options *opt, cf_rng *rng, cf_mutation *out)
{
    cf_mutator op = (cf_mutator)cf_rng_below(rng, CF_MUT__COUNT);
    return cf_mutate_with(op, body, opt, rng, out);
}
