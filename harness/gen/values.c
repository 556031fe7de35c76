/* values.c - the walk: every item a schema implies, each a minimal valid instance varied at one
 * place (a member, an element) by one rule, named by that place and that rule. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/limits.h"
#include "gen/internal.h"

#define POS CF_GEN_POSITIVE
#define ODD CF_GEN_BOUNDARY
#define NEG CF_GEN_NEGATIVE

/* The member added where unknown members are allowed (or refused). */
#define UNKNOWN "x-conform-unknown"

static void join(char *out, const char *path, const char *part)
{
    snprintf(out, CF_PATH_MAX, "%s%s%s", path, *path ? "." : "", part);
}

/* Emits a string of `len` code points cycled from `sample`. */
static void emit_fill(gen_ctx *c, cf_gen_kind kind, const char *path, const char *rule,
                      const cJSON *base, const char *at, const char *sample, size_t len)
{
    cf_buf b;
    cf_buf_init(&b, 4u * CF_GEN_MAX_BOUND + 4u);
    if (gen_fill(&b, sample, len) == CF_OK)
        gen_emit(c, kind, path, rule, base, at, cJSON_CreateString(cf_buf_str(&b)), 0);
    cf_buf_free(&b);
}

static void emit_string(gen_ctx *c, cf_gen_kind kind, const char *path, const char *rule,
                        const cJSON *base, const char *at, char *s)
{
    if (s)
        gen_emit(c, kind, path, rule, base, at, cJSON_CreateString(s), 0);
    free(s);
}

/* A value of the same type as the enum's (or const's) first member that none of them equals. */
static cJSON *off_enum(const cJSON *values)
{
    const cJSON *first = cJSON_IsArray(values) ? values->child : values;
    for (int i = 0; i < 64; i++) {
        cJSON *x = NULL;
        if (cJSON_IsString(first)) {
            char buf[300];
            snprintf(buf, sizeof buf, "%.200s%s%d", first->valuestring, i ? "-off" : "-", i);
            x = cJSON_CreateString(i == 0 ? "conform-off-enum" : buf);
        } else if (cJSON_IsNumber(first)) {
            /* A step that survives rounding: cJSON compares numbers within an epsilon. */
            double step = fmax(1.0, fabs(first->valuedouble) * 1e-6);
            x = cJSON_CreateNumber(first->valuedouble + step * (i + 1));
        } else if (cJSON_IsBool(first)) {
            x = cJSON_CreateBool(i == 0 ? !cJSON_IsTrue(first) : i & 1);
        } else {
            x = cJSON_CreateString(i == 0 ? "conform-off-enum" : "conform-off");
        }
        int clash = 0;
        const cJSON *e;
        if (cJSON_IsArray(values)) {
            cJSON_ArrayForEach(e, values) clash |= cJSON_Compare(e, x, 1);
        } else {
            clash = cJSON_Compare(values, x, 1);
        }
        if (!clash)
            return x;
        cJSON_Delete(x);
    }
    return NULL;
}

static const char *type_name(int t)
{
    return t == T_OBJ    ? "object"
           : t == T_ARR  ? "array"
           : t == T_STR  ? "string"
           : t == T_INT  ? "integer"
           : t == T_NUM  ? "number"
           : t == T_BOOL ? "boolean"
                         : "null";
}

/* null and each JSON type the schema does not allow. */
static void wrong_types(gen_ctx *c, const cJSON *v, const char *path, const cJSON *base,
                        const char *at)
{
    int types = gen_types(c, v);
    if (types == T_ALL)
        return;
    char rule[64];
    const char *expected = type_name(gen_pick_type(c, v));
    if (!(types & T_NULL))
        gen_emit(c, NEG, path, "null", base, at, cJSON_CreateNull(), 0);
    static const int others[] = {T_OBJ, T_ARR, T_STR, T_INT, T_NUM, T_BOOL};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        int t = others[i];
        if (types & t)
            continue;
        if (t == T_NUM && (types & T_INT))
            continue; /* "not-integer" below, with a value inside the bounds */
        cJSON *x = t == T_OBJ   ? cJSON_CreateObject()
                   : t == T_ARR ? cJSON_CreateArray()
                   : t == T_STR ? cJSON_CreateString("conform")
                   : t == T_INT ? cJSON_CreateNumber(7)
                   : t == T_NUM ? cJSON_CreateNumber(1.5)
                                : cJSON_CreateTrue();
        snprintf(rule, sizeof rule, "not-%s.%s", expected, type_name(t));
        gen_emit(c, NEG, path, rule, base, at, x, 0);
    }
}

