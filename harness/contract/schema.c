/* schema.c - validating instances against compiled schemas (and the helpers all schema files
 * share: UTF-8 lengths, types, values rendered for messages). */
#include "contract/schema.h"
#include "contract/schema_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/limits.h"
#include "base/timefmt.h"
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

/* The instance path as a chain on the C stack: rendered only when a violation is reported, so
 * a passing instance costs no string building. */
typedef struct ipath {
    const struct ipath *up;
    const char *key; /* NULL: an array index */
    size_t index;
} ipath;

typedef struct {
    cf_diags *out;    /* may be NULL: only count */
    const char *base; /* prefix of every instance path */
    size_t count;
    int quick; /* stop at the first violation: only validity matters */
    cf_schema_direction dir;
} vctx;

static void render_ipath(const vctx *v, const ipath *ip, char *out, size_t n)
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

static void violation(vctx *v, const cf_schema_node *n, const char *keyword, const ipath *ip,
                      const char *fmt, ...) CF_PRINTF(5, 6);

static void violation(vctx *v, const cf_schema_node *n, const char *keyword, const ipath *ip,
                      const char *fmt, ...)
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

static size_t validate(vctx *v, const cf_schema_node *n, const cJSON *inst, const ipath *ip,
                       int idepth, int rdepth);

/* Whether the instance passes n, without reporting. */
static int passes(const vctx *v, const cf_schema_node *n, const cJSON *inst, const ipath *ip,
                  int idepth, int rdepth)
{
    vctx q = {NULL, v->base, 0, 1, v->dir};
    return validate(&q, n, inst, ip, idepth, rdepth) == 0;
}

/* JSON equality as JSON Schema means it: numbers by value (1 == 1.0, but no epsilon, unlike
 * cJSON_Compare), objects regardless of member order. */
static int json_equal(const cJSON *a, const cJSON *b, int depth)
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
            if (!json_equal(x, y, depth + 1))
                return 0;
        return !x && !y;
    }
    if (cJSON_IsObject(a)) {
        size_t na = 0, nb = 0;
        for (const cJSON *x = a->child; x; x = x->next, na++) {
            const cJSON *y = cJSON_GetObjectItemCaseSensitive(b, x->string);
            if (!y || !json_equal(x, y, depth + 1))
                return 0;
        }
        for (const cJSON *y = b->child; y; y = y->next)
            nb++;
        return na == nb;
    }
    return 1; /* true, false, null */
}

/* Stops the current function at the first violation when only validity matters. */
#define FAIL(...)                                                                                  \
    do {                                                                                           \
        violation(v, n, __VA_ARGS__);                                                              \
        if (v->quick)                                                                              \
            return;                                                                                \
    } while (0)

static void check_enum(vctx *v, const cf_schema_node *n, const cJSON *inst, const ipath *ip)
{
    for (const cJSON *e = n->enum_->child; e; e = e->next)
        if (json_equal(e, inst, 0))
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
        violation(v, n, "enum", ip, "%s is not one of the allowed values: %s", got, allowed);
    else
        violation(v, n, "enum", ip, "%s is not one of the allowed values (the enum is empty)", got);
}

