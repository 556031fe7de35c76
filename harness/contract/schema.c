/* schema.c - validating instances against compiled schemas: the entry points, the walk over one
 * node, violations (and the helpers all schema files share: types, values rendered for
 * messages). */
#include "contract/schema.h"
#include "contract/schema_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/utf8.h"

/* ---- rendering values for messages ------------------------------------------------------- */

/* Appends to out (size n, always NUL-terminated) at *at; silently truncates. */
static void put(char *out, size_t n, size_t *at, const char *s)
{
    while (*s && *at + 1 < n)
        out[(*at)++] = *s++;
    out[*at < n ? *at : n - 1] = '\0';
}

/* A number as short as it can be while reading back the same double. */
void cf_schema_render_number(double x, char *out, size_t n)
{
    if (isnan(x)) {
        snprintf(out, n, "NaN");
        return;
    }
    if (isinf(x)) {
        snprintf(out, n, "%s", x < 0 ? "-Infinity" : "Infinity");
        return;
    }
    snprintf(out, n, "%.15g", x);
    if (strtod(out, NULL) != x)
        snprintf(out, n, "%.17g", x);
}

/* A string quoted and escaped like JSON, cut after QUOTE_MAX bytes with "...". Invalid UTF-8
 * bytes are shown as \xNN so messages stay valid UTF-8. */
void cf_schema_render_string(const char *s, size_t len, char *out, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t at = 0;
    char tmp[16];
    put(out, n, &at, "\"");
    size_t i = 0;
    while (i < len && i < QUOTE_MAX) {
        unsigned char c = p[i];
        if (c == '"' || c == '\\') {
            snprintf(tmp, sizeof(tmp), "\\%c", c);
            i++;
        } else if (c == '\n' || c == '\r' || c == '\t') {
            snprintf(tmp, sizeof(tmp), "\\%c", c == '\n' ? 'n' : c == '\r' ? 'r' : 't');
            i++;
        } else if (c < 0x20 || c == 0x7F) {
            snprintf(tmp, sizeof(tmp), "\\u%04x", c);
            i++;
        } else if (c < 0x80) {
            tmp[0] = (char)c;
            tmp[1] = '\0';
            i++;
        } else {
            size_t k = cf_utf8_next(p + i, len - i, NULL);
            if (k == 0) {
                snprintf(tmp, sizeof(tmp), "\\x%02X", c);
                i++;
            } else {
                memcpy(tmp, p + i, k);
                tmp[k] = '\0';
                i += k;
            }
        }
        put(out, n, &at, tmp);
    }
    if (i < len)
        put(out, n, &at, "...");
    put(out, n, &at, "\"");
}

static int is_integral(double x)
{
    return isfinite(x) && floor(x) == x;
}

/* One value, short: strings quoted, numbers, literals; containers as {...} and [...]. */
void cf_schema_render_value(const cJSON *v, char *out, size_t n)
{
    if (cJSON_IsString(v) && v->valuestring)
        cf_schema_render_string(v->valuestring, strlen(v->valuestring), out, n);
    else if (cJSON_IsNumber(v))
        cf_schema_render_number(v->valuedouble, out, n);
    else if (cJSON_IsTrue(v))
        snprintf(out, n, "true");
    else if (cJSON_IsFalse(v))
        snprintf(out, n, "false");
    else if (cJSON_IsNull(v))
        snprintf(out, n, "null");
    else if (cJSON_IsObject(v))
        snprintf(out, n, "{...}");
    else if (cJSON_IsArray(v))
        snprintf(out, n, "[...]");
    else
        snprintf(out, n, "(invalid value)");
}

/* ---- types ------------------------------------------------------------------------------- */

static const char *const type_names[] = {"object", "array",   "string", "integer",
                                         "number", "boolean", "null"};
#define TYPE_COUNT (sizeof(type_names) / sizeof(type_names[0]))