/* A string of `len` characters that the pattern alone refuses (asked of the validator). */
static void pattern_mismatch(gen_ctx *c, const cJSON *pattern, size_t len, const char *path,
                             const cJSON *base, const char *at)
{
    static const char *const fills[] = {"!", "~", " ", "Z", "0", "a", "-"};
    cJSON *mini = cJSON_CreateObject();
    cf_schema *s = NULL;
    if (!mini || !cJSON_AddStringToObject(mini, "pattern", pattern->valuestring) ||
        cf_schema_compile(mini, NULL, &s) != CF_OK) {
        cJSON_Delete(mini);
        return;
    }
    for (size_t i = 0; i < sizeof fills / sizeof fills[0]; i++) {
        cf_buf b;
        cf_buf_init(&b, len + 1);
        cJSON *x = gen_fill(&b, fills[i], len) == CF_OK ? cJSON_CreateString(cf_buf_str(&b)) : NULL;
        cf_buf_free(&b);
        if (x && !cf_schema_accepts(s, x)) {
            gen_emit(c, NEG, path, "pattern.mismatch", base, at, x, 0);
            break;
        }
        cJSON_Delete(x);
    }
    cf_schema_free(s);
    cJSON_Delete(mini);
}

static void walk_string(gen_ctx *c, const cJSON *v, const char *path, const cJSON *base,
                        const char *at)
{
    size_t lo = gen_size(v, "minLength", 0);
    size_t hi = gen_size(v, "maxLength", SIZE_MAX);
    int has_hi = hi != SIZE_MAX;
    const cJSON *f = gen_kw(v, "format");
    const char *fmt =
        cJSON_IsString(f) && gen_format_invalid(f->valuestring) ? f->valuestring : NULL;
    const cJSON *p = gen_kw(v, "pattern");
    int https = cJSON_IsTrue(gen_kw(v, "x-https")), millis = cJSON_IsTrue(gen_kw(v, "x-millis"));
    if (fmt) {
        emit_string(c, POS, path, "format", base, at,
                    gen_format_sample(fmt, https, millis, 0, NULL));
        gen_emit(c, NEG, path, "format.invalid", base, at,
                 cJSON_CreateString(gen_format_invalid(fmt)), 0);
        if (fmt[0] == 'u' && fmt[1] == 'r' && hi <= CF_GEN_MAX_BOUND) { /* uri: a longer path */
            emit_string(c, POS, path, "maxLength", base, at,
                        gen_format_sample(fmt, https, 0, hi, NULL));
            emit_string(c, NEG, path, "maxLength+1", base, at,
                        gen_format_sample(fmt, https, 0, hi + 1, NULL));
        }
        gen_emit(c, POS, path, "random", base, at, gen_value(c, v, 0, &c->rng, 0), 1);
        return;
    }
    if (cJSON_IsString(p)) {
        size_t plo = 0, phi = 0;
        char *probe = gen_pattern_string(p->valuestring, 0, NULL, &plo, &phi);
        free(probe);
        char *first = gen_pattern_string(p->valuestring, plo, NULL, NULL, NULL);
        int simple = first != NULL;
        free(first);
        if (!simple) {
            gen_note(c, path,
                     "pattern \"%.100s\" is not simple (groups, alternation, ...): "
                     "no string is built for it; examples are used instead",
                     p->valuestring);
            const cJSON *e;
            int i = 0;
            char rule[32];
            cJSON_ArrayForEach(e, gen_kw(v, "examples"))
            {
                snprintf(rule, sizeof rule, "examples[%d]", i++);
                gen_emit(c, POS, path, rule, base, at, cJSON_Duplicate(e, 1), 0);
            }
            if ((e = gen_kw(v, "example")))
                gen_emit(c, POS, path, "example", base, at, cJSON_Duplicate(e, 1), 0);
            return;
        }
        if (plo > lo)
            lo = plo;
        if (phi < hi)
            hi = phi;
    }
    if (gen_has(v, "minLength") || cJSON_IsString(p))
        emit_string(c, POS, path, "minLength", base, at, gen_string(c, v, lo, NULL, 0));
    if (lo > 0)
        emit_string(c, NEG, path, "minLength-1", base, at, gen_string(c, v, lo - 1, NULL, 0));
    if (has_hi && hi > CF_GEN_MAX_BOUND)
        gen_note(c, path,
                 "maxLength %zu is above the cap of %u code points: no item at it or "
                 "past it",
                 hi, CF_GEN_MAX_BOUND);
    else if (has_hi) {
        emit_string(c, POS, path, "maxLength", base, at, gen_string(c, v, hi, NULL, 0));
        emit_string(c, NEG, path, "maxLength+1", base, at, gen_string(c, v, hi + 1, NULL, 0));
    }
    gen_emit(c, POS, path, "random", base, at, gen_value(c, v, 0, &c->rng, 0), 1);
    if (cJSON_IsString(p)) {
        pattern_mismatch(c, p, lo > 0 ? lo : 1, path, base, at);
        return; /* the odd classes would not match the pattern */
    }
    size_t at_min = lo ? lo : 1;
    size_t at_max = hi <= CF_GEN_MAX_BOUND ? hi : CF_GEN_MAX_STRING;
    if (at_max < at_min)
        return;
    char rule[64];
    for (const gen_odd *o = gen_odd_strings; o->name; o++) {
        snprintf(rule, sizeof rule, "%s.min", o->name);
        emit_fill(c, ODD, path, rule, base, at, o->sample, at_min);
        if (at_max != at_min) {
            snprintf(rule, sizeof rule, "%s.max", o->name);
            emit_fill(c, ODD, path, rule, base, at, o->sample, at_max);
        }
    }
}