static void check_format(vctx *v, const cf_schema_node *n, const char *s, size_t len,
                         const ipath *ip)
{
    if (n->format == CF_FMT_NONE || n->format == CF_FMT_UNKNOWN)
        return; /* unknown formats are annotations; the linter names them */
    if (cf_schema_format_string(n->format, s, len)) {
        if (n->format == CF_FMT_DATE_TIME && (n->has & CF_K_X_MILLIS) &&
            !cf_time_is_iso_millis(s, len)) {
            char shown[VALUE_MAX];
            cf_schema_render_string(s, len, shown, sizeof(shown));
            violation(v, n, "x-millis", ip,
                      "%s is not in the millisecond form yyyy-MM-ddThh:mm:ss.SSSZ (x-millis)",
                      shown);
        } else if (n->format == CF_FMT_URI && (n->has & CF_K_X_HTTPS)) {
            int https = cf_schema_uri_is_https(s);
            char shown[VALUE_MAX];
            cf_schema_render_string(s, len, shown, sizeof(shown));
            if (https == 1)
                violation(v, n, "x-https", ip, "%s is not an https URI (x-https)", shown);
            else if (https == 2)
                violation(v, n, "x-https", ip, "%s has no host after \"https://\"", shown);
        }
        return;
    }
    char shown[VALUE_MAX];
    cf_schema_render_string(s, len, shown, sizeof(shown));
    static const char *const what[] = {
        [CF_FMT_DATE_TIME] = "an RFC 3339 date-time",
        [CF_FMT_DATE] = "an RFC 3339 full-date",
        [CF_FMT_TIME] = "an RFC 3339 full-time",
        [CF_FMT_DURATION] = "an ISO 8601 duration",
        [CF_FMT_EMAIL] = "an email address",
        [CF_FMT_HOSTNAME] = "a hostname",
        [CF_FMT_IPV4] = "an IPv4 address",
        [CF_FMT_IPV6] = "an IPv6 address",
        [CF_FMT_URI] = "an absolute URI (RFC 3986)",
        [CF_FMT_URI_REFERENCE] = "a URI reference (RFC 3986)",
        [CF_FMT_UUID] = "a UUID",
        [CF_FMT_JSON_POINTER] = "a JSON Pointer",
        [CF_FMT_REGEX] = "an ECMA-262 regular expression",
        [CF_FMT_BYTE] = "base64 (format byte)",
    };
    const char *w = (size_t)n->format < sizeof(what) / sizeof(what[0]) && what[n->format]
                        ? what[n->format]
                        : cf_schema_format_name(n->format);
    violation(v, n, "format", ip, "%s is not %s", shown, w);
}

static void check_string(vctx *v, const cf_schema_node *n, const cJSON *inst, const ipath *ip)
{
    const char *s = inst->valuestring ? inst->valuestring : "";
    size_t len = strlen(s);
    if (n->has & (CF_K_MIN_LENGTH | CF_K_MAX_LENGTH)) {
        size_t length = cf_utf8_length(s, len);
        char limit[64];
        if (length == (size_t)-1) {
            FAIL(n->has & CF_K_MIN_LENGTH ? "minLength" : "maxLength", ip,
                 "string is not valid UTF-8, so its length cannot be checked");
        } else if ((n->has & CF_K_MIN_LENGTH) && (double)length < n->min_length) {
            cf_schema_render_number(n->min_length, limit, sizeof(limit));
            FAIL("minLength", ip, "length %zu is below minLength %s", length, limit);
        } else if ((n->has & CF_K_MAX_LENGTH) && (double)length > n->max_length) {
            cf_schema_render_number(n->max_length, limit, sizeof(limit));
            FAIL("maxLength", ip, "length %zu exceeds maxLength %s", length, limit);
        }
    }
    if (n->pattern) {
        int m = cf_schema_regex_search(n->pattern, s, len);
        if (m == 0) {
            const cJSON *p = cf_schema_keyword(n->src, "pattern");
            char shown[VALUE_MAX];
            char pat[VALUE_MAX];
            cf_schema_render_string(s, len, shown, sizeof(shown));
            cf_schema_render_string(p->valuestring, strlen(p->valuestring), pat, sizeof(pat));
            FAIL("pattern", ip, "%s does not match the pattern %s", shown, pat);
        } else if (m < 0) {
            FAIL("pattern", ip, "matching the pattern exceeded the match limit");
        }
    }
    check_format(v, n, s, len, ip);
}

