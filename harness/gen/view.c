/* view.c - a schema as the generator reads it: refs followed, allOf and $ref siblings merged
 * into one object, types and numeric ranges worked out. Merging is a best effort; the oracle
 * (the validator) has the last word on every item built from a view. */
#include <math.h>
#include <string.h>

#include "base/json.h"
#include "gen/internal.h"

/* Keywords that say nothing about values: a $ref beside only these is a plain reference. */
static const char *const annotations[] = {
    "$ref",       "$comment", "description", "title",   "examples", "example", "default",
    "deprecated", "$defs",    "definitions", "$schema", "$id",      NULL};

const cJSON *gen_kw(const cJSON *v, const char *name)
{
    return v ? cJSON_GetObjectItemCaseSensitive(v, name) : NULL;
}

int gen_has(const cJSON *v, const char *name)
{
    return gen_kw(v, name) != NULL;
}

double gen_num(const cJSON *v, const char *name, double dflt)
{
    const cJSON *k = gen_kw(v, name);
    return cJSON_IsNumber(k) ? k->valuedouble : dflt;
}

size_t gen_size(const cJSON *v, const char *name, size_t dflt)
{
    const cJSON *k = gen_kw(v, name);
    if (!cJSON_IsNumber(k) || !(k->valuedouble >= 0))
        return dflt;
    /* Far past every cap, and a safe conversion whatever the schema says. */
    return k->valuedouble > 1e15 ? (size_t)1e15 : (size_t)k->valuedouble;
}

int gen_required(const cJSON *v, const char *name)
{
    const cJSON *r;
    cJSON_ArrayForEach(r, gen_kw(v, "required")) if (cJSON_IsString(r) &&
                                                     strcmp(r->valuestring, name) == 0) return 1;
    return 0;
}

static int annotation(const char *k)
{
    for (size_t i = 0; annotations[i]; i++)
        if (strcmp(annotations[i], k) == 0)
            return 1;
    return 0;
}

/* A new object kept in c->scratch, so views built from it live as long as the context. */
static cJSON *scratch_object(gen_ctx *c)
{
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddItemToArray(c->scratch, o)) {
        cJSON_Delete(o);
        c->rc = CF_E_NOMEM;
        return NULL;
    }
    return o;
}

static void add_ref(gen_ctx *c, cJSON *to, const char *key, const cJSON *item)
{
    if (!cJSON_AddItemReferenceToObject(to, key, (cJSON *)item))
        c->rc = CF_E_NOMEM;
}

static void add_ref_array(gen_ctx *c, cJSON *to, const cJSON *item)
{
    if (!to || !cJSON_AddItemReferenceToArray(to, (cJSON *)item))
        c->rc = CF_E_NOMEM;
}

static int type_bit(const char *t)
{
    static const struct {
        const char *name;
        int bits;
    } names[] = {{"null", T_NULL},  {"boolean", T_BOOL}, {"object", T_OBJ},        {"array", T_ARR},
                 {"string", T_STR}, {"integer", T_INT},  {"number", T_NUM | T_INT}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i].name, t) == 0)
            return names[i].bits;
    return 0;
}

static int value_bits(const cJSON *x)
{
    if (cJSON_IsNull(x))
        return T_NULL;
    if (cJSON_IsBool(x))
        return T_BOOL;
    if (cJSON_IsObject(x))
        return T_OBJ;
    if (cJSON_IsArray(x))
        return T_ARR;
    if (cJSON_IsString(x))
        return T_STR;
    if (cJSON_IsNumber(x))
        return floor(x->valuedouble) == x->valuedouble ? T_INT : T_NUM;
    return 0;
}

static int declared_types(const cJSON *t)
{
    if (cJSON_IsString(t))
        return type_bit(t->valuestring);
    int m = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, t) if (cJSON_IsString(e)) m |= type_bit(e->valuestring);
    return m;
}

/* Merges b into a copy of a: properties united, required joined, types intersected, bounds
 * tightened, enums intersected; any other keyword of b is added when a lacks it. */
