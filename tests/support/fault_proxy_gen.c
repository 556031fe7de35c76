/* fault_proxy_gen.c - faults of the fault proxy that only generated cases are meant to catch:
 * a 500 for odd but valid input of one class, or a success for invalid input of one class (the
 * request is repaired on its way to the mock). They read the spec's body schema, so they work
 * on any spec whose body is an object of top-level members.
 *
 *   5xx-on-metacharacters    a string member holding " \ < ' ` or $( gets the internal error
 *   5xx-on-control-characters  a string member holding U+0000..U+001F or DEL: internal error
 *   5xx-on-astral            a string member holding a character past U+FFFF: internal error
 *   5xx-on-max-length        a string member exactly at its maxLength: internal error
 *   5xx-on-big-number        a number of magnitude 2^31 or more: internal error
 *   accept-wrong-type        a member of the wrong JSON type (null too) is replaced by a valid one
 *   accept-missing-required  a missing required member is added
 *   accept-one-past-bound    a string past its maxLength is cut to it, one under its minLength
 *                            replaced, a number outside minimum/maximum clamped to the bound
 *   accept-off-enum          a value outside its enum becomes the first member
 *   accept-wrong-content-type  a body sent as a media type the spec does not take is forwarded
 *                            as the spec's first one */
#include "fault_proxy_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/str.h"
#include "base/uuid.h"

/* ---- what the schema says of a member ----------------------------------------------------- */

static const cJSON *props(const exchange *x)
{
    const cJSON *s = x->p->spec->op.body_schema;
    return s ? cJSON_GetObjectItemCaseSensitive(s, "properties") : NULL;
}

static double num_of(const cJSON *schema, const char *key, double none)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(schema, key);
    return cJSON_IsNumber(v) ? v->valuedouble : none;
}

static size_t code_points(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* A valid value for member `name`: the example's (a template string gets a fresh UUID). */
static cJSON *valid_value(const exchange *x, const char *name)
{
    const cJSON *ex = cJSON_GetObjectItemCaseSensitive(x->p->spec->op.example, name);
    if (cJSON_IsString(ex) && strchr(ex->valuestring, '{')) {
        char id[37];
        cf_uuid_v4(id);
        return cJSON_CreateString(id);
    }
    return ex ? cJSON_Duplicate(ex, 1) : cJSON_CreateString("conform");
}

static int type_ok(const cJSON *schema, const cJSON *v)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(schema, "type");
    if (!cJSON_IsString(t))
        return 1;
    const char *n = t->valuestring;
    if (strcmp(n, "string") == 0)
        return cJSON_IsString(v);
    if (strcmp(n, "integer") == 0)
        return cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble);
    if (strcmp(n, "number") == 0)
        return cJSON_IsNumber(v);
    if (strcmp(n, "boolean") == 0)
        return cJSON_IsBool(v);
    if (strcmp(n, "object") == 0)
        return cJSON_IsObject(v);
    return strcmp(n, "array") != 0 || cJSON_IsArray(v);
}

/* ---- one pass over the body's members --------------------------------------------------- */

/* Decides about one member: returns 1 to answer the internal error, or sets *repl (taken) to
 * forward that value instead. */
typedef int (*member_fn)(const exchange *x, const char *name, const cJSON *schema, const cJSON *v,
                         cJSON **repl);

static int walk(exchange *x, member_fn fn)
{
    cJSON *body = cf_fault_req_object(x);
    const cJSON *ps = props(x);
    if (!body || !ps) {
        cJSON_Delete(body);
        return 0;
    }
    int crash = 0, changed = 0;
    for (const cJSON *s = ps->child; s && !crash; s = s->next) {
        cJSON *repl = NULL;
        crash = fn(x, s->string, s, cJSON_GetObjectItemCaseSensitive(body, s->string), &repl);
        if (repl) {
            cJSON_DeleteItemFromObjectCaseSensitive(body, s->string);
            cJSON_AddItemToObject(body, s->string, repl);
            changed = 1;
        }
    }
    if (crash) {
        cJSON_Delete(body);
        return cf_fault_answer_internal(x);
    }
    if (!changed) {
        cJSON_Delete(body);
        return 0;
    }
    return cf_fault_reprint(&x->req_body, body);
}

/* ---- 500 for odd but valid input ---------------------------------------------------------- */

static int has_meta(const exchange *x, const char *n, const cJSON *s, const cJSON *v, cJSON **r)
{
    (void)x, (void)n, (void)s, (void)r;
    return cJSON_IsString(v) &&
           (strpbrk(v->valuestring, "\"\\<'`") || strstr(v->valuestring, "$("));
}