static void emit_number(gen_ctx *c, cf_gen_kind kind, const char *path, const char *rule,
                        const cJSON *base, const char *at, double x)
{
    if (isfinite(x))
        gen_emit(c, kind, path, rule, base, at, cJSON_CreateNumber(x == 0 ? 0 : x), 0);
}

/* The values at and just past one bound of a range. */
static void number_bound(gen_ctx *c, const gen_range *g, int lower, int integer, const char *path,
                         const cJSON *base, const char *at)
{
    double b = lower ? g->lo : g->hi;
    int excl = lower ? g->lo_excl : g->hi_excl;
    const char *kw = lower ? g->lo_kw : g->hi_kw;
    double dir = lower ? -1 : 1;
    char in_rule[64], out_rule[80];
    double inside = excl ? (integer ? (lower ? floor(b) + 1 : ceil(b) - 1)
                                    : nextafter(b, lower ? INFINITY : -INFINITY))
                         : (integer ? (lower ? ceil(b) : floor(b)) : b);
    if (excl) {
        snprintf(in_rule, sizeof in_rule, "%s%s", kw, integer ? (lower ? "+1" : "-1") : ".inside");
        snprintf(out_rule, sizeof out_rule, "%s", kw);
        emit_number(c, NEG, path, out_rule, base, at, b);
    } else {
        snprintf(in_rule, sizeof in_rule, "%s%s", kw,
                 strcmp(kw, "format") ? ""
                 : lower              ? ".min"
                                      : ".max");
        snprintf(out_rule, sizeof out_rule, "%s%s", in_rule, lower ? "-1" : "+1");
        double past = inside + dir;
        if (past == inside)
            past = nextafter(inside, dir * INFINITY);
        emit_number(c, NEG, path, out_rule, base, at, past);
        if (!integer) {
            snprintf(out_rule, sizeof out_rule, "%s%s", in_rule, lower ? "-ulp" : "+ulp");
            emit_number(c, NEG, path, out_rule, base, at, nextafter(b, dir * INFINITY));
        }
    }
    if (gen_range_ok(g, inside, integer))
        emit_number(c, POS, path, in_rule, base, at, inside);
}