static cJSON *merge(gen_ctx *c, const cJSON *a, const cJSON *b)
{
    cJSON *m = scratch_object(c);
    if (!m)
        return NULL;
    const cJSON *k;
    cJSON_ArrayForEach(k, a) if (!gen_has(b, k->string) || annotation(k->string))
        add_ref(c, m, k->string, k);
    cJSON_ArrayForEach(k, b)
    {
        const cJSON *ka = gen_kw(a, k->string);
        const char *n = k->string;
        if (!ka) {
            add_ref(c, m, n, k);
        } else if (annotation(n)) {
            continue;
        } else if (strcmp(n, "properties") == 0 && cJSON_IsObject(ka) && cJSON_IsObject(k)) {
            cJSON *p = cJSON_AddObjectToObject(m, n);
            const cJSON *e;
            cJSON_ArrayForEach(e, ka) if (!gen_has(k, e->string)) add_ref(c, p, e->string, e);
            cJSON_ArrayForEach(e, k)
            {
                const cJSON *ea = gen_kw(ka, e->string);
                if (!ea) {
                    add_ref(c, p, e->string, e);
                    continue;
                }
                cJSON *both = cJSON_AddObjectToObject(p, e->string);
                cJSON *all = cJSON_AddArrayToObject(both, "allOf");
                if (!all || !cJSON_AddItemReferenceToArray(all, (cJSON *)ea) ||
                    !cJSON_AddItemReferenceToArray(all, (cJSON *)e))
                    c->rc = CF_E_NOMEM;
            }
        } else if (strcmp(n, "required") == 0) {
            cJSON *r = cJSON_AddArrayToObject(m, n);
            const cJSON *e;
            cJSON_ArrayForEach(e, ka) add_ref_array(c, r, e);
            cJSON_ArrayForEach(e, k) if (cJSON_IsString(e) && !gen_required(a, e->valuestring))
                add_ref_array(c, r, e);
        } else if (strcmp(n, "type") == 0) {
            int t = declared_types(ka) & declared_types(k);
            cJSON *arr = cJSON_AddArrayToObject(m, n);
            static const char *const names[] = {"null",   "boolean", "object", "array",
                                                "string", "number",  "integer"};
            static const int bits[] = {T_NULL, T_BOOL, T_OBJ, T_ARR, T_STR, T_NUM | T_INT, T_INT};
            for (size_t i = 0; i < 7; i++)
                if ((t & bits[i]) == bits[i] && !(i == 6 && (t & T_NUM)))
                    cJSON_AddItemToArray(arr, cJSON_CreateString(names[i]));
        } else if (cJSON_IsNumber(k) && cJSON_IsNumber(ka) &&
                   (strncmp(n, "min", 3) == 0 || strncmp(n, "max", 3) == 0 ||
                    strcmp(n, "exclusiveMinimum") == 0 || strcmp(n, "exclusiveMaximum") == 0)) {
            int lower = strncmp(n, "min", 3) == 0 || strcmp(n, "exclusiveMinimum") == 0;
            double x = lower ? fmax(k->valuedouble, ka->valuedouble)
                             : fmin(k->valuedouble, ka->valuedouble);
            cJSON_AddNumberToObject(m, n, x);
        } else if (strcmp(n, "enum") == 0) {
            cJSON *en = cJSON_AddArrayToObject(m, n);
            const cJSON *e, *f;
            cJSON_ArrayForEach(e, ka) cJSON_ArrayForEach(f, k) if (cJSON_Compare(e, f, 1))
            {
                add_ref_array(c, en, e);
                break;
            }
        } else {
            add_ref(c, m, n, ka);
        }
    }
    return m;
}

static const cJSON *resolve(gen_ctx *c, const char *ref)
{
    if (ref[0] != '#')
        return NULL; /* remote references are never fetched */
    return cf_json_pointer(c->root, ref + 1);
}

static const cJSON *view_hops(gen_ctx *c, const cJSON *s, int hops);

/* s without the keyword `drop`, as a scratch object sharing s's members. */
static cJSON *without(gen_ctx *c, const cJSON *s, const char *drop)
{
    cJSON *m = scratch_object(c);
    const cJSON *k;
    if (m)
        cJSON_ArrayForEach(k, s) if (strcmp(k->string, drop) != 0) add_ref(c, m, k->string, k);
    return m;
}