static int has_control(const exchange *x, const char *n, const cJSON *s, const cJSON *v, cJSON **r)
{
    (void)x, (void)n, (void)s, (void)r;
    for (const char *c = cJSON_IsString(v) ? v->valuestring : ""; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return 1;
    return 0;
}

static int has_astral(const exchange *x, const char *n, const cJSON *s, const cJSON *v, cJSON **r)
{
    (void)x, (void)n, (void)s, (void)r;
    for (const char *c = cJSON_IsString(v) ? v->valuestring : ""; *c; c++)
        if ((unsigned char)*c >= 0xF0)
            return 1;
    return 0;
}

static int at_max(const exchange *x, const char *n, const cJSON *s, const cJSON *v, cJSON **r)
{
    (void)x, (void)n, (void)r;
    double max = num_of(s, "maxLength", -1);
    return cJSON_IsString(v) && max >= 0 && (double)code_points(v->valuestring) == max;
}

static int big(const exchange *x, const char *n, const cJSON *s, const cJSON *v, cJSON **r)
{
    (void)x, (void)n, (void)s, (void)r;
    return cJSON_IsNumber(v) && fabs(v->valuedouble) >= 2147483648.0;
}

/* ---- success for invalid input ------------------------------------------------------------ */

static int wrong_type(const exchange *x, const char *n, const cJSON *s, const cJSON *v, cJSON **r)
{
    if (v && !type_ok(s, v))
        *r = valid_value(x, n);
    return 0;
}

static int missing(const exchange *x, const char *n, const cJSON *s, const cJSON *v, cJSON **r)
{
    (void)s;
    const cJSON *req = cJSON_GetObjectItemCaseSensitive(x->p->spec->op.body_schema, "required");
    for (const cJSON *m = req ? req->child : NULL; m && !v; m = m->next)
        if (cJSON_IsString(m) && strcmp(m->valuestring, n) == 0)
            *r = valid_value(x, n);
    return 0;
}

static int past_bound(const exchange *x, const char *n, const cJSON *s, const cJSON *v, cJSON **r)
{
    if (cJSON_IsString(v)) {
        double max = num_of(s, "maxLength", -1), min = num_of(s, "minLength", 0);
        size_t len = code_points(v->valuestring);
        if (max >= 0 && (double)len > max) {
            /* Cut after `max` code points. */
            size_t keep = 0, seen = 0;
            for (const char *c = v->valuestring; *c; c++, keep++)
                if (((unsigned char)*c & 0xC0) != 0x80 && seen++ == (size_t)max)
                    break;
            char *cut = cf_strndup(v->valuestring, keep);
            *r = cut ? cJSON_CreateString(cut) : NULL;
            free(cut);
        } else if ((double)len < min) {
            *r = valid_value(x, n);
        }
    } else if (cJSON_IsNumber(v)) {
        double max = num_of(s, "maximum", INFINITY), min = num_of(s, "minimum", -INFINITY);
        if (v->valuedouble > max)
            *r = cJSON_CreateNumber(max);
        else if (v->valuedouble < min)
            *r = cJSON_CreateNumber(min);
    }
    return 0;
}

static int off_enum(const exchange *x, const char *n, const cJSON *s, const cJSON *v, cJSON **r)
{
    (void)x, (void)n;
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(s, "enum");
    if (!v || !cJSON_IsArray(e) || !e->child)
        return 0;
    for (const cJSON *m = e->child; m; m = m->next)
        if (cJSON_Compare(m, v, 1))
            return 0;
    *r = cJSON_Duplicate(e->child, 1);
    return 0;
}

/* ---- success for a request as a whole ----------------------------------------------------- */

static int wrong_content_type(exchange *x)
{
    const cf_spec *spec = x->p->spec;
    const char *ct = cf_headers_get(&x->req_headers, "Content-Type");
    if (!ct || !spec->op.content_type_count)
        return 0;
    for (size_t i = 0; i < spec->op.content_type_count; i++)
        if (strncasecmp(ct, spec->op.content_types[i], strlen(spec->op.content_types[i])) == 0)
            return 0;
    cf_headers_remove(&x->req_headers, "Content-Type");
    return cf_headers_add(&x->req_headers, "Content-Type", spec->op.content_types[0]) == CF_OK;
}

#define HOOK(fn)                                                                                   \
    static int f_##fn(exchange *x)                                                                 \
    {                                                                                              \
        return walk(x, fn);                                                                        \
    }
HOOK(has_meta)
HOOK(has_control)
HOOK(has_astral)
HOOK(at_max)
HOOK(big)
HOOK(wrong_type)
HOOK(missing)
HOOK(past_bound)
HOOK(off_enum)

static const fault gen_faults[] = {
    {"5xx-on-metacharacters", P_BOTH, f_has_meta, NULL},
    {"5xx-on-control-characters", P_BOTH, f_has_control, NULL},
    {"5xx-on-astral", P_BOTH, f_has_astral, NULL},
    {"5xx-on-max-length", P_BOTH, f_at_max, NULL},
    {"5xx-on-big-number", P_BOTH, f_big, NULL},
    {"accept-wrong-type", P_BOTH, f_wrong_type, NULL},
    {"accept-missing-required", P_BOTH, f_missing, NULL},
    {"accept-one-past-bound", P_BOTH, f_past_bound, NULL},
    {"accept-off-enum", P_BOTH, f_off_enum, NULL},
    {"accept-wrong-content-type", P_BOTH, wrong_content_type, NULL},
};

const fault *cf_fault_gen_find(const char *name)
{
    for (size_t i = 0; i < sizeof gen_faults / sizeof gen_faults[0]; i++)
        if (strcmp(gen_faults[i].name, name) == 0)
            return &gen_faults[i];
    return NULL;
}