static void walk_number(gen_ctx *c, const cJSON *v, int integer, const char *path,
                        const cJSON *base, const char *at)
{
    gen_range g;
    double first;
    gen_range_read(c, v, integer, &g);
    if (!gen_range_first(&g, integer, &first)) {
        gen_note(c, path, "no number satisfies the bounds and multipleOf: no positive item");
        return;
    }
    if (g.has_lo)
        number_bound(c, &g, 1, integer, path, base, at);
    if (g.has_hi)
        number_bound(c, &g, 0, integer, path, base, at);
    if (g.mult > 0) {
        if (gen_range_ok(&g, first + g.mult, integer))
            emit_number(c, POS, path, "multipleOf", base, at, first + g.mult);
        double off = first + (integer && g.mult >= 2 ? 1 : g.mult / 2);
        if (!integer || floor(off) == off)
            emit_number(c, NEG, path, "multipleOf.off", base, at, off);
    }
    if (integer)
        emit_number(c, NEG, path, "not-integer.number", base, at, first + 0.5);
    static const struct {
        const char *rule;
        double x;
        int integer_only;
    } big[] = {
        {"2^31", 2147483648.0, 0},
        {"2^32", 4294967296.0, 0},
        {"2^53", 9007199254740992.0, 0},
        {"2^63", 9223372036854775808.0, 0},
        {"-2^31-1", -2147483649.0, 0},
        {"-2^53", -9007199254740992.0, 0},
        {"max-double", 1.7976931348623157e308, 1},
        {"min-subnormal", 4.9406564584124654e-324, 1},
    };
    for (size_t i = 0; i < sizeof big / sizeof big[0]; i++)
        if ((!big[i].integer_only || !integer) && gen_range_ok(&g, big[i].x, integer))
            emit_number(c, ODD, path, big[i].rule, base, at, big[i].x);
    cJSON *r = gen_value(c, v, 0, &c->rng, 0);
    gen_emit(c, POS, path, "random", base, at, r, 1);
}

/* A copy of the object at `at` in base with every optional, visible member added. */
static cJSON *with_all(gen_ctx *c, const cJSON *v, const cJSON *base, const char *at, int depth,
                       int *added)
{
    cJSON *all = cJSON_Duplicate(base, 1);
    cJSON *obj = all ? (cJSON *)cf_json_pointer(all, at) : NULL;
    const cJSON *p;
    *added = 0;
    size_t most = gen_size(v, "maxProperties", SIZE_MAX);
    cJSON_ArrayForEach(p, gen_kw(v, "properties"))
    {
        if (!obj || cJSON_HasObjectItem(obj, p->string) || (size_t)cJSON_GetArraySize(obj) >= most)
            continue;
        const cJSON *pv = gen_view(c, p);
        if (!pv ||
            (c->opt.direction == CF_SCHEMA_REQUEST && cJSON_IsTrue(gen_kw(pv, "readOnly"))) ||
            (c->opt.direction == CF_SCHEMA_RESPONSE && cJSON_IsTrue(gen_kw(pv, "writeOnly"))))
            continue;
        cJSON *m = gen_value(c, p, depth + 1, NULL, 0);
        if (m && cJSON_AddItemToObject(obj, p->string, m))
            (*added)++;
        else
            cJSON_Delete(m);
    }
    return all;
}