static const cJSON *view_hops(gen_ctx *c, const cJSON *s, int hops)
{
    if (!s || hops > c->opt.max_depth || c->rc != CF_OK)
        return NULL;
    if (cJSON_IsBool(s)) {
        if (cJSON_IsFalse(s))
            return NULL;
        return scratch_object(c);
    }
    if (!cJSON_IsObject(s))
        return NULL;
    const cJSON *ref = gen_kw(s, "$ref");
    if (cJSON_IsString(ref)) {
        const cJSON *target = view_hops(c, resolve(c, ref->valuestring), hops + 1);
        if (!target)
            return NULL;
        int plain = 1;
        const cJSON *k;
        cJSON_ArrayForEach(k, s) if (!annotation(k->string)) plain = 0;
        /* OpenAPI 3.0 (draft-04) ignores a $ref's siblings. */
        if (plain || c->oas30)
            return target;
        const cJSON *rest = without(c, s, "$ref");
        s = rest ? merge(c, rest, target) : NULL;
        if (!s)
            return NULL;
    }
    const cJSON *all = gen_kw(s, "allOf");
    if (cJSON_IsArray(all)) {
        const cJSON *m = without(c, s, "allOf");
        const cJSON *e;
        cJSON_ArrayForEach(e, all)
        {
            const cJSON *ev = view_hops(c, e, hops + 1);
            if (!ev || !m)
                return NULL;
            m = merge(c, m, ev);
        }
        return m;
    }
    return s;
}

const cJSON *gen_view(gen_ctx *c, const cJSON *s)
{
    return view_hops(c, s, 0);
}

const cJSON *gen_with_branch(gen_ctx *c, const cJSON *v, const char *drop, const cJSON *branch)
{
    const cJSON *b = gen_view(c, branch);
    const cJSON *rest = without(c, v, drop);
    if (!b || !rest)
        return NULL;
    return gen_view(c, merge(c, rest, b));
}

int gen_types(gen_ctx *c, const cJSON *v)
{
    const cJSON *t = gen_kw(v, "type");
    int m = t ? declared_types(t) : T_ALL;
    if (t && c->oas30 && cJSON_IsTrue(gen_kw(v, "nullable")))
        m |= T_NULL;
    const cJSON *k = gen_kw(v, "const");
    if (k)
        m &= value_bits(k) | (value_bits(k) == T_INT ? T_NUM : 0);
    const cJSON *en = gen_kw(v, "enum");
    if (cJSON_IsArray(en)) {
        int u = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, en) u |= value_bits(e) | (value_bits(e) == T_INT ? T_NUM : 0);
        m &= u;
    }
    return m;
}

/* The type the keywords point at, 0 when they say nothing. */
static int hinted(const cJSON *v)
{
    static const struct {
        const char *kw;
        int type;
    } hints[] = {{"properties", T_OBJ},    {"required", T_OBJ},  {"additionalProperties", T_OBJ},
                 {"minProperties", T_OBJ}, {"items", T_ARR},     {"prefixItems", T_ARR},
                 {"minItems", T_ARR},      {"contains", T_ARR},  {"minLength", T_STR},
                 {"maxLength", T_STR},     {"pattern", T_STR},   {"minimum", T_NUM},
                 {"maximum", T_NUM},       {"multipleOf", T_NUM}};
    for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++)
        if (gen_has(v, hints[i].kw))
            return hints[i].type;
    return 0;
}

int gen_pick_type(gen_ctx *c, const cJSON *v)
{
    static const int order[] = {T_OBJ, T_ARR, T_STR, T_NUM, T_INT, T_BOOL, T_NULL};
    int m = gen_types(c, v);
    int h = hinted(v);
    if (h & m)
        return h;
    if (h == T_NUM && (m & T_INT))
        return T_INT;
    if (m == T_ALL)
        return T_NULL;
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (m & order[i])
            return order[i];
    return 0;
}