/* The bit of a type name; 0 when unknown. */
unsigned cf_schema_type_bit(const char *name)
{
    for (size_t i = 0; i < TYPE_COUNT; i++)
        if (strcmp(name, type_names[i]) == 0)
            return 1u << i;
    return 0;
}

/* The CF_SCHEMA_T_* bit of an instance's most specific type; 0 for an invalid item. */
static unsigned type_bit_of(const cJSON *v)
{
    /* the type byte directly: cJSON_Is* are calls into the shared library, and this runs for
     * every value validated */
    switch (v ? v->type & 0xFF : 0) {
    case cJSON_Object:
        return CF_SCHEMA_T_OBJECT;
    case cJSON_Array:
        return CF_SCHEMA_T_ARRAY;
    case cJSON_String:
        return CF_SCHEMA_T_STRING;
    case cJSON_Number:
        return is_integral(v->valuedouble) ? CF_SCHEMA_T_INTEGER : CF_SCHEMA_T_NUMBER;
    case cJSON_True:
    case cJSON_False:
        return CF_SCHEMA_T_BOOLEAN;
    case cJSON_NULL:
        return CF_SCHEMA_T_NULL;
    default:
        return 0;
    }
}

/* The most specific type name of an instance ("integer" for 3 and 3.0). */
const char *cf_schema_instance_type(const cJSON *v)
{
    unsigned bit = type_bit_of(v);
    for (size_t i = 0; i < TYPE_COUNT; i++)
        if (bit == 1u << i)
            return type_names[i];
    return "invalid";
}

/* Whether the instance has one of the types in `mask`; a number is an integer when it has no
 * fractional part (and is finite). By bits, not names: this runs for every value validated. */
int cf_schema_type_accepts(unsigned mask, const cJSON *v)
{
    unsigned bit = type_bit_of(v);
    if (bit == CF_SCHEMA_T_INTEGER && (mask & CF_SCHEMA_T_NUMBER))
        return 1;
    return (mask & bit) != 0;
}

/* "string", or "string or null" for a mask. */
void cf_schema_render_types(unsigned mask, char *out, size_t n)
{
    size_t at = 0;
    out[0] = '\0';
    for (size_t i = 0; i < TYPE_COUNT; i++) {
        if (!(mask & (1u << i)))
            continue;
        if (at)
            put(out, n, &at, " or ");
        put(out, n, &at, type_names[i]);
    }
}

/* A non-negative integer count (minLength, maxLength). */
int cf_schema_is_count(const cJSON *v)
{
    return cJSON_IsNumber(v) && is_integral(v->valuedouble) && v->valuedouble >= 0;
}

const cJSON *cf_schema_keyword(const cJSON *schema, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(schema, name);
}

/* ---- small helpers ---------------------------------------------------------------------- */

char cf_schema_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* ---- validation -------------------------------------------------------------------------- */

static void render_ipath(const cf_schema_vctx *v, const cf_schema_ipath *ip, char *out, size_t n)
{
    if (!ip) {
        snprintf(out, n, "%s", v->base);
        return;
    }
    char up[CF_PATH_MAX];
    render_ipath(v, ip->up, up, sizeof(up));
    if (ip->key)
        cf_diag_path_key(out, n, up, ip->key);
    else
        cf_diag_path_index(out, n, up, ip->index);
}