static void walk_object(gen_ctx *c, const cJSON *v, const char *path, const cJSON *base,
                        const char *at, int depth)
{
    const cJSON *cur = cf_json_pointer(base, at);
    if (!cJSON_IsObject(cur))
        return;
    int added = 0;
    cJSON *all = with_all(c, v, base, at, depth, &added);
    if (!all) {
        c->rc = CF_E_NOMEM;
        return;
    }
    if (added)
        gen_emit(c, POS, path, "all-members", NULL, "", cJSON_Duplicate(all, 1), 0);
    char child[CF_PATH_MAX], child_at[CF_PATH_MAX];
    const cJSON *p;
    cJSON_ArrayForEach(p, gen_kw(v, "properties"))
    {
        join(child, path, p->string);
        cf_diag_path_key(child_at, sizeof child_at, at, p->string);
        const cJSON *pv = gen_view(c, p);
        if (!pv)
            continue;
        int ro = cJSON_IsTrue(gen_kw(pv, "readOnly")), wo = cJSON_IsTrue(gen_kw(pv, "writeOnly"));
        if ((c->opt.direction == CF_SCHEMA_REQUEST && ro) ||
            (c->opt.direction == CF_SCHEMA_RESPONSE && wo)) {
            gen_emit(c, NEG, child, ro ? "readOnly" : "writeOnly", base, child_at,
                     gen_value(c, p, depth + 1, NULL, 0), 0);
            continue;
        }
        if (gen_required(v, p->string)) {
            gen_emit(c, NEG, child, "missing", base, child_at, NULL, 0);
            gen_walk(c, p, child, base, child_at, depth + 1);
            continue;
        }
        cJSON *m = gen_value(c, p, depth + 1, NULL, 0);
        if (!m) {
            gen_note(c, child, "no valid value could be built: the member is not varied");
            continue;
        }
        cJSON *with = cJSON_Duplicate(base, 1);
        if (!with || cf_json_pointer_set(with, child_at, m) != CF_OK) {
            cJSON_Delete(with);
            continue;
        }
        gen_emit(c, POS, child, "present", NULL, "", cJSON_Duplicate(with, 1), 0);
        gen_emit(c, POS, child, "absent", all, child_at, NULL, 0);
        gen_walk(c, p, child, with, child_at, depth + 1);
        cJSON_Delete(with);
    }
    const cJSON *ap = gen_kw(v, "additionalProperties");
    cf_diag_path_key(child_at, sizeof child_at, at, UNKNOWN);
    if (cJSON_IsFalse(ap)) {
        gen_emit(c, NEG, path, "unknown-member", base, child_at, cJSON_CreateNumber(1), 0);
    } else if (cJSON_IsObject(ap) && ap->child) {
        cJSON *m = gen_value(c, ap, depth + 1, NULL, 0);
        cJSON *with = m ? cJSON_Duplicate(base, 1) : NULL;
        cf_diag_path_key(child_at, sizeof child_at, at, "conform-key");
        if (with && cf_json_pointer_set(with, child_at, m) == CF_OK) {
            gen_emit(c, POS, path, "additional", NULL, "", cJSON_Duplicate(with, 1), 0);
            join(child, path, "*");
            gen_walk(c, ap, child, with, child_at, depth + 1);
        } else if (!with) {
            cJSON_Delete(m);
        }
        cJSON_Delete(with);
    } else {
        gen_emit(c, ODD, path, "unknown.null", base, child_at, cJSON_CreateNull(), 0);
        gen_emit(c, ODD, path, "unknown.object", base, child_at,
                 cJSON_Parse("{\"a\":{\"b\":[null]}}"), 0);
        gen_emit(c, ODD, path, "unknown.array", base, child_at, cJSON_Parse("[1,\"x\",null,{}]"),
                 0);
    }
    double maxp = gen_num(v, "maxProperties", -1);
    if (maxp >= 0 && maxp < CF_GEN_MAX_ARRAY && !cJSON_IsFalse(ap)) {
        cJSON *more = cJSON_Duplicate(all, 1);
        cJSON *obj = more ? (cJSON *)cf_json_pointer(more, at) : NULL;
        for (unsigned i = 0; obj && cJSON_GetArraySize(obj) <= maxp; i++) {
            char key[32];
            snprintf(key, sizeof key, "conform%u", i);
            cJSON *x = gen_value(c, ap, depth + 1, NULL, 0);
            cJSON_AddItemToObject(obj, key, x ? x : cJSON_CreateNull());
        }
        if (more)
            gen_emit(c, NEG, path, "maxProperties+1", NULL, "", more, 0);
    }
    double minp = gen_num(v, "minProperties", 0);
    if (minp > 0 && cJSON_GetArraySize(cur) > 0) {
        const cJSON *last = cur->child;
        while (last->next)
            last = last->next;
        cf_diag_path_key(child_at, sizeof child_at, at, last->string);
        if (cJSON_GetArraySize(cur) - 1 < minp && !gen_required(v, last->string))
            gen_emit(c, NEG, path, "minProperties-1", base, child_at, NULL, 0);
    }
    cJSON_Delete(all);
}

