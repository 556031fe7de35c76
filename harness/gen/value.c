/* value.c - one valid value of a schema: the minimal one (the base every item varies) or a
 * random one (the seed's part), built from a view. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "gen/internal.h"

static const char filler[] = "abcdefghijklmnopqrstuvwxyz0123456789";

/* Leaves out what this direction must not carry: readOnly in requests, writeOnly in responses. */
static int hidden(gen_ctx *c, const cJSON *v)
{
    if (c->opt.direction == CF_SCHEMA_REQUEST)
        return cJSON_IsTrue(gen_kw(v, "readOnly"));
    if (c->opt.direction == CF_SCHEMA_RESPONSE)
        return cJSON_IsTrue(gen_kw(v, "writeOnly"));
    return 0;
}

char *gen_string(gen_ctx *c, const cJSON *v, size_t len, cf_rng *r, unsigned nth)
{
    cf_rng local;
    (void)c;
    if (nth && !r) {
        cf_rng_seed(&local, nth);
        r = &local;
    }
    const cJSON *f = gen_kw(v, "format");
    if (cJSON_IsString(f)) {
        char *s = gen_format_sample(f->valuestring, cJSON_IsTrue(gen_kw(v, "x-https")),
                                    cJSON_IsTrue(gen_kw(v, "x-millis")), len, r);
        if (!s || *s)
            return s;
        free(s);
    }
    const cJSON *p = gen_kw(v, "pattern");
    if (cJSON_IsString(p))
        return gen_pattern_string(p->valuestring, len, r, NULL, NULL);
    cf_buf b;
    cf_buf_init(&b, 4u * CF_GEN_MAX_BOUND + 4u);
    cf_rc rc = CF_OK;
    for (size_t i = 0; i < len && rc == CF_OK; i++) {
        char ch = r ? filler[cf_rng_below(r, sizeof filler - 1)] : 'a';
        rc = cf_buf_addc(&b, ch);
    }
    char *s = rc == CF_OK ? cf_buf_take(&b) : NULL;
    if (rc == CF_OK && !s)
        s = calloc(1, 1);
    cf_buf_free(&b);
    return s;
}

static cJSON *string_value(gen_ctx *c, const cJSON *v, cf_rng *r, unsigned nth)
{
    size_t lo = gen_size(v, "minLength", 0);
    size_t hi = gen_size(v, "maxLength", SIZE_MAX);
    const cJSON *p = gen_kw(v, "pattern");
    if (cJSON_IsString(p) && !gen_has(v, "format")) {
        size_t plo = 0, phi = 0;
        char *probe = gen_pattern_string(p->valuestring, 0, NULL, &plo, &phi);
        int simple = probe || plo || phi;
        free(probe);
        if (!simple) {
            /* Not a simple pattern: the schema's own examples are the only safe strings. */
            const cJSON *e = cJSON_GetArrayItem(gen_kw(v, "examples"), 0);
            e = e ? e : gen_kw(v, "example");
            return cJSON_IsString(e) ? cJSON_Duplicate(e, 1) : NULL;
        }
        if (plo > lo)
            lo = plo;
        if (phi < hi)
            hi = phi;
    }
    if (lo > CF_GEN_MAX_BOUND || lo > hi)
        return NULL;
    size_t len = lo;
    if (r) {
        size_t top = hi < lo + CF_GEN_MAX_STRING ? hi : lo + CF_GEN_MAX_STRING;
        len = lo + (size_t)cf_rng_below(r, top - lo + 1);
    } else if (nth && len == 0 && hi > 0) {
        len = 1; /* "" cannot be told apart twice */
    }
    char *s = gen_string(c, v, len, r, nth);
    cJSON *out = s ? cJSON_CreateString(s) : NULL;
    free(s);
    return out;
}

static cJSON *number_value(gen_ctx *c, const cJSON *v, int integer, cf_rng *r, unsigned nth)
{
    gen_range g;
    double x;
    gen_range_read(c, v, integer, &g);
    if (!gen_range_first(&g, integer, &x))
        return NULL;
    double step = g.mult > 0 ? g.mult : 1;
    double k = r ? (double)cf_rng_below(r, 1000) : (double)nth;
    double y = x + k * step;
    if (!integer && r)
        y += (double)cf_rng_below(r, 1000) / 1024.0 * (g.mult > 0 ? 0 : 1);
    return cJSON_CreateNumber(gen_range_ok(&g, y, integer) ? y : x);
}