static void check_number(vctx *v, const cf_schema_node *n, const cJSON *inst, const ipath *ip)
{
    double x = inst->valuedouble;
    char got[64];
    char limit[64];
    unsigned has = n->has;
    if (!(has &
          (CF_K_MINIMUM | CF_K_MAXIMUM | CF_K_EX_MINIMUM | CF_K_EX_MAXIMUM | CF_K_MULTIPLE_OF)) &&
        n->format == CF_FMT_NONE)
        return;
    /* values are rendered only for a message: snprintf of a double is slow */
    if ((has & CF_K_MINIMUM) && !(x >= n->minimum)) { /* NaN fails too */
        cf_schema_render_number(x, got, sizeof(got));
        cf_schema_render_number(n->minimum, limit, sizeof(limit));
        FAIL("minimum", ip, "value %s is below minimum %s", got, limit);
    }
    if ((has & CF_K_MAXIMUM) && !(x <= n->maximum)) {
        cf_schema_render_number(x, got, sizeof(got));
        cf_schema_render_number(n->maximum, limit, sizeof(limit));
        FAIL("maximum", ip, "value %s exceeds maximum %s", got, limit);
    }
    if ((has & CF_K_EX_MINIMUM) && !(x > n->ex_minimum)) {
        cf_schema_render_number(x, got, sizeof(got));
        cf_schema_render_number(n->ex_minimum, limit, sizeof(limit));
        FAIL("exclusiveMinimum", ip, "value %s is not above exclusiveMinimum %s", got, limit);
    }
    if ((has & CF_K_EX_MAXIMUM) && !(x < n->ex_maximum)) {
        cf_schema_render_number(x, got, sizeof(got));
        cf_schema_render_number(n->ex_maximum, limit, sizeof(limit));
        FAIL("exclusiveMaximum", ip, "value %s is not below exclusiveMaximum %s", got, limit);
    }
    if (has & CF_K_MULTIPLE_OF) {
        /* Doubles cannot hold 0.1 exactly: a quotient within rounding of an integer counts. */
        double q = x / n->multiple_of;
        int ok = isfinite(q) && fabs(q - nearbyint(q)) <= 1e-9 * fmax(1.0, fabs(q));
        if (!ok) {
            cf_schema_render_number(x, got, sizeof(got));
            cf_schema_render_number(n->multiple_of, limit, sizeof(limit));
            FAIL("multipleOf", ip, "value %s is not a multiple of %s", got, limit);
        }
    }
    if (n->format != CF_FMT_NONE && !cf_schema_format_number(n->format, x)) {
        cf_schema_render_number(x, got, sizeof(got));
        FAIL("format", ip, "value %s does not fit format \"%s\"", got,
             cf_schema_format_name(n->format));
    }
}

static void check_object(vctx *v, const cf_schema_node *n, const cJSON *inst, const ipath *ip,
                         int idepth, int rdepth)
{
    if (n->has & (CF_K_MIN_PROPS | CF_K_MAX_PROPS)) {
        size_t count = 0;
        char limit[64];
        for (const cJSON *m = inst->child; m; m = m->next)
            count++;
        if ((n->has & CF_K_MIN_PROPS) && (double)count < n->min_props) {
            cf_schema_render_number(n->min_props, limit, sizeof(limit));
            FAIL("minProperties", ip, "%zu members is fewer than minProperties %s", count, limit);
        }
        if ((n->has & CF_K_MAX_PROPS) && (double)count > n->max_props) {
            cf_schema_render_number(n->max_props, limit, sizeof(limit));
            FAIL("maxProperties", ip, "%zu members exceeds maxProperties %s", count, limit);
        }
    }
    if (n->required && !cf_schema_required_present(n, inst)) {
        for (const cJSON *r = n->required->child; r; r = r->next) {
            if (cJSON_GetObjectItemCaseSensitive(inst, r->valuestring))
                continue;
            char name[VALUE_MAX];
            cf_schema_render_string(r->valuestring, strlen(r->valuestring), name, sizeof(name));
            FAIL("required", ip, "missing required member %s", name);
        }
    }
    for (const cJSON *m = inst->child; m; m = m->next) {
        const char *key = m->string ? m->string : "";
        ipath sub = {ip, key, 0};
        int matched = 0;
        size_t at = n->n_props ? cf_schema_property_at(n, key) : 0;
        const cf_schema_node *ps = at < n->n_props ? n->props[at].node : NULL;
        if (ps) {
            matched = 1;
            if (v->dir != CF_SCHEMA_ANY && ps->boolean < 0) {
                int ro = v->dir == CF_SCHEMA_REQUEST && (ps->has & CF_K_READ_ONLY);
                int wo = v->dir == CF_SCHEMA_RESPONSE && (ps->has & CF_K_WRITE_ONLY);
                if (ro || wo) {
                    char name[VALUE_MAX];
                    cf_schema_render_string(key, strlen(key), name, sizeof(name));
                    FAIL("properties", &sub, "member %s is %s: a %s must not carry it", name,
                         ro ? "readOnly" : "writeOnly", ro ? "request" : "response");
                }
            }
            if (validate(v, ps, m, &sub, idepth + 1, rdepth + 1) && v->quick)
                return;
        }
        for (size_t i = 0; i < n->n_pattern_props; i++) {
            int hit = cf_schema_regex_search(n->pattern_props[i].re, key, strlen(key));
            if (hit < 0)
                FAIL("patternProperties", &sub, "matching a member name exceeded the match limit");
            if (hit <= 0)
                continue;
            matched = 1;
            if (validate(v, n->pattern_props[i].node, m, &sub, idepth + 1, rdepth + 1) && v->quick)
                return;
        }
        if (!matched && n->additional) {
            if (n->additional->boolean == 0) {
                char name[VALUE_MAX];
                cf_schema_render_string(key, strlen(key), name, sizeof(name));
                FAIL("additionalProperties", &sub,
                     "unexpected member %s (additionalProperties is false)", name);
            } else if (validate(v, n->additional, m, &sub, idepth + 1, rdepth + 1) && v->quick) {
                return;
            }
        }
        if (n->property_names) {
            /* the name as a string instance, on the stack: nothing is allocated */
            cJSON name;
            memset(&name, 0, sizeof(name));
            name.type = cJSON_String;
            name.valuestring = (char *)(uintptr_t)key;
            if (validate(v, n->property_names, &name, &sub, idepth + 1, rdepth + 1) && v->quick)
                return;
        }
    }
    for (size_t i = 0; i < n->n_dependents; i++) {
        const cf_schema_dependent *d = &n->dependents[i];
        if (!cJSON_GetObjectItemCaseSensitive(inst, d->name))
            continue;
        if (d->node) {
            if (validate(v, d->node, inst, ip, idepth, rdepth + 1) && v->quick)
                return;
            continue;
        }
        for (const cJSON *r = d->names->child; r; r = r->next) {
            if (cJSON_GetObjectItemCaseSensitive(inst, r->valuestring))
                continue;
            char name[VALUE_MAX];
            char because[VALUE_MAX];
            cf_schema_render_string(r->valuestring, strlen(r->valuestring), name, sizeof(name));
            cf_schema_render_string(d->name, strlen(d->name), because, sizeof(because));
            FAIL(NULL, ip, "missing member %s, required when %s is present", name, because);
        }
    }
}