/* A copy of base whose array at `at` has at least n elements (minimal ones appended). */
static cJSON *grown(gen_ctx *c, const cJSON *v, const cJSON *base, const char *at, size_t n,
                    int depth)
{
    cJSON *b = cJSON_Duplicate(base, 1);
    cJSON *arr = b ? (cJSON *)cf_json_pointer(b, at) : NULL;
    const cJSON *prefix = gen_kw(v, "prefixItems");
    const cJSON *items = gen_kw(v, "items");
    if (cJSON_IsArray(items)) {
        prefix = items;
        items = gen_kw(v, "additionalItems");
    }
    int unique = cJSON_IsTrue(gen_kw(v, "uniqueItems"));
    while (arr && (size_t)cJSON_GetArraySize(arr) < n) {
        size_t i = (size_t)cJSON_GetArraySize(arr);
        const cJSON *s =
            i < (size_t)cJSON_GetArraySize(prefix) ? cJSON_GetArrayItem(prefix, (int)i) : items;
        cJSON *e = s ? gen_value(c, s, depth + 1, NULL, unique ? (unsigned)i : 0)
                     : cJSON_CreateNumber((double)i);
        if (!e)
            break;
        cJSON_AddItemToArray(arr, e);
    }
    if (!arr || (size_t)cJSON_GetArraySize(arr) < n) {
        cJSON_Delete(b);
        return NULL;
    }
    return b;
}

static void walk_array(gen_ctx *c, const cJSON *v, const char *path, const cJSON *base,
                       const char *at, int depth)
{
    const cJSON *cur = cf_json_pointer(base, at);
    if (!cJSON_IsArray(cur))
        return;
    size_t n = (size_t)cJSON_GetArraySize(cur);
    char child[CF_PATH_MAX], child_at[CF_PATH_MAX], rule[32];
    if (gen_num(v, "minItems", 0) > 0 && n > 0) {
        cf_diag_path_index(child_at, sizeof child_at, at, n - 1);
        gen_emit(c, NEG, path, "minItems-1", base, child_at, NULL, 0);
    }
    double hi = gen_num(v, "maxItems", -1);
    if (hi > CF_GEN_MAX_ARRAY) {
        gen_note(c, path,
                 "maxItems %.0f is above the cap of %u elements: no item at it or past "
                 "it",
                 hi, CF_GEN_MAX_ARRAY);
    } else if (hi >= 0) {
        cJSON *at_max = grown(c, v, base, at, (size_t)hi, depth);
        cJSON *past = grown(c, v, base, at, (size_t)hi + 1, depth);
        if (at_max && hi > 0)
            gen_emit(c, POS, path, "maxItems", NULL, "", at_max, 0);
        else
            cJSON_Delete(at_max);
        if (past)
            gen_emit(c, NEG, path, "maxItems+1", NULL, "", past, 0);
    }
    if (cJSON_IsTrue(gen_kw(v, "uniqueItems")) && n > 0) {
        cf_diag_path_index(child_at, sizeof child_at, at, n);
        gen_emit(c, NEG, path, "uniqueItems", base, child_at,
                 cJSON_Duplicate(cJSON_GetArrayItem(cur, 0), 1), 0);
    }
    const cJSON *prefix = gen_kw(v, "prefixItems");
    const cJSON *items = gen_kw(v, "items");
    if (cJSON_IsArray(items)) {
        prefix = items;
        items = gen_kw(v, "additionalItems");
    }
    size_t np = (size_t)cJSON_GetArraySize(prefix);
    for (size_t i = 0; i <= np; i++) {
        const cJSON *s = i < np ? cJSON_GetArrayItem(prefix, (int)i) : items;
        if (i == np && cJSON_IsFalse(items)) {
            cJSON *b = grown(c, v, base, at, np, depth);
            cJSON *arr = b ? (cJSON *)cf_json_pointer(b, at) : NULL;
            if (arr && cJSON_AddItemToArray(arr, cJSON_CreateNumber(1)))
                gen_emit(c, NEG, path, "extra-item", NULL, "", b, 0);
            else
                cJSON_Delete(b);
            break;
        }
        if (!s || (i == np && !items))
            break;
        cJSON *b = grown(c, v, base, at, i + 1, depth);
        if (!b)
            continue;
        if (n <= i) {
            snprintf(rule, sizeof rule, "items[%zu]", i);
            gen_emit(c, POS, path, rule, NULL, "", cJSON_Duplicate(b, 1), 0);
        }
        snprintf(rule, sizeof rule, "[%zu]", i);
        snprintf(child, sizeof child, "%s%s", path, rule);
        cf_diag_path_index(child_at, sizeof child_at, at, i);
        gen_walk(c, s, child, b, child_at, depth + 1);
        cJSON_Delete(b);
    }
}