static void bound(gen_range *r, int lower, double x, int excl, const char *kw)
{
    int *has = lower ? &r->has_lo : &r->has_hi;
    double *at = lower ? &r->lo : &r->hi;
    int tighter = !*has || (lower ? x > *at : x < *at) || (x == *at && excl);
    if (!tighter)
        return;
    *has = 1;
    *at = x;
    *(lower ? &r->lo_excl : &r->hi_excl) = excl;
    *(lower ? &r->lo_kw : &r->hi_kw) = kw;
}

void gen_range_read(gen_ctx *c, const cJSON *v, int integer, gen_range *r)
{
    (void)c;
    memset(r, 0, sizeof *r);
    const cJSON *k;
    if (cJSON_IsNumber(k = gen_kw(v, "minimum")))
        bound(r, 1, k->valuedouble, cJSON_IsTrue(gen_kw(v, "exclusiveMinimum")),
              cJSON_IsTrue(gen_kw(v, "exclusiveMinimum")) ? "exclusiveMinimum" : "minimum");
    if (cJSON_IsNumber(k = gen_kw(v, "maximum")))
        bound(r, 0, k->valuedouble, cJSON_IsTrue(gen_kw(v, "exclusiveMaximum")),
              cJSON_IsTrue(gen_kw(v, "exclusiveMaximum")) ? "exclusiveMaximum" : "maximum");
    if (cJSON_IsNumber(k = gen_kw(v, "exclusiveMinimum")))
        bound(r, 1, k->valuedouble, 1, "exclusiveMinimum");
    if (cJSON_IsNumber(k = gen_kw(v, "exclusiveMaximum")))
        bound(r, 0, k->valuedouble, 1, "exclusiveMaximum");
    const cJSON *f = gen_kw(v, "format");
    if (cJSON_IsString(f) && strcmp(f->valuestring, "int32") == 0) {
        bound(r, 1, -2147483648.0, 0, "format");
        bound(r, 0, 2147483647.0, 0, "format");
    } else if (cJSON_IsString(f) && strcmp(f->valuestring, "int64") == 0) {
        bound(r, 1, -9223372036854775808.0, 0, "format");
        bound(r, 0, 9223372036854775808.0, 1, "format");
    }
    if (cJSON_IsNumber(k = gen_kw(v, "multipleOf")) && k->valuedouble > 0)
        r->mult = k->valuedouble;
    (void)integer;
}

int gen_range_ok(const gen_range *r, double x, int integer)
{
    if (!isfinite(x) || (integer && floor(x) != x))
        return 0;
    if (r->has_lo && (r->lo_excl ? !(x > r->lo) : !(x >= r->lo)))
        return 0;
    if (r->has_hi && (r->hi_excl ? !(x < r->hi) : !(x <= r->hi)))
        return 0;
    if (r->mult > 0) {
        /* The validator's own tolerance: a quotient within rounding of an integer counts. */
        double q = x / r->mult;
        if (!isfinite(q) || fabs(q - nearbyint(q)) > 1e-9 * fmax(1.0, fabs(q)))
            return 0;
    }
    return 1;
}

int gen_range_first(const gen_range *r, int integer, double *x)
{
    double start = 0;
    if (r->has_lo && !(r->lo < 0 && (!r->has_hi || r->hi >= 0)))
        start = r->lo;
    else if (r->has_hi && r->hi < 0)
        start = r->has_lo ? r->lo : r->hi;
    double cand[6];
    size_t n = 0;
    if (r->mult > 0) {
        double q = ceil(start / r->mult);
        cand[n++] = q * r->mult;
        cand[n++] = (q + 1) * r->mult;
        cand[n++] = (q - 1) * r->mult;
    } else if (integer) {
        cand[n++] = ceil(start);
        cand[n++] = floor(start) + 1;
    } else {
        cand[n++] = start;
        cand[n++] = r->has_hi ? start + (r->hi - start) / 2 : start + 1;
        cand[n++] = nextafter(start, INFINITY);
    }
    for (size_t i = 0; i < n; i++)
        if (gen_range_ok(r, cand[i], integer)) {
            *x = cand[i] == 0 ? 0 : cand[i]; /* no "-0" */
            return 1;
        }
    return 0;
}