static void check_array(vctx *v, const cf_schema_node *n, const cJSON *inst, const ipath *ip,
                        int idepth, int rdepth)
{
    char limit[64];
    if (n->has & (CF_K_MIN_ITEMS | CF_K_MAX_ITEMS)) {
        size_t count = 0;
        for (const cJSON *e = inst->child; e; e = e->next)
            count++;
        if ((n->has & CF_K_MIN_ITEMS) && (double)count < n->min_items) {
            cf_schema_render_number(n->min_items, limit, sizeof(limit));
            FAIL("minItems", ip, "%zu items is fewer than minItems %s", count, limit);
        }
        if ((n->has & CF_K_MAX_ITEMS) && (double)count > n->max_items) {
            cf_schema_render_number(n->max_items, limit, sizeof(limit));
            FAIL("maxItems", ip, "%zu items exceeds maxItems %s", count, limit);
        }
    }
    if (n->has & CF_K_UNIQUE) {
        size_t i = 0;
        for (const cJSON *a = inst->child; a; a = a->next, i++) {
            size_t j = i + 1;
            for (const cJSON *b = a->next; b; b = b->next, j++)
                if (json_equal(a, b, 0))
                    FAIL("uniqueItems", ip, "items %zu and %zu are equal (uniqueItems)", i, j);
        }
    }
    size_t index = 0;
    size_t contained = 0;
    for (const cJSON *e = inst->child; e; e = e->next, index++) {
        ipath sub = {ip, NULL, index};
        const cf_schema_node *each = index < n->n_prefix_items ? n->prefix_items[index] : n->items;
        if (each && validate(v, each, e, &sub, idepth + 1, rdepth + 1) && v->quick)
            return;
        if (n->contains && passes(v, n->contains, e, &sub, idepth + 1, rdepth + 1))
            contained++;
    }
    if (n->contains) {
        double min = (n->has & CF_K_MIN_CONTAINS) ? n->min_contains : 1;
        if ((double)contained < min) {
            cf_schema_render_number(min, limit, sizeof(limit));
            FAIL("contains", ip, "%zu items match \"contains\", at least %s must", contained,
                 limit);
        }
        if ((n->has & CF_K_MAX_CONTAINS) && (double)contained > n->max_contains) {
            cf_schema_render_number(n->max_contains, limit, sizeof(limit));
            FAIL("maxContains", ip, "%zu items match \"contains\", at most %s may", contained,
                 limit);
        }
    }
}

/* The branch of a oneOf/anyOf that fails with the fewest violations, and its first message:
 * computed only when reporting a failure. */