void gen_walk(gen_ctx *c, const cJSON *s, const char *path, const cJSON *base, const char *at,
              int depth)
{
    const cJSON *v = gen_view(c, s);
    if (!v || c->rc != CF_OK || c->full)
        return;
    if (depth > c->opt.max_depth) {
        gen_note(c, path, "deeper than %d schema levels: not walked", c->opt.max_depth);
        return;
    }
    wrong_types(c, v, path, base, at);
    char rule[64];
    const cJSON *k = gen_kw(v, "const");
    const cJSON *en = gen_kw(v, "enum");
    if (k || cJSON_IsArray(en)) {
        if (k)
            gen_emit(c, POS, path, "const", base, at, cJSON_Duplicate(k, 1), 0);
        int i = 0;
        const cJSON *e;
        const cJSON *members = k ? NULL : en;
        cJSON_ArrayForEach(e, members)
        {
            snprintf(rule, sizeof rule, "enum[%d]", i++);
            gen_emit(c, POS, path, rule, base, at, cJSON_Duplicate(e, 1), 0);
        }
        gen_emit(c, NEG, path, k ? "not-const" : "not-enum", base, at, off_enum(k ? k : en), 0);
        return;
    }
    int types = gen_types(c, v);
    if ((types & T_NULL) && types != T_ALL)
        gen_emit(c, POS, path, "null", base, at, cJSON_CreateNull(), 0);
    static const char *const branches[] = {"oneOf", "anyOf"};
    for (size_t b = 0; b < 2; b++) {
        const cJSON *list = gen_kw(v, branches[b]);
        if (!cJSON_IsArray(list))
            continue;
        int i = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, list)
        {
            snprintf(rule, sizeof rule, "%s[%d]", branches[b], i++);
            const cJSON *bv = gen_with_branch(c, v, branches[b], e);
            cJSON *x = bv ? gen_value(c, bv, depth + 1, NULL, 0) : NULL;
            if (!x) {
                gen_note(c, path, "%s: no valid value could be built", rule);
                continue;
            }
            cJSON *with = cJSON_Duplicate(base, 1);
            if (*at && with && cf_json_pointer_set(with, at, cJSON_Duplicate(x, 1)) != CF_OK) {
                cJSON_Delete(with);
                with = NULL;
            } else if (!*at) {
                cJSON_Delete(with);
                with = cJSON_Duplicate(x, 1);
            }
            if (with) {
                char sub[CF_PATH_MAX];
                gen_emit(c, POS, path, rule, NULL, "", cJSON_Duplicate(with, 1), 0);
                join(sub, path, rule);
                c->in_branch++;
                gen_walk(c, bv, sub, with, at, depth + 1);
                c->in_branch--;
            }
            cJSON_Delete(with);
            cJSON_Delete(x);
        }
        return;
    }
    switch (gen_pick_type(c, v)) {
    case T_STR:
        walk_string(c, v, path, base, at);
        break;
    case T_INT:
    case T_NUM:
        walk_number(c, v, gen_pick_type(c, v) == T_INT, path, base, at);
        break;
    case T_BOOL:
        gen_emit(c, POS, path, "true", base, at, cJSON_CreateTrue(), 0);
        gen_emit(c, POS, path, "false", base, at, cJSON_CreateFalse(), 0);
        break;
    case T_OBJ:
        walk_object(c, v, path, base, at, depth);
        break;
    case T_ARR:
        walk_array(c, v, path, base, at, depth);
        break;
    default:
        break;
    }
}