void cf_schema_violation(cf_schema_vctx *v, const cf_schema_node *n, const char *keyword,
                         const cf_schema_ipath *ip, const char *fmt, ...)
{
    v->count++;
    if (!v->out)
        return;
    char msg[MESSAGE_MAX];
    char where[CF_PATH_MAX];
    char spath[CF_PATH_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    render_ipath(v, ip, where, sizeof(where));
    if (keyword)
        cf_diag_path_key(spath, sizeof(spath), n->spath, keyword);
    else
        snprintf(spath, sizeof(spath), "%s", n->spath);
    cf_diags_add(v->out, NULL, where, "%s [schema #%s]", msg, spath);
}

/* Whether the instance passes n, without reporting. */
int cf_schema_passes(const cf_schema_vctx *v, const cf_schema_node *n, const cJSON *inst,
                     const cf_schema_ipath *ip, int idepth, int rdepth)
{
    cf_schema_vctx q = {NULL, v->base, 0, 1, v->dir};
    return cf_schema_walk(&q, n, inst, ip, idepth, rdepth) == 0;
}

/* JSON equality as JSON Schema means it: numbers by value (1 == 1.0, but no epsilon, unlike
 * cJSON_Compare), objects regardless of member order. */
int cf_schema_json_equal(const cJSON *a, const cJSON *b, int depth)
{
    if (depth > CF_MAX_JSON_DEPTH)
        return 0;
    if (cJSON_IsNumber(a) && cJSON_IsNumber(b))
        return a->valuedouble == b->valuedouble;
    if ((a->type & 0xFF) != (b->type & 0xFF))
        return 0;
    if (cJSON_IsString(a))
        return strcmp(a->valuestring ? a->valuestring : "", b->valuestring ? b->valuestring : "") ==
               0;
    if (cJSON_IsArray(a)) {
        const cJSON *x = a->child, *y = b->child;
        for (; x && y; x = x->next, y = y->next)
            if (!cf_schema_json_equal(x, y, depth + 1))
                return 0;
        return !x && !y;
    }
    if (cJSON_IsObject(a)) {
        size_t na = 0, nb = 0;
        for (const cJSON *x = a->child; x; x = x->next, na++) {
            const cJSON *y = cJSON_GetObjectItemCaseSensitive(b, x->string);
            if (!y || !cf_schema_json_equal(x, y, depth + 1))
                return 0;
        }
        for (const cJSON *y = b->child; y; y = y->next)
            nb++;
        return na == nb;
    }
    return 1; /* true, false, null */
}

static void check_enum(cf_schema_vctx *v, const cf_schema_node *n, const cJSON *inst,
                       const cf_schema_ipath *ip)
{
    for (const cJSON *e = n->enum_->child; e; e = e->next)
        if (cf_schema_json_equal(e, inst, 0))
            return;
    if (v->quick) {
        v->count++;
        return;
    }
    char got[VALUE_MAX];
    char allowed[320];
    char one[VALUE_MAX];
    size_t at = 0;
    allowed[0] = '\0';
    for (const cJSON *e = n->enum_->child; e; e = e->next) {
        cf_schema_render_value(e, one, sizeof(one));
        if (at + strlen(one) + 8 >= sizeof(allowed)) {
            put(allowed, sizeof(allowed), &at, ", ...");
            break;
        }
        if (at)
            put(allowed, sizeof(allowed), &at, ", ");
        put(allowed, sizeof(allowed), &at, one);
    }
    cf_schema_render_value(inst, got, sizeof(got));
    if (at)
        cf_schema_violation(v, n, "enum", ip, "%s is not one of the allowed values: %s", got,
                            allowed);
    else
        cf_schema_violation(v, n, "enum", ip,
                            "%s is not one of the allowed values (the enum is empty)", got);
}

size_t cf_schema_walk(cf_schema_vctx *v, const cf_schema_node *n, const cJSON *inst,
                      const cf_schema_ipath *ip, int idepth, int rdepth)
{
    size_t start = v->count;
    if (n->boolean == 1)
        return 0;
    if (n->boolean == 0) {
        cf_schema_violation(v, n, NULL, ip, "no value is allowed here (the schema is false)");
        return 1;
    }
    if (idepth > CF_MAX_JSON_DEPTH) {
        cf_schema_violation(v, n, NULL, ip, "nesting deeper than %d levels is not validated",
                            CF_MAX_JSON_DEPTH);
        return 1;
    }
    if (rdepth > CF_SCHEMA_MAX_DEPTH) {
        cf_schema_violation(
            v, n, NULL, ip,
            "schemas applied more than %d deep (a $ref cycle?): not validated further",
            CF_SCHEMA_MAX_DEPTH);
        return 1;
    }
    for (size_t i = 0; i < n->n_malformed; i++) {
        v->count++;
        if (v->out) {
            char where[CF_PATH_MAX];
            render_ipath(v, ip, where, sizeof(where));
            cf_diags_add(v->out, NULL, where, "malformed schema: %s [schema #%s]",
                         n->malformed[i].message, n->malformed[i].path);
        }
        if (v->quick)
            return v->count - start;
    }
    if ((n->has & CF_K_NULLABLE) && (inst->type & 0xFF) == cJSON_NULL)
        return v->count - start;
    if (n->ref && cf_schema_walk(v, n->ref, inst, ip, idepth, rdepth + 1) && v->quick)
        return v->count - start;
    if ((n->has & CF_K_TYPE) && !cf_schema_type_accepts(n->types, inst)) {
        if (!v->quick) {
            char want[128];
            cf_schema_render_types(n->types, want, sizeof(want));
            cf_schema_violation(v, n, "type", ip, "expected type %s, got %s", want,
                                cf_schema_instance_type(inst));
        } else {
            v->count++;
        }
        return v->count - start; /* the other keywords would only repeat the mismatch */
    }
    if (n->const_ && !cf_schema_json_equal(n->const_, inst, 0)) {
        char want[VALUE_MAX];
        cf_schema_render_value(n->const_, want, sizeof(want));
        cf_schema_violation(v, n, "const", ip, "the value is not the constant %s", want);
        if (v->quick)
            return 1;
    }
    if (n->enum_) {
        check_enum(v, n, inst, ip);
        if (v->quick && v->count > start)
            return 1;
    }
    switch (inst->type & 0xFF) { /* not cJSON_Is*: calls into the shared library */
    case cJSON_String:
        cf_schema_check_string(v, n, inst, ip);
        break;
    case cJSON_Number:
        cf_schema_check_number(v, n, inst, ip);
        break;
    case cJSON_Object:
        cf_schema_check_object(v, n, inst, ip, idepth, rdepth);
        break;
    case cJSON_Array:
        cf_schema_check_array(v, n, inst, ip, idepth, rdepth);
        break;
    default:
        break;
    }
    if (v->quick && v->count > start)
        return v->count - start;
    cf_schema_check_applicators(v, n, inst, ip, idepth, rdepth);
    return v->count - start;
}

size_t cf_schema_check(const cf_schema *s, const cJSON *instance, cf_schema_direction dir,
                       const char *base, cf_diags *out)
{
    cf_schema_vctx v = {out, base ? base : "", 0, 0, dir};
    if (!s || !s->root)
        return 0;
    if (!instance) {
        cf_schema_violation(&v, s->root, NULL, NULL, "no value to validate (the value is missing)");
        return v.count;
    }
    return cf_schema_walk(&v, s->root, instance, NULL, 0, 0);
}

int cf_schema_accepts(const cf_schema *s, const cJSON *instance)
{
    if (!s || !s->root)
        return 1;
    if (!instance)
        return 0;
    cf_schema_vctx v = {NULL, "", 0, 1, CF_SCHEMA_ANY};
    return cf_schema_walk(&v, s->root, instance, NULL, 0, 0) == 0;
}

size_t cf_schema_validate(const cJSON *schema, const cJSON *instance, const char *base,
                          cf_diags *out)
{
    cf_schema *s = NULL;
    if (!schema)
        return 0;
    if (cf_schema_compile(schema, NULL, &s) != CF_OK) {
        if (out)
            cf_diags_add(out, NULL, base ? base : "", "out of memory compiling the schema");
        return 1;
    }
    size_t n = cf_schema_check(s, instance, CF_SCHEMA_ANY, base, out);
    cf_schema_free(s);
    return n;
}