static void closest(const vctx *v, cf_schema_node *const *branches, size_t count, const cJSON *inst,
                    const ipath *ip, int idepth, int rdepth, char *out, size_t n)
{
    size_t best = 0;
    size_t best_count = (size_t)-1;
    for (size_t i = 0; i < count; i++) {
        vctx q = {NULL, v->base, 0, 0, v->dir};
        size_t c = validate(&q, branches[i], inst, ip, idepth, rdepth);
        const cf_schema_node *b = branches[i]->ref ? branches[i]->ref : branches[i];
        if ((b->has & CF_K_TYPE) && !cf_schema_type_accepts(b->types, inst))
            c += 1000; /* a branch for another type is the farthest */
        if (c && c < best_count) {
            best = i;
            best_count = c;
        }
    }
    cf_diags d;
    cf_diags_init(&d);
    vctx q = {&d, v->base, 0, 0, v->dir};
    validate(&q, branches[best], inst, ip, idepth, rdepth);
    if (d.count)
        snprintf(out, n, "the closest, #%s, failed at \"%s\": %s", branches[best]->spath,
                 d.items[0].path, d.items[0].message);
    else
        snprintf(out, n, "the closest is #%s", branches[best]->spath);
    cf_diags_cleanup(&d);
}

/* Whether a branch is the one a discriminator value names without a mapping: its $ref (or
 * its own path) ends in "/<value>", as OpenAPI's implicit "#/components/schemas/<value>". */
static int branch_named(const cf_schema_node *b, const char *value)
{
    const char *path = b->ref ? b->ref->spath : b->spath;
    size_t lp = strlen(path), lv = strlen(value);
    return lp > lv && path[lp - lv - 1] == '/' && strcmp(path + lp - lv, value) == 0;
}

/* OpenAPI's discriminator: the member's value picks the branch; 1 when it decided. */
static int discriminate(vctx *v, const cf_schema_node *n, const cJSON *inst, const ipath *ip,
                        int idepth, int rdepth)
{
    cf_schema_node *const *branches = n->one_of ? n->one_of : n->any_of;
    size_t count = n->one_of ? n->n_one_of : n->n_any_of;
    if (!cJSON_IsObject(inst) || !branches)
        return 0;
    char name[VALUE_MAX];
    cf_schema_render_string(n->discriminator, strlen(n->discriminator), name, sizeof(name));
    const cJSON *tag = cJSON_GetObjectItemCaseSensitive(inst, n->discriminator);
    if (!cJSON_IsString(tag)) {
        violation(v, n, "discriminator", ip, "the discriminator member %s is %s", name,
                  tag ? "not a string" : "missing");
        return 1;
    }
    const cf_schema_node *pick = NULL;
    for (size_t i = 0; i < n->n_mapping && !pick; i++)
        if (strcmp(n->mapping[i].name, tag->valuestring) == 0)
            pick = n->mapping[i].node;
    for (size_t i = 0; i < count && !pick; i++)
        if (branch_named(branches[i], tag->valuestring))
            pick = branches[i];
    char value[VALUE_MAX];
    cf_schema_render_string(tag->valuestring, strlen(tag->valuestring), value, sizeof(value));
    if (!pick) {
        violation(v, n, "discriminator", ip, "the discriminator %s = %s names no branch", name,
                  value);
        return 1;
    }
    if (!passes(v, pick, inst, ip, idepth, rdepth + 1)) {
        violation(v, n, "discriminator", ip,
                  "the discriminator %s = %s picks #%s, which this value fails:", name, value,
                  pick->ref ? pick->ref->spath : pick->spath);
        if (!v->quick)
            validate(v, pick, inst, ip, idepth, rdepth + 1);
    }
    return 1;
}