static cJSON *object_value(gen_ctx *c, const cJSON *v, int depth, cf_rng *r)
{
    cJSON *o = cJSON_CreateObject();
    const cJSON *p;
    cJSON_ArrayForEach(p, gen_kw(v, "properties"))
    {
        int req = gen_required(v, p->string);
        if (!o || (!req && (!r || cf_rng_below(r, 2) == 0)) || hidden(c, gen_view(c, p)))
            continue;
        cJSON *m = gen_value(c, p, depth + 1, r, 0);
        if (!m && req) {
            cJSON_Delete(o);
            return NULL;
        }
        if (m)
            cJSON_AddItemToObject(o, p->string, m);
    }
    const cJSON *extra = gen_kw(v, "additionalProperties");
    const cJSON *q;
    cJSON_ArrayForEach(q, gen_kw(v, "required")) if (o && cJSON_IsString(q) &&
                                                     !cJSON_HasObjectItem(o, q->valuestring))
    {
        cJSON *m = extra ? gen_value(c, extra, depth + 1, r, 0) : NULL;
        cJSON_AddItemToObject(o, q->valuestring, m ? m : cJSON_CreateNull());
    }
    size_t want = gen_size(v, "minProperties", 0);
    for (unsigned i = 0; o && (size_t)cJSON_GetArraySize(o) < want && i < CF_GEN_MAX_ARRAY; i++) {
        char key[32];
        snprintf(key, sizeof key, "conform%u", i);
        cJSON *m = cJSON_IsFalse(extra) ? NULL : gen_value(c, extra, depth + 1, r, 0);
        cJSON_AddItemToObject(o, key, m ? m : cJSON_CreateNull());
    }
    return o;
}

static cJSON *array_value(gen_ctx *c, const cJSON *v, int depth, cf_rng *r)
{
    size_t lo = gen_size(v, "minItems", 0);
    size_t hi = gen_size(v, "maxItems", CF_GEN_MAX_ARRAY);
    if (hi > CF_GEN_MAX_ARRAY)
        hi = CF_GEN_MAX_ARRAY;
    const cJSON *contains = gen_kw(v, "contains");
    if (lo == 0 && contains)
        lo = 1;
    if (lo > hi)
        return NULL;
    size_t n = r ? lo + (size_t)cf_rng_below(r, (hi < lo + 3 ? hi : lo + 3) - lo + 1) : lo;
    const cJSON *prefix = gen_kw(v, "prefixItems");
    const cJSON *items = gen_kw(v, "items");
    if (cJSON_IsArray(items)) { /* OpenAPI 3.0 / draft-04 tuple form */
        prefix = items;
        items = gen_kw(v, "additionalItems");
    }
    int unique = cJSON_IsTrue(gen_kw(v, "uniqueItems"));
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < n; i++) {
        const cJSON *s = i < (size_t)cJSON_GetArraySize(prefix)
                             ? cJSON_GetArrayItem(prefix, (int)i)
                             : (i == 0 && contains ? contains : items);
        cJSON *e = s ? gen_value(c, s, depth + 1, r, unique ? (unsigned)i : 0)
                     : cJSON_CreateNumber((double)i);
        if (!e) {
            cJSON_Delete(a);
            return NULL;
        }
        cJSON_AddItemToArray(a, e);
    }
    return a;
}

cJSON *gen_value(gen_ctx *c, const cJSON *s, int depth, cf_rng *r, unsigned nth)
{
    const cJSON *v = gen_view(c, s);
    if (!v || depth > c->opt.max_depth)
        return NULL;
    const cJSON *k = gen_kw(v, "const");
    if (k)
        return cJSON_Duplicate(k, 1);
    const cJSON *en = gen_kw(v, "enum");
    int ne = cJSON_GetArraySize(en);
    if (cJSON_IsArray(en) && ne > 0)
        return cJSON_Duplicate(cJSON_GetArrayItem(en, r ? (int)cf_rng_below(r, (uint64_t)ne)
                                                        : (int)(nth % (unsigned)ne)),
                               1);
    static const char *const branches[] = {"oneOf", "anyOf"};
    for (size_t b = 0; b < 2; b++) {
        const cJSON *list = gen_kw(v, branches[b]);
        int nb = cJSON_GetArraySize(list);
        int first = r && nb ? (int)cf_rng_below(r, (uint64_t)nb) : 0;
        for (int i = 0; i < nb; i++) {
            const cJSON *bv =
                gen_with_branch(c, v, branches[b], cJSON_GetArrayItem(list, (first + i) % nb));
            cJSON *x = bv ? gen_value(c, bv, depth + 1, r, nth) : NULL;
            if (x)
                return x;
        }
        if (nb)
            return NULL;
    }
    switch (gen_pick_type(c, v)) {
    case T_OBJ:
        return object_value(c, v, depth, r);
    case T_ARR:
        return array_value(c, v, depth, r);
    case T_STR:
        return string_value(c, v, r, nth);
    case T_INT:
        return number_value(c, v, 1, r, nth);
    case T_NUM:
        return number_value(c, v, 0, r, nth);
    case T_BOOL:
        return cJSON_CreateBool(r ? (int)cf_rng_below(r, 2) : (int)(nth & 1));
    case T_NULL:
        return cJSON_CreateNull();
    default:
        return NULL;
    }
}