static void check_applicators(vctx *v, const cf_schema_node *n, const cJSON *inst, const ipath *ip,
                              int idepth, int rdepth)
{
    for (size_t i = 0; i < n->n_all_of; i++)
        if (validate(v, n->all_of[i], inst, ip, idepth, rdepth + 1) && v->quick)
            return;
    int decided = n->discriminator && discriminate(v, n, inst, ip, idepth, rdepth);
    if (n->any_of && !decided) {
        size_t i = 0;
        while (i < n->n_any_of && !passes(v, n->any_of[i], inst, ip, idepth, rdepth + 1))
            i++;
        if (i == n->n_any_of) {
            char why[MESSAGE_MAX / 2] = "";
            if (!v->quick)
                closest(v, n->any_of, n->n_any_of, inst, ip, idepth, rdepth + 1, why, sizeof(why));
            FAIL("anyOf", ip, "matches none of the %zu anyOf branches; %s", n->n_any_of, why);
        }
    }
    if (n->one_of && !decided) {
        size_t matched = 0, first = 0, second = 0;
        for (size_t i = 0; i < n->n_one_of && matched < 2; i++) {
            if (!passes(v, n->one_of[i], inst, ip, idepth, rdepth + 1))
                continue;
            if (matched++ == 0)
                first = i;
            else
                second = i;
        }
        if (matched == 0) {
            char why[MESSAGE_MAX / 2] = "";
            if (!v->quick)
                closest(v, n->one_of, n->n_one_of, inst, ip, idepth, rdepth + 1, why, sizeof(why));
            FAIL("oneOf", ip, "matches none of the %zu oneOf branches; %s", n->n_one_of, why);
        } else if (matched > 1) {
            FAIL("oneOf", ip,
                 "matches more than one of the %zu oneOf branches (#%s and #%s); exactly one "
                 "must match",
                 n->n_one_of, n->one_of[first]->spath, n->one_of[second]->spath);
        }
    }
    if (n->not_ && passes(v, n->not_, inst, ip, idepth, rdepth + 1))
        FAIL("not", ip, "matches the schema under \"not\"");
    if (n->if_) {
        const cf_schema_node *then =
            passes(v, n->if_, inst, ip, idepth, rdepth + 1) ? n->then_ : n->else_;
        if (then)
            validate(v, then, inst, ip, idepth, rdepth + 1);
    }
}

#undef FAIL

static size_t validate(vctx *v, const cf_schema_node *n, const cJSON *inst, const ipath *ip,
                       int idepth, int rdepth)
{
    size_t start = v->count;
    if (n->boolean == 1)
        return 0;
    if (n->boolean == 0) {
        violation(v, n, NULL, ip, "no value is allowed here (the schema is false)");
        return 1;
    }
    if (idepth > CF_MAX_JSON_DEPTH) {
        violation(v, n, NULL, ip, "nesting deeper than %d levels is not validated",
                  CF_MAX_JSON_DEPTH);
        return 1;
    }
    if (rdepth > CF_SCHEMA_MAX_DEPTH) {
        violation(v, n, NULL, ip,
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
    if (n->ref && validate(v, n->ref, inst, ip, idepth, rdepth + 1) && v->quick)
        return v->count - start;
    if ((n->has & CF_K_TYPE) && !cf_schema_type_accepts(n->types, inst)) {
        if (!v->quick) {
            char want[128];
            cf_schema_render_types(n->types, want, sizeof(want));
            violation(v, n, "type", ip, "expected type %s, got %s", want,
                      cf_schema_instance_type(inst));
        } else {
            v->count++;
        }
        return v->count - start; /* the other keywords would only repeat the mismatch */
    }
    if (n->const_ && !json_equal(n->const_, inst, 0)) {
        char want[VALUE_MAX];
        cf_schema_render_value(n->const_, want, sizeof(want));
        violation(v, n, "const", ip, "the value is not the constant %s", want);
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
        check_string(v, n, inst, ip);
        break;
    case cJSON_Number:
        check_number(v, n, inst, ip);
        break;
    case cJSON_Object:
        check_object(v, n, inst, ip, idepth, rdepth);
        break;
    case cJSON_Array:
        check_array(v, n, inst, ip, idepth, rdepth);
        break;
    default:
        break;
    }
    if (v->quick && v->count > start)
        return v->count - start;
    check_applicators(v, n, inst, ip, idepth, rdepth);
    return v->count - start;
}

size_t cf_schema_check(const cf_schema *s, const cJSON *instance, cf_schema_direction dir,
                       const char *base, cf_diags *out)
{
    vctx v = {out, base ? base : "", 0, 0, dir};
    if (!s || !s->root)
        return 0;
    if (!instance) {
        violation(&v, s->root, NULL, NULL, "no value to validate (the value is missing)");
        return v.count;
    }
    return validate(&v, s->root, instance, NULL, 0, 0);
}

int cf_schema_accepts(const cf_schema *s, const cJSON *instance)
{
    if (!s || !s->root)
        return 1;
    if (!instance)
        return 0;
    vctx v = {NULL, "", 0, 1, CF_SCHEMA_ANY};
    return validate(&v, s->root, instance, NULL, 0, 0) == 0;
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
